"""Firmware updates for users: offers, starting a job and following it, over HTTP."""

from typing import Any

import pytest

from custom_components.esp_rainmaker.api import (
    OtaJobState,
    OtaUpdate,
    RainMakerClient,
    RainMakerResponseError,
)
from custom_components.esp_rainmaker.api.ota import (
    MAX_TEXT,
    parse_ota_status,
    parse_ota_update,
)
from rainmaker_emulator import Cloud, EmulatorAdmin

from .conftest import EMAIL


async def test_no_offer(client: RainMakerClient, cloud: Cloud) -> None:
    """A node the cloud has nothing for reads as no update."""
    node = cloud.add_node("switch", EMAIL)

    assert await client.check_ota(node.node_id) == OtaUpdate(available=False)


async def test_offer_install_and_follow(
    client: RainMakerClient, cloud: Cloud, admin: EmulatorAdmin
) -> None:
    """An offer names version, job and notes; the job goes through its states."""
    node = cloud.add_node("switch", EMAIL)
    job_id = await admin.release_ota(node.node_id, "2.0.0", "Faster start-up")

    offer = await client.check_ota(node.node_id)
    assert offer.available
    assert (offer.fw_version, offer.job_id) == ("2.0.0", job_id)
    assert offer.description == "Faster start-up"
    assert isinstance(offer.file_size, int)

    await client.start_ota(node.node_id, job_id)
    assert (await client.ota_progress(node.node_id, job_id)).state is (
        OtaJobState.TRIGGERED
    )
    cloud.clock.advance(12)
    progress = await client.ota_progress(node.node_id, job_id)
    assert progress.state is OtaJobState.IN_PROGRESS
    assert progress.percentage is not None
    assert 0 < progress.percentage < 100
    cloud.clock.advance(15)
    done = await client.ota_progress(node.node_id, job_id)
    assert done.state.succeeded
    assert done.state.finished
    assert (await client.get_node(node.node_id)).config.info.fw_version == "2.0.0"
    assert not (await client.check_ota(node.node_id)).available


@pytest.mark.parametrize("outcome", ["failed", "rejected"])
async def test_failed_job_keeps_the_offer(
    client: RainMakerClient, cloud: Cloud, admin: EmulatorAdmin, outcome: str
) -> None:
    """A job the device fails or refuses ends; the same update stays on offer."""
    node = cloud.add_node("switch", EMAIL)
    job_id = await admin.release_ota(node.node_id, "2.0.0")
    await admin.fail_next_ota(node.node_id, outcome)

    await client.start_ota(node.node_id, job_id)
    cloud.clock.advance(30)
    progress = await client.ota_progress(node.node_id, job_id)

    assert progress.state is OtaJobState(outcome)
    assert progress.state.finished
    assert not progress.state.succeeded
    assert progress.info
    assert (await client.check_ota(node.node_id)).available


async def test_start_of_an_unknown_job_is_refused(
    client: RainMakerClient, cloud: Cloud
) -> None:
    """The cloud refuses a job it does not know with its error code."""
    node = cloud.add_node("switch", EMAIL)
    await client.login()

    with pytest.raises(RainMakerResponseError) as caught:
        await client.start_ota(node.node_id, "no-such-job")
    assert caught.value.error_code == 105065


@pytest.mark.parametrize(
    "payload",
    [
        {"ota_available": False},
        {"ota_available": True},
        {"ota_available": True, "fw_version": "2.0", "ota_job_id": ""},
        {"ota_available": 1, "fw_version": "2.0", "ota_job_id": "j"},
        {"ota_available": "true", "fw_version": "2.0", "ota_job_id": "j"},
        {"ota_available": True, "fw_version": 2, "ota_job_id": "j"},
    ],
)
def test_half_an_offer_is_no_offer(payload: dict[str, Any]) -> None:
    """Only `true` with a version and a job is an offer (not 1, not "true")."""
    assert parse_ota_update(payload) == OtaUpdate(available=False)


def test_offer_texts_are_bounded() -> None:
    """Release notes are cut, and a size that is not a whole number is dropped."""
    offer = parse_ota_update(
        {
            "ota_available": True,
            "fw_version": " 2.0 ",
            "ota_job_id": "j",
            "description": "x" * (MAX_TEXT + 10),
            "file_size": True,
        }
    )
    assert offer.fw_version == "2.0"
    assert offer.description is not None
    assert len(offer.description) == MAX_TEXT
    assert offer.file_size is None


@pytest.mark.parametrize("payload", [None, [], "success"])
def test_unreadable_answers_raise(payload: Any) -> None:
    """An answer that is not an object is the cloud's fault, said so."""
    with pytest.raises(RainMakerResponseError):
        parse_ota_update(payload)
    with pytest.raises(RainMakerResponseError):
        parse_ota_status(payload)


@pytest.mark.parametrize(
    ("payload", "state", "percentage"),
    [
        (
            {"status": "IN-PROGRESS", "additional_info": "Downloading 40%"},
            "in-progress",
            40,
        ),
        ({"status": "in-progress", "additional_info": "at 250 %"}, "in-progress", 100),
        ({"status": "completed"}, "completed", None),
        ({"status": "exploded"}, "unknown", None),
        ({"status": 3}, "unknown", None),
        ({"status": "started", "timestamp": -5}, "started", None),
    ],
)
def test_progress_reading(
    payload: dict[str, Any], state: str, percentage: int | None
) -> None:
    """Unknown states stay unknown; the percentage comes from the device's text."""
    progress = parse_ota_status(payload)
    assert progress.state is OtaJobState(state)
    assert progress.percentage == percentage
    assert progress.timestamp is None


async def test_no_update_error_reads_as_no_offer(
    client: RainMakerClient, cloud: Cloud, admin: EmulatorAdmin
) -> None:
    """A cloud that answers "no update available" as an error has no offer."""
    node = cloud.add_node("switch", EMAIL)
    await admin.add_fault(
        path="/v1/user/nodes/ota_update",
        status=400,
        body={"status": "failure", "description": "No update", "error_code": "105065"},
    )

    assert not (await client.check_ota(node.node_id)).available


async def test_other_errors_raise(
    client: RainMakerClient, cloud: Cloud, admin: EmulatorAdmin
) -> None:
    """Any other failure reaches the caller."""
    node = cloud.add_node("switch", EMAIL)
    await admin.add_fault(
        path="/v1/user/nodes/ota_update",
        status=400,
        body={"status": "failure", "description": "Nope", "error_code": 100012},
    )

    with pytest.raises(RainMakerResponseError):
        await client.check_ota(node.node_id)
