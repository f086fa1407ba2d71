"""Schedules as every node's firmware runs them, through the public API and the clock.

The cloud is frozen at noon UTC on Sunday 1 June 2031 (`still_cloud`): 14:00 in
Amsterdam (a plug's zone), 08:00 in New York (a LIV hub's).
"""

from datetime import UTC, datetime, timedelta
import random
from typing import Any
from zoneinfo import ZoneInfo

from hypothesis import given, settings, strategies as st
import pytest

from rainmaker_emulator import Cloud, Endpoint
from rainmaker_emulator.devices import KINDS, with_schedules
from rainmaker_emulator.devices.thermacell import STATUS_OFF, THERMACELL_DEVICE
from rainmaker_emulator.schedules import app_schedule, next_daily, next_fire
from rainmaker_emulator.services import seed_schedules, upcoming

from .conftest import EMAIL, Raw

SUNDAY = 1 << 6
MONDAY = 1
HOUR = 3600
WEEK = 7 * 24 * HOUR
PLUG_ON = {"Plug": {"Power": True}}
PLUG_OFF = {"Plug": {"Power": False}}


async def put(raw: Raw, node_id: str, payload: Any) -> tuple[int, Any]:
    """Write params to one node through the public API."""
    return await raw.call(
        "PUT", Endpoint.SET_PARAMS.path, params={"node_id": node_id}, json=payload
    )


async def write_ok(raw: Raw, node_id: str, payload: Any) -> None:
    """Write params and insist the cloud accepted them."""
    status, body = await put(raw, node_id, payload)
    assert (status, body["status"]) == (200, "success"), body


async def listed(raw: Raw, node_id: str) -> dict[str, Any]:
    """The node's params as the node listing shows them."""
    status, body = await raw.call(
        "GET", Endpoint.NODES.path, params={"node_id": node_id}
    )
    assert status == 200, body
    params: dict[str, Any] = body["node_details"][0]["params"]
    return params


async def schedules_of(raw: Raw, node_id: str) -> list[dict[str, Any]]:
    """The schedules the node reports."""
    stored: list[dict[str, Any]] = (await listed(raw, node_id))["Schedule"]["Schedules"]
    return stored


async def later(cloud: Cloud, raw: Raw, seconds: float) -> None:
    """Advance the clock, logging in again (an access token lives an hour)."""
    cloud.clock.advance(seconds)
    await raw.login()


def ops(*operations: dict[str, Any]) -> dict[str, Any]:
    """A write of schedule operations."""
    return {"Schedule": {"Schedules": list(operations)}}


def add(
    schedule_id: str, trigger: dict[str, int], action: dict[str, Any], **extra: Any
) -> dict[str, Any]:
    """An `add` operation with one trigger."""
    return {
        "id": schedule_id,
        "operation": "add",
        "name": f"Schedule {schedule_id}",
        "triggers": [trigger],
        "action": action,
    } | extra


@pytest.fixture
def plug(still_cloud: Cloud, owner: str) -> str:
    """A plug in Amsterdam, off."""
    return still_cloud.add_node("plug", EMAIL, name="Kettle").node_id


@pytest.fixture
def hub(still_cloud: Cloud, owner: str) -> str:
    """A LIV hub in New York, off."""
    return still_cloud.add_node("thermacell", EMAIL, name="Patio").node_id


async def test_relative_timer_turns_a_plug_off(
    still_cloud: Cloud, raw: Raw, plug: str
) -> None:
    """An rsec timer reports its `ts`, fires then, and disables itself (ts back to 0)."""
    now = int(still_cloud.clock.now())
    await write_ok(raw, plug, PLUG_ON)
    await write_ok(raw, plug, ops(add("HAT1", {"rsec": HOUR}, PLUG_OFF)))
    assert await schedules_of(raw, plug) == [
        {
            "id": "HAT1",
            "name": "Schedule HAT1",
            "enabled": True,
            "triggers": [{"rsec": HOUR, "ts": now + HOUR}],
            "action": PLUG_OFF,
        }
    ]
    await later(still_cloud, raw, HOUR - 1)
    assert (await listed(raw, plug))["Plug"]["Power"] is True
    await later(still_cloud, raw, 1)
    params = await listed(raw, plug)
    assert params["Plug"]["Power"] is False
    (timer,) = params["Schedule"]["Schedules"]
    assert (timer["enabled"], timer["triggers"]) == (False, [{"rsec": HOUR, "ts": 0}])


