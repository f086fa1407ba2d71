"""Covers: blinds and garage doors travel, by position or by toggle."""

from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.cover import (
    ATTR_CURRENT_POSITION,
    ATTR_POSITION,
    DOMAIN as COVER_DOMAIN,
    SERVICE_CLOSE_COVER,
    SERVICE_OPEN_COVER,
    SERVICE_SET_COVER_POSITION,
    CoverEntityFeature,
    CoverState,
)
from homeassistant.const import (
    ATTR_DEVICE_CLASS,
    ATTR_ENTITY_ID,
    ATTR_SUPPORTED_FEATURES,
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

from custom_components.esp_rainmaker.cover import STALL_S, Travel
from rainmaker_emulator import Cloud

from .common import add_device_node, node_id_named, tick

BLINDS = "cover.living_room_blinds"
GARAGE = "cover.garage_door"


async def call(hass: HomeAssistant, service: str, entity_id: str, **data: Any) -> None:
    """Call a cover service."""
    await hass.services.async_call(
        COVER_DOMAIN, service, {ATTR_ENTITY_ID: entity_id, **data}, blocking=True
    )


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
@pytest.mark.parametrize("platforms", [[Platform.COVER]])
async def test_snapshot(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    entity_registry: er.EntityRegistry,
    snapshot: SnapshotAssertion,
) -> None:
    """The demo's blinds and garage door, registry entries and states."""
    await snapshot_platform(hass, entity_registry, snapshot, init_integration.entry_id)


@pytest.mark.usefixtures("init_integration")
async def test_blinds_travel(
    hass: HomeAssistant, cloud: Cloud, freezer: FrozenDateTimeFactory
) -> None:
    """Opening while on the way, through the positions reported, then open."""
    node_id = node_id_named(cloud, "Living Room Blinds")
    state = hass.states.get(BLINDS)
    assert (state.state, state.attributes[ATTR_CURRENT_POSITION]) == (
        CoverState.CLOSED,
        0,
    )

    await call(hass, SERVICE_SET_COVER_POSITION, BLINDS, **{ATTR_POSITION: 50})
    assert hass.states.get(BLINDS).state == CoverState.OPENING
    await tick(hass, freezer, 2)
    state = hass.states.get(BLINDS)
    assert state.state == CoverState.OPENING
    assert 0 < state.attributes[ATTR_CURRENT_POSITION] < 50
    await tick(hass, freezer, 4)
    state = hass.states.get(BLINDS)
    assert (state.state, state.attributes[ATTR_CURRENT_POSITION]) == (
        CoverState.OPEN,
        50,
    )
    assert cloud.node(node_id).reported["Blinds"]["Position"] == 50

    await call(hass, SERVICE_CLOSE_COVER, BLINDS)
    assert hass.states.get(BLINDS).state == CoverState.CLOSING
    await tick(hass, freezer, 10)
    assert hass.states.get(BLINDS).state == CoverState.CLOSED


@pytest.mark.usefixtures("init_integration")
async def test_garage_door_opens(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """A garage door is a garage cover: opening for its travel time, then open."""
    assert hass.states.get(GARAGE).attributes[ATTR_DEVICE_CLASS] == "garage"
    await call(hass, SERVICE_OPEN_COVER, GARAGE)
    await tick(hass, freezer, 10)
    assert hass.states.get(GARAGE).state == CoverState.OPENING
    await tick(hass, freezer, 15)
    state = hass.states.get(GARAGE)
    assert (state.state, state.attributes[ATTR_CURRENT_POSITION]) == (
        CoverState.OPEN,
        100,
    )


@pytest.fixture
def other_covers(cloud: Cloud, demo_user_id: str) -> None:
    """A garage door with an open/closed toggle, blinds with a power switch only."""
    add_device_node(
        cloud,
        "Toggle Door",
        "esp.device.garage-door",
        [
            {
                "name": "Open",
                "type": "esp.param.toggle",
                "data_type": "bool",
                "properties": ["read", "write"],
            }
        ],
        {"Open": False},
    )
    add_device_node(
        cloud,
        "Motor Blinds",
        "esp.device.blinds-external",
        [
            {
                "name": "Power",
                "type": "esp.param.power",
                "data_type": "bool",
                "properties": ["read", "write"],
            }
        ],
        {"Power": False},
    )


@pytest.mark.usefixtures("other_covers", "init_integration")
async def test_toggle_door_and_fallback(
    hass: HomeAssistant, cloud: Cloud, freezer: FrozenDateTimeFactory
) -> None:
    """A toggle opens and closes (no position to set); no position: no cover."""
    door = "cover.toggle_door"
    state = hass.states.get(door)
    assert state.state == CoverState.CLOSED
    assert state.attributes[ATTR_SUPPORTED_FEATURES] == (
        CoverEntityFeature.OPEN | CoverEntityFeature.CLOSE
    )
    await call(hass, SERVICE_OPEN_COVER, door)
    await tick(hass, freezer, 0.3)
    assert cloud.node("Toggle Door").writes[-1]["payload"] == {"Device": {"Open": True}}
    assert hass.states.get(door).state == CoverState.OPEN

    assert hass.states.get("cover.motor_blinds") is None
    assert hass.states.get("switch.motor_blinds_power") is not None


def test_travel_ends_at_target_or_when_stalled() -> None:
    """A cover that stops short is not opening for ever."""
    travel = Travel()
    travel.start(100, now=0.0)
    travel.observe(0, now=0.0)
    assert travel.direction(0) == 1
    travel.observe(40, now=2.0)
    assert travel.direction(40) == 1
    travel.observe(40, now=2.0 + STALL_S)
    assert travel.direction(40) == 0

    travel.start(0, now=10.0)
    travel.observe(40, now=10.0)
    assert travel.direction(40) == -1
    travel.observe(0, now=11.0)
    assert travel.target is None
    travel.start(50, now=20.0)
    travel.observe(None, now=20.5)
    assert travel.direction(None) == 0
