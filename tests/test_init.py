"""Setup, unload, setup failures, token persistence, devices and their removal."""

from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.config import device_registry as config_devices
from homeassistant.config_entries import SOURCE_REAUTH, ConfigEntryState
from homeassistant.const import CONF_URL
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr
from homeassistant.setup import async_setup_component
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.typing import WebSocketGenerator
from syrupy.assertion import SnapshotAssertion

from custom_components.esp_rainmaker.const import (
    CONF_SCAN_INTERVAL,
    CONF_TOKENS,
    DATA_LIMITERS,
    DOMAIN,
)
from rainmaker_emulator import DEMO_EMAIL, Cloud, EmulatorAdmin, Endpoint

from .common import node_device, node_id_named, tick

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