async def test_timer_stops_a_hub_without_anyone_asking(
    still_cloud: Cloud, raw: Raw, hub: str
) -> None:
    """Three hours after it started, the timer stops the hub: runtime stops at 3.0 h."""
    await write_ok(raw, hub, {THERMACELL_DEVICE: {"Enable Repellers": True}})
    stop = {THERMACELL_DEVICE: {"Enable Repellers": False}}
    await write_ok(raw, hub, ops(add("HAT0", {"rsec": 3 * HOUR}, stop)))
    await later(still_cloud, raw, 5 * HOUR)
    params = await listed(raw, hub)
    state = params[THERMACELL_DEVICE]
    assert (state["Enable Repellers"], state["Power"]) == (False, False)
    assert (state["System Status"], state["System Runtime"]) == (STATUS_OFF, 30)
    assert params["Schedule"]["Schedules"][0]["enabled"] is False


async def test_weekly_schedule_fires_in_local_time_every_week(
    still_cloud: Cloud, raw: Raw, plug: str
) -> None:
    """15:00 on Sundays in Amsterdam is 13:00 UTC: today, and a week later."""
    await write_ok(raw, plug, ops(add("wk", {"m": 15 * 60, "d": SUNDAY}, PLUG_ON)))
    (stored,) = await schedules_of(raw, plug)
    assert stored["triggers"] == [{"m": 900, "d": SUNDAY}]
    node = still_cloud.node(plug)
    first = int(still_cloud.clock.now()) + HOUR
    assert node.snapshot()["schedules"] == [
        {"id": "wk", "name": "Schedule wk", "at": first}
    ]
    await later(still_cloud, raw, HOUR - 1)
    assert (await listed(raw, plug))["Plug"]["Power"] is False
    await later(still_cloud, raw, 1)
    assert (await listed(raw, plug))["Plug"]["Power"] is True
    await write_ok(raw, plug, PLUG_OFF)
    await later(still_cloud, raw, WEEK - 1)
    assert (await listed(raw, plug))["Plug"]["Power"] is False
    await later(still_cloud, raw, 1)
    params = await listed(raw, plug)
    assert params["Plug"]["Power"] is True
    assert params["Schedule"]["Schedules"][0]["enabled"] is True


async def test_once_fires_at_the_next_occurrence(
    still_cloud: Cloud, raw: Raw, plug: str
) -> None:
    """`d == 0`: 13:00 local has passed today, so it fires tomorrow, once, with its ts."""
    now = int(still_cloud.clock.now())
    tomorrow = now + 23 * HOUR
    await write_ok(raw, plug, ops(add("once", {"m": 13 * 60, "d": 0}, PLUG_ON)))
    (stored,) = await schedules_of(raw, plug)
    assert stored["triggers"] == [{"m": 780, "d": 0, "ts": tomorrow}]
    await later(still_cloud, raw, 23 * HOUR)
    params = await listed(raw, plug)
    assert params["Plug"]["Power"] is True
    assert params["Schedule"]["Schedules"][0]["triggers"][0]["ts"] == 0
    assert params["Schedule"]["Schedules"][0]["enabled"] is False
    await write_ok(raw, plug, PLUG_OFF)
    await later(still_cloud, raw, WEEK)
    assert (await listed(raw, plug))["Plug"]["Power"] is False


