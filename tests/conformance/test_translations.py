"""strings.json, translations/en.json and icons.json against the code that uses them.

Custom integrations get no hassfest translation check of their own usage, so these
tests walk the code (tests/conformance/usage.py) and require that every key the code
uses exists, that nothing unused remains, and that placeholders agree.
"""

from collections.abc import Mapping
import importlib
import importlib.util
import json
import re
from typing import Any

from homeassistant.const import CONF_URL, CONF_USERNAME
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers import config_validation as cv
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
import voluptuous as vol

from .source import DOMAIN, INTEGRATION, placeholders, platforms, read_json, strings
from .usage import Use, usage

# Translation keys: hassfest's translation_key_validator.
TRANSLATION_KEY = re.compile(r"^(?!.+[_-]{2})(?![_-])[a-z0-9-_]+(?<![_-])$")
# The top-level sections of hassfest's translations schema that a config-entry
# integration can have.
TOP_LEVEL = {
    "title",
    "config",
    "options",
    "selector",
    "entity",
    "exceptions",
    "issues",
    "device",
    "services",
}
# States of two-state platforms, for `state` sections of strings.json and icons.json.
ON_OFF_PLATFORMS = {"binary_sensor", "switch", "light", "fan"}
# An icon name: lower-case words with digits, joined by hyphens.
MDI_NAME = re.compile(r"^mdi:[a-z0-9]+(-[a-z0-9]+)*$")

# Uses of translation keys that the ast walk cannot see. Add a case here, with a
# comment saying where the key is used, instead of weakening the walk. None today.
EXTRA_ENTITY_KEYS: dict[str, set[str]] = {}


def _uses(found: dict[str, list[Use]]) -> str:
    return ", ".join(f"{key} ({uses[0].where})" for key, uses in sorted(found.items()))


def test_every_key_resolved() -> None:
    """Every translation key, step id, error and abort reason in the code is static."""
    assert usage().unresolved == []


def test_top_level_sections() -> None:
    """strings.json has only sections Home Assistant knows."""
    assert set(strings()) <= TOP_LEVEL


def test_keys_are_valid() -> None:
    """Entity, state, exception and issue keys are valid translation keys."""
    data = strings()
    keys = [
        *data.get("exceptions", {}),
        *data.get("issues", {}),
        *(
            name
            for keys in data.get("entity", {}).values()
            for key, value in keys.items()
            for name in (key, *value.get("state", {}))
        ),
    ]
    assert [key for key in keys if not TRANSLATION_KEY.match(key)] == []


def test_en_json_equals_strings_json() -> None:
    """translations/en.json is strings.json (custom integrations ship only en.json)."""
    assert read_json(INTEGRATION / "translations" / "en.json") == strings()


def _texts(node: Any, path: str = "") -> list[tuple[str, str]]:
    if isinstance(node, dict):
        return [
            item
            for key, value in node.items()
            for item in _texts(value, f"{path}.{key}" if path else key)
        ]
    return [(path, node)]


def test_no_key_references() -> None:
    """No `[%key:...%]` references: custom integrations do not resolve them."""
    texts = _texts(read_json(INTEGRATION / "translations" / "en.json"))
    assert [path for path, text in texts if "[%key:" in str(text)] == []


def test_strings_are_non_empty_text() -> None:
    """Every leaf is a non-empty string without HTML, keyed by a valid key."""
    bad = []
    for path, text in _texts(strings()):
        try:
            cv.string_with_no_html(text)
        except vol.Invalid:
            bad.append(f"{path}: HTML")
        if not isinstance(text, str) or not text.strip():
            bad.append(f"{path}: empty or not a string")
    assert bad == []


# Entities ---------------------------------------------------------------------------


def _used_entity_keys() -> dict[str, dict[str, list[Use]]]:
    found = {platform: dict(keys) for platform, keys in usage().entity.items()}
    for platform, keys in EXTRA_ENTITY_KEYS.items():
        for key in keys:
            found.setdefault(platform, {})[key] = [Use(key, None, "EXTRA_ENTITY_KEYS")]
    return found


def test_entity_keys_used_exist() -> None:
    """Every entity translation key in the code has a name in strings.json."""
    entity = strings().get("entity", {})
    missing = {
        f"entity.{platform}.{key} ({uses[0].where})"
        for platform, keys in _used_entity_keys().items()
        for key, uses in keys.items()
        if "name" not in entity.get(platform, {}).get(key, {})
    }
    assert missing == set()


