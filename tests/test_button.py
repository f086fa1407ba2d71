"""Buttons: snapshot, reset refill with the chosen cartridge, reboot, write-only triggers."""

from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.button import DOMAIN as BUTTON_DOMAIN, SERVICE_PRESS
from homeassistant.const import ATTR_ENTITY_ID, STATE_UNAVAILABLE, Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    snapshot_platform,
)
from syrupy.assertion import SnapshotAssertion

from rainmaker_emulator import Cloud, EmulatorAdmin

from .common import node_id_named, tick
from .conftest import GENERIC_NODE_ID


async def press(hass: HomeAssistant, entity_id: str) -> None:
    """Press a button."""
    await hass.services.async_call(
        BUTTON_DOMAIN, SERVICE_PRESS, {ATTR_ENTITY_ID: entity_id}, blocking=True
    )


@pytest.mark.usefixtures("entity_registry_enabled_by_default", "generic_node")
@pytest.mark.parametrize("platforms", [[Platform.BUTTON]])
async def test_snapshot(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    entity_registry: er.EntityRegistry,
    snapshot: SnapshotAssertion,
) -> None:
    """Every button, its registry entry and state."""
    await snapshot_platform(hass, entity_registry, snapshot, init_integration.entry_id)


@pytest.mark.usefixtures("init_integration")
async def test_reset_refill_uses_the_chosen_cartridge(
    hass: HomeAssistant,
    cloud: Cloud,
    admin: EmulatorAdmin,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Reset sends the selected cartridge code; the refill shows 100 % right after."""
    node_id = node_id_named(cloud, "Patio")
    await hass.services.async_call(
        "select",
        "select_option",
        {ATTR_ENTITY_ID: "select.patio_refill_cartridge", "option": "40_hours"},
        blocking=True,
    )

    await press(hass, "button.patio_reset_refill")
    await tick(hass, freezer, 0.3)

    assert cloud.node(node_id).writes[-1]["payload"] == {"LIV Hub": {"Refill Reset": 0}}
    assert cloud.node(node_id).sim["cartridge_hours"] == 40
    assert hass.states.get("sensor.patio_refill_life").state == "100.0"


@pytest.mark.usefixtures("init_integration")
async def test_reboot(
    hass: HomeAssistant, cloud: Cloud, freezer: FrozenDateTimeFactory
) -> None:
    """Reboot writes the System service; the node drops offline for a moment."""
    node_id = node_id_named(cloud, "Desk Lamp")

    await press(hass, "button.desk_lamp_reboot")
    await tick(hass, freezer, 0.3)
    assert cloud.node(node_id).writes[-1]["payload"] == {"System": {"Reboot": True}}
    assert hass.states.get("light.desk_lamp").state == STATE_UNAVAILABLE

    await tick(hass, freezer, 30)
    assert hass.states.get("light.desk_lamp").state == "off"


@pytest.mark.usefixtures("generic_node", "init_integration")
async def test_write_only_trigger(hass: HomeAssistant, cloud: Cloud) -> None:
    """A write-only boolean is a button that writes true."""
    await press(hass, "button.living_room_ac_beep")
    await press(hass, "button.living_room_ac_self_clean")

    payloads = [write["payload"] for write in cloud.node(GENERIC_NODE_ID).writes]
    assert payloads == [{"AC": {"Beep": True}}, {"AC": {"Self Clean": True}}]
