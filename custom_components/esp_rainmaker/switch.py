"""Switches: Thermacell repellers, standard switches and outlets, writable booleans."""

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from homeassistant.components.switch import (
    SwitchDeviceClass,
    SwitchEntity,
    SwitchEntityDescription,
)
from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .api import DeviceSpec, Node
from .api.thermacell import power_param
from .coordinator import RainMakerConfigEntry, RainMakerCoordinator
from .entity import RainMakerEntity, RainMakerParamEntity, async_add_node_entities
from .mapping import (
    PARAM_TYPE_POWER,
    first_param,
    generic_naming,
    generic_params,
    is_thermacell,
    main_naming,
    profile_devices,
)

# Commands are coalesced by the coordinator; let them reach it together.
PARALLEL_UPDATES = 0

OUTLET_TYPES = frozenset({"esp.device.outlet", "esp.device.plug", "esp.device.socket"})


@dataclass(frozen=True, kw_only=True)
class RainMakerSwitchEntityDescription(SwitchEntityDescription):
    """A switch bound to one boolean parameter."""

    verify_off: bool = False


REPELLERS = RainMakerSwitchEntityDescription(
    key="repellers", translation_key="repellers", verify_off=True
)


def _main_description(
    node: Node, device: DeviceSpec
) -> RainMakerSwitchEntityDescription:
    return RainMakerSwitchEntityDescription(
        key="switch",
        device_class=SwitchDeviceClass.OUTLET
        if device.type in OUTLET_TYPES
        else SwitchDeviceClass.SWITCH,
        **main_naming(node, device),
    )


def _entities(
    coordinator: RainMakerCoordinator, node: Node
) -> Iterator[RainMakerEntity]:
    for device in node.config.devices:
        if is_thermacell(node, device) and (param := power_param(device)) is not None:
            yield RainMakerSwitch(coordinator, node, device, param, REPELLERS)
    for device in profile_devices(node, Platform.SWITCH):
        if (param := first_param(device, PARAM_TYPE_POWER)) is not None:
            yield RainMakerSwitch(
                coordinator, node, device, param, _main_description(node, device)
            )
    for device, param in generic_params(node, Platform.SWITCH):
        description = RainMakerSwitchEntityDescription(
            key=f"param_{param.name}", **generic_naming(node, device, param)
        )
        yield RainMakerSwitch(coordinator, node, device, param, description)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: RainMakerConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add switches for current and future nodes."""
    async_add_node_entities(entry, async_add_entities, _entities)


class RainMakerSwitch(RainMakerParamEntity, SwitchEntity):
    """A boolean parameter as a switch."""

    entity_description: RainMakerSwitchEntityDescription

    @property
    def is_on(self) -> bool | None:
        """Return the reported (or just written) value."""
        value = self.current_value
        return value if isinstance(value, bool) else None

    def _state_key(self) -> tuple[Any, ...]:
        return (self.is_on,)

    async def async_turn_on(self, **kwargs: Any) -> None:
        """Switch on."""
        if self.entity_description.verify_off:
            self.coordinator.shutdowns.cancel(self.node_id)
        await self.async_write_param(True)

    async def async_turn_off(self, **kwargs: Any) -> None:
        """Switch off; for a hub, also check that it really stops."""
        await self.async_write_param(False)
        if self.entity_description.verify_off:
            self.coordinator.verify_shutdown(self.node_id)