def test_no_unused_entity_keys() -> None:
    """Every entity translation in strings.json is used by its platform."""
    used = _used_entity_keys()
    unused = {
        f"entity.{platform}.{key}"
        for platform, keys in strings().get("entity", {}).items()
        for key in keys
        if key not in used.get(platform, {})
    }
    assert unused == set()


def test_entity_platforms_are_forwarded() -> None:
    """strings.json and icons.json only name platforms the integration sets up."""
    icons = read_json(INTEGRATION / "icons.json")
    assert set(strings().get("entity", {})) <= set(platforms())
    assert set(icons.get("entity", {})) <= set(platforms())


def test_entity_name_placeholders() -> None:
    """An entity name's placeholders are exactly those its code passes."""
    entity = strings().get("entity", {})
    wrong = []
    for platform, keys in _used_entity_keys().items():
        for key, uses in keys.items():
            name = entity.get(platform, {}).get(key, {}).get("name")
            if name is None:
                continue  # reported by test_entity_keys_used_exist
            wanted = placeholders(name)
            for use in uses:
                if use.placeholders is None:
                    wrong.append(f"{use.where}: placeholders of {key} not static")
                elif set(use.placeholders) != wanted:
                    wrong.append(
                        f"{use.where}: {platform}.{key} passes "
                        f"{sorted(use.placeholders)}, the name uses {sorted(wanted)}"
                    )
    assert wrong == []


def _static_options() -> dict[tuple[str, str], set[str]]:
    """Return the options of module-level entity descriptions, by (platform, key).

    Descriptions built at run time from a device's metadata (`param`,
    `device_param`) have options nobody can translate, so they have no states.
    """
    options: dict[tuple[str, str], set[str]] = {}
    for platform in platforms():
        module = importlib.import_module(f"custom_components.{DOMAIN}.{platform}")
        for value in vars(module).values():
            items = value if isinstance(value, tuple | list) else (value,)
            for item in items:
                # By name: FrozenOrThawed makes thawed copies of the classes.
                if (
                    any(c.__name__ == "EntityDescription" for c in type(item).__mro__)
                    and item.translation_key
                    and getattr(item, "options", None)
                ):
                    options[(platform, item.translation_key)] = set(item.options)
    return options


def _allowed_states(platform: str, key: str) -> set[str] | None:
    if (platform, key) in _static_options():
        return _static_options()[(platform, key)]
    if platform in ON_OFF_PLATFORMS:
        return {"on", "off"}
    return None


def test_state_translations() -> None:
    """Enum states are translated exactly, two-state platforms use on/off only."""
    entity = strings().get("entity", {})
    wrong = []
    for (platform, key), options in _static_options().items():
        states = set(entity.get(platform, {}).get(key, {}).get("state", {}))
        if states != options:
            wrong.append(
                f"entity.{platform}.{key}.state: {states} != options {options}"
            )
    for platform, keys in entity.items():
        for key, value in keys.items():
            if "state" not in value or (platform, key) in _static_options():
                continue
            allowed = _allowed_states(platform, key)
            if allowed is None or not set(value["state"]) <= allowed:
                wrong.append(f"entity.{platform}.{key}.state: no such states")
    assert wrong == []


# Exceptions and repair issues -------------------------------------------------------


def test_exception_keys() -> None:
    """Every exception key raised exists, none is unused, placeholders agree."""
    exceptions = strings().get("exceptions", {})
    used = usage().exceptions
    assert {k for k in used if k not in exceptions} == set(), _uses(used)
    assert set(exceptions) - set(used) == set()
    wrong = [
        f"{use.where}: {key} passes {use.placeholders}, the message uses "
        f"{placeholders(exceptions[key]['message'])}"
        for key, uses in used.items()
        for use in uses
        if use.placeholders is None
        or set(use.placeholders) != placeholders(exceptions[key]["message"])
    ]
    assert wrong == []


def test_issue_keys() -> None:
    """Every repair issue created exists, none is unused, placeholders are passed."""
    issues = strings().get("issues", {})
    used = usage().issues
    assert set(used) == set(issues)
    wrong = []
    for key, uses in used.items():
        wanted = placeholders(json.dumps(issues[key]))
        wrong += [
            f"{use.where}: {key} passes {use.placeholders}, needs {wanted}"
            for use in uses
            if use.placeholders is None or not wanted <= use.placeholders
        ]
    assert wrong == []


