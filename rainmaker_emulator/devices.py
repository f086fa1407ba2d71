"""Device kinds the emulator simulates: configs, initial params and behaviour.

Every kind builds the node configuration a real node would publish, the params it
would report first, and reacts to writes once they reach the device. Continuous
behaviour (a draining refill, a drifting temperature) is computed from the
simulation clock between events, so hours of simulated time cost nothing.
"""

from dataclasses import dataclass, field
import math
import random
import string
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .nodes import EmulatedNode

RW = ["read", "write"]
READ = ["read"]
SECRET_ALPHABET = string.ascii_letters + string.digits
# Param types whose values are credentials a device holds.
DEVICE_SECRET_TYPES = frozenset({"esp.param.local_control_pop", "esp.param.user-token"})

THERMACELL_DEVICE = "LIV Hub"
THERMACELL_ERROR_ALWAYS = 0x01000000
THERMACELL_ERROR_WARMING = 0x00000008
THERMACELL_ERROR_LATCHED = 0x00000040
THERMACELL_CARTRIDGE_HOURS = {0: 40, 1: 100, 2: 180}
STATUS_OFF, STATUS_WARMING, STATUS_PROTECTED = 1, 2, 3
SECONDS_PER_RUNTIME_UNIT = 360.0  # System Runtime counts tenths of an hour


def param(
    name: str,
    param_type: str,
    data_type: str,
    properties: list[str],
    **extra: Any,
) -> dict[str, Any]:
    """Build one param entry of a node config."""
    return {
        "name": name,
        "type": param_type,
        "data_type": data_type,
        "properties": properties,
        **extra,
    }


def bounds(low: float, high: float, step: float | None = None) -> dict[str, float]:
    """Build a bounds object."""
    return {"min": low, "max": high} | ({"step": step} if step is not None else {})


def standard_services() -> list[dict[str, Any]]:
    """OTA, Time, Schedule and System, as the RainMaker SDK adds them."""
    return [
        {
            "name": "OTA",
            "type": "esp.service.ota",
            "params": [
                param("URL", "esp.param.ota_url", "string", ["write"]),
                param("Status", "esp.param.ota_status", "string", READ),
                param("Info", "esp.param.ota_info", "string", READ),
            ],
        },
        {
            "name": "Time",
            "type": "esp.service.time",
            "params": [
                param("TZ", "esp.param.tz", "string", RW),
                param("TZ-POSIX", "esp.param.tz_posix", "string", RW),
            ],
        },
        {
            "name": "Schedule",
            "type": "esp.service.schedule",
            "params": [
                param(
                    "Schedules",
                    "esp.param.schedules",
                    "array",
                    RW,
                    bounds={"max": 10},
                )
            ],
        },
        {
            "name": "System",
            "type": "esp.service.system",
            "params": [
                param("Reboot", "esp.param.reboot", "bool", RW),
                param("Factory-Reset", "esp.param.factory-reset", "bool", RW),
                param("Wi-Fi-Reset", "esp.param.wifi-reset", "bool", RW),
            ],
        },
    ]


def local_control_service() -> dict[str, Any]:
    """Return ESP Local Control: the proof of possession apps use on the LAN, its scheme."""
    return {
        "name": "Local Control",
        "type": "esp.service.local_control",
        "params": [
            param("POP", "esp.param.local_control_pop", "string", READ),
            param("Type", "esp.param.local_control_type", "int", READ),
        ],
    }


def matter_controller_service() -> dict[str, Any]:
    """Return a Matter controller's link to the cloud (`UserToken`: a refresh token)."""
    return {
        "name": "MatterCTL",
        "type": "esp.service.matter-controller",
        "params": [
            param("BaseURL", "esp.param.base-url", "string", RW),
            param("UserToken", "esp.param.user-token", "string", ["write"]),
            param("RMakerGroupID", "esp.param.rmaker-group-id", "string", RW),
        ],
    }


def device_secret(node_id: str, what: str, length: int) -> str:
    """Return a secret a node holds, random but the same for the same node.

    Drawn from a generator of its own, so that adding one does not change the node
    ids and serial numbers the emulator's main generator hands out.
    """
    rng = random.Random(f"{node_id}/{what}")
    return "".join(rng.choice(SECRET_ALPHABET) for _ in range(length))