async def test_schedules_missed_while_offline(
    still_cloud: Cloud, raw: Raw, plug: str
) -> None:
    """Offline at firing time: a weekly one waits for next week, a timer is disabled."""
    await write_ok(
        raw,
        plug,
        ops(
            add("wk", {"m": 15 * 60, "d": SUNDAY}, PLUG_ON),
            add("tmr", {"rsec": HOUR}, PLUG_ON),
        ),
    )
    node = still_cloud.node(plug)
    node.go_offline(still_cloud.clock.now(), None)
    assert node.snapshot()["schedules"] == []
    await later(still_cloud, raw, 2 * HOUR)
    node = still_cloud.node(plug)
    node.set_online(True, still_cloud.clock.now())
    params = await listed(raw, plug)
    assert params["Plug"]["Power"] is False
    weekly, timer = params["Schedule"]["Schedules"]
    assert (weekly["enabled"], timer["enabled"]) == (True, False)
    assert timer["triggers"] == [{"rsec": HOUR, "ts": 0}]
    await later(still_cloud, raw, WEEK - HOUR - 1)
    assert (await listed(raw, plug))["Plug"]["Power"] is False
    await later(still_cloud, raw, 1)
    assert (await listed(raw, plug))["Plug"]["Power"] is True


async def test_reboot_does_not_lose_a_timer(
    still_cloud: Cloud, raw: Raw, plug: str
) -> None:
    """A node back from a reboot before its timer was due still fires it."""
    await write_ok(raw, plug, ops(add("tmr", {"rsec": HOUR}, PLUG_ON)))
    await write_ok(raw, plug, {"System": {"Reboot": True}})
    await later(still_cloud, raw, HOUR)
    assert (await listed(raw, plug))["Plug"]["Power"] is True


async def test_remove_enable_disable_and_edit(
    still_cloud: Cloud, raw: Raw, plug: str
) -> None:
    """Operations apply in order; enabling a fired timer restarts it; editing restarts."""
    now = int(still_cloud.clock.now())
    await write_ok(
        raw,
        plug,
        ops(
            add("a", {"rsec": 60}, PLUG_ON),
            add("b", {"m": 600, "d": MONDAY}, PLUG_OFF, info="morning", flags=3),
            add("c", {"rsec": 60}, PLUG_OFF),
            {"id": "c", "operation": "remove"},
            {"id": "b", "operation": "disable"},
        ),
    )
    a, b = await schedules_of(raw, plug)
    assert a["triggers"] == [{"rsec": 60, "ts": now + 60}]
    assert b == {
        "id": "b",
        "name": "Schedule b",
        "enabled": False,
        "triggers": [{"m": 600, "d": MONDAY}],
        "action": PLUG_OFF,
        "info": "morning",
        "flags": 3,
    }
    await later(still_cloud, raw, 100)
    await write_ok(
        raw,
        plug,
        ops(
            {"id": "a", "operation": "enable"},
            {"id": "b", "operation": "enable"},
            {
                "id": "b",
                "operation": "edit",
                "name": "Weekdays",
                "info": "",
                "flags": 0,
            },
        ),
    )
    a, b = await schedules_of(raw, plug)
    assert (a["enabled"], a["triggers"][0]["ts"]) == (True, now + 160)
    assert b == {
        "id": "b",
        "name": "Weekdays",
        "enabled": True,
        "triggers": [{"m": 600, "d": MONDAY}],
        "action": PLUG_OFF,
    }
    await later(still_cloud, raw, 30)
    await write_ok(
        raw,
        plug,
        ops(
            {
                "id": "a",
                "operation": "edit",
                "triggers": [{"rsec": 120}],
                "action": PLUG_OFF,
            }
        ),
    )
    (a, _) = await schedules_of(raw, plug)
    assert (a["triggers"], a["action"]) == ([{"rsec": 120, "ts": now + 250}], PLUG_OFF)


