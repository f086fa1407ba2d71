"""Sensors whose readings follow the simulation clock: humidity, contact, motion, air.

Each node draws a `phase` (and bases) from a generator of its own, so that two
sensors of a kind do not read alike; every reading is then a function of the
simulated time, computed when the node is read.
"""

import math
import random
from typing import Any

from rainmaker_emulator.nodes import EmulatedNode

from .base import READ, Built, DeviceKind, bounds, node_random, param, standard_node
from .signals import daylight, duty_cycle, wander

HOUR = 3600.0
BATTERY_DRAIN = 1.0 / (3 * 24 * HOUR)  # percent per second: one percent in three days


def sensor_sim(node_id: str) -> dict[str, Any]:
    """Return a sensor's own phase and base temperature."""
    rng = node_random(node_id, "sensor")
    return {"phase": rng.random(), "base": round(rng.uniform(19.0, 24.0), 1)}


class HumiditySensor(DeviceKind):
    """A humidity sensor (35-60 %) that also reads the temperature."""

    kind = "humidity-sensor"
    device_name = "Humidity Sensor"

    def build(self, node_id: str, name: str, rng: random.Random) -> Built:
        """Build a humidity sensor node."""
        built = standard_node(
            node_id,
            name,
            rng,
            device_name=self.device_name,
            device_type="esp.device.humidity-sensor",
            info_type="Humidity Sensor",
            model="humidity-sensor",
            primary="Humidity",
            device_params=[
                param(
                    "Humidity", "esp.param.humidity", "float", ["read", "time_series"]
                ),
                param("Temperature", "esp.param.temperature", "float", READ),
            ],
            values={"Humidity": 47.5, "Temperature": 21.0},
        )
        built.sim.update(sensor_sim(node_id))
        return built

    def simulate(self, node: EmulatedNode, start: float, end: float) -> None:
        """Report the humidity and temperature of the moment."""
        phase, base = node.sim["phase"], node.sim["base"]
        state = node.reported[self.device_name]
        state["Humidity"] = round(wander(end, 35.0, 60.0, 4 * HOUR, phase), 1)
        state["Temperature"] = round(
            wander(end, base - 1.5, base + 1.5, 6 * HOUR, phase), 1
        )


class ContactSensor(DeviceKind):
    """A door or window contact, open for a minute every quarter of an hour.

    It reports whether it detects contact (True: the door is closed), as Alexa's
    ContactSensor, to which Espressif's cloud maps this param, reads it.

    Its battery drains by one percent every three days from 87 %.
    """

    kind = "contact-sensor"
    device_name = "Contact Sensor"
    period = 15 * 60.0
    open_for = 60.0

    def build(self, node_id: str, name: str, rng: random.Random) -> Built:
        """Build a contact sensor node."""
        built = standard_node(
            node_id,
            name,
            rng,
            device_name=self.device_name,
            device_type="esp.device.contact-sensor",
            info_type="Contact Sensor",
            model="contact-sensor",
            primary="Contact",
            device_params=[
                param("Contact", "esp.param.contact-detection-state", "bool", READ),
                param(
                    "Battery", "esp.param.battery", "int", READ, bounds=bounds(0, 100)
                ),
            ],
            values={"Contact": True, "Battery": 87},
        )
        built.sim.update(sensor_sim(node_id), battery=87.0)
        return built

    def simulate(self, node: EmulatedNode, start: float, end: float) -> None:
        """Report whether the door is closed (contact) now; drain the battery."""
        state = node.reported[self.device_name]
        phase = node.sim["phase"]
        state["Contact"] = not duty_cycle(end, self.period, self.open_for, phase)
        level = max(0.0, node.sim["battery"] - (end - start) * BATTERY_DRAIN)
        node.sim["battery"] = level
        state["Battery"] = math.ceil(level)


class MotionSensor(DeviceKind):
    """A motion sensor: motion for 30 s every 10 minutes, and the day's light (0-500 lx)."""

    kind = "motion-sensor"
    device_name = "Motion Sensor"
    period = 10 * 60.0
    motion_for = 30.0
    peak_lux = 500.0

    def build(self, node_id: str, name: str, rng: random.Random) -> Built:
        """Build a motion sensor node."""
        built = standard_node(
            node_id,
            name,
            rng,
            device_name=self.device_name,
            device_type="esp.device.motion-sensor",
            info_type="Motion Sensor",
            model="motion-sensor",
            primary="Motion",
            device_params=[
                param("Motion", "esp.param.motion-detection-state", "bool", READ),
                param("Illuminance", "esp.param.illuminance", "float", READ),
            ],
            values={"Motion": False, "Illuminance": 0.0},
        )
        built.sim.update(sensor_sim(node_id))
        return built

    def simulate(self, node: EmulatedNode, start: float, end: float) -> None:
        """Report motion and light of the moment."""
        state = node.reported[self.device_name]
        phase = node.sim["phase"]
        state["Motion"] = duty_cycle(end, self.period, self.motion_for, phase)
        state["Illuminance"] = round(daylight(end, self.peak_lux), 1)


class AirQualityMonitor(DeviceKind):
    """An air monitor: CO2, PM2.5 and pressure wander; the alarms stay quiet.

    The alarms (water leak, smoke, carbon monoxide) report False until the admin
    API sets them: an emulator that raised them on its own would alarm the demo.
    """

    kind = "air-quality"
    device_name = "Air Monitor"

    def build(self, node_id: str, name: str, rng: random.Random) -> Built:
        """Build an air monitor node."""
        built = standard_node(
            node_id,
            name,
            rng,
            device_name=self.device_name,
            device_type="esp.device.other",
            info_type="Air Monitor",
            model="air-monitor",
            primary="CO2",
            device_params=[
                param("CO2", "esp.param.co2", "int", READ),
                param("PM2.5", "esp.param.pm2.5", "float", READ),
                param("Pressure", "esp.param.pressure", "float", READ),
                param("Water Leak", "esp.param.water-alarm", "bool", READ),
                param("Smoke", "esp.param.fire-alarm", "bool", READ),
                param("CO Alarm", "esp.param.carbon-monoxide-alarm", "bool", READ),
            ],
            values={
                "CO2": 800,
                "PM2.5": 12.0,
                "Pressure": 1013.0,
                "Water Leak": False,
                "Smoke": False,
                "CO Alarm": False,
            },
        )
        built.sim.update(sensor_sim(node_id))
        return built

    def simulate(self, node: EmulatedNode, start: float, end: float) -> None:
        """Report the air of the moment."""
        state = node.reported[self.device_name]
        phase = node.sim["phase"]
        state["CO2"] = round(wander(end, 400.0, 1200.0, 3 * HOUR, phase))
        state["PM2.5"] = round(wander(end, 2.0, 35.0, 5 * HOUR, phase + 0.3), 1)
        state["Pressure"] = round(wander(end, 1005.0, 1021.0, 24 * HOUR, phase), 1)
