"""Binary sensors: snapshot and read-only boolean params.

Connectivity is tested with the coordinator, the hub's Problem with the sensors.
"""

from freezegun.api import FrozenDateTimeFactory
from homeassistant.const import STATE_OFF, STATE_ON, STATE_UNAVAILABLE, Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    snapshot_platform,
)
from syrupy.assertion import SnapshotAssertion

from rainmaker_emulator import EmulatorAdmin

from .common import tick
from .conftest import GENERIC_NODE_ID

FILTER = "binary_sensor.living_room_ac_filter_dirty"


@pytest.mark.usefixtures("entity_registry_enabled_by_default", "generic_node")
@pytest.mark.parametrize("platforms", [[Platform.BINARY_SENSOR]])
async def test_snapshot(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    entity_registry: er.EntityRegistry,
    snapshot: SnapshotAssertion,
) -> None:
    """Every binary sensor, its registry entry and state."""
    await snapshot_platform(hass, entity_registry, snapshot, init_integration.entry_id)


@pytest.mark.usefixtures("generic_node", "init_integration")
async def test_read_only_boolean_follows_the_cloud(
    hass: HomeAssistant, admin: EmulatorAdmin, freezer: FrozenDateTimeFactory
) -> None:
    """A read-only bool shows what the device reports, and is unavailable while offline."""
    assert hass.states.get(FILTER).state == STATE_OFF

    await admin.set_params(GENERIC_NODE_ID, {"AC": {"Filter Dirty": True}})
    await tick(hass, freezer, 30)
    assert hass.states.get(FILTER).state == STATE_ON

    await admin.set_online(GENERIC_NODE_ID, False)
    await tick(hass, freezer, 30)
    assert hass.states.get(FILTER).state == STATE_UNAVAILABLE
