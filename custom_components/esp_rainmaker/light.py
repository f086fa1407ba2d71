"""Lights: standard RainMaker lightbulbs and the LED of Thermacell LIV hubs."""

from collections.abc import Iterator
from typing import Any, ClassVar, Final

from homeassistant.components.light import (
    ATTR_BRIGHTNESS,
    ATTR_COLOR_TEMP_KELVIN,
    ATTR_HS_COLOR,
    ColorMode,
    LightEntity,
    LightEntityDescription,
)
from homeassistant.const import Platform
from homeassistant.core import HomeAssistant, callback
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.helpers.restore_state import RestoredExtraData, RestoreEntity
from homeassistant.util.color import brightness_to_value, value_to_brightness

from .api import DeviceSpec, Node, exact_key, number
from .api.thermacell import PARAM_LED_BRIGHTNESS, PARAM_LED_HUE, repellers_enabled
from .const import DOMAIN
from .coordinator import (
    RainMakerConfigEntry,
    RainMakerCoordinator,
    RainMakerRuntimeData,
)
from .entity import RainMakerDeviceEntity, RainMakerEntity, async_add_node_entities
from .mapping import clamp_to_param, is_thermacell, main_naming, profile_devices
from .profiles import BRIGHTNESS, CCT, HUE, LIGHT_MODE, POWER, SATURATION, Parts

# Commands are coalesced by the coordinator; let them reach it together.
PARALLEL_UPDATES = 0

LED = LightEntityDescription(key="led", translation_key="led")
LED_SCALE = (1.0, 100.0)
DEFAULT_KELVIN = (2700, 6500)
# `esp.param.light-mode` values (esp_rmaker_light_mode_t in Espressif's
# esp_rmaker_standard_params.h): 1 colour (HSV), 2 white (CCT). Compared by
# exact_key, so that `True` is not taken for 1.
LIGHT_MODE_VALUES: Final = ((1, ColorMode.HS), (2, ColorMode.COLOR_TEMP))
LIGHT_MODES: Final = {exact_key(value): mode for value, mode in LIGHT_MODE_VALUES}
# Colour temperatures any real lamp can have; bounds outside are firmware noise.
PLAUSIBLE_KELVIN = (1000, 20000)


def _float(value: Any) -> float | None:
    found = number(value)
    return None if found is None else float(found)


def kelvin_range(low: float, high: float) -> tuple[int, int]:
    """Return the lamp's colour temperature range, kept within plausible values."""
    floor, ceiling = PLAUSIBLE_KELVIN
    low_k = round(min(max(low, floor), ceiling))
    high_k = round(min(max(high, floor), ceiling))
    if low_k >= high_k:
        return DEFAULT_KELVIN
    return low_k, high_k


