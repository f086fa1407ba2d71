"""Secrets: no password or token in the log, reprs, errors or diagnostics.

Every record is captured at DEBUG on the root logger while the integration goes
through its flows: the config flow (a wrong password, then the right one), setup,
polls, token expiry, revoked tokens, failing writes, a password change with its
reauth, and diagnostics. Then every password used and every token the emulated
cloud ever issued is looked for in everything a user or a bug report could see.
"""

# Diagnostics imports the Supervisor client, whose mashumaro models cannot be built
# under a frozen clock: import it while time still runs.
from collections.abc import Iterator
import logging
import traceback
from typing import Any

import aiohasupervisor  # noqa: F401
import aiohttp
from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.switch import DOMAIN as SWITCH_DOMAIN
from homeassistant.config_entries import SOURCE_REAUTH, SOURCE_USER, ConfigEntry
from homeassistant.const import (
    ATTR_ENTITY_ID,
    CONF_PASSWORD,
    CONF_URL,
    CONF_USERNAME,
    SERVICE_TURN_ON,
    STATE_OFF,
)
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.exceptions import HomeAssistantError
import orjson
import pytest
from pytest_homeassistant_custom_component.common import CLIENT_ID, MockUser
from pytest_homeassistant_custom_component.components.diagnostics import (
    get_diagnostics_for_config_entry,
    get_diagnostics_for_device,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.esp_rainmaker.api import (
    RainMakerAuthenticationError,
    RainMakerClient,
    RainMakerError,
    TokenSet,
)
from custom_components.esp_rainmaker.const import CONF_TOKENS, DOMAIN
from rainmaker_emulator import (
    DEMO_EMAIL,
    DEMO_PASSWORD,
    Cloud,
    EmulatorAdmin,
    EmulatorServer,
    Endpoint,
)
from rainmaker_emulator.sign_in import CODE_TTL
from tests.common import node_device, node_id_named, tick
from tests.conftest import FROZEN_AT
from tests.leaks import LOGGERS, LeakFinder, find_leaks, record_texts

WRONG_PASSWORD = "Wr0ng-Horse-Battery"
NEW_PASSWORD = "N3w-Staple-Secret"
PASSWORDS = (DEMO_PASSWORD, WRONG_PASSWORD, NEW_PASSWORD)
COFFEE = "switch.coffee_maker"


@pytest.fixture
def debug_log(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    """Capture every record at DEBUG, from every logger."""
    for name in LOGGERS:
        caplog.set_level(logging.DEBUG, logger=name or None)
    return caplog


def log_texts(caplog: pytest.LogCaptureFixture) -> Iterator[str]:
    """The captured log as text, and each record's message, arguments and traceback."""
    yield caplog.text
    for record in caplog.records:
        yield from record_texts(record)


def exception_texts(err: BaseException) -> Iterator[str]:
    """An error as a caller sees it: message, repr, arguments and traceback, with causes."""
    seen: set[int] = set()
    current: BaseException | None = err
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield str(current)
        yield repr(current)
        yield repr(current.args)
        if isinstance(current, HomeAssistantError):
            yield repr(current.translation_placeholders)
        current = current.__cause__ or current.__context__
    yield "".join(traceback.format_exception(err))


def issued(cloud: Cloud) -> list[str]:
    """Every token the emulated cloud handed out so far."""
    tokens = list(cloud.tokens.issued)
    assert tokens, "the cloud issued no token: the scenario did not log in"
    return tokens


async def fresh_client(
    hass: HomeAssistant, hass_client: ClientSessionGenerator, user: MockUser
) -> ClientSessionGenerator:
    """An HTTP client for HA's API with an access token valid at the frozen time."""
    refresh_token = await hass.auth.async_create_refresh_token(user, CLIENT_ID)
    access_token = hass.auth.async_create_access_token(refresh_token)

    async def client() -> Any:
        return await hass_client(access_token)

    return client


def reauth_flows(hass: HomeAssistant) -> list[dict[str, Any]]:
    """The reauth flows in progress for the integration."""
    return [
        dict(flow)
        for flow in hass.config_entries.flow.async_progress_by_handler(DOMAIN)
        if flow["context"]["source"] == SOURCE_REAUTH
    ]


async def turn_on_failing(
    hass: HomeAssistant, admin: EmulatorAdmin, **fault: Any
) -> HomeAssistantError:
    """Turn the coffee maker on while the cloud refuses writes; return the error."""
    await admin.add_fault(method="PUT", path=Endpoint.SET_PARAMS.path, times=1, **fault)
    with pytest.raises(HomeAssistantError) as raised:
        await hass.services.async_call(
            SWITCH_DOMAIN, SERVICE_TURN_ON, {ATTR_ENTITY_ID: COFFEE}, blocking=True
        )
    await admin.clear_faults()
    return raised.value


async def test_no_secret_leaks_through_a_whole_lifecycle(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    emulator: EmulatorServer,
    admin: EmulatorAdmin,
    cloud: Cloud,
    demo_user_id: str,
    hass_client: ClientSessionGenerator,
    hass_admin_user: MockUser,
    debug_log: pytest.LogCaptureFixture,
) -> None:
    """Flows, polls, expiry, revocation, failed writes, reauth, diagnostics: no secret shows."""
    freezer.move_to(FROZEN_AT)
    errors: list[BaseException] = []

    # Config flow: a wrong password, then the right one; the entry is set up.
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_USER}
    )
    account = {CONF_URL: emulator.url, CONF_USERNAME: DEMO_EMAIL}
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], account | {CONF_PASSWORD: WRONG_PASSWORD}
    )
    assert result["errors"] == {"base": "invalid_auth"}
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], account | {CONF_PASSWORD: DEMO_PASSWORD}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    entry: ConfigEntry = result["result"]
    assert hass.states.get(COFFEE).state == STATE_OFF

    # Polls, then the access token expires and is refreshed.
    for _ in range(2):
        await tick(hass, freezer, 30)
    tokens_before = len(cloud.tokens.issued)
    await tick(hass, freezer, 3600)
    await tick(hass, freezer, 30)
    assert len(cloud.tokens.issued) > tokens_before
    assert hass.states.get(COFFEE).state == STATE_OFF

    # Every token revoked: the refresh is refused, the password logs in again.
    await admin.revoke_tokens(DEMO_EMAIL, refresh=True, access=True)
    tokens_before = len(cloud.tokens.issued)
    await tick(hass, freezer, 30)
    assert len(cloud.tokens.issued) > tokens_before
    assert hass.states.get(COFFEE).state == STATE_OFF

    # Writes the cloud refuses: the caller gets an error.
    errors.append(await turn_on_failing(hass, admin, status=500))
    errors.append(
        await turn_on_failing(
            hass,
            admin,
            status=400,
            body={"status": "failure", "description": "Bad request", "error_code": 1},
        )
    )
    errors.append(await turn_on_failing(hass, admin, drop_connection=True))

    # The password changes (signing every session out): reauth, wrong then right.
    await admin.set_password(DEMO_EMAIL, NEW_PASSWORD)
    await tick(hass, freezer, 30)
    flows = reauth_flows(hass)
    assert len(flows) == 1
    result = await hass.config_entries.flow.async_configure(
        flows[0]["flow_id"], {CONF_PASSWORD: WRONG_PASSWORD}
    )
    assert result["errors"] == {"base": "invalid_auth"}
    result = await hass.config_entries.flow.async_configure(
        flows[0]["flow_id"], {CONF_PASSWORD: NEW_PASSWORD}
    )
    assert result["reason"] == "reauth_successful"
    await hass.async_block_till_done()
    await tick(hass, freezer, 30)
    assert hass.states.get(COFFEE).state == STATE_OFF

    # Diagnostics of the entry and of a hub.
    client = await fresh_client(hass, hass_client, hass_admin_user)
    entry_diagnostics = await get_diagnostics_for_config_entry(hass, client, entry)
    device_diagnostics = []
    for name in ("Patio", "Desk Lamp", "Coffee Maker"):
        device = node_device(hass, node_id_named(cloud, name))
        assert device is not None
        device_diagnostics.append(
            await get_diagnostics_for_device(hass, client, entry, device)
        )

    # Device-held secrets too: the lamp's Local Control PoP, the switch's user token.
    held = set(cloud.secrets()) - {*PASSWORDS, *cloud.tokens.issued}
    assert len(held) >= 2
    secrets = [*PASSWORDS, *issued(cloud), *held]
    assert entry.data[CONF_TOKENS]["refresh_token"] in secrets
    coordinator = entry.runtime_data.coordinator
    reprs = [
        repr(coordinator.client),
        str(coordinator.client),
        repr(coordinator.client.tokens),
        repr(coordinator),
        repr(entry),
        str(entry.reason),
    ]
    assert find_leaks(log_texts(debug_log), secrets) == []
    assert find_leaks(reprs, secrets) == []
    assert find_leaks((t for e in errors for t in exception_texts(e)), secrets) == []
    diagnostics = orjson.dumps([entry_diagnostics, *device_diagnostics]).decode()
    assert find_leaks([diagnostics], [*secrets, DEMO_EMAIL, demo_user_id]) == []
    # The scenario went through every path (the checks above are not vacuous).
    messages = {r.getMessage() for r in debug_log.records}
    assert {
        "Logged in with the password",
        "Access token refreshed",
        "Refresh token refused (101017); logging in again",
    } <= messages


