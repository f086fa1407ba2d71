"""Diagnostics: account settings and node data, with every secret and personal id redacted.

Keys that name a secret or a personal id are redacted wherever they appear; the
values of params that hold credentials (by type, or by name where the firmware
uses a custom type) are redacted by param, whatever the device calls them.
"""

from dataclasses import asdict
from typing import Any

from homeassistant.components.diagnostics import REDACTED, async_redact_data
from homeassistant.const import CONF_PASSWORD, CONF_USERNAME
from homeassistant.core import HomeAssistant
from homeassistant.helpers.device_registry import DeviceEntry

from .api import Node
from .api.thermacell import PARAM_HUB_ID
from .const import CONF_TOKENS, DOMAIN
from .coordinator import RainMakerConfigEntry, RainMakerCoordinator
from .entity import SERIAL_ATTRIBUTE
from .mapping import unmapped_params

TO_REDACT = {
    CONF_PASSWORD,
    CONF_USERNAME,
    CONF_TOKENS,
    "pop",
    "access_token",
    "id_token",
    "refresh_token",
    "unique_id",
    "title",
    "node_id",
    "email",
    "user_id",
    PARAM_HUB_ID,
    SERIAL_ATTRIBUTE,
}


def _node(node: Node, coordinator: RainMakerCoordinator) -> dict[str, Any]:
    config = node.config
    return {
        "node_id": node.node_id,
        # How the node is reached: on the LAN (its address and scheme, never the
        # PoP) or through the cloud; unreachable when neither answered.
        "transport": coordinator.local.transport(node.node_id),
        "local": coordinator.local.describe(node.node_id),
        "reachable": node.node_id not in coordinator.unreachable,
        "connected": node.connected,
        "connectivity_timestamp": node.connectivity_timestamp,
        "role": node.role,
        "info": asdict(config.info),
        "config_version": config.config_version,
        "devices": [
            {
                "name": device.name,
                "type": device.type,
                "service": device.is_service,
                "primary": device.primary,
                "attributes": dict(device.attributes),
                "params": {
                    param.name: {
                        "type": param.type,
                        "data_type": param.data_type,
                        "properties": sorted(param.properties),
                        "bounds": asdict(param.bounds) if param.bounds else None,
                        "valid_strs": list(param.valid_strs),
                        "ui_type": param.ui_type,
                    }
                    for param in device.params
                },
            }
            for device in config.entries
        ],
        # What no entity shows, and why: a device's param missing from Home
        # Assistant is listed here rather than left out silently.
        "unmapped": unmapped_params(node),
        "values": {
            device.name: {
                param.name: REDACTED if param.secret else value
                for param, value in zip(device.params, row, strict=True)
                if value is not None
            }
            for device, row in zip(config.entries, node.values, strict=True)
        },
    }


async def async_get_config_entry_diagnostics(
    hass: HomeAssistant, entry: RainMakerConfigEntry
) -> dict[str, Any]:
    """Return the account's settings, the coordinator's state and every node."""
    coordinator = entry.runtime_data.coordinator
    return async_redact_data(
        {
            "entry": {
                "title": entry.title,
                "unique_id": entry.unique_id,
                "data": dict(entry.data),
                "options": dict(entry.options),
            },
            "coordinator": {
                "cloud": coordinator.client.base_url,
                "last_update_success": coordinator.last_update_success,
                "update_interval": coordinator.update_interval.total_seconds()
                if coordinator.update_interval
                else None,
                "pending_writes": coordinator.pending_writes,
                "sent_batches": coordinator.sent_batches,
            },
            "nodes": [_node(node, coordinator) for node in coordinator.data.values()],
        },
        TO_REDACT,
    )


async def async_get_device_diagnostics(
    hass: HomeAssistant, entry: RainMakerConfigEntry, device: DeviceEntry
) -> dict[str, Any]:
    """Return one node."""
    coordinator = entry.runtime_data.coordinator
    nodes = coordinator.data
    node = next(
        (
            nodes[value]
            for domain, value in device.identifiers
            if domain == DOMAIN and value in nodes
        ),
        None,
    )
    return async_redact_data(
        {"node": _node(node, coordinator) if node is not None else None}, TO_REDACT
    )
