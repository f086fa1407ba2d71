"""Emulated nodes: configuration, reported state, queued writes and connectivity.

The cloud acknowledges a write at once, but the node reports the new values only
after the apply delay, and only while it is online: until then `GET` answers the
old (reported) values, as the real cloud does. `Nodes` is the cloud's read-only
view of its nodes, which hands each one out simulated up to now.

Every node's firmware also runs its standard services (`services`): a write's
Time, Schedule and Scenes params go to them, the rest to the device kind, and a
stored schedule firing is one more event of the simulation.
"""

from collections.abc import Callable, Iterator, Mapping
import copy
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Protocol

from . import services
from .settings import IdFields, Settings

WRITE_HISTORY = 20

TYPE_CHECKS: dict[str, Callable[[Any], bool]] = {
    "bool": lambda v: isinstance(v, bool),
    "int": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "float": lambda v: isinstance(v, int | float) and not isinstance(v, bool),
    "string": lambda v: isinstance(v, str),
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
}


class Role(StrEnum):
    """What a user is to a node: its owner (`primary`) or someone it is shared with."""

    PRIMARY = "primary"
    SECONDARY = "secondary"


class DeviceBehaviour(Protocol):
    """What a node needs of its device kind: extra validation and behaviour."""

    kind: str

    def refuse(self, device: str, params: dict[str, Any]) -> str | None:
        """Return a reason this device refuses an otherwise valid write, or None."""

    def crashes_on(self, device: str, params: dict[str, Any]) -> bool:
        """Whether the device crashes (goes offline) on a write it refuses."""

    def apply(
        self, node: "EmulatedNode", device: str, params: dict[str, Any], now: float
    ) -> None:
        """Apply a write that reached the device."""

    def simulate(self, node: "EmulatedNode", start: float, end: float) -> None:
        """Evolve continuous state from `start` to `end`."""

    def next_event(self, node: "EmulatedNode") -> float | None:
        """When the device next changes on its own, if it will."""

    def fire_event(self, node: "EmulatedNode", now: float) -> None:
        """Handle the change announced by `next_event`."""

    def on_boot(self, node: "EmulatedNode", now: float) -> None:
        """React to the node coming back from a reboot."""


@dataclass(slots=True)
class QueuedWrite:
    """A write the cloud accepted that has not reached the device yet."""

    due: float
    device: str
    params: dict[str, Any]


def index_specs(config: Any) -> dict[tuple[str, str], dict[str, Any]]:
    """Map (device or service, param) to its config entry; tolerate broken configs."""
    specs: dict[tuple[str, str], dict[str, Any]] = {}
    if not isinstance(config, dict):
        return specs
    for group in ("devices", "services"):
        entries = config.get(group)
        if not isinstance(entries, list):
            continue
        for entry in entries:
            if not isinstance(entry, dict) or not isinstance(entry.get("params"), list):
                continue
            for spec in entry["params"]:
                if isinstance(spec, dict) and isinstance(spec.get("name"), str):
                    specs[(str(entry.get("name")), spec["name"])] = spec
    return specs


def check_value(
    device: str, name: str, spec: dict[str, Any] | None, value: Any
) -> str | None:
    """Why the cloud refuses writing `value`, or None if it accepts it."""
    if spec is None:
        return f"Invalid param '{name}' for device '{device}'"
    if "write" not in spec.get("properties", []):
        return f"Param '{name}' of '{device}' is read-only"
    data_type = spec.get("data_type")
    checker = TYPE_CHECKS.get(str(data_type))
    if checker is not None and not checker(value):
        return f"Param '{name}' expects {data_type}"
    limits = spec.get("bounds") or {}
    if data_type in ("int", "float"):
        low, high = limits.get("min"), limits.get("max")
        if (low is not None and value < low) or (high is not None and value > high):
            return f"Param '{name}' is out of bounds [{low}, {high}]"
    if (
        data_type == "array"
        and limits.get("max") is not None
        and len(value) > limits["max"]
    ):
        return f"Param '{name}' holds at most {limits['max']} items"
    valid = spec.get("valid_strs")
    if (
        data_type == "string"
        and isinstance(valid, list)
        and valid
        and value not in valid
    ):
        return f"Param '{name}' must be one of {', '.join(map(str, valid))}"
    return None


