"""Timers that run on the device: "on now, off after a while" as a one-shot schedule.

A timer is a schedule with a relative trigger (`rsec`) written to the node's
Schedule service; the device turns itself off when it fires, with or without
Home Assistant or the internet. Switches of a power param on nodes with the
Schedule service take timers (the Thermacell repellers first among them).
"""

import asyncio
from datetime import timedelta
import time
from typing import Any

from homeassistant.const import Platform
from homeassistant.exceptions import ServiceValidationError

from .api import DeviceSpec, Node, ParamSpec, vocabulary as v
from .api.schedules import (
    MAX_TIMER_SECONDS,
    find_timer,
    node_schedules,
    remove_operation,
    schedules_param,
    stored_after,
    timer_id,
    timer_operations,
)
from .api.thermacell import power_param
from .const import DOMAIN
from .coordinator import RainMakerCoordinator
from .mapping import generic_platform, is_thermacell
from .profiles import POWER, first_param, profile_of

# The firmware stores at most this many schedules when the param does not say.
DEFAULT_SCHEDULE_SLOTS = 10


def timer_param(node: Node, device: DeviceSpec) -> ParamSpec | None:
    """Return the power param a timer of `device` turns off, if it can have one."""
    if schedules_param(node) is None:
        return None
    if is_thermacell(node, device):
        return power_param(device)
    profile = profile_of(device)
    if profile is not None and (parts := profile.parts(device)) is not None:
        return parts.get(POWER) if profile.platform is Platform.SWITCH else None
    param = first_param(device, v.PARAM_POWER)
    if param is not None and generic_platform(param) is Platform.SWITCH:
        return param
    return None


def _unsupported(node: Node, device: str) -> ServiceValidationError:
    return ServiceValidationError(
        translation_domain=DOMAIN,
        translation_key="timer_unsupported",
        translation_placeholders={"name": node.name, "device": device},
    )


def _target(
    coordinator: RainMakerCoordinator, node_id: str, device_name: str
) -> tuple[Node, DeviceSpec, ParamSpec, tuple[DeviceSpec, ParamSpec]]:
    node = coordinator.data.get(node_id)
    device = node.config.device(device_name) if node is not None else None
    if node is None or device is None:
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="node_not_found",
            translation_placeholders={"node_id": node_id},
        )
    power = timer_param(node, device)
    schedules = schedules_param(node)
    if power is None or schedules is None:
        raise _unsupported(node, device_name)
    return node, device, power, schedules


async def async_run_for(
    coordinator: RainMakerCoordinator,
    node_id: str,
    device_name: str,
    duration: timedelta,
) -> None:
    """Turn a device on now and have the device turn itself off after `duration`.

    Both writes go out in the same bulk write; an earlier timer of the device is
    replaced.
    """
    node, device, power, schedules = _target(coordinator, node_id, device_name)
    seconds = round(duration.total_seconds())
    if not 60 <= seconds <= MAX_TIMER_SECONDS:
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="timer_duration",
            translation_placeholders={"max_hours": str(MAX_TIMER_SECONDS // 3600)},
        )
    slots = schedules[1].bounds.max if schedules[1].bounds else None
    if find_timer(node, device.name) is None and len(node_schedules(node)) >= (
        slots or DEFAULT_SCHEDULE_SLOTS
    ):
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="schedules_full",
            translation_placeholders={"name": node.name},
        )
    operations = timer_operations(node, device.name, seconds, {power.name: False})
    await asyncio.gather(
        coordinator.async_send(node_id, device.name, {power.name: True}),
        async_write_operations(coordinator, node, schedules, operations),
    )


async def async_cancel_timer(
    coordinator: RainMakerCoordinator, node_id: str, device_name: str
) -> None:
    """Delete a device's timer (nothing is sent when it has none)."""
    node, device, _power, schedules = _target(coordinator, node_id, device_name)
    if find_timer(node, device.name) is None:
        return
    await async_write_operations(
        coordinator, node, schedules, remove_operation(timer_id(node, device.name))
    )


async def async_write_operations(
    coordinator: RainMakerCoordinator,
    node: Node,
    found: tuple[DeviceSpec, ParamSpec],
    operations: list[dict[str, Any]],
    *,
    show: bool = True,
) -> None:
    """Write schedule or scene operations, showing the list they will leave meanwhile."""
    service, param = found
    if not show:
        await coordinator.async_send(
            node.node_id, service.name, {param.name: operations}, optimistic=False
        )
        return
    await coordinator.async_send(
        node.node_id,
        service.name,
        {param.name: operations},
        shown={param.name: stored_after(node, found, operations, time.time())},
    )


def timer_end(node: Node, device: str) -> int | None:
    """Return when a device's running timer ends (epoch seconds), None when none runs."""
    timer = find_timer(node, device)
    return timer.ends_at if timer is not None and timer.enabled else None
