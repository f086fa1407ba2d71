"""The account's node groups, suggested as the areas of devices made for the first time.

Home Assistant applies a suggested area only when it creates a device, so a group
never overrides an area the user chose. The groups are fetched (one request) only
when some node has no device yet.
"""

from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr

from .api import RainMakerError
from .const import DOMAIN, LOGGER
from .coordinator import RainMakerCoordinator


async def async_suggested_areas(
    hass: HomeAssistant, coordinator: RainMakerCoordinator
) -> dict[str, str]:
    """Return the group name of each node whose device does not exist yet."""
    known = {
        identifier
        for device in dr.async_entries_for_config_entry(
            dr.async_get(hass), coordinator.config_entry.entry_id
        )
        for domain, identifier in device.identifiers
        if domain == DOMAIN
    }
    new = coordinator.data.keys() - known
    if not new:
        return {}
    try:
        groups = await coordinator.client.get_groups()
    except RainMakerError as err:
        LOGGER.debug("Node groups could not be read (%s); no areas suggested", err)
        return {}
    areas: dict[str, str] = {}
    for group in groups:
        for node_id in group.node_ids:
            if node_id in new:
                areas.setdefault(node_id, group.name)
    return areas
