"""Schedules and scenes stored on a node, and the operations that change them.

Both live in an array param of a service (`esp.service.schedule` / `Schedules`,
`esp.service.scenes` / `Scenes`). A write is a list of operations, each naming an
entry by id: `add`, `edit`, `remove`, `enable`, `disable` for schedules,
`activate` for scenes. The firmware keeps ids to 8 characters and names to 32
(`esp_rmaker_schedule.c`). Schedules this library writes for timers have ids that
start with `TIMER_PREFIX`, so the user's own (the app's) are never touched.
"""

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Final

from . import vocabulary as v
from .models import DeviceSpec, Node, ParamSpec
from .values import number

TIMER_PREFIX: Final = "HAT"
MAX_ID: Final = 8
MAX_NAME: Final = 32
# A timer longer than the firmware's relative trigger sensibly holds (a week).
MAX_TIMER_SECONDS: Final = 7 * 24 * 3600


@dataclass(frozen=True, slots=True)
class Schedule:
    """One stored schedule; `ends_at` is the epoch second a relative one fires at."""

    schedule_id: str
    name: str
    enabled: bool
    action: Mapping[str, Any]
    ends_at: int | None = None

    @property
    def is_timer(self) -> bool:
        """Whether this library wrote it (a timer), rather than the user's app."""
        return self.schedule_id.startswith(TIMER_PREFIX)


@dataclass(frozen=True, slots=True)
class Scene:
    """One stored scene."""

    scene_id: str
    name: str
    action: Mapping[str, Any]


def service_param(
    node: Node, service_type: str, param_type: str
) -> tuple[DeviceSpec, ParamSpec] | None:
    """Return a service's writable array param (e.g. the Schedules list), if any."""
    service = node.config.service_of_type(service_type)
    if service is None:
        return None
    param = next(service.params_of_type(param_type), None)
    if param is None or not param.writable or param.data_type != v.DATA_TYPE_ARRAY:
        return None
    return service, param


def schedules_param(node: Node) -> tuple[DeviceSpec, ParamSpec] | None:
    """Return the node's Schedule service and its Schedules param."""
    return service_param(node, v.SERVICE_SCHEDULE, v.PARAM_SCHEDULES)


def scenes_param(node: Node) -> tuple[DeviceSpec, ParamSpec] | None:
    """Return the node's Scenes service and its Scenes param."""
    return service_param(node, v.SERVICE_SCENES, v.PARAM_SCENES)


def _entries(
    node: Node, found: tuple[DeviceSpec, ParamSpec] | None
) -> Iterator[dict[str, Any]]:
    if found is None:
        return
    value = node.get(found[0].name, found[1].name)
    seen: set[str] = set()
    for item in value if isinstance(value, tuple) else ():
        if not isinstance(item, dict):
            continue
        entry_id = item.get("id")
        if isinstance(entry_id, str) and entry_id and entry_id not in seen:
            seen.add(entry_id)
            yield item


def _name(item: Mapping[str, Any], fallback: str) -> str:
    name = item.get("name")
    return (
        name.strip()[: MAX_NAME * 2]
        if isinstance(name, str) and name.strip()
        else fallback
    )


def _action(item: Mapping[str, Any]) -> Mapping[str, Any]:
    action = item.get("action")
    return action if isinstance(action, dict) else {}


def _ends_at(item: Mapping[str, Any]) -> int | None:
    triggers = item.get("triggers")
    for trigger in triggers if isinstance(triggers, list) else ():
        if isinstance(trigger, dict) and "rsec" in trigger:
            stamp = number(trigger.get("ts"))
            if stamp is not None and 0 < stamp < 2**40:
                return int(stamp)
    return None


def node_schedules(node: Node) -> list[Schedule]:
    """Return the schedules stored on a node (malformed entries skipped)."""
    return [
        Schedule(
            schedule_id=item["id"],
            name=_name(item, item["id"]),
            enabled=item.get("enabled") is True,
            action=_action(item),
            ends_at=_ends_at(item),
        )
        for item in _entries(node, schedules_param(node))
    ]


