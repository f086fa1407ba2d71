"""Switches: Thermacell repellers, standard switches and outlets, writable booleans."""

from collections.abc import Hashable, Iterator
from datetime import timedelta
import time
from typing import Any

from homeassistant.components.switch import (
    SwitchDeviceClass,
    SwitchEntity,
    SwitchEntityDescription,
)
from homeassistant.const import EntityCategory, Platform
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .api import DeviceSpec, Node, ParamSpec, vocabulary as v
from .api.schedules import (
    Schedule,
    enable_operation,
    find_schedule,
    node_schedules,
    schedules_param,
)
from .api.thermacell import power_param
from .compat import async_register_platform_actions
from .const import CONFIRM_TIMEOUT, DOMAIN
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
from .services import TIMER_ACTIONS
from .timers import async_cancel_timer, async_run_for, async_write_operations

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


def _app_schedules(node: Node) -> Iterator[Schedule]:
    return (s for s in node_schedules(node) if not s.is_timer)


def _schedule_ids(node: Node) -> Hashable:
    return tuple(schedule.schedule_id for schedule in _app_schedules(node))


def _schedule_entities(
    runtime: RainMakerRuntimeData, node: Node
) -> Iterator[RainMakerEntity]:
    if (found := schedules_param(node)) is None:
        return
    for schedule in _app_schedules(node):
        yield ScheduleSwitch(runtime.coordinator, node, found, schedule)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: RainMakerConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add switches for current and future nodes, and for the app's schedules."""
    async_register_platform_actions(TIMER_ACTIONS)
    async_add_node_entities(entry, async_add_entities, _entities)
    async_add_node_entities(
        entry, async_add_entities, _schedule_entities, watch=_schedule_ids
    )


class RainMakerSwitch(RainMakerParamEntity, SwitchEntity):
    """A boolean parameter as a switch; a power switch can run for a while."""

    async def async_run_for(self, duration: timedelta) -> None:
        """Turn on now; the device turns itself off after `duration`."""
        await async_run_for(self.coordinator, self.node_id, self.device_name, duration)

    async def async_cancel_timer(self) -> None:
        """Delete the device's timer; it stays as it is."""
        await async_cancel_timer(self.coordinator, self.node_id, self.device_name)

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

    async def async_run_for(self, duration: timedelta) -> None:
        """Turn the repellers on for a while: a hub that would not stop is not watched."""
        self._hubs.shutdowns.cancel(self.node_id)
        await super().async_run_for(duration)

    async def async_turn_off(self, **kwargs: Any) -> None:
        """Switch off, then look at the hub once the confirmation time is over."""
        await super().async_turn_off(**kwargs)
        deadline = time.monotonic() + CONFIRM_TIMEOUT
        self._hubs.shutdowns.watch(self.node_id, deadline)
        self.coordinator.check_node_at(self.node_id, deadline)


class ScheduleSwitch(RainMakerEntity, SwitchEntity):
    """A schedule made in the app, enabled or disabled; the device runs it."""

    _attr_entity_category = EntityCategory.CONFIG
    transient = True

    def __init__(
        self,
        coordinator: RainMakerCoordinator,
        node: Node,
        found: tuple[DeviceSpec, ParamSpec],
        schedule: Schedule,
    ) -> None:
        """Bind to one schedule stored on the node."""
        super().__init__(
            coordinator,
            node,
            found[0].name,
            SwitchEntityDescription(
                key=f"schedule_{schedule.schedule_id}",
                translation_key="schedule",
                translation_placeholders={"name": schedule.name},
            ),
        )
        self._found = found
        self.schedule_id = schedule.schedule_id

    def _schedule(self) -> Schedule | None:
        node = self.node
        return find_schedule(node, self.schedule_id) if node is not None else None

    @property
    def available(self) -> bool:
        """Return False while the node does not store the schedule."""
        return super().available and self._schedule() is not None

    @property
    def is_on(self) -> bool | None:
        """Return whether the schedule is enabled."""
        schedule = self._schedule()
        return schedule.enabled if schedule is not None else None

    async def async_turn_on(self, **kwargs: Any) -> None:
        """Enable the schedule."""
        await self._enable(True)

    async def async_turn_off(self, **kwargs: Any) -> None:
        """Disable the schedule."""
        await self._enable(False)

    async def _enable(self, enabled: bool) -> None:
        node = self.node
        if node is None or self._schedule() is None:
            raise ServiceValidationError(
                translation_domain=DOMAIN,
                translation_key="schedule_gone",
                translation_placeholders={"schedule_id": self.schedule_id},
            )
        await async_write_operations(
            self.coordinator,
            node,
            self._found,
            enable_operation(self.schedule_id, enabled),
        )

    async def async_run_for(self, duration: timedelta) -> None:
        """Refuse: a schedule cannot run for a while."""
        await async_run_for(self.coordinator, self.node_id, self.device_name, duration)

    async def async_cancel_timer(self) -> None:
        """Refuse: a schedule has no timer."""
        await async_cancel_timer(self.coordinator, self.node_id, self.device_name)
