"""Config flow: user, errors and recovery, duplicates, reauth, reconfigure, options."""

from collections.abc import Generator
from typing import Any
from unittest.mock import patch

from homeassistant.config_entries import SOURCE_USER
from homeassistant.const import CONF_PASSWORD, CONF_URL, CONF_USERNAME
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType, InvalidData
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.esp_rainmaker.api import RainMakerClient, TokenSet
from custom_components.esp_rainmaker.config_flow import CONF_EMAIL_CODE
from custom_components.esp_rainmaker.const import (
    CONF_SCAN_INTERVAL,
    CONF_SIGN_IN,
    CONF_TOKENS,
    DOMAIN,
    SignIn,
)
from rainmaker_emulator import (
    DEMO_EMAIL,
    DEMO_PASSWORD,
    Cloud,
    EmulatorAdmin,
    EmulatorServer,
    Endpoint,
)
from rainmaker_emulator.sign_in import CODE_ATTEMPTS, CODE_TTL, CODES_PER_WINDOW

pytestmark = pytest.mark.usefixtures("mock_setup_entry")


@pytest.fixture
def mock_setup_entry() -> Generator[None]:
    """Do not set the entry up after the flow."""
    with patch("custom_components.esp_rainmaker.async_setup_entry", return_value=True):
        yield


def account(emulator: EmulatorServer, **overrides: str) -> dict[str, str]:
    """The user step's input for the demo account."""
    return {
        CONF_URL: emulator.url,
        CONF_USERNAME: DEMO_EMAIL,
        CONF_PASSWORD: DEMO_PASSWORD,
    } | overrides


async def start(hass: HomeAssistant) -> dict[str, Any]:
    """Open the user step."""
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_USER}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "user"
    assert result["errors"] == {}
    return dict(result)


async def test_user_flow(
    hass: HomeAssistant, emulator: EmulatorServer, demo_user_id: str
) -> None:
    """The account is validated, stored with its tokens and keyed by its user id."""
    result = await start(hass)

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], account(emulator, **{CONF_USERNAME: f"  {DEMO_EMAIL} "})
    )

    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == DEMO_EMAIL
    assert result["result"].unique_id == demo_user_id
    data = result["data"]
    assert {k: data[k] for k in (CONF_URL, CONF_USERNAME, CONF_PASSWORD)} == {
        CONF_URL: emulator.url,
        CONF_USERNAME: DEMO_EMAIL,
        CONF_PASSWORD: DEMO_PASSWORD,
    }
    tokens = TokenSet.from_dict(data[CONF_TOKENS])
    assert tokens is not None
    assert tokens.user_id == demo_user_id


async def test_empty_account_can_be_set_up(
    hass: HomeAssistant, emulator: EmulatorServer, cloud: Cloud
) -> None:
    """An account without nodes yet is a valid account."""
    user_id = cloud.add_account("empty@example.com", "empty-pass-123").user_id
    result = await start(hass)

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        account(
            emulator,
            **{CONF_USERNAME: "empty@example.com", CONF_PASSWORD: "empty-pass-123"},
        ),
    )

    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["result"].unique_id == user_id


@pytest.mark.parametrize(
    ("overrides", "fault", "errors"),
    [
        ({CONF_PASSWORD: "wrong-password"}, None, {"base": "invalid_auth"}),
        ({CONF_USERNAME: "nobody@example.com"}, None, {"base": "invalid_auth"}),
        (
            {},
            {"path": Endpoint.LOGIN.path, "status": 503, "body": "<html>down</html>"},
            {"base": "cannot_connect"},
        ),
        ({}, {"path": Endpoint.NODES.path, "status": 429}, {"base": "cannot_connect"}),
        ({CONF_URL: "http://rainmaker.example.com"}, None, {CONF_URL: "invalid_url"}),
        ({CONF_URL: "not a url"}, None, {CONF_URL: "invalid_url"}),
        (
            {CONF_URL: "https://rainmaker.example.com:0"},
            None,
            {CONF_URL: "invalid_url"},
        ),
    ],
)
async def test_user_errors_recover(
    hass: HomeAssistant,
    emulator: EmulatorServer,
    admin: EmulatorAdmin,
    demo_user_id: str,
    overrides: dict[str, str],
    fault: dict[str, Any] | None,
    errors: dict[str, str],
) -> None:
    """Each error shows on the form, keeps the input, and the fixed input succeeds."""
    if fault is not None:
        await admin.add_fault(**fault)
    result = await start(hass)

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], account(emulator, **overrides)
    )

    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == errors
    await admin.clear_faults()
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], account(emulator)
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["result"].unique_id == demo_user_id


