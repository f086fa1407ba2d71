"""Buttons: reset the Thermacell refill, reboot a node, write-only triggers."""

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from homeassistant.components.button import (
    ButtonDeviceClass,
    ButtonEntity,
    ButtonEntityDescription,
)
from homeassistant.const import EntityCategory, Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .api import Node
from .api.thermacell import PARAM_REFILL_RESET, Cartridge
from .coordinator import RainMakerConfigEntry, RainMakerRuntimeData
from .entity import RainMakerEntity, async_add_node_entities
from .hubs import ThermacellHubs
from .mapping import generic_naming, generic_params, is_thermacell, reboot_param

# Commands are coalesced by the coordinator; let them reach it together.
PARALLEL_UPDATES = 0


@dataclass(frozen=True, kw_only=True)
class RainMakerButtonEntityDescription(ButtonEntityDescription):
    """A button that writes one parameter."""

    param: str
    # The value a press writes, from the account's hubs and the node id.
    press_value_fn: Callable[[ThermacellHubs, str], Any] = lambda _hubs, _node_id: True


def _cartridge(hubs: ThermacellHubs, node_id: str) -> int:
    return int(hubs.cartridges.get(node_id, Cartridge.HOURS_100))


RESET_REFILL = RainMakerButtonEntityDescription(
    key="reset_refill",
    translation_key="reset_refill",
    param=PARAM_REFILL_RESET,
    press_value_fn=_cartridge,
)


def _entities(runtime: RainMakerRuntimeData, node: Node) -> Iterator[RainMakerEntity]:
    for device in node.config.devices:
        if is_thermacell(node, device) and device.param(PARAM_REFILL_RESET) is not None:
            yield RainMakerButton(runtime, node, device.name, RESET_REFILL)
    if (reboot := reboot_param(node)) is not None:
        service, param = reboot
        description = RainMakerButtonEntityDescription(
            key="reboot",
            translation_key="reboot",
            device_class=ButtonDeviceClass.RESTART,
            entity_category=EntityCategory.CONFIG,
            param=param.name,
        )
        yield RainMakerButton(runtime, node, service.name, description)
    for device, param in generic_params(node, Platform.BUTTON):
        description = RainMakerButtonEntityDescription(
            key=f"param_{param.name}",
            param=param.name,
            **generic_naming(node, device, param),
        )
        yield RainMakerButton(runtime, node, device.name, description)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: RainMakerConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add buttons for current and future nodes."""
    async_add_node_entities(entry, async_add_entities, _entities)


class RainMakerButton(RainMakerEntity, ButtonEntity):
    """Write a parameter once; nothing is shown optimistically."""

    entity_description: RainMakerButtonEntityDescription

    def __init__(
        self,
        runtime: RainMakerRuntimeData,
        node: Node,
        device_name: str,
        description: RainMakerButtonEntityDescription,
    ) -> None:
        """Bind the button to a device's parameter."""
        super().__init__(runtime.coordinator, node, device_name, description)
        self._hubs = runtime.hubs

    async def async_press(self) -> None:
        """Send the write."""
        description = self.entity_description
        await self.coordinator.async_send(
            self.node_id,
            self.device_name,
            {description.param: description.press_value_fn(self._hubs, self.node_id)},
            optimistic=False,
        )
