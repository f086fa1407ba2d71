"""Selects: the Thermacell cartridge type, and writable strings with valid values."""

from collections.abc import Iterator
from typing import Final

from homeassistant.components.select import SelectEntity, SelectEntityDescription
from homeassistant.const import EntityCategory, Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.helpers.restore_state import RestoreEntity

from .api import Node
from .api.thermacell import PARAM_REFILL_RESET, Cartridge
from .coordinator import RainMakerConfigEntry, RainMakerRuntimeData
from .entity import RainMakerEntity, RainMakerParamEntity, async_add_node_entities
from .mapping import generic_naming, generic_params, is_thermacell

# Commands are coalesced by the coordinator; let them reach it together.
PARALLEL_UPDATES = 0

CARTRIDGE_OPTIONS: Final = {
    "40_hours": Cartridge.HOURS_40,
    "100_hours": Cartridge.HOURS_100,
    "180_hours": Cartridge.HOURS_180,
}
DEFAULT_CARTRIDGE: Final = "100_hours"

CARTRIDGE = SelectEntityDescription(
    key="cartridge",
    translation_key="cartridge",
    entity_category=EntityCategory.CONFIG,
    options=list(CARTRIDGE_OPTIONS),
)


def _entities(runtime: RainMakerRuntimeData, node: Node) -> Iterator[RainMakerEntity]:
    coordinator = runtime.coordinator
    for device in node.config.devices:
        if is_thermacell(node, device) and device.param(PARAM_REFILL_RESET) is not None:
            yield CartridgeSelect(runtime, node, device.name, CARTRIDGE)
    for device, param in generic_params(node, Platform.SELECT):
        description = SelectEntityDescription(
            key=f"param_{param.name}",
            options=list(param.valid_strs),
            **generic_naming(node, device, param),
        )
        yield RainMakerSelect(coordinator, node, device, param, description)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: RainMakerConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add selects for current and future nodes."""
    async_add_node_entities(entry, async_add_entities, _entities)


class CartridgeSelect(RainMakerEntity, SelectEntity, RestoreEntity):
    """Which refill cartridge the hub holds; used by the reset refill button.

    The hub does not report its cartridge, so the choice is kept in Home Assistant
    and restored across restarts.
    """

    follows_connectivity = False
    _attr_current_option = DEFAULT_CARTRIDGE

    def __init__(
        self,
        runtime: RainMakerRuntimeData,
        node: Node,
        device_name: str,
        description: SelectEntityDescription,
    ) -> None:
        """Bind the choice to a hub."""
        super().__init__(runtime.coordinator, node, device_name, description)
        self._cartridges = runtime.hubs.cartridges

    async def async_added_to_hass(self) -> None:
        """Restore the last choice."""
        await super().async_added_to_hass()
        if (
            state := await self.async_get_last_state()
        ) and state.state in CARTRIDGE_OPTIONS:
            self._attr_current_option = state.state
        self._cartridges[self.node_id] = CARTRIDGE_OPTIONS[
            self.current_option or DEFAULT_CARTRIDGE
        ]

    async def async_select_option(self, option: str) -> None:
        """Remember the cartridge type."""
        self._attr_current_option = option
        self._cartridges[self.node_id] = CARTRIDGE_OPTIONS[option]
        self.async_write_ha_state()


class RainMakerSelect(RainMakerParamEntity, SelectEntity):
    """A string parameter with a fixed set of values."""

    @property
    def current_option(self) -> str | None:
        """Return the reported value when it is one of the options."""
        value = self.current_value
        return value if value in self.options else None

    async def async_select_option(self, option: str) -> None:
        """Write the chosen value."""
        await self.async_write_param(option)
