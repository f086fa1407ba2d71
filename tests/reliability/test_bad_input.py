"""Bad input: junk in the config flow, out-of-range service calls and writes.

Junk never creates an entry and never escapes as an unexpected exception; invalid
values are refused before any request reaches the cloud.
"""

from collections.abc import Generator
import logging
from typing import Any
from unittest.mock import patch

from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.fan import (
    ATTR_PERCENTAGE,
    DOMAIN as FAN_DOMAIN,
    SERVICE_SET_PERCENTAGE,
)
from homeassistant.components.light import (
    ATTR_BRIGHTNESS,
    ATTR_COLOR_TEMP_KELVIN,
    ATTR_HS_COLOR,
    DOMAIN as LIGHT_DOMAIN,
)
from homeassistant.components.number import (
    ATTR_VALUE,
    DOMAIN as NUMBER_DOMAIN,
    SERVICE_SET_VALUE,
)
from homeassistant.components.select import (
    ATTR_OPTION,
    DOMAIN as SELECT_DOMAIN,
    SERVICE_SELECT_OPTION,
)
from homeassistant.config_entries import SOURCE_USER
from homeassistant.const import (
    ATTR_ENTITY_ID,
    CONF_PASSWORD,
    CONF_URL,
    CONF_USERNAME,
    SERVICE_TURN_ON,
    STATE_OFF,
)
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType, InvalidData
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
import voluptuous as vol

from custom_components.esp_rainmaker.const import DOMAIN
from rainmaker_emulator import (
    DEMO_EMAIL,
    DEMO_PASSWORD,
    Cloud,
    EmulatorAdmin,
    EmulatorServer,
    Endpoint,
)
from rainmaker_emulator.nodes import EmulatedNode
from tests.common import node_id_named, tick
from tests.conftest import FROZEN_AT, GENERIC_NODE_ID

LAMP = "light.desk_lamp"
FAN = "fan.ceiling_fan"
SETPOINT = "number.living_room_ac_setpoint"
FAN_LEVEL = "number.living_room_ac_fan_level"
MODE = "select.living_room_ac_mode"
LONG = "x" * 10_000


# Config flow --------------------------------------------------------------------------


@pytest.fixture
def mock_setup_entry() -> Generator[None]:
    """Never set an entry up, should a flow create one by mistake."""
    with patch("custom_components.esp_rainmaker.async_setup_entry", return_value=True):
        yield


async def start(hass: HomeAssistant) -> str:
    """Open the user step; return the flow id."""
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_USER}
    )
    assert result["type"] is FlowResultType.FORM
    return str(result["flow_id"])


def assert_nothing_stored(hass: HomeAssistant) -> None:
    """No entry was created."""
    assert hass.config_entries.async_entries(DOMAIN) == []