async def test_no_code_or_session_leaks_through_code_sign_ins(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    emulator: EmulatorServer,
    admin: EmulatorAdmin,
    cloud: Cloud,
    hass_client: ClientSessionGenerator,
    hass_admin_user: MockUser,
    debug_log: pytest.LogCaptureFixture,
) -> None:
    """One-time codes: no code, sign-in session, password or token shows or is kept.

    MFA set-up with a wrong code first; the session revoked; reauth by e-mailed
    code, expired once and sent again.
    """
    freezer.move_to(FROZEN_AT)
    email = "mfa@example.com"
    cloud.add_account(email, NEW_PASSWORD, mfa=True)
    cloud.add_node("switch", email)
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_USER}
    )
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {CONF_URL: emulator.url, CONF_USERNAME: email, CONF_PASSWORD: NEW_PASSWORD},
    )
    code = await admin.last_code(email)
    wrong = "000000" if code != "000000" else "111111"
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"code": wrong}
    )
    assert result["errors"] == {"code": "invalid_code"}
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"code": code}
    )
    await hass.async_block_till_done()
    entry: ConfigEntry = result["result"]

    # Every token revoked: one reauth, with an e-mailed code that expires first.
    await admin.revoke_tokens(email, refresh=True, access=True)
    await tick(hass, freezer, 30)
    flow_id = reauth_flows(hass)[0]["flow_id"]
    await hass.config_entries.flow.async_configure(flow_id, {"email_code": True})
    cloud.clock.advance(CODE_TTL)
    result = await hass.config_entries.flow.async_configure(
        flow_id, {"code": await admin.last_code(email)}
    )
    assert result["errors"] == {"base": "code_expired"}
    await hass.config_entries.flow.async_configure(flow_id, {"new_code": True})
    result = await hass.config_entries.flow.async_configure(
        flow_id, {"code": await admin.last_code(email)}
    )
    assert result["reason"] == "reauth_successful"
    await hass.async_block_till_done()
    client = await fresh_client(hass, hass_client, hass_admin_user)
    diagnostics = await get_diagnostics_for_config_entry(hass, client, entry)

    codes_and_sessions = cloud.sign_in.secrets()
    assert len(codes_and_sessions) == 6  # three sign-ins: a session and a code each
    secrets = [*codes_and_sessions, NEW_PASSWORD, *issued(cloud)]
    assert find_leaks(log_texts(debug_log), secrets) == []
    assert find_leaks([orjson.dumps(diagnostics).decode()], secrets) == []
    assert (
        find_leaks([orjson.dumps(dict(entry.data)).decode()], codes_and_sessions) == []
    )
    assert CONF_PASSWORD not in entry.data
    messages = {r.getMessage() for r in debug_log.records}
    assert {
        "The cloud sent a one-time code to the user",
        "Signed in with a one-time code",
    } <= messages


