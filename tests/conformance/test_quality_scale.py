"""quality_scale.yaml: every rule present and decided, and the checked rules really met.

hassfest validates quality_scale.yaml for core integrations only, and core's pylint
checkers (has-entity-name, parallel-updates, ...) are not on PyPI. For a custom
integration the tests below do their job: a rule marked `done` that the code does not
meet fails here. A rule marked `exempt` skips its check.
"""

import ast
import importlib
import inspect
from pathlib import Path
import re
import struct

from homeassistant.const import CONF_PASSWORD
from homeassistant.helpers.entity import Entity
import pytest

from custom_components.esp_rainmaker.const import CONF_TOKENS

from .source import (
    DOMAIN,
    INTEGRATION,
    PACKAGE,
    ROOT,
    base_names,
    call_name,
    classes,
    function,
    ha_exception_names,
    keyword,
    manifest,
    methods,
    module_names,
    platforms,
    quality_scale,
    reachable,
    resolve_strings,
    tree,
    where,
)

# The 54 rules of the Integration Quality Scale (hassfest's ALL_RULES, docs' tiers.json).
BRONZE = [
    "action-setup",
    "appropriate-polling",
    "brands",
    "common-modules",
    "config-flow",
    "config-flow-test-coverage",
    "dependency-transparency",
    "docs-actions",
    "docs-conditions",
    "docs-high-level-description",
    "docs-installation-instructions",
    "docs-removal-instructions",
    "docs-triggers",
    "entity-event-setup",
    "entity-unique-id",
    "has-entity-name",
    "runtime-data",
    "test-before-configure",
    "test-before-setup",
    "unique-config-entry",
]
SILVER = [
    "action-exceptions",
    "config-entry-unloading",
    "docs-configuration-parameters",
    "docs-installation-parameters",
    "entity-unavailable",
    "integration-owner",
    "log-when-unavailable",
    "parallel-updates",
    "reauthentication-flow",
    "test-coverage",
]
GOLD = [
    "devices",
    "diagnostics",
    "discovery",
    "discovery-update-info",
    "docs-data-update",
    "docs-examples",
    "docs-known-limitations",
    "docs-supported-devices",
    "docs-supported-functions",
    "docs-troubleshooting",
    "docs-use-cases",
    "dynamic-devices",
    "entity-category",
    "entity-device-class",
    "entity-disabled-by-default",
    "entity-translations",
    "exception-translations",
    "icon-translations",
    "reconfiguration-flow",
    "repair-issues",
    "stale-devices",
]
PLATINUM = ["async-dependency", "inject-websession", "strict-typing"]
ALL_RULES = BRONZE + SILVER + GOLD + PLATINUM

README = ROOT / "README.md"
SECTION = re.compile(r'README,\s*"([^"]+)"')
HEADING = re.compile(r"^#{1,6}\s+(.+?)\s*#*\s*$")

# Entity methods that carry out service actions.
# Entity methods that are not actions: Home Assistant calls them around the
# entity's life. Every other public `async_*` method of a platform entity is one.
LIFECYCLE_METHODS = {
    "async_added_to_hass",
    "async_will_remove_from_hass",
    "async_update",
}
# Functions Home Assistant calls with the config entry, which runtime-data (with
# strict-typing) wants annotated with the typed ConfigEntry alias.
ENTRY_FUNCTIONS = {
    "async_setup_entry",
    "async_unload_entry",
    "async_remove_config_entry_device",
    "async_migrate_entry",
    "async_get_config_entry_diagnostics",
    "async_get_device_diagnostics",
}


def require_done(rule: str) -> None:
    """Skip a rule's check unless the rule is marked done."""
    entry = quality_scale()[rule]
    if entry.status != "done":
        pytest.skip(f"{rule} is {entry.status}: {entry.comment}")


def test_all_rules_present() -> None:
    """quality_scale.yaml lists exactly the 54 rules."""
    assert len(ALL_RULES) == len(set(ALL_RULES)) == 54
    rules = quality_scale()
    assert sorted(set(ALL_RULES) - set(rules)) == []
    assert sorted(set(rules) - set(ALL_RULES)) == []


def test_all_rules_decided() -> None:
    """Every rule is done or exempt (no todo: the integration claims Platinum)."""
    assert {
        name: rule.status
        for name, rule in quality_scale().items()
        if rule.status not in ("done", "exempt")
    } == {}


