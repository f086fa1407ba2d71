"""What every device kind shares: config builders, standard services and base behaviour."""

from abc import ABC, abstractmethod
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
import random
import string
from typing import Any

from rainmaker_emulator.nodes import EmulatedNode
from rainmaker_emulator.scenes import SCENES_PARAM, scenes_service
from rainmaker_emulator.services import SCHEDULES_PARAM, service_params

RW = ["read", "write"]
READ = ["read"]
SECRET_ALPHABET = string.ascii_letters + string.digits
# Param types whose values are credentials a device holds.
DEVICE_SECRET_TYPES = frozenset({"esp.param.local_control_pop", "esp.param.user-token"})

# Standard services to keep, each with the names of the params to keep (None: all).
type ServiceSelection = Mapping[str, Collection[str] | None]


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


def standard_services(only: ServiceSelection | None = None) -> list[dict[str, Any]]:
    """Return OTA, Time, Schedule and System as the RainMaker SDK adds them, or `only` some."""
    services: list[dict[str, Any]] = [
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
    if only is None:
        return services
    kept = []
    for service in services:
        if (name := service["name"]) in only:
            specs = [
                spec for spec in service["params"] if _kept(only, name, spec["name"])
            ]
            kept.append(service | {"params": specs})
    return kept


def _kept(only: ServiceSelection, service: str, name: str) -> bool:
    """Whether a selection keeps one param of a service it keeps."""
    names = only[service]
    return names is None or name in names


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


def node_random(node_id: str, what: str) -> random.Random:
    """Return a generator of one node's own, the same for the same node and purpose.

    Drawing from it leaves the emulator's main generator alone, so that a kind that
    needs more randomness does not change the node ids and serial numbers handed out
    after it.
    """
    return random.Random(f"{node_id}/{what}")


def device_secret(node_id: str, what: str, length: int) -> str:
    """Return a secret a node holds, random but the same for the same node."""
    rng = node_random(node_id, what)
    return "".join(rng.choice(SECRET_ALPHABET) for _ in range(length))


def power_param() -> dict[str, Any]:
    """Return the standard Power toggle."""
    return param("Power", "esp.param.power", "bool", RW, ui_type="esp.ui.toggle")


def standard_service_params(
    only: ServiceSelection | None = None,
) -> dict[str, dict[str, Any]]:
    """Return the values the standard services report, or `only` some of them."""
    values: dict[str, dict[str, Any]] = {
        "OTA": {"Status": "", "Info": ""},
        "Time": {"TZ": "Europe/Amsterdam", "TZ-POSIX": "CET-1CEST,M3.5.0,M10.5.0/3"},
        "Schedule": {"Schedules": []},
        "System": {"Reboot": False, "Factory-Reset": False, "Wi-Fi-Reset": False},
    }
    if only is None:
        return values
    return {
        service: {
            name: value for name, value in params.items() if _kept(only, service, name)
        }
        for service, params in values.items()
        if service in only
    }


@dataclass(slots=True)
class Built:
    """What a device kind builds for a new node."""

    config: dict[str, Any]
    params: dict[str, dict[str, Any]]
    sim: dict[str, Any] = field(default_factory=dict)


def with_schedules(built: Built, schedules: list[dict[str, Any]]) -> Built:
    """Store schedules (e.g. from `app_schedule`) on a node being built, and return it.

    The node needs a Schedule service; raises ValueError without one.
    """
    where = service_params(built.config).get(SCHEDULES_PARAM)
    if where is None:
        raise ValueError("the node has no Schedule service")
    built.params.setdefault(where[0], {})[where[1]] = [dict(s) for s in schedules]
    return built


def with_scenes(built: Built, scenes: list[dict[str, Any]] | None = None) -> Built:
    """Opt a node being built into scenes: add the Scenes service, store `scenes`.

    No kind offers scenes by default (their configs stay as they were); a kind, or
    a seeded demo node, opts in with this (`app_scene` builds the entries).
    """
    where = service_params(built.config).get(SCENES_PARAM)
    if where is None:
        built.config.setdefault("services", []).append(scenes_service())
        where = ("Scenes", "Scenes")
    built.params.setdefault(where[0], {})[where[1]] = [dict(s) for s in scenes or []]
    return built


def standard_node(
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
    """Build a node of one standard device, with Name, the standard services and a serial."""
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


class DeviceKind(ABC):
    """A kind of device: builds nodes and, as their `DeviceBehaviour`, lets writes become reported values."""

    kind: str = ""
    device_name: str = ""

    @abstractmethod
    def build(self, node_id: str, name: str, rng: random.Random) -> Built:
        """Build a new node's config and initial params."""

    def refuse(self, device: str, params: dict[str, Any]) -> str | None:
        """Return a reason this device refuses an otherwise valid write, or None."""
        return None

    def crashes_on(self, device: str, params: dict[str, Any]) -> bool:
        """Whether the device crashes (goes offline) on a write it refuses."""
        return False

    def apply(
        self, node: EmulatedNode, device: str, params: dict[str, Any], now: float
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

    def simulate(self, node: EmulatedNode, start: float, end: float) -> None:
        """Evolve continuous state from `start` to `end` (by default nothing evolves)."""
        return

    def next_event(self, node: EmulatedNode) -> float | None:
        """When the device next changes on its own, if it will."""
        return None

    def fire_event(self, node: EmulatedNode, now: float) -> None:
        """Handle the change announced by `next_event` (by default none is)."""
        return

    def on_boot(self, node: EmulatedNode, now: float) -> None:
        """React to the node coming back from a reboot (by default nothing to do)."""
        return