def node_scenes(node: Node) -> list[Scene]:
    """Return the scenes stored on a node (malformed entries skipped)."""
    return [
        Scene(scene_id=item["id"], name=_name(item, item["id"]), action=_action(item))
        for item in _entries(node, scenes_param(node))
    ]


def timer_id(node: Node, device: str) -> str:
    """Return the timer id of one of the node's devices (by its place in the config)."""
    position = node.config.position(device) or 0
    return f"{TIMER_PREFIX}{position:0{MAX_ID - len(TIMER_PREFIX)}d}"[:MAX_ID]


def find_schedule(node: Node, schedule_id: str) -> Schedule | None:
    """Return the schedule of an id, if the node stores one."""
    return next((s for s in node_schedules(node) if s.schedule_id == schedule_id), None)


def find_timer(node: Node, device: str) -> Schedule | None:
    """Return the timer of one of the node's devices, if the node stores one."""
    return find_schedule(node, timer_id(node, device))


def timer_operations(
    node: Node, device: str, seconds: int, action: Mapping[str, Any]
) -> list[dict[str, Any]]:
    """Operations that (re)start a device's timer: after `seconds`, apply `action`."""
    if not 1 <= seconds <= MAX_TIMER_SECONDS:
        raise ValueError(f"A timer runs from 1 s to {MAX_TIMER_SECONDS} s")
    schedule_id = timer_id(node, device)
    operations: list[dict[str, Any]] = []
    if find_timer(node, device) is not None:
        operations.append({"id": schedule_id, "operation": "remove"})
    operations.append(
        {
            "id": schedule_id,
            "operation": "add",
            "name": f"HA timer {device}"[:MAX_NAME],
            "triggers": [{"rsec": seconds}],
            "action": {device: dict(action)},
        }
    )
    return operations


def remove_operation(schedule_id: str) -> list[dict[str, Any]]:
    """Return the operation that deletes a stored schedule."""
    return [{"id": schedule_id, "operation": "remove"}]


def enable_operation(schedule_id: str, enabled: bool) -> list[dict[str, Any]]:
    """Return the operation that enables or disables a stored schedule."""
    return [{"id": schedule_id, "operation": "enable" if enabled else "disable"}]


def stored_after(
    node: Node,
    found: tuple[DeviceSpec, ParamSpec],
    operations: list[dict[str, Any]],
    now: float,
) -> tuple[dict[str, Any], ...]:
    """Return what the node will store once it applied `operations`, as firmware does.

    Shown while the device has not reported it yet; a relative trigger's `ts` is
    reckoned from `now` (the device's own may differ by the time the write takes).
    """
    value = node.get(found[0].name, found[1].name)
    stored = (
        [dict(item) for item in value if isinstance(item, dict)]
        if isinstance(value, tuple)
        else []
    )
    for operation in operations:
        entry_id, kind = operation["id"], operation["operation"]
        index = next(
            (i for i, item in enumerate(stored) if item.get("id") == entry_id), None
        )
        if kind == "add" and index is None:
            entry = {key: item for key, item in operation.items() if key != "operation"}
            entry["triggers"] = [
                {**trigger, "ts": int(now) + int(trigger["rsec"])}
                if "rsec" in trigger
                else trigger
                for trigger in entry.get("triggers", [])
            ]
            stored.append({"enabled": True} | entry)
        elif index is not None and kind == "remove":
            del stored[index]
        elif index is not None and kind in ("enable", "disable"):
            stored[index] = stored[index] | {"enabled": kind == "enable"}
    return tuple(stored)


def activate_operation(scene_id: str) -> list[dict[str, Any]]:
    """Return the operation that activates a stored scene."""
    return [{"id": scene_id, "operation": "activate"}]
