"""Covers: blinds and garage doors."""

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
import time
from typing import Any, Final

from homeassistant.components.cover import (
    ATTR_POSITION,
    CoverDeviceClass,
    CoverEntity,
    CoverEntityDescription,
    CoverEntityFeature,
)
from homeassistant.const import Platform
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .api import DeviceSpec, Node, number, vocabulary as v
from .coordinator import (
    RainMakerConfigEntry,
    RainMakerCoordinator,
    RainMakerRuntimeData,
)
from .entity import RainMakerDeviceEntity, RainMakerEntity, async_add_node_entities
from .mapping import clamp_to_param, main_naming, profile_devices
from .profiles import POSITION, TOGGLE, Parts, span

# Commands are coalesced by the coordinator; let them reach it together.
PARALLEL_UPDATES = 0

DEVICE_CLASSES: Final = {
    v.DEVICE_BLINDS_INTERNAL: CoverDeviceClass.BLIND,
    v.DEVICE_BLINDS_EXTERNAL: CoverDeviceClass.SHADE,
    v.DEVICE_GARAGE_DOOR: CoverDeviceClass.GARAGE,
}
# A cover that has not moved for this long has stopped, short of its target or not.
STALL_S: Final = 5.0
# No cover travels for longer than this.
MAX_TRAVEL_S: Final = 120.0
# After a command, look at the cover this many seconds later (beyond the
# confirmation the coordinator looks for), to see it arrive.
TRAVEL_CHECKS_S: Final = (2.0, 5.0, 10.0, 20.0, 40.0)


@dataclass(slots=True)
class Travel:
    """Where a cover was sent, and when it last moved, to tell opening from open."""

    target: float | None = None
    started: float = 0.0
    moved_at: float = 0.0
    last: float | None = None

    def start(self, target: float, now: float) -> None:
        """Note a command that sends the cover to `target`."""
        self.target = target
        self.started = self.moved_at = now

    def observe(self, position: float | None, now: float) -> None:
        """Take a reported position; the travel ends at the target or when it stalls."""
        if position != self.last:
            self.last = position
            self.moved_at = now
        if self.target is not None and (
            position is None
            or position == self.target
            or now - self.moved_at >= STALL_S
            or now - self.started >= MAX_TRAVEL_S
        ):
            self.target = None

    def direction(self, position: float | None) -> int:
        """Return 1 while opening toward the target, -1 while closing, else 0."""
        if self.target is None or position is None or position == self.target:
            return 0
        return 1 if self.target > position else -1


def _entities(runtime: RainMakerRuntimeData, node: Node) -> Iterator[RainMakerEntity]:
    for device, parts in profile_devices(node, Platform.COVER):
        description = CoverEntityDescription(
            key="cover",
            device_class=DEVICE_CLASSES.get(device.type),
            **main_naming(node, device),
        )
        yield RainMakerCover(runtime.coordinator, node, device, parts, description)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: RainMakerConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add covers for current and future nodes."""
    async_add_node_entities(entry, async_add_entities, _entities)


class RainMakerCover(RainMakerDeviceEntity, CoverEntity):
    """Blinds or a garage door, by position (0 closed) or by an open/closed toggle.

    The position shown is the one the device reports, not the one sent: a cover
    takes its time. While it travels to where it was sent it is opening or
    closing; moves started elsewhere show as the positions reported.
    """

    follows_reports = True

    def __init__(
        self,
        coordinator: RainMakerCoordinator,
        node: Node,
        device: DeviceSpec,
        parts: Parts,
        description: CoverEntityDescription,
    ) -> None:
        """Bind to the position (or toggle) param."""
        super().__init__(coordinator, node, device, parts, description)
        self._position = parts.get(POSITION)
        self._toggle = parts.get(TOGGLE)
        features = CoverEntityFeature.OPEN | CoverEntityFeature.CLOSE
        self._range = (0.0, 100.0)
        if self._position is not None and (found := span(self._position)):
            features |= CoverEntityFeature.SET_POSITION
            self._range = found
        self._attr_supported_features = features
        self._travel = Travel()

    def _level(self) -> float | None:
        """Return the reported position on the device's scale (toggle: 0 or 100)."""
        value = self.read(self._position or self._toggle, reported=True)
        if self._toggle is not None:
            return (100.0 if value else 0.0) if isinstance(value, bool) else None
        found = number(value)
        return None if found is None else float(found)

    @callback
    def _fetched(self, reported: Mapping[str, Node], now: float) -> None:
        """Follow the travel: a fetch shows the cover arrive or stop."""
        self._travel.observe(self._level(), now)
        super()._fetched(reported, now)

    @property
    def current_cover_position(self) -> int | None:
        """Return the reported position, 0 (closed) to 100 (open)."""
        level = self._level()
        if level is None:
            return None
        low, high = self._range
        return round((level - low) * 100 / (high - low))

    @property
    def is_closed(self) -> bool | None:
        """Return True when fully closed."""
        position = self.current_cover_position
        return None if position is None else position == 0

    @property
    def is_opening(self) -> bool:
        """Return True while travelling up to where it was sent."""
        return self._travel.direction(self._level()) > 0

    @property
    def is_closing(self) -> bool:
        """Return True while travelling down to where it was sent."""
        return self._travel.direction(self._level()) < 0

    async def _move_to(self, level: float) -> None:
        if self._position is not None:
            level = clamp_to_param(self._position, level)
            values: dict[str, Any] = {self._position.name: level}
        elif self._toggle is not None:
            values = {self._toggle.name: level > 0}
        await self.coordinator.async_send(self.node_id, self.device_name, values)
        now = time.monotonic()
        self._travel.start(level, now)
        self._travel.observe(self._level(), now)
        self.coordinator.check_node_at(
            self.node_id, *(now + delay for delay in TRAVEL_CHECKS_S)
        )
        self.async_write_ha_state()

    async def async_open_cover(self, **kwargs: Any) -> None:
        """Open fully."""
        await self._move_to(self._range[1] if self._position else 100.0)

    async def async_close_cover(self, **kwargs: Any) -> None:
        """Close fully."""
        await self._move_to(self._range[0] if self._position else 0.0)

    async def async_set_cover_position(self, **kwargs: Any) -> None:
        """Move to a position, 0 (closed) to 100 (open)."""
        low, high = self._range
        await self._move_to(low + (high - low) * float(kwargs[ATTR_POSITION]) / 100)
