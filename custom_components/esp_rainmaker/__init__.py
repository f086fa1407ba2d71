"""The ESP RainMaker integration: RainMaker cloud accounts (Espressif, Thermacell, custom)."""

from homeassistant.const import CONF_PASSWORD, CONF_URL, CONF_USERNAME, Platform
from homeassistant.core import HomeAssistant, callback
from homeassistant.exceptions import ConfigEntryError
from homeassistant.helpers import config_validation as cv
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.helpers.device_registry import DeviceEntry
from homeassistant.helpers.typing import ConfigType

from .api import RainMakerClient, RainMakerValidationError, RateLimiter, TokenSet
from .api.thermacell import refuse_hazards
from .compat import async_reload_on_options_change
from .const import CONF_TOKENS, DATA_LIMITERS, DOMAIN
from .coordinator import (
    RainMakerConfigEntry,
    RainMakerCoordinator,
    RainMakerRuntimeData,
)
from .firmware import FirmwareUpdates
from .groups import async_suggested_areas
from .hubs import ShutdownMonitor, ThermacellHubs
from .local import LocalNodes
from .services import async_setup_services
from .time_zones import TimeZoneIssues

PLATFORMS: list[Platform] = [
    Platform.BINARY_SENSOR,
    Platform.BUTTON,
    Platform.CLIMATE,
    Platform.COVER,
    Platform.FAN,
    Platform.LIGHT,
    Platform.LOCK,
    Platform.NUMBER,
    Platform.SCENE,
    Platform.SELECT,
    Platform.SENSOR,
    Platform.SWITCH,
    Platform.TEXT,
    Platform.UPDATE,
]

CONFIG_SCHEMA = cv.config_entry_only_config_schema(DOMAIN)


async def async_setup(hass: HomeAssistant, config: ConfigType) -> bool:
    """Register the integration's actions."""
    async_setup_services(hass)
    return True


async def async_setup_entry(hass: HomeAssistant, entry: RainMakerConfigEntry) -> bool:
    """Log in with the stored tokens (or the password) and poll the account's nodes."""

    @callback
    def store_tokens(tokens: TokenSet) -> None:
        hass.config_entries.async_update_entry(
            entry, data={**entry.data, CONF_TOKENS: tokens.as_dict()}
        )

    try:
        client = RainMakerClient(
            entry.data[CONF_URL],
            entry.data[CONF_USERNAME],
            entry.data.get(CONF_PASSWORD),
            session=async_get_clientsession(hass),
            tokens=TokenSet.from_dict(entry.data.get(CONF_TOKENS)),
            on_tokens=store_tokens,
            # One bucket per account for the life of Home Assistant: reloading the
            # entry must not grant a fresh burst of requests.
            rate_limiter=hass.data.setdefault(DATA_LIMITERS, {}).setdefault(
                entry.entry_id, RateLimiter()
            ),
            write_policy=refuse_hazards,
        )
    except RainMakerValidationError as err:
        raise ConfigEntryError(
            translation_domain=DOMAIN,
            translation_key="invalid_url",
            translation_placeholders={"error": str(err)},
        ) from err
    local = LocalNodes(hass, entry, async_get_clientsession(hass), client)
    coordinator = RainMakerCoordinator(hass, entry, client, local)
    hubs = ThermacellHubs(ShutdownMonitor(hass, entry))
    entry.async_on_unload(coordinator.async_add_fetch_listener(hubs.shutdowns.check))
    entry.async_on_unload(hubs.shutdowns.clear)
    time_zones = TimeZoneIssues(hass, entry)
    entry.async_on_unload(coordinator.async_add_fetch_listener(time_zones.check))
    entry.async_on_unload(time_zones.clear)
    await coordinator.async_config_entry_first_refresh()
    entry.async_on_unload(coordinator.async_start_local_polling())
    firmware = FirmwareUpdates(hass, entry, client, coordinator)
    entry.async_on_unload(firmware.async_start())
    entry.runtime_data = RainMakerRuntimeData(
        coordinator, hubs, firmware, await async_suggested_areas(hass, coordinator)
    )
    await hass.config_entries.async_forward_entry_setups(entry, PLATFORMS)
    async_reload_on_options_change(hass, entry)
    return True


async def async_unload_entry(hass: HomeAssistant, entry: RainMakerConfigEntry) -> bool:
    """Unload the platforms; the coordinator stops with the entry."""
    return await hass.config_entries.async_unload_platforms(entry, PLATFORMS)


async def async_remove_entry(hass: HomeAssistant, entry: RainMakerConfigEntry) -> None:
    """Forget the account's rate limiter when the entry is deleted."""
    hass.data.get(DATA_LIMITERS, {}).pop(entry.entry_id, None)


async def async_remove_config_entry_device(
    hass: HomeAssistant, entry: RainMakerConfigEntry, device: DeviceEntry
) -> bool:
    """Allow removing a device only once its node is gone from the account."""
    nodes = entry.runtime_data.coordinator.data
    return not any(
        domain == DOMAIN and identifier in nodes
        for domain, identifier in device.identifiers
    )
