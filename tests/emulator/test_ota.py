"""OTA for users: releases on offer, jobs that run on the emulator's clock, and faults."""

import re
from typing import Any

import pytest

from rainmaker_emulator import AdminError, Cloud, EmulatorAdmin, Endpoint
from rainmaker_emulator.ota import OtaService

from .conftest import EMAIL, PASSWORD, Raw

OTHER = "other@example.com"


async def offer(raw: Raw, node_id: str) -> dict[str, Any]:
    """Ask the cloud whether it has an update for a node."""
    status, body = await raw.call(
        "GET", Endpoint.OTA_UPDATE.path, params={"node_id": node_id}
    )
    assert status == 200, body
    return dict(body)


async def trigger(raw: Raw, node_id: str, job_id: str) -> tuple[int, Any]:
    """Trigger an OTA job."""
    return await raw.call(
        "POST",
        Endpoint.OTA_TRIGGER.path,
        json={"node_id": node_id, "ota_job_id": job_id},
    )


async def job_status(raw: Raw, node_id: str, job_id: str) -> dict[str, Any]:
    """Return an OTA job's status."""
    status, body = await raw.call(
        "GET",
        Endpoint.OTA_STATUS.path,
        params={"node_id": node_id, "ota_job_id": job_id},
    )
    assert status == 200, body
    return dict(body)


def percent(body: dict[str, Any]) -> int:
    """Return the download percentage of an in-progress status."""
    assert body["status"] == "in-progress"
    found = re.fullmatch(r"Downloading (\d+)%", body["additional_info"])
    assert found is not None, body
    return int(found[1])


async def fw_version(raw: Raw, node_id: str) -> str:
    """Return the firmware version the node listing shows."""
    _, body = await raw.call(
        "GET", Endpoint.NODES.path, params={"node_details": "true"}
    )
    (entry,) = [item for item in body["node_details"] if item["id"] == node_id]
    return str(entry["config"]["info"]["fw_version"])


async def connected(raw: Raw, node_id: str) -> bool:
    """Return whether the cloud shows the node connected."""
    _, body = await raw.call(
        "GET", Endpoint.NODE_STATUS.path, params={"node_id": node_id}
    )
    return bool(body["connectivity"]["connected"])


async def test_no_update(raw: Raw, cloud: Cloud, owner: str) -> None:
    """Without a newer release the cloud says so, successfully."""
    node_id = cloud.add_node("lightbulb", owner).node_id
    expected = {
        "ota_available": False,
        "status": "success",
        "description": "No update available",
    }
    assert await offer(raw, node_id) == expected
    for version in ("1.0.2", "0.9.9"):
        cloud.release_ota(node_id, version)
        assert await offer(raw, node_id) == expected


