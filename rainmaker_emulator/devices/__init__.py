"""Device kinds the emulator simulates: configs, initial params and behaviour.

Every kind builds the node configuration a real node would publish, the params it
would report first, and reacts to writes once they reach the device. Continuous
behaviour (a draining refill, a drifting temperature) is computed from the
simulation clock between events, so hours of simulated time cost nothing.
"""

from .base import DEVICE_SECRET_TYPES, Built, DeviceKind
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
    "raw": RawDevice(),
}

__all__ = [
    "DEVICE_SECRET_TYPES",
    "KINDS",
    "Built",
    "DeviceKind",
    "Fan",
    "Lightbulb",
    "RawDevice",
    "Switch",
    "TemperatureSensor",
    "ThermacellHub",
]
