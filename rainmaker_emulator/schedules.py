"""Schedules as the node firmware keeps them (`esp_rmaker_schedule.c`), as pure data.

A write to the `Schedules` param is a list of operations (`add`, `edit`, `remove`,
`enable`, `disable`) on entries named by `id`, applied in order; an operation the
firmware cannot use is skipped without failing the others. The stored list is what
the node reports: each entry `{"id", "name", "enabled", "triggers": [trigger],
"action"}` plus `info`, `flags` and `validity` when set. The firmware keeps one
trigger per schedule (the first one written):

- `{"m": minutes since midnight, "d": day bitmap}`, bit 0 Monday … bit 6 Sunday,
  fires at that local time on those days; `d == 0` fires once, at the next
  occurrence, and reports that epoch second as `ts` while it is enabled;
- `{"rsec": seconds}` fires once, `rsec` seconds after it reached the node, and
  reports that epoch second as `ts` while it is enabled.

Disabling a schedule (and a one-time schedule disables itself once it fired)
resets `ts` to 0; enabling it again starts it afresh. Editing an enabled schedule
restarts it; editing an unknown id adds it. Date triggers (`dd`, `mm`, `yy`) are
not emulated: a schedule with one is not added.
"""

from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Any, TypeIs

MAX_ID = 8
MAX_NAME = 32
MAX_SCHEDULE_INFO = 128
MAX_SCHEDULES = 10
MINUTES_PER_DAY = 24 * 60
ALL_DAYS = 0x7F


def is_int(value: Any) -> TypeIs[int]:
    """Whether a JSON value is an integer (booleans are not)."""
    return isinstance(value, int) and not isinstance(value, bool)


def entry_id(operation: Any) -> str | None:
    """Return the id an operation names, if the firmware can read it (1 to 8 characters)."""
    if not isinstance(operation, dict):
        return None
    value = operation.get("id")
    return value if isinstance(value, str) and 0 < len(value) <= MAX_ID else None


def text(operation: dict[str, Any], key: str, limit: int) -> str | None:
    """Return a non-empty string field the firmware can read (at most `limit` characters)."""
    value = operation.get(key)
    return value if isinstance(value, str) and 0 < len(value) <= limit else None


def find(entries: list[dict[str, Any]], wanted: str) -> dict[str, Any] | None:
    """Return the stored entry of an id."""
    return next((entry for entry in entries if entry.get("id") == wanted), None)


def stored(value: Any) -> list[dict[str, Any]]:
    """Return the entries of a stored list that have an id (copies; junk left out)."""
    items = value if isinstance(value, list) else []
    return [dict(item) for item in items if entry_id(item) is not None]


def set_info_and_flags(
    entry: dict[str, Any], operation: dict[str, Any], limit: int
) -> None:
    """Take `info` (an empty one clears it) and `flags` (0 clears them) when given."""
    info = operation.get("info")
    if isinstance(info, str) and len(info) <= limit:
        if info:
            entry["info"] = info
        else:
            entry.pop("info", None)
    flags = operation.get("flags")
    if is_int(flags):
        if flags:
            entry["flags"] = flags
        else:
            entry.pop("flags", None)


def parse_trigger(triggers: Any) -> dict[str, int] | None:
    """Return the firmware's trigger from an operation's `triggers`, or None if unusable."""
    if not isinstance(triggers, list) or not triggers:
        return None
    first = triggers[0]
    if not isinstance(first, dict):
        return None
    rsec = first.get("rsec")
    if rsec is not None:
        return {"rsec": rsec, "ts": 0} if is_int(rsec) and rsec > 0 else None
    minutes, days = first.get("m"), first.get("d")
    if not (is_int(minutes) and 0 <= minutes < MINUTES_PER_DAY):
        return None
    if not (is_int(days) and 0 <= days <= ALL_DAYS):
        return None
    return {"m": minutes, "d": days} | ({"ts": 0} if days == 0 else {})


def parse_validity(value: Any) -> dict[str, int] | None:
    """Return the `start`/`end` epoch seconds of a validity object (the non-zero ones)."""
    if not isinstance(value, dict):
        return None
    return {
        key: value[key]
        for key in ("start", "end")
        if is_int(value.get(key)) and value[key]
    }


