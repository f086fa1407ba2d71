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
from custom_components.esp_rainmaker.const import (
    CONF_SCAN_INTERVAL,
    CONF_TOKENS,
    DOMAIN,
)
from rainmaker_emulator import (
    DEMO_EMAIL,
    DEMO_PASSWORD,
    Cloud,
    EmulatorAdmin,
    EmulatorServer,
    Endpoint,
)

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


async def test_mfa_account(
    hass: HomeAssistant, emulator: EmulatorServer, cloud: Cloud
) -> None:
    """An account asking for a one-time code is explained, then another can be used."""
    cloud.add_account("mfa@example.com", DEMO_PASSWORD, mfa=True)
    result = await start(hass)

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], account(emulator, **{CONF_USERNAME: "mfa@example.com"})
    )
    assert result["errors"] == {"base": "mfa_not_supported"}

    cloud.seed_demo()
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], account(emulator)
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["result"].unique_id == cloud.accounts[DEMO_EMAIL].user_id


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