# `{url}` is the emulator's address, `{port}` its port.
FLOW_JUNK: list[tuple[str, dict[str, str], dict[str, str]]] = [
    (
        "all empty",
        {"url": "", "username": "", "password": ""},
        {CONF_URL: "invalid_url"},
    ),
    ("blank url", {"url": " \t\n "}, {CONF_URL: "invalid_url"}),
    ("not a url", {"url": "not a url"}, {CONF_URL: "invalid_url"}),
    ("10 kB url", {"url": LONG}, {CONF_URL: "invalid_url"}),
    ("javascript url", {"url": "javascript:alert(1)"}, {CONF_URL: "invalid_url"}),
    ("ftp url", {"url": "ftp://127.0.0.1/"}, {CONF_URL: "invalid_url"}),
    ("scheme only", {"url": "https://"}, {CONF_URL: "invalid_url"}),
    (
        "http public host",
        {"url": "http://api.rainmaker.espressif.com"},
        {CONF_URL: "invalid_url"},
    ),
    (
        "credentials in url",
        {"url": "http://demo:secret@127.0.0.1:{port}"},
        {CONF_URL: "invalid_url"},
    ),
    ("query in url", {"url": "{url}?token=abc"}, {CONF_URL: "invalid_url"}),
    ("fragment in url", {"url": "{url}#x"}, {CONF_URL: "invalid_url"}),
    ("empty username", {"username": ""}, {"base": "invalid_auth"}),
    ("blank username", {"username": "  \t "}, {"base": "invalid_auth"}),
    ("empty password", {"password": ""}, {CONF_PASSWORD: "password_missing"}),
    ("blank password", {"password": "   "}, {"base": "invalid_auth"}),
    ("10 kB username", {"username": LONG}, {"base": "invalid_auth"}),
    ("10 kB password", {"password": LONG}, {"base": "invalid_auth"}),
    ("not an e-mail", {"username": "not an e-mail"}, {"base": "invalid_auth"}),
    ("unicode e-mail", {"username": "dëmo@exämple.com"}, {"base": "invalid_auth"}),
    ("emoji e-mail", {"username": "🙂@example.com"}, {"base": "invalid_auth"}),
    ("unicode password", {"password": "pässwörd-🔑-密码"}, {"base": "invalid_auth"}),
    ("nul in username", {"username": "demo\x00@example.com"}, {"base": "invalid_auth"}),
    ("nul in password", {"password": DEMO_PASSWORD + "\x00"}, {"base": "invalid_auth"}),
    (
        "header injection",
        {"username": "demo@example.com\r\nX-Evil: 1", "password": "x\r\n\r\nGET /"},
        {"base": "invalid_auth"},
    ),
    ("json injection", {"password": '", "password": "x'}, {"base": "invalid_auth"}),
    # Loopback https to the plain-HTTP emulator: the TLS handshake fails.
    (
        "https to plain http",
        {"url": "https://127.0.0.1:{port}"},
        {"base": "cannot_connect"},
    ),
    ("closed port", {"url": "http://127.0.0.1:1"}, {"base": "cannot_connect"}),
    ("wrong path", {"url": "{url}/" + "p" * 2000}, {"base": "cannot_connect"}),
]


@pytest.mark.usefixtures("mock_setup_entry", "demo_user_id")
@pytest.mark.parametrize(
    ("overrides", "errors"),
    [pytest.param(overrides, errors, id=name) for name, overrides, errors in FLOW_JUNK],
)
async def test_flow_junk_shows_an_error(
    hass: HomeAssistant,
    emulator: EmulatorServer,
    overrides: dict[str, str],
    errors: dict[str, str],
) -> None:
    """Junk shows the fitting error on the form, never stores anything, never echoes the password."""
    port = emulator.url.rsplit(":", 1)[1]
    user_input = {
        CONF_URL: emulator.url,
        CONF_USERNAME: DEMO_EMAIL,
        CONF_PASSWORD: DEMO_PASSWORD,
    } | {
        key: value.replace("{url}", emulator.url).replace("{port}", port)
        for key, value in overrides.items()
    }
    flow_id = await start(hass)

    result = await hass.config_entries.flow.async_configure(flow_id, user_input)

    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "user"
    assert result["errors"] == errors
    assert_nothing_stored(hass)
    suggested = {
        str(key): (key.description or {}).get("suggested_value")
        for key in result["data_schema"].schema
    }
    assert suggested[CONF_PASSWORD] is None


