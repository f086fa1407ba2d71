"""Local control: discovery, reads and writes on the LAN, the cloud as fallback."""

from dataclasses import dataclass
from ipaddress import ip_address
import logging

from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.light import ATTR_BRIGHTNESS_PCT, DOMAIN as LIGHT_DOMAIN
from homeassistant.components.switch import DOMAIN as SWITCH_DOMAIN
from homeassistant.config_entries import SOURCE_ZEROCONF, ConfigEntryState
from homeassistant.const import (
    ATTR_ENTITY_ID,
    CONF_PASSWORD,
    CONF_URL,
    CONF_USERNAME,
    SERVICE_TURN_OFF,
    SERVICE_TURN_ON,
    STATE_OFF,
    STATE_ON,
    STATE_UNAVAILABLE,
)
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers.service_info.zeroconf import ZeroconfServiceInfo
import orjson
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.components.diagnostics import (
    get_diagnostics_for_config_entry,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.esp_rainmaker.const import DOMAIN, LOCAL_LISTING_INTERVAL
from custom_components.esp_rainmaker.local import CONF_LOCAL, LOCAL_RETRY_AFTER
from rainmaker_emulator import Cloud, EmulatorAdmin, EmulatorServer, Endpoint
from rainmaker_emulator.local_control import LocalAccess

from .common import tick
from .conftest import FROZEN_AT

EMAIL = "lan@example.com"
PASSWORD = "lan-pass-1234"
POLL = 30
# Firmware checks ask the cloud for every node; their counts are in test_update.py.
pytestmark = pytest.mark.usefixtures("firmware_checks_later")
LOCAL_POLL = 5
PORCH = "switch.porch"
LAMP = "light.lamp"
GARAGE = "switch.garage"


@dataclass
class Lan:
    """The account's nodes and how the emulator serves them on the LAN."""

    entry: MockConfigEntry
    porch: str
    lamp: str
    garage: str
    access: dict[str, LocalAccess]


def discovery(access: LocalAccess, node_id: str | None = None) -> ZeroconfServiceInfo:
    """What zeroconf reports for a node serving local control."""
    node_id = node_id or access.node_id
    return ZeroconfServiceInfo(
        ip_address=ip_address(access.host),
        ip_addresses=[ip_address(access.host)],
        port=access.port,
        hostname=f"{node_id}.local.",
        type="_esp_local_ctrl._tcp.local.",
        name=f"{node_id}._esp_local_ctrl._tcp.local.",
        properties={"node_id": node_id},
    )


async def announce(hass: HomeAssistant, info: ZeroconfServiceInfo) -> str:
    """Hand a discovery to the integration as zeroconf does; return the abort reason."""
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_ZEROCONF}, data=info
    )
    assert result["type"] is FlowResultType.ABORT
    return str(result["reason"])


def cloud_requests(cloud: Cloud) -> int:
    """Requests the cloud answered since its statistics were reset."""
    return sum(cloud.stats.values())


@pytest.fixture
async def lan(
    request: pytest.FixtureRequest,
    hass: HomeAssistant,
    cloud: Cloud,
    emulator: EmulatorServer,
    freezer: FrozenDateTimeFactory,
) -> Lan:
    """Two nodes with local control (security `param`, 1 by default), one without.

    The integration is set up, then both local nodes are discovered.
    """
    security = getattr(request, "param", 1)
    freezer.move_to(FROZEN_AT)
    cloud.add_account(EMAIL, PASSWORD)
    porch = cloud.add_node("switch", EMAIL, name="Porch").node_id
    lamp = cloud.add_node("lightbulb", EMAIL, name="Lamp").node_id
    garage = cloud.add_node("switch", EMAIL, name="Garage").node_id
    access = {
        node_id: await emulator.local.enable(node_id, security=security)
        for node_id in (porch, lamp)
    }
    entry = MockConfigEntry(
        domain=DOMAIN,
        unique_id=cloud.accounts[EMAIL].user_id,
        data={CONF_URL: emulator.url, CONF_USERNAME: EMAIL, CONF_PASSWORD: PASSWORD},
    )
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    for node_id in (porch, lamp):
        assert await announce(hass, discovery(access[node_id])) == "already_configured"
    return Lan(entry, porch, lamp, garage, access)


