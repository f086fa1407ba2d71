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

from rainmaker_emulator import Cloud, EmulatorAdmin

from .common import node_id_named, tick
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


@pytest.mark.usefixtures("init_integration")
async def test_detectors_follow_the_devices(
    hass: HomeAssistant, cloud: Cloud, freezer: FrozenDateTimeFactory
) -> None:
    """A door is open (on) when its contact detects no contact; motion is on with motion.

    Over a quarter of an hour the demo's door opens and its hall sees motion; every
    poll shows what the devices report.
    """
    door = cloud.node(node_id_named(cloud, "Back Door"))
    hall = cloud.node(node_id_named(cloud, "Hall Motion"))
    seen: set[tuple[str, str]] = set()
    for _ in range(30):
        await tick(hass, freezer, 30)
        contact = door.reported["Contact Sensor"]["Contact"]
        motion = hall.reported["Motion Sensor"]["Motion"]
        shown = (
            hass.states.get("binary_sensor.back_door_contact").state,
            hass.states.get("binary_sensor.hall_motion_motion").state,
        )
        assert shown == (
            STATE_OFF if contact else STATE_ON,
            STATE_ON if motion else STATE_OFF,
        )
        seen.add(shown)
    assert {door for door, _ in seen} == {STATE_ON, STATE_OFF}
    assert {motion for _, motion in seen} == {STATE_ON, STATE_OFF}
