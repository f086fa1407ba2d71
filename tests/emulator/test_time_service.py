"""The Time service: a new zone brings its POSIX rule, and schedules follow it.

The cloud is frozen at noon UTC on Sunday 1 June 2031 (`still_cloud`).
"""

import pytest

from rainmaker_emulator import Cloud

from .conftest import EMAIL, Raw
from .test_schedules import HOUR, PLUG_ON, SUNDAY, add, later, listed, ops, write_ok


@pytest.fixture
def plug(still_cloud: Cloud, owner: str) -> str:
    """A plug in Amsterdam, off."""
    return still_cloud.add_node("plug", EMAIL, name="Kettle").node_id


@pytest.mark.parametrize(
    ("zone", "posix"),
    [
        ("Asia/Kolkata", "IST-5:30"),
        ("America/Los_Angeles", "PST8PDT,M3.2.0,M11.1.0"),
        ("Europe/London", "GMT0BST,M3.5.0/1,M10.5.0"),
        ("UTC", "UTC0"),
        # A zone the firmware has no rule for keeps the rule the node had.
        ("Antarctica/Troll", "CET-1CEST,M3.5.0,M10.5.0/3"),
    ],
)
async def test_zone_brings_its_posix_rule(
    still_cloud: Cloud, raw: Raw, plug: str, zone: str, posix: str
) -> None:
    """Writing TZ reports the zone and, when known, its TZ-POSIX."""
    await write_ok(raw, plug, {"Time": {"TZ": zone}})
    assert (await listed(raw, plug))["Time"] == {"TZ": zone, "TZ-POSIX": posix}


async def test_posix_rule_alone_is_stored_as_is(
    still_cloud: Cloud, raw: Raw, plug: str
) -> None:
    """A TZ-POSIX written alone is reported as written; TZ stays."""
    await write_ok(raw, plug, {"Time": {"TZ-POSIX": "XYZ-3"}})
    assert (await listed(raw, plug))["Time"] == {
        "TZ": "Europe/Amsterdam",
        "TZ-POSIX": "XYZ-3",
    }


async def test_schedules_follow_a_new_zone(
    still_cloud: Cloud, raw: Raw, plug: str
) -> None:
    """15:00 on Sunday: 13:00 UTC in Amsterdam, 19:00 UTC once the node is in New York."""
    await write_ok(raw, plug, ops(add("wk", {"m": 15 * 60, "d": SUNDAY}, PLUG_ON)))
    await write_ok(raw, plug, {"Time": {"TZ": "America/New_York"}})
    await later(still_cloud, raw, HOUR)
    assert (await listed(raw, plug))["Plug"]["Power"] is False
    await later(still_cloud, raw, 6 * HOUR - 1)
    assert (await listed(raw, plug))["Plug"]["Power"] is False
    await later(still_cloud, raw, 1)
    assert (await listed(raw, plug))["Plug"]["Power"] is True


@pytest.mark.parametrize("zone", ["Mars/Olympus_Mons", "", "../etc/passwd"])
async def test_unknown_zone_means_utc(
    still_cloud: Cloud, raw: Raw, plug: str, zone: str
) -> None:
    """A zone the node cannot resolve runs its schedules in UTC."""
    await write_ok(raw, plug, {"Time": {"TZ": zone}})
    await write_ok(raw, plug, ops(add("wk", {"m": 15 * 60, "d": SUNDAY}, PLUG_ON)))
    await later(still_cloud, raw, 3 * HOUR - 1)
    assert (await listed(raw, plug))["Plug"]["Power"] is False
    await later(still_cloud, raw, 1)
    assert (await listed(raw, plug))["Plug"]["Power"] is True


async def test_a_schedule_can_move_the_zone(
    still_cloud: Cloud, raw: Raw, plug: str
) -> None:
    """An action may write the Time service; its TZ-POSIX follows as for a write."""
    move = {"Time": {"TZ": "Asia/Shanghai"}}
    await write_ok(raw, plug, ops(add("tz", {"rsec": 60}, move)))
    await later(still_cloud, raw, 60)
    assert (await listed(raw, plug))["Time"] == {
        "TZ": "Asia/Shanghai",
        "TZ-POSIX": "CST-8",
    }
