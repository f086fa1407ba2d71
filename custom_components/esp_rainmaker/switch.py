"""Switches: Thermacell repellers, standard switches and outlets, writable booleans."""

from collections.abc import Iterator
import time
from typing import Any

from homeassistant.components.switch import (
    SwitchDeviceClass,
    SwitchEntity,
    SwitchEntityDescription,
)
from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .api import DeviceSpec, Node, ParamSpec, vocabulary as v
from .api.thermacell import power_param
from .const import CONFIRM_TIMEOUT
from .coordinator import (
    RainMakerConfigEntry,
    RainMakerCoordinator,
    RainMakerRuntimeData,
)
from .entity import RainMakerEntity, RainMakerParamEntity, async_add_node_entities
from .hubs import ThermacellHubs
from .mapping import (
    generic_naming,
    generic_params,
    is_thermacell,
    main_naming,
    profile_devices,
)
from .profiles import POWER

# Commands are coalesced by the coordinator; let them reach it together.
PARALLEL_UPDATES = 0

OUTLET_TYPES = frozenset({v.DEVICE_OUTLET, v.DEVICE_PLUG, v.DEVICE_SOCKET})

REPELLERS = SwitchEntityDescription(key="repellers", translation_key="repellers")


def _main_description(node: Node, device: DeviceSpec) -> SwitchEntityDescription:
    return SwitchEntityDescription(
        key="switch",
        device_class=SwitchDeviceClass.OUTLET
        if device.type in OUTLET_TYPES
        else SwitchDeviceClass.SWITCH,
        **main_naming(node, device),
    )


def _entities(runtime: RainMakerRuntimeData, node: Node) -> Iterator[RainMakerEntity]:
    coordinator = runtime.coordinator
    for device in node.config.devices:
        if is_thermacell(node, device) and (param := power_param(device)) is not None:
            yield RepellersSwitch(
                coordinator, node, device, param, REPELLERS, runtime.hubs
            )
    for device, parts in profile_devices(node, Platform.SWITCH):
        yield RainMakerSwitch(
            coordinator, node, device, parts[POWER], _main_description(node, device)
        )
    for device, param in generic_params(node, Platform.SWITCH):
        description = SwitchEntityDescription(
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

    @property
    def is_on(self) -> bool | None:
        """Return the reported (or just written) value."""
        value = self.current_value
        return value if isinstance(value, bool) else None

    async def async_turn_on(self, **kwargs: Any) -> None:
        """Switch on."""
        await self.async_write_param(True)

    async def async_turn_off(self, **kwargs: Any) -> None:
        """Switch off."""
        await self.async_write_param(False)


class RepellersSwitch(RainMakerSwitch):
    """A Thermacell hub's repellers; after *off*, a check that the hub really stops."""

    def __init__(
        self,
        coordinator: RainMakerCoordinator,
        node: Node,
        device: DeviceSpec,
        param: ParamSpec,
        description: SwitchEntityDescription,
        hubs: ThermacellHubs,
    ) -> None:
        """Bind to the hub's power switch."""
        super().__init__(coordinator, node, device, param, description)
        self._hubs = hubs

    async def async_turn_on(self, **kwargs: Any) -> None:
        """Switch on: a hub that would not stop is not watched any more."""
        self._hubs.shutdowns.cancel(self.node_id)
        await super().async_turn_on(**kwargs)

    async def async_turn_off(self, **kwargs: Any) -> None:
        """Switch off, then look at the hub once the confirmation time is over."""
        await super().async_turn_off(**kwargs)
        deadline = time.monotonic() + CONFIRM_TIMEOUT
        self._hubs.shutdowns.watch(self.node_id, deadline)
        self.coordinator.check_node_at(self.node_id, deadline)
