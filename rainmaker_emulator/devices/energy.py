"""A smart plug that meters the power its load draws and the energy it used."""

import random
from typing import Any

from rainmaker_emulator.nodes import EmulatedNode

from .base import (
    READ,
    Built,
    DeviceKind,
    node_random,
    param,
    power_param,
    standard_node,
)
from .signals import wave

LOAD_WATTS = 60.0
# The load's noise: two waves of (amplitude in W, period in s) on top of LOAD_WATTS.
LOAD_NOISE = ((3.0, 47.0), (1.5, 13.0))
MAINS_VOLTS = 230.0
MAINS_SWING = 2.0  # V either side of MAINS_VOLTS, over ten minutes
JOULES_PER_KWH = 3.6e6
# Every metering plug was plugged in (and switched on) at this moment, 1 Jan 2026
# UTC: its reading depends on the clock alone, not on when the emulator started.
INSTALLED = 1767225600.0


def load_watts(now: float, phase: float) -> float:
    """Return the power the load draws at `now`."""
    return LOAD_WATTS + sum(
        amplitude * wave(now, period, phase) for amplitude, period in LOAD_NOISE
    )


class EnergyMeter(DeviceKind):
    """A smart plug with an energy meter, switched on, powering a load of about 60 W.

    While on it reports the load's `Active Power`, the mains `Voltage` and the
    `Current` they make; `Energy` (kWh) grows with the load's mean power (its
    noise averages out), computed from the moment it was switched on, so that
    it reads the same however often it is looked at. While off, power and
    current are 0.
    """

    kind = "energy-meter"
    device_name = "Smart Plug"

    def build(self, node_id: str, name: str, rng: random.Random) -> Built:
        """Build a metering plug node that has already used some energy."""
        meter = node_random(node_id, "meter")
        energy = round(meter.uniform(5.0, 50.0), 3)
        built = standard_node(
            node_id,
            name,
            rng,
            device_name=self.device_name,
            device_type="esp.device.outlet",
            info_type="Smart Plug",
            model="smart-plug",
            primary="Power",
            device_params=[
                power_param(),
                param("Active Power", "esp.param.active-power", "float", READ),
                param("Energy", "esp.param.energy", "float", READ),
                param("Voltage", "esp.param.voltage", "float", READ),
                param("Current", "esp.param.current", "float", READ),
            ],
            values={
                "Power": True,
                "Active Power": LOAD_WATTS,
                "Energy": energy,
                "Voltage": MAINS_VOLTS,
                "Current": round(LOAD_WATTS / MAINS_VOLTS, 3),
            },
        )
        built.sim.update(energy=energy, phase=meter.random(), on_since=INSTALLED)
        return built

    @staticmethod
    def _energy(node: EmulatedNode, at: float) -> float:
        """Return the kWh used by `at`: those before the load was last switched on, and since."""
        since = node.sim.get("on_since")
        used = (
            LOAD_WATTS * max(0.0, at - since) / JOULES_PER_KWH
            if since is not None
            else 0.0
        )
        return float(node.sim["energy"] + used)

    def apply(
        self, node: EmulatedNode, device: str, params: dict[str, Any], now: float
    ) -> None:
        """Switch the load; the energy used so far is kept when it goes off."""
        state = node.reported.setdefault(self.device_name, {})
        was_on = state.get("Power") is True
        super().apply(node, device, params, now)
        on = state.get("Power") is True
        if was_on and not on:
            node.sim["energy"] = self._energy(node, now)
            node.sim["on_since"] = None
        elif on and not was_on:
            node.sim["on_since"] = now

    def simulate(self, node: EmulatedNode, start: float, end: float) -> None:
        """Report the readings at `end`."""
        state = node.reported[self.device_name]
        phase = node.sim["phase"]
        on = state.get("Power") is True
        watts = load_watts(end, phase) if on else 0.0
        volts = MAINS_VOLTS + MAINS_SWING * wave(end, 600.0, phase)
        state["Active Power"] = round(watts, 1)
        state["Energy"] = round(self._energy(node, end), 3)
        state["Voltage"] = round(volts, 1)
        state["Current"] = round(watts / volts, 3)
