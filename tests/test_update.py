"""Firmware update entities: offers checked rarely, installs followed to the end."""

import asyncio
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.update import (
    ATTR_IN_PROGRESS,
    ATTR_INSTALLED_VERSION,
    ATTR_LATEST_VERSION,
    ATTR_RELEASE_SUMMARY,
    ATTR_UPDATE_PERCENTAGE,
)
from homeassistant.const import ATTR_ENTITY_ID, STATE_OFF, STATE_ON, Platform
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    snapshot_platform,
)
from pytest_homeassistant_custom_component.typing import WebSocketGenerator
from syrupy.assertion import SnapshotAssertion

from custom_components.esp_rainmaker import firmware
from custom_components.esp_rainmaker.const import (
    FIRMWARE_CHECK_INTERVAL,
    FIRMWARE_CHECK_SPACING,
    FIRMWARE_FIRST_CHECK,
    FIRMWARE_PROGRESS_INTERVAL,
)
from rainmaker_emulator import Cloud, EmulatorAdmin, Endpoint
from rainmaker_emulator.seeding import DEMO_RELEASE_NOTES

from .common import node_id_named, start_action, tick

PATIO = "update.patio_firmware"
BACK_YARD = "update.back_yard_firmware"


@pytest.fixture
def platforms() -> list[Platform]:
    """Only the update platform."""
    return [Platform.UPDATE]


async def check_round(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, cloud: Cloud, first: float
) -> None:
    """Run a whole round of checks, starting `first` seconds from now."""
    await tick(hass, freezer, first)
    for _ in range(len(cloud.nodes)):
        await tick(hass, freezer, FIRMWARE_CHECK_SPACING)


async def install(
    hass: HomeAssistant, entity_id: str
) -> tuple["asyncio.Future[Any]", set["asyncio.Task[Any]"]]:
    """Start installing, without waiting (the install waits on the clock)."""
    return await start_action(hass, "update", "install", {ATTR_ENTITY_ID: entity_id})


async def follow(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    job: tuple["asyncio.Future[Any]", set["asyncio.Task[Any]"]],
) -> list[dict[str, Any]]:
    """Move the clock until the install ends; return the entity's states meanwhile."""
    call, running = job
    seen = []
    for _ in range(12):
        await tick(hass, freezer, FIRMWARE_PROGRESS_INTERVAL, running=running)
        seen.append(dict(hass.states.get(PATIO).attributes))
        if call.done():
            break
    return seen


async def test_snapshot(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    cloud: Cloud,
    entity_registry: er.EntityRegistry,
    snapshot: SnapshotAssertion,
) -> None:
    """Every update entity, its registry entry and state, once offers are known."""
    await check_round(hass, freezer, cloud, FIRMWARE_FIRST_CHECK)
    await snapshot_platform(hass, entity_registry, snapshot, init_integration.entry_id)


@pytest.mark.usefixtures("init_integration")
async def test_offers_are_checked_rarely(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    cloud: Cloud,
    admin: EmulatorAdmin,
) -> None:
    """Nothing is asked at start-up; a round asks once per node, hours apart."""
    assert hass.states.get(PATIO).state == "unknown"
    assert await admin.count(Endpoint.OTA_UPDATE) == 0

    await check_round(hass, freezer, cloud, FIRMWARE_FIRST_CHECK)

    assert await admin.count(Endpoint.OTA_UPDATE) == len(cloud.nodes)
    patio = hass.states.get(PATIO)
    assert patio.state == STATE_ON
    assert patio.attributes[ATTR_INSTALLED_VERSION] == "5.4.7"
    assert patio.attributes[ATTR_LATEST_VERSION] == "5.5.0"
    assert patio.attributes[ATTR_RELEASE_SUMMARY] == DEMO_RELEASE_NOTES
    assert hass.states.get(BACK_YARD).state == STATE_OFF

    # Polls in between ask nothing about firmware.
    await tick(hass, freezer, 3600)
    assert await admin.count(Endpoint.OTA_UPDATE) == len(cloud.nodes)
    await check_round(
        hass, freezer, cloud, FIRMWARE_CHECK_INTERVAL.total_seconds() - 3600
    )
    assert await admin.count(Endpoint.OTA_UPDATE) == 2 * len(cloud.nodes)


@pytest.mark.usefixtures("init_integration")
async def test_release_notes(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    cloud: Cloud,
    hass_ws_client: WebSocketGenerator,
) -> None:
    """The release notes are the cloud's description of the update."""
    await check_round(hass, freezer, cloud, FIRMWARE_FIRST_CHECK)
    client = await hass_ws_client(hass)

    await client.send_json_auto_id({"type": "update/release_notes", "entity_id": PATIO})
    result = await client.receive_json()

    assert result["result"] == DEMO_RELEASE_NOTES


