"""Locks: locked, unlocked, jammed, and locking/unlocking while the bolt moves."""

from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.lock import (
    DOMAIN as LOCK_DOMAIN,
    SERVICE_LOCK,
    SERVICE_UNLOCK,
    LockState,
)
from homeassistant.const import ATTR_ENTITY_ID, Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    snapshot_platform,
)
from syrupy.assertion import SnapshotAssertion

from rainmaker_emulator import Cloud, EmulatorAdmin

from .common import add_device_node, node_id_named, tick

LOCK = "lock.front_door_lock"


async def call(hass: HomeAssistant, service: str, entity_id: str = LOCK) -> None:
    """Call a lock service."""
    await hass.services.async_call(
        LOCK_DOMAIN, service, {ATTR_ENTITY_ID: entity_id}, blocking=True
    )


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
@pytest.mark.parametrize("platforms", [[Platform.LOCK]])
async def test_snapshot(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    entity_registry: er.EntityRegistry,
    snapshot: SnapshotAssertion,
) -> None:
    """The demo's lock, registry entry and state."""
    await snapshot_platform(hass, entity_registry, snapshot, init_integration.entry_id)


@pytest.mark.usefixtures("init_integration")
async def test_unlock_and_lock(
    hass: HomeAssistant, cloud: Cloud, freezer: FrozenDateTimeFactory
) -> None:
    """Unlocking until the bolt has moved, then unlocked; the same back."""
    node_id = node_id_named(cloud, "Front Door Lock")
    assert hass.states.get(LOCK).state == LockState.LOCKED

    await call(hass, SERVICE_UNLOCK)
    assert hass.states.get(LOCK).state == LockState.UNLOCKING
    await tick(hass, freezer, 0.5)
    assert cloud.node(node_id).writes[-1]["payload"] == {
        "Lock": {"Lock State": "Unlocked"}
    }
    assert hass.states.get(LOCK).state == LockState.UNLOCKING
    await tick(hass, freezer, 4)
    assert hass.states.get(LOCK).state == LockState.UNLOCKED

    await call(hass, SERVICE_LOCK)
    assert hass.states.get(LOCK).state == LockState.LOCKING
    await tick(hass, freezer, 4.5)
    assert hass.states.get(LOCK).state == LockState.LOCKED


@pytest.fixture
def other_locks(cloud: Cloud, demo_user_id: str) -> None:
    """A lock whose state is a boolean; one whose states are not a lock's."""

    def lock_state(**extra: Any) -> dict[str, Any]:
        return {
            "name": "Bolt",
            "type": "esp.param.lockstate",
            "properties": ["read", "write"],
            **extra,
        }

    add_device_node(
        cloud,
        "Bool Lock",
        "esp.device.garage-door-lock",
        [lock_state(data_type="bool")],
        {"Bolt": False},
    )
    add_device_node(
        cloud,
        "Odd Lock",
        "esp.device.lock",
        [lock_state(data_type="string", valid_strs=["Open", "Shut"])],
        {"Bolt": "Shut"},
    )


@pytest.mark.usefixtures("other_locks", "init_integration")
async def test_boolean_lock_and_fallback(
    hass: HomeAssistant, cloud: Cloud, freezer: FrozenDateTimeFactory
) -> None:
    """True is locked; states the lock does not know leave a select instead."""
    assert hass.states.get("lock.bool_lock").state == LockState.UNLOCKED
    await call(hass, SERVICE_LOCK, "lock.bool_lock")
    await tick(hass, freezer, 0.3)
    assert cloud.node("Bool Lock").writes[-1]["payload"] == {"Device": {"Bolt": True}}
    assert hass.states.get("lock.bool_lock").state == LockState.LOCKED

    assert hass.states.get("lock.odd_lock") is None
    assert hass.states.get("select.odd_lock_bolt").state == "Shut"


@pytest.mark.usefixtures("init_integration")
async def test_jammed_bolt(
    hass: HomeAssistant,
    cloud: Cloud,
    admin: EmulatorAdmin,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A bolt that jams shows jammed, not the state asked for; a later move clears it."""
    node_id = node_id_named(cloud, "Front Door Lock")
    await admin.jam_lock(node_id)
    await call(hass, SERVICE_UNLOCK)
    await tick(hass, freezer, 5)
    assert hass.states.get(LOCK).state == LockState.JAMMED

    await call(hass, SERVICE_LOCK)
    assert hass.states.get(LOCK).state == LockState.LOCKING
    await tick(hass, freezer, 5)
    assert hass.states.get(LOCK).state == LockState.LOCKED
