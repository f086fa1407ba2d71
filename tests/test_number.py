"""Numbers: snapshot and writes rounded to the parameter's step."""

from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.number import (
    ATTR_VALUE,
    DOMAIN as NUMBER_DOMAIN,
    SERVICE_SET_VALUE,
)
from homeassistant.const import ATTR_ENTITY_ID, Platform
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    snapshot_platform,
)
from syrupy.assertion import SnapshotAssertion

from rainmaker_emulator import Cloud, EmulatorAdmin

from .common import tick
from .conftest import GENERIC_NODE_ID

SETPOINT = "number.living_room_ac_setpoint"


async def set_value(hass: HomeAssistant, entity_id: str, value: float) -> None:
    """Set a number."""
    await hass.services.async_call(
        NUMBER_DOMAIN,
        SERVICE_SET_VALUE,
        {ATTR_ENTITY_ID: entity_id, ATTR_VALUE: value},
        blocking=True,
    )


@pytest.mark.usefixtures("entity_registry_enabled_by_default", "generic_node")
@pytest.mark.parametrize("platforms", [[Platform.NUMBER]])
async def test_snapshot(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    entity_registry: er.EntityRegistry,
    snapshot: SnapshotAssertion,
) -> None:
    """Every number, its registry entry and state."""
    await snapshot_platform(hass, entity_registry, snapshot, init_integration.entry_id)


@pytest.mark.usefixtures("generic_node", "init_integration")
async def test_set_value(
    hass: HomeAssistant,
    cloud: Cloud,
    admin: EmulatorAdmin,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Values are written on the step; out-of-range values never reach the cloud."""
    await set_value(hass, SETPOINT, 21.3)
    await tick(hass, freezer, 0.3)
    assert cloud.node(GENERIC_NODE_ID).reported["AC"]["Setpoint"] == 21.5
    assert hass.states.get(SETPOINT).state == "21.5"

    await admin.reset_stats()
    with pytest.raises(ServiceValidationError):
        await set_value(hass, SETPOINT, 40)
    assert (await admin.stats())["total"] == 0

    await set_value(hass, "number.living_room_ac_fan_level", 4)
    await tick(hass, freezer, 0.3)
    assert cloud.node(GENERIC_NODE_ID).reported["AC"]["Fan Level"] == 4
