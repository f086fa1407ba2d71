"""Standard device types and the parameters their main entity is built from.

A profile's `parts` picks, by role, the parameters a device's main entity needs
and uses, or returns None when the device lacks what the entity cannot do
without. Such a device keeps the generic per-parameter entities: nothing it
reports is dropped.
"""

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from typing import Final

from homeassistant.const import Platform

from .api import DeviceSpec, ParamSpec, vocabulary as v

type Parts = Mapping[str, ParamSpec]

# Roles of the parts of a main entity.
POWER: Final = "power"
BRIGHTNESS: Final = "brightness"
HUE: Final = "hue"
SATURATION: Final = "saturation"
CCT: Final = "cct"
LIGHT_MODE: Final = "light_mode"
SPEED: Final = "speed"
DIRECTION: Final = "direction"
TEMPERATURE: Final = "temperature"
SETPOINT: Final = "setpoint"
SETPOINT_LOW: Final = "setpoint_low"
SETPOINT_HIGH: Final = "setpoint_high"
HVAC_MODE: Final = "hvac_mode"
FAN_MODE: Final = "fan_mode"
POSITION: Final = "position"
TOGGLE: Final = "toggle"
LOCK_STATE: Final = "lock_state"

HVAC_MODE_TYPES: Final = frozenset(
    {v.PARAM_AC_MODE, v.PARAM_AC_MODE_MISSPELT, v.PARAM_MODE}
)
# A speed with more steps than this is a number, not a list of fan modes.
MAX_FAN_SPEEDS: Final = 10
# Values of a mode param, lower-cased and with `_`/` ` as `-`, that are HVAC modes.
HVAC_WORDS: Final = frozenset(
    {"off", "heat", "cool", "auto", "dry", "fan", "fan-only", "heat-cool", "heatcool"}
)
LOCK_WORDS: Final = frozenset({"locked", "unlocked"})


def first_param(
    device: DeviceSpec, param_type: str, *, writable: bool = True
) -> ParamSpec | None:
    """Return the device's first parameter of a type (writable unless told otherwise)."""
    return first_of(device, (param_type,), writable=writable)


def first_of(
    device: DeviceSpec,
    param_types: Collection[str],
    *,
    writable: bool = True,
    accept: Callable[[ParamSpec], bool] = lambda _: True,
) -> ParamSpec | None:
    """Return the device's first parameter of any of the types that `accept` takes."""
    return next(
        (
            p
            for p in device.params
            if p.type in param_types and (p.writable or not writable) and accept(p)
        ),
        None,
    )


def word(value: str) -> str:
    """Return a mode word as it is compared: lower case, `_` and spaces as `-`."""
    return value.strip().lower().replace("_", "-").replace(" ", "-")


def span(param: ParamSpec) -> tuple[float, float] | None:
    """Return a numeric param's (minimum, maximum), if its bounds give both in order."""
    bounds = param.bounds
    if (
        not param.numeric
        or bounds is None
        or bounds.min is None
        or bounds.max is None
        or not bounds.min < bounds.max
    ):
        return None
    return float(bounds.min), float(bounds.max)


def _bounded_number(param: ParamSpec) -> bool:
    return span(param) is not None


def _numeric(param: ParamSpec) -> bool:
    return param.numeric


def _bool(param: ParamSpec) -> bool:
    return param.data_type == v.DATA_TYPE_BOOL and param.readable


def _hvac_mode(param: ParamSpec) -> bool:
    return param.data_type == v.DATA_TYPE_STRING and any(
        word(value) in HVAC_WORDS for value in param.valid_strs
    )


def _fan_mode(param: ParamSpec) -> bool:
    return param.data_type == v.DATA_TYPE_STRING and bool(param.valid_strs)


def _few_speeds(param: ParamSpec) -> bool:
    found = span(param)
    return (
        found is not None
        and param.data_type == v.DATA_TYPE_INT
        and found[1] - found[0] < MAX_FAN_SPEEDS
    )


def _lock_state(param: ParamSpec) -> bool:
    if param.data_type == v.DATA_TYPE_BOOL:
        return param.readable
    return (
        param.data_type == v.DATA_TYPE_STRING
        and {word(value) for value in param.valid_strs} >= LOCK_WORDS
    )


def _found(**parts: ParamSpec | None) -> dict[str, ParamSpec]:
    return {role: param for role, param in parts.items() if param is not None}


def light_parts(device: DeviceSpec) -> Parts | None:
    """Return a light's parts; it needs a power switch or a brightness."""
    parts = _found(
        power=first_param(device, v.PARAM_POWER),
        brightness=first_param(device, v.PARAM_BRIGHTNESS),
        hue=first_param(device, v.PARAM_HUE),
        saturation=first_param(device, v.PARAM_SATURATION),
        cct=first_param(device, v.PARAM_CCT),
        light_mode=first_param(device, v.PARAM_LIGHT_MODE, writable=False),
    )
    return parts if POWER in parts or BRIGHTNESS in parts else None


def switch_parts(device: DeviceSpec) -> Parts | None:
    """Return a switch's parts; it needs a power switch."""
    parts = _found(power=first_param(device, v.PARAM_POWER))
    return parts or None