async def test_update_runs_on_the_clock(
    raw: Raw, cloud: Cloud, admin: EmulatorAdmin, owner: str
) -> None:
    """triggered, in-progress with a rising percentage, then success: new version, reboot."""
    node_id = cloud.add_node("lightbulb", owner).node_id
    job_id = await admin.release_ota(
        node_id, "1.10.0", description="Faster fades", file_size=2_000_000
    )
    assert len(job_id) == 22
    assert await offer(raw, node_id) == {
        "ota_available": True,
        "status": "success",
        "fw_version": "1.10.0",
        "ota_job_id": job_id,
        "description": "Faster fades",
        "file_size": 2_000_000,
    }
    triggered_ms = cloud.clock.now_ms()
    status, body = await raw.call(
        "POST",
        Endpoint.OTA_TRIGGER.path,
        json={"nodeid": node_id, "ota_job_id": job_id},
    )
    assert (status, body) == (
        200,
        {"status": "success", "description": "OTA update triggered"},
    )
    first = await job_status(raw, node_id, job_id)
    assert (first["status"], first["additional_info"]) == ("triggered", "Triggered")
    assert abs(first["timestamp"] - triggered_ms) < 1000

    await admin.advance(1.5)
    assert (await job_status(raw, node_id, job_id))["status"] == "triggered"
    await admin.advance(0.5)
    progress = await job_status(raw, node_id, job_id)
    assert set(progress) == {"status", "additional_info", "timestamp"}
    assert percent(progress) <= 2
    assert (await admin.reported(node_id, "OTA"))["Status"] == "in-progress"
    await admin.advance(8)
    assert 40 <= percent(await job_status(raw, node_id, job_id)) <= 42
    # Triggering a job under way changes nothing.
    assert (await trigger(raw, node_id, job_id))[0] == 200
    await admin.advance(11.5)
    assert percent(await job_status(raw, node_id, job_id)) <= 99
    assert await fw_version(raw, node_id) == "1.0.2"

    await admin.advance(0.5)
    done = await job_status(raw, node_id, job_id)
    assert (done["status"], done["additional_info"]) == (
        "success",
        "Updated to 1.10.0",
    )
    assert await fw_version(raw, node_id) == "1.10.0"
    assert not await connected(raw, node_id)
    assert (await admin.reported(node_id, "OTA"))["Status"] == "success"
    assert (await offer(raw, node_id))["ota_available"] is False
    snapshot = await admin.node(node_id)
    assert snapshot["ota"]["offered"] == job_id
    assert snapshot["ota"]["job"]["status"] == "success"
    status, body = await trigger(raw, node_id, job_id)
    assert (status, body["error_code"]) == (400, 105065)

    await admin.advance(cloud.settings.reboot_offline)
    assert await connected(raw, node_id)
    assert (await job_status(raw, node_id, job_id))["timestamp"] == done["timestamp"]


async def test_listing_alone_finishes_the_job(
    raw: Raw, cloud: Cloud, owner: str
) -> None:
    """A job finishes on the clock even if nobody asks its status."""
    node_id = cloud.add_node("switch", owner).node_id
    job_id = cloud.release_ota(node_id, "2.0.0", file_size=1234)
    assert (await offer(raw, node_id))["file_size"] == 1234
    assert (await trigger(raw, node_id, job_id))[0] == 200
    cloud.clock.advance(60)
    assert await fw_version(raw, node_id) == "2.0.0"
    # The reboot began at trigger + 22 s and lasted 10 s: the node is back.
    assert await connected(raw, node_id)


async def test_offline_node_stays_triggered(
    raw: Raw, cloud: Cloud, admin: EmulatorAdmin, owner: str
) -> None:
    """A job waits while the node is offline and starts once it is back."""
    node_id = cloud.add_node("lightbulb", owner).node_id
    job_id = cloud.release_ota(node_id, "1.1.0")
    await admin.set_online(node_id, False)
    assert (await trigger(raw, node_id, job_id))[0] == 200
    await admin.advance(30)
    assert (await job_status(raw, node_id, job_id))["status"] == "triggered"
    await admin.set_online(node_id, True)
    await admin.advance(1)
    assert 5 <= percent(await job_status(raw, node_id, job_id)) <= 7
    await admin.advance(19)
    assert (await job_status(raw, node_id, job_id))["status"] == "success"


async def test_rebooting_node_starts_when_back(
    raw: Raw, cloud: Cloud, admin: EmulatorAdmin, owner: str
) -> None:
    """A node rebooting at the trigger starts the download when it comes back."""
    node_id = cloud.add_node("lightbulb", owner).node_id
    job_id = cloud.release_ota(node_id, "1.1.0")
    status, _ = await raw.call(
        "PUT",
        Endpoint.SET_PARAMS.path,
        params={"node_id": node_id},
        json={"System": {"Reboot": True}},
    )
    assert status == 200
    assert (await trigger(raw, node_id, job_id))[0] == 200
    await admin.advance(5)
    assert (await job_status(raw, node_id, job_id))["status"] == "triggered"
    await admin.advance(7)
    assert 10 <= percent(await job_status(raw, node_id, job_id)) <= 12


