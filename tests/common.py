"""Helpers for the integration tests."""

import asyncio
from asyncio import futures
from collections.abc import Collection
from datetime import timedelta
import time
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr
from pytest_homeassistant_custom_component.common import (
    async_fire_time_changed,
    get_scheduled_timer_handles,
)

from custom_components.esp_rainmaker.const import DOMAIN
from rainmaker_emulator import DEMO_EMAIL, Cloud

DRAIN_ROUNDS = 2000


def _sleeping(loop: asyncio.AbstractEventLoop) -> list[asyncio.TimerHandle]:
    """Timers of `asyncio.sleep` calls (back-offs, Retry-After pauses, latency).

    asyncio has no public way to tell a sleep's timer from any other, so the
    handle's (private) callback is compared with the one `asyncio.sleep` uses.
    """
    return [
        handle
        for handle in get_scheduled_timer_handles(loop)
        if not handle.cancelled()
        and getattr(handle, "_callback", None) is futures._set_result_unless_cancelled
    ]


def _skip_to_next_sleep(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, loop: asyncio.AbstractEventLoop
) -> bool:
    """Move the frozen clock to the earliest `asyncio.sleep`; tell whether there was one."""
    sleeps = _sleeping(loop)
    if not sleeps:
        return False
    delay = min(handle.when() for handle in sleeps) - loop.time()
    if delay > 0:
        freezer.tick(timedelta(seconds=delay + 0.001))
    async_fire_time_changed(hass)
    return True


async def _drain(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    running: Collection[asyncio.Task[Any]] = (),
) -> None:
    """Run until background work (polls, command batches) is done.

    Under a frozen clock an `asyncio.sleep` inside a request (a back-off, a pause the
    cloud asked for with Retry-After) would never end: when the only thing left to
    wait for is such a sleep, the clock is moved to it. Timeouts and Home Assistant's
    own timers are not touched.

    `hass.async_block_till_done` would wait for such a sleep forever, and Home
    Assistant has no public way to list the tasks still running without waiting
    for them: this reads `hass._tasks` and `hass._background_tasks` for that.
    """
    loop = asyncio.get_running_loop()
    current = asyncio.current_task()
    for _ in range(DRAIN_ROUNDS):
        for _ in range(5):
            await asyncio.sleep(0)
        busy = [
            task
            for task in (*hass._tasks, *hass._background_tasks)
            if task is not current and not task.done() and task not in running
        ]
        if not busy:
            if not running:
                await hass.async_block_till_done()
                return
            # A running action may wait on a sleep (the rate limiter): let it go on.
            if not _skip_to_next_sleep(hass, freezer, loop):
                return
            continue
        # Let the sockets make progress in real time.
        await loop.run_in_executor(None, time.sleep, 0.001)
        _skip_to_next_sleep(hass, freezer, loop)
    raise TimeoutError(f"background work did not finish: {busy}")


async def tick(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    seconds: float,
    *,
    running: Collection[asyncio.Task[Any]] = (),
) -> None:
    """Move Home Assistant and the emulator forward and run what became due.

    `running` are tasks that may go on waiting on the clock (an action that follows
    a firmware job): the rest of the work is run until done.
    """
    freezer.tick(timedelta(seconds=seconds))
    async_fire_time_changed(hass)
    await _drain(hass, freezer, running)


async def start_action(
    hass: HomeAssistant, domain: str, service: str, data: dict[str, Any]
) -> tuple["asyncio.Future[Any]", set[asyncio.Task[Any]]]:
    """Call an action that waits on the clock, without waiting for it.

    Returns the call and the tasks Home Assistant started for it, for `tick`'s
    `running`.
    """
    before = set(hass._tasks)
    call = asyncio.ensure_future(
        hass.services.async_call(domain, service, data, blocking=True)
    )
    for _ in range(10):
        await asyncio.sleep(0)
    return call, set(hass._tasks) - before


def node_ids(cloud: Cloud, kind: str) -> list[str]:
    """Return the ids of the cloud's nodes of a kind, in creation order."""
    return [node_id for node_id, node in cloud.nodes.items() if node.kind.kind == kind]


def node_id_named(cloud: Cloud, name: str) -> str:
    """Return the id of the node whose device is called `name` by the user."""
    for node_id, node in cloud.nodes.items():
        for params in node.reported.values():
            if params.get("Name") == name:
                return node_id
    raise KeyError(name)


def node_device(hass: HomeAssistant, node_id: str) -> dr.DeviceEntry | None:
    """Return the device of a node.

    Looks through the devices of the integration's entries: newer Home Assistant
    releases deprecate looking a device up by its identifiers alone, and older ones
    lack the per-entry lookup that replaces it.
    """
    registry = dr.async_get(hass)
    return next(
        (
            device
            for entry in hass.config_entries.async_entries(DOMAIN)
            for device in dr.async_entries_for_config_entry(registry, entry.entry_id)
            if (DOMAIN, node_id) in device.identifiers
        ),
        None,
    )


def add_device_node(
    cloud: Cloud,
    node_id: str,
    device_type: str,
    params: list[dict[str, Any]],
    values: dict[str, Any],
    *,
    device: str = "Device",
) -> str:
    """Add a one-device node of the demo account, built from param specs and values.

    The node's device is named `device` by its firmware and `node_id` by the user,
    so its main entity is `<platform>.<node_id in snake case>`.
    """
    cloud.add_node(
        "raw",
        DEMO_EMAIL,
        node_id=node_id,
        config={
            "node_id": node_id,
            "info": {"name": node_id, "type": device_type, "fw_version": "1.0"},
            "devices": [
                {
                    "name": device,
                    "type": device_type,
                    "params": [
                        {
                            "name": "Name",
                            "type": "esp.param.name",
                            "data_type": "string",
                            "properties": ["read", "write"],
                        },
                        *params,
                    ],
                }
            ],
        },
        params={device: {"Name": node_id, **values}},
    )
    return node_id
