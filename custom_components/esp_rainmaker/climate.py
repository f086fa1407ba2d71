"""Climate: thermostats and air conditioners."""

from collections.abc import Iterator
import re
from typing import Any, Final

from homeassistant.components.climate import (
    ATTR_HVAC_MODE,
    ATTR_TARGET_TEMP_HIGH,
    ATTR_TARGET_TEMP_LOW,
    ClimateEntity,
    ClimateEntityDescription,
    ClimateEntityFeature,
    HVACMode,
)
from homeassistant.const import ATTR_TEMPERATURE, Platform, UnitOfTemperature
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .api import DeviceSpec, Node, ParamSpec, number, vocabulary as v
from .coordinator import (
    RainMakerConfigEntry,
    RainMakerCoordinator,
    RainMakerRuntimeData,
)
from .entity import RainMakerDeviceEntity, RainMakerEntity, async_add_node_entities
from .mapping import clamp_to_param, main_naming, profile_devices
from .profiles import (
    FAN_MODE,
    HVAC_MODE,
    POWER,
    SETPOINT,
    SETPOINT_HIGH,
    SETPOINT_LOW,
    SPEED,
    Parts,
    first_param,
    span,
    word,
)

# Commands are coalesced by the coordinator; let them reach it together.
PARALLEL_UPDATES = 0

HVAC_BY_WORD: Final = {
    "off": HVACMode.OFF,
    "heat": HVACMode.HEAT,
    "cool": HVACMode.COOL,
    "auto": HVACMode.AUTO,
    "dry": HVACMode.DRY,
    "fan": HVACMode.FAN_ONLY,
    "fan-only": HVACMode.FAN_ONLY,
    "heat-cool": HVACMode.HEAT_COOL,
    "heatcool": HVACMode.HEAT_COOL,
}
# Home Assistant's own defaults, for setpoints without bounds.
DEFAULT_RANGE: Final = {
    UnitOfTemperature.CELSIUS: (7.0, 35.0),
    UnitOfTemperature.FAHRENHEIT: (45.0, 95.0),
}
# No room is kept above 50 °C; setpoint bounds above it are in °F.
MAX_CELSIUS_SETPOINT: Final = 50.0
FAHRENHEIT_NAME: Final = re.compile(r"°\s*f\b|fahrenheit", re.IGNORECASE)


def temperature_unit(setpoint: ParamSpec | None) -> UnitOfTemperature:
    """Return the device's unit: °F when the setpoint's name or bounds say so, else °C."""
    if setpoint is None:
        return UnitOfTemperature.CELSIUS
    bounds = setpoint.bounds
    if FAHRENHEIT_NAME.search(setpoint.name) or (
        bounds is not None
        and bounds.max is not None
        and bounds.max > MAX_CELSIUS_SETPOINT
    ):
        return UnitOfTemperature.FAHRENHEIT
    return UnitOfTemperature.CELSIUS


