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
from .coordinator import RainMakerConfigEntry, RainMakerCoordinator
from .entity import RainMakerEntity, async_add_node_entities
from .mapping import generic_naming, generic_params, is_thermacell, reboot_param

# Commands are coalesced by the coordinator; let them reach it together.
PARALLEL_UPDATES = 0


@dataclass(frozen=True, kw_only=True)
class RainMakerButtonEntityDescription(ButtonEntityDescription):
    """A button that writes one parameter."""

    param: str
    value_fn: Callable[[RainMakerCoordinator, str], Any] = (
        lambda _coordinator, _node_id: True
    )


def _cartridge(coordinator: RainMakerCoordinator, node_id: str) -> int:
    return int(coordinator.cartridges.get(node_id, Cartridge.HOURS_100))


RESET_REFILL = RainMakerButtonEntityDescription(
    key="reset_refill",
    translation_key="reset_refill",
    param=PARAM_REFILL_RESET,
    value_fn=_cartridge,
)


def _entities(
    coordinator: RainMakerCoordinator, node: Node
) -> Iterator[RainMakerEntity]:
    for device in node.config.devices:
        if is_thermacell(node, device) and device.param(PARAM_REFILL_RESET) is not None:
            yield RainMakerButton(coordinator, node, device.name, RESET_REFILL)
    if (reboot := reboot_param(node)) is not None:
        service, param = reboot
        description = RainMakerButtonEntityDescription(
            key="reboot",
            translation_key="reboot",
            device_class=ButtonDeviceClass.RESTART,
            entity_category=EntityCategory.CONFIG,
            param=param.name,
        )
        yield RainMakerButton(coordinator, node, service.name, description)
    for device, param in generic_params(node, Platform.BUTTON):
        description = RainMakerButtonEntityDescription(
            key=f"param_{param.name}",
            param=param.name,
            **generic_naming(node, device, param),
        )
        yield RainMakerButton(coordinator, node, device.name, description)


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

    def _state_key(self) -> tuple[Any, ...]:
        return ()

    async def async_press(self) -> None:
        """Send the write."""
        description = self.entity_description
        await self.coordinator.async_send(
            self.node_id,
            self.device,
            {description.param: description.value_fn(self.coordinator, self.node_id)},
            optimistic=False,
        )