@pytest.mark.usefixtures("mock_setup_entry", "demo_user_id")
@pytest.mark.parametrize(
    "user_input",
    [
        pytest.param({}, id="nothing"),
        pytest.param({CONF_URL: "https://x.example"}, id="url only"),
        pytest.param(
            {CONF_URL: None, CONF_USERNAME: DEMO_EMAIL, CONF_PASSWORD: "p"}, id="none"
        ),
        pytest.param(
            {CONF_URL: 42, CONF_USERNAME: DEMO_EMAIL, CONF_PASSWORD: "p"}, id="number"
        ),
        pytest.param(
            {CONF_URL: ["https://x"], CONF_USERNAME: DEMO_EMAIL, CONF_PASSWORD: "p"},
            id="list",
        ),
        pytest.param(
            {CONF_URL: "https://x", CONF_USERNAME: {"a": 1}, CONF_PASSWORD: "p"},
            id="object username",
        ),
        pytest.param(
            {CONF_URL: "https://x", CONF_USERNAME: DEMO_EMAIL, CONF_PASSWORD: b"p"},
            id="bytes password",
        ),
    ],
)
async def test_flow_schema_refuses_non_strings(
    hass: HomeAssistant,
    emulator: EmulatorServer,
    admin: EmulatorAdmin,
    user_input: dict[str, Any],
) -> None:
    """Missing fields and non-strings fail the form schema before the flow runs."""
    flow_id = await start(hass)
    await admin.reset_stats()

    with pytest.raises(InvalidData):
        await hass.config_entries.flow.async_configure(flow_id, user_input)

    assert (await admin.stats())["total"] == 0
    assert_nothing_stored(hass)
    # The flow is still open on the same form, and the right input still works.
    result = await hass.config_entries.flow.async_configure(
        flow_id,
        {
            CONF_URL: emulator.url,
            CONF_USERNAME: DEMO_EMAIL,
            CONF_PASSWORD: DEMO_PASSWORD,
        },
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY


@pytest.mark.usefixtures("mock_setup_entry", "demo_user_id")
async def test_flow_junk_sends_no_credentials_for_bad_urls(
    hass: HomeAssistant, emulator: EmulatorServer, admin: EmulatorAdmin
) -> None:
    """A refused URL is refused before any request: the password goes nowhere."""
    flow_id = await start(hass)
    await admin.reset_stats()

    for name, overrides, errors in FLOW_JUNK:
        if errors != {CONF_URL: "invalid_url"}:
            continue
        port = emulator.url.rsplit(":", 1)[1]
        url = overrides["url"].replace("{url}", emulator.url).replace("{port}", port)
        result = await hass.config_entries.flow.async_configure(
            flow_id,
            {CONF_URL: url, CONF_USERNAME: DEMO_EMAIL, CONF_PASSWORD: DEMO_PASSWORD},
        )
        assert result["errors"] == errors, name

    assert (await admin.stats())["total"] == 0
    assert_nothing_stored(hass)


# Service calls ------------------------------------------------------------------------


async def call(
    hass: HomeAssistant, domain: str, service: str, entity_id: str, **data: Any
) -> None:
    """Call an entity service and wait for it."""
    await hass.services.async_call(
        domain, service, {ATTR_ENTITY_ID: entity_id, **data}, blocking=True
    )


@pytest.fixture
async def quiet_cloud(
    hass: HomeAssistant, init_integration: MockConfigEntry, admin: EmulatorAdmin
) -> EmulatorAdmin:
    """The set-up integration, with the emulator's request counters at zero."""
    await admin.reset_stats()
    return admin


@pytest.mark.usefixtures("generic_node")
@pytest.mark.parametrize(
    ("domain", "service", "entity_id", "data", "error"),
    [
        pytest.param(
            LIGHT_DOMAIN,
            SERVICE_TURN_ON,
            LAMP,
            {ATTR_HS_COLOR: (400, 10)},
            vol.MultipleInvalid,
            id="light hue 400",
        ),
        pytest.param(
            LIGHT_DOMAIN,
            SERVICE_TURN_ON,
            LAMP,
            {ATTR_HS_COLOR: (10, 400)},
            vol.MultipleInvalid,
            id="light saturation 400",
        ),
        pytest.param(
            LIGHT_DOMAIN,
            SERVICE_TURN_ON,
            LAMP,
            {ATTR_COLOR_TEMP_KELVIN: -100},
            vol.MultipleInvalid,
            id="light negative kelvin",
        ),
        pytest.param(
            FAN_DOMAIN,
            SERVICE_SET_PERCENTAGE,
            FAN,
            {ATTR_PERCENTAGE: 150},
            vol.MultipleInvalid,
            id="fan set_percentage 150",
        ),
        pytest.param(
            FAN_DOMAIN,
            SERVICE_TURN_ON,
            FAN,
            {ATTR_PERCENTAGE: 150},
            vol.MultipleInvalid,
            id="fan turn_on 150",
        ),
        pytest.param(
            FAN_DOMAIN,
            SERVICE_SET_PERCENTAGE,
            FAN,
            {ATTR_PERCENTAGE: -1},
            vol.MultipleInvalid,
            id="fan -1",
        ),
        pytest.param(
            NUMBER_DOMAIN,
            SERVICE_SET_VALUE,
            SETPOINT,
            {ATTR_VALUE: 1000},
            ServiceValidationError,
            id="number above max",
        ),
        pytest.param(
            NUMBER_DOMAIN,
            SERVICE_SET_VALUE,
            SETPOINT,
            {ATTR_VALUE: -1000},
            ServiceValidationError,
            id="number below min",
        ),
        pytest.param(
            NUMBER_DOMAIN,
            SERVICE_SET_VALUE,
            FAN_LEVEL,
            {ATTR_VALUE: float("inf")},
            ServiceValidationError,
            id="number infinity",
        ),
        pytest.param(
            NUMBER_DOMAIN,
            SERVICE_SET_VALUE,
            SETPOINT,
            {ATTR_VALUE: "hot"},
            vol.MultipleInvalid,
            id="number not a number",
        ),
        pytest.param(
            SELECT_DOMAIN,
            SERVICE_SELECT_OPTION,
            MODE,
            {ATTR_OPTION: "Dry"},
            ServiceValidationError,
            id="select unknown option",
        ),
        pytest.param(
            SELECT_DOMAIN,
            SERVICE_SELECT_OPTION,
            MODE,
            {ATTR_OPTION: "cool"},
            ServiceValidationError,
            id="select wrong case",
        ),
        pytest.param(
            SELECT_DOMAIN,
            SERVICE_SELECT_OPTION,
            MODE,
            {ATTR_OPTION: ""},
            ServiceValidationError,
            id="select empty",
        ),
    ],
)
async def test_service_out_of_range_refused(
    hass: HomeAssistant,
    quiet_cloud: EmulatorAdmin,
    domain: str,
    service: str,
    entity_id: str,
    data: dict[str, Any],
    error: type[Exception],
) -> None:
    """Out-of-range service data is refused by HA's schema or entity checks; nothing is sent.

    HA 2025.4 checks ranges in the service schema (voluptuous `MultipleInvalid`), or
    in the number and select components (`ServiceValidationError`).
    """
    before = hass.states.get(entity_id)

    with pytest.raises(error) as raised:
        await call(hass, domain, service, entity_id, **data)

    assert type(raised.value) is error
    assert (await quiet_cloud.stats())["total"] == 0
    after = hass.states.get(entity_id)
    assert before is not None
    assert after is not None
    assert after.state == before.state


@pytest.mark.usefixtures("generic_node")
@pytest.mark.parametrize(
    "entity_id",
    [
        SETPOINT,
        FAN_LEVEL,
    ],
)
async def test_number_nan_refused(
    hass: HomeAssistant, quiet_cloud: EmulatorAdmin, entity_id: str
) -> None:
    """NaN passes HA's range check (every comparison is false); the integration refuses it."""
    with pytest.raises(ServiceValidationError):
        await call(
            hass,
            NUMBER_DOMAIN,
            SERVICE_SET_VALUE,
            entity_id,
            **{ATTR_VALUE: float("nan")},
        )
    assert (await quiet_cloud.stats())["total"] == 0


@pytest.mark.parametrize(
    ("data", "written"),
    [
        # HA's schema clamps brightness to 0-255: full brightness, 100 %.
        ({ATTR_BRIGHTNESS: 300}, {"Power": True, "Brightness": 100}),
        # HA passes any positive kelvin on; the light clamps it into the bulb's range.
        # A colour temperature switches the bulb to white (light mode 2) with it.
        (
            {ATTR_COLOR_TEMP_KELVIN: 100},
            {"Power": True, "CCT": 2700, "Light Mode": 2},
        ),
        (
            {ATTR_COLOR_TEMP_KELVIN: 100_000},
            {"Power": True, "CCT": 6500, "Light Mode": 2},
        ),
    ],
)
async def test_light_values_clamped_into_bounds(
    hass: HomeAssistant,
    cloud: Cloud,
    quiet_cloud: EmulatorAdmin,
    data: dict[str, Any],
    written: dict[str, Any],
) -> None:
    """Values HA lets through are clamped into the bulb's bounds: nothing out of range is sent."""
    node_id = node_id_named(cloud, "Desk Lamp")

    await call(hass, LIGHT_DOMAIN, SERVICE_TURN_ON, LAMP, **data)

    assert await quiet_cloud.count(Endpoint.SET_PARAMS) == 1
    assert cloud.nodes[node_id].writes[-1]["payload"] == {"Light": written}


# Writes through the coordinator -------------------------------------------------------


HUB = "<hub>"
WRITES: list[tuple[str, str, dict[str, Any]]] = [
    ("above max", "AC", {"Setpoint": 99}),
    ("below min", "AC", {"Setpoint": -1e308}),
    ("nan", "AC", {"Setpoint": float("nan")}),
    ("infinity", "AC", {"Setpoint": float("inf")}),
    ("string for float", "AC", {"Setpoint": "22"}),
    ("int for bool", "AC", {"Power": 1}),
    ("string for bool", "AC", {"Power": "true"}),
    ("none for bool", "AC", {"Power": None}),
    ("fraction for int", "AC", {"Fan Level": 2.5}),
    ("bool for int", "AC", {"Fan Level": True}),
    ("huge int", "AC", {"Fan Level": 2**80}),
    ("string not in valid_strs", "AC", {"Mode": "Dry"}),
    ("number for string", "AC", {"Mode": 3}),
    ("list for object", "AC", {"Zones": []}),
    ("read-only float", "AC", {"Temperature": 20.0}),
    ("read-only bool", "AC", {"Filter Dirty": True}),
    ("unknown param", "AC", {"Nope": 1}),
    ("unknown device", "Nope", {"Power": True}),
    ("service as device", "AC ", {"Power": True}),
    ("nothing", "AC", {}),
    ("one bad among good", "AC", {"Power": True, "Mode": "Heat", "Setpoint": 99}),
    ("hub LED saturation", HUB, {"LED Saturation": 50}),
    ("hub LED brightness", HUB, {"LED Brightness": 101}),
    ("hub refill reset", HUB, {"Refill Reset": 3}),
    ("hub read-only", HUB, {"Refill Life": 100.0}),
    ("too many schedules", "Schedule", {"Schedules": [{}] * 11}),
]


@pytest.mark.usefixtures("generic_node")
@pytest.mark.parametrize(
    ("device", "params"),
    [pytest.param(device, params, id=name) for name, device, params in WRITES],
)
async def test_invalid_write_refused_before_sending(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    cloud: Cloud,
    quiet_cloud: EmulatorAdmin,
    device: str,
    params: dict[str, Any],
) -> None:
    """Values the node would refuse raise ServiceValidationError; no request, no shown change."""
    coordinator = init_integration.runtime_data.coordinator
    node_id = GENERIC_NODE_ID
    if device in (HUB, "Schedule"):
        node_id = node_id_named(cloud, "Patio")
        device = "LIV Hub" if device == HUB else device
    shown = coordinator.data[node_id]

    with pytest.raises(ServiceValidationError) as raised:
        await coordinator.async_send(node_id, device, params)

    assert raised.value.translation_key == "invalid_value"
    await hass.async_block_till_done()
    assert (await quiet_cloud.stats())["total"] == 0
    assert coordinator.pending_writes == 0
    assert coordinator.data[node_id] is shown


async def test_write_to_unknown_node(
    hass: HomeAssistant, init_integration: MockConfigEntry, quiet_cloud: EmulatorAdmin
) -> None:
    """A write to a node the account does not have fails (not a validation error) unsent."""
    coordinator = init_integration.runtime_data.coordinator

    with pytest.raises(HomeAssistantError) as raised:
        await coordinator.async_send("NoSuchNode", "Switch", {"Power": True})

    assert type(raised.value) is HomeAssistantError
    assert raised.value.translation_key == "node_not_found"
    assert (await quiet_cloud.stats())["total"] == 0


# One hostile node among good ones ----------------------------------------------------

HOSTILE_ID = "Hostile1"
PROBE_CONFIG = (
    '{"node_id": "Hostile1", "info": {"name": "Probe"}, "devices": [{"name": "Probe",'
    ' "type": "esp.device.temperature-sensor", "params": ['
    '{"name": "Name", "type": "esp.param.name", "data_type": "string",'
    ' "properties": ["read", "write"]},'
    '{"name": "Temperature", "type": "esp.param.temperature", "data_type": "float",'
    ' "properties": ["read"]}]}]%s}'
)


def probe_entry(name: str = '"Probe"', temperature: str = "21.5", **extra: str) -> str:
    """A listing entry as JSON text; `extra` adds raw members to config and params."""
    config = PROBE_CONFIG % "".join(
        f', "{key}": {value}' for key, value in extra.items() if key == "deep"
    )
    params = f'{{"Probe": {{"Name": {name}, "Temperature": {temperature}}}'
    params += "".join(
        f', "Extra": {{"x": {value}}}' for key, value in extra.items() if key == "extra"
    )
    params += "}"
    return (
        f'{{"id": "{HOSTILE_ID}", "status": {{"connectivity": {{"connected": true,'
        f' "timestamp": 1}}}}, "config": {config}, "params": {params}}}'
    )


def nested(depth: int) -> str:
    """JSON arrays nested `depth` deep."""
    return "[" * depth + "]" * depth


HOSTILE_ENTRIES = {
    "a lone surrogate in its name": probe_entry(name='"\\ud83c"'),
    "a number beyond float range": probe_entry(temperature="1e400"),
    "a config deeper than the decoder's limit": probe_entry(deep=nested(1100)),
    "a config deeper than the encoder's limit": probe_entry(deep=nested(300)),
    "params deeper than the encoder's limit": probe_entry(extra=nested(300)),
}


@pytest.fixture
def hostile_node(cloud: Cloud, demo_user_id: str) -> EmulatedNode:
    """A node the cloud will describe with whatever JSON text a test sets."""
    return cloud.add_node("raw", DEMO_EMAIL, node_id=HOSTILE_ID, config={}, params={})


@pytest.mark.parametrize("entry", HOSTILE_ENTRIES.values(), ids=HOSTILE_ENTRIES)
async def test_one_hostile_node_spares_the_account(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    hostile_node: EmulatedNode,
    cloud: Cloud,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
    entry: str,
) -> None:
    """That node is skipped with one warning; every other node works, poll after poll."""
    hostile_node.raw_entry = entry
    freezer.move_to(FROZEN_AT)
    mock_config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    for _ in range(3):
        await tick(hass, freezer, 30)

    coordinator = mock_config_entry.runtime_data.coordinator
    assert coordinator.last_update_success
    assert HOSTILE_ID not in coordinator.data
    assert coordinator.data.keys() == cloud.nodes.keys() - {HOSTILE_ID}
    assert hass.states.get("switch.coffee_maker").state == STATE_OFF
    warnings = [
        r.getMessage()
        for r in caplog.records
        if r.levelno == logging.WARNING and HOSTILE_ID in r.getMessage()
    ]
    assert len(warnings) == 1, warnings
    assert "Traceback" not in caplog.text


async def test_deep_params_never_freeze_a_node_silently(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    hostile_node: EmulatedNode,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A node whose params turn too deep is not kept as it was without a word."""
    hostile_node.raw_entry = probe_entry(temperature="20.0")
    freezer.move_to(FROZEN_AT)
    mock_config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    assert hass.states.get("sensor.probe_temperature").state == "20.0"

    hostile_node.raw_entry = probe_entry(temperature="25.0", extra=nested(300))
    await tick(hass, freezer, 30)
    warnings = [r for r in caplog.records if HOSTILE_ID in r.getMessage()]
    assert [r.levelno for r in warnings] == [logging.WARNING]
    hostile_node.raw_entry = probe_entry(temperature="25.0")
    await tick(hass, freezer, 30)
    assert hass.states.get("sensor.probe_temperature").state == "25.0"
