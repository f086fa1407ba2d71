"""The running integration: no deprecation reports, and the entity rules hold.

The integration is set up against the emulator (tests/conftest.py fixtures) and put
through setup, every platform's actions, polling, diagnostics, the options, reauth,
reconfigure and user flows, unload and removal, while every log record is checked
for Home Assistant's deprecation reports (see deprecation_guard.py for why logs and
not warnings).
"""

import logging
from pathlib import Path
from typing import Any
import warnings

# Diagnostics imports the Supervisor client, whose models cannot be built under a
# frozen clock: import it while time still runs (as tests/test_diagnostics.py does).
import aiohasupervisor  # noqa: F401
from freezegun.api import FrozenDateTimeFactory
import homeassistant.components
from homeassistant.config_entries import ConfigEntry, ConfigEntryState
import homeassistant.const as ha_const
from homeassistant.const import ATTR_ENTITY_ID, CONF_PASSWORD, CONF_URL, CONF_USERNAME
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers import device_registry as dr, entity_registry as er, frame
from homeassistant.helpers.entity_platform import async_get_platforms
from homeassistant.loader import async_get_integration
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.components.diagnostics import (
    get_diagnostics_for_config_entry,
    get_diagnostics_for_device,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.esp_rainmaker.const import CONF_SCAN_INTERVAL
from custom_components.esp_rainmaker.coordinator import RainMakerCoordinator
from custom_components.esp_rainmaker.entity import RainMakerEntity
from rainmaker_emulator import DEMO_EMAIL, DEMO_PASSWORD, EmulatorServer
from tests.common import tick

from .deprecation_guard import expects_reports, offending
from .source import DOMAIN, INTEGRATION, read_json

# One action per platform: (domain, service, entity, data).
ACTIONS: list[tuple[str, str, str, dict[str, Any]]] = [
    ("switch", "turn_off", "switch.coffee_maker", {}),
    ("switch", "turn_on", "switch.coffee_maker", {}),
    ("light", "turn_on", "light.desk_lamp", {"brightness": 128}),
    ("light", "turn_on", "light.patio_led", {"hs_color": (120, 100)}),
    ("light", "turn_off", "light.desk_lamp", {}),
    ("fan", "turn_on", "fan.ceiling_fan", {"percentage": 50}),
    ("number", "set_value", "number.living_room_ac_setpoint", {"value": 23}),
    ("select", "select_option", "select.living_room_ac_mode", {"option": "Heat"}),
    (
        "select",
        "select_option",
        "select.patio_refill_cartridge",
        {"option": "40_hours"},
    ),
    ("button", "press", "button.patio_reset_refill", {}),
    ("switch", "turn_on", "switch.patio_repellers", {}),
    ("switch", "turn_off", "switch.patio_repellers", {}),
]


def _state(entry: ConfigEntry) -> ConfigEntryState:
    return entry.state


@pytest.mark.usefixtures("generic_node", "entity_registry_enabled_by_default")
async def test_no_deprecation_reports(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    emulator: EmulatorServer,
    hass_client: ClientSessionGenerator,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A whole life cycle of the integration logs no deprecation report."""
    entry = init_integration

    for domain, service, entity_id, data in ACTIONS:
        assert hass.states.get(entity_id) is not None, entity_id
        await hass.services.async_call(
            domain, service, {ATTR_ENTITY_ID: entity_id, **data}, blocking=True
        )
    await tick(hass, freezer, 20)
    await tick(hass, freezer, 60)

    assert await get_diagnostics_for_config_entry(hass, hass_client, entry)
    device = dr.async_entries_for_config_entry(dr.async_get(hass), entry.entry_id)[0]
    assert await get_diagnostics_for_device(hass, hass_client, entry, device)

    result = await hass.config_entries.options.async_init(entry.entry_id)
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {CONF_SCAN_INTERVAL: 60}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()

    result = await entry.start_reauth_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_PASSWORD: DEMO_PASSWORD}
    )
    assert result["reason"] == "reauth_successful"
    await hass.async_block_till_done()

    account = {
        CONF_URL: emulator.url,
        CONF_USERNAME: DEMO_EMAIL,
        CONF_PASSWORD: DEMO_PASSWORD,
    }
    result = await entry.start_reconfigure_flow(hass)
    result = await hass.config_entries.flow.async_configure(result["flow_id"], account)
    assert result["reason"] == "reconfigure_successful"
    await hass.async_block_till_done()

    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": "user"}
    )
    result = await hass.config_entries.flow.async_configure(result["flow_id"], account)
    assert result["reason"] == "already_configured"

    await tick(hass, freezer, 60)
    assert entry.state is ConfigEntryState.LOADED
    assert await hass.config_entries.async_unload(entry.entry_id)
    assert _state(entry) is ConfigEntryState.NOT_LOADED
    await hass.config_entries.async_remove(entry.entry_id)
    await hass.async_block_till_done()

    # Setup (init_integration) ran in the setup phase: its records are kept apart.
    assert offending([*caplog.get_records("setup"), *caplog.records]) == []


@expects_reports
async def test_report_usage_is_logged_not_warned(
    hass: HomeAssistant, caplog: pytest.LogCaptureFixture
) -> None:
    """Control: report_usage about a custom integration logs, it does not warn.

    So `error::DeprecationWarning:homeassistant.*` in pyproject.toml cannot fail a
    test for it; the log check above does.
    """
    await async_get_integration(hass, DOMAIN)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        frame.report_usage(
            "calls a helper that goes away",
            breaks_in_ha_version="2099.1.0",
            integration_domain=DOMAIN,
        )
    assert [w for w in caught if issubclass(w.category, DeprecationWarning)] == []
    reports = offending(caplog.records)
    assert len(reports) == 1
    assert "Detected that custom integration 'esp_rainmaker'" in reports[0]


@expects_reports
async def test_deprecated_constant_is_logged_not_warned(
    hass: HomeAssistant, caplog: pytest.LogCaptureFixture
) -> None:
    """Control: a deprecated constant used from the integration logs, it does not warn."""
    deprecated = [name for name in vars(ha_const) if name.startswith("_DEPRECATED_")]
    if not deprecated:
        pytest.skip("this Home Assistant has no deprecated constants in const.py")
    name = deprecated[0].removeprefix("_DEPRECATED_")
    # Code "in" the integration's folder, so the frame helper attributes it to it.
    probe = compile(
        f"import homeassistant.const\nhomeassistant.const.{name}\n",
        str(INTEGRATION / "conformance_probe.py"),
        "exec",
    )
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        exec(probe, {})  # noqa: S102 - fixed code, compiled above
    assert [w for w in caught if issubclass(w.category, DeprecationWarning)] == []
    reports = offending(caplog.records)
    assert reports, "the deprecated constant was not reported"
    assert all(
        r.levelno >= logging.WARNING
        for r in caplog.records
        if "deprecated" in r.getMessage()
    )


@pytest.mark.usefixtures("generic_node", "entity_registry_enabled_by_default")
async def test_running_entities(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    entity_registry: er.EntityRegistry,
) -> None:
    """Every entity has a unique id, has_entity_name and a translated name."""
    assert isinstance(init_integration.runtime_data.coordinator, RainMakerCoordinator)
    entities = [
        entity
        for platform in async_get_platforms(hass, DOMAIN)
        for entity in platform.entities.values()
    ]
    entries = er.async_entries_for_config_entry(
        entity_registry, init_integration.entry_id
    )
    assert len(entities) == len(entries) > 0
    # common-modules and devices: every entity is a RainMakerEntity on a node's device.
    assert [e.entity_id for e in entities if not isinstance(e, RainMakerEntity)] == []
    assert [e.entity_id for e in entries if e.device_id is None] == []
    assert [e.entity_id for e in entities if not e.unique_id] == []
    assert [e.entity_id for e in entities if e.has_entity_name is not True] == []
    unnamed = [
        entry.entity_id
        for entry in entries
        if entry.translation_key is not None
        and (not entry.original_name or "{" in entry.original_name)
    ]
    assert unnamed == []


@pytest.mark.usefixtures("generic_node", "entity_registry_enabled_by_default")
async def test_icons_keep_device_class_icons(
    init_integration: MockConfigEntry, entity_registry: er.EntityRegistry
) -> None:
    """An entity with a device class gets no icon from icons.json (icon-translations).

    The frontend takes an icons.json icon before the device class's own icon (a
    thermometer, a plug, ...), so a translation key shared by entities with and
    without a device class must not have an icon. Device classes without an icon
    of their own in the entity component's icons.json may have one, and so may
    enum sensors, whose device class icon is a generic placeholder (state icons
    are how core integrations make them meaningful).
    """
    icons = read_json(INTEGRATION / "icons.json").get("entity", {})

    def has_icon(domain: str, device_class: str) -> bool:
        component = Path(homeassistant.components.__file__).parent / domain
        return device_class != "enum" and device_class in read_json(
            component / "icons.json"
        ).get("entity_component", {})

    overridden = sorted(
        f"{entry.entity_id} ({entry.original_device_class}): "
        f"icons.json entity.{entry.domain}.{entry.translation_key}"
        for entry in er.async_entries_for_config_entry(
            entity_registry, init_integration.entry_id
        )
        if entry.original_device_class
        and entry.translation_key in icons.get(entry.domain, {})
        and has_icon(entry.domain, entry.original_device_class)
    )
    assert overridden == []