def test_repair_flow() -> None:
    """The fix flows' steps, errors and aborts are exactly those of the repair flows."""
    flow = usage().flows["repairs"]
    fix_flows = [
        issue["fix_flow"]
        for issue in strings().get("issues", {}).values()
        if "fix_flow" in issue
    ]
    assert fix_flows, "repairs.py has a flow but no issue has a fix_flow"
    # repairs.py holds one flow per kind of issue: together they use every string.
    for part, used in (
        ("step", flow.steps),
        ("error", flow.errors),
        ("abort", flow.aborts),
    ):
        given = [set(fix_flow.get(part, {})) for fix_flow in fix_flows]
        assert set().union(*given) == set(used)


# Config and options flows -----------------------------------------------------------


@pytest.mark.parametrize("kind", ["config", "options"])
def test_flow_steps(kind: str) -> None:
    """Every step shown has strings, and every step in strings is shown."""
    assert set(strings().get(kind, {}).get("step", {})) == set(
        usage().flows[kind].steps
    )


@pytest.mark.parametrize("kind", ["config", "options"])
def test_flow_errors(kind: str) -> None:
    """Every error the flow sets has a string, and no error string is unused."""
    used = usage().flows[kind].errors
    assert set(strings().get(kind, {}).get("error", {})) == set(used), dict(used)


@pytest.mark.parametrize("kind", ["config", "options"])
def test_flow_aborts(kind: str) -> None:
    """Every abort reason (own and Home Assistant's helpers') has a string; none unused.

    Home Assistant's flow helpers abort with reasons of their own: already_configured
    (`_abort_if_unique_id_configured`), already_in_progress (`async_set_unique_id`
    while another flow holds the same unique id; counted only if a step can show a
    form after setting it), unique_id_mismatch, reauth_successful and
    reconfigure_successful (`async_update_reload_and_abort`). The frontend shows the
    bare reason when a custom integration has no string for it.
    """
    used = usage().flows[kind].aborts
    defined = set(strings().get(kind, {}).get("abort", {}))
    missing = {
        f"{reason}: {where[0]}"
        for reason, where in used.items()
        if reason not in defined
    }
    assert missing == set()
    assert defined - set(used) == set()


def test_step_description_placeholders() -> None:
    """A step description's placeholders are passed where the step is shown."""
    wrong = []
    for kind in ("config", "options"):
        flow = usage().flows[kind]
        for step, texts in strings().get(kind, {}).get("step", {}).items():
            wanted = placeholders(texts.get("description", "")) | placeholders(
                texts.get("title", "")
            )
            if not wanted <= flow.placeholders.get(step, set()):
                wrong.append(f"{kind}.step.{step}: needs {wanted}")
    assert wrong == []


def _fields(result: Mapping[str, Any]) -> set[str]:
    return {str(key.schema) for key in result["data_schema"].schema}


def _check_form(kind: str, result: Mapping[str, Any]) -> None:
    assert result["type"] is FlowResultType.FORM
    step = strings()[kind]["step"][result["step_id"]]
    fields = _fields(result)
    assert set(step.get("data", {})) == fields, result["step_id"]
    assert set(step.get("data_description", {})) == fields, result["step_id"]
    shown = set(result.get("description_placeholders") or {})
    assert placeholders(step.get("description", "")) <= shown


async def test_forms_have_labels_and_descriptions(hass: HomeAssistant) -> None:
    """Every field of every form has a label and a data_description, no more.

    The forms are opened without input, so nothing is sent to any cloud.
    """
    entry = MockConfigEntry(
        domain=DOMAIN,
        unique_id="user-1",
        data={CONF_URL: "https://example.invalid", CONF_USERNAME: "a@example.com"},
    )
    entry.add_to_hass(hass)

    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": "user"}
    )
    _check_form("config", result)
    _check_form("config", await entry.start_reconfigure_flow(hass))
    _check_form("config", await entry.start_reauth_flow(hass))
    _check_form("options", await hass.config_entries.options.async_init(entry.entry_id))


# icons.json -------------------------------------------------------------------------


def _icon(value: Any) -> str:
    value = cv.string_with_no_html(value)
    if not value.startswith("mdi:"):
        raise vol.Invalid("icons must be Material Design Icons: mdi:<name>")
    return str(value)