@pytest.mark.parametrize(
    ("outcome", "progress_for", "ends_after", "info"),
    [
        ("failed", True, 12.0, "Image validation failed"),
        ("rejected", False, 2.0, "Rejected by the device"),
    ],
)
async def test_fault_then_retry(
    raw: Raw,
    cloud: Cloud,
    admin: EmulatorAdmin,
    owner: str,
    outcome: str,
    progress_for: bool,
    ends_after: float,
    info: str,
) -> None:
    """A faulted job ends failed or rejected, changes nothing, and a retry succeeds."""
    node_id = cloud.add_node("lightbulb", owner).node_id
    job_id = await admin.release_ota(node_id, "1.1.0")
    await admin.fail_next_ota(node_id, outcome)
    assert (await admin.node(node_id))["ota"]["fault"] == outcome
    assert (await trigger(raw, node_id, job_id))[0] == 200
    if progress_for:
        await admin.advance(ends_after - 1)
        assert 45 <= percent(await job_status(raw, node_id, job_id)) <= 47
        await admin.advance(1)
    else:
        await admin.advance(ends_after)
    ended = await job_status(raw, node_id, job_id)
    assert (ended["status"], ended["additional_info"]) == (outcome, info)
    assert (await admin.reported(node_id, "OTA"))["Status"] == outcome
    assert await fw_version(raw, node_id) == "1.0.2"
    assert await connected(raw, node_id)
    again = await offer(raw, node_id)
    assert (again["fw_version"], again["ota_job_id"]) == ("1.1.0", job_id)

    assert (await trigger(raw, node_id, job_id))[0] == 200
    assert (await job_status(raw, node_id, job_id))["status"] == "triggered"
    await admin.advance(22)
    assert (await job_status(raw, node_id, job_id))["status"] == "success"
    assert await fw_version(raw, node_id) == "1.1.0"


async def test_errors(raw: Raw, cloud: Cloud, admin: EmulatorAdmin, owner: str) -> None:
    """Unknown or stale jobs are 105065; bodies, ids and ownership as elsewhere."""
    node_id = cloud.add_node("lightbulb", owner).node_id
    cloud.add_account(OTHER, PASSWORD)
    foreign = cloud.add_node("lightbulb", OTHER).node_id
    stale = cloud.release_ota(node_id, "1.1.0")
    current = cloud.release_ota(node_id, "1.2.0")
    assert (await offer(raw, node_id))["ota_job_id"] == current
    for job_id in (stale, "unknown", cloud.release_ota(foreign, "9.0.0")):
        status, body = await trigger(raw, node_id, job_id)
        assert (status, body) == (
            400,
            {
                "status": "failure",
                "description": "No update available",
                "error_code": 105065,
            },
        )
    status, body = await raw.call(
        "POST", Endpoint.OTA_TRIGGER.path, json={"node_id": node_id}
    )
    assert (status, body["error_code"]) == (400, 105065)
    status, body = await raw.call(
        "GET",
        Endpoint.OTA_STATUS.path,
        params={"node_id": node_id, "ota_job_id": current},
    )
    assert (status, body["error_code"]) == (400, 105065)
    for data in (b"{", b"[1]"):
        status, body = await raw.call("POST", Endpoint.OTA_TRIGGER.path, data=data)
        assert (status, body["error_code"]) == (400, 100006)
    status, body = await raw.call("POST", Endpoint.OTA_TRIGGER.path, json={})
    assert (status, body["error_code"]) == (400, 100009)
    status, body = await trigger(raw, foreign, "x")
    assert (status, body["error_code"]) == (400, 100010)
    for path in (Endpoint.OTA_UPDATE.path, Endpoint.OTA_STATUS.path):
        status, body = await raw.call("GET", path)
        assert (status, body["error_code"]) == (400, 100009)
        status, body = await raw.call("GET", path, params={"nodeid": foreign})
        assert (status, body["error_code"]) == (400, 100010)
        status, _ = await raw.call("GET", path, auth=False)
        assert status == 401
    status, _ = await raw.call("POST", Endpoint.OTA_TRIGGER.path, auth=False, json={})
    assert status == 401
    await admin.settings(string_error_codes=True)
    status, body = await trigger(raw, node_id, stale)
    assert (status, body["error_code"]) == (400, "105065")


