"""Devices of nodes that left the account go from the device registry."""

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import device_registry as dr

from .const import DOMAIN, LOGGER


class StaleDevices:
    """Remove the devices of an entry whose node is not on the account any more."""

    def __init__(self, hass: HomeAssistant, entry: ConfigEntry) -> None:
        """Watch the devices of one entry."""
        self._hass = hass
        self._entry = entry
        self._checked: frozenset[str] | None = None

    @callback
    def async_remove(self, on_account: frozenset[str]) -> None:
        """Remove devices of nodes not in `on_account`.

        Devices are only made for nodes of the account: none can be stale while
        the account holds the same nodes as at the last look.
        """
        if on_account == self._checked:
            return
        self._checked = on_account
        registry = dr.async_get(self._hass)
        for device in dr.async_entries_for_config_entry(registry, self._entry.entry_id):
            node_ids = {
                value for domain, value in device.identifiers if domain == DOMAIN
            }
            if node_ids and not node_ids & on_account:
                LOGGER.debug(
                    "Removing device %s: no longer on the account", device.name
                )
                # Only this entry has devices with our identifiers.
                registry.async_remove_device(device.id)