MFA = "mfa@example.com"
CODE_ONLY = "codes@example.com"


@pytest.fixture
def code_accounts(cloud: Cloud) -> None:
    """An MFA account and an account without a password."""
    cloud.add_account(MFA, DEMO_PASSWORD, mfa=True)
    cloud.add_account(CODE_ONLY, None)


async def to_code_step(
    hass: HomeAssistant, emulator: EmulatorServer, email: str, **sign_in: Any
) -> dict[str, Any]:
    """Fill the user step for `email`; the next step must be the code step."""
    result = await start(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {CONF_URL: emulator.url, CONF_USERNAME: email} | sign_in,
    )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "code"
    assert result["errors"] == {}
    assert result["description_placeholders"] == {"destination": email}
    return dict(result)


async def enter(hass: HomeAssistant, flow: dict[str, Any], **data: Any) -> Any:
    """Submit the code step."""
    return await hass.config_entries.flow.async_configure(flow["flow_id"], data)


def wrong(code: str) -> str:
    """A code that is not `code`."""
    return "000000" if code != "000000" else "111111"


@pytest.mark.usefixtures("code_accounts")
async def test_mfa_account(
    hass: HomeAssistant, emulator: EmulatorServer, admin: EmulatorAdmin, cloud: Cloud
) -> None:
    """The password, then the code; a wrong code errors. The password is not stored."""
    result = await to_code_step(hass, emulator, MFA, **{CONF_PASSWORD: DEMO_PASSWORD})
    code = await admin.last_code(MFA)

    result = await enter(hass, result, code=wrong(code))
    assert result["errors"] == {"code": "invalid_code"}

    result = await enter(hass, result, code=f" {code[:3]} {code[3:]} ")
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["result"].unique_id == cloud.accounts[MFA].user_id
    assert result["data"][CONF_SIGN_IN] == SignIn.PASSWORD_AND_CODE
    assert CONF_PASSWORD not in result["data"]
    assert TokenSet.from_dict(result["data"][CONF_TOKENS]) is not None


@pytest.mark.usefixtures("code_accounts")
@pytest.mark.parametrize("email", [CODE_ONLY, MFA])
async def test_email_code_instead_of_password(
    hass: HomeAssistant, emulator: EmulatorServer, admin: EmulatorAdmin, email: str
) -> None:
    """Any account can ask for an e-mailed code; a password typed as well is dropped."""
    result = await to_code_step(
        hass, emulator, email, **{CONF_EMAIL_CODE: True, CONF_PASSWORD: "ignored-1"}
    )

    result = await enter(hass, result, code=await admin.last_code(email))

    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["data"][CONF_SIGN_IN] == SignIn.CODE
    assert CONF_PASSWORD not in result["data"]
    assert result["data"][CONF_USERNAME] == email


async def test_password_or_code_is_needed(
    hass: HomeAssistant, emulator: EmulatorServer, admin: EmulatorAdmin
) -> None:
    """Neither a password nor the box: the password field says so, nothing is sent."""
    result = await start(hass)

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_URL: emulator.url, CONF_USERNAME: DEMO_EMAIL}
    )

    assert result["errors"] == {CONF_PASSWORD: "password_missing"}
    assert await admin.count(Endpoint.LOGIN) == 0


@pytest.mark.usefixtures("code_accounts")
async def test_code_step_errors_and_new_code(
    hass: HomeAssistant, emulator: EmulatorServer, admin: EmulatorAdmin, cloud: Cloud
) -> None:
    """No code, an expired code, then a new code on request, which signs in."""
    result = await to_code_step(hass, emulator, CODE_ONLY, **{CONF_EMAIL_CODE: True})
    result = await enter(hass, result)
    assert result["errors"] == {"code": "code_missing"}

    cloud.clock.advance(CODE_TTL)
    result = await enter(hass, result, code=await admin.last_code(CODE_ONLY))
    assert result["errors"] == {"base": "code_expired"}

    result = await enter(hass, result, new_code=True)
    assert result["step_id"] == "code"
    assert result["errors"] == {}
    assert len(await admin.sent_codes(CODE_ONLY)) == 2
    result = await enter(hass, result, code=await admin.last_code(CODE_ONLY))
    assert result["type"] is FlowResultType.CREATE_ENTRY


