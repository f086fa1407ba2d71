"""The fault matrix: every way the cloud misbehaves, with the same promises kept.

Each scenario checks the entities during and after the fault, recovery within one
poll interval after the fault clears, no traceback in the log, at most one log line
per unavailable/available transition, and that the emulator saw no more requests
than the client's token bucket (burst 20, 10/s) allows. Time is frozen and moved
poll by poll; the one scenario that needs time to pass inside a request (a
timeout) runs on the real clock. The pauses the client takes inside a poll for a
short Retry-After are measured in real time by tests/api/test_client.py.
"""

from collections.abc import Collection
from datetime import timedelta
from email.utils import format_datetime
import logging
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.switch import DOMAIN as SWITCH_DOMAIN
from homeassistant.config_entries import SOURCE_REAUTH, ConfigEntryState
from homeassistant.const import (
    ATTR_ENTITY_ID,
    CONF_PASSWORD,
    SERVICE_TURN_ON,
    STATE_OFF,
    STATE_ON,
    STATE_UNAVAILABLE,
    STATE_UNKNOWN,
)
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers.update_coordinator import UpdateFailed
from homeassistant.util import dt as dt_util, slugify
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
)

from custom_components.esp_rainmaker.api.rate_limit import MAX_PAUSE
from custom_components.esp_rainmaker.const import CONF_TOKENS, DOMAIN
from rainmaker_emulator import DEMO_EMAIL, Cloud, EmulatorAdmin, Endpoint
from tests.common import node_device, node_id_named, tick
from tests.conftest import FROZEN_AT
from tests.reliability.faults import HTML, LISTING, TRANSIENT_FAULTS
from tests.reliability.invariants import (
    assert_clean_log,
    assert_request_rate,
    our_records,
)

