"""The firmware's own services on every node: Time, Schedule and Scenes.

Whatever the kind, a node's firmware takes the params of these services when a
write reaches it (`take`): schedule and scene operations change the stored lists
(`schedules`, `scenes`), a new time zone updates `TZ-POSIX`. Schedules fire in the
node's local time (its `TZ`, an IANA name; UTC when missing or unknown) and only
while it is online: one whose time passed while the node was offline is missed.
A firing, like a scene's activation, applies the action through the node's
`run_action`, as if that write had reached the devices.

Seeding: `with_schedules` / `with_scenes` (in `devices.base`) fill a kind's
`Built`; `seed_schedules` / `seed_scenes` here fill an existing node (adding the
Scenes service to its config if needed). Setting `node.reported[service][param]`
directly works as well: the simulation reads the stored list every time.
"""

import copy
import math
from typing import Any, Protocol
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from . import scenes, schedules
from .scenes import SCENES_PARAM, SCENES_SERVICE, scenes_service

SCHEDULES_PARAM = "esp.param.schedules"
# What an action (a schedule's, a scene's) may not change: no schedule or scene
# starts another, so that none can fire itself forever.
NOT_IN_ACTIONS = frozenset({SCHEDULES_PARAM, SCENES_PARAM})
TZ_PARAM = "esp.param.tz"
TZ_POSIX_PARAM = "esp.param.tz_posix"
# The param types the services take from a write; the kind gets every other one.
HANDLED = frozenset({SCHEDULES_PARAM, SCENES_PARAM, TZ_PARAM, TZ_POSIX_PARAM})
UTC_ZONE = ZoneInfo("UTC")
# The POSIX rules of common zones (the footers of their tzdata files); a node given
# another zone keeps its TZ-POSIX.
TZ_POSIX: dict[str, str] = {
    "UTC": "UTC0",
    "Etc/UTC": "UTC0",
    "Europe/London": "GMT0BST,M3.5.0/1,M10.5.0",
    "Europe/Dublin": "IST-1GMT0,M10.5.0,M3.5.0/1",
    "Europe/Amsterdam": "CET-1CEST,M3.5.0,M10.5.0/3",
    "Europe/Berlin": "CET-1CEST,M3.5.0,M10.5.0/3",
    "Europe/Paris": "CET-1CEST,M3.5.0,M10.5.0/3",
    "Europe/Helsinki": "EET-2EEST,M3.5.0/3,M10.5.0/4",
    "America/New_York": "EST5EDT,M3.2.0,M11.1.0",
    "America/Chicago": "CST6CDT,M3.2.0,M11.1.0",
    "America/Denver": "MST7MDT,M3.2.0,M11.1.0",
    "America/Los_Angeles": "PST8PDT,M3.2.0,M11.1.0",
    "Asia/Shanghai": "CST-8",
    "Asia/Kolkata": "IST-5:30",
    "Asia/Tokyo": "JST-9",
    "Australia/Sydney": "AEST-10AEDT,M10.1.0,M4.1.0/3",
}


class Host(Protocol):
    """What the services need of a node (`EmulatedNode` is one)."""

    config: Any
    reported: dict[str, dict[str, Any]]
    service_params: dict[str, tuple[str, str]]
    time: float
    schedule_fired: float | None

    def replace_config(self, config: Any) -> None:
        """Swap the node's config."""

    def run_action(self, action: Any, now: float) -> None:
        """Apply an action as if it had been written to the node's devices."""


def service_params(config: Any) -> dict[str, tuple[str, str]]:
    """Map each param type of the config's services to its (service, param), first wins."""
    found: dict[str, tuple[str, str]] = {}
    services = config.get("services") if isinstance(config, dict) else None
    for service in services if isinstance(services, list) else []:
        params = service.get("params") if isinstance(service, dict) else None
        for spec in params if isinstance(params, list) else []:
            if isinstance(spec, dict) and isinstance(spec.get("name"), str):
                found.setdefault(
                    str(spec.get("type")), (str(service.get("name")), spec["name"])
                )
    return found


def _value(host: Host, param_type: str) -> Any:
    """Return a service param's reported value (None where a hostile node has junk)."""
    where = host.service_params.get(param_type)
    reported = host.reported if isinstance(host.reported, dict) else {}
    params = reported.get(where[0]) if where else None
    return params.get(where[1]) if where and isinstance(params, dict) else None


def _store(host: Host, param_type: str, value: Any) -> None:
    """Store a service param's value (not into a node whose params are junk)."""
    if (where := host.service_params.get(param_type)) and isinstance(
        host.reported, dict
    ):
        params = host.reported.setdefault(where[0], {})
        if isinstance(params, dict):
            params[where[1]] = value


