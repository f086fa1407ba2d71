"""Fans: snapshot, power, speed as a percentage, direction."""

from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.fan import (
    ATTR_DIRECTION,
    ATTR_PERCENTAGE,
    DIRECTION_FORWARD,
    DIRECTION_REVERSE,
    DOMAIN as FAN_DOMAIN,
    SERVICE_SET_DIRECTION,
    SERVICE_SET_PERCENTAGE,
)
from homeassistant.const import (
    ATTR_ENTITY_ID,
    SERVICE_TURN_OFF,
    SERVICE_TURN_ON,
    STATE_OFF,
    STATE_ON,
    Platform,
)
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    snapshot_platform,
)
from syrupy.assertion import SnapshotAssertion

from rainmaker_emulator import Cloud

from .common import node_id_named, tick
from .conftest import GENERIC_NODE_ID

FAN = "fan.ceiling_fan"


async def call(
    hass: HomeAssistant, service: str, entity_id: str = FAN, **data: object
) -> None:
    """Call a fan service."""
    await hass.services.async_call(
        FAN_DOMAIN, service, {ATTR_ENTITY_ID: entity_id, **data}, blocking=True
    )


@pytest.mark.usefixtures("entity_registry_enabled_by_default", "generic_node")
@pytest.mark.parametrize("platforms", [[Platform.FAN]])
async def test_snapshot(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    entity_registry: er.EntityRegistry,
    snapshot: SnapshotAssertion,
) -> None:
    """Every fan, its registry entry and state."""
    await snapshot_platform(hass, entity_registry, snapshot, init_integration.entry_id)


@pytest.mark.usefixtures("init_integration")
async def test_speed_and_direction(
    hass: HomeAssistant, cloud: Cloud, freezer: FrozenDateTimeFactory
) -> None:
    """Percentages map onto speeds 1-5; 0 % turns the fan off; direction is 0 or 1."""
    fan = cloud.node(node_id_named(cloud, "Ceiling Fan"))
    assert hass.states.get(FAN).attributes[ATTR_PERCENTAGE] == 60

    await call(hass, SERVICE_TURN_ON, **{ATTR_PERCENTAGE: 100})
    await tick(hass, freezer, 0.3)
    assert (fan.reported["Fan"]["Power"], fan.reported["Fan"]["Speed"]) == (True, 5)
    assert hass.states.get(FAN).state == STATE_ON

    await call(hass, SERVICE_SET_PERCENTAGE, **{ATTR_PERCENTAGE: 30})
    await tick(hass, freezer, 0.3)
    assert fan.reported["Fan"]["Speed"] == 2
    assert hass.states.get(FAN).attributes[ATTR_PERCENTAGE] == 40

    await call(hass, SERVICE_SET_DIRECTION, **{ATTR_DIRECTION: DIRECTION_REVERSE})
    await tick(hass, freezer, 0.3)
    assert fan.reported["Fan"]["Direction"] == 1
    assert hass.states.get(FAN).attributes[ATTR_DIRECTION] == DIRECTION_REVERSE

    await call(hass, SERVICE_SET_PERCENTAGE, **{ATTR_PERCENTAGE: 0})
    await tick(hass, freezer, 0.3)
    assert fan.reported["Fan"]["Power"] is False
    assert hass.states.get(FAN).state == STATE_OFF

    await call(hass, SERVICE_TURN_ON)
    await call(hass, SERVICE_TURN_OFF)
    await tick(hass, freezer, 0.3)
    assert fan.reported["Fan"]["Power"] is False
    assert hass.states.get(FAN).attributes[ATTR_DIRECTION] == DIRECTION_REVERSE


@pytest.mark.usefixtures("generic_node", "init_integration")
async def test_fan_with_speed_from_one(
    hass: HomeAssistant, cloud: Cloud, freezer: FrozenDateTimeFactory
) -> None:
    """A fan whose speeds start at 1 and that has no direction."""
    entity_id = "fan.living_room_ac_hall_vent"
    state = hass.states.get(entity_id)
    assert state.attributes[ATTR_PERCENTAGE] == 66
    assert state.attributes.get(ATTR_DIRECTION) is None

    await call(hass, SERVICE_TURN_ON, entity_id, **{ATTR_PERCENTAGE: 10})
    await tick(hass, freezer, 0.3)
    assert cloud.node(GENERIC_NODE_ID).reported["Vent"]["Speed"] == 1
    assert hass.states.get(entity_id).attributes[ATTR_PERCENTAGE] == 33
    assert DIRECTION_FORWARD  # the constant exists for fans that have a direction