async def test_edit_of_an_unknown_id_adds_it(
    still_cloud: Cloud, raw: Raw, plug: str
) -> None:
    """The firmware treats `edit` of an id it does not hold as `add`."""
    edit = add("new", {"m": 60, "d": 0x7F}, PLUG_ON) | {"operation": "edit"}
    zero = add("zero", {"rsec": 0}, PLUG_ON)
    midnight = add("24h", {"m": 24 * 60, "d": 1}, PLUG_ON)
    ghost = {"id": "ghost", "operation": "enable"}
    await write_ok(raw, plug, ops(edit, zero, midnight, ghost))
    (stored,) = await schedules_of(raw, plug)
    assert (stored["id"], stored["enabled"]) == ("new", True)


async def test_limits_and_unusable_operations(
    still_cloud: Cloud, raw: Raw, plug: str
) -> None:
    """What the firmware skips; the other operations of the write still apply."""
    trigger = {"m": 60, "d": 1}
    await write_ok(
        raw,
        plug,
        ops(
            add("123456789", trigger, PLUG_ON),
            add("long", trigger, PLUG_ON, name="n" * 33),
            add("none", trigger, {}),
            {"id": "notrig", "operation": "add", "name": "x", "action": PLUG_ON},
            add("bad", {"m": 24 * 60, "d": 1}, PLUG_ON) | {"triggers": ["x"]},
            add("date", {"m": 60, "dd": 3, "mm": 4}, PLUG_ON),
            {"id": "x1", "operation": "explode"},
            add("ok", trigger, PLUG_ON),
            add("ok", {"rsec": 5}, PLUG_OFF),
            {"id": "ok", "operation": "edit", "name": "m" * 33, "info": "i" * 129},
        ),
    )
    (stored,) = await schedules_of(raw, plug)
    assert (stored["id"], stored["name"], stored["triggers"]) == (
        "ok",
        "Schedule ok",
        [trigger],
    )
    assert "info" not in stored
    await write_ok(raw, plug, ops(*(add(f"s{i}", trigger, PLUG_ON) for i in range(9))))
    await write_ok(raw, plug, ops(add("eleven", trigger, PLUG_ON)))
    assert len(await schedules_of(raw, plug)) == 10
    status, body = await put(raw, plug, ops(*([add("x", trigger, PLUG_ON)] * 11)))
    assert (status, body["error_code"]) == (400, 100012)


async def test_action_skips_what_the_node_lacks(
    still_cloud: Cloud, raw: Raw, hub: str
) -> None:
    """Unknown devices and params, bad values and refused params are left out."""
    action = {
        THERMACELL_DEVICE: {"LED Brightness": 10, "Nope": 1, "LED Hue": "red"},
        "Ghost": {"Power": True},
        "Schedule": {"Schedules": [{"id": "loop", "operation": "remove"}]},
        "System": "junk",
    }
    refused = {THERMACELL_DEVICE: {"LED Saturation": 5, "LED Hue": 10}}
    await write_ok(
        raw,
        hub,
        ops(add("mix", {"rsec": 10}, action), add("loop", {"rsec": 10}, refused)),
    )
    await later(still_cloud, raw, 10)
    params = await listed(raw, hub)
    assert still_cloud.node(hub).online
    assert params[THERMACELL_DEVICE]["LED Brightness"] == 10
    assert params[THERMACELL_DEVICE]["LED Hue"] == 240
    assert [s["id"] for s in params["Schedule"]["Schedules"]] == ["mix", "loop"]


