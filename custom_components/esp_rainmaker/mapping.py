"""How RainMaker devices and parameters map onto Home Assistant platforms.

A device's main entity comes from its profile (`profiles.PROFILES`, chosen by the
device type, when the device has the parameters the entity needs) or from the
Thermacell profile. Every parameter no profile claims is mapped by its metadata
alone: read-only numbers are sensors, read-only booleans binary sensors, writable
booleans switches, writable bounded numbers numbers, writable strings with valid
values selects, other writable strings texts, write-only booleans buttons.
"""

from collections.abc import Iterator
import math
from typing import Any, Final

from homeassistant.const import Platform

from .api import DeviceSpec, Node, ParamSpec, vocabulary as v
from .api.thermacell import (
    PARAM_ERROR,
    PARAM_HUB_ID,
    PARAM_LED_BRIGHTNESS,
    PARAM_LED_HUE,
    PARAM_LED_SATURATION,
    PARAM_POWER,
    PARAM_REFILL_LIFE,
    PARAM_REFILL_RESET,
    PARAM_RUNTIME,
    PARAM_STATE,
    PARAM_STATUS,
    hub_device,
    power_param,
)
from .profiles import Parts, first_param, profile_of

BUTTON_UI_TYPES: Final = frozenset({v.UI_TRIGGER, v.UI_PUSH_BUTTON})

THERMACELL_CLAIMS: Final = frozenset(
    {
        PARAM_POWER,
        PARAM_LED_BRIGHTNESS,
        PARAM_LED_HUE,
        PARAM_LED_SATURATION,
        PARAM_REFILL_LIFE,
        PARAM_REFILL_RESET,
        PARAM_RUNTIME,
        PARAM_STATUS,
        PARAM_STATE,
        PARAM_ERROR,
        PARAM_HUB_ID,
    }
)


def profile_devices(
    node: Node, platform: Platform
) -> Iterator[tuple[DeviceSpec, Parts]]:
    """Yield the node's devices whose main entity belongs to `platform`, with its parts."""
    for device in node.config.devices:
        profile = profile_of(device)
        if (
            profile is not None
            and profile.platform is platform
            and not is_thermacell(node, device)
            and (parts := profile.parts(device)) is not None
        ):
            yield device, parts


def is_thermacell(node: Node, device: DeviceSpec) -> bool:
    """Tell whether `device` is a Thermacell LIV Hub."""
    hub = hub_device(node.config)
    return hub is not None and hub.name == device.name


def _claimed(node: Node, device: DeviceSpec) -> frozenset[str]:
    """Return the names of the parameters the device's main entities consume."""
    if is_thermacell(node, device):
        power = power_param(device)
        return THERMACELL_CLAIMS | ({power.name} if power is not None else set())
    profile = profile_of(device)
    parts = profile.parts(device) if profile is not None else None
    return frozenset(p.name for p in parts.values()) if parts else frozenset()


def generic_platform(param: ParamSpec) -> Platform | None:
    """Return the platform a parameter maps to by its metadata alone."""
    if param.hidden or param.secret or param.type == v.PARAM_NAME:
        return None
    if not param.writable:
        if not param.readable:
            return None
        if param.data_type == v.DATA_TYPE_BOOL:
            return Platform.BINARY_SENSOR
        if param.numeric or param.data_type == v.DATA_TYPE_STRING:
            return Platform.SENSOR
        return None
    if param.data_type == v.DATA_TYPE_BOOL:
        if not param.readable or param.ui_type in BUTTON_UI_TYPES:
            return Platform.BUTTON
        return Platform.SWITCH
    bounds = param.bounds
    if (
        param.numeric
        and bounds is not None
        and bounds.min is not None
        and bounds.max is not None
    ):
        return Platform.NUMBER
    if param.data_type == v.DATA_TYPE_STRING:
        if param.valid_strs:
            return Platform.SELECT
        if param.readable:
            return Platform.TEXT
    return None