@pytest.mark.usefixtures("init_integration")
async def test_install_shows_progress_and_ends_up_to_date(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, cloud: Cloud
) -> None:
    """The job is followed with its percentage; the node then runs the new version."""
    await check_round(hass, freezer, cloud, FIRMWARE_FIRST_CHECK)

    job = await install(hass, PATIO)
    seen = await follow(hass, freezer, job)
    await job[0]
    await tick(hass, freezer, 30)  # the node reboots into the new firmware

    assert any(
        state[ATTR_IN_PROGRESS] and state[ATTR_UPDATE_PERCENTAGE] for state in seen
    )
    patio = hass.states.get(PATIO)
    assert patio.state == STATE_OFF
    assert patio.attributes[ATTR_INSTALLED_VERSION] == "5.5.0"
    assert patio.attributes[ATTR_IN_PROGRESS] is False


@pytest.mark.parametrize("outcome", ["failed", "rejected"])
@pytest.mark.usefixtures("init_integration")
async def test_failed_install_is_reported_and_can_be_retried(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    cloud: Cloud,
    admin: EmulatorAdmin,
    outcome: str,
) -> None:
    """A failed or refused job is a translated error; the update stays offered."""
    await check_round(hass, freezer, cloud, FIRMWARE_FIRST_CHECK)
    await admin.fail_next_ota(node_id_named(cloud, "Patio"), outcome)

    job = await install(hass, PATIO)
    await follow(hass, freezer, job)
    with pytest.raises(HomeAssistantError) as caught:
        await job[0]
    assert caught.value.translation_key == "firmware_update_failed"
    assert caught.value.translation_placeholders["state"] == outcome
    patio = hass.states.get(PATIO)
    assert patio.state == STATE_ON
    assert patio.attributes[ATTR_IN_PROGRESS] is False

    retry = await install(hass, PATIO)
    await follow(hass, freezer, retry)
    await retry[0]
    await tick(hass, freezer, 30)
    assert hass.states.get(PATIO).attributes[ATTR_INSTALLED_VERSION] == "5.5.0"


@pytest.mark.usefixtures("init_integration")
async def test_new_version_ends_the_install_when_the_job_cannot_be_read(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    cloud: Cloud,
    admin: EmulatorAdmin,
) -> None:
    """The node reporting the offered version ends the install, job status or not."""
    await check_round(hass, freezer, cloud, FIRMWARE_FIRST_CHECK)
    await admin.add_fault(path="/v1/user/nodes/ota_status", status=500)

    job = await install(hass, PATIO)
    await follow(hass, freezer, job)
    await job[0]
    await tick(hass, freezer, 30)

    assert hass.states.get(PATIO).attributes[ATTR_INSTALLED_VERSION] == "5.5.0"


@pytest.mark.usefixtures("init_integration")
async def test_install_that_never_ends_times_out(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    cloud: Cloud,
    admin: EmulatorAdmin,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A job that stays triggered (the node is gone offline) ends with an error."""
    await check_round(hass, freezer, cloud, FIRMWARE_FIRST_CHECK)
    monkeypatch.setattr(firmware, "MAX_PROGRESS_CHECKS", 3)
    await admin.set_online(node_id_named(cloud, "Patio"), False)

    job = await install(hass, PATIO)
    await follow(hass, freezer, job)
    with pytest.raises(HomeAssistantError) as caught:
        await job[0]
    assert caught.value.translation_key == "firmware_update_timeout"


@pytest.mark.usefixtures("init_integration")
async def test_a_start_the_cloud_refuses(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    cloud: Cloud,
    admin: EmulatorAdmin,
) -> None:
    """A job the cloud will not start is a translated error, and nothing runs."""
    await check_round(hass, freezer, cloud, FIRMWARE_FIRST_CHECK)
    await admin.add_fault(method="POST", path="/v1/user/nodes/ota_update", status=400)

    with pytest.raises(HomeAssistantError) as caught:
        await hass.services.async_call(
            "update", "install", {ATTR_ENTITY_ID: PATIO}, blocking=True
        )
    assert caught.value.translation_key == "firmware_start_failed"
    assert hass.states.get(PATIO).attributes[ATTR_IN_PROGRESS] is False


@pytest.mark.usefixtures("init_integration")
async def test_a_failed_check_keeps_the_last_offer(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    cloud: Cloud,
    admin: EmulatorAdmin,
) -> None:
    """A round whose checks fail leaves what the last round found."""
    await check_round(hass, freezer, cloud, FIRMWARE_FIRST_CHECK)
    await admin.add_fault(path="/v1/user/nodes/ota_update", status=500)

    await check_round(hass, freezer, cloud, FIRMWARE_CHECK_INTERVAL.total_seconds())

    assert hass.states.get(PATIO).state == STATE_ON


async def test_a_node_that_leaves_is_forgotten(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    cloud: Cloud,
    init_integration: MockConfigEntry,
) -> None:
    """Offers of nodes no longer on the account are dropped at the next check."""
    await check_round(hass, freezer, cloud, FIRMWARE_FIRST_CHECK)
    cloud.remove_node(node_id_named(cloud, "Patio"))
    await tick(hass, freezer, 30)
    await check_round(hass, freezer, cloud, FIRMWARE_CHECK_INTERVAL.total_seconds())

    offers = init_integration.runtime_data.firmware.data
    assert node_id_named(cloud, "Back Yard") in offers
    assert len(offers) == len(cloud.nodes)