def fan_parts(device: DeviceSpec) -> Parts | None:
    """Return a fan's parts; it needs a power switch."""
    parts = _found(
        power=first_param(device, v.PARAM_POWER),
        speed=first_param(device, v.PARAM_SPEED),
        direction=first_param(device, v.PARAM_DIRECTION),
    )
    return parts if POWER in parts else None


def temperature_parts(device: DeviceSpec) -> Parts | None:
    """Return a temperature sensor's parts; it needs a temperature."""
    parts = _found(temperature=first_param(device, v.PARAM_TEMPERATURE, writable=False))
    return parts or None


def climate_parts(device: DeviceSpec) -> Parts | None:
    """Return a thermostat's parts; it needs a setpoint, a pair of them, or HVAC modes.

    The current temperature is not taken: it stays a sensor of its own as well,
    with its history and long-term statistics.
    """
    parts = _found(
        power=first_param(device, v.PARAM_POWER),
        setpoint=first_of(device, v.PARAM_SETPOINTS, accept=_numeric),
        setpoint_low=first_of(device, (v.PARAM_SETPOINT_LOW,), accept=_numeric),
        setpoint_high=first_of(device, (v.PARAM_SETPOINT_HIGH,), accept=_numeric),
        hvac_mode=first_of(device, HVAC_MODE_TYPES, accept=_hvac_mode),
        fan_mode=first_of(device, (v.PARAM_FAN_MODE,), accept=_fan_mode),
        speed=first_of(device, (v.PARAM_SPEED,), accept=_few_speeds),
    )
    if SETPOINT_LOW not in parts or SETPOINT_HIGH not in parts:
        parts.pop(SETPOINT_LOW, None)
        parts.pop(SETPOINT_HIGH, None)
    if FAN_MODE in parts:
        parts.pop(SPEED, None)
    if {SETPOINT, SETPOINT_LOW, HVAC_MODE}.isdisjoint(parts):
        return None
    return parts


def cover_parts(device: DeviceSpec) -> Parts | None:
    """Return a cover's parts; it needs a position with bounds, or an open/closed toggle."""
    parts = _found(
        position=first_of(
            device,
            (v.PARAM_BLINDS_POSITION, v.PARAM_GARAGE_POSITION),
            accept=_bounded_number,
        ),
        toggle=first_of(device, (v.PARAM_TOGGLE,), accept=_bool),
    )
    if POSITION in parts:
        parts.pop(TOGGLE, None)
    return parts or None


def lock_parts(device: DeviceSpec) -> Parts | None:
    """Return a lock's parts; it needs a lock state: locked and unlocked, or a boolean."""
    parts = _found(
        lock_state=first_of(device, (v.PARAM_LOCK_STATE,), accept=_lock_state)
    )
    return parts or None


@dataclass(frozen=True, kw_only=True)
class DeviceProfile:
    """A standard device type and how its main entity is made."""

    key: str
    platform: Platform
    device_types: frozenset[str]
    parts: Callable[[DeviceSpec], Parts | None]


PROFILES: Final[tuple[DeviceProfile, ...]] = (
    DeviceProfile(
        key="light",
        platform=Platform.LIGHT,
        device_types=frozenset({v.DEVICE_LIGHTBULB, v.DEVICE_LIGHT}),
        parts=light_parts,
    ),
    DeviceProfile(
        key="switch",
        platform=Platform.SWITCH,
        device_types=frozenset(
            {v.DEVICE_SWITCH, v.DEVICE_OUTLET, v.DEVICE_PLUG, v.DEVICE_SOCKET}
        ),
        parts=switch_parts,
    ),
    DeviceProfile(
        key="fan",
        platform=Platform.FAN,
        device_types=frozenset({v.DEVICE_FAN}),
        parts=fan_parts,
    ),
    DeviceProfile(
        key="temperature",
        platform=Platform.SENSOR,
        device_types=frozenset({v.DEVICE_TEMPERATURE_SENSOR}),
        parts=temperature_parts,
    ),
    DeviceProfile(
        key="climate",
        platform=Platform.CLIMATE,
        device_types=frozenset({v.DEVICE_THERMOSTAT, v.DEVICE_AIR_CONDITIONER}),
        parts=climate_parts,
    ),
    DeviceProfile(
        key="cover",
        platform=Platform.COVER,
        device_types=frozenset(
            {
                v.DEVICE_BLINDS_INTERNAL,
                v.DEVICE_BLINDS_EXTERNAL,
                v.DEVICE_GARAGE_DOOR,
            }
        ),
        parts=cover_parts,
    ),
    DeviceProfile(
        key="lock",
        platform=Platform.LOCK,
        device_types=frozenset({v.DEVICE_LOCK, v.DEVICE_GARAGE_DOOR_LOCK}),
        parts=lock_parts,
    ),
)


def profile_of(device: DeviceSpec) -> DeviceProfile | None:
    """Return the profile of a standard device type."""
    return next((p for p in PROFILES if device.type in p.device_types), None)