def standard_service_params() -> dict[str, dict[str, Any]]:
    """Values the standard services report."""
    return {
        "OTA": {"Status": "", "Info": ""},
        "Time": {"TZ": "Europe/Amsterdam", "TZ-POSIX": "CET-1CEST,M3.5.0,M10.5.0/3"},
        "Schedule": {"Schedules": []},
        "System": {"Reboot": False, "Factory-Reset": False, "Wi-Fi-Reset": False},
    }


@dataclass(slots=True)
class Built:
    """What a device kind builds for a new node."""

    config: dict[str, Any]
    params: dict[str, dict[str, Any]]
    sim: dict[str, Any] = field(default_factory=dict)


class DeviceKind:
    """Base behaviour: writes simply become the reported values."""

    kind: str = ""
    device_name: str = ""

    def build(self, node_id: str, name: str, rng: random.Random) -> Built:
        """Build a new node's config and initial params."""
        raise NotImplementedError

    def refuse(self, device: str, params: dict[str, Any]) -> str | None:
        """Return a reason this device refuses an otherwise valid write, or None."""
        return None

    def apply(
        self, node: "EmulatedNode", device: str, params: dict[str, Any], now: float
    ) -> None:
        """Apply a write that reached the device: readable params become reported."""
        specs = node.specs
        reported = node.reported.setdefault(device, {})
        for name, value in params.items():
            spec = specs.get((device, name))
            if spec is not None and "read" in spec.get("properties", []):
                reported[name] = value
        if device == "System" and params.get("Reboot") is True:
            node.go_offline(now, now + node.settings.reboot_offline)

    def simulate(self, node: "EmulatedNode", start: float, end: float) -> None:
        """Evolve continuous state from `start` to `end`."""

    def next_event(self, node: "EmulatedNode") -> float | None:
        """When the device next changes on its own, if it will."""
        return None

    def fire_event(self, node: "EmulatedNode", now: float) -> None:
        """Handle the change announced by `next_event`."""

    def on_boot(self, node: "EmulatedNode", now: float) -> None:
        """React to the node coming back from a reboot."""


def _standard_node(
    node_id: str,
    name: str,
    rng: random.Random,
    *,
    device_name: str,
    device_type: str,
    info_type: str,
    model: str,
    device_params: list[dict[str, Any]],
    values: dict[str, Any],
    primary: str,
) -> Built:
    serial = f"{rng.randrange(16**8):08X}"
    config = {
        "node_id": node_id,
        "config_version": "2020-03-20",
        "info": {
            "name": f"ESP RainMaker {info_type}",
            "fw_version": "1.0.2",
            "type": info_type,
            "model": model,
            "project_name": model.replace("-", "_"),
            "platform": "esp32c3",
        },
        "attributes": [{"name": "cmd-resp", "value": "1"}],
        "devices": [
            {
                "name": device_name,
                "type": device_type,
                "primary": primary,
                "attributes": [{"name": "Serial Number", "value": serial}],
                "params": [
                    param("Name", "esp.param.name", "string", RW),
                    *device_params,
                ],
            }
        ],
        "services": standard_services(),
    }
    return Built(
        config=config,
        params={device_name: {"Name": name, **values}, **standard_service_params()},
    )


class Lightbulb(DeviceKind):
    """A colour lightbulb: power, brightness, hue, saturation and colour temperature."""

    kind = "lightbulb"
    device_name = "Light"

    def build(self, node_id: str, name: str, rng: random.Random) -> Built:
        """Build a lightbulb node."""
        built = _standard_node(
            node_id,
            name,
            rng,
            device_name=self.device_name,
            device_type="esp.device.lightbulb",
            info_type="Lightbulb",
            model="led-light",
            primary="Power",
            device_params=[
                param("Power", "esp.param.power", "bool", RW, ui_type="esp.ui.toggle"),
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
            ],
            values={
                "Power": False,
                "Brightness": 50,
                "Hue": 30,
                "Saturation": 80,
                "CCT": 4000,
            },
        )
        # Reachable on the LAN too: apps there prove possession with the PoP.
        built.config["services"].append(local_control_service())
        built.params["Local Control"] = {
            "POP": device_secret(node_id, "pop", 8),
            "Type": 1,
        }
        return built


