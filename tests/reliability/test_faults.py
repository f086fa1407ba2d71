"""The fault matrix: every way the cloud misbehaves, with the same promises kept.

Each scenario checks the entities during and after the fault, recovery within one
poll interval after the fault clears, no traceback in the log, at most one log line
per unavailable/available transition, and that the emulator saw no more requests
than the client's token bucket (burst 20, 10/s) allows. Time is frozen and moved
poll by poll; the one scenario that needs time to pass inside a request (a
timeout) runs on the real clock. The pauses the client takes inside a poll for a
short Retry-After are measured in real time by tests/api/test_client.py.
"""

from datetime import timedelta
import logging
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.switch import DOMAIN as SWITCH_DOMAIN
from homeassistant.config_entries import SOURCE_REAUTH, ConfigEntryState
from homeassistant.const import (
    ATTR_ENTITY_ID,
    SERVICE_TURN_ON,
    STATE_OFF,
    STATE_ON,
    STATE_UNAVAILABLE,
    STATE_UNKNOWN,
)
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import device_registry as dr, entity_registry as er
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
)

from custom_components.esp_rainmaker.const import DOMAIN
from rainmaker_emulator import Cloud, EmulatorAdmin
from tests.common import node_id_named, tick
from tests.conftest import DEMO_EMAIL, FROZEN_AT
from tests.reliability.faults import HTML, LISTING, TRANSIENT_FAULTS
from tests.reliability.invariants import (
    assert_clean_log,
    assert_request_rate,
    our_records,
)

POLL = 30
COFFEE = "switch.coffee_maker"
DRIFTING = "sensor.greenhouse_temperature"


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


async def fault_then_recovery(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    admin: EmulatorAdmin,
    freezer: FrozenDateTimeFactory,
    fault: dict[str, Any],
) -> None:
    """Three polls under the fault (everything unavailable), then one without."""
    before = entity_states(hass, entry)
    await admin.reset_stats()
    await admin.add_fault(**fault)
    for _ in range(3):
        await tick(hass, freezer, POLL)
        assert set(entity_states(hass, entry).values()) == {STATE_UNAVAILABLE}
    await admin.clear_faults()
    await tick(hass, freezer, POLL)
    after = entity_states(hass, entry)
    # The greenhouse's reading drifts with time; everything else is as before.
    assert float(after.pop(DRIFTING)) == pytest.approx(
        float(before.pop(DRIFTING)), abs=2
    )
    assert after == before


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
        hass, init_integration, admin, freezer, {"path": LISTING, **fault}
    )

    assert_clean_log(caplog, transitions=2)
    await assert_request_rate(admin)
    assert not hass.config_entries.flow.async_progress()


