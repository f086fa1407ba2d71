"""The coordinator against the emulator: polling, outages, devices, commands, credentials."""

import asyncio
import logging

from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.switch import DOMAIN as SWITCH_DOMAIN
from homeassistant.config_entries import SOURCE_REAUTH
from homeassistant.const import (
    ATTR_ENTITY_ID,
    SERVICE_TURN_OFF,
    SERVICE_TURN_ON,
    STATE_OFF,
    STATE_ON,
    STATE_UNAVAILABLE,
)
from homeassistant.core import Event, EventStateChangedData, HomeAssistant, callback
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers.event import async_track_state_change_event
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.esp_rainmaker.const import CONF_TOKENS, DOMAIN
from rainmaker_emulator import DEMO_EMAIL, DEMO_PASSWORD, Cloud, EmulatorAdmin, Endpoint

from .common import node_device, node_id_named, tick

COFFEE = "switch.coffee_maker"


async def switch(hass: HomeAssistant, service: str, *entity_ids: str) -> None:
    """Call a switch service and wait for it."""
    await hass.services.async_call(
        SWITCH_DOMAIN, service, {ATTR_ENTITY_ID: list(entity_ids)}, blocking=True
    )


def record(hass: HomeAssistant, entity_id: str) -> list[str]:
    """Collect every state an entity takes from now on."""
    states: list[str] = []

    @callback
    def _changed(event: Event[EventStateChangedData]) -> None:
        if (new := event.data["new_state"]) is not None:
            states.append(new.state)

    async_track_state_change_event(hass, [entity_id], _changed)
    return states