class Switch(DeviceKind):
    """A switch, outlet, plug or socket: one power toggle."""

    def __init__(self, kind: str = "switch") -> None:
        """Build switches of one standard device type."""
        self.kind = kind
        self.device_name = kind.capitalize()

    def build(self, node_id: str, name: str, rng: random.Random) -> Built:
        """Build a switch node."""
        built = _standard_node(
            node_id,
            name,
            rng,
            device_name=self.device_name,
            device_type=f"esp.device.{self.kind}",
            info_type=self.device_name,
            model=f"{self.kind}-1ch",
            primary="Power",
            device_params=[
                param("Power", "esp.param.power", "bool", RW, ui_type="esp.ui.toggle"),
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
        return _standard_node(
            node_id,
            name,
            rng,
            device_name=self.device_name,
            device_type="esp.device.fan",
            info_type="Fan",
            model="fan",
            primary="Power",
            device_params=[
                param("Power", "esp.param.power", "bool", RW, ui_type="esp.ui.toggle"),
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
        built = _standard_node(
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

    def simulate(self, node: "EmulatedNode", start: float, end: float) -> None:
        """Report the temperature of the moment."""
        base = node.sim.get("base", 21.0)
        value = base + self.amplitude * math.sin(2 * math.pi * end / self.period)
        node.reported[self.device_name]["Temperature"] = round(value, 1)


class ThermacellHub(DeviceKind):
    """A Thermacell LIV hub, with the quirks reported against real hubs.

    `Enable Repellers` moves `System Status` 1 → 2 (warming up) → 3 (protected);
    `Power` mirrors it. `Refill Life` drains while the hub runs at the rate of the
    cartridge last set by `Refill Reset`; `System Runtime` counts tenths of an hour
    of the current session. `Error` always carries the benign bit 0x01000000, adds
    0x08 while warming up and latches 0x40 once protected (firmware 5.4.x). Writing
    `LED Saturation` is refused and knocks the hub offline for a while.
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
            "services": [
                {
                    "name": "Time",
                    "type": "esp.service.time",
                    "params": [
                        param("TZ", "esp.param.tz", "string", RW),
                        param("TZ-POSIX", "esp.param.tz_posix", "string", RW),
                    ],
                },
                {
                    "name": "Schedule",
                    "type": "esp.service.schedule",
                    "params": [
                        param(
                            "Schedules",
                            "esp.param.schedules",
                            "array",
                            RW,
                            bounds={"max": 10},
                        )
                    ],
                },
                {
                    "name": "System",
                    "type": "esp.service.system",
                    "params": [param("Reboot", "esp.param.reboot", "bool", RW)],
                },
            ],
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
            "Time": {"TZ": "America/New_York", "TZ-POSIX": "EST5EDT,M3.2.0,M11.1.0"},
            "Schedule": {"Schedules": []},
            "System": {"Reboot": False},
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

    def _hub(self, node: "EmulatedNode") -> dict[str, Any]:
        return node.reported[THERMACELL_DEVICE]

    def _start(self, node: "EmulatedNode", now: float) -> None:
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

    def _stop(self, node: "EmulatedNode") -> None:
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
        self, node: "EmulatedNode", device: str, params: dict[str, Any], now: float
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

    def simulate(self, node: "EmulatedNode", start: float, end: float) -> None:
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

    def next_event(self, node: "EmulatedNode") -> float | None:
        """Return when warm-up ends."""
        warm_until = node.sim.get("warm_until")
        return float(warm_until) if warm_until is not None else None

    def fire_event(self, node: "EmulatedNode", now: float) -> None:
        """Warm-up ends: protected, with the 0x40 bit latched."""
        node.sim["warm_until"] = None
        node.sim["latched"] = THERMACELL_ERROR_LATCHED
        hub = self._hub(node)
        if hub.get("System Status") == STATUS_WARMING:
            hub["System Status"] = STATUS_PROTECTED
            hub["Error"] = THERMACELL_ERROR_ALWAYS | THERMACELL_ERROR_LATCHED

    def on_boot(self, node: "EmulatedNode", now: float) -> None:
        """After a reboot an enabled hub warms up again."""
        if self._hub(node).get("Enable Repellers") is True:
            self._start(node, now)
        elif self._hub(node).get("System Status") != STATUS_OFF:
            node.quirks.pop("stuck_shutdown", None)
            self._stop(node)


class RawDevice(DeviceKind):
    """A node built from a given config and params, with no behaviour of its own."""

    kind = "raw"

    def build(self, node_id: str, name: str, rng: random.Random) -> Built:
        """Raw nodes are built by the caller."""
        raise NotImplementedError


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