def generic_params(
    node: Node, platform: Platform
) -> Iterator[tuple[DeviceSpec, ParamSpec]]:
    """Yield the unclaimed parameters of the node's devices that map to `platform`."""
    for device in node.config.devices:
        claimed = _claimed(node, device)
        for param in device.params:
            if param.name not in claimed and generic_platform(param) is platform:
                yield device, param


def unmapped_params(node: Node) -> dict[str, dict[str, str]]:
    """Return, by device, the params no entity shows and why (for diagnostics)."""
    unmapped: dict[str, dict[str, str]] = {}
    for device in node.config.devices:
        claimed = _claimed(node, device)
        for param in device.params:
            if (
                param.name in claimed
                or param.type == v.PARAM_NAME
                or generic_platform(param) is not None
            ):
                continue
            unmapped.setdefault(device.name, {})[param.name] = _unmapped_reason(param)
    return unmapped


def _unmapped_reason(param: ParamSpec) -> str:
    if param.secret:
        return "a credential"
    if param.hidden:
        return "hidden by the device"
    if not param.readable and not param.writable:
        return "neither readable nor writable"
    if param.data_type in (v.DATA_TYPE_OBJECT, v.DATA_TYPE_ARRAY):
        return f"an {param.data_type}"
    if param.numeric:
        return "a writable number without bounds"
    if param.data_type == v.DATA_TYPE_STRING:
        return "a write-only string"
    return f"of data type {param.data_type}"


def reboot_param(node: Node) -> tuple[DeviceSpec, ParamSpec] | None:
    """Return the System service's writable reboot parameter, if the node has one."""
    service = node.config.service_of_type(v.SERVICE_SYSTEM)
    if service is None:
        return None
    param = first_param(service, v.PARAM_REBOOT)
    return (service, param) if param is not None else None


def device_label(node: Node, device: DeviceSpec) -> str:
    """Return the user's name for a device (its `esp.param.name` value), else its name."""
    return node.label(device) or device.name


def _needs_device_prefix(node: Node, device: DeviceSpec) -> bool:
    """Tell whether an entity must say which of the node's devices it belongs to.

    Not on single-device nodes, and not for the device the node is named after.
    """
    return len(node.config.devices) > 1 and device_label(node, device) != node.name


def device_prefix(node: Node, device: DeviceSpec) -> str | None:
    """Return the device name an entity's name must start with, if it must."""
    return device_label(node, device) if _needs_device_prefix(node, device) else None


def generic_naming(node: Node, device: DeviceSpec, param: ParamSpec) -> dict[str, Any]:
    """Return the description fields naming a generic parameter entity."""
    if _needs_device_prefix(node, device):
        return {
            "translation_key": "device_param",
            "translation_placeholders": {
                "device": device_label(node, device),
                "param": param.name,
            },
        }
    return {
        "translation_key": "param",
        "translation_placeholders": {"param": param.name},
    }


def main_naming(node: Node, device: DeviceSpec) -> dict[str, Any]:
    """Return the description fields naming a device's main entity.

    The entity takes the node's name, unless the node has several devices and this
    one is not the device the node is named after.
    """
    if _needs_device_prefix(node, device):
        return {
            "translation_key": "device",
            "translation_placeholders": {"device": device_label(node, device)},
        }
    return {"name": None}


def clamp_to_param(param: ParamSpec, value: float) -> int | float:
    """Clamp `value` into the parameter's bounds and round it to its step.

    A value that is not finite is returned as it is, for validation to refuse.
    """
    if not math.isfinite(value):
        return value
    bounds = param.bounds
    if bounds is not None:
        if bounds.step and bounds.min is not None:
            steps = (value - bounds.min) / bounds.step
            if math.isfinite(steps):
                # In floats: a huge whole number of steps does not fit back into one.
                snapped = bounds.min + float(round(steps)) * bounds.step
                if math.isfinite(snapped):
                    value = snapped
        if bounds.min is not None:
            value = max(bounds.min, value)
        if bounds.max is not None:
            value = min(bounds.max, value)
    if param.data_type != v.DATA_TYPE_INT:
        return float(value)
    return round(value) if math.isfinite(value) else value