async def test_validity_bounds_firings(still_cloud: Cloud, raw: Raw, plug: str) -> None:
    """A schedule fires only between its validity's start and end."""
    now = int(still_cloud.clock.now())
    daily = {"m": 15 * 60, "d": 0x7F}
    await write_ok(
        raw,
        plug,
        ops(
            add("late", daily, PLUG_ON, validity={"start": now + 2 * 86400}),
            add("gone", daily, PLUG_ON, validity={"end": now - 1}),
            add("tmr", {"rsec": 60}, PLUG_ON, validity={"end": 0}),
            add("early", {"rsec": 60}, PLUG_ON, validity={"start": now + 600}),
        ),
    )
    late, gone, tmr, _ = await schedules_of(raw, plug)
    assert late["validity"] == {"start": now + 2 * 86400}
    assert "validity" not in tmr
    await write_ok(
        raw, plug, ops({"id": "tmr", "operation": "edit", "validity": {"end": now}})
    )
    _, _, tmr, _ = await schedules_of(raw, plug)
    assert tmr["validity"] == {"end": now}
    await later(still_cloud, raw, 86400 + HOUR)
    assert (await listed(raw, plug))["Plug"]["Power"] is False
    await later(still_cloud, raw, 86400)
    assert (await listed(raw, plug))["Plug"]["Power"] is True
    assert [entry["id"] for entry in upcoming(still_cloud.node(plug))] == ["late"]
    # Enabling a one-time schedule whose time passed disables it.
    await write_ok(
        raw,
        plug,
        ops(
            {"id": "tmr", "operation": "enable"},
            {"id": "late", "operation": "edit", "validity": {}},
        ),
    )
    late, _, tmr, early = await schedules_of(raw, plug)
    assert (tmr["enabled"], tmr["triggers"][0]["ts"]) == (False, 0)
    assert early["enabled"] is True
    assert "validity" not in late


async def test_seeded_schedules_fire(still_cloud: Cloud, raw: Raw, owner: str) -> None:
    """`app_schedule` entries stored on a built node or an existing one fire as added."""
    built = with_schedules(
        KINDS["plug"].build("n1", "Plug", random.Random(1)),
        [app_schedule("s1", "Evening", minutes=15 * 60, days=SUNDAY, action=PLUG_ON)],
    )
    assert built.params["Schedule"]["Schedules"][0]["enabled"] is True
    node = still_cloud.add_node("plug", EMAIL)
    seed_schedules(
        node, [app_schedule("s2", "Once", minutes=15 * 60, days=0, action=PLUG_ON)]
    )
    await later(still_cloud, raw, HOUR)
    params = await listed(raw, node.node_id)
    assert params["Plug"]["Power"] is True
    assert params["Schedule"]["Schedules"][0]["enabled"] is False


def test_seeding_refuses_what_the_firmware_would(
    still_cloud: Cloud, owner: str
) -> None:
    """Helpers refuse an entry the firmware would drop, and nodes without the service."""
    with pytest.raises(ValueError, match="would not store"):
        app_schedule("too-long-id", "x", minutes=0, days=1, action=PLUG_ON)
    sensor = still_cloud.add_node(
        "raw", EMAIL, config={"node_id": "r", "devices": []}, params={}
    )
    with pytest.raises(ValueError, match="no Schedule service"):
        seed_schedules(sensor, [])
    built = KINDS["plug"].build("n2", "Plug", random.Random(2))
    built.config["services"] = []
    with pytest.raises(ValueError, match="no Schedule service"):
        with_schedules(built, [])


def test_junk_in_the_stored_list_is_tolerated(still_cloud: Cloud, owner: str) -> None:
    """An admin may store anything: junk entries never fire and a write drops them."""
    node = still_cloud.add_node("plug", EMAIL)
    node.reported["Schedule"]["Schedules"] = [
        "junk",
        {"id": "t1", "enabled": True, "triggers": []},
        {"id": "t2", "enabled": True, "triggers": [{"m": "x", "d": 0}]},
        {"id": "t3", "enabled": True, "triggers": [{"rsec": 5}]},
        {"id": "t4", "enabled": False, "triggers": [{"rsec": "x"}]},
        {"id": "t5", "enabled": True, "triggers": [{"m": 0, "d": 127}], "action": 1},
    ]
    still_cloud.clock.advance(WEEK)
    node = still_cloud.node(node.node_id)
    assert node.reported["Plug"]["Power"] is False
    now = still_cloud.clock.now()
    node.accept_write(ops({"id": "t1", "operation": "enable"}), now)
    node.accept_write(ops({"id": "t2", "operation": "disable"}), now)
    node.accept_write(ops({"id": "t4", "operation": "enable"}), now)
    still_cloud.clock.advance(1)
    stored = still_cloud.node(node.node_id).reported["Schedule"]["Schedules"]
    assert [entry["id"] for entry in stored] == ["t1", "t2", "t3", "t4", "t5"]
    assert stored[1]["enabled"] is False
    assert stored[3] == {"id": "t4", "enabled": True, "triggers": [{"rsec": "x"}]}