async def test_client_errors_and_reprs_carry_no_secret(
    emulator: EmulatorServer,
    session: aiohttp.ClientSession,
    admin: EmulatorAdmin,
    cloud: Cloud,
    demo_user_id: str,
    debug_log: pytest.LogCaptureFixture,
) -> None:
    """The library's errors and reprs name no password or token, on every failure path."""
    errors: list[RainMakerError] = []
    client = RainMakerClient(emulator.url, DEMO_EMAIL, WRONG_PASSWORD, session=session)
    with pytest.raises(RainMakerAuthenticationError) as raised:
        await client.login()
    errors.append(raised.value)

    client = RainMakerClient(emulator.url, DEMO_EMAIL, DEMO_PASSWORD, session=session)
    tokens = await client.login()
    await client.get_nodes()
    # Stored tokens that were revoked, and a password changed since.
    await admin.set_password(DEMO_EMAIL, NEW_PASSWORD)
    stale = RainMakerClient(
        emulator.url, DEMO_EMAIL, DEMO_PASSWORD, session=session, tokens=tokens
    )
    with pytest.raises(RainMakerAuthenticationError) as raised:
        await stale.get_nodes()
    errors.append(raised.value)

    client = RainMakerClient(emulator.url, DEMO_EMAIL, NEW_PASSWORD, session=session)
    await client.get_nodes()
    node_id = node_id_named(cloud, "Coffee Maker")
    for fault in (
        {"status": 500},
        {"status": 400, "body": {"description": "nope", "error_code": "9"}},
        {"drop_connection": True},
        {"malformed": True, "status": 200},
    ):
        await admin.add_fault(
            method="PUT", path=Endpoint.SET_PARAMS.path, times=1, **fault
        )
        with pytest.raises(RainMakerError) as failed:
            await client.set_params({node_id: {"Switch": {"Power": True}}})
        errors.append(failed.value)
    await admin.clear_faults()
    closed = RainMakerClient(
        "http://127.0.0.1:1", DEMO_EMAIL, NEW_PASSWORD, session=session
    )
    with pytest.raises(RainMakerError) as raised:
        await closed.login()
    errors.append(raised.value)

    secrets = [*PASSWORDS, *issued(cloud)]
    current = client.tokens
    assert current is not None
    reprs = [
        repr(client),
        repr(stale),
        repr(current),
        str(current),
        repr(TokenSet.from_dict(current.as_dict())),
    ]
    assert find_leaks(reprs, secrets) == []
    assert find_leaks((t for e in errors for t in exception_texts(e)), secrets) == []
    assert find_leaks(log_texts(debug_log), secrets) == []