@dataclass(slots=True)
class EmulatedNode:
    """A node with reported and desired state, simulated lazily up to `now`."""

    node_id: str
    kind: DeviceBehaviour
    config: Any
    reported: dict[str, dict[str, Any]]
    settings: Settings
    sim: dict[str, Any] = field(default_factory=dict)
    users: dict[str, Role] = field(default_factory=dict)
    online: bool = True
    connectivity_ts: int = 0
    offline_until: float | None = None
    pending: list[QueuedWrite] = field(default_factory=list)
    writes: list[dict[str, Any]] = field(default_factory=list)
    quirks: dict[str, Any] = field(default_factory=dict)
    specs: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)
    time: float = 0.0
    # The epoch second of the last schedule firing (its schedules have fired).
    schedule_fired: float | None = None
    # Each param type of the config's services → (service, param).
    service_params: dict[str, tuple[str, str]] = field(default_factory=dict)
    # The node's listing entry as JSON text, sent verbatim instead of the one built
    # from its state: JSON that no encoder writes (lone surrogates, 1e400, nesting
    # deeper than a decoder allows) for tests of hostile input.
    raw_entry: str | None = None

    def __post_init__(self) -> None:
        """Index the config."""
        self.specs = index_specs(self.config)
        self.service_params = services.service_params(self.config)

    def replace_config(self, config: Any) -> None:
        """Swap the config (admin), e.g. to publish a broken one."""
        self.config = config
        self.specs = index_specs(config)
        self.service_params = services.service_params(config)

    # Simulation ------------------------------------------------------------------

    def advance(self, now: float) -> None:
        """Run the simulation up to `now`, firing events in time order."""
        if now < self.time:
            return
        while True:
            event_time, action = self._next_event()
            if event_time is None or event_time > now:
                break
            event_time = max(event_time, self.time)
            self.kind.simulate(self, self.time, event_time)
            self.time = event_time
            action(event_time)
        self.kind.simulate(self, self.time, now)
        self.time = now

    def _next_event(self) -> tuple[float | None, Any]:
        candidates: list[tuple[float, Any]] = []
        if self.offline_until is not None:
            candidates.append((self.offline_until, self._come_back))
        if self.online:
            # A firing goes before a write due at the same moment, which could
            # otherwise change the schedules first.
            if (firing := services.next_firing(self)) is not None:
                candidates.append((firing, lambda t: services.fire(self, t)))
            if self.pending:
                candidates.append((self.pending[0].due, self._apply_next))
            if (device_event := self.kind.next_event(self)) is not None:
                candidates.append(
                    (device_event, lambda t: self.kind.fire_event(self, t))
                )
        if not candidates:
            return None, None
        return min(candidates, key=lambda item: item[0])

    def _apply_next(self, now: float) -> None:
        write = self.pending.pop(0)
        self.reach_device(write.device, write.params, now)

    def reach_device(self, device: str, params: dict[str, Any], now: float) -> None:
        """Deliver a write to the node: its services take their params, its kind the rest."""
        rest = services.take(self, device, params, now)
        if rest:
            self.kind.apply(self, device, rest, now)

    def run_action(self, action: Any, now: float) -> None:
        """Apply a schedule's or scene's action as the firmware does: as if written.

        Params the node lacks, cannot take or that would change schedules or
        scenes are skipped; a device that refuses the rest is skipped too.
        """
        if not isinstance(action, dict):
            return
        for device, params in action.items():
            if not isinstance(params, dict):
                continue
            valid = {
                name: value
                for name, value in params.items()
                if (spec := self.specs.get((device, name))) is not None
                and spec.get("type") not in services.NOT_IN_ACTIONS
                and check_value(device, name, spec, value) is None
            }
            if valid and self.kind.refuse(device, valid) is None:
                self.reach_device(device, valid, now)

    def _come_back(self, now: float) -> None:
        self.offline_until = None
        self.set_online(True, now)
        self.kind.on_boot(self, now)

    # Connectivity ----------------------------------------------------------------

    def set_online(self, online: bool, now: float) -> None:
        """Connect or disconnect; queued writes reach the device after reconnecting."""
        if online == self.online:
            return
        self.online = online
        self.connectivity_ts = int(now * 1000)
        if online:
            services.expire(self, now)
            delay = self.settings.apply_delay
            for write in self.pending:
                write.due = max(write.due, now + delay)

    def go_offline(self, now: float, until: float | None) -> None:
        """Drop off the network, coming back by itself at `until` if given."""
        self.set_online(False, now)
        self.offline_until = until

    # Writes ----------------------------------------------------------------------

    def check_write(self, payload: Any) -> str | None:
        """Why a write payload is refused, or None when the cloud accepts it."""
        if not isinstance(payload, dict) or not payload:
            return "Invalid request body"
        for device, params in payload.items():
            if not isinstance(params, dict) or not params:
                return f"Invalid params for device '{device}'"
            for name, value in params.items():
                if reason := check_value(
                    device, name, self.specs.get((device, name)), value
                ):
                    return reason
            if reason := self.kind.refuse(device, params):
                return reason
        return None

    def hazardous(self, payload: Any) -> bool:
        """Whether the payload is one the device refuses by crashing."""
        return isinstance(payload, dict) and any(
            isinstance(params, dict) and self.kind.crashes_on(device, params)
            for device, params in payload.items()
        )

    def accept_write(self, payload: dict[str, Any], now: float) -> None:
        """Queue a validated write to reach the device after the apply delay."""
        self.writes.append({"time": now, "payload": copy.deepcopy(payload)})
        # A long-running cloud remembers recent writes, not all of them.
        del self.writes[:-WRITE_HISTORY]
        due = now + self.settings.apply_delay
        for device, params in payload.items():
            self.pending.append(QueuedWrite(due, device, dict(params)))
        self.pending.sort(key=lambda write: write.due)

    # Rendering -------------------------------------------------------------------

    def connectivity(self) -> dict[str, Any]:
        """Return the `status` object of the node."""
        return {
            "connectivity": {
                "connected": self.online,
                "timestamp": self.connectivity_ts,
            }
        }

    def details(
        self,
        user: str,
        *,
        status: bool = True,
        config: bool = True,
        params: bool = True,
        id_fields: IdFields = IdFields.BOTH,
    ) -> dict[str, Any]:
        """Return one entry of `node_details` as `user` sees it, with the ids asked for."""
        role = self.users.get(user, Role.PRIMARY)
        item: dict[str, Any] = {}
        if id_fields in (IdFields.BOTH, IdFields.ID):
            item["id"] = self.node_id
        if id_fields in (IdFields.BOTH, IdFields.NODE_ID):
            item["node_id"] = self.node_id
        item |= {
            "role": role,
            "primary": role == Role.PRIMARY,
            "is_matter": False,
            "metadata": {},
        }
        if status:
            item["status"] = self.connectivity()
        if config:
            item["config"] = self.config
        if params:
            item["params"] = self.reported
        return item

    def snapshot(self) -> dict[str, Any]:
        """Everything about the node, for the admin API."""
        return {
            "node_id": self.node_id,
            "kind": self.kind.kind,
            "online": self.online,
            "users": self.users,
            "reported": self.reported,
            "pending": [
                {"due": write.due, "device": write.device, "params": write.params}
                for write in self.pending
            ],
            "writes": self.writes,
            "schedules": services.upcoming(self) if self.online else [],
            "quirks": self.quirks,
            "sim": self.sim,
            "config": self.config,
        }


class Nodes(Mapping[str, EmulatedNode]):
    """The cloud's nodes by id, read-only; every node it hands out is simulated up to now.

    `nodes[node_id]`, `get`, `values` and `items` bring each node they return up to
    the clock's now, as the API does before answering; iterating the ids, counting
    them and testing membership run no simulation.
    """

    def __init__(
        self, nodes: Mapping[str, EmulatedNode], now: Callable[[], float]
    ) -> None:
        """View `nodes`, simulating them up to `now()`."""
        self._nodes = nodes
        self._now = now

    def __getitem__(self, node_id: str) -> EmulatedNode:
        """Return a node, simulated up to now."""
        node = self._nodes[node_id]
        node.advance(self._now())
        return node

    def __iter__(self) -> Iterator[str]:
        """Iterate the node ids, in the order the nodes were added."""
        return iter(self._nodes)

    def __len__(self) -> int:
        """Count the nodes."""
        return len(self._nodes)

    def __contains__(self, node_id: object) -> bool:
        """Whether a node of this id exists (without simulating it)."""
        return node_id in self._nodes