POLL = 30
# Polls until a pause of MAX_PAUSE (15 min) is over and one more poll succeeded.
MAX_PAUSE_POLLS = int(MAX_PAUSE // POLL) + 2
COFFEE = "switch.coffee_maker"
GARDEN = "switch.garden_lights"
NEW_PASSWORD = "a-brand-new-pass"
# Demo devices whose readings (and thermostats, whose rooms) follow the clock.
CLOCK_DRIVEN = (
    "Greenhouse",
    "Hallway Thermostat",
    "Bedroom AC",
    "Bathroom Humidity",
    "Back Door",
    "Hall Motion",
    "Desk Plug",
    "Air Monitor",
)
UNKNOWN_STATES = (STATE_UNAVAILABLE, STATE_UNKNOWN)


def entity_states(hass: HomeAssistant, entry: MockConfigEntry) -> dict[str, str]:
    """State of every enabled entity of the entry."""
    return {
        e.entity_id: hass.states.get(e.entity_id).state  # type: ignore[union-attr]
        for e in er.async_entries_for_config_entry(er.async_get(hass), entry.entry_id)
        if not e.disabled_by
    }


@pytest.fixture(autouse=True)
def log_everything(caplog: pytest.LogCaptureFixture) -> None:
    """Capture the integration's records from INFO up."""
    caplog.set_level(logging.INFO, logger="custom_components.esp_rainmaker")


def _follows_the_clock(entity_id: str) -> bool:
    object_id = entity_id.split(".", 1)[1]
    return any(object_id.startswith(slugify(name)) for name in CLOCK_DRIVEN)


def assert_same_states(
    before: dict[str, str], after: dict[str, str], *, ignoring: Collection[str] = ()
) -> None:
    """Every entity not ignored shows what it showed before.

    Readings of devices that follow the clock change meanwhile: they only have to
    be known again where they were known before. Update entities learn their
    offers a minute after start-up: they only have to be as available as before.
    """
    before = {k: v for k, v in before.items() if k not in ignoring}
    after = {k: v for k, v in after.items() if k not in ignoring}
    assert after.keys() == before.keys()
    # Firmware offers are looked at on a clock of their own (the first time a minute
    # after start-up): an update entity only has to be as available as before.
    for entity_id in [k for k in before if k.startswith("update.")]:
        was, now = before.pop(entity_id), after.pop(entity_id)
        assert (now == STATE_UNAVAILABLE) == (was == STATE_UNAVAILABLE), entity_id
    for entity_id in [k for k in before if _follows_the_clock(k)]:
        was, now = before.pop(entity_id), after.pop(entity_id)
        assert (now in UNKNOWN_STATES) == (was in UNKNOWN_STATES), entity_id
    assert after == before


def assert_all_unavailable(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    """Every entity of the entry is unavailable."""
    assert set(entity_states(hass, entry).values()) == {STATE_UNAVAILABLE}


async def fault_then_recovery(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    admin: EmulatorAdmin,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
    fault: dict[str, Any],
) -> None:
    """Three polls under the fault (everything unavailable), then one without.

    One log line when the cloud becomes unreachable (none for the later failed
    polls), one when it is back.
    """
    before = entity_states(hass, entry)
    await admin.reset_stats()
    await admin.add_fault(**fault)
    for _ in range(3):
        await tick(hass, freezer, POLL)
        assert_all_unavailable(hass, entry)
        assert len(our_records(caplog)) <= 1
    await admin.clear_faults()
    await tick(hass, freezer, POLL)
    assert_same_states(before, entity_states(hass, entry))


@pytest.mark.parametrize(
    "fault", list(TRANSIENT_FAULTS.values()), ids=list(TRANSIENT_FAULTS)
)
async def test_transient_fault(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    admin: EmulatorAdmin,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
    fault: dict[str, Any],
) -> None:
    """Unavailable during the fault, back within one poll, two log lines, polite."""
    await fault_then_recovery(
        hass, init_integration, admin, freezer, caplog, {"path": LISTING, **fault}
    )

    assert_clean_log(caplog, transitions=2)
    await assert_request_rate(admin)
    assert not hass.config_entries.flow.async_progress()


@pytest.mark.parametrize("form", ["seconds", "HTTP date"])
async def test_long_retry_after_is_honoured(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    admin: EmulatorAdmin,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
    form: str,
) -> None:
    """Told to wait two minutes, the client sends nothing until then, then recovers."""
    before = entity_states(hass, init_integration)
    # The throttled request is the next poll's, one interval from now.
    until = dt_util.utcnow() + timedelta(seconds=POLL + 120)
    retry_after = "120" if form == "seconds" else format_datetime(until, usegmt=True)
    await admin.reset_stats()
    await admin.add_fault(
        path=LISTING, status=429, headers={"Retry-After": retry_after}, times=1
    )
    await tick(hass, freezer, POLL)
    assert_all_unavailable(hass, init_integration)
    for _ in range(4):
        await tick(hass, freezer, POLL)

    assert_same_states(before, entity_states(hass, init_integration))
    throttled, *later = await admin.arrivals()
    assert later
    assert min(later) - throttled >= 119  # an HTTP date has whole seconds
    assert_clean_log(caplog, transitions=2)
    await assert_request_rate(admin)


@pytest.mark.parametrize(
    "retry_after",
    ["86400", "Fri, 31 Dec 9999 23:59:59 GMT"],
    ids=["a day", "year 9999"],
)
async def test_absurd_retry_after_stops_no_one_for_long(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    admin: EmulatorAdmin,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
    retry_after: str,
) -> None:
    """A wait of a day or centuries is cut to 15 minutes, which the reason states."""
    before = entity_states(hass, init_integration)
    await admin.add_fault(
        path=LISTING, status=429, headers={"Retry-After": retry_after}, times=1
    )
    await tick(hass, freezer, POLL)
    assert_all_unavailable(hass, init_integration)
    reason = init_integration.runtime_data.coordinator.last_exception
    assert isinstance(reason, UpdateFailed)
    assert reason.translation_key == "rate_limited"
    assert reason.translation_placeholders == {"seconds": "900"}
    assert "900 s" in str(reason)

    for _ in range(MAX_PAUSE_POLLS):
        await tick(hass, freezer, POLL)
    assert_same_states(before, entity_states(hass, init_integration))
    assert_clean_log(caplog, transitions=2)
    await assert_request_rate(admin)


@pytest.mark.parametrize("retry_after", ["inf", "nan", "1e400", "-inf"])
async def test_unusable_retry_after_is_ignored(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    admin: EmulatorAdmin,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
    retry_after: str,
) -> None:
    """A Retry-After that is no number of seconds means the usual back-off."""
    before = entity_states(hass, init_integration)
    await admin.add_fault(
        path=LISTING, status=429, headers={"Retry-After": retry_after}, times=1
    )
    await tick(hass, freezer, POLL)
    assert_same_states(before, entity_states(hass, init_integration))
    assert init_integration.runtime_data.coordinator.last_update_success
    assert_clean_log(caplog, transitions=0)


async def test_timeouts(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    admin: EmulatorAdmin,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Answers slower than the client's timeout fail like any fault (real clock)."""
    mock_config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    mock_config_entry.runtime_data.coordinator.client.request_timeout = 0.2
    before = entity_states(hass, mock_config_entry)
    await admin.reset_stats()
    await admin.add_fault(path=LISTING, delay_ms=600)

    async def poll() -> None:
        async_fire_time_changed(hass, dt_util.utcnow() + timedelta(seconds=POLL + 1))
        await hass.async_block_till_done(wait_background_tasks=True)

    await poll()
    assert_all_unavailable(hass, mock_config_entry)
    assert await admin.count(Endpoint.NODES) == 3  # three attempts
    await poll()
    assert_all_unavailable(hass, mock_config_entry)
    assert len(our_records(caplog)) <= 1
    await admin.clear_faults()
    await poll()
    assert_same_states(before, entity_states(hass, mock_config_entry))
    assert_clean_log(caplog, transitions=2)
    await assert_request_rate(admin)


async def test_short_throttle_is_ridden_out(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    admin: EmulatorAdmin,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """One 429 or one 503 within a poll is retried; nobody notices."""
    await admin.reset_stats()
    await admin.add_fault(
        path=LISTING, status=429, headers={"Retry-After": "2"}, times=1
    )
    await admin.add_fault(
        path=LISTING, status=503, body=HTML.format(status=503), times=1
    )

    await tick(hass, freezer, POLL)

    assert hass.states.get(COFFEE).state == STATE_OFF  # type: ignore[union-attr]
    assert_clean_log(caplog, transitions=0)
    await assert_request_rate(admin)


async def test_params_of_the_wrong_type(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    admin: EmulatorAdmin,
    cloud: Cloud,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Wrong-typed values show as unknown, the rest carries on, and all recover."""
    before = entity_states(hass, init_integration)
    coffee, patio = node_id_named(cloud, "Coffee Maker"), node_id_named(cloud, "Patio")
    good = {
        coffee: {"Switch": {"Power": cloud.node(coffee).reported["Switch"]["Power"]}},
        patio: {
            "LIV Hub": {
                name: cloud.node(patio).reported["LIV Hub"][name]
                for name in ("Refill Life", "System Status")
            }
        },
    }
    await admin.reset_stats()
    await admin.set_params(coffee, {"Switch": {"Power": "on"}})
    await admin.set_params(
        patio, {"LIV Hub": {"Refill Life": "full", "System Status": [3]}}
    )

    await tick(hass, freezer, POLL)

    wrong = {COFFEE, "sensor.patio_refill_life", "sensor.patio_status"}
    during = entity_states(hass, init_integration)
    assert {during[entity_id] for entity_id in wrong} == {STATE_UNKNOWN}
    assert_same_states(before, during, ignoring=wrong)

    for node_id, params in good.items():
        await admin.set_params(node_id, params)
    await tick(hass, freezer, POLL)
    assert_same_states(before, entity_states(hass, init_integration))
    assert_clean_log(caplog, transitions=0)
    await assert_request_rate(admin)


@pytest.mark.usefixtures("init_integration")
async def test_unknown_device_and_param_types(
    hass: HomeAssistant,
    admin: EmulatorAdmin,
    freezer: FrozenDateTimeFactory,
    entity_registry: er.EntityRegistry,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Device and data types nobody knows map by metadata alone, or not at all."""
    config = {
        "info": {"name": "Mystery", "type": "Toaster"},
        "devices": [
            {
                "name": "Toaster",
                "type": "esp.device.toaster",
                "params": [
                    {
                        "name": "Name",
                        "type": "esp.param.name",
                        "data_type": "string",
                        "properties": ["read", "write"],
                    },
                    {
                        "name": "Crispness",
                        "type": "vendor.crisp",
                        "data_type": "int",
                        "properties": ["read", "write"],
                        "bounds": {"min": 1, "max": 9},
                    },
                    {
                        "name": "Matrix",
                        "type": "vendor.matrix",
                        "data_type": "tensor",
                        "properties": ["read"],
                    },
                    {
                        "name": "Heat",
                        "type": "vendor.heat",
                        "data_type": "float",
                        "properties": ["read"],
                    },
                ],
            }
        ],
    }
    params = {
        "Toaster": {
            "Name": "Kitchen Toaster",
            "Crispness": 4,
            "Matrix": [[1]],
            "Heat": 180.5,
        }
    }
    await admin.reset_stats()
    await admin.add_node(
        "raw", DEMO_EMAIL, node_id="MysteryToaster", config=config, params=params
    )

    await tick(hass, freezer, POLL)

    assert hass.states.get("number.kitchen_toaster_crispness").state == "4.0"  # type: ignore[union-attr]
    assert hass.states.get("sensor.kitchen_toaster_heat").state == "180.5"  # type: ignore[union-attr]
    assert not [
        e
        for e in er.async_entries_for_config_entry(
            entity_registry, hass.config_entries.async_entries(DOMAIN)[0].entry_id
        )
        if "Matrix" in e.unique_id
    ]
    assert_clean_log(caplog, transitions=0)
    await assert_request_rate(admin)


async def test_empty_account(
    hass: HomeAssistant,
    cloud: Cloud,
    admin: EmulatorAdmin,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """An account without nodes loads, polls quietly and picks up its first node."""
    freezer.move_to(FROZEN_AT)
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
    await admin.reset_stats()
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    for _ in range(3):
        await tick(hass, freezer, POLL)

    assert entry.state is ConfigEntryState.LOADED
    assert entry.runtime_data.coordinator.last_update_success
    assert entry.runtime_data.coordinator.data == {}
    assert not er.async_entries_for_config_entry(er.async_get(hass), entry.entry_id)
    assert await admin.count(Endpoint.NODES) == 4  # set-up and three polls

    await admin.add_node("switch", account.email, name="First")
    await tick(hass, freezer, POLL)

    states = entity_states(hass, entry)
    assert states["switch.first"] == STATE_OFF
    assert STATE_UNAVAILABLE not in states.values()
    assert_clean_log(caplog, transitions=0)
    await assert_request_rate(admin)


async def test_nodes_offline_added_removed(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    admin: EmulatorAdmin,
    cloud: Cloud,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Connectivity changes and the account's membership change without log noise."""
    before = entity_states(hass, init_integration)
    patio = node_id_named(cloud, "Patio")
    patio_device = node_device(hass, patio)
    assert patio_device is not None
    patio_entities = {
        e.entity_id
        for e in er.async_entries_for_device(er.async_get(hass), patio_device.id)
        if not e.disabled_by
    }
    # What stays true while the hub is offline: its connectivity, and the cartridge
    # type, which is a setting kept in Home Assistant.
    offline_readable = {
        "binary_sensor.patio_connectivity",
        "select.patio_refill_cartridge",
    }
    assert offline_readable < patio_entities
    await admin.reset_stats()
    await admin.set_online(patio, False)
    await tick(hass, freezer, POLL)
    during = entity_states(hass, init_integration)
    assert {during[e] for e in patio_entities - offline_readable} == {STATE_UNAVAILABLE}
    assert during["binary_sensor.patio_connectivity"] == STATE_OFF
    assert_same_states(before, during, ignoring=patio_entities)
    await admin.set_online(patio, True)
    await tick(hass, freezer, POLL)
    assert_same_states(before, entity_states(hass, init_integration))

    kettle = await admin.add_node("plug", DEMO_EMAIL, name="Kettle")
    await tick(hass, freezer, POLL)
    assert hass.states.get("switch.kettle").state == STATE_OFF  # type: ignore[union-attr]
    await admin.remove_node(kettle)
    await tick(hass, freezer, POLL)
    assert node_device(hass, kettle) is None
    assert hass.states.get("switch.kettle") is None
    assert_same_states(before, entity_states(hass, init_integration))

    assert_clean_log(caplog, transitions=0)
    await assert_request_rate(admin)


async def test_token_trouble_is_silent(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    admin: EmulatorAdmin,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Expired access tokens (mid-poll) and revoked refresh tokens renew unseen."""
    before = entity_states(hass, init_integration)
    await admin.reset_stats()
    # The cloud's clock runs ahead: the access token expires mid-poll. One refresh
    # with the refresh token, then the poll goes through.
    await admin.advance(4000)
    await tick(hass, freezer, POLL)
    assert await admin.count(Endpoint.LOGIN) == 1
    assert_same_states(before, entity_states(hass, init_integration))

    # Every token revoked: the refresh is refused, one password login follows.
    await admin.revoke_tokens(DEMO_EMAIL, refresh=True, access=True)
    await tick(hass, freezer, POLL)
    assert await admin.count(Endpoint.LOGIN) == 3
    assert_same_states(before, entity_states(hass, init_integration))

    await tick(hass, freezer, POLL)
    assert await admin.count(Endpoint.LOGIN) == 3
    assert not hass.config_entries.flow.async_progress()
    assert_clean_log(caplog, transitions=0)
    await assert_request_rate(admin)


async def test_short_lived_tokens_renew_once_per_lifetime(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    admin: EmulatorAdmin,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A 45 s token lifetime: renewed when it runs out, not before every request."""
    await admin.settings(token_ttl_s=45)
    await admin.revoke_tokens(DEMO_EMAIL, refresh=False, access=True)
    await tick(hass, freezer, POLL)  # a token of the new lifetime
    await admin.reset_stats()
    saved: list[str] = []

    async def token_saved(hass: HomeAssistant, entry: Any) -> None:
        saved.append(entry.data[CONF_TOKENS]["access_token"])

    init_integration.add_update_listener(token_saved)

    for _ in range(10):  # 300 s: six or seven lifetimes
        await tick(hass, freezer, POLL)

    renewals = await admin.count(Endpoint.LOGIN)
    assert renewals <= 300 // 45 + 1
    assert len(saved) == renewals
    assert init_integration.runtime_data.coordinator.last_update_success


async def test_clock_an_hour_ahead_renews_no_more(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    cloud: Cloud,
    admin: EmulatorAdmin,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Home Assistant's clock an hour ahead of the cloud's: tokens are judged by the cloud's.

    The cloud says what time it is in every answer (`Date`); a token it issued a
    minute ago is not expired because this machine's clock says so.
    """
    freezer.move_to(FROZEN_AT)
    cloud.clock.offset = -3600  # the cloud's clock, an hour behind this machine's
    mock_config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    await admin.reset_stats()

    for _ in range(10):
        await tick(hass, freezer, POLL)

    assert await admin.count(Endpoint.LOGIN) == 0
    assert mock_config_entry.runtime_data.coordinator.last_update_success


LOCKED = {
    "status": "failure",
    "description": "Attempt limit exceeded, please try after some time",
    "error_code": 101019,
}


async def test_locked_account_is_left_alone(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    admin: EmulatorAdmin,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Sign-in locked after too many attempts: one login per 15 minutes, no reauth.

    The session is gone (every token revoked) and the cloud answers every login
    with 101019. Hammering it would keep the account locked; the user can do
    nothing about it, so it is shown as throttling and never asks for a password.
    """
    before = entity_states(hass, init_integration)
    await admin.revoke_tokens(DEMO_EMAIL, refresh=True, access=True)
    await admin.add_fault(path=Endpoint.LOGIN.path, status=400, body=LOCKED)
    await admin.reset_stats()
    for _ in range(20):  # ten minutes
        await tick(hass, freezer, POLL)
        assert_all_unavailable(hass, init_integration)
    # The refused refresh and one password login; nothing more.
    assert await admin.count(Endpoint.LOGIN) == 2
    reason = init_integration.runtime_data.coordinator.last_exception
    assert isinstance(reason, UpdateFailed)
    assert reason.translation_key == "rate_limited"
    assert not hass.config_entries.flow.async_progress()

    for _ in range(12):  # past the 15 minutes: one more try, still locked
        await tick(hass, freezer, POLL)
    assert await admin.count(Endpoint.LOGIN) == 3
    await admin.clear_faults()
    for _ in range(MAX_PAUSE_POLLS):
        await tick(hass, freezer, POLL)
    assert_same_states(before, entity_states(hass, init_integration))
    assert await admin.count(Endpoint.LOGIN) == 4
    assert not hass.config_entries.flow.async_progress()
    assert_clean_log(caplog, transitions=2)
    await assert_request_rate(admin)


async def test_changed_password_means_one_reauth(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    admin: EmulatorAdmin,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Exactly one reauth flow; the refused password is not tried again and again.

    Once the user enters the new password, everything is back without a restart.
    """
    before = entity_states(hass, init_integration)
    await admin.set_password(DEMO_EMAIL, NEW_PASSWORD)
    await admin.reset_stats()
    for _ in range(20):
        await tick(hass, freezer, POLL)
        assert_all_unavailable(hass, init_integration)

    assert init_integration.state is ConfigEntryState.LOADED
    flows = hass.config_entries.flow.async_progress()
    assert [flow["context"]["source"] for flow in flows] == [SOURCE_REAUTH]
    assert (await admin.stats())["total"] <= 3  # a refresh and a login; then silence
    assert_clean_log(caplog, transitions=1)
    await assert_request_rate(admin)

    result = await hass.config_entries.flow.async_configure(
        flows[0]["flow_id"], {CONF_PASSWORD: NEW_PASSWORD}
    )
    await hass.async_block_till_done()

    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reauth_successful"
    assert init_integration.state is ConfigEntryState.LOADED
    assert_same_states(before, entity_states(hass, init_integration))
    await tick(hass, freezer, POLL)
    assert_same_states(before, entity_states(hass, init_integration))
    assert not hass.config_entries.flow.async_progress()
    assert_clean_log(caplog, transitions=2)
    await assert_request_rate(admin)


async def test_partial_bulk_failure(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    admin: EmulatorAdmin,
    cloud: Cloud,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Only the node that failed reverts, and the error names it.

    The garden lights' node dropped off the cloud since the last poll (Home Assistant
    does not know yet), and the cloud refuses writes to offline nodes: one bulk
    PUT, answered 207 with one success and one failure.
    """
    garden = node_id_named(cloud, "Garden Lights")
    await admin.settings(offline_writes="reject", bulk_207=True)
    await admin.reset_stats()
    await admin.set_online(garden, False)

    with pytest.raises(HomeAssistantError, match="Garden Lights"):
        await hass.services.async_call(
            SWITCH_DOMAIN,
            SERVICE_TURN_ON,
            {ATTR_ENTITY_ID: [COFFEE, GARDEN]},
            blocking=True,
        )

    assert await admin.count(Endpoint.SET_PARAMS) == 1
    assert hass.states.get(COFFEE).state == STATE_ON  # type: ignore[union-attr]
    assert hass.states.get(GARDEN).state == STATE_OFF  # type: ignore[union-attr]
    # Past the confirmation window and a poll: the coffee maker stays on (the cloud
    # confirms it), the garden lights show their node is offline.
    for _ in range(POLL):
        await tick(hass, freezer, 1)
        assert hass.states.get(COFFEE).state == STATE_ON  # type: ignore[union-attr]
    assert hass.states.get(GARDEN).state == STATE_UNAVAILABLE  # type: ignore[union-attr]
    await admin.set_online(garden, True)
    await tick(hass, freezer, POLL)
    assert hass.states.get(COFFEE).state == STATE_ON  # type: ignore[union-attr]
    assert hass.states.get(GARDEN).state == STATE_OFF  # type: ignore[union-attr]
    assert cloud.node(garden).reported["Outlet"]["Power"] is False
    assert await admin.count(Endpoint.SET_PARAMS) == 1
    assert_clean_log(caplog, transitions=0)
    await assert_request_rate(admin)


async def test_cloud_down_at_start(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    admin: EmulatorAdmin,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Setup retries while the cloud is down and succeeds once it is back.

    The retries follow Home Assistant's set-up retry schedule (5, 10, 20, 40, 80 s
    and so on, with jitter), so the entry is back within one retry step.
    """
    freezer.move_to(FROZEN_AT)
    await admin.add_fault(status=503, body=HTML.format(status=503))
    mock_config_entry.add_to_hass(hass)
    await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    assert mock_config_entry.state is ConfigEntryState.SETUP_RETRY
    assert not er.async_entries_for_config_entry(
        er.async_get(hass), mock_config_entry.entry_id
    )
    await tick(hass, freezer, 60)
    assert mock_config_entry.state is ConfigEntryState.SETUP_RETRY

    await admin.clear_faults()
    await tick(hass, freezer, 120)

    assert mock_config_entry.state is ConfigEntryState.LOADED
    states = entity_states(hass, mock_config_entry)
    assert states[COFFEE] == STATE_OFF
    assert STATE_UNAVAILABLE not in states.values()
    assert not hass.config_entries.flow.async_progress()
    # Home Assistant reports each retry itself; the integration adds nothing.
    assert_clean_log(caplog, transitions=0)
    await assert_request_rate(admin)


async def test_write_during_outage_is_not_replayed(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    admin: EmulatorAdmin,
    cloud: Cloud,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A write that fails during an outage is raised and reverted, and never sent later."""
    before = entity_states(hass, init_integration)
    await admin.reset_stats()
    await admin.add_fault(status=503, body=HTML.format(status=503))
    with pytest.raises(HomeAssistantError):
        await hass.services.async_call(
            SWITCH_DOMAIN, SERVICE_TURN_ON, {ATTR_ENTITY_ID: COFFEE}, blocking=True
        )
    assert hass.states.get(COFFEE).state == STATE_OFF  # type: ignore[union-attr]
    for _ in range(2):
        await tick(hass, freezer, POLL)
        assert_all_unavailable(hass, init_integration)
    await admin.clear_faults()
    for _ in range(3):
        await tick(hass, freezer, POLL)

    assert_same_states(before, entity_states(hass, init_integration))
    assert cloud.node(node_id_named(cloud, "Coffee Maker")).writes == []
    assert_clean_log(caplog, transitions=2)
    await assert_request_rate(admin)
