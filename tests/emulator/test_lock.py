"""The lock: a bolt that takes two seconds, refuses Jammed, and jams on demand."""

import pytest

from rainmaker_emulator import KINDS, AdminError, Cloud, EmulatorAdmin, Endpoint
from rainmaker_emulator.devices import Lock

from .conftest import EMAIL, Raw, after, reported, write

LOCK = KINDS["lock"]
assert isinstance(LOCK, Lock)


def test_new_state_is_reported_once_the_bolt_moved(
    still_cloud: Cloud, owner: str
) -> None:
    """Until 2 s after the write reached the lock, the old state stays reported."""
    cloud = still_cloud
    node_id = cloud.add_node("lock", EMAIL).node_id
    write(cloud, node_id, "Lock", {"Lock State": "Unlocked", "Name": "Front"})
    state = reported(cloud, node_id, "Lock")
    assert (state["Lock State"], state["Name"]) == ("Locked", "Front")
    assert after(cloud, 1.9, node_id, "Lock")["Lock State"] == "Locked"
    assert after(cloud, 0.2, node_id, "Lock")["Lock State"] == "Unlocked"
    write(cloud, node_id, "Lock", {"Lock State": "Locked"})
    assert after(cloud, 2.1, node_id, "Lock")["Lock State"] == "Locked"
    write(cloud, node_id, "Lock", {"Name": "Back"})
    assert reported(cloud, node_id, "Lock") == {"Name": "Back", "Lock State": "Locked"}


def test_writing_jammed_is_refused_without_a_crash(cloud: Cloud, owner: str) -> None:
    """Only the lock reports Jammed; refusing it does not knock the lock offline."""
    node = cloud.add_node("lock", EMAIL)
    payload = {"Lock": {"Lock State": "Jammed"}}
    assert node.check_write(payload) == (
        "Lock State cannot be set to Jammed: only the lock reports it"
    )
    assert not node.hazardous(payload)


def test_jam_ends_the_next_move_jammed(still_cloud: Cloud, owner: str) -> None:
    """Armed, the next move ends Jammed; the write after it moves the bolt again."""
    cloud = still_cloud
    node_id = cloud.add_node("lock", EMAIL).node_id
    LOCK.jam(cloud.node(node_id))
    write(cloud, node_id, "Lock", {"Lock State": "Unlocked"})
    assert after(cloud, 1, node_id, "Lock")["Lock State"] == "Locked"
    assert after(cloud, 1.1, node_id, "Lock")["Lock State"] == "Jammed"
    assert cloud.node(node_id).sim["jam_next"] is False
    write(cloud, node_id, "Lock", {"Lock State": "Unlocked"})
    assert after(cloud, 1, node_id, "Lock")["Lock State"] == "Jammed"
    assert after(cloud, 1.1, node_id, "Lock")["Lock State"] == "Unlocked"


def test_jam_catches_the_move_under_way_and_can_be_called_off(
    still_cloud: Cloud, owner: str
) -> None:
    """Armed during a move, that move jams; disarmed, the next one succeeds."""
    cloud = still_cloud
    node_id = cloud.add_node("lock", EMAIL).node_id
    write(cloud, node_id, "Lock", {"Lock State": "Unlocked"})
    cloud.clock.advance(1)
    LOCK.jam(cloud.node(node_id))
    assert after(cloud, 1.1, node_id, "Lock")["Lock State"] == "Jammed"
    LOCK.jam(cloud.node(node_id))
    LOCK.jam(cloud.node(node_id), jammed=False)
    write(cloud, node_id, "Lock", {"Lock State": "Locked"})
    assert after(cloud, 2.1, node_id, "Lock")["Lock State"] == "Locked"


async def test_admin_jam_control(
    admin: EmulatorAdmin, raw: Raw, cloud: Cloud, owner: str
) -> None:
    """POST /_emulator/nodes/{id}/jam arms (or disarms) the jam of a lock only."""
    node_id = cloud.add_node("lock", EMAIL).node_id
    assert await admin.jam_lock(node_id) == {
        "jam_next_move": True,
        "lock_state": "Locked",
    }
    status, body = await raw.call(
        "PUT",
        Endpoint.SET_PARAMS.path,
        params={"node_id": node_id},
        json={"Lock": {"Lock State": "Jammed"}},
    )
    assert (status, body["error_code"]) == (400, 100012)
    assert cloud.node(node_id).online is True
    status, _ = await raw.call(
        "PUT",
        Endpoint.SET_PARAMS.path,
        params={"node_id": node_id},
        json={"Lock": {"Lock State": "Unlocked"}},
    )
    assert status == 200
    assert (await admin.reported(node_id, "Lock"))["Lock State"] == "Locked"
    await admin.advance(3)
    assert (await admin.reported(node_id, "Lock"))["Lock State"] == "Jammed"

    await admin.jam_lock(node_id)
    assert (await admin.jam_lock(node_id, jam=False))["jam_next_move"] is False
    fan_id = cloud.add_node("fan", EMAIL).node_id
    with pytest.raises(AdminError, match="400.*is a fan, not a lock"):
        await admin.jam_lock(fan_id)
    with pytest.raises(AdminError, match="404"):
        await admin.jam_lock("nope")