def _entities(runtime: RainMakerRuntimeData, node: Node) -> Iterator[RainMakerEntity]:
    coordinator = runtime.coordinator
    for device in node.config.devices:
        if (
            is_thermacell(node, device)
            and device.param(PARAM_LED_BRIGHTNESS) is not None
            and device.param(PARAM_LED_HUE) is not None
        ):
            yield ThermacellLedLight(coordinator, node, device.name, LED)
    for device, parts in profile_devices(node, Platform.LIGHT):
        description = LightEntityDescription(key="light", **main_naming(node, device))
        yield RainMakerLight(coordinator, node, device, parts, description)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: RainMakerConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add lights for current and future nodes."""
    async_add_node_entities(entry, async_add_entities, _entities)


class ThermacellLedLight(RainMakerEntity, LightEntity, RestoreEntity):
    """The hub's LED: a hue (saturation fixed at 100 %) and a brightness.

    It lights only while the hub runs and the brightness is above zero. Colour and
    brightness go out in one write (also while the hub is off, for when it runs);
    turning on without a brightness restores the last one used. LED Saturation is
    never written: it crashes the hub.
    """

    _attr_supported_color_modes: ClassVar[set[ColorMode]] = {ColorMode.HS}  # type: ignore[misc]
    _attr_color_mode = ColorMode.HS
    _last_brightness = 100

    def _value(self, param: str) -> float | None:
        node = self.node
        return _float(node.get(self.device_name, param)) if node is not None else None

    @property
    def is_on(self) -> bool | None:
        """Return True while the hub runs with a lit LED."""
        node = self.node
        level = self._value(PARAM_LED_BRIGHTNESS)
        if node is None or level is None:
            return None
        return bool(repellers_enabled(node)) and level > 0

    @property
    def brightness(self) -> int | None:
        """Return the LED brightness on Home Assistant's 0-255 scale."""
        level = self._value(PARAM_LED_BRIGHTNESS)
        return value_to_brightness(LED_SCALE, level) if level else None

    @property
    def hs_color(self) -> tuple[float, float] | None:
        """Return the LED colour."""
        hue = self._value(PARAM_LED_HUE)
        return (hue, 100.0) if hue is not None else None

    @callback
    def _handle_coordinator_update(self) -> None:
        """Remember the last brightness in use, to restore it when turned on."""
        level = self._value(PARAM_LED_BRIGHTNESS)
        if level:
            self._last_brightness = int(level)
        super()._handle_coordinator_update()

    async def async_added_to_hass(self) -> None:
        """Restore the remembered brightness."""
        await super().async_added_to_hass()
        if (extra := await self.async_get_last_extra_data()) is not None:
            stored = extra.as_dict().get("last_brightness")
            if isinstance(stored, int) and 0 < stored <= 100:
                self._last_brightness = stored
        level = self._value(PARAM_LED_BRIGHTNESS)
        if level:
            self._last_brightness = int(level)

    @property
    def extra_restore_state_data(self) -> RestoredExtraData:
        """Store the brightness to restore across restarts."""
        return RestoredExtraData({"last_brightness": self._last_brightness})

    async def async_turn_on(self, **kwargs: Any) -> None:
        """Set colour and brightness in one write."""
        values: dict[str, Any] = {}
        if (hs_color := kwargs.get(ATTR_HS_COLOR)) is not None:
            values[PARAM_LED_HUE] = round(hs_color[0]) % 360
        if (brightness := kwargs.get(ATTR_BRIGHTNESS)) is not None:
            values[PARAM_LED_BRIGHTNESS] = max(
                1, round(brightness_to_value(LED_SCALE, brightness))
            )
        elif not self._value(PARAM_LED_BRIGHTNESS):
            values[PARAM_LED_BRIGHTNESS] = self._last_brightness
        if values:
            await self.coordinator.async_send(self.node_id, self.device_name, values)
        elif (node := self.node) is not None and not repellers_enabled(node):
            # Nothing to write, and the LED cannot light: say why instead of ignoring it.
            raise ServiceValidationError(
                translation_domain=DOMAIN,
                translation_key="led_needs_repellers",
                translation_placeholders={"name": node.name},
            )

    async def async_turn_off(self, **kwargs: Any) -> None:
        """Turn the LED off (brightness zero)."""
        await self.coordinator.async_send(
            self.node_id, self.device_name, {PARAM_LED_BRIGHTNESS: 0}
        )