def test_rules_explained() -> None:
    """Every rule says how it is met, or why it is exempt."""
    assert [
        name
        for name, rule in quality_scale().items()
        if not (rule.comment or "").strip()
    ] == []


# Rules core enforces with a checker -------------------------------------------------


def _entity_classes() -> list[type[Entity]]:
    found: dict[str, type[Entity]] = {}
    for module_name in module_names():
        module = importlib.import_module(
            f"{PACKAGE}.{module_name}".removesuffix(".__init__")
        )
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, Entity) and cls.__module__.startswith(PACKAGE):
                found[f"{cls.__module__}.{cls.__qualname__}"] = cls
    return list(found.values())


def _base_entity() -> type[Entity]:
    module = importlib.import_module(f"{PACKAGE}.entity")
    base: type[Entity] = module.RainMakerEntity
    return base


def _assigned(node: ast.AST, attribute: str) -> list[ast.Assign]:
    """Return assignments to `attribute` (`x = ...` or `self.x = ...`) under a node."""
    return [
        child
        for child in ast.walk(node)
        if isinstance(child, ast.Assign)
        and any(
            (isinstance(t, ast.Name) and t.id == attribute)
            or (isinstance(t, ast.Attribute) and t.attr == attribute)
            for t in child.targets
        )
    ]


def test_has_entity_name() -> None:
    """Every entity derives from the base entity, which sets _attr_has_entity_name.

    (Home Assistant's metaclass turns `_attr_*` into properties, so the value is
    read from the source; tests/conformance/test_runtime.py checks the entities.)
    """
    require_done("has-entity-name")
    base = _base_entity()
    entities = _entity_classes()
    assert len(entities) > len(platforms())
    assert [c.__qualname__ for c in entities if not issubclass(c, base)] == []
    assignments = {
        (module, cls.name): _assigned(cls, "_attr_has_entity_name")
        for module in module_names()
        for cls in classes(module)
    }
    base_assignment = assignments.pop(("entity", base.__name__))
    assert [
        isinstance(a.value, ast.Constant) and a.value.value is True
        for a in base_assignment
    ] == [True]
    assert [key for key, found in assignments.items() if found] == []


def _coordinator_class() -> ast.ClassDef:
    """Return the one DataUpdateCoordinator of coordinator.py."""
    found = [
        c for c in classes("coordinator") if "DataUpdateCoordinator" in base_names(c)
    ]
    assert len(found) == 1, "coordinator.py holds one DataUpdateCoordinator"
    return found[0]


def _base_entity_class() -> ast.ClassDef:
    """Return the one CoordinatorEntity of entity.py: the base of every entity."""
    found = [c for c in classes("entity") if "CoordinatorEntity" in base_names(c)]
    assert len(found) == 1, "entity.py holds one CoordinatorEntity"
    return found[0]


def test_entity_unique_id() -> None:
    """The base entity sets the unique id; no entity overrides or clears it."""
    require_done("entity-unique-id")
    entity_tree = _base_entity_class()
    init = methods(entity_tree)["__init__"]
    assert _assigned(init, "_attr_unique_id"), (
        f"{entity_tree.name}.__init__ sets no unique id"
    )
    overrides = []
    for module in module_names():
        for cls in classes(module):
            if module == "entity" and cls.name == entity_tree.name:
                continue
            overrides += [
                where(module, node)
                for node in ast.walk(cls)
                if isinstance(node, ast.FunctionDef) and node.name == "unique_id"
            ]
            overrides += [where(module, n) for n in _assigned(cls, "_attr_unique_id")]
    assert overrides == []
    for entity in _entity_classes():
        init_owner = next(k for k in entity.__mro__ if "__init__" in k.__dict__)
        assert issubclass(init_owner, _base_entity()), entity.__qualname__


def test_parallel_updates() -> None:
    """Every platform module sets PARALLEL_UPDATES to an integer."""
    require_done("parallel-updates")
    missing = []
    for platform in platforms():
        values = [
            node.value
            for node in tree(platform).body
            if isinstance(node, ast.Assign)
            and any(
                isinstance(t, ast.Name) and t.id == "PARALLEL_UPDATES"
                for t in node.targets
            )
        ]
        if not (
            values
            and isinstance(values[-1], ast.Constant)
            and type(values[-1].value) is int
        ):
            missing.append(platform)
    assert missing == []