@pytest.mark.usefixtures("code_accounts")
async def test_too_many_wrong_codes(
    hass: HomeAssistant, emulator: EmulatorServer, admin: EmulatorAdmin
) -> None:
    """The cloud's attempt limit is explained, and no entry is made."""
    result = await to_code_step(hass, emulator, MFA, **{CONF_PASSWORD: DEMO_PASSWORD})
    code = await admin.last_code(MFA)
    for _ in range(CODE_ATTEMPTS):
        result = await enter(hass, result, code=wrong(code))

    assert result["errors"] == {"base": "too_many_attempts"}
    assert hass.config_entries.async_entries(DOMAIN) == []


@pytest.mark.usefixtures("code_accounts")
async def test_outage_after_the_code_needs_no_new_code(
    hass: HomeAssistant, emulator: EmulatorServer, admin: EmulatorAdmin
) -> None:
    """The code was accepted but the listing failed: submitting again finishes."""
    result = await to_code_step(hass, emulator, CODE_ONLY, **{CONF_EMAIL_CODE: True})
    await admin.add_fault(path=Endpoint.NODES.path, status=503, times=5)

    result = await enter(hass, result, code=await admin.last_code(CODE_ONLY))
    assert result["errors"] == {"base": "cannot_connect"}

    await admin.clear_faults()
    result = await enter(hass, result)
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert len(await admin.sent_codes(CODE_ONLY)) == 1


@pytest.mark.usefixtures("code_accounts")
async def test_new_code_refused_shows_on_the_code_step(
    hass: HomeAssistant, emulator: EmulatorServer, admin: EmulatorAdmin
) -> None:
    """Asking for more codes than the cloud sends is explained on the code step."""
    result = await to_code_step(hass, emulator, CODE_ONLY, **{CONF_EMAIL_CODE: True})
    for _ in range(CODES_PER_WINDOW):
        result = await enter(hass, result, new_code=True)

    assert result["step_id"] == "code"
    assert result["errors"] == {"base": "too_many_attempts"}


async def test_unexpected_error(
    hass: HomeAssistant, emulator: EmulatorServer, demo_user_id: str
) -> None:
    """A bug surfaces as `unknown`, logged, and the flow can still finish."""
    result = await start(hass)
    with patch.object(RainMakerClient, "count_nodes", side_effect=RuntimeError("bug")):
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"], account(emulator)
        )
    assert result["errors"] == {"base": "unknown"}

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], account(emulator)
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["result"].unique_id == demo_user_id


async def test_token_without_user_id(
    hass: HomeAssistant,
    emulator: EmulatorServer,
    admin: EmulatorAdmin,
    cloud: Cloud,
    demo_user_id: str,
) -> None:
    """An id token that names no user cannot key the entry: `unknown`, then recovery."""
    session = cloud.tokens.login(DEMO_EMAIL, demo_user_id)
    await admin.add_fault(
        path=Endpoint.LOGIN.path,
        status=200,
        times=1,
        body={
            "status": "success",
            "accesstoken": session["accesstoken"],
            "idtoken": "a.e30.c",
            "refreshtoken": session["refreshtoken"],
        },
    )
    result = await start(hass)

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], account(emulator)
    )
    assert result["errors"] == {"base": "unknown"}

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], account(emulator)
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["result"].unique_id == demo_user_id


async def test_duplicate_account(
    hass: HomeAssistant, emulator: EmulatorServer, mock_config_entry: MockConfigEntry
) -> None:
    """The same account cannot be added twice."""
    mock_config_entry.add_to_hass(hass)
    result = await start(hass)

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], account(emulator)
    )

    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"


async def test_reauth(
    hass: HomeAssistant, mock_config_entry: MockConfigEntry, admin: EmulatorAdmin
) -> None:
    """Reauth asks for the password only; a wrong one errors, the right one updates the entry."""
    mock_config_entry.add_to_hass(hass)
    await admin.set_password(DEMO_EMAIL, "new-password-42")
    result = await mock_config_entry.start_reauth_flow(hass)
    assert result["step_id"] == "reauth_confirm"
    assert result["description_placeholders"][CONF_USERNAME] == DEMO_EMAIL

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_PASSWORD: DEMO_PASSWORD}
    )
    assert result["errors"] == {"base": "invalid_auth"}

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_PASSWORD: "new-password-42"}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reauth_successful"
    assert mock_config_entry.data[CONF_PASSWORD] == "new-password-42"
    assert CONF_TOKENS in mock_config_entry.data


async def test_reauth_other_account(
    hass: HomeAssistant, mock_config_entry: MockConfigEntry, cloud: Cloud
) -> None:
    """Credentials of a different account abort the reauth."""
    mock_config_entry.add_to_hass(hass)
    # The stored e-mail address now belongs to a new account (deleted and re-created).
    cloud.remove_account(DEMO_EMAIL)
    cloud.add_account(DEMO_EMAIL, "other-pass-123")
    result = await mock_config_entry.start_reauth_flow(hass)

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_PASSWORD: "other-pass-123"}
    )

    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "unique_id_mismatch"


