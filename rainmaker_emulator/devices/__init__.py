"""Device kinds the emulator simulates: configs, initial params and behaviour.

Every kind builds the node configuration a real node would publish, the params it
would report first, and reacts to writes once they reach the device. Continuous
behaviour (a draining refill, a drifting temperature) is computed from the
simulation clock between events, so hours of simulated time cost nothing.
"""

from .base import DEVICE_SECRET_TYPES, Built, DeviceKind, with_scenes, with_schedules
from .climate import AirConditioner, Thermostat
from .covers import Blinds, GarageDoor
from .energy import EnergyMeter
from .lock import Lock
from .media import Speaker, Television
from .sensors import AirQualityMonitor, ContactSensor, HumiditySensor, MotionSensor
from .standard import Fan, Lightbulb, RawDevice, Switch, TemperatureSensor
from .thermacell import ThermacellHub

KINDS: dict[str, DeviceKind] = {
    "thermacell": ThermacellHub(),
    "lightbulb": Lightbulb(),
    "switch": Switch("switch"),
    "outlet": Switch("outlet"),
    "plug": Switch("plug"),
    "socket": Switch("socket"),
    "fan": Fan(),
    "temperature-sensor": TemperatureSensor(),
    "thermostat": Thermostat(),
    "air-conditioner": AirConditioner(),
    "blinds": Blinds(),
    "garage-door": GarageDoor(),
    "lock": Lock(),
    "humidity-sensor": HumiditySensor(),
    "contact-sensor": ContactSensor(),
    "motion-sensor": MotionSensor(),
    "energy-meter": EnergyMeter(),
    "air-quality": AirQualityMonitor(),
    "speaker": Speaker(),
    "tv": Television(),
    "raw": RawDevice(),
}

__all__ = [
    "DEVICE_SECRET_TYPES",
    "KINDS",
    "AirConditioner",
    "AirQualityMonitor",
    "Blinds",
    "Built",
    "ContactSensor",
    "DeviceKind",
    "EnergyMeter",
    "Fan",
    "GarageDoor",
    "HumiditySensor",
    "Lightbulb",
    "Lock",
    "MotionSensor",
    "RawDevice",
    "Speaker",
    "Switch",
    "Television",
    "TemperatureSensor",
    "ThermacellHub",
    "Thermostat",
    "with_scenes",
    "with_schedules",
]