def test_leak_finder_is_not_vacuous(caplog: pytest.LogCaptureFixture) -> None:
    """The helpers find a secret in a message, in arguments, in a traceback and in causes."""
    secret = "s3cret-token-value"
    logger = logging.getLogger("custom_components.esp_rainmaker.test")
    with caplog.at_level(logging.DEBUG):
        logger.debug("token %s", {"t": secret})
    assert find_leaks(log_texts(caplog), [secret])
    caplog.clear()

    def inner() -> None:
        raise ValueError(secret)

    def fail() -> None:
        try:
            inner()
        except ValueError as err:
            raise HomeAssistantError("wrapped") from err

    with caplog.at_level(logging.DEBUG):
        try:
            fail()
        except HomeAssistantError:
            logger.exception("failed")
    assert find_leaks((r.getMessage() for r in caplog.records), [secret]) == []
    assert find_leaks(log_texts(caplog), [secret])
    with pytest.raises(HomeAssistantError) as raised:
        fail()
    assert find_leaks([str(raised.value)], [secret]) == []
    assert find_leaks(exception_texts(raised.value), [secret])
    assert find_leaks(["nothing here"], [secret, ""]) == []


def test_every_scenario_is_scanned(
    cloud: Cloud, no_secret_in_any_log: None, request: pytest.FixtureRequest
) -> None:
    """The suite-wide finder is installed, at DEBUG, and sees the cloud's secrets."""
    finders = [h for h in logging.getLogger().handlers if isinstance(h, LeakFinder)]
    assert len(finders) == 1
    finder = finders[0]
    account = cloud.add_account("leak@example.com", "Leaky-Pass-99")
    logging.getLogger("homeassistant.components.test").debug(
        "signed in with %s", account.password
    )
    error = ValueError(account.password)
    logging.getLogger("aiohttp.client").debug("failed", exc_info=error)
    assert {leak.split(":")[0] for leak in finder.leaks} == {
        "homeassistant.components.test",  # in the message and its arguments
        "aiohttp.client",  # in the traceback
    }
    finder.leaks.clear()  # the autouse check would fail this test otherwise