async def test_reconfigure(
    hass: HomeAssistant,
    emulator: EmulatorServer,
    mock_config_entry: MockConfigEntry,
    admin: EmulatorAdmin,
) -> None:
    """Reconfigure shows the current cloud and e-mail, validates, and updates the entry."""
    mock_config_entry.add_to_hass(hass)
    await admin.set_password(DEMO_EMAIL, "changed-pass-1", revoke_sessions=False)
    result = await mock_config_entry.start_reconfigure_flow(hass)
    assert result["step_id"] == "reconfigure"

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], account(emulator, **{CONF_PASSWORD: "wrong-password"})
    )
    assert result["errors"] == {"base": "invalid_auth"}

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        account(
            emulator,
            **{CONF_URL: f"{emulator.url}/V1/", CONF_PASSWORD: "changed-pass-1"},
        ),
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reconfigure_successful"
    assert mock_config_entry.data[CONF_URL] == emulator.url
    assert mock_config_entry.data[CONF_PASSWORD] == "changed-pass-1"


async def test_reconfigure_other_account(
    hass: HomeAssistant,
    emulator: EmulatorServer,
    mock_config_entry: MockConfigEntry,
    cloud: Cloud,
) -> None:
    """Reconfiguring to another account aborts and leaves the entry alone."""
    mock_config_entry.add_to_hass(hass)
    cloud.add_account("other@example.com", "other-pass-123")
    result = await mock_config_entry.start_reconfigure_flow(hass)

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        account(
            emulator,
            **{CONF_USERNAME: "other@example.com", CONF_PASSWORD: "other-pass-123"},
        ),
    )

    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "unique_id_mismatch"
    assert mock_config_entry.data[CONF_USERNAME] == DEMO_EMAIL


async def test_options(hass: HomeAssistant, mock_config_entry: MockConfigEntry) -> None:
    """The poll interval is an option, 30 s by default."""
    mock_config_entry.add_to_hass(hass)
    result = await hass.config_entries.options.async_init(mock_config_entry.entry_id)
    assert result["type"] is FlowResultType.FORM
    schema = result["data_schema"]
    assert schema is not None
    suggested = {str(key): key.description for key in schema.schema}
    assert suggested[CONF_SCAN_INTERVAL] == {"suggested_value": 30}

    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {CONF_SCAN_INTERVAL: 60.0}
    )

    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert mock_config_entry.options == {CONF_SCAN_INTERVAL: 60}


@pytest.mark.parametrize("seconds", [9, 301])
async def test_options_out_of_range(
    hass: HomeAssistant, mock_config_entry: MockConfigEntry, seconds: int
) -> None:
    """Poll intervals outside 10-300 s are refused by the form; nothing is stored."""
    mock_config_entry.add_to_hass(hass)
    result = await hass.config_entries.options.async_init(mock_config_entry.entry_id)

    with pytest.raises(InvalidData):
        await hass.config_entries.options.async_configure(
            result["flow_id"], {CONF_SCAN_INTERVAL: seconds}
        )
    assert mock_config_entry.options == {}


async def test_user_step_offers_the_known_clouds(hass: HomeAssistant) -> None:
    """The cloud field lists Espressif global, China and Thermacell, and takes any URL."""
    result = await start(hass)
    schema = result["data_schema"]
    assert schema is not None
    selector = schema.schema[CONF_URL]
    assert selector.config["custom_value"] is True
    assert {
        option["value"]: option["label"] for option in selector.config["options"]
    } == {
        "https://api.rainmaker.espressif.com": "Espressif RainMaker (global)",
        "https://api2.rainmaker.espressif.com.cn": "Espressif RainMaker (China)",
        "https://api.iot.thermacell.com": "Thermacell LIV",
    }


async def test_reauth_cloud_down_recovers(
    hass: HomeAssistant, mock_config_entry: MockConfigEntry, admin: EmulatorAdmin
) -> None:
    """A cloud outage during reauth is `cannot_connect`, not a wrong password."""
    mock_config_entry.add_to_hass(hass)
    await admin.add_fault(
        path=Endpoint.LOGIN.path, status=503, body="<html>down</html>"
    )
    result = await mock_config_entry.start_reauth_flow(hass)

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_PASSWORD: DEMO_PASSWORD}
    )
    assert result["errors"] == {"base": "cannot_connect"}

    await admin.clear_faults()
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_PASSWORD: DEMO_PASSWORD}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reauth_successful"