class RainMakerLight(RainMakerDeviceEntity, LightEntity):
    """A standard lightbulb, with the colour modes its parameters allow."""

    def __init__(
        self,
        coordinator: RainMakerCoordinator,
        node: Node,
        device: DeviceSpec,
        parts: Parts,
        description: LightEntityDescription,
    ) -> None:
        """Bind to the power, brightness, colour and colour temperature parameters."""
        super().__init__(coordinator, node, device, parts, description)
        self._power = parts.get(POWER)
        self._level = parts.get(BRIGHTNESS)
        self._hue = parts.get(HUE)
        self._saturation = parts.get(SATURATION)
        self._cct = parts.get(CCT)
        self._light_mode = parts.get(LIGHT_MODE)
        modes: set[ColorMode] = set()
        if self._hue is not None and self._saturation is not None:
            modes.add(ColorMode.HS)
        if self._cct is not None:
            modes.add(ColorMode.COLOR_TEMP)
            bounds = self._cct.bounds
            low = bounds.min if bounds and bounds.min is not None else DEFAULT_KELVIN[0]
            high = (
                bounds.max if bounds and bounds.max is not None else DEFAULT_KELVIN[1]
            )
            self._attr_min_color_temp_kelvin, self._attr_max_color_temp_kelvin = (
                kelvin_range(low, high)
            )
        if not modes:
            modes.add(
                ColorMode.BRIGHTNESS if self._level is not None else ColorMode.ONOFF
            )
        self._attr_supported_color_modes = modes
        self._modes = modes
        self._commanded_mode: ColorMode | None = None

    def _scale(self) -> tuple[float, float]:
        bounds = self._level.bounds if self._level else None
        low = bounds.min if bounds and bounds.min is not None else 0
        high = bounds.max if bounds and bounds.max is not None else 100
        return max(1.0, float(low)), float(high)

    @property
    def is_on(self) -> bool | None:
        """Return the power state (or brightness above zero without a power switch)."""
        if self._power is not None:
            value = self.read(self._power)
            return value if isinstance(value, bool) else None
        level = _float(self.read(self._level))
        return None if level is None else level > 0

    @property
    def brightness(self) -> int | None:
        """Return the brightness on Home Assistant's 0-255 scale."""
        level = _float(self.read(self._level))
        return value_to_brightness(self._scale(), level) if level else None

    @property
    def color_mode(self) -> ColorMode:
        """Return the active mode.

        The device's light mode says it where it has one; else the mode last
        commanded, else a guess from the saturation.
        """
        modes = self._modes
        if len(modes) == 1:
            return next(iter(modes))
        reported = LIGHT_MODES.get(exact_key(self.read(self._light_mode)))
        if reported is not None:
            return reported
        if self._commanded_mode is not None:
            return self._commanded_mode
        return (
            ColorMode.COLOR_TEMP if self.read(self._saturation) == 0 else ColorMode.HS
        )

    def _light_mode_value(self, mode: ColorMode) -> dict[str, Any]:
        """Return the write that switches the device's light mode to `mode`."""
        param = self._light_mode
        if param is None or not param.writable or len(self._modes) == 1:
            return {}
        value = next(value for value, known in LIGHT_MODE_VALUES if known is mode)
        return {param.name: value}

    @property
    def hs_color(self) -> tuple[float, float] | None:
        """Return hue and saturation."""
        hue, saturation = (
            _float(self.read(self._hue)),
            _float(self.read(self._saturation)),
        )
        return None if hue is None or saturation is None else (hue, saturation)

    @property
    def color_temp_kelvin(self) -> int | None:
        """Return the colour temperature."""
        value = _float(self.read(self._cct))
        return round(value) if value is not None else None

    async def async_turn_on(self, **kwargs: Any) -> None:
        """Turn on with any brightness, colour or colour temperature in one write."""
        values: dict[str, Any] = {}
        if self._power is not None:
            values[self._power.name] = True
        if (
            brightness := kwargs.get(ATTR_BRIGHTNESS)
        ) is not None and self._level is not None:
            level = brightness_to_value(self._scale(), brightness)
            values[self._level.name] = clamp_to_param(self._level, max(1.0, level))
        elif self._power is None and self._level is not None:
            values[self._level.name] = clamp_to_param(self._level, self._scale()[1])
        if (
            (hs_color := kwargs.get(ATTR_HS_COLOR)) is not None
            and self._hue
            and self._saturation
        ):
            values[self._hue.name] = clamp_to_param(self._hue, hs_color[0])
            values[self._saturation.name] = clamp_to_param(
                self._saturation, hs_color[1]
            )
            values |= self._light_mode_value(ColorMode.HS)
            self._commanded_mode = ColorMode.HS
        if (
            kelvin := kwargs.get(ATTR_COLOR_TEMP_KELVIN)
        ) is not None and self._cct is not None:
            values[self._cct.name] = clamp_to_param(self._cct, kelvin)
            values |= self._light_mode_value(ColorMode.COLOR_TEMP)
            self._commanded_mode = ColorMode.COLOR_TEMP
        await self.coordinator.async_send(self.node_id, self.device_name, values)

    async def async_turn_off(self, **kwargs: Any) -> None:
        """Turn off."""
        if self._power is not None:
            await self.coordinator.async_send(
                self.node_id, self.device_name, {self._power.name: False}
            )
        elif self._level is not None:
            await self.coordinator.async_send(
                self.node_id, self.device_name, {self._level.name: 0}
            )
