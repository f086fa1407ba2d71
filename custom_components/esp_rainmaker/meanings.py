"""What a read-only value measures, from its param type or a standard name.

RainMaker metadata has no unit or device class. A param says what it measures by
its type where the SDK or Espressif's cloud names one (`esp.param.humidity`,
`esp.param.contact-detection-state`, ...), else by a name firmware uses for it
("Voltage", "Energy (Wh)"). A unit written in the name (in brackets, or as the
last word) is taken when Home Assistant knows it for that quantity; otherwise
the quantity's usual unit. A value with neither a known type nor a known name
keeps no unit and no device class.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
import re
from typing import Final

from homeassistant.components.binary_sensor import BinarySensorDeviceClass
from homeassistant.components.sensor import SensorDeviceClass, SensorStateClass
from homeassistant.const import (
    LIGHT_LUX,
    PERCENTAGE,
    UnitOfElectricCurrent,
    UnitOfElectricPotential,
    UnitOfEnergy,
    UnitOfPower,
    UnitOfPressure,
    UnitOfTemperature,
)

from .api import ParamSpec, vocabulary as v
from .compat import MICROGRAMS_PER_CUBIC_METER, PARTS_PER_MILLION

_UNIT_IN_BRACKETS: Final = re.compile(
    r"^(?P<name>.*?)\s*[\(\[](?P<unit>[^\)\]]*)[\)\]]$"
)


@dataclass(frozen=True, kw_only=True)
class SensorMeaning:
    """A quantity: its device class, units (by how names write them) and state class."""

    device_class: SensorDeviceClass
    unit: str
    types: frozenset[str] = frozenset()
    names: frozenset[str] = frozenset()
    units: Mapping[str, str] = field(default_factory=dict)
    state_class: SensorStateClass = SensorStateClass.MEASUREMENT


@dataclass(frozen=True, kw_only=True)
class BinaryMeaning:
    """A detector: its device class, and whether `True` means "nothing detected"."""

    device_class: BinarySensorDeviceClass
    types: frozenset[str] = frozenset()
    names: frozenset[str] = frozenset()
    inverted: bool = False


SENSOR_MEANINGS: Final[tuple[SensorMeaning, ...]] = (
    SensorMeaning(
        device_class=SensorDeviceClass.TEMPERATURE,
        unit=UnitOfTemperature.CELSIUS,
        types=frozenset({v.PARAM_TEMPERATURE}),
        names=frozenset({"temperature"}),
        units={
            "°c": UnitOfTemperature.CELSIUS,
            "c": UnitOfTemperature.CELSIUS,
            "°f": UnitOfTemperature.FAHRENHEIT,
            "f": UnitOfTemperature.FAHRENHEIT,
        },
    ),
    SensorMeaning(
        device_class=SensorDeviceClass.HUMIDITY,
        unit=PERCENTAGE,
        types=frozenset({v.PARAM_HUMIDITY}),
        names=frozenset({"humidity", "relative humidity"}),
        units={"%": PERCENTAGE},
    ),
    SensorMeaning(
        device_class=SensorDeviceClass.POWER,
        unit=UnitOfPower.WATT,
        names=frozenset({"power", "active power", "power usage", "power consumption"}),
        units={"w": UnitOfPower.WATT, "kw": UnitOfPower.KILO_WATT},
    ),
    SensorMeaning(
        device_class=SensorDeviceClass.ENERGY,
        unit=UnitOfEnergy.KILO_WATT_HOUR,
        names=frozenset({"energy", "total energy", "energy consumption"}),
        units={"wh": UnitOfEnergy.WATT_HOUR, "kwh": UnitOfEnergy.KILO_WATT_HOUR},
        state_class=SensorStateClass.TOTAL_INCREASING,
    ),
    SensorMeaning(
        device_class=SensorDeviceClass.VOLTAGE,
        unit=UnitOfElectricPotential.VOLT,
        names=frozenset({"voltage"}),
        units={"v": UnitOfElectricPotential.VOLT},
    ),
    SensorMeaning(
        device_class=SensorDeviceClass.CURRENT,
        unit=UnitOfElectricCurrent.AMPERE,
        names=frozenset({"current"}),
        units={
            "a": UnitOfElectricCurrent.AMPERE,
            "ma": UnitOfElectricCurrent.MILLIAMPERE,
        },
    ),
    SensorMeaning(
        device_class=SensorDeviceClass.ILLUMINANCE,
        unit=LIGHT_LUX,
        names=frozenset({"illuminance", "light level", "ambient light", "lux"}),
        units={"lx": LIGHT_LUX, "lux": LIGHT_LUX},
    ),
    SensorMeaning(
        device_class=SensorDeviceClass.PRESSURE,
        unit=UnitOfPressure.HPA,
        names=frozenset({"pressure", "air pressure", "atmospheric pressure"}),
        units={"hpa": UnitOfPressure.HPA, "pa": UnitOfPressure.PA},
    ),
    SensorMeaning(
        device_class=SensorDeviceClass.CO2,
        unit=PARTS_PER_MILLION,
        names=frozenset({"co2", "carbon dioxide"}),
        units={"ppm": PARTS_PER_MILLION},
    ),
    SensorMeaning(
        device_class=SensorDeviceClass.PM25,
        unit=MICROGRAMS_PER_CUBIC_METER,
        names=frozenset({"pm2.5", "pm25", "pm 2.5"}),
        units={
            # The micro sign and the Greek mu look alike; firmware writes either.
            "µg/m³": MICROGRAMS_PER_CUBIC_METER,
            "μg/m³": MICROGRAMS_PER_CUBIC_METER,
            "ug/m3": MICROGRAMS_PER_CUBIC_METER,
        },
    ),
    SensorMeaning(
        device_class=SensorDeviceClass.BATTERY,
        unit=PERCENTAGE,
        names=frozenset({"battery", "battery level"}),
        units={"%": PERCENTAGE},
    ),
)

BINARY_MEANINGS: Final[tuple[BinaryMeaning, ...]] = (
    # Contact detected is a closed door (Alexa's ContactSensor, which Espressif's
    # cloud maps this param to): on in Home Assistant is open.
    BinaryMeaning(
        device_class=BinarySensorDeviceClass.DOOR,
        types=frozenset({v.PARAM_CONTACT}),
        inverted=True,
    ),
    BinaryMeaning(
        device_class=BinarySensorDeviceClass.DOOR,
        names=frozenset({"door", "door open"}),
    ),
    BinaryMeaning(
        device_class=BinarySensorDeviceClass.WINDOW,
        names=frozenset({"window", "window open"}),
    ),
    BinaryMeaning(
        device_class=BinarySensorDeviceClass.MOTION,
        types=frozenset({v.PARAM_MOTION}),
        names=frozenset({"motion"}),
    ),
    BinaryMeaning(
        device_class=BinarySensorDeviceClass.OCCUPANCY,
        names=frozenset({"occupancy", "presence"}),
    ),
    BinaryMeaning(
        device_class=BinarySensorDeviceClass.MOISTURE,
        types=frozenset({v.PARAM_WATER_ALARM}),
        names=frozenset({"leak", "water leak"}),
    ),
    BinaryMeaning(
        device_class=BinarySensorDeviceClass.SMOKE,
        types=frozenset({v.PARAM_FIRE_ALARM}),
        names=frozenset({"smoke"}),
    ),
    BinaryMeaning(
        device_class=BinarySensorDeviceClass.CO,
        types=frozenset({v.PARAM_CO_ALARM}),
        names=frozenset({"co", "carbon monoxide"}),
    ),
)


def _name_and_unit(name: str) -> tuple[str, str | None]:
    """Split "Energy (Wh)" into ("energy", "wh"); "Power W" into ("power w", None)."""
    name = " ".join(name.lower().split())
    if (found := _UNIT_IN_BRACKETS.match(name)) is not None:
        return found["name"], found["unit"].strip()
    return name, None


def sensor_meaning(param: ParamSpec) -> tuple[SensorMeaning, str] | None:
    """Return what a numeric value measures and its unit, if its type or name says."""
    if not param.numeric:
        return None
    name, unit = _name_and_unit(param.name)
    readings = [(name, unit)]
    if unit is None and " " in name:
        # "Power W": the last word may be the unit.
        head, last = name.rsplit(" ", 1)
        readings.append((head, last))
    for meaning in SENSOR_MEANINGS:
        for base, written in readings:
            if param.type not in meaning.types and base not in meaning.names:
                continue
            if written is None:
                return meaning, meaning.unit
            if (known := meaning.units.get(written)) is not None:
                return meaning, known
    return None


def binary_meaning(param: ParamSpec) -> BinaryMeaning | None:
    """Return what a boolean detects, if its type or name says."""
    if param.data_type != v.DATA_TYPE_BOOL:
        return None
    name, _ = _name_and_unit(param.name)
    return next(
        (
            meaning
            for meaning in BINARY_MEANINGS
            if param.type in meaning.types or name in meaning.names
        ),
        None,
    )
