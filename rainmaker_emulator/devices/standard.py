"""The standard device kinds of the RainMaker SDK's examples, and raw nodes."""

import copy
import math
import random
from typing import Any

from rainmaker_emulator.nodes import EmulatedNode

from .base import (
    RW,
    Built,
    DeviceKind,
    bounds,
    device_secret,
    local_control_service,
    matter_controller_service,
    param,
    power_param,
    standard_node,
)

LIGHT_MODE_HSV = 1  # ESP_RMAKER_LIGHT_MODE_HSV of esp_rmaker_standard_params.h
LIGHT_MODE_CCT = 2  # ESP_RMAKER_LIGHT_MODE_CCT
COLOUR_PARAMS = frozenset({"Hue", "Saturation"})


class Lightbulb(DeviceKind):
    """A colour lightbulb: power, brightness, hue, saturation, colour temperature, mode.

    As the RainMaker SDK's light driver does, writing Hue or Saturation switches
    `Light Mode` to colour (1) and writing CCT switches it to white (2); a write of
    both kinds keeps the mode, and a write of `Light Mode` itself wins.
    """

    kind = "lightbulb"
    device_name = "Light"

    def build(self, node_id: str, name: str, rng: random.Random) -> Built:
        """Build a lightbulb node."""
        built = standard_node(
            node_id,
            name,
            rng,
            device_name=self.device_name,
            device_type="esp.device.lightbulb",
            info_type="Lightbulb",
            model="led-light",
            primary="Power",
            device_params=[
                power_param(),
                param(
                    "Brightness",
                    "esp.param.brightness",
                    "int",
                    RW,
                    bounds=bounds(0, 100, 1),
                    ui_type="esp.ui.slider",
                ),
                param(
                    "Hue",
                    "esp.param.hue",
                    "int",
                    RW,
                    bounds=bounds(0, 360, 1),
                    ui_type="esp.ui.hue-slider",
                ),
                param(
                    "Saturation",
                    "esp.param.saturation",
                    "int",
                    RW,
                    bounds=bounds(0, 100, 1),
                    ui_type="esp.ui.slider",
                ),
                param(
                    "CCT",
                    "esp.param.cct",
                    "int",
                    RW,
                    bounds=bounds(2700, 6500, 100),
                    ui_type="esp.ui.slider",
                ),
                param(
                    "Light Mode",
                    "esp.param.light-mode",
                    "int",
                    RW,
                    bounds=bounds(LIGHT_MODE_HSV, LIGHT_MODE_CCT, 1),
                ),
            ],
            values={
                "Power": False,
                "Brightness": 50,
                "Hue": 30,
                "Saturation": 80,
                "CCT": 4000,
                "Light Mode": LIGHT_MODE_CCT,
            },
        )
        # Reachable on the LAN too: apps there prove possession with the PoP.
        built.config["services"].append(local_control_service())
        built.params["Local Control"] = {
            "POP": device_secret(node_id, "pop", 8),
            "Type": 1,
        }
        return built

    def apply(
        self, node: EmulatedNode, device: str, params: dict[str, Any], now: float
    ) -> None:
        """Report the write, and the light mode the colour params it holds select."""
        super().apply(node, device, params, now)
        if device != self.device_name or "Light Mode" in params:
            return
        colour = not COLOUR_PARAMS.isdisjoint(params)
        white = "CCT" in params
        if colour != white:
            mode = LIGHT_MODE_HSV if colour else LIGHT_MODE_CCT
            node.reported[device]["Light Mode"] = mode


class Switch(DeviceKind):
    """A switch, outlet, plug or socket: one power toggle."""

    def __init__(self, kind: str = "switch") -> None:
        """Build switches of one standard device type."""
        self.kind = kind
        self.device_name = kind.capitalize()

    def build(self, node_id: str, name: str, rng: random.Random) -> Built:
        """Build a switch node."""
        built = standard_node(
            node_id,
            name,
            rng,
            device_name=self.device_name,
            device_type=f"esp.device.{self.kind}",
            info_type=self.device_name,
            model=f"{self.kind}-1ch",
            primary="Power",
            device_params=[
                power_param(),
            ],
            values={"Power": False},
        )
        if self.kind == "switch":
            # A switch that also controls Matter devices, with the user's token.
            built.config["services"].append(matter_controller_service())
            built.params["MatterCTL"] = {
                "BaseURL": "https://api.rainmaker.espressif.com",
                "UserToken": device_secret(node_id, "user-token", 64),
                "RMakerGroupID": "",
            }
        return built


class Fan(DeviceKind):
    """A fan: power, speed 0-5 and direction."""

    kind = "fan"
    device_name = "Fan"

    def build(self, node_id: str, name: str, rng: random.Random) -> Built:
        """Build a fan node."""
        return standard_node(
            node_id,
            name,
            rng,
            device_name=self.device_name,
            device_type="esp.device.fan",
            info_type="Fan",
            model="fan",
            primary="Power",
            device_params=[
                power_param(),
                param(
                    "Speed",
                    "esp.param.speed",
                    "int",
                    RW,
                    bounds=bounds(0, 5, 1),
                    ui_type="esp.ui.slider",
                ),
                param(
                    "Direction",
                    "esp.param.direction",
                    "int",
                    RW,
                    bounds=bounds(0, 1, 1),
                    ui_type="esp.ui.dropdown",
                ),
            ],
            values={"Power": False, "Speed": 3, "Direction": 0},
        )


class TemperatureSensor(DeviceKind):
    """A temperature sensor whose reading drifts slowly with simulated time."""

    kind = "temperature-sensor"
    device_name = "Temperature Sensor"
    period = 6 * 3600.0
    amplitude = 1.5

    def build(self, node_id: str, name: str, rng: random.Random) -> Built:
        """Build a sensor node."""
        built = standard_node(
            node_id,
            name,
            rng,
            device_name=self.device_name,
            device_type="esp.device.temperature-sensor",
            info_type="Temperature Sensor",
            model="temperature-sensor",
            primary="Temperature",
            device_params=[
                param(
                    "Temperature",
                    "esp.param.temperature",
                    "float",
                    ["read", "time_series"],
                    ui_type="esp.ui.text",
                ),
            ],
            values={"Temperature": 21.0},
        )
        built.sim["base"] = round(rng.uniform(19.0, 24.0), 1)
        return built

    def simulate(self, node: EmulatedNode, start: float, end: float) -> None:
        """Report the temperature of the moment."""
        base = node.sim.get("base", 21.0)
        value = base + self.amplitude * math.sin(2 * math.pi * end / self.period)
        node.reported[self.device_name]["Temperature"] = round(value, 1)


class RawDevice(DeviceKind):
    """A node built from a given config and params, with no behaviour of its own."""

    kind = "raw"

    def build(self, node_id: str, name: str, rng: random.Random) -> Built:
        """Refuse: a raw node has no config of its own (see `given`)."""
        raise TypeError("a raw node is made from the config and params it is given")

    @staticmethod
    def given(config: Any, params: Any) -> Built:
        """Build a node from a config and params, copied so the node does not share them."""
        return Built(config=copy.deepcopy(config), params=copy.deepcopy(params or {}))