@pytest.mark.parametrize(
    ("overrides", "fault", "errors"),
    [
        ({}, {"path": Endpoint.LOGIN.path, "status": 503}, {"base": "cannot_connect"}),
        ({CONF_URL: "http://rainmaker.example.com"}, None, {CONF_URL: "invalid_url"}),
    ],
)
async def test_reconfigure_errors_recover(
    hass: HomeAssistant,
    emulator: EmulatorServer,
    mock_config_entry: MockConfigEntry,
    admin: EmulatorAdmin,
    overrides: dict[str, str],
    fault: dict[str, Any] | None,
    errors: dict[str, str],
) -> None:
    """Reconfigure shows the same errors as the user step and leaves the entry alone."""
    mock_config_entry.add_to_hass(hass)
    stored = dict(mock_config_entry.data)
    if fault is not None:
        await admin.add_fault(**fault)
    result = await mock_config_entry.start_reconfigure_flow(hass)

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], account(emulator, **overrides)
    )
    assert result["errors"] == errors
    assert dict(mock_config_entry.data) == stored

    await admin.clear_faults()
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], account(emulator)
    )
    assert result["reason"] == "reconfigure_successful"


def code_entry(emulator: EmulatorServer, cloud: Cloud, email: str) -> MockConfigEntry:
    """An entry of an account that signed in with a code (no password stored)."""
    return MockConfigEntry(
        domain=DOMAIN,
        title=email,
        unique_id=cloud.accounts[email].user_id,
        data={
            CONF_URL: emulator.url,
            CONF_USERNAME: email,
            CONF_SIGN_IN: SignIn.CODE
            if email == CODE_ONLY
            else SignIn.PASSWORD_AND_CODE,
        },
    )


def suggested(result: Any, key: str) -> Any:
    """The value a form suggests for a field."""
    for marker in result["data_schema"].schema:
        if marker == key:
            return (marker.description or {}).get("suggested_value")
    raise KeyError(key)


@pytest.mark.usefixtures("code_accounts")
async def test_reauth_with_an_emailed_code(
    hass: HomeAssistant, emulator: EmulatorServer, admin: EmulatorAdmin, cloud: Cloud
) -> None:
    """A code-only account's reauth suggests the code, and the code renews the entry."""
    entry = code_entry(emulator, cloud, CODE_ONLY)
    entry.add_to_hass(hass)
    result = await entry.start_reauth_flow(hass)
    assert result["step_id"] == "reauth_confirm"
    assert suggested(result, CONF_EMAIL_CODE) is True

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_EMAIL_CODE: True}
    )
    assert result["step_id"] == "code"
    result = await enter(hass, result, code=await admin.last_code(CODE_ONLY))

    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reauth_successful"
    assert TokenSet.from_dict(entry.data[CONF_TOKENS]) is not None
    assert CONF_PASSWORD not in entry.data


@pytest.mark.usefixtures("code_accounts")
async def test_reauth_of_an_mfa_account(
    hass: HomeAssistant, emulator: EmulatorServer, admin: EmulatorAdmin, cloud: Cloud
) -> None:
    """An MFA account's reauth asks for the password, then for the code."""
    entry = code_entry(emulator, cloud, MFA)
    entry.add_to_hass(hass)
    result = await entry.start_reauth_flow(hass)
    assert suggested(result, CONF_EMAIL_CODE) is False

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_PASSWORD: DEMO_PASSWORD}
    )
    result = await enter(hass, result, code=await admin.last_code(MFA))

    assert result["reason"] == "reauth_successful"
    assert entry.data[CONF_SIGN_IN] == SignIn.PASSWORD_AND_CODE
    assert CONF_PASSWORD not in entry.data


async def test_reconfigure_to_an_emailed_code_forgets_the_password(
    hass: HomeAssistant,
    emulator: EmulatorServer,
    mock_config_entry: MockConfigEntry,
    admin: EmulatorAdmin,
) -> None:
    """Switching a password entry to e-mailed codes drops the stored password."""
    mock_config_entry.add_to_hass(hass)
    result = await mock_config_entry.start_reconfigure_flow(hass)
    assert suggested(result, CONF_EMAIL_CODE) is False

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {CONF_URL: emulator.url, CONF_USERNAME: DEMO_EMAIL, CONF_EMAIL_CODE: True},
    )
    assert result["step_id"] == "code"
    result = await enter(hass, result, code=await admin.last_code(DEMO_EMAIL))

    assert result["reason"] == "reconfigure_successful"
    assert CONF_PASSWORD not in mock_config_entry.data
    assert mock_config_entry.data[CONF_SIGN_IN] == SignIn.CODE
