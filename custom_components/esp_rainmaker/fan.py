"""Fans: power, speed as a percentage of the speed range, and direction."""

from collections.abc import Iterator
import math
from typing import Any

from homeassistant.components.fan import (
    DIRECTION_FORWARD,
    DIRECTION_REVERSE,
    FanEntity,
    FanEntityDescription,
    FanEntityFeature,
)
from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.util.percentage import (
    percentage_to_ranged_value,
    ranged_value_to_percentage,
)

from .api import DeviceSpec, Node, number
from .coordinator import (
    RainMakerConfigEntry,
    RainMakerCoordinator,
    RainMakerRuntimeData,
)
from .entity import RainMakerDeviceEntity, RainMakerEntity, async_add_node_entities
from .mapping import main_naming, profile_devices
from .profiles import DIRECTION, POWER, SPEED, Parts

# Commands are coalesced by the coordinator; let them reach it together.
PARALLEL_UPDATES = 0

DEFAULT_MAX_SPEED = 5


def _entities(runtime: RainMakerRuntimeData, node: Node) -> Iterator[RainMakerEntity]:
    for device, parts in profile_devices(node, Platform.FAN):
        description = FanEntityDescription(key="fan", **main_naming(node, device))
        yield RainMakerFan(runtime.coordinator, node, device, parts, description)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: RainMakerConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add fans for current and future nodes."""
    async_add_node_entities(entry, async_add_entities, _entities)


class RainMakerFan(RainMakerDeviceEntity, FanEntity):
    """A standard RainMaker fan.

    Speeds run over the parameter's bounds; a speed of 0 (when the bounds allow it)
    is 0 %, and setting 0 % turns the fan off.
    """

    def __init__(
        self,
        coordinator: RainMakerCoordinator,
        node: Node,
        device: DeviceSpec,
        parts: Parts,
        description: FanEntityDescription,
    ) -> None:
        """Bind to the power switch and any speed and direction."""
        super().__init__(coordinator, node, device, parts, description)
        self._power = parts[POWER]
        self._speed = parts.get(SPEED)
        self._direction = parts.get(DIRECTION)
        features = FanEntityFeature.TURN_ON | FanEntityFeature.TURN_OFF
        self._range = (1.0, float(DEFAULT_MAX_SPEED))
        if self._speed is not None:
            features |= FanEntityFeature.SET_SPEED
            bounds = self._speed.bounds
            low = bounds.min if bounds and bounds.min is not None else 0
            high = (
                bounds.max if bounds and bounds.max is not None else DEFAULT_MAX_SPEED
            )
            self._range = (max(1.0, float(low)), float(high))
        if self._direction is not None:
            features |= FanEntityFeature.DIRECTION
        self._attr_supported_features = features
        self._attr_speed_count = max(1, int(self._range[1] - self._range[0] + 1))

    @property
    def is_on(self) -> bool | None:
        """Return the power state."""
        value = self.read(self._power)
        return value if isinstance(value, bool) else None

    @property
    def percentage(self) -> int | None:
        """Return the speed as a percentage of the speed range."""
        speed = number(self.read(self._speed))
        if speed is None:
            return None
        if speed < self._range[0]:
            return 0
        return ranged_value_to_percentage(self._range, speed)

    @property
    def current_direction(self) -> str | None:
        """Return forward (0) or reverse (1)."""
        value = self.read(self._direction)
        if value in (0, 1) and not isinstance(value, bool):
            return DIRECTION_REVERSE if value else DIRECTION_FORWARD
        return None

    def _speed_values(self, percentage: int) -> dict[str, Any]:
        if self._speed is None:
            return {}
        speed = math.ceil(percentage_to_ranged_value(self._range, percentage))
        return {self._speed.name: int(min(self._range[1], max(self._range[0], speed)))}

    async def async_turn_on(
        self,
        percentage: int | None = None,
        preset_mode: str | None = None,
        **kwargs: Any,
    ) -> None:
        """Turn on, at a speed if given."""
        if percentage == 0:
            await self.async_turn_off()
            return
        values: dict[str, Any] = {self._power.name: True}
        if percentage is not None:
            values |= self._speed_values(percentage)
        await self.coordinator.async_send(self.node_id, self.device_name, values)

    async def async_turn_off(self, **kwargs: Any) -> None:
        """Turn off."""
        await self.coordinator.async_send(
            self.node_id, self.device_name, {self._power.name: False}
        )

    async def async_set_percentage(self, percentage: int) -> None:
        """Set the speed (0 % turns the fan off)."""
        await self.async_turn_on(percentage=percentage)

    async def async_set_direction(self, direction: str) -> None:
        """Set the direction."""
        if self._direction is not None:
            value = 1 if direction == DIRECTION_REVERSE else 0
            await self.coordinator.async_send(
                self.node_id, self.device_name, {self._direction.name: value}
            )
