"""What a value measures: by its param type, by a standard name, or nothing."""

from homeassistant.components.binary_sensor import BinarySensorDeviceClass
from homeassistant.components.sensor import (
    DEVICE_CLASS_UNITS,
    SensorDeviceClass,
    SensorStateClass,
)
import pytest

from custom_components.esp_rainmaker.api import ParamSpec
from custom_components.esp_rainmaker.compat import (
    MICROGRAMS_PER_CUBIC_METER as MICROGRAMS,
)
from custom_components.esp_rainmaker.meanings import (
    SENSOR_MEANINGS,
    binary_meaning,
    sensor_meaning,
)


def reading(
    name: str, param_type: str = "custom.param", data_type: str = "float"
) -> ParamSpec:
    """Return a read-only param."""
    return ParamSpec(
        name=name, type=param_type, data_type=data_type, properties=frozenset({"read"})
    )


@pytest.mark.parametrize(
    ("param", "device_class", "unit"),
    [
        (reading("Humidity", "esp.param.humidity"), SensorDeviceClass.HUMIDITY, "%"),
        (reading("RH", "esp.param.humidity"), SensorDeviceClass.HUMIDITY, "%"),
        (reading("Temperature"), SensorDeviceClass.TEMPERATURE, "°C"),
        (reading("Temperature (°F)"), SensorDeviceClass.TEMPERATURE, "°F"),
        (
            reading("Temp [C]", "esp.param.temperature"),
            SensorDeviceClass.TEMPERATURE,
            "°C",
        ),
        (reading("Temperature F"), SensorDeviceClass.TEMPERATURE, "°F"),
        (reading("Active Power"), SensorDeviceClass.POWER, "W"),
        (reading("Power W"), SensorDeviceClass.POWER, "W"),
        (reading("Power [kW]"), SensorDeviceClass.POWER, "kW"),
        (reading("Energy"), SensorDeviceClass.ENERGY, "kWh"),
        (reading("Energy (Wh)"), SensorDeviceClass.ENERGY, "Wh"),
        (reading("Voltage"), SensorDeviceClass.VOLTAGE, "V"),
        (reading("Current (mA)"), SensorDeviceClass.CURRENT, "mA"),
        (reading("Illuminance"), SensorDeviceClass.ILLUMINANCE, "lx"),
        (reading("Pressure"), SensorDeviceClass.PRESSURE, "hPa"),
        (reading("CO2", data_type="int"), SensorDeviceClass.CO2, "ppm"),
        (reading("PM2.5"), SensorDeviceClass.PM25, MICROGRAMS),
        (reading("PM2.5 (µg/m³)"), SensorDeviceClass.PM25, MICROGRAMS),
        (reading("Battery", data_type="int"), SensorDeviceClass.BATTERY, "%"),
    ],
)
def test_sensor_meanings(
    param: ParamSpec, device_class: SensorDeviceClass, unit: str
) -> None:
    """Known types and names get their device class and unit."""
    found = sensor_meaning(param)
    assert found is not None
    meaning, found_unit = found
    assert (meaning.device_class, found_unit) == (device_class, unit)


def test_energy_only_grows() -> None:
    """Energy is a total that only increases; the rest are measurements."""
    energy = sensor_meaning(reading("Energy"))
    power = sensor_meaning(reading("Power"))
    assert energy is not None
    assert power is not None
    assert energy[0].state_class is SensorStateClass.TOTAL_INCREASING
    assert power[0].state_class is SensorStateClass.MEASUREMENT


@pytest.mark.parametrize(
    "param",
    [
        reading("Flow Rate"),
        reading("Temperature (K)"),
        reading("Energy (J)"),
        reading("Current Temperature Offset"),
        reading("Humidity", data_type="string"),
        reading("Power", data_type="bool"),
    ],
)
def test_unknown_stays_unitless(param: ParamSpec) -> None:
    """No known type or name, a unit not known for it, or no number: no meaning."""
    assert sensor_meaning(param) is None


@pytest.mark.parametrize(
    ("param", "device_class", "inverted"),
    [
        (
            reading("Contact", "esp.param.contact-detection-state", "bool"),
            BinarySensorDeviceClass.DOOR,
            True,
        ),
        (reading("Door", data_type="bool"), BinarySensorDeviceClass.DOOR, False),
        (reading("Window", data_type="bool"), BinarySensorDeviceClass.WINDOW, False),
        (
            reading("PIR", "esp.param.motion-detection-state", "bool"),
            BinarySensorDeviceClass.MOTION,
            False,
        ),
        (
            reading("Occupancy", data_type="bool"),
            BinarySensorDeviceClass.OCCUPANCY,
            False,
        ),
        (
            reading("Water", "esp.param.water-alarm", "bool"),
            BinarySensorDeviceClass.MOISTURE,
            False,
        ),
        (reading("Smoke", data_type="bool"), BinarySensorDeviceClass.SMOKE, False),
        (
            reading("Alarm", "esp.param.carbon-monoxide-alarm", "bool"),
            BinarySensorDeviceClass.CO,
            False,
        ),
    ],
)
def test_binary_meanings(
    param: ParamSpec, device_class: BinarySensorDeviceClass, inverted: bool
) -> None:
    """Detectors get their device class; contact detected means closed."""
    meaning = binary_meaning(param)
    assert meaning is not None
    assert (meaning.device_class, meaning.inverted) == (device_class, inverted)


def test_unknown_detector() -> None:
    """A boolean without a known type or name, or a number, detects nothing known."""
    assert binary_meaning(reading("Filter Dirty", data_type="bool")) is None
    assert binary_meaning(reading("Motion", data_type="int")) is None


def test_units_are_the_running_releases_own() -> None:
    """Every unit a meaning gives is one Home Assistant accepts for its device class.

    Concentrations differ between releases (the micro sign became the Greek mu).
    """
    for meaning in SENSOR_MEANINGS:
        accepted = DEVICE_CLASS_UNITS[meaning.device_class]
        assert meaning.unit in accepted, meaning
        assert set(meaning.units.values()) <= accepted, meaning