def _translation_key(value: Any) -> str:
    if not isinstance(value, str) or not TRANSLATION_KEY.match(value):
        raise vol.Invalid(f"invalid translation key {value!r}")
    return value


def _range_key(value: Any) -> str:
    try:
        float(value)
    except (TypeError, ValueError) as err:
        raise vol.Invalid(f"range key {value!r} is not a number") from err
    return str(value)


def _ranges_sorted(value: dict[str, Any]) -> dict[str, Any]:
    for key, section in value.items():
        if ranges := section.get("range"):
            bounds = [float(bound) for bound in ranges]
            if bounds != sorted(bounds):
                raise vol.Invalid(f"{key}: range keys must be ascending")
    return value


def _not_same_as_default(value: dict[str, Any]) -> dict[str, Any]:
    for key, section in value.items():
        default = section.get("default")
        for state, icon in section.get("state", {}).items():
            if default and icon == default:
                raise vol.Invalid(f"{key}.state.{state} repeats the default icon")
    return value


# hassfest's icons.json schema for integrations that are not entity components
# (script/hassfest/icons.py), with the `range` section of range-based icons.
STATE_ICONS = cv.schema_with_slug_keys(_icon, slug_validator=_translation_key)
ICONS_SCHEMA = vol.Schema(
    {
        vol.Optional("entity"): cv.schema_with_slug_keys(
            vol.All(
                cv.schema_with_slug_keys(
                    {
                        vol.Optional("default"): _icon,
                        vol.Optional("state"): STATE_ICONS,
                        vol.Optional("range"): cv.schema_with_slug_keys(
                            _icon, slug_validator=_range_key
                        ),
                        vol.Optional("state_attributes"): cv.schema_with_slug_keys(
                            {
                                vol.Optional("default"): _icon,
                                vol.Optional("state"): STATE_ICONS,
                            },
                            slug_validator=_translation_key,
                        ),
                    },
                    slug_validator=_translation_key,
                ),
                _not_same_as_default,
                _ranges_sorted,
            ),
            slug_validator=cv.slug,
        ),
        vol.Optional("services"): cv.schema_with_slug_keys(
            {vol.Required("service"): _icon}, slug_validator=cv.slug
        ),
    }
)


def _icons() -> dict[str, Any]:
    icons: dict[str, Any] = read_json(INTEGRATION / "icons.json")
    return icons


def test_icons_schema() -> None:
    """icons.json follows Home Assistant's schema."""
    ICONS_SCHEMA(_icons())


def test_icon_keys_are_used_translation_keys() -> None:
    """Every icon belongs to a translation key its platform uses."""
    used = _used_entity_keys()
    unknown = {
        f"entity.{platform}.{key}"
        for platform, keys in _icons().get("entity", {}).items()
        for key in keys
        if key not in used.get(platform, {})
    }
    assert unknown == set()


def test_icon_states_exist() -> None:
    """State icons are for states the entity can have."""
    wrong = []
    for platform, keys in _icons().get("entity", {}).items():
        for key, value in keys.items():
            if "state" not in value:
                continue
            allowed = _allowed_states(platform, key)
            if allowed is None or not set(value["state"]) <= allowed:
                wrong.append(f"entity.{platform}.{key}.state")
            if "range" in value and platform != "sensor":
                wrong.append(f"entity.{platform}.{key}.range: sensors only")
    assert wrong == []


def _mdi_names() -> set[str] | None:
    """Return the Material Design Icons names, if an installed package ships them.

    home-assistant-frontend ships hass_frontend/static/mdi/iconList.json (what core's
    hassfest/pylint use to check icon names). It is not a dependency of the test
    environment, so without it only the format of the names is checked.
    """
    spec = importlib.util.find_spec("hass_frontend")
    if spec is None or not spec.submodule_search_locations:
        return None
    for location in spec.submodule_search_locations:
        path = f"{location}/static/mdi/iconList.json"
        try:
            with open(path, encoding="utf-8") as file:
                return {f"mdi:{icon['name']}" for icon in json.load(file)}
        except FileNotFoundError:
            continue
    return None


def test_icon_names() -> None:
    """Every icon is an mdi: name (checked against the MDI list when installed)."""
    icons = [icon for _, icon in _texts(_icons())]
    assert [icon for icon in icons if not MDI_NAME.match(icon)] == []
    if (names := _mdi_names()) is not None:
        assert [icon for icon in icons if icon not in names] == []