async def test_counted_in_stats(raw: Raw, cloud: Cloud, admin: EmulatorAdmin) -> None:
    """The OTA endpoints are counted like the others."""
    node_id = cloud.add_node("lightbulb", EMAIL).node_id
    await offer(raw, node_id)
    await trigger(raw, node_id, "x")
    await raw.call("GET", Endpoint.OTA_STATUS.path, params={"node_id": node_id})
    for endpoint in (Endpoint.OTA_UPDATE, Endpoint.OTA_TRIGGER, Endpoint.OTA_STATUS):
        assert await admin.count(endpoint) == 1


async def test_admin_errors(admin: EmulatorAdmin, cloud: Cloud, owner: str) -> None:
    """The admin calls refuse unknown nodes, missing versions and unknown outcomes."""
    node_id = cloud.add_node("lightbulb", owner).node_id
    with pytest.raises(AdminError, match="404"):
        await admin.release_ota("ghost", "1.1.0")
    with pytest.raises(AdminError, match="fw_version"):
        await admin.release_ota(node_id, "")
    with pytest.raises(AdminError, match="file_size"):
        await admin._call(
            "POST",
            f"/nodes/{node_id}/ota_release",
            {"fw_version": "2.0", "file_size": "big"},
        )
    with pytest.raises(AdminError, match="404"):
        await admin.fail_next_ota("ghost", "failed")
    with pytest.raises(AdminError, match="outcome"):
        await admin.fail_next_ota(node_id, "exploded")
    with pytest.raises(ValueError, match="outcome"):
        cloud.fail_next_ota(node_id, "success")
    assert (await admin.node(node_id))["ota"] == {
        "offered": None,
        "fw_version": None,
        "job": None,
        "fault": None,
    }


async def test_node_without_version_or_ota_service(
    raw: Raw, cloud: Cloud, owner: str
) -> None:
    """A node whose config has no info and no OTA service still updates (nothing to show)."""
    node = cloud.add_node(
        "raw", owner, config={"node_id": "bare", "devices": []}, params={}
    )
    job_id = cloud.release_ota(node.node_id, "0.0.1")
    assert (await offer(raw, node.node_id))["ota_available"] is True
    assert (await trigger(raw, node.node_id, job_id))[0] == 200
    cloud.clock.advance(22)
    assert (await job_status(raw, node.node_id, job_id))["status"] == "success"
    assert node.config == {"node_id": "bare", "devices": []}
    assert node.reported == {}


async def test_removed_node_forgets_its_jobs(cloud: Cloud, owner: str) -> None:
    """Removing a node drops its releases, jobs and faults."""
    node = cloud.add_node("lightbulb", owner)
    other = cloud.add_node("lightbulb", owner)
    job_id = cloud.release_ota(node.node_id, "1.1.0")
    kept = cloud.release_ota(other.node_id, "1.1.0")
    cloud.fail_next_ota(node.node_id, "rejected")
    assert cloud.ota.trigger(cloud.node(node.node_id), job_id, cloud.clock.now())
    cloud.remove_node(node.node_id)
    assert set(cloud.ota.releases) == {kept}
    assert not cloud.ota.jobs
    assert not cloud.ota.running
    assert not cloud.ota.faults


async def test_newer_release_replaces_the_offer(
    raw: Raw, cloud: Cloud, owner: str
) -> None:
    """A newer release is offered instead; a job already under way still finishes."""
    node_id = cloud.add_node("lightbulb", owner).node_id
    first = cloud.release_ota(node_id, "1.1.0")
    assert (await trigger(raw, node_id, first))[0] == 200
    second = cloud.release_ota(node_id, "1.2.0")
    assert (await offer(raw, node_id))["ota_job_id"] == second
    status, body = await trigger(raw, node_id, first)
    assert (status, body["error_code"]) == (400, 105065)
    assert (await trigger(raw, node_id, second))[0] == 200
    cloud.clock.advance(23)
    assert (await job_status(raw, node_id, first))["status"] == "success"
    assert (await job_status(raw, node_id, second))["status"] == "success"
    assert await fw_version(raw, node_id) == "1.2.0"


def test_job_ids_are_unique() -> None:
    """A job id already given out is not given again."""
    ids = iter(["taken", "taken", "fresh"])
    service = OtaService(lambda: next(ids))
    assert service.release("node", "1.0.0") == "taken"
    assert service.release("node", "2.0.0") == "fresh"
