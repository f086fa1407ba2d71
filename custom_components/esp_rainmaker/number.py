"""Numbers: writable parameters with bounds."""

from collections.abc import Iterator
from dataclasses import replace

from homeassistant.components.number import (
    NumberDeviceClass,
    NumberEntity,
    NumberEntityDescription,
    NumberMode,
)
from homeassistant.const import PERCENTAGE, Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .api import Bounds, DeviceSpec, Node, ParamSpec, number, vocabulary as v
from .coordinator import RainMakerConfigEntry, RainMakerRuntimeData
from .entity import RainMakerParamEntity, async_add_node_entities
from .mapping import clamp_to_param, generic_naming, generic_params, is_thermacell
from .meanings import sensor_meaning

# Commands are coalesced by the coordinator; let them reach it together.
PARALLEL_UPDATES = 0

SLIDER_UI_TYPES = frozenset({v.UI_SLIDER, v.UI_HUE_SLIDER, v.UI_HUE_CIRCLE})
PERCENT_TYPES = frozenset({v.PARAM_BRIGHTNESS, v.PARAM_SATURATION, v.PARAM_INTENSITY})
SETPOINT_TYPES = v.PARAM_SETPOINTS | {v.PARAM_SETPOINT_LOW, v.PARAM_SETPOINT_HIGH}


def _measure(param: ParamSpec) -> tuple[NumberDeviceClass | None, str | None]:
    """Return the device class and unit of what a number sets, where known."""
    if param.type in SETPOINT_TYPES:
        # A setpoint is a temperature.
        param = replace(param, type=v.PARAM_TEMPERATURE)
    if (found := sensor_meaning(param)) is not None:
        meaning, unit = found
        return NumberDeviceClass(meaning.device_class.value), unit
    bounds = param.bounds
    if param.type in PERCENT_TYPES and bounds is not None and bounds.max == 100:
        return None, PERCENTAGE
    return None, None


def _description(
    node: Node, device: DeviceSpec, param: ParamSpec
) -> NumberEntityDescription:
    bounds = param.bounds or Bounds()
    device_class, unit = _measure(param)
    return NumberEntityDescription(
        key=f"param_{param.name}",
        native_min_value=float(bounds.min or 0),
        native_max_value=float(bounds.max or 0),
        native_step=float(bounds.step)
        if bounds.step
        else (1.0 if param.data_type == v.DATA_TYPE_INT else 0.1),
        mode=NumberMode.SLIDER if param.ui_type in SLIDER_UI_TYPES else NumberMode.BOX,
        device_class=device_class,
        native_unit_of_measurement=unit,
        entity_registry_enabled_default=not is_thermacell(node, device),
        **generic_naming(node, device, param),
    )


def _entities(
    runtime: RainMakerRuntimeData, node: Node
) -> Iterator[RainMakerParamEntity]:
    for device, param in generic_params(node, Platform.NUMBER):
        yield RainMakerNumber(
            runtime.coordinator, node, device, param, _description(node, device, param)
        )


async def async_setup_entry(
    hass: HomeAssistant,
    entry: RainMakerConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add numbers for current and future nodes."""
    async_add_node_entities(entry, async_add_entities, _entities)


class RainMakerNumber(RainMakerParamEntity, NumberEntity):
    """A bounded numeric parameter."""

    @property
    def native_value(self) -> float | None:
        """Return the reported value."""
        value = number(self.current_value)
        return None if value is None else float(value)

    async def async_set_native_value(self, value: float) -> None:
        """Write the value, rounded to the parameter's step."""
        await self.async_write_param(clamp_to_param(self.param, value))
