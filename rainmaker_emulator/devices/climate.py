"""Climate devices: a thermostat and an air conditioner that heat or cool a room."""

import random
from typing import Any

from rainmaker_emulator.nodes import EmulatedNode

from .base import READ, RW, Built, DeviceKind, bounds, param, power_param, standard_node
from .signals import approach

ACTIVE_RATE = 0.05  # °C per second while the device heats or cools toward the setpoint
DRIFT_RATE = 0.01  # °C per second toward the ambient temperature otherwise
HEATING_MODES = frozenset({"heat", "auto"})
COOLING_MODES = frozenset({"cool", "auto"})


def room_temperature(
    temperature: float,
    *,
    setpoint: float,
    ambient: float,
    heats: bool,
    cools: bool,
    seconds: float,
) -> float:
    """Return the room's temperature `seconds` later.

    A device that may heat (cool) brings a colder (warmer) room to the setpoint at
    `ACTIVE_RATE` and holds it there against the drift; otherwise the room drifts
    toward the ambient temperature at `DRIFT_RATE`. Heating only, the room rests at
    the warmer of ambient and setpoint; cooling only, at the cooler; both, at the
    setpoint; neither, at ambient.
    """
    if (heats and temperature < setpoint) or (cools and temperature > setpoint):
        temperature, seconds = approach(temperature, setpoint, ACTIVE_RATE, seconds)
    resting = ambient
    if heats:
        resting = max(resting, setpoint)
    if cools:
        resting = min(resting, setpoint)
    return approach(temperature, resting, DRIFT_RATE, seconds)[0]


def mode_param(modes: list[str]) -> dict[str, Any]:
    """Return the `Mode` dropdown of a climate device."""
    return param(
        "Mode",
        "esp.param.ac-mode",
        "string",
        RW,
        ui_type="esp.ui.dropdown",
        valid_strs=modes,
    )


class ClimateDevice(DeviceKind):
    """A device that heats or cools a room toward its setpoint while powered.

    The room's exact temperature lives in the node's `sim` (`temperature`, with the
    `ambient` it drifts to); `Temperature` reports it rounded to 0.1 °C.
    """

    ambient = 20.0
    initial_temperature = 20.0

    def climate_sim(self) -> dict[str, Any]:
        """Return the simulation state a new node starts with."""
        return {"temperature": self.initial_temperature, "ambient": self.ambient}

    def simulate(self, node: EmulatedNode, start: float, end: float) -> None:
        """Heat, cool or drift the room from `start` to `end`."""
        if end <= start:
            return
        state = node.reported[self.device_name]
        temperature, ambient = node.sim["temperature"], node.sim["ambient"]
        setpoint = state.get("Setpoint")
        # Off, or with a setpoint the admin API overwrote with junk: the room drifts.
        if state.get("Power") is True and isinstance(setpoint, int | float):
            mode = state.get("Mode")
            temperature = room_temperature(
                temperature,
                setpoint=float(setpoint),
                ambient=ambient,
                heats=mode in HEATING_MODES,
                cools=mode in COOLING_MODES,
                seconds=end - start,
            )
        else:
            temperature = approach(temperature, ambient, DRIFT_RATE, end - start)[0]
        node.sim["temperature"] = temperature
        state["Temperature"] = round(temperature, 1)


class Thermostat(ClimateDevice):
    """A thermostat for heating, cooling or both, 5-35 °C in half degrees."""

    kind = "thermostat"
    device_name = "Thermostat"
    ambient = 18.0
    initial_temperature = 19.5

    def build(self, node_id: str, name: str, rng: random.Random) -> Built:
        """Build a thermostat node."""
        built = standard_node(
            node_id,
            name,
            rng,
            device_name=self.device_name,
            device_type="esp.device.thermostat",
            info_type="Thermostat",
            model="thermostat",
            primary="Power",
            device_params=[
                power_param(),
                param(
                    "Setpoint",
                    "esp.param.setpoint-temperature",
                    "float",
                    RW,
                    bounds=bounds(5.0, 35.0, 0.5),
                    ui_type="esp.ui.slider",
                ),
                param(
                    "Temperature",
                    "esp.param.temperature",
                    "float",
                    ["read", "time_series"],
                ),
                mode_param(["heat", "cool", "auto"]),
            ],
            values={
                "Power": False,
                "Setpoint": 21.0,
                "Temperature": self.initial_temperature,
                "Mode": "heat",
            },
        )
        built.sim.update(self.climate_sim())
        return built


class AirConditioner(ClimateDevice):
    """An air conditioner: cool, heat, dry, fan or auto, 16-30 °C, fan speed 1-5.

    Drying and ventilating neither heat nor cool: the room drifts to ambient.
    """

    kind = "air-conditioner"
    device_name = "Air Conditioner"
    ambient = 28.0
    initial_temperature = 27.0

    def build(self, node_id: str, name: str, rng: random.Random) -> Built:
        """Build an air conditioner node."""
        built = standard_node(
            node_id,
            name,
            rng,
            device_name=self.device_name,
            device_type="esp.device.air-conditioner",
            info_type="Air Conditioner",
            model="air-conditioner",
            primary="Power",
            device_params=[
                power_param(),
                param(
                    "Setpoint",
                    "esp.param.setpoint-temperature",
                    "int",
                    RW,
                    bounds=bounds(16, 30, 1),
                    ui_type="esp.ui.slider",
                ),
                param("Temperature", "esp.param.temperature", "float", READ),
                mode_param(["cool", "heat", "dry", "fan", "auto"]),
                param(
                    "Speed",
                    "esp.param.speed",
                    "int",
                    RW,
                    bounds=bounds(1, 5, 1),
                    ui_type="esp.ui.slider",
                ),
            ],
            values={
                "Power": False,
                "Setpoint": 24,
                "Temperature": self.initial_temperature,
                "Mode": "cool",
                "Speed": 3,
            },
        )
        built.sim.update(self.climate_sim())
        return built
