"""manifest.json and hacs.json: what hassfest and the HACS action check."""

import ast
from typing import Any
from urllib.parse import urlparse

from awesomeversion import AwesomeVersion, AwesomeVersionStrategy
from homeassistant.const import Platform, __version__ as ha_version
import pytest

from .source import DOMAIN, INTEGRATION, ROOT, manifest, read_json

# hassfest's CUSTOM_INTEGRATION_MANIFEST_SCHEMA (script/hassfest/manifest.py): the
# core schema, which rejects unknown keys, plus `version` and `import_executor`.
# `categories` and `connectivity` (new in 2026.11) are left out on purpose: older
# hassfest versions reject them, and the integration supports older releases.
ALLOWED_KEYS = {
    "domain",
    "name",
    "after_dependencies",
    "bluetooth",
    "codeowners",
    "config_flow",
    "dependencies",
    "dhcp",
    "disabled",
    "documentation",
    "homekit",
    "import_executor",
    "integration_type",
    "iot_class",
    "issue_tracker",
    "loggers",
    "mqtt",
    "quality_scale",
    "requirements",
    "single_config_entry",
    "ssdp",
    "usb",
    "version",
    "zeroconf",
}
IOT_CLASSES = {
    "assumed_state",
    "calculated",
    "cloud_polling",
    "cloud_push",
    "local_polling",
    "local_push",
}
INTEGRATION_TYPES = {
    "device",
    "entity",
    "hardware",
    "helper",
    "hub",
    "service",
    "system",
}
# What the HACS action requires of an integration's manifest.
HACS_REQUIRED = {
    "domain",
    "name",
    "version",
    "documentation",
    "issue_tracker",
    "codeowners",
}
# HACS_MANIFEST_JSON_SCHEMA (hacs/integration, utils/validate.py): unknown keys fail.
HACS_KEYS: dict[str, type | tuple[type, ...]] = {
    "name": str,
    "content_in_root": bool,
    "zip_release": bool,
    "filename": str,
    "hide_default_branch": bool,
    "country": (str, list),
    "homeassistant": str,
    "hacs": str,
    "persistent_directory": str,
    "render_readme": bool,
}
# The version strategies hassfest and Home Assistant's loader accept.
VERSION_STRATEGIES = [
    AwesomeVersionStrategy.CALVER,
    AwesomeVersionStrategy.SEMVER,
    AwesomeVersionStrategy.SIMPLEVER,
    AwesomeVersionStrategy.BUILDVER,
    AwesomeVersionStrategy.PEP440,
]


def _https_url(value: Any) -> bool:
    parsed = urlparse(str(value))
    return parsed.scheme == "https" and bool(parsed.netloc)


def test_hacs_required_keys() -> None:
    """The manifest has every key HACS requires."""
    assert sorted(HACS_REQUIRED - set(manifest())) == []


def test_domain_is_folder_name() -> None:
    """The domain equals the integration's folder name."""
    assert manifest()["domain"] == INTEGRATION.name == DOMAIN


def test_no_unknown_keys() -> None:
    """No key hassfest's schema does not know (hassfest rejects them)."""
    assert sorted(set(manifest()) - ALLOWED_KEYS) == []


def test_keys_sorted() -> None:
    """Keys are sorted: domain, name, then alphabetically (hassfest's sort_manifest)."""
    keys = list(manifest())
    assert keys == sorted(
        keys, key=lambda key: {"domain": ".domain", "name": ".name"}.get(key, key)
    )


def test_iot_class_and_type() -> None:
    """iot_class is present and valid; integration_type (if given) is valid."""
    data = manifest()
    assert data.get("iot_class") in IOT_CLASSES
    assert data.get("integration_type", "hub") in INTEGRATION_TYPES


def test_urls() -> None:
    """The documentation and issue_tracker URLs are https, not home-assistant.io's."""
    data = manifest()
    assert _https_url(data["documentation"])
    host = (urlparse(data["documentation"]).hostname or "").lower()
    assert host != "home-assistant.io"
    assert not host.endswith(".home-assistant.io")
    assert _https_url(data["issue_tracker"])


def test_version() -> None:
    """The version is one Home Assistant's loader accepts (else it blocks the integration)."""
    version = manifest()["version"]
    assert isinstance(version, str)
    AwesomeVersion(version, ensure_strategy=VERSION_STRATEGIES)


