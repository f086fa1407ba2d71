"""Selects: snapshot, the cartridge type (restored), generic string options."""

from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.select import (
    ATTR_OPTION,
    DOMAIN as SELECT_DOMAIN,
    SERVICE_SELECT_OPTION,
)
from homeassistant.const import ATTR_ENTITY_ID, Platform
from homeassistant.core import HomeAssistant, State
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    mock_restore_cache,
    snapshot_platform,
)
from syrupy.assertion import SnapshotAssertion

from custom_components.esp_rainmaker.api.thermacell import Cartridge
from rainmaker_emulator import Cloud

from .common import node_id_named, tick
from .conftest import GENERIC_NODE_ID

CARTRIDGE = "select.patio_refill_cartridge"


async def select(hass: HomeAssistant, entity_id: str, option: str) -> None:
    """Choose an option."""
    await hass.services.async_call(
        SELECT_DOMAIN,
        SERVICE_SELECT_OPTION,
        {ATTR_ENTITY_ID: entity_id, ATTR_OPTION: option},
        blocking=True,
    )


@pytest.mark.usefixtures("entity_registry_enabled_by_default", "generic_node")
@pytest.mark.parametrize("platforms", [[Platform.SELECT]])
async def test_snapshot(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    entity_registry: er.EntityRegistry,
    snapshot: SnapshotAssertion,
) -> None:
    """Every select, its registry entry and state."""
    await snapshot_platform(hass, entity_registry, snapshot, init_integration.entry_id)


async def test_cartridge_choice(
    hass: HomeAssistant, init_integration: MockConfigEntry, cloud: Cloud
) -> None:
    """The choice is kept for the reset button; nothing is sent to the cloud."""
    node_id = node_id_named(cloud, "Patio")
    cartridges = init_integration.runtime_data.hubs.cartridges
    assert cartridges[node_id] is Cartridge.HOURS_100

    await select(hass, CARTRIDGE, "180_hours")

    assert hass.states.get(CARTRIDGE).state == "180_hours"
    assert cartridges[node_id] is Cartridge.HOURS_180
    assert cloud.node(node_id).writes == []


async def test_cartridge_restored(
    hass: HomeAssistant, cloud: Cloud, mock_config_entry: MockConfigEntry
) -> None:
    """The cartridge type survives a restart."""
    mock_restore_cache(hass, [State(CARTRIDGE, "40_hours")])
    mock_config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()

    assert hass.states.get(CARTRIDGE).state == "40_hours"
    assert (
        mock_config_entry.runtime_data.hubs.cartridges[node_id_named(cloud, "Patio")]
        is Cartridge.HOURS_40
    )


@pytest.mark.usefixtures("generic_node", "init_integration")
async def test_generic_select(
    hass: HomeAssistant, cloud: Cloud, freezer: FrozenDateTimeFactory
) -> None:
    """A string with valid values is a select; other values are refused before sending."""
    await select(hass, "select.living_room_ac_mode", "Heat")
    await tick(hass, freezer, 0.3)
    assert cloud.node(GENERIC_NODE_ID).reported["AC"]["Mode"] == "Heat"
    assert hass.states.get("select.living_room_ac_mode").state == "Heat"

    with pytest.raises(ServiceValidationError):
        await select(hass, "select.living_room_ac_mode", "Dry")