ZONES = [
    "UTC",
    "Europe/Amsterdam",
    "America/New_York",
    "Asia/Kolkata",
    "Australia/Sydney",
]
EPOCHS = st.integers(
    min_value=int(datetime(2024, 1, 1, tzinfo=UTC).timestamp()),
    max_value=int(datetime(2040, 1, 1, tzinfo=UTC).timestamp()),
)


@settings(max_examples=200, deadline=None)
@given(
    after=EPOCHS,
    minutes=st.integers(0, 24 * 60 - 1),
    days=st.integers(1, 0x7F),
    zone=st.sampled_from(ZONES),
    data=st.data(),
)
def test_next_daily_is_the_first_matching_local_minute(
    after: int, minutes: int, days: int, zone: str, data: st.DataObject
) -> None:
    """The next firing is later, at the local minute on a selected day, and the first."""
    tz = ZoneInfo(zone)
    fires = next_daily(minutes, days, after, tz)
    assert after < fires <= after + 8 * 86400
    local = datetime.fromtimestamp(fires, tz)
    wall = datetime.combine(local.date(), datetime.min.time()) + timedelta(
        minutes=minutes
    )
    exists = (
        wall.replace(tzinfo=tz).astimezone(UTC).astimezone(tz).replace(tzinfo=None)
        == wall
    )
    if exists:
        assert (local.hour * 60 + local.minute, local.second) == (minutes, 0)
        assert days >> local.weekday() & 1
    earlier = data.draw(st.integers(after, fires - 1))
    assert next_daily(minutes, days, earlier, tz) == fires


@settings(max_examples=100, deadline=None)
@given(after=EPOCHS, minutes=st.integers(0, 24 * 60 - 1), day=st.integers(0, 6))
def test_one_day_a_week_recurs_weekly_in_utc(
    after: int, minutes: int, day: int
) -> None:
    """In UTC a one-day bitmap fires exactly a week apart; `d == 0` daily."""
    fires = next_daily(minutes, 1 << day, after, UTC)
    assert next_daily(minutes, 1 << day, fires, UTC) == fires + 7 * 86400
    daily = next_daily(minutes, 0, after, UTC)
    assert daily <= fires
    assert next_daily(minutes, 0, daily, UTC) == daily + 86400


def test_next_fire_of_disabled_or_broken_entries() -> None:
    """Disabled entries, missing triggers and unknown trigger shapes never fire."""
    weekly = {"enabled": True, "triggers": [{"m": 0, "d": 1}]}
    assert next_fire(weekly, 0) is not None
    assert next_fire(weekly | {"enabled": False}, 0) is None
    assert next_fire({"enabled": True, "triggers": ["x"]}, 0) is None
    assert next_fire({"enabled": True, "triggers": [{"dd": 1}]}, 0) is None
    assert next_fire({"enabled": True, "triggers": [{"rsec": 5, "ts": 0}]}, 0) is None


def test_junk_in_the_time_service_is_survived(still_cloud: Cloud, plug: str) -> None:
    """A node whose Time service reports junk keeps running (in UTC)."""
    node = still_cloud.node(plug)
    node.reported["Time"] = []  # type: ignore[assignment]
    seed_schedules(
        node,
        [
            app_schedule(
                "A1", "On", minutes=60, days=127, action={"Plug": {"Power": True}}
            )
        ],
    )

    assert upcoming(node)
