"""What is known about Thermacell LIV hubs on RainMaker (reference §7)."""

from collections.abc import Iterable
from enum import IntEnum
from typing import Final

from .exceptions import RainMakerValidationError
from .models import DeviceSpec, NodeConfig, ParamSpec

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
# 0x40 latched at warm-up -> protected (fw 5.4.1); thermacell_liv #17 and #22.
BENIGN_ERROR_BITS: Final = 0x01000048
NO_CARTRIDGE: Final = -1
RUNTIME_UNIT_HOURS: Final = 0.1  # System Runtime counts tenths of an hour


class SystemStatus(IntEnum):
    """Values of `System Status` (and `System State`)."""

    OFF = 1
    WARMING_UP = 2
    PROTECTED = 3


class Cartridge(IntEnum):
    """`Refill Reset` codes and the hours each cartridge lasts."""

    HOURS_40 = 0
    HOURS_100 = 1
    HOURS_180 = 2

    @property
    def hours(self) -> int:
        """Return how long the cartridge lasts."""
        return {0: 40, 1: 100, 2: 180}[self.value]


# Params of the hub device whose writes crash the firmware: LED Saturation answers
# HTTP 400 and knocks the hub offline.
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
    for param in device.params_of_type("esp.param.power"):
        if param.writable:
            return param
    enable = device.param(PARAM_ENABLE)
    return enable if enable is not None and enable.writable else None


def real_error_bits(error: int) -> int:
    """Return the error bits that mean a real problem."""
    return error & ~BENIGN_ERROR_BITS


def refuse_hazards(config: NodeConfig, device: str, params: Iterable[str]) -> None:
    """Raise before sending a write that is known to crash a Thermacell hub."""
    hub = hub_device(config)
    if hub is None or device != hub.name:
        return
    for name in params:
        if name in FORBIDDEN_WRITES:
            raise RainMakerValidationError(
                f"Writing '{name}' crashes Thermacell LIV hubs"
            )