def _entities(runtime: RainMakerRuntimeData, node: Node) -> Iterator[RainMakerEntity]:
    for device, parts in profile_devices(node, Platform.CLIMATE):
        description = ClimateEntityDescription(
            key="climate", **main_naming(node, device)
        )
        yield RainMakerClimate(runtime.coordinator, node, device, parts, description)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: RainMakerConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add thermostats for current and future nodes."""
    async_add_node_entities(entry, async_add_entities, _entities)


class RainMakerClimate(RainMakerDeviceEntity, ClimateEntity):
    """A thermostat or air conditioner.

    HVAC modes come from the mode param's words (heat, cool, auto, dry, fan) and
    power (off while it is off); without a mode param the device runs in auto.
    Setting a mode turns the device on in the same write.
    """

    def __init__(
        self,
        coordinator: RainMakerCoordinator,
        node: Node,
        device: DeviceSpec,
        parts: Parts,
        description: ClimateEntityDescription,
    ) -> None:
        """Bind to the device's parts and read its modes, bounds and unit."""
        super().__init__(coordinator, node, device, parts, description)
        self._power = parts.get(POWER)
        self._setpoint = parts.get(SETPOINT)
        self._low = parts.get(SETPOINT_LOW)
        self._high = parts.get(SETPOINT_HIGH)
        self._mode = parts.get(HVAC_MODE)
        self._fan = parts.get(FAN_MODE)
        self._speed = parts.get(SPEED)
        self._current = first_param(device, v.PARAM_TEMPERATURE, writable=False)
        self._humidity = first_param(device, v.PARAM_HUMIDITY, writable=False)
        self._mode_values: dict[HVACMode, str] = {}
        for value in self._mode.valid_strs if self._mode else ():
            if (mode := HVAC_BY_WORD.get(word(value))) is not None:
                self._mode_values.setdefault(mode, value)
        modes: list[HVACMode] = [
            mode for mode in self._mode_values if mode is not HVACMode.OFF
        ]
        if not modes:
            modes = [HVACMode.AUTO]
        if self._power is not None or HVACMode.OFF in self._mode_values:
            modes.append(HVACMode.OFF)
        self._attr_hvac_modes = modes
        self._attr_fan_modes = self._fan_modes()
        self._attr_supported_features = self._features()
        target = self._setpoint or self._low
        unit = temperature_unit(target)
        self._attr_temperature_unit = unit
        self._set_range(target, unit)

    def _fan_modes(self) -> list[str] | None:
        if self._fan is not None:
            return list(self._fan.valid_strs)
        if self._speed is not None and (found := span(self._speed)) is not None:
            bounds = self._speed.bounds
            step = max(1, round(bounds.step or 1)) if bounds else 1
            return [str(s) for s in range(round(found[0]), round(found[1]) + 1, step)]
        return None

    def _features(self) -> ClimateEntityFeature:
        features = ClimateEntityFeature(0)
        if self._setpoint is not None:
            features |= ClimateEntityFeature.TARGET_TEMPERATURE
        if self._low is not None:
            features |= ClimateEntityFeature.TARGET_TEMPERATURE_RANGE
        if self._attr_fan_modes:
            features |= ClimateEntityFeature.FAN_MODE
        if HVACMode.OFF in self._attr_hvac_modes:
            features |= ClimateEntityFeature.TURN_ON | ClimateEntityFeature.TURN_OFF
        return features

    def _set_range(self, target: ParamSpec | None, unit: UnitOfTemperature) -> None:
        low, high = DEFAULT_RANGE[unit]
        bounds = target.bounds if target is not None else None
        if bounds is not None and bounds.min is not None and bounds.max is not None:
            low, high = float(bounds.min), float(bounds.max)
        if self._high is not None and (high_bounds := self._high.bounds) is not None:
            high = float(high_bounds.max) if high_bounds.max is not None else high
        self._attr_min_temp, self._attr_max_temp = low, high
        if bounds is not None and bounds.step:
            self._attr_target_temperature_step = float(bounds.step)
        elif target is not None:
            integral = target.data_type == v.DATA_TYPE_INT
            self._attr_target_temperature_step = 1.0 if integral else 0.5

    def _number(self, param: ParamSpec | None) -> float | None:
        found = number(self.read(param))
        return None if found is None else float(found)

    @property
    def hvac_mode(self) -> HVACMode | None:
        """Return off while powered off, else the mode the device reports."""
        if self._power is not None:
            power = self.read(self._power)
            if not isinstance(power, bool):
                return None
            if not power:
                return HVACMode.OFF
        if self._mode is None:
            return HVACMode.AUTO
        value = self.read(self._mode)
        return HVAC_BY_WORD.get(word(value)) if isinstance(value, str) else None

    @property
    def current_temperature(self) -> float | None:
        """Return the room temperature the device measures."""
        return self._number(self._current)

    @property
    def current_humidity(self) -> float | None:
        """Return the humidity the device measures."""
        return self._number(self._humidity)

    @property
    def target_temperature(self) -> float | None:
        """Return the setpoint."""
        return self._number(self._setpoint)

    @property
    def target_temperature_low(self) -> float | None:
        """Return the lower setpoint of the range."""
        return self._number(self._low)

    @property
    def target_temperature_high(self) -> float | None:
        """Return the upper setpoint of the range."""
        return self._number(self._high)

    @property
    def fan_mode(self) -> str | None:
        """Return the fan mode (or the speed, as text)."""
        value = self.read(self._fan or self._speed)
        if isinstance(value, str):
            return value
        found = number(value)
        return str(round(found)) if found is not None else None

    def _mode_write(self, hvac_mode: HVACMode) -> dict[str, Any]:
        """Return the values that put the device in `hvac_mode`."""
        if hvac_mode is HVACMode.OFF:
            if self._power is not None:
                return {self._power.name: False}
            mode = self._mode.name if self._mode is not None else ""
            return {mode: self._mode_values[HVACMode.OFF]}
        values: dict[str, Any] = {}
        if self._power is not None:
            values[self._power.name] = True
        if self._mode is not None and hvac_mode in self._mode_values:
            values[self._mode.name] = self._mode_values[hvac_mode]
        return values

    async def _send(self, values: dict[str, Any]) -> None:
        await self.coordinator.async_send(self.node_id, self.device_name, values)

    async def async_set_hvac_mode(self, hvac_mode: HVACMode) -> None:
        """Switch the mode (turning the device on or off) in one write."""
        await self._send(self._mode_write(hvac_mode))

    async def async_set_temperature(self, **kwargs: Any) -> None:
        """Write the setpoint(s), with a mode if one is given, in one write."""
        values: dict[str, Any] = {}
        for key, param in (
            (ATTR_TEMPERATURE, self._setpoint),
            (ATTR_TARGET_TEMP_LOW, self._low),
            (ATTR_TARGET_TEMP_HIGH, self._high),
        ):
            if (value := kwargs.get(key)) is not None and param is not None:
                values[param.name] = clamp_to_param(param, float(value))
        if (hvac_mode := kwargs.get(ATTR_HVAC_MODE)) is not None:
            values |= self._mode_write(HVACMode(hvac_mode))
        if values:
            await self._send(values)

    async def async_set_fan_mode(self, fan_mode: str) -> None:
        """Write the fan mode (or the speed it names)."""
        if self._fan is not None:
            await self._send({self._fan.name: fan_mode})
        elif self._speed is not None:
            await self._send({self._speed.name: int(fan_mode)})

    async def async_turn_on(self) -> None:
        """Power the device on."""
        if self._power is not None:
            await self._send({self._power.name: True})
        else:
            await self.async_set_hvac_mode(self._attr_hvac_modes[0])

    async def async_turn_off(self) -> None:
        """Power the device off."""
        await self.async_set_hvac_mode(HVACMode.OFF)