def _entry_param(func: ast.FunctionDef | ast.AsyncFunctionDef) -> ast.arg | None:
    return next((a for a in func.args.args if a.arg in ("entry", "config_entry")), None)


def test_runtime_data() -> None:
    """async_setup_entry stores what the entry holds (its coordinator) in entry.runtime_data.

    With strict-typing, hassfest also wants every entry function annotated with a
    typed `type X = ConfigEntry[...]` alias.
    """
    require_done("runtime-data")
    setup = function("__init__", "async_setup_entry")
    assert setup is not None
    entry = _entry_param(setup)
    assert entry is not None
    assert any(
        isinstance(node, ast.Assign)
        and any(
            isinstance(t, ast.Attribute)
            and t.attr == "runtime_data"
            and isinstance(t.value, ast.Name)
            and t.value.id == entry.arg
            for t in node.targets
        )
        for node in ast.walk(setup)
    ), "async_setup_entry does not set entry.runtime_data"

    aliases = {
        node.name.id
        for module in module_names()
        for node in ast.walk(tree(module))
        if isinstance(node, ast.TypeAlias)
        and isinstance(node.value, ast.Subscript)
        and isinstance(node.value.value, ast.Name)
        and node.value.value.id == "ConfigEntry"
    }
    assert aliases, "no `type XConfigEntry = ConfigEntry[...]` alias"
    untyped = []
    for module in module_names():
        for node in tree(module).body:
            if isinstance(node, ast.AsyncFunctionDef) and node.name in ENTRY_FUNCTIONS:
                param = _entry_param(node)
                annotation = param.annotation if param else None
                if not (isinstance(annotation, ast.Name) and annotation.id in aliases):
                    untyped.append(where(module, node))
    assert untyped == []


def test_inject_websession() -> None:
    """Every client the integration builds runs on Home Assistant's shared session."""
    require_done("inject-websession")
    calls = [
        (module, node)
        for module in module_names()
        for node in ast.walk(tree(module))
        if isinstance(node, ast.Call) and call_name(node) == "RainMakerClient"
    ]
    assert calls, "the integration builds no RainMakerClient"
    assert [
        where(module, node)
        for module, node in calls
        if not isinstance(session := keyword(node, "session"), ast.Call)
        or call_name(session) != "async_get_clientsession"
    ] == []


BLOCKING_IMPORTS = {"requests", "urllib.request", "http.client", "socket"}


def test_async_dependency() -> None:
    """The library is asyncio all through: no blocking HTTP, socket or sleep calls."""
    require_done("async-dependency")
    found = []
    for path in sorted((INTEGRATION / "api").glob("*.py")):
        module = ast.parse(path.read_text("utf-8"))
        for node in ast.walk(module):
            names = (
                [alias.name for alias in node.names]
                if isinstance(node, ast.Import)
                else [node.module or ""]
                if isinstance(node, ast.ImportFrom)
                else []
            )
            found += [
                f"{path.name}: import {n}" for n in names if n in BLOCKING_IMPORTS
            ]
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and _dotted(node.func) == "time.sleep"
            ):
                found.append(f"{path.name}:{node.lineno}: time.sleep")
    assert found == []


def test_common_modules() -> None:
    """coordinator.py holds the coordinator and the typed entry, entity.py the base entity."""
    require_done("common-modules")
    _coordinator_class()
    assert any(
        isinstance(node, ast.TypeAlias)
        and isinstance(node.value, ast.Subscript)
        and _dotted(node.value.value) == "ConfigEntry"
        for node in tree("coordinator").body
    ), "coordinator.py holds no `type ... = ConfigEntry[...]` alias"
    _base_entity_class()


def test_config_entry_unloading() -> None:
    """async_unload_entry returns the result of unloading the platforms."""
    require_done("config-entry-unloading")
    unload = function("__init__", "async_unload_entry")
    assert unload is not None, "__init__.py has no async_unload_entry"
    returns = [
        node.value
        for node in ast.walk(unload)
        if isinstance(node, ast.Return) and node.value is not None
    ]
    assert any(
        isinstance(value, ast.Await)
        and isinstance(value.value, ast.Call)
        and call_name(value.value)
        in ("async_unload_platforms", "async_unload_platforms_or_raise")
        for value in returns
    ) or any(
        isinstance(node, ast.Call)
        and call_name(node) == "async_unload_platforms_or_raise"
        for node in ast.walk(unload)
    )


