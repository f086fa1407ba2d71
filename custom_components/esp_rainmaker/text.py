"""Texts: writable free strings."""

from collections.abc import Iterator
from typing import Final

from homeassistant.components.text import TextEntity, TextEntityDescription
from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .api import Node
from .coordinator import RainMakerConfigEntry, RainMakerRuntimeData
from .entity import RainMakerParamEntity, async_add_node_entities
from .mapping import generic_naming, generic_params, is_thermacell

# Commands are coalesced by the coordinator; let them reach it together.
PARALLEL_UPDATES = 0

# The longest state Home Assistant stores.
MAX_TEXT_LENGTH: Final = 255


def _entities(
    runtime: RainMakerRuntimeData, node: Node
) -> Iterator[RainMakerParamEntity]:
    for device, param in generic_params(node, Platform.TEXT):
        description = TextEntityDescription(
            key=f"param_{param.name}",
            native_max=MAX_TEXT_LENGTH,
            entity_registry_enabled_default=not is_thermacell(node, device),
            **generic_naming(node, device, param),
        )
        yield RainMakerText(runtime.coordinator, node, device, param, description)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: RainMakerConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add texts for current and future nodes."""
    async_add_node_entities(entry, async_add_entities, _entities)


class RainMakerText(RainMakerParamEntity, TextEntity):
    """A writable string without a list of valid values."""

    @property
    def native_value(self) -> str | None:
        """Return the reported (or just written) text, cut to what a state holds."""
        value = self.current_value
        return value[:MAX_TEXT_LENGTH] if isinstance(value, str) else None

    async def async_set_value(self, value: str) -> None:
        """Write the text."""
        await self.async_write_param(value)