def zone(host: Host) -> ZoneInfo:
    """Return the node's time zone: its `TZ`, or UTC when missing or unknown."""
    name = _value(host, TZ_PARAM)
    if isinstance(name, str) and name:
        try:
            return ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError, OSError):
            pass
    return UTC_ZONE


def take(host: Host, device: str, params: dict[str, Any], now: float) -> dict[str, Any]:
    """Handle the service params of a write that reached the node; return the rest."""
    handled = {
        param_type: where[1]
        for param_type, where in host.service_params.items()
        if param_type in HANDLED and where[0] == device and where[1] in params
    }
    for param_type, name in handled.items():
        value = params[name]
        if param_type == SCHEDULES_PARAM and isinstance(value, list):
            current = _value(host, SCHEDULES_PARAM)
            new = schedules.apply_operations(
                current, copy.deepcopy(value), now, zone(host)
            )
            _store(host, SCHEDULES_PARAM, new)
        elif param_type == SCENES_PARAM and isinstance(value, list):
            new, actions = scenes.apply_operations(
                _value(host, SCENES_PARAM), copy.deepcopy(value)
            )
            _store(host, SCENES_PARAM, new)
            for action in actions:
                host.run_action(action, now)
        elif param_type == TZ_PARAM and isinstance(value, str):
            _store(host, TZ_PARAM, value)
            if value in TZ_POSIX:
                _store(host, TZ_POSIX_PARAM, TZ_POSIX[value])
        elif param_type == TZ_POSIX_PARAM and isinstance(value, str):
            _store(host, TZ_POSIX_PARAM, value)
    taken = set(handled.values())
    return {name: value for name, value in params.items() if name not in taken}


def _after(host: Host) -> float:
    """Return the epoch second after which firings are still to come.

    Firings fall on whole seconds: those at or after the node's time are to come,
    except the ones at the last firing's second, which have fired.
    """
    after = float(math.ceil(host.time) - 1)
    if host.schedule_fired is not None:
        after = max(after, host.schedule_fired)
    return after


def _stored(host: Host) -> list[dict[str, Any]]:
    value = _value(host, SCHEDULES_PARAM)
    return (
        [item for item in value if isinstance(item, dict)]
        if isinstance(value, list)
        else []
    )


def upcoming(host: Host) -> list[dict[str, Any]]:
    """Return the next firing of each enabled schedule, soonest first."""
    after, where = _after(host), zone(host)
    firings = [
        {"id": entry.get("id"), "name": entry.get("name"), "at": at}
        for entry in _stored(host)
        if (at := schedules.next_fire(entry, after, where)) is not None
    ]
    return sorted(firings, key=lambda firing: firing["at"])


def next_firing(host: Host) -> float | None:
    """When a schedule fires next, if one will."""
    soonest = upcoming(host)
    return float(soonest[0]["at"]) if soonest else None


def fire(host: Host, now: float) -> None:
    """Fire the schedules due at `now`; a one-time one then disables itself."""
    after, where = _after(host), zone(host)
    due = [
        entry
        for entry in _stored(host)
        if schedules.next_fire(entry, after, where) == now
    ]
    host.schedule_fired = now
    for entry in due:
        if schedules.is_once(entry):
            schedules.disable(entry)
        host.run_action(copy.deepcopy(entry.get("action")), now)


def expire(host: Host, now: float) -> None:
    """On reconnecting: one-time schedules whose time passed are disabled, unfired."""
    after = float(math.ceil(now) - 1)
    for entry in _stored(host):
        if (
            entry.get("enabled") is True
            and schedules.is_once(entry)
            and schedules.next_fire(entry, after, UTC_ZONE) is None
        ):
            schedules.disable(entry)


def seed_schedules(host: Host, entries: list[dict[str, Any]]) -> None:
    """Store schedules on a node (e.g. from `app_schedule`); it needs a Schedule service."""
    if SCHEDULES_PARAM not in host.service_params:
        raise ValueError("the node has no Schedule service")
    _store(host, SCHEDULES_PARAM, copy.deepcopy(entries))


def seed_scenes(host: Host, entries: list[dict[str, Any]]) -> None:
    """Store scenes on a node (e.g. from `app_scene`), adding the Scenes service if needed."""
    if SCENES_PARAM not in host.service_params:
        config = copy.deepcopy(host.config)
        config.setdefault("services", []).append(scenes_service())
        host.replace_config(config)
    _store(host, SCENES_PARAM, copy.deepcopy(entries))


__all__ = [
    "NOT_IN_ACTIONS",
    "SCENES_PARAM",
    "SCENES_SERVICE",
    "SCHEDULES_PARAM",
    "TZ_POSIX",
    "Host",
    "expire",
    "fire",
    "next_firing",
    "seed_scenes",
    "seed_schedules",
    "service_params",
    "take",
    "upcoming",
    "zone",
]