async def turn(hass: HomeAssistant, domain: str, service: str, entity_id: str) -> None:
    """Call a turn_on/turn_off action and wait for it."""
    await hass.services.async_call(
        domain, service, {ATTR_ENTITY_ID: entity_id}, blocking=True
    )


@pytest.mark.parametrize("lan", [1, 2], indirect=True, ids=["security-1", "security-2"])
async def test_local_nodes_are_read_and_written_on_the_lan(
    hass: HomeAssistant,
    lan: Lan,
    cloud: Cloud,
    admin: EmulatorAdmin,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Reads every 5 s and writes go on the LAN; the cloud serves only the other node."""
    await tick(hass, freezer, POLL)
    assert hass.states.get("sensor.porch_connection").state == "local"
    cloud.reset_stats()

    # The device is switched by hand: seen within one local poll, without the cloud.
    await admin.set_params(lan.porch, {"Switch": {"Power": True}})
    await tick(hass, freezer, LOCAL_POLL)
    assert hass.states.get(PORCH).state == STATE_ON
    await turn(hass, SWITCH_DOMAIN, SERVICE_TURN_OFF, PORCH)
    await turn(hass, LIGHT_DOMAIN, SERVICE_TURN_ON, LAMP)
    assert hass.states.get(PORCH).state == STATE_OFF
    assert hass.states.get(LAMP).state == STATE_ON
    await tick(hass, freezer, 1)

    assert (await admin.reported(lan.porch, "Switch"))["Power"] is False
    assert (await admin.reported(lan.lamp, "Light"))["Power"] is True
    writes = (await admin.node(lan.lamp))["writes"]
    assert [write["source"] for write in writes] == ["local"]
    assert cloud.stats[Endpoint.SET_PARAMS] == 0
    # The garage has no local control: only the listing of the poll, for it.
    await tick(hass, freezer, POLL)
    assert cloud_requests(cloud) == cloud.stats[Endpoint.NODES] == 1
    assert lan.entry.runtime_data.coordinator.pending_writes == 0


async def test_an_account_all_on_the_lan_makes_no_cloud_request(
    hass: HomeAssistant,
    lan: Lan,
    cloud: Cloud,
    admin: EmulatorAdmin,
    freezer: FrozenDateTimeFactory,
) -> None:
    """With every node on the LAN the cloud is asked only every 15 minutes."""
    await admin.remove_node(lan.garage)
    await tick(hass, freezer, POLL)
    cloud.reset_stats()

    for _ in range(10):
        await tick(hass, freezer, POLL)
    await turn(hass, SWITCH_DOMAIN, SERVICE_TURN_ON, PORCH)
    await tick(hass, freezer, 1)

    assert cloud_requests(cloud) == 0
    assert hass.states.get(PORCH).state == STATE_ON
    await tick(hass, freezer, LOCAL_LISTING_INTERVAL)
    assert cloud_requests(cloud) == cloud.stats[Endpoint.NODES] == 1


async def test_cloud_down_keeps_the_lan_working(
    hass: HomeAssistant,
    lan: Lan,
    admin: EmulatorAdmin,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The internet is gone: LAN nodes stay usable, the cloud-only node does not."""
    await tick(hass, freezer, POLL)
    await admin.add_fault(status=503, body="<html>down</html>")
    for _ in range(3):
        await tick(hass, freezer, POLL)

    assert hass.states.get(GARAGE).state == STATE_UNAVAILABLE
    await turn(hass, SWITCH_DOMAIN, SERVICE_TURN_ON, PORCH)
    await tick(hass, freezer, 1)
    assert hass.states.get(PORCH).state == STATE_ON
    assert (await admin.reported(lan.porch, "Switch"))["Power"] is True
    warnings = [
        r
        for r in caplog.records
        if r.levelno >= logging.WARNING and r.name.startswith("custom_components")
    ]
    assert [r.getMessage().split(" (")[0] for r in warnings] == [
        "The RainMaker cloud cannot be reached"
    ]

    await admin.clear_faults()
    await tick(hass, freezer, POLL)
    assert hass.states.get(GARAGE).state == STATE_OFF
    assert "The RainMaker cloud is reachable again" in caplog.text


async def test_leaving_the_lan_falls_back_to_the_cloud_without_flicker(
    hass: HomeAssistant,
    lan: Lan,
    cloud: Cloud,
    emulator: EmulatorServer,
    admin: EmulatorAdmin,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A node gone from the LAN is written and read through the cloud at once."""
    await tick(hass, freezer, POLL)
    await emulator.local.leave_lan(lan.porch)
    cloud.reset_stats()
    seen: list[str] = []
    hass.bus.async_listen(
        "state_changed",
        lambda event: seen.append(event.data["new_state"].state)
        if event.data["entity_id"] == PORCH
        else None,
    )

    await turn(hass, SWITCH_DOMAIN, SERVICE_TURN_ON, PORCH)
    for _ in range(4):
        await tick(hass, freezer, 1)

    assert cloud.stats[Endpoint.SET_PARAMS] == 1
    assert (await admin.reported(lan.porch, "Switch"))["Power"] is True
    assert seen == [STATE_ON]
    await tick(hass, freezer, POLL)
    assert hass.states.get("sensor.porch_connection").state == "cloud"
    assert hass.states.get(PORCH).state == STATE_ON

    # Back on the LAN: used again after the rest.
    await emulator.local.join_lan(lan.porch)
    await tick(hass, freezer, LOCAL_RETRY_AFTER + POLL)
    assert hass.states.get("sensor.porch_connection").state == "local"


async def test_a_wrong_pop_falls_back_to_the_cloud(
    hass: HomeAssistant,
    lan: Lan,
    cloud: Cloud,
    admin: EmulatorAdmin,
    freezer: FrozenDateTimeFactory,
) -> None:
    """The cloud names a PoP the device refuses: the node is used through the cloud."""
    await tick(hass, freezer, POLL)
    cloud.node(lan.porch).reported["Local Control"]["POP"] = "not-the-pop"
    for _ in range(3):
        await tick(hass, freezer, POLL)

    assert hass.states.get("sensor.porch_connection").state == "cloud"
    await turn(hass, SWITCH_DOMAIN, SERVICE_TURN_ON, PORCH)
    await tick(hass, freezer, 1)
    assert (await admin.reported(lan.porch, "Switch"))["Power"] is True
    assert hass.states.get(PORCH).state == STATE_ON


async def test_a_dropped_session_is_opened_again(
    hass: HomeAssistant,
    lan: Lan,
    cloud: Cloud,
    emulator: EmulatorServer,
    freezer: FrozenDateTimeFactory,
) -> None:
    """The device forgot the session (another app took it): the next call opens one."""
    await tick(hass, freezer, POLL)
    device = emulator.local.device(lan.porch)
    opened = device.sessions_opened
    emulator.local.drop_sessions(lan.porch)
    cloud.reset_stats()

    await turn(hass, SWITCH_DOMAIN, SERVICE_TURN_ON, PORCH)
    await tick(hass, freezer, 1)

    assert device.sessions_opened > opened
    assert cloud.stats[Endpoint.SET_PARAMS] == 0
    assert hass.states.get("sensor.porch_connection").state == "local"


async def test_discovery_of_other_nodes_is_ignored(
    hass: HomeAssistant, lan: Lan, cloud: Cloud, emulator: EmulatorServer
) -> None:
    """A node of no account, or a record without a node id, changes nothing."""
    stranger = cloud.add_node("switch", EMAIL, name="Stranger").node_id
    access = await emulator.local.enable(stranger)
    before = dict(lan.entry.data[CONF_LOCAL])

    assert await announce(hass, discovery(access)) == "not_on_an_account"
    # A node of the account without local control in its config: kept, not used.
    garage = discovery(access, lan.garage)
    assert await announce(hass, garage) == "already_configured"
    assert lan.entry.data[CONF_LOCAL][lan.garage] == {
        "host": access.host,
        "port": access.port,
    }
    assert not lan.entry.runtime_data.coordinator.local.usable(lan.garage)
    unnamed = discovery(access)
    unnamed.properties = {}
    assert await announce(hass, unnamed) == "not_on_an_account"
    assert {
        k: v for k, v in lan.entry.data[CONF_LOCAL].items() if k != lan.garage
    } == before


async def test_a_new_address_is_taken_and_kept_across_restarts(
    hass: HomeAssistant,
    lan: Lan,
    cloud: Cloud,
    emulator: EmulatorServer,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Rediscovery at another address updates the entry; a reload uses it at once."""
    await emulator.local.disable(lan.porch)
    moved = await emulator.local.enable(lan.porch)
    assert await announce(hass, discovery(moved)) == "already_configured"
    assert lan.entry.data[CONF_LOCAL][lan.porch]["port"] == moved.port

    assert await hass.config_entries.async_reload(lan.entry.entry_id)
    await hass.async_block_till_done()
    cloud.reset_stats()
    await turn(hass, SWITCH_DOMAIN, SERVICE_TURN_ON, PORCH)
    await tick(hass, freezer, 1)

    assert lan.entry.state is ConfigEntryState.LOADED
    assert cloud.stats[Endpoint.SET_PARAMS] == 0
    assert hass.states.get("sensor.porch_connection").state == "local"


async def test_the_pop_shows_nowhere(
    hass: HomeAssistant,
    lan: Lan,
    freezer: FrozenDateTimeFactory,
    hass_client: ClientSessionGenerator,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The PoP is kept in the entry, never in the log or in diagnostics."""
    caplog.set_level(logging.DEBUG)
    await tick(hass, freezer, POLL)
    await turn(hass, SWITCH_DOMAIN, SERVICE_TURN_ON, PORCH)
    pops = [access.pop for access in lan.access.values()]
    assert lan.entry.data[CONF_LOCAL][lan.porch]["pop"] in pops

    diagnostics = await get_diagnostics_for_config_entry(hass, hass_client, lan.entry)

    text = orjson.dumps(diagnostics).decode()
    assert not [pop for pop in pops if pop in text or pop in caplog.text]
    transports = {node["transport"] for node in diagnostics["nodes"]}
    assert transports == {"local", "cloud"}


async def test_a_value_the_device_refuses_is_an_error_and_reverted(
    hass: HomeAssistant,
    lan: Lan,
    cloud: Cloud,
    freezer: FrozenDateTimeFactory,
) -> None:
    """The device refuses a write on the LAN: a translated error, nothing shown."""
    await tick(hass, freezer, POLL)
    # The device's firmware allows less than the config the cloud still holds.
    cloud.node(lan.lamp).specs[("Light", "Brightness")]["bounds"]["max"] = 10
    cloud.reset_stats()

    with pytest.raises(HomeAssistantError) as raised:
        await hass.services.async_call(
            LIGHT_DOMAIN,
            SERVICE_TURN_ON,
            {ATTR_ENTITY_ID: LAMP, ATTR_BRIGHTNESS_PCT: 50},
            blocking=True,
        )

    assert raised.value.translation_key == "command_failed"
    assert hass.states.get(LAMP).state == STATE_OFF
    assert cloud.stats[Endpoint.SET_PARAMS] == 0
    assert hass.states.get("sensor.lamp_connection").state == "local"


async def test_junk_in_the_entry_is_skipped(
    hass: HomeAssistant,
    cloud: Cloud,
    emulator: EmulatorServer,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Unreadable local entries are dropped, and so are nodes gone from the account."""
    freezer.move_to(FROZEN_AT)
    cloud.add_account(EMAIL, PASSWORD)
    porch = cloud.add_node("switch", EMAIL, name="Porch").node_id
    access = await emulator.local.enable(porch)
    stored = {
        porch: {
            "host": access.host,
            "port": access.port,
            "scheme": 1,
            "pop": access.pop,
        },
        "gone": {"host": "127.0.0.1", "port": 1},
        "bad-port": {"host": "127.0.0.1", "port": True},
        "bad-host": {"host": 7, "port": 80},
        "bad-scheme": {"host": "127.0.0.1", "port": 80, "scheme": 9, "pop": "x"},
        "junk": "text",
    }
    entry = MockConfigEntry(
        domain=DOMAIN,
        unique_id=cloud.accounts[EMAIL].user_id,
        data={
            CONF_URL: emulator.url,
            CONF_USERNAME: EMAIL,
            CONF_PASSWORD: PASSWORD,
            CONF_LOCAL: stored,
        },
    )
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    await tick(hass, freezer, POLL)

    # Unreadable entries are dropped when read, nodes off the account at the
    # first complete listing: only the porch is kept.
    local = entry.runtime_data.coordinator.local
    assert [node_id for node_id in stored if local.describe(node_id)] == [porch]
    assert list(entry.data[CONF_LOCAL]) == [porch]
    assert local.transport(porch) == "local"
    # Discovery at the address already known changes nothing.
    data = dict(entry.data)
    assert await announce(hass, discovery(access)) == "already_configured"
    assert dict(entry.data) == data


async def test_lan_and_cloud_down_make_everything_unavailable(
    hass: HomeAssistant,
    lan: Lan,
    admin: EmulatorAdmin,
    emulator: EmulatorServer,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Neither path works: the poll fails; the LAN coming back is enough for its nodes."""
    await tick(hass, freezer, POLL)
    for node_id in (lan.porch, lan.lamp):
        await emulator.local.leave_lan(node_id)
    await tick(hass, freezer, LOCAL_POLL)
    await admin.add_fault(status=503, body="<html>down</html>")
    await tick(hass, freezer, POLL)

    assert not lan.entry.runtime_data.coordinator.last_update_success
    assert {hass.states.get(e).state for e in (PORCH, LAMP, GARAGE)} == {
        STATE_UNAVAILABLE
    }
    for node_id in (lan.porch, lan.lamp):
        await emulator.local.join_lan(node_id)
    # Back on the LAN with the cloud still down: the LAN nodes work again.
    await tick(hass, freezer, LOCAL_RETRY_AFTER)
    assert hass.states.get(PORCH).state == STATE_OFF
    assert hass.states.get(GARAGE).state == STATE_UNAVAILABLE

    await admin.clear_faults()
    await tick(hass, freezer, POLL)
    assert hass.states.get(PORCH).state == STATE_OFF
    assert hass.states.get("sensor.porch_connection").state == "local"


async def test_a_start_without_the_cloud_brings_up_the_lan_nodes(
    hass: HomeAssistant,
    lan: Lan,
    admin: EmulatorAdmin,
    emulator: EmulatorServer,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Home Assistant restarts while the internet is down: LAN nodes work at once.

    Their configs come from the nodes themselves; the cloud-only node, and the lamp
    that is off the LAN, wait for the cloud, and then everything is as before.
    """
    await tick(hass, freezer, POLL)
    await hass.config_entries.async_unload(lan.entry.entry_id)
    await admin.add_fault(status=503, body="<html>down</html>")
    await emulator.local.leave_lan(lan.lamp)

    assert await hass.config_entries.async_setup(lan.entry.entry_id)
    await hass.async_block_till_done()

    assert lan.entry.state is ConfigEntryState.LOADED
    assert set(lan.entry.runtime_data.coordinator.data) == {lan.porch}
    await turn(hass, SWITCH_DOMAIN, SERVICE_TURN_ON, PORCH)
    await tick(hass, freezer, 1)
    assert hass.states.get(PORCH).state == STATE_ON
    assert (await admin.reported(lan.porch, "Switch"))["Power"] is True
    assert hass.states.get(GARAGE).state == STATE_UNAVAILABLE
    assert "The RainMaker cloud cannot be reached" in caplog.text

    await admin.clear_faults()
    await tick(hass, freezer, POLL)
    assert hass.states.get(GARAGE).state == STATE_OFF
    assert hass.states.get(LAMP).state == STATE_OFF
    assert hass.states.get(PORCH).state == STATE_ON
    assert "The RainMaker cloud is reachable again" in caplog.text


async def test_nodes_are_forgotten_only_after_a_complete_listing(
    hass: HomeAssistant, lan: Lan
) -> None:
    """A listing cut short says nothing of the nodes it did not reach."""
    local = lan.entry.runtime_data.coordinator.local

    local.learn({}, complete=False)
    assert local.describe(lan.porch) is not None

    local.learn({}, complete=True)
    assert local.describe(lan.porch) is None
    assert lan.entry.data[CONF_LOCAL] == {}
