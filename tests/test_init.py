"""Setup, unload, setup failures, token persistence, devices and their removal."""

from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.config import device_registry as config_devices
from homeassistant.config_entries import SOURCE_REAUTH, ConfigEntryState
from homeassistant.const import CONF_PASSWORD, CONF_URL, CONF_USERNAME
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers import device_registry as dr
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.typing import WebSocketGenerator
from syrupy.assertion import SnapshotAssertion

from custom_components.esp_rainmaker.config_flow import CONF_EMAIL_CODE
from custom_components.esp_rainmaker.const import (
    CONF_SCAN_INTERVAL,
    CONF_TOKENS,
    DATA_LIMITERS,
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

from .common import node_device, node_id_named, tick
from .conftest import FROZEN_AT

# What the device page sends to delete a device: newer releases (a device has one
# config entry) remove the device, older ones remove it from one config entry.
REMOVE_DEVICE = (
    "config/device_registry/remove"
    if hasattr(config_devices, "websocket_remove_device")
    else "config/device_registry/remove_config_entry"
)


async def test_setup_and_unload(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """The entry loads, stores the tokens of its login and unloads cleanly."""
    assert init_integration.state is ConfigEntryState.LOADED
    assert set(init_integration.data[CONF_TOKENS]) == {
        "access_token",
        "id_token",
        "refresh_token",
    }

    assert await hass.config_entries.async_unload(init_integration.entry_id)
    await hass.async_block_till_done()
    assert init_integration.state is ConfigEntryState.NOT_LOADED


async def test_restart_reuses_stored_tokens(
    hass: HomeAssistant, init_integration: MockConfigEntry, admin: EmulatorAdmin
) -> None:
    """A reload (like a restart) logs in with the stored tokens, not the password."""
    await admin.reset_stats()

    assert await hass.config_entries.async_reload(init_integration.entry_id)
    await hass.async_block_till_done()

    assert await admin.count(Endpoint.LOGIN) == 0
    assert init_integration.state is ConfigEntryState.LOADED


async def test_setup_cloud_down_retries(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    admin: EmulatorAdmin,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A cloud outage at start means retry, not reauth; setup succeeds once it is back."""
    await admin.add_fault(status=503, body="<html>down</html>")
    mock_config_entry.add_to_hass(hass)

    await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()

    assert mock_config_entry.state is ConfigEntryState.SETUP_RETRY
    assert not hass.config_entries.flow.async_progress()

    await admin.clear_faults()
    await tick(hass, freezer, 60)
    assert mock_config_entry.state is ConfigEntryState.LOADED


async def test_setup_bad_password_starts_reauth(
    hass: HomeAssistant, mock_config_entry: MockConfigEntry, admin: EmulatorAdmin
) -> None:
    """A password the cloud refuses at setup starts the reauth flow."""
    await admin.set_password(DEMO_EMAIL, "a-new-password")
    mock_config_entry.add_to_hass(hass)

    await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()

    assert mock_config_entry.state is ConfigEntryState.SETUP_ERROR
    flows = hass.config_entries.flow.async_progress()
    assert [flow["context"]["source"] for flow in flows] == [SOURCE_REAUTH]


async def test_setup_invalid_url(
    hass: HomeAssistant, mock_config_entry: MockConfigEntry
) -> None:
    """A stored URL that is not valid is a permanent setup error."""
    entry = MockConfigEntry(
        domain=DOMAIN,
        unique_id="x",
        data={**mock_config_entry.data, CONF_URL: "http://example.com"},
    )
    entry.add_to_hass(hass)

    await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()

    assert entry.state is ConfigEntryState.SETUP_ERROR


async def test_devices(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    device_registry: dr.DeviceRegistry,
    cloud: Cloud,
    snapshot: SnapshotAssertion,
) -> None:
    """One device per node, with manufacturer, model, firmware and serial."""
    devices = dr.async_entries_for_config_entry(
        device_registry, init_integration.entry_id
    )
    assert len(devices) == len(cloud.nodes)
    for device in devices:
        assert device == snapshot(name=device.name)


async def test_options_change_reloads(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """A new poll interval set in the options takes effect at once (the entry reloads).

    Newer releases reload through the options flow, older ones through an update
    listener; either way a token renewal (a change of the entry's data) does not.
    """
    coordinator = init_integration.runtime_data.coordinator
    hass.config_entries.async_update_entry(
        init_integration, data={**init_integration.data, "unrelated": True}
    )
    await hass.async_block_till_done()
    assert init_integration.runtime_data.coordinator is coordinator

    flow = await hass.config_entries.options.async_init(init_integration.entry_id)
    await hass.config_entries.options.async_configure(
        flow["flow_id"], {CONF_SCAN_INTERVAL: 120}
    )
    await hass.async_block_till_done()

    reloaded = init_integration.runtime_data.coordinator
    assert reloaded is not coordinator
    assert reloaded.update_interval is not None
    assert reloaded.update_interval.total_seconds() == 120


async def test_remove_device(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    cloud: Cloud,
    hass_ws_client: WebSocketGenerator,
) -> None:
    """A device can be removed by the user only once its node left the account."""
    assert await async_setup_component(hass, "config", {})
    node_id = node_id_named(cloud, "Patio")
    device = node_device(hass, node_id)
    assert device is not None
    client = await hass_ws_client(hass)
    remove = {"type": REMOVE_DEVICE, "device_id": device.id}
    if REMOVE_DEVICE.endswith("remove_config_entry"):
        remove["config_entry_id"] = init_integration.entry_id

    await client.send_json_auto_id(remove)
    response = await client.receive_json()
    assert not response["success"]

    init_integration.runtime_data.coordinator.data.pop(node_id)
    await client.send_json_auto_id(remove)
    response = await client.receive_json()
    assert response["success"]


async def test_rate_limiter_outlives_reloads(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """Reloading keeps the account's token bucket; deleting the entry drops it."""
    limiter = init_integration.runtime_data.coordinator.client.limiter

    assert await hass.config_entries.async_reload(init_integration.entry_id)
    await hass.async_block_till_done()
    assert init_integration.runtime_data.coordinator.client.limiter is limiter

    assert await hass.config_entries.async_remove(init_integration.entry_id)
    await hass.async_block_till_done()
    assert init_integration.entry_id not in hass.data[DATA_LIMITERS]


async def sign_in_with_a_code(
    hass: HomeAssistant,
    admin: EmulatorAdmin,
    flow_id: str,
    email: str,
    first: dict[str, Any],
) -> Any:
    """Fill the first sign-in step, then the code step with the code the user got."""
    result = await hass.config_entries.flow.async_configure(flow_id, first)
    assert result["step_id"] == "code"
    result = await hass.config_entries.flow.async_configure(
        flow_id, {"code": await admin.last_code(email)}
    )
    await hass.async_block_till_done()
    return result


@pytest.mark.parametrize(
    ("email", "sign_in"),
    [
        ("mfa@example.com", {CONF_PASSWORD: DEMO_PASSWORD}),
        ("codes@example.com", {CONF_EMAIL_CODE: True}),
    ],
    ids=["mfa", "code-only"],
)
async def test_code_accounts_set_up_restart_and_reauth(
    hass: HomeAssistant,
    emulator: EmulatorServer,
    admin: EmulatorAdmin,
    cloud: Cloud,
    freezer: FrozenDateTimeFactory,
    email: str,
    sign_in: dict[str, Any],
) -> None:
    """Set up with a code, restart and renew without asking, reauth once revoked."""
    freezer.move_to(FROZEN_AT)
    cloud.add_account(
        email, DEMO_PASSWORD if CONF_PASSWORD in sign_in else None, mfa=True
    )
    cloud.add_node("switch", email)
    flow = await hass.config_entries.flow.async_init(DOMAIN, context={"source": "user"})
    result = await sign_in_with_a_code(
        hass,
        admin,
        flow["flow_id"],
        email,
        {CONF_URL: emulator.url, CONF_USERNAME: email} | sign_in,
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    entry = result["result"]
    assert entry.state is ConfigEntryState.LOADED
    assert CONF_PASSWORD not in entry.data

    # A restart, then an expired access token: no sign-in, no code.
    await admin.reset_stats()
    assert await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done()
    await tick(hass, freezer, 3600)
    assert entry.state is ConfigEntryState.LOADED
    assert entry.runtime_data.coordinator.last_update_success
    assert await admin.count(Endpoint.LOGIN) == 1  # the refresh
    assert not hass.config_entries.flow.async_progress()

    # The refresh token revoked: one refused refresh, one reauth, then quiet.
    await admin.revoke_tokens(email, refresh=True, access=True)
    await admin.reset_stats()
    for _ in range(4):
        await tick(hass, freezer, 30)
    assert await admin.count(Endpoint.LOGIN) == 1
    assert len(await admin.sent_codes(email)) == 1
    flows = hass.config_entries.flow.async_progress()
    assert [flow["context"]["source"] for flow in flows] == [SOURCE_REAUTH]

    result = await sign_in_with_a_code(hass, admin, flows[0]["flow_id"], email, sign_in)
    assert result["reason"] == "reauth_successful"
    assert entry.state is ConfigEntryState.LOADED
    assert entry.runtime_data.coordinator.last_update_success
    assert CONF_PASSWORD not in entry.data