def test_diagnostics() -> None:
    """diagnostics.py redacts every result, at least the secrets of the entry."""
    require_done("diagnostics")
    assert (INTEGRATION / "diagnostics.py").is_file()
    functions = [
        node
        for node in tree("diagnostics").body
        if isinstance(node, ast.AsyncFunctionDef)
        and node.name.startswith("async_get_")
        and node.name.endswith("_diagnostics")
    ]
    assert "async_get_config_entry_diagnostics" in {f.name for f in functions}
    for func in functions:
        returns = [n for n in ast.walk(func) if isinstance(n, ast.Return)]
        assert returns, func.name
        for node in returns:
            assert isinstance(node.value, ast.Call), func.name
            assert call_name(node.value) == "async_redact_data", func.name
    redacted = importlib.import_module(f"{PACKAGE}.diagnostics").TO_REDACT
    assert {CONF_PASSWORD, CONF_TOKENS, "access_token", "refresh_token"} <= set(
        redacted
    )


def _config_flow() -> ast.ClassDef:
    return next(c for c in classes("config_flow") if "ConfigFlow" in base_names(c))


def _calls(cls: ast.ClassDef, names: set[str]) -> set[str]:
    return {
        call_name(node) or ""
        for name in names
        for node in ast.walk(methods(cls)[name])
        if isinstance(node, ast.Call)
    }


def test_reauthentication_flow() -> None:
    """Reauth re-tests the credentials, keeps the account and updates the entry."""
    require_done("reauthentication-flow")
    flow = _config_flow()
    assert "async_step_reauth" in methods(flow)
    calls = _calls(flow, reachable(flow, "async_step_reauth"))
    assert "async_set_unique_id" in calls
    assert "_abort_if_unique_id_mismatch" in calls
    assert "async_update_reload_and_abort" in calls
    assert "async_show_form" in calls


def test_unique_config_entry() -> None:
    """The user step sets the account as unique id and aborts duplicates."""
    require_done("unique-config-entry")
    if manifest().get("single_config_entry"):
        return
    calls = _calls(_config_flow(), reachable(_config_flow(), "async_step_user"))
    assert "async_set_unique_id" in calls
    assert (
        "_abort_if_unique_id_configured" in calls
        or "_async_abort_entries_match" in calls
    )


def test_test_before_configure() -> None:
    """The user step calls the cloud in a try and shows errors from its handlers."""
    require_done("test-before-configure")
    flow = _config_flow()
    steps = reachable(flow, "async_step_user")
    tested = False
    for name in steps:
        for node in ast.walk(methods(flow)[name]):
            if not isinstance(node, ast.Try):
                continue
            awaits = any(
                isinstance(n, ast.Await) for b in node.body for n in ast.walk(b)
            )
            reports = any(
                isinstance(n, ast.Dict) and n.values
                for handler in node.handlers
                for n in ast.walk(handler)
            ) or any(
                isinstance(n, ast.Call) and call_name(n) == "async_abort"
                for handler in node.handlers
                for n in ast.walk(handler)
            )
            tested |= awaits and reports
    assert tested, "no awaited test call with error handling in the user step"
    forms = [
        node
        for name in steps
        for node in ast.walk(methods(flow)[name])
        if isinstance(node, ast.Call) and call_name(node) == "async_show_form"
    ]
    assert forms
    assert all(keyword(node, "errors") is not None for node in forms)


def test_exception_translations() -> None:
    """Every Home Assistant error raised or built carries a domain and key."""
    require_done("exception-translations")
    untranslated = []
    for module in module_names():
        errors = ha_exception_names(module)
        for node in ast.walk(tree(module)):
            if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Name):
                if node.exc.id in errors:
                    untranslated.append(f"{where(module, node)}: raise {node.exc.id}")
                continue
            if not (isinstance(node, ast.Call) and call_name(node) in errors):
                continue
            domain = resolve_strings(module, keyword(node, "translation_domain"))
            key = keyword(node, "translation_key")
            if domain != {DOMAIN} or key is None:
                untranslated.append(f"{where(module, node)}: {call_name(node)}")
    assert untranslated == []