def next_daily(minutes: int, days: int, after: float, zone: tzinfo) -> int:
    """Return the first epoch second after `after` at local `minutes` on a day of `days`.

    `days == 0` stands for any day. A local time that a DST change skips counts
    with the offset before the change (02:30 on the spring-forward night fires at
    03:30 summer time); one it repeats fires the first time.
    """
    start = datetime.fromtimestamp(after, zone).date() - timedelta(days=1)
    clock = time(minutes // 60, minutes % 60)
    for offset in range(9):
        day: date = start + timedelta(days=offset)
        if days and not days >> day.weekday() & 1:
            continue
        stamp = int(datetime.combine(day, clock, zone).timestamp())
        if stamp > after:
            return stamp
    raise AssertionError(
        "a weekly trigger recurs within eight days"
    )  # pragma: no cover


def is_once(entry: dict[str, Any]) -> bool:
    """Whether a schedule fires only once (a relative trigger or `d == 0`)."""
    trigger = _trigger(entry)
    return trigger is not None and ("rsec" in trigger or trigger.get("d") == 0)


def _trigger(entry: dict[str, Any]) -> dict[str, Any] | None:
    triggers = entry.get("triggers")
    if isinstance(triggers, list) and triggers and isinstance(triggers[0], dict):
        return triggers[0]
    return None


def next_fire(entry: dict[str, Any], after: float, zone: tzinfo = UTC) -> int | None:
    """When an enabled schedule next fires after `after` (epoch seconds), if it will."""
    trigger = _trigger(entry)
    if entry.get("enabled") is not True or trigger is None:
        return None
    validity = entry.get("validity")
    start, end = (
        (validity.get("start"), validity.get("end"))
        if isinstance(validity, dict)
        else (None, None)
    )
    stamp = trigger.get("ts")
    if "rsec" in trigger or (trigger.get("d") == 0 and is_int(stamp) and stamp > 0):
        fires = stamp if is_int(stamp) and stamp > after else None
        if fires is not None and is_int(start) and fires < start:
            return None
    elif is_int(trigger.get("m")) and is_int(trigger.get("d")):
        if is_int(start):
            after = max(after, start - 1)
        fires = next_daily(trigger["m"] % MINUTES_PER_DAY, trigger["d"], after, zone)
    else:
        return None
    if fires is not None and is_int(end) and fires > end:
        return None
    return fires


def enable(entry: dict[str, Any], now: float, zone: tzinfo) -> None:
    """Enable a schedule: a one-time one gets its `ts`, or is disabled if it passed."""
    entry["enabled"] = True
    trigger = _trigger(entry)
    if trigger is None or not is_once(entry):
        return
    stamp = trigger.get("ts")
    if is_int(stamp) and stamp > 0:
        if stamp <= now:
            disable(entry)
        return
    if "rsec" in trigger and is_int(trigger["rsec"]):
        trigger["ts"] = int(now) + trigger["rsec"]
    elif is_int(minutes := trigger.get("m")):
        trigger["ts"] = next_daily(minutes % MINUTES_PER_DAY, 0, now, zone)


def disable(entry: dict[str, Any]) -> None:
    """Disable a schedule; a one-time one forgets when it was due (`ts` 0)."""
    entry["enabled"] = False
    trigger = _trigger(entry)
    if trigger is not None and "ts" in trigger:
        trigger["ts"] = 0


def _add(
    entries: list[dict[str, Any]], op: dict[str, Any], now: float, zone: tzinfo
) -> None:
    name = text(op, "name", MAX_NAME)
    trigger = parse_trigger(op.get("triggers"))
    action = op.get("action")
    if len(entries) >= MAX_SCHEDULES or name is None or trigger is None:
        return
    if not isinstance(action, dict) or not action:
        return
    entry: dict[str, Any] = {
        "id": op["id"],
        "name": name,
        "enabled": True,
        "triggers": [trigger],
        "action": action,
    }
    set_info_and_flags(entry, op, MAX_SCHEDULE_INFO)
    if validity := parse_validity(op.get("validity")):
        entry["validity"] = validity
    entries.append(entry)
    enable(entry, now, zone)


def _edit(entry: dict[str, Any], op: dict[str, Any], now: float, zone: tzinfo) -> None:
    if (name := text(op, "name", MAX_NAME)) is not None:
        entry["name"] = name
    if isinstance(action := op.get("action"), dict) and action:
        entry["action"] = action
    if (trigger := parse_trigger(op.get("triggers"))) is not None:
        entry["triggers"] = [trigger]
    set_info_and_flags(entry, op, MAX_SCHEDULE_INFO)
    validity = parse_validity(op.get("validity"))
    if validity is not None:
        entry.pop("validity", None)
        if validity:
            entry["validity"] = validity
    if entry.get("enabled") is True:
        disable(entry)
        enable(entry, now, zone)


def apply_operations(
    current: Any, operations: Iterable[Any], now: float, zone: tzinfo
) -> list[dict[str, Any]]:
    """Apply a write's operations in order and return the new stored list."""
    entries = stored(current)
    for op in operations:
        wanted = entry_id(op)
        if wanted is None:
            continue
        kind = op.get("operation")
        entry = find(entries, wanted)
        if kind == "edit" and entry is None:
            kind = "add"
        if kind == "add" and entry is None:
            _add(entries, op, now, zone)
        elif entry is None:
            continue
        elif kind == "edit":
            _edit(entry, op, now, zone)
        elif kind == "remove":
            entries.remove(entry)
        elif kind == "enable":
            enable(entry, now, zone)
        elif kind == "disable":
            disable(entry)
    return entries


def app_schedule(
    schedule_id: str,
    name: str,
    *,
    minutes: int,
    days: int,
    action: dict[str, dict[str, Any]],
    enabled: bool = True,
) -> dict[str, Any]:
    """Return a stored weekly schedule as the phone app creates it, to seed a node with.

    `minutes` since local midnight, `days` a bitmap (bit 0 Monday … bit 6 Sunday;
    0 fires once, at the next occurrence). Raises ValueError where the firmware
    would not store it.
    """
    entry = {
        "id": schedule_id,
        "name": name,
        "enabled": enabled,
        "triggers": [{"m": minutes, "d": days}],
        "action": action,
    }
    added = apply_operations([], [entry | {"operation": "add"}], 0.0, UTC)
    if not added:
        raise ValueError(f"the firmware would not store schedule {schedule_id!r}")
    return entry
