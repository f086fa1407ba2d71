"""Locks: door locks and garage-door locks."""

from collections.abc import Iterator
from typing import Any, Final

from homeassistant.components.lock import LockEntity, LockEntityDescription
from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .api import DeviceSpec, Node, vocabulary as v
from .coordinator import (
    RainMakerConfigEntry,
    RainMakerCoordinator,
    RainMakerRuntimeData,
)
from .entity import RainMakerDeviceEntity, RainMakerEntity, async_add_node_entities
from .mapping import main_naming, profile_devices
from .profiles import LOCK_STATE, Parts, word

# Commands are coalesced by the coordinator; let them reach it together.
PARALLEL_UPDATES = 0

LOCKED: Final = "locked"
UNLOCKED: Final = "unlocked"
JAMMED: Final = "jammed"


def _entities(runtime: RainMakerRuntimeData, node: Node) -> Iterator[RainMakerEntity]:
    for device, parts in profile_devices(node, Platform.LOCK):
        description = LockEntityDescription(key="lock", **main_naming(node, device))
        yield RainMakerLock(runtime.coordinator, node, device, parts, description)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: RainMakerConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add locks for current and future nodes."""
    async_add_node_entities(entry, async_add_entities, _entities)


class RainMakerLock(RainMakerDeviceEntity, LockEntity):
    """A lock whose state is "Locked", "Unlocked" or "Jammed" (or a boolean: locked).

    The state shown is the one the device reports; while a command is on its way
    (the bolt has not moved yet) the lock is locking or unlocking.
    """

    follows_reports = True

    def __init__(
        self,
        coordinator: RainMakerCoordinator,
        node: Node,
        device: DeviceSpec,
        parts: Parts,
        description: LockEntityDescription,
    ) -> None:
        """Bind to the lock state param and learn how the device spells its states."""
        super().__init__(coordinator, node, device, parts, description)
        self._param = parts[LOCK_STATE]
        self._spelling = {word(value): value for value in self._param.valid_strs}

    @staticmethod
    def _state(value: Any) -> str | None:
        """Return the lock state `value` means: locked, unlocked or jammed."""
        if isinstance(value, bool):
            return LOCKED if value else UNLOCKED
        if isinstance(value, str) and (state := word(value)) in (
            LOCKED,
            UNLOCKED,
            JAMMED,
        ):
            return state
        return None

    def _reported(self) -> str | None:
        return self._state(self.read(self._param, reported=True))

    def _sent(self) -> str | None:
        """Return the state written and not reported yet, if any."""
        sent = self._state(self.read(self._param))
        return sent if sent != self._reported() else None

    @property
    def is_locked(self) -> bool | None:
        """Return whether the bolt is locked, as the device reports."""
        state = self._reported()
        return None if state in (None, JAMMED) else state == LOCKED

    @property
    def is_jammed(self) -> bool:
        """Return True when the device reports the bolt stuck (and no move is asked)."""
        return self._reported() == JAMMED and self._sent() is None

    @property
    def is_locking(self) -> bool:
        """Return True while a lock command is on its way."""
        return self._sent() == LOCKED

    @property
    def is_unlocking(self) -> bool:
        """Return True while an unlock command is on its way."""
        return self._sent() == UNLOCKED

    async def _write(self, state: str) -> None:
        value: Any = (
            state == LOCKED
            if self._param.data_type == v.DATA_TYPE_BOOL
            else self._spelling[state]
        )
        await self.coordinator.async_send(
            self.node_id, self.device_name, {self._param.name: value}
        )

    async def async_lock(self, **kwargs: Any) -> None:
        """Lock."""
        await self._write(LOCKED)

    async def async_unlock(self, **kwargs: Any) -> None:
        """Unlock."""
        await self._write(UNLOCKED)