@pytest.mark.usefixtures("firmware_checks_later", "init_integration")
async def test_one_request_per_page(
    hass: HomeAssistant,
    admin: EmulatorAdmin,
    cloud: Cloud,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Every poll costs one request per page of ten nodes, nothing else.

    Pages come without configs once they are known; a page holding new nodes is
    asked again with configs, once.
    """
    pages = -(-len(cloud.nodes) // cloud.page_size)
    await admin.reset_stats()
    await tick(hass, freezer, 30)
    assert await admin.stats() == {
        "total": pages,
        "requests": {Endpoint.NODES: pages},
        "config_pages": 0,
    }

    cloud.seed(DEMO_EMAIL, DEMO_PASSWORD, switches=16)  # one page more, or two
    pages_now = -(-len(cloud.nodes) // cloud.page_size)
    await admin.reset_stats()
    await tick(hass, freezer, 30)
    assert await admin.count(Endpoint.NODES) <= 2 * pages_now
    assert hass.states.get("switch.coffee_maker_16").state == STATE_OFF
    await admin.reset_stats()
    await tick(hass, freezer, 30)
    assert await admin.stats() == {
        "total": pages_now,
        "requests": {Endpoint.NODES: pages_now},
        "config_pages": 0,
    }


@pytest.mark.usefixtures("init_integration")
async def test_outage_logged_once_and_recovered(
    hass: HomeAssistant,
    admin: EmulatorAdmin,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """An outage makes entities unavailable with one log line; recovery logs once."""
    caplog.set_level(logging.INFO, logger="custom_components.esp_rainmaker")
    await admin.add_fault(
        path=Endpoint.NODES.path, status=502, body="<html>Bad Gateway</html>"
    )
    for _ in range(4):
        await tick(hass, freezer, 30)
    assert hass.states.get(COFFEE).state == STATE_UNAVAILABLE

    await admin.clear_faults()
    await tick(hass, freezer, 30)
    assert hass.states.get(COFFEE).state == STATE_OFF

    ours = [
        r
        for r in caplog.records
        if r.name.startswith("custom_components.esp_rainmaker")
    ]
    assert [r.levelno for r in ours] == [logging.ERROR, logging.INFO]
    assert "Traceback" not in caplog.text


@pytest.mark.usefixtures("init_integration")
async def test_offline_node(
    hass: HomeAssistant,
    admin: EmulatorAdmin,
    cloud: Cloud,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Only the offline node's entities go unavailable; its connectivity shows it."""
    await admin.set_online(node_id_named(cloud, "Patio"), False)
    await tick(hass, freezer, 30)

    assert hass.states.get("switch.patio_repellers").state == STATE_UNAVAILABLE
    assert hass.states.get("sensor.patio_status").state == STATE_UNAVAILABLE
    assert hass.states.get("binary_sensor.patio_connectivity").state == STATE_OFF
    assert hass.states.get("switch.back_yard_repellers").state == STATE_OFF
    assert hass.states.get(COFFEE).state == STATE_OFF

    await admin.set_online(node_id_named(cloud, "Patio"), True)
    await tick(hass, freezer, 30)
    assert hass.states.get("switch.patio_repellers").state == STATE_OFF
    assert hass.states.get("binary_sensor.patio_connectivity").state == STATE_ON


async def test_new_and_removed_nodes(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    admin: EmulatorAdmin,
    cloud: Cloud,
    freezer: FrozenDateTimeFactory,
    entity_registry: er.EntityRegistry,
) -> None:
    """New nodes get entities without a reload; nodes gone lose their device."""
    node_id = await admin.add_node("plug", DEMO_EMAIL, name="Kettle")
    await tick(hass, freezer, 30)
    assert hass.states.get("switch.kettle").state == STATE_OFF
    assert node_device(hass, node_id) is not None

    await admin.remove_node(node_id)
    await tick(hass, freezer, 30)
    assert node_device(hass, node_id) is None
    assert entity_registry.async_get("switch.kettle") is None
    assert hass.states.get("switch.kettle") is None

    await admin.add_node("plug", DEMO_EMAIL, name="Kettle", node_id=node_id)
    await tick(hass, freezer, 30)
    assert hass.states.get("switch.kettle").state == STATE_OFF


@pytest.mark.usefixtures("init_integration")
async def test_malformed_node_is_kept(
    hass: HomeAssistant,
    admin: EmulatorAdmin,
    cloud: Cloud,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A node that turns unreadable keeps its device and last state; one warning."""
    node_id = node_id_named(cloud, "Coffee Maker")
    await admin.set_config(node_id, {"devices": "broken"})
    await tick(hass, freezer, 3600)  # configs are read again every hour
    for _ in range(3):
        await tick(hass, freezer, 30)

    assert node_device(hass, node_id) is not None
    assert hass.states.get(COFFEE).state == STATE_OFF
    assert hass.states.get("switch.patio_repellers").state == STATE_OFF
    warnings = [
        r
        for r in caplog.records
        if r.levelno == logging.WARNING and r.name.startswith("custom_components")
    ]
    assert len(warnings) == 1


@pytest.mark.usefixtures("init_integration")
async def test_cut_listing_keeps_the_nodes_it_did_not_reach(
    hass: HomeAssistant,
    admin: EmulatorAdmin,
    cloud: Cloud,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A listing cut short (a `total` that lies) removes no device and no state."""
    last = max(cloud.nodes)  # the node of the last page (pages follow the ids)
    await admin.settings(page_size=2, reported_total=2)
    for _ in range(3):
        await tick(hass, freezer, 30)

    coordinator = hass.config_entries.async_entries(DOMAIN)[0].runtime_data.coordinator
    assert coordinator.last_update_success
    assert last in coordinator.data
    assert node_device(hass, last) is not None
    assert len(coordinator.data) == len(cloud.nodes)


async def test_empty_account_then_first_node(
    hass: HomeAssistant,
    emulator: object,
    cloud: Cloud,
    admin: EmulatorAdmin,
    freezer: FrozenDateTimeFactory,
) -> None:
    """An account without nodes polls, and its first node appears by itself."""
    account = cloud.add_account("empty@example.com", "empty-pass-123")
    entry = MockConfigEntry(
        domain=DOMAIN,
        unique_id=account.user_id,
        data={
            "url": admin.base_url,
            "username": account.email,
            "password": "empty-pass-123",
        },
    )
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()

    await admin.add_node("switch", account.email, name="First")
    await tick(hass, freezer, 30)

    assert hass.states.get("switch.first").state == STATE_OFF


async def test_scene_of_twenty_switches_is_one_put(
    hass: HomeAssistant,
    cloud: Cloud,
    mock_config_entry: MockConfigEntry,
    admin: EmulatorAdmin,
) -> None:
    """Twenty commands issued together go out as one bulk write."""
    cloud.seed(DEMO_EMAIL, DEMO_PASSWORD, switches=20)
    mock_config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    entity_ids = [f"switch.coffee_maker_{number}" for number in range(1, 21)]
    await admin.reset_stats()

    await asyncio.gather(
        *(switch(hass, SERVICE_TURN_ON, entity_id) for entity_id in entity_ids)
    )

    assert await admin.count(Endpoint.SET_PARAMS) == 1
    assert all(hass.states.get(entity_id).state == STATE_ON for entity_id in entity_ids)
    writes = sum(len(node.writes) for node in cloud.nodes.values())
    assert writes == 20

    await switch(hass, SERVICE_TURN_OFF, *entity_ids)
    assert await admin.count(Endpoint.SET_PARAMS) == 2


@pytest.mark.usefixtures("init_integration")
async def test_optimistic_state_never_flickers(
    hass: HomeAssistant,
    admin: EmulatorAdmin,
    cloud: Cloud,
    freezer: FrozenDateTimeFactory,
) -> None:
    """The written value shows at once and stays while the device takes its time."""
    cloud.settings.apply_delay = 3.0
    states = record(hass, COFFEE)
    await admin.reset_stats()

    await switch(hass, SERVICE_TURN_ON, COFFEE)
    assert states == [STATE_ON]

    for _ in range(18):  # polls at 0.25, 0.5, 1, 2 s see the old value, at 4 s the new
        await tick(hass, freezer, 0.25)
    assert states == [STATE_ON]
    assert (
        cloud.node(node_id_named(cloud, "Coffee Maker")).reported["Switch"]["Power"]
        is True
    )
    coordinator = hass.config_entries.async_entries(DOMAIN)[0].runtime_data.coordinator
    assert coordinator.pending_writes == 0

    polls = await admin.count(Endpoint.NODES)
    for _ in range(20):
        await tick(hass, freezer, 1)
    assert (
        await admin.count(Endpoint.NODES) == polls
    )  # confirmed: no more confirmation polls
    assert states == [STATE_ON]


@pytest.mark.usefixtures("init_integration")
async def test_quick_on_off_never_shows_the_overtaken_value(
    hass: HomeAssistant,
    cloud: Cloud,
    admin: EmulatorAdmin,
    freezer: FrozenDateTimeFactory,
) -> None:
    """On, then off before either is applied: a poll that reports `on` is not shown."""
    cloud.settings.apply_delay = 60.0  # the test plays the device
    node_id = node_id_named(cloud, "Coffee Maker")
    coordinator = hass.config_entries.async_entries(DOMAIN)[0].runtime_data.coordinator
    states = record(hass, COFFEE)

    await switch(hass, SERVICE_TURN_ON, COFFEE)
    await switch(hass, SERVICE_TURN_OFF, COFFEE)
    # The device applies `on` first, and a poll sees it before `off` arrives.
    await admin.set_params(node_id, {"Switch": {"Power": True}})
    await coordinator.async_refresh()
    assert hass.states.get(COFFEE).state == STATE_OFF
    assert coordinator.pending_writes == 1

    await admin.set_params(node_id, {"Switch": {"Power": False}})
    await tick(hass, freezer, 1)
    assert coordinator.pending_writes == 0
    assert states == [STATE_ON, STATE_OFF]


@pytest.mark.usefixtures("init_integration")
async def test_unconfirmed_write_gives_way_after_the_timeout(
    hass: HomeAssistant, cloud: Cloud, freezer: FrozenDateTimeFactory
) -> None:
    """A device that never applies the write shows the cloud's value after ~15 s."""
    cloud.settings.apply_delay = 60.0
    await switch(hass, SERVICE_TURN_ON, COFFEE)
    await tick(hass, freezer, 14)
    assert hass.states.get(COFFEE).state == STATE_ON

    await tick(hass, freezer, 1.5)
    assert hass.states.get(COFFEE).state == STATE_OFF

    await tick(hass, freezer, 45)
    assert hass.states.get(COFFEE).state == STATE_ON


@pytest.mark.usefixtures("init_integration")
async def test_failed_write_reverts(
    hass: HomeAssistant, admin: EmulatorAdmin, cloud: Cloud
) -> None:
    """A write the cloud refuses reverts the shown state and raises a translated error."""
    node_id = node_id_named(cloud, "Coffee Maker")
    await admin.add_fault(
        method="PUT",
        status=200,
        times=1,
        body=[
            {
                "node_id": node_id,
                "status": "failure",
                "description": "Updating node parameter failed",
                "error_code": 102002,
            }
        ],
    )
    states = record(hass, COFFEE)

    with pytest.raises(HomeAssistantError) as err:
        await switch(hass, SERVICE_TURN_ON, COFFEE)

    assert err.value.translation_key == "command_failed"
    assert err.value.translation_placeholders == {
        "name": "Coffee Maker",
        "error": "Updating node parameter failed",
    }
    assert states == [STATE_ON, STATE_OFF]
    assert cloud.node(node_id).reported["Switch"]["Power"] is False


@pytest.mark.usefixtures("init_integration")
async def test_partial_bulk_failure(
    hass: HomeAssistant, admin: EmulatorAdmin, cloud: Cloud
) -> None:
    """Only the node that failed reverts; the error names it."""
    good, bad = (
        node_id_named(cloud, "Coffee Maker"),
        node_id_named(cloud, "Garden Lights"),
    )
    await admin.add_fault(
        method="PUT",
        status=207,
        times=1,
        body=[
            {"node_id": good, "status": "success", "description": "ok"},
            {
                "node_id": bad,
                "status": "failure",
                "description": "Node is busy",
                "error_code": 102002,
            },
        ],
    )

    results = await asyncio.gather(
        switch(hass, SERVICE_TURN_ON, COFFEE),
        switch(hass, SERVICE_TURN_ON, "switch.garden_lights"),
        return_exceptions=True,
    )

    assert results[0] is None
    assert isinstance(results[1], HomeAssistantError)
    assert results[1].translation_placeholders == {
        "name": "Garden Lights",
        "error": "Node is busy",
    }
    assert hass.states.get(COFFEE).state == STATE_ON
    assert hass.states.get("switch.garden_lights").state == STATE_OFF


@pytest.mark.usefixtures("init_integration")
async def test_write_during_outage_is_not_replayed(
    hass: HomeAssistant,
    admin: EmulatorAdmin,
    cloud: Cloud,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A write that fails in an outage is raised, reverted, and never sent later."""
    await admin.add_fault(method="PUT", status=503, body="<html>down</html>")
    with pytest.raises(HomeAssistantError):
        await switch(hass, SERVICE_TURN_ON, COFFEE)
    await admin.clear_faults()
    for _ in range(3):
        await tick(hass, freezer, 30)

    assert await admin.count(Endpoint.SET_PARAMS) == 1
    assert hass.states.get(COFFEE).state == STATE_OFF
    assert cloud.node(node_id_named(cloud, "Coffee Maker")).writes == []


async def test_invalid_value_raises_before_any_request(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    admin: EmulatorAdmin,
    cloud: Cloud,
) -> None:
    """Values the node's metadata forbids are refused without a request."""
    coordinator = init_integration.runtime_data.coordinator
    await admin.reset_stats()

    with pytest.raises(ServiceValidationError) as err:
        await coordinator.async_send(
            node_id_named(cloud, "Desk Lamp"), "Light", {"Brightness": 500}
        )
    assert err.value.translation_key == "invalid_value"
    with pytest.raises(ServiceValidationError):
        await coordinator.async_send(
            node_id_named(cloud, "Patio"), "LIV Hub", {"LED Saturation": 5}
        )
    with pytest.raises(HomeAssistantError) as missing:
        await coordinator.async_send("no-such-node", "Light", {"Power": True})
    assert missing.value.translation_key == "node_not_found"

    assert (await admin.stats())["total"] == 0


@pytest.mark.usefixtures("init_integration")
async def test_token_expiry_and_revocation_are_silent(
    hass: HomeAssistant,
    admin: EmulatorAdmin,
    cloud: Cloud,
    mock_config_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Expired access tokens refresh and revoked refresh tokens log in again, unseen."""
    first = dict(mock_config_entry.data[CONF_TOKENS])
    await tick(hass, freezer, 3600)  # the access token expired: refreshed
    refreshed = dict(mock_config_entry.data[CONF_TOKENS])
    assert refreshed["access_token"] != first["access_token"]
    assert refreshed["refresh_token"] == first["refresh_token"]

    await admin.revoke_tokens(DEMO_EMAIL, refresh=True, access=True)
    await tick(hass, freezer, 30)
    assert (
        mock_config_entry.data[CONF_TOKENS]["refresh_token"] != first["refresh_token"]
    )

    assert hass.states.get(COFFEE).state == STATE_OFF
    assert not hass.config_entries.flow.async_progress()
    assert not [
        r
        for r in caplog.records
        if r.levelno >= logging.WARNING and r.name != "asyncio"
    ]


@pytest.mark.usefixtures("init_integration")
async def test_password_changed_starts_one_reauth(
    hass: HomeAssistant, admin: EmulatorAdmin, freezer: FrozenDateTimeFactory
) -> None:
    """A changed password starts exactly one reauth flow and stops trying the old one."""
    await admin.set_password(DEMO_EMAIL, "changed-password-1")
    await admin.reset_stats()
    for _ in range(5):
        await tick(hass, freezer, 30)

    flows = hass.config_entries.flow.async_progress()
    assert [flow["context"]["source"] for flow in flows] == [SOURCE_REAUTH]
    assert hass.states.get(COFFEE).state == STATE_UNAVAILABLE
    # One refused refresh and one refused password login, then silence.
    assert await admin.count(Endpoint.LOGIN) == 2


@pytest.mark.usefixtures("init_integration")
async def test_throttled_poll(
    hass: HomeAssistant, admin: EmulatorAdmin, freezer: FrozenDateTimeFactory
) -> None:
    """A long Retry-After pauses polling without hammering the cloud."""
    await admin.add_fault(
        path=Endpoint.NODES.path, status=429, headers={"Retry-After": "120"}
    )
    await admin.reset_stats()
    await tick(hass, freezer, 30)
    assert hass.states.get(COFFEE).state == STATE_UNAVAILABLE
    await tick(hass, freezer, 30)
    await tick(hass, freezer, 30)
    assert await admin.count(Endpoint.NODES) == 1

    await admin.clear_faults()
    await tick(hass, freezer, 90)  # past the 120 s the cloud asked for
    assert hass.states.get(COFFEE).state == STATE_OFF


async def test_confirmation_fetches_only_the_written_node(
    hass: HomeAssistant,
    cloud: Cloud,
    mock_config_entry: MockConfigEntry,
    admin: EmulatorAdmin,
    freezer: FrozenDateTimeFactory,
) -> None:
    """With several pages, a write is confirmed by reading its node alone."""
    cloud.seed(DEMO_EMAIL, DEMO_PASSWORD, switches=16)  # 23 nodes: 3 pages
    freezer.move_to("2031-06-01T12:00:00+00:00")
    mock_config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    await admin.reset_stats()

    await switch(hass, SERVICE_TURN_ON, COFFEE)
    await tick(hass, freezer, 0.3)

    assert await admin.stats() == {
        "total": 2,
        "requests": {Endpoint.SET_PARAMS: 1, Endpoint.NODES: 1},
        "config_pages": 0,
    }
    assert mock_config_entry.runtime_data.coordinator.pending_writes == 0
    assert hass.states.get(COFFEE).state == STATE_ON

    # When reading the node fails, the whole account is polled instead.
    await switch(hass, SERVICE_TURN_OFF, COFFEE)
    await admin.add_fault(path=Endpoint.NODES.path, status=500, times=3)
    await tick(hass, freezer, 0.3)
    assert mock_config_entry.runtime_data.coordinator.pending_writes == 0
    assert hass.states.get(COFFEE).state == STATE_OFF


@pytest.mark.parametrize("stage", ["queued", "in flight"])
async def test_unload_during_a_command(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    admin: EmulatorAdmin,
    freezer: FrozenDateTimeFactory,
    stage: str,
) -> None:
    """A command cut off by unloading the entry is a translated error, not a bare cancel."""
    if stage == "in flight":
        # The cloud holds the write for a minute of (frozen) time.
        await admin.add_fault(
            method="PUT", path=Endpoint.SET_PARAMS.path, delay_ms=60e3
        )
    call = hass.async_create_task(switch(hass, SERVICE_TURN_ON, COFFEE))
    await asyncio.sleep(0)  # the command reaches the batcher
    if stage == "in flight":
        for _ in range(100):
            if await admin.count(Endpoint.SET_PARAMS):
                break
            await asyncio.sleep(0)
        else:
            pytest.fail("the write never reached the cloud")

    await hass.config_entries.async_unload(init_integration.entry_id)

    try:
        with pytest.raises(HomeAssistantError) as raised:
            await call
    finally:
        await tick(hass, freezer, 60)  # the cloud's answer, to nobody
    assert raised.value.translation_key == "command_cancelled"
    assert raised.value.translation_placeholders == {"name": "Coffee Maker"}