def _awaited_calls(func: ast.AST) -> list[ast.Call]:
    return [
        node.value
        for node in ast.walk(func)
        if isinstance(node, ast.Await) and isinstance(node.value, ast.Call)
    ]


def _dotted(node: ast.expr) -> str:
    if isinstance(node, ast.Attribute):
        return f"{_dotted(node.value)}.{node.attr}"
    if isinstance(node, ast.Name):
        return node.id
    return "?"


def _is_action(name: str) -> bool:
    """Tell whether an entity method is an action (a service call reaches it)."""
    return name.startswith("async_") and name not in LIFECYCLE_METHODS


def _delegates_to_action(call: ast.Call) -> bool:
    """Tell whether a call is another action of the entity (`self.` or `super().`)."""
    func = call.func
    if not isinstance(func, ast.Attribute) or not _is_action(func.attr):
        return False
    owner = func.value
    return (isinstance(owner, ast.Name) and owner.id == "self") or (
        isinstance(owner, ast.Call)
        and isinstance(owner.func, ast.Name)
        and owner.func.id == "super"
    )


def _coordinator_senders() -> set[str]:
    """Names of coordinator methods (of any coordinator) that translate client errors."""
    names: set[str] = set()
    for module in module_names():
        errors = ha_exception_names(module)
        for cls in classes(module):
            if "DataUpdateCoordinator" in base_names(cls):
                names |= {
                    name
                    for name, method in methods(cls).items()
                    if _translates_client_errors(method, errors)
                }
    return names


def _sends(call: ast.Call, senders: set[str], helpers: set[str]) -> bool:
    """Tell whether an awaited call reaches the cloud only through a translating sender.

    A coordinator's translating method (`<coordinator>.async_send`), a module
    helper that only does that, or `asyncio.gather` of such calls.
    """
    target = _dotted(call.func)
    if target == "asyncio.gather":
        return bool(call.args) and all(
            isinstance(arg, ast.Call) and _sends(arg, senders, helpers)
            for arg in call.args
        )
    if isinstance(call.func, ast.Name):
        return target in helpers
    return (
        isinstance(call.func, ast.Attribute)
        and call.func.attr in senders
        and not target.startswith("self.coordinator.client")
    )


def _module_helpers(senders: set[str]) -> set[str]:
    """Module-level functions that reach the cloud only through translating senders."""
    candidates = {
        node.name: node
        for module in module_names()
        for node in tree(module).body
        if isinstance(node, ast.AsyncFunctionDef)
    }
    helpers: set[str] = set()
    while True:
        found = {
            name
            for name, func in candidates.items()
            if name not in helpers
            and (calls := _awaited_calls(func))
            and all(_sends(call, senders, helpers) for call in calls)
        }
        if not found:
            return helpers
        helpers |= found


def test_action_exceptions() -> None:
    """Entity actions reach the cloud only through a coordinator method that translates errors.

    Directly, or through a base-entity, own or module helper that does nothing
    else. That method (today `async_send`, and the firmware coordinator's
    `async_install`) turns every client error into a Home Assistant error.
    """
    require_done("action-exceptions")
    senders = _coordinator_senders()
    assert "async_send" in senders, (
        "no coordinator method turns RainMakerError into a Home Assistant error"
    )
    helpers = _module_helpers(senders)
    # Base-entity helpers that only forward to such a method count as it.
    entity_helpers = {
        name
        for cls in classes("entity")
        for name, method in methods(cls).items()
        if (calls := _awaited_calls(method))
        and all(_sends(call, senders, helpers) for call in calls)
    }
    direct = []
    for platform in platforms():
        for cls in classes(platform):
            # So do the class's own helpers that only forward to one.
            own = senders | entity_helpers
            own |= {
                name
                for name, method in methods(cls).items()
                if (calls := _awaited_calls(method))
                and all(_sends(call, own, helpers) for call in calls)
            }
            for name, method in methods(cls).items():
                if not _is_action(name):
                    continue
                for call in _awaited_calls(method):
                    if _sends(call, own, helpers) or _delegates_to_action(call):
                        continue
                    direct.append(
                        f"{where(platform, call)}: await {_dotted(call.func)}"
                    )
                direct += [
                    f"{where(platform, node)}: {_dotted(node)}"
                    for node in ast.walk(method)
                    if isinstance(node, ast.Attribute)
                    and _dotted(node).startswith("self.coordinator.client")
                ]
    assert direct == []