async def test_long_retry_after_is_honoured(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    admin: EmulatorAdmin,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Told to wait two minutes, the client sends nothing until then, then recovers."""
    await admin.reset_stats()
    await admin.add_fault(
        path=LISTING, status=429, headers={"Retry-After": "120"}, times=1
    )
    await tick(hass, freezer, POLL)
    assert hass.states.get(COFFEE).state == STATE_UNAVAILABLE  # type: ignore[union-attr]
    for _ in range(4):
        await tick(hass, freezer, POLL)

    assert hass.states.get(COFFEE).state == STATE_OFF  # type: ignore[union-attr]
    throttled, *later = await admin.arrivals()
    assert later
    assert min(later) - throttled >= 120
    assert_clean_log(caplog, transitions=2)
    await assert_request_rate(admin)


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
    mock_config_entry.runtime_data.client.request_timeout = 0.2
    await admin.reset_stats()
    await admin.add_fault(path=LISTING, delay_ms=600)

    async def poll() -> None:
        async_fire_time_changed(hass, dt_util.utcnow() + timedelta(seconds=POLL + 1))
        await hass.async_block_till_done(wait_background_tasks=True)

    await poll()
    assert hass.states.get(COFFEE).state == STATE_UNAVAILABLE  # type: ignore[union-attr]
    assert await admin.count("GET /v1/user/nodes") == 3  # three attempts
    await admin.clear_faults()
    await poll()
    assert hass.states.get(COFFEE).state == STATE_OFF  # type: ignore[union-attr]
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


@pytest.mark.usefixtures("init_integration")
async def test_params_of_the_wrong_type(
    hass: HomeAssistant,
    admin: EmulatorAdmin,
    cloud: Cloud,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Values of the wrong type show as unknown; everything else carries on."""
    await admin.set_params(
        node_id_named(cloud, "Coffee Maker"), {"Switch": {"Power": "on"}}
    )
    await admin.set_params(
        node_id_named(cloud, "Patio"),
        {"LIV Hub": {"Refill Life": "full", "System Status": [3]}},
    )

    await tick(hass, freezer, POLL)

    assert hass.states.get(COFFEE).state == STATE_UNKNOWN  # type: ignore[union-attr]
    assert hass.states.get("sensor.patio_refill_life").state == STATE_UNKNOWN  # type: ignore[union-attr]
    assert hass.states.get("sensor.patio_status").state == STATE_UNKNOWN  # type: ignore[union-attr]
    assert hass.states.get("switch.garden_lights").state == STATE_OFF  # type: ignore[union-attr]
    assert_clean_log(caplog, transitions=0)


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
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    for _ in range(3):
        await tick(hass, freezer, POLL)
    await admin.add_node("switch", account.email, name="First")
    await tick(hass, freezer, POLL)

    assert hass.states.get("switch.first").state == STATE_OFF  # type: ignore[union-attr]
    assert_clean_log(caplog, transitions=0)
    await assert_request_rate(admin)


async def test_nodes_offline_added_removed(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    admin: EmulatorAdmin,
    cloud: Cloud,
    freezer: FrozenDateTimeFactory,
    device_registry: dr.DeviceRegistry,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Connectivity changes and the account's membership change without log noise."""
    patio = node_id_named(cloud, "Patio")
    await admin.reset_stats()
    await admin.set_online(patio, False)
    await tick(hass, freezer, POLL)
    assert hass.states.get("switch.patio_repellers").state == STATE_UNAVAILABLE  # type: ignore[union-attr]
    await admin.set_online(patio, True)
    await tick(hass, freezer, POLL)
    assert hass.states.get("switch.patio_repellers").state == STATE_OFF  # type: ignore[union-attr]

    kettle = await admin.add_node("plug", DEMO_EMAIL, name="Kettle")
    await tick(hass, freezer, POLL)
    assert hass.states.get("switch.kettle").state == STATE_OFF  # type: ignore[union-attr]
    await admin.remove_node(kettle)
    await tick(hass, freezer, POLL)
    assert device_registry.async_get_device(identifiers={(DOMAIN, kettle)}) is None
    assert hass.states.get("switch.kettle") is None

    assert_clean_log(caplog, transitions=0)
    await assert_request_rate(admin)


@pytest.mark.usefixtures("init_integration")
async def test_token_trouble_is_silent(
    hass: HomeAssistant,
    admin: EmulatorAdmin,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Expired access tokens (mid-poll) and revoked refresh tokens renew unseen."""
    await admin.reset_stats()
    await admin.advance(
        4000
    )  # the cloud's clock runs ahead: the token expires mid-poll
    await tick(hass, freezer, POLL)
    await admin.revoke_tokens(DEMO_EMAIL, refresh=True, access=True)
    await tick(hass, freezer, POLL)

    assert hass.states.get(COFFEE).state == STATE_OFF  # type: ignore[union-attr]
    assert not hass.config_entries.flow.async_progress()
    assert_clean_log(caplog, transitions=0)
    await assert_request_rate(admin)


@pytest.mark.usefixtures("init_integration")
async def test_changed_password_means_one_reauth(
    hass: HomeAssistant,
    admin: EmulatorAdmin,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Exactly one reauth flow; the refused password is not tried again and again."""
    await admin.set_password(DEMO_EMAIL, "a-brand-new-pass")
    await admin.reset_stats()
    for _ in range(20):
        await tick(hass, freezer, POLL)

    flows = hass.config_entries.flow.async_progress()
    assert [flow["context"]["source"] for flow in flows] == [SOURCE_REAUTH]
    assert (await admin.stats())["total"] <= 3  # a refresh and a login; then silence
    assert "Traceback" not in caplog.text
    assert len(our_records(caplog, logging.WARNING)) <= 1


@pytest.mark.usefixtures("init_integration")
async def test_partial_bulk_failure(
    hass: HomeAssistant,
    admin: EmulatorAdmin,
    cloud: Cloud,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Only the node that failed reverts, and the error names it."""
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

    with pytest.raises(HomeAssistantError, match="Garden Lights"):
        await hass.services.async_call(
            SWITCH_DOMAIN,
            SERVICE_TURN_ON,
            {ATTR_ENTITY_ID: [COFFEE, "switch.garden_lights"]},
            blocking=True,
        )

    assert hass.states.get(COFFEE).state == STATE_ON  # type: ignore[union-attr]
    assert hass.states.get("switch.garden_lights").state == STATE_OFF  # type: ignore[union-attr]
    assert "Traceback" not in caplog.text


async def test_cloud_down_at_start(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    admin: EmulatorAdmin,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Setup retries while the cloud is down and succeeds once it is back."""
    freezer.move_to(FROZEN_AT)
    await admin.add_fault(status=503, body=HTML.format(status=503))
    mock_config_entry.add_to_hass(hass)
    await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    assert mock_config_entry.state is ConfigEntryState.SETUP_RETRY
    await tick(hass, freezer, 60)
    assert mock_config_entry.state is ConfigEntryState.SETUP_RETRY

    await admin.clear_faults()
    await tick(hass, freezer, 120)

    assert mock_config_entry.state is ConfigEntryState.LOADED
    assert not hass.config_entries.flow.async_progress()
    assert "Traceback" not in caplog.text
    await assert_request_rate(admin)


@pytest.mark.usefixtures("init_integration")
async def test_write_during_outage_is_not_replayed(
    hass: HomeAssistant,
    admin: EmulatorAdmin,
    cloud: Cloud,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A write that fails during an outage is raised and reverted, and never sent later."""
    await admin.add_fault(status=503, body=HTML.format(status=503))
    with pytest.raises(HomeAssistantError):
        await hass.services.async_call(
            SWITCH_DOMAIN, SERVICE_TURN_ON, {ATTR_ENTITY_ID: COFFEE}, blocking=True
        )
    for _ in range(2):
        await tick(hass, freezer, POLL)
    await admin.clear_faults()
    for _ in range(3):
        await tick(hass, freezer, POLL)

    assert hass.states.get(COFFEE).state == STATE_OFF  # type: ignore[union-attr]
    assert cloud.node(node_id_named(cloud, "Coffee Maker")).writes == []
