"""Thermacell LIV hubs on RainMaker: their params, their state and the writes that crash them.

Thermacell publishes no documentation. What is here comes from the clients that
talk to real hubs: pythermacell (github.com/joyfulhouse/pythermacell), the
thermacell_liv integration (github.com/joyfulhouse/thermacell_liv) and
homebridge-thermacell-liv; issue numbers refer to thermacell_liv.
"""

from collections.abc import Iterable
from enum import IntEnum
from typing import Any, Final

from . import vocabulary as v
from .exceptions import RainMakerValidationError
from .models import DeviceSpec, Node, NodeConfig, ParamSpec
from .values import number

HUB_DEVICE: Final = "LIV Hub"
HUB_INFO_TYPE: Final = "thermacell-hub"

PARAM_ENABLE: Final = "Enable Repellers"
PARAM_POWER: Final = "Power"
PARAM_LED_BRIGHTNESS: Final = "LED Brightness"
PARAM_LED_HUE: Final = "LED Hue"
PARAM_LED_SATURATION: Final = "LED Saturation"
PARAM_REFILL_LIFE: Final = "Refill Life"
PARAM_REFILL_RESET: Final = "Refill Reset"
PARAM_RUNTIME: Final = "System Runtime"
PARAM_STATUS: Final = "System Status"
PARAM_STATE: Final = "System State"
PARAM_ERROR: Final = "Error"
PARAM_HUB_ID: Final = "Hub ID"

# Bits set on healthy hubs: 0x01000000 always, 0x08 during warm-up (fw 5.4.1) and
# 0x40 latched at warm-up -> protected (fw 5.4.1); thermacell_liv #17 and #22
# (https://github.com/joyfulhouse/thermacell_liv/issues/17, .../issues/22).
BENIGN_ERROR_BITS: Final = 0x01000048
NO_CARTRIDGE: Final = -1
RUNTIME_UNIT_HOURS: Final = 0.1  # System Runtime counts tenths of an hour


class SystemStatus(IntEnum):
    """Values of `System Status` (and `System State`)."""

    OFF = 1
    WARMING_UP = 2
    PROTECTED = 3


RUNNING: Final = frozenset({SystemStatus.WARMING_UP, SystemStatus.PROTECTED})


class Cartridge(IntEnum):
    """`Refill Reset` codes: the cartridge put in (40, 100 or 180 hours)."""

    HOURS_40 = 0
    HOURS_100 = 1
    HOURS_180 = 2


# Params of the hub device whose writes crash the firmware: LED Saturation answers
# HTTP 400 and knocks the hub offline (pythermacell's LED_CONTROL.md).
FORBIDDEN_WRITES: Final = frozenset({PARAM_LED_SATURATION})


def hub_device(config: NodeConfig) -> DeviceSpec | None:
    """Return the LIV Hub device of a node, if the node is a Thermacell hub."""
    device = config.device(HUB_DEVICE)
    if device is not None and not device.is_service:
        return device
    if HUB_INFO_TYPE in (config.info.type, config.info.model) and config.devices:
        return config.devices[0]
    return None


def power_param(device: DeviceSpec) -> ParamSpec | None:
    """Return the writable power switch: `esp.param.power`, else `Enable Repellers`."""
    for param in device.params_of_type(v.PARAM_POWER):
        if param.writable:
            return param
    enable = device.param(PARAM_ENABLE)
    return enable if enable is not None and enable.writable else None


def real_error_bits(error: int) -> int:
    """Return the error bits that mean a real problem."""
    return error & ~BENIGN_ERROR_BITS


def refuse_hazards(config: NodeConfig, device: str, params: Iterable[str]) -> None:
    """Raise before sending a write that is known to crash a Thermacell hub.

    A `RainMakerClient` write policy: the integration passes it to the client.
    """
    hub = hub_device(config)
    if hub is None or device != hub.name:
        return
    for name in params:
        if name in FORBIDDEN_WRITES:
            raise RainMakerValidationError(
                f"Writing '{name}' crashes Thermacell LIV hubs"
            )


# Reading a hub's state -----------------------------------------------------------


def _hub_value(node: Node, param: str) -> Any:
    device = hub_device(node.config)
    return node.get(device.name if device else HUB_DEVICE, param)


def _integer(value: Any) -> int | None:
    found = number(value)
    return found if isinstance(found, int) else None


def system_status(node: Node) -> SystemStatus | None:
    """Return `System Status` (or `System State` on firmware that only has that)."""
    for param in (PARAM_STATUS, PARAM_STATE):
        value = _integer(_hub_value(node, param))
        if value in set(SystemStatus):
            return SystemStatus(value)
    return None


def error_code(node: Node) -> int | None:
    """Return the raw `Error` bit field."""
    return _integer(_hub_value(node, PARAM_ERROR))


def has_problem(node: Node) -> bool | None:
    """Tell whether error bits other than the benign ones are set."""
    error = error_code(node)
    return None if error is None else real_error_bits(error) != 0


def refill_life(node: Node) -> float | None:
    """Return the remaining refill in %, None without a cartridge (-1)."""
    value = number(_hub_value(node, PARAM_REFILL_LIFE))
    if value is None or value == NO_CARTRIDGE:
        return None
    return max(0.0, min(100.0, float(value)))


def runtime_hours(node: Node) -> float | None:
    """Return `System Runtime` in hours."""
    value = number(_hub_value(node, PARAM_RUNTIME))
    return None if value is None else round(value * RUNTIME_UNIT_HOURS, 1)


def repellers_enabled(node: Node) -> bool | None:
    """Return the writable power switch of the hub."""
    device = hub_device(node.config)
    param = power_param(device) if device is not None else None
    if device is None or param is None:
        return None
    value = node.get(device.name, param.name)
    return value if isinstance(value, bool) else None


def off_but_running(node: Node) -> bool:
    """Tell whether a hub reports its repellers off while it still runs."""
    return repellers_enabled(node) is False and system_status(node) in RUNNING