def _translates_client_errors(
    method: ast.FunctionDef | ast.AsyncFunctionDef, errors: frozenset[str]
) -> bool:
    """Tell whether a method catches RainMakerError and raises a Home Assistant error."""
    return any(
        handler.type is not None
        and _dotted(handler.type).endswith("RainMakerError")
        and any(
            isinstance(n, ast.Raise)
            and isinstance(n.exc, ast.Call)
            and call_name(n.exc) in errors
            for n in ast.walk(handler)
        )
        for node in ast.walk(method)
        if isinstance(node, ast.Try)
        for handler in node.handlers
    )


# Documentation and brands -----------------------------------------------------------


def _docs_sections() -> list[tuple[str, str]]:
    return [
        (name, match.group(1))
        for name, rule in quality_scale().items()
        if name.startswith("docs-") and rule.status == "done"
        for match in [SECTION.search(rule.comment or "")]
        if match
    ]


def test_docs_rules_name_a_section() -> None:
    """Every docs-* rule marked done names its README section: `README, "Title"`."""
    assert [
        name
        for name, rule in quality_scale().items()
        if name.startswith("docs-")
        and rule.status == "done"
        and not SECTION.search(rule.comment or "")
    ] == []


def _headings(text: str) -> set[str]:
    headings = set()
    for line in text.splitlines():
        if match := HEADING.match(line):
            text = re.sub(r"[*_`]", "", match.group(1)).strip().rstrip(":")
            headings.add(text.strip().casefold())
    return headings


@pytest.mark.parametrize(("rule", "section"), _docs_sections())
def test_readme_has_section(rule: str, section: str) -> None:
    """README.md has the heading quality_scale.yaml names for a docs-* rule."""
    assert section.casefold() in _headings(README.read_text("utf-8")), (
        f"{rule}: README.md has no heading {section!r}"
    )


LINK = re.compile(r"\]\(([^)#\s]+)(?:#[^)]*)?\)")


def test_readme_links_resolve() -> None:
    """Every relative link and image in README.md points at a file in the repository."""
    targets = [
        target
        for target in LINK.findall(README.read_text("utf-8"))
        if "://" not in target
    ]
    assert targets, "README.md links no screenshots or docs"
    assert [target for target in targets if not (ROOT / target).exists()] == []


def test_readme_development_has_two_commands() -> None:
    """The Development section sets a newcomer up with scripts/develop and scripts/test."""
    text = README.read_text("utf-8")
    section = text.split("## Development", 1)[1].split("\n## ", 1)[0]
    block = section.split("```sh\n", 1)[1].split("```", 1)[0]
    commands = [line.split("#", 1)[0].strip() for line in block.splitlines()]
    assert commands == ["scripts/develop", "scripts/test"]
    assert all((ROOT / command).is_file() for command in commands)


def _png_size(path: Path) -> tuple[int, int, int]:
    """Return width, height and colour type from a PNG's IHDR chunk."""
    data = path.read_bytes()[:33]
    assert data[:8] == b"\x89PNG\r\n\x1a\n", f"{path.name} is not a PNG"
    width, height, _, color_type = struct.unpack(">IIBB", data[16:26])
    return width, height, color_type


def test_brands() -> None:
    """brand/ holds icon.png (256²), icon@2x.png (512²) and a landscape logo.png."""
    require_done("brands")
    brand = INTEGRATION / "brand"
    assert (brand / "icon.png").is_file()
    assert _png_size(brand / "icon.png")[:2] == (256, 256)
    assert _png_size(brand / "icon@2x.png")[:2] == (512, 512)
    width, height, _ = _png_size(brand / "logo.png")
    assert width >= height
    assert 128 <= height <= 256
    # Transparent backgrounds: RGBA (6) or grey with alpha (4).
    for name in ("icon.png", "icon@2x.png", "logo.png"):
        assert _png_size(brand / name)[2] in (4, 6), name