def test_value_types() -> None:
    """Lists are lists of strings, flags are booleans."""
    data = manifest()
    assert isinstance(data["name"], str)
    assert data["name"]
    for key in (
        "codeowners",
        "requirements",
        "dependencies",
        "after_dependencies",
        "loggers",
    ):
        if key in data:
            assert isinstance(data[key], list), key
            assert all(isinstance(item, str) for item in data[key]), key
    assert data["codeowners"], "integration-owner needs a code owner"
    assert all(owner.startswith("@") for owner in data["codeowners"])
    for key in ("config_flow", "single_config_entry", "import_executor"):
        if key in data:
            assert isinstance(data[key], bool), key
    assert data.get("config_flow") is True


# hassfest's dependencies check (script/hassfest/dependencies.py): components an
# integration may import without listing them in dependencies/after_dependencies.
ALLOWED_USED_COMPONENTS = {
    *(platform.value for platform in Platform),
    "alert",
    "automation",
    "conversation",
    "default_config",
    "device_automation",
    "frontend",
    "group",
    "homeassistant",
    "input_boolean",
    "input_button",
    "input_datetime",
    "input_number",
    "input_select",
    "input_text",
    "media_source",
    "onboarding",
    "panel_custom",
    "persistent_notification",
    "person",
    "script",
    "shopping_list",
    "sun",
    "system_health",
    "system_log",
    "timer",
    "webhook",
    "websocket_api",
    "zone",
    "mjpeg",
    "stream",
}


def _referenced_components() -> dict[str, str]:
    """Return the components imported by the integration, with where."""
    found: dict[str, str] = {}
    for path in sorted(INTEGRATION.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            names: list[str] = []
            if isinstance(node, ast.ImportFrom) and node.module:
                if node.module.startswith("homeassistant.components."):
                    names = [node.module.split(".")[2]]
                elif node.module == "homeassistant.components":
                    names = [alias.name for alias in node.names]
            elif isinstance(node, ast.Import):
                names = [
                    alias.name.split(".")[2]
                    for alias in node.names
                    if alias.name.startswith("homeassistant.components.")
                ]
            for name in names:
                found.setdefault(
                    name,
                    f"{path.relative_to(INTEGRATION)}:{getattr(node, 'lineno', 0)}",
                )
    return found


def test_used_components_are_dependencies() -> None:
    """Imported components are platforms, allowed, or in (after_)dependencies.

    A component the integration has a platform file for (diagnostics.py,
    repairs.py) counts as declared, as in hassfest.
    """
    data = manifest()
    allowed = (
        ALLOWED_USED_COMPONENTS
        | set(data.get("dependencies", []))
        | set(data.get("after_dependencies", []))
    )
    undeclared = {
        f"{name} ({where})"
        for name, where in _referenced_components().items()
        if name not in allowed
        and name != DOMAIN
        and not (INTEGRATION / f"{name}.py").is_file()
        and not (INTEGRATION / name).is_dir()
    }
    assert undeclared == set()


@pytest.fixture
def hacs() -> dict[str, Any]:
    """hacs.json."""
    data: dict[str, Any] = read_json(ROOT / "hacs.json")
    return data


def test_hacs_keys(hacs: dict[str, Any]) -> None:
    """hacs.json has only keys HACS knows, with the right types, and a name."""
    assert sorted(set(hacs) - set(HACS_KEYS)) == []
    assert isinstance(hacs.get("name"), str)
    assert hacs["name"]
    for key, value in hacs.items():
        assert isinstance(value, HACS_KEYS[key]), key
    assert not hacs.get("zip_release") or "filename" in hacs


def test_hacs_minimum_home_assistant(hacs: dict[str, Any]) -> None:
    """The minimum Home Assistant version is set, valid, and not above the tested one."""
    minimum = hacs.get("homeassistant")
    assert isinstance(minimum, str), "hacs.json sets no minimum Home Assistant version"
    version = AwesomeVersion(minimum, ensure_strategy=[AwesomeVersionStrategy.CALVER])
    # The test suite runs on a release the integration claims to support.
    assert version <= AwesomeVersion(ha_version)
