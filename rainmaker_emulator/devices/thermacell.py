"""The Thermacell LIV hub: its config, first params and simulated behaviour."""

import random
from typing import Any

from rainmaker_emulator.nodes import EmulatedNode

from .base import (
    READ,
    RW,
    Built,
    DeviceKind,
    ServiceSelection,
    bounds,
    param,
    standard_service_params,
    standard_services,
)

THERMACELL_DEVICE = "LIV Hub"
THERMACELL_ERROR_ALWAYS = 0x01000000
THERMACELL_ERROR_WARMING = 0x00000008
THERMACELL_ERROR_LATCHED = 0x00000040
THERMACELL_CARTRIDGE_HOURS = {0: 40, 1: 100, 2: 180}
STATUS_OFF, STATUS_WARMING, STATUS_PROTECTED = 1, 2, 3
SECONDS_PER_RUNTIME_UNIT = 360.0  # System Runtime counts tenths of an hour
# The standard services a hub publishes: no OTA, and a System service that only reboots.
HUB_SERVICES: ServiceSelection = {"Time": None, "Schedule": None, "System": {"Reboot"}}


class ThermacellHub(DeviceKind):
    """A Thermacell LIV hub, with the quirks reported against real hubs.

    `Enable Repellers` moves `System Status` 1 → 2 (warming up) → 3 (protected);
    `Power` mirrors it. `Refill Life` drains while the hub protects (not while it
    warms up) at the rate of the cartridge last set by `Refill Reset`; `System
    Runtime` counts tenths of an hour of the current session. `Error` always
    carries the benign bit 0x01000000, adds 0x08 while warming up and latches 0x40
    once protected (firmware 5.4.x). Writing `LED Saturation` is refused and knocks
    the hub offline for a while.
    """

    kind = "thermacell"
    device_name = THERMACELL_DEVICE

    def build(self, node_id: str, name: str, rng: random.Random) -> Built:
        """Build a LIV hub node."""
        config = {
            "node_id": node_id,
            "config_version": "2020-03-20",
            "info": {
                "name": "Thermacell LIV Hub",
                "type": "thermacell-hub",
                "model": "thermacell-hub",
                "fw_version": "5.4.7",
                "project_name": "thermacell-hub",
                "platform": "esp32",
            },
            "devices": [
                {
                    "name": THERMACELL_DEVICE,
                    "type": "esp.device.other",
                    "primary": "Enable Repellers",
                    "params": [
                        param("Name", "esp.param.name", "string", RW),
                        param(
                            "Enable Repellers",
                            "esp.param.power",
                            "bool",
                            RW,
                            ui_type="esp.ui.toggle",
                        ),
                        param("Power", "custom.param.power-status", "bool", READ),
                        param(
                            "LED Brightness",
                            "esp.param.brightness",
                            "int",
                            RW,
                            bounds=bounds(0, 100, 1),
                            ui_type="esp.ui.slider",
                        ),
                        param(
                            "LED Hue",
                            "esp.param.hue",
                            "int",
                            RW,
                            bounds=bounds(0, 360, 1),
                            ui_type="esp.ui.hue-circle",
                        ),
                        param(
                            "LED Saturation",
                            "esp.param.saturation",
                            "int",
                            RW,
                            bounds=bounds(0, 100, 1),
                        ),
                        param("Refill Life", "custom.param.refill-life", "float", READ),
                        param(
                            "Refill Reset",
                            "custom.param.refill-reset",
                            "int",
                            ["write"],
                            bounds=bounds(0, 2, 1),
                        ),
                        param("System Runtime", "custom.param.runtime", "int", READ),
                        param("System Status", "custom.param.status", "int", READ),
                        param("Error", "custom.param.error", "int", READ),
                        param("Hub ID", "custom.param.hub-id", "string", READ),
                    ],
                }
            ],
            "services": standard_services(HUB_SERVICES),
        }
        params: dict[str, dict[str, Any]] = {
            THERMACELL_DEVICE: {
                "Name": name,
                "Enable Repellers": False,
                "Power": False,
                "LED Brightness": 75,
                "LED Hue": 240,
                "LED Saturation": 100,
                "Refill Life": round(rng.uniform(40.0, 95.0), 1),
                "System Runtime": 0,
                "System Status": STATUS_OFF,
                "Error": THERMACELL_ERROR_ALWAYS,
                "Hub ID": f"TC{rng.randrange(10**10):010d}",
            },
            **standard_service_params(HUB_SERVICES),
        }
        params["Time"] = {
            "TZ": "America/New_York",
            "TZ-POSIX": "EST5EDT,M3.2.0,M11.1.0",
        }
        sim: dict[str, Any] = {
            "cartridge_hours": 100,
            "runtime": 0.0,
            "warm_until": None,
            "latched": 0,
        }
        return Built(config=config, params=params, sim=sim)

    def refuse(self, device: str, params: dict[str, Any]) -> str | None:
        """Refuse LED Saturation: real hubs answer 400 and crash."""
        if device == THERMACELL_DEVICE and "LED Saturation" in params:
            return "LED Saturation cannot be set on this hub"
        return None

    def crashes_on(self, device: str, params: dict[str, Any]) -> bool:
        """Every write the hub refuses also knocks it offline."""
        return self.refuse(device, params) is not None

    def _hub(self, node: EmulatedNode) -> dict[str, Any]:
        return node.reported[THERMACELL_DEVICE]

    def _start(self, node: EmulatedNode, now: float) -> None:
        hub = self._hub(node)
        hub.update(
            {
                "Power": True,
                "System Status": STATUS_WARMING,
                "System Runtime": 0,
                "Error": THERMACELL_ERROR_ALWAYS | THERMACELL_ERROR_WARMING,
            }
        )
        node.sim.update(runtime=0.0, latched=0, warm_until=now + node.settings.warmup)

    def _stop(self, node: EmulatedNode) -> None:
        if node.quirks.get("stuck_shutdown"):
            return
        hub = self._hub(node)
        hub.update(
            {
                "Power": False,
                "System Status": STATUS_OFF,
                "Error": THERMACELL_ERROR_ALWAYS | node.sim.get("latched", 0),
            }
        )
        node.sim["warm_until"] = None

    def apply(
        self, node: EmulatedNode, device: str, params: dict[str, Any], now: float
    ) -> None:
        """Apply a write with the hub's side effects."""
        if device != THERMACELL_DEVICE:
            super().apply(node, device, params, now)
            return
        hub = self._hub(node)
        for name, value in params.items():
            if name == "Enable Repellers":
                was_on = hub.get("Enable Repellers") is True
                hub["Enable Repellers"] = value
                if value and not was_on:
                    self._start(node, now)
                elif not value:
                    self._stop(node)
            elif name == "Refill Reset":
                node.sim["cartridge_hours"] = THERMACELL_CARTRIDGE_HOURS[value]
                hub["Refill Life"] = 100.0
            else:
                hub[name] = value

    def simulate(self, node: EmulatedNode, start: float, end: float) -> None:
        """Count runtime while the hub runs; drain the refill while it protects."""
        hub = self._hub(node)
        if (
            hub.get("System Status") not in (STATUS_WARMING, STATUS_PROTECTED)
            or end <= start
        ):
            return
        elapsed = end - start
        runtime = node.sim.get("runtime", 0.0) + elapsed / SECONDS_PER_RUNTIME_UNIT
        node.sim["runtime"] = runtime
        hub["System Runtime"] = int(runtime)
        life = hub.get("Refill Life")
        protecting = hub.get("System Status") == STATUS_PROTECTED
        if protecting and isinstance(life, int | float) and life > 0:
            hours = node.sim.get("cartridge_hours", 100)
            hub["Refill Life"] = round(
                max(0.0, life - elapsed / 3600.0 * 100.0 / hours), 2
            )

    def next_event(self, node: EmulatedNode) -> float | None:
        """Return when warm-up ends."""
        warm_until = node.sim.get("warm_until")
        return float(warm_until) if warm_until is not None else None

    def fire_event(self, node: EmulatedNode, now: float) -> None:
        """Warm-up ends: protected, with the 0x40 bit latched."""
        node.sim["warm_until"] = None
        node.sim["latched"] = THERMACELL_ERROR_LATCHED
        hub = self._hub(node)
        if hub.get("System Status") == STATUS_WARMING:
            hub["System Status"] = STATUS_PROTECTED
            hub["Error"] = THERMACELL_ERROR_ALWAYS | THERMACELL_ERROR_LATCHED

    def on_boot(self, node: EmulatedNode, now: float) -> None:
        """After a reboot an enabled hub warms up again."""
        if self._hub(node).get("Enable Repellers") is True:
            self._start(node, now)
        elif self._hub(node).get("System Status") != STATUS_OFF:
            node.quirks.pop("stuck_shutdown", None)
            self._stop(node)
