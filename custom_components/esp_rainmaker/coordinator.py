"""One coordinator per account: polls every node and sends every command."""

import asyncio
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
import math
import time
from typing import Any

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.exceptions import (
    ConfigEntryAuthFailed,
    HomeAssistantError,
    ServiceValidationError,
)
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers.debounce import Debouncer
from homeassistant.helpers.event import async_call_later
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator, UpdateFailed

from .api import (
    Node,
    RainMakerAuthenticationError,
    RainMakerClient,
    RainMakerError,
    RainMakerNodeError,
    RainMakerRateLimitError,
    RainMakerValidationError,
)
from .api.thermacell import Cartridge, refuse_hazards
from .commands import CommandBatcher, Writes
from .confirmation import ConfirmationSchedule, ParamKey
from .const import (
    CONF_SCAN_INTERVAL,
    CONFIRM_COOLDOWN,
    CONFIRM_DELAYS,
    CONFIRM_TIMEOUT,
    DEFAULT_SCAN_INTERVAL,
    DOMAIN,
    LOGGER,
)
from .dispatch import NodeListeners
from .thermacell import ShutdownMonitor

type RainMakerConfigEntry = ConfigEntry[RainMakerCoordinator]


@dataclass(slots=True)
class PendingWrite:
    """A value written but not yet reported back by the device.

    `stale` holds what the cloud may still report meanwhile without contradicting
    the write: the value before it and any earlier writes of the same param that
    were not confirmed yet (the device may apply them first).
    """

    value: Any
    stale: tuple[Any, ...]
    deadline: float
    owner: object


def same_value(left: Any, right: Any) -> bool:
    """Compare reported and written values (numbers with a float tolerance)."""
    if isinstance(left, bool) or isinstance(right, bool):
        return left is right
    if isinstance(left, int | float) and isinstance(right, int | float):
        return math.isclose(left, right, rel_tol=1e-6, abs_tol=1e-6)
    return bool(left == right)


class RainMakerCoordinator(DataUpdateCoordinator[dict[str, Node]]):
    """Poll the account's nodes into `dict[node_id, Node]` and send commands.

    `data` is what the cloud reported, overlaid with values written but not yet
    confirmed, so entities show a command at once and never flicker back while the
    device applies it.
    """

    config_entry: RainMakerConfigEntry

    def __init__(
        self, hass: HomeAssistant, entry: RainMakerConfigEntry, client: RainMakerClient
    ) -> None:
        """Set up polling at the configured interval."""
        super().__init__(
            hass,
            LOGGER,
            config_entry=entry,
            name=f"{DOMAIN} {entry.title}",
            update_interval=timedelta(
                seconds=entry.options.get(CONF_SCAN_INTERVAL, DEFAULT_SCAN_INTERVAL)
            ),
            always_update=False,
            request_refresh_debouncer=Debouncer(
                hass, LOGGER, cooldown=CONFIRM_COOLDOWN, immediate=True
            ),
        )
        self.client = client
        self.cartridges: dict[str, Cartridge] = {}
        self.shutdowns = ShutdownMonitor(hass, entry)
        self._cloud: dict[str, Node] = {}
        self._overlaid: dict[str, tuple[Node, dict[tuple[str, str], Any], Node]] = {}
        self._publish_scheduled = False
        self._fetches = 0
        self._fetched_at: dict[str, int] = {}
        self._pages = 1
        self._node_listeners = NodeListeners()
        self._device_check: frozenset[str] | None = None
        self._credentials_refused = False
        self._pending: dict[ParamKey, PendingWrite] = {}
        self._confirmations = ConfirmationSchedule()
        self._unsub_check: CALLBACK_TYPE | None = None
        self._batcher = CommandBatcher(
            self._write,
            lambda coro: entry.async_create_background_task(
                hass, coro, f"{DOMAIN} command batch", eager_start=False
            ),
        )

    # Listeners -----------------------------------------------------------------------

    @callback
    def async_add_listener(
        self, update_callback: CALLBACK_TYPE, context: Any = None
    ) -> CALLBACK_TYPE:
        """Listen for updates; an entity passes its node id to hear only that node."""
        remove = super().async_add_listener(update_callback, context)
        return self._node_listeners.add(update_callback, context, remove)

    @callback
    def async_update_listeners(self) -> None:
        """Update the entities of the nodes that changed (all when availability did)."""
        for update_callback in self._node_listeners.targets(
            self.data, self.last_update_success
        ):
            update_callback()

    # Polling -----------------------------------------------------------------------

    async def _async_update_data(self) -> dict[str, Node]:
        if self._credentials_refused:
            # Trying a refused password again risks locking the account; wait for
            # the user to re-authenticate (which reloads the entry).
            raise ConfigEntryAuthFailed(
                translation_domain=DOMAIN, translation_key="auth_failed"
            )
        started = self._next_fetch()
        try:
            listing = await self.client.get_nodes()
        except RainMakerAuthenticationError as err:
            self._credentials_refused = True
            raise ConfigEntryAuthFailed(
                translation_domain=DOMAIN, translation_key="auth_failed"
            ) from err
        except RainMakerRateLimitError as err:
            wait = max(err.retry_after or 0.0, self.client.limiter.paused_for)
            interval = (
                self.update_interval.total_seconds() if self.update_interval else 0
            )
            failed = UpdateFailed(
                translation_domain=DOMAIN,
                translation_key="rate_limited",
                translation_placeholders={"seconds": str(math.ceil(wait))},
            )
            # Newer releases then poll again when the pause ends (older ones ignore it).
            failed.retry_after = wait if wait > interval else None
            raise failed from err
        except RainMakerError as err:
            raise UpdateFailed(
                translation_domain=DOMAIN,
                translation_key="cloud_unavailable",
                translation_placeholders={"error": str(err)},
            ) from err

        self._pages = listing.pages
        previous = self._cloud
        cloud: dict[str, Node] = {}
        for node_id, node in listing.nodes.items():
            cloud[node_id] = self._newest(previous.get(node_id), node, started)
        # A node that is unreadable for a poll is not gone, nor is one that a listing
        # cut short did not reach: keep what we had.
        kept = previous if not listing.complete else listing.malformed
        for node_id in kept:
            if node_id in previous and node_id not in cloud:
                cloud[node_id] = previous[node_id]
        self._cloud = cloud
        self._fetched_at = {
            node_id: fetch
            for node_id, fetch in self._fetched_at.items()
            if node_id in cloud
        }
        self._after_fetch()
        if listing.complete:
            self._remove_stale_devices(cloud)
        return self._merged()

    def _next_fetch(self) -> int:
        """Return the next fetch number: results of older fetches never replace newer."""
        self._fetches += 1
        return self._fetches

    def _newest(self, old: Node | None, new: Node, started: int) -> Node:
        """Return the node to keep: `new` fetched at `started`, unless `old` is newer.

        Unchanged nodes keep their identity, so entities can skip them cheaply.
        """
        if old is not None and self._fetched_at.get(new.node_id, 0) > started:
            return old
        self._fetched_at[new.node_id] = started
        return old if old is not None and old == new else new

    def _after_fetch(self) -> None:
        now = time.monotonic()
        self._settle_pending(now)
        self.shutdowns.check(self._cloud, now)

    async def _async_fetch_nodes(self, node_ids: frozenset[str]) -> None:
        """Fetch a few nodes (one request each) to confirm writes quickly."""
        started = self._next_fetch()
        try:
            nodes = await asyncio.gather(
                *(self.client.get_node(node_id) for node_id in node_ids)
            )
        except RainMakerError as err:
            LOGGER.debug("Confirming by node failed (%s); polling the account", err)
            await self.async_request_refresh()
            return
        for node in nodes:
            self._cloud[node.node_id] = self._newest(
                self._cloud.get(node.node_id), node, started
            )
        self._after_fetch()
        merged = self._merged()
        if merged != self.data:
            self.data = merged
            self.async_update_listeners()

    def _remove_stale_devices(self, cloud: Mapping[str, Node]) -> None:
        # Devices are only made for nodes of the account: none can be stale while
        # the account holds the same nodes as at the last look.
        on_account = frozenset(cloud)
        if on_account == self._device_check:
            return
        self._device_check = on_account
        registry = dr.async_get(self.hass)
        entry_id = self.config_entry.entry_id
        for device in dr.async_entries_for_config_entry(registry, entry_id):
            node_ids = {
                value for domain, value in device.identifiers if domain == DOMAIN
            }
            if node_ids and not node_ids & on_account:
                LOGGER.debug(
                    "Removing device %s: no longer on the account", device.name
                )
                # Only this entry has devices with our identifiers.
                registry.async_remove_device(device.id)

    # Optimistic state ----------------------------------------------------------------

    def _merged(self) -> dict[str, Node]:
        """Return the cloud's nodes with unconfirmed written values on top.

        An overlaid node keeps its identity while neither its reported state nor
        its overlay changed, so its entities are not written again.
        """
        merged = dict(self._cloud)
        overlays: dict[str, dict[tuple[str, str], Any]] = {}
        for (node_id, device, param), pending in self._pending.items():
            overlays.setdefault(node_id, {})[(device, param)] = pending.value
        cache: dict[str, tuple[Node, dict[tuple[str, str], Any], Node]] = {}
        for node_id, values in overlays.items():
            if (node := merged.get(node_id)) is None:
                continue
            cached = self._overlaid.get(node_id)
            if cached is not None and cached[0] is node and cached[1] == values:
                overlaid = cached[2]
            else:
                overlaid = node.with_values(values)
            cache[node_id] = (node, values, overlaid)
            merged[node_id] = overlaid
        self._overlaid = cache
        return merged

    def _settle_pending(self, now: float) -> None:
        """Drop written values the cloud confirmed, contradicted or gave up on."""
        for key, pending in list(self._pending.items()):
            node_id, device, param = key
            node = self._cloud.get(node_id)
            reported = node.get(device, param) if node is not None else None
            if (
                node is None
                or same_value(reported, pending.value)
                or not any(same_value(reported, old) for old in pending.stale)
                or now >= pending.deadline
            ):
                del self._pending[key]

    @callback
    def _publish(self) -> None:
        """Show written values now: once for all commands issued in this loop turn."""
        if not self._publish_scheduled:
            self._publish_scheduled = True
            self.hass.loop.call_soon(self._publish_now)

    @callback
    def _publish_now(self) -> None:
        self._publish_scheduled = False
        self.data = self._merged()
        self.async_update_listeners()

    @property
    def pending_writes(self) -> int:
        """Count written values waiting for the device's confirmation."""
        return len(self._pending)

    # Commands ------------------------------------------------------------------------

    async def async_send(
        self,
        node_id: str,
        device: str,
        params: Mapping[str, Any],
        *,
        optimistic: bool = True,
    ) -> None:
        """Write params of one device; show them at once unless `optimistic` is False.

        Raises ServiceValidationError before any request for values the node would
        refuse, and a translated HomeAssistantError when the write fails (the shown
        state is reverted).
        """
        node = self.data.get(node_id)
        if node is None:
            raise HomeAssistantError(
                translation_domain=DOMAIN,
                translation_key="node_not_found",
                translation_placeholders={"node_id": node_id},
            )
        try:
            refuse_hazards(node.config, device, params)
            values = node.config.validate_write(device, params)
        except RainMakerValidationError as err:
            raise ServiceValidationError(
                translation_domain=DOMAIN,
                translation_key="invalid_value",
                translation_placeholders={"name": node.name, "error": str(err)},
            ) from err

        owner = object()
        if optimistic:
            deadline = time.monotonic() + CONFIRM_TIMEOUT
            reported = self._cloud.get(node_id, node)
            for param, value in values.items():
                key = (node_id, device, param)
                stale: tuple[Any, ...] = (reported.get(device, param),)
                if (earlier := self._pending.get(key)) is not None:
                    stale += (*earlier.stale, earlier.value)
                self._pending[key] = PendingWrite(
                    value=value, stale=stale, deadline=deadline, owner=owner
                )
            self._publish()

        try:
            sent_at = await self._batcher.add(node_id, device, values)
        except asyncio.CancelledError:
            if (task := asyncio.current_task()) is not None and task.cancelling():
                raise  # the caller itself is being cancelled
            # The entry is unloading: the command was dropped or cut off in flight.
            self._revert(owner)
            raise HomeAssistantError(
                translation_domain=DOMAIN,
                translation_key="command_cancelled",
                translation_placeholders={"name": node.name},
            ) from None
        except RainMakerError as err:
            self._revert(owner)
            reason = (
                err.failures[node_id].description
                if isinstance(err, RainMakerNodeError) and node_id in err.failures
                else str(err)
            )
            raise HomeAssistantError(
                translation_domain=DOMAIN,
                translation_key="command_failed",
                translation_placeholders={"name": node.name, "error": reason},
            ) from err
        if optimistic:
            self.schedule_confirmation(
                sent_at, keys=frozenset((node_id, device, p) for p in values)
            )
        else:
            self.schedule_confirmation(
                sent_at,
                nodes=frozenset({node_id}),
                checks=CONFIRM_DELAYS[::3],
                unconditional=2,
            )

    async def _write(self, writes: Writes) -> None:
        await self.client.set_params(writes)

    @callback
    def _revert(self, owner: object) -> None:
        changed = False
        for key, pending in list(self._pending.items()):
            if pending.owner is owner:
                del self._pending[key]
                changed = True
        if changed:
            # At once, so the state is back before the caller sees the error.
            self._publish_now()

    # Confirmation polls ----------------------------------------------------------------

    @callback
    def schedule_confirmation(
        self,
        sent_at: float,
        *,
        keys: frozenset[ParamKey] = frozenset(),
        nodes: frozenset[str] = frozenset(),
        checks: tuple[float, ...] | None = None,
        unconditional: int = 0,
    ) -> None:
        """Check after a write until the device reports `keys` (or `unconditional` times)."""
        delays = checks if checks is not None else (*CONFIRM_DELAYS, CONFIRM_TIMEOUT)
        self._confirmations.add(
            (sent_at + delay for delay in delays),
            keys=keys,
            nodes=nodes,
            unconditional=unconditional,
        )
        self._arm_check()

    @callback
    def _arm_check(self) -> None:
        if self._unsub_check is not None:
            self._unsub_check()
            self._unsub_check = None
        when = self._confirmations.next_check(self._pending.keys())
        if when is not None:
            delay = max(0.0, when - time.monotonic())
            self._unsub_check = async_call_later(self.hass, delay, self._check_due)

    async def _check_due(self, _now: Any) -> None:
        self._unsub_check = None
        nodes = self._confirmations.due(time.monotonic(), self._pending.keys())
        if nodes and len(nodes) < self._pages:
            # Cheaper and quicker than a poll of every page.
            await self._async_fetch_nodes(nodes)
        elif nodes:
            await self.async_request_refresh()
        self._arm_check()

    @callback
    def verify_shutdown(self, node_id: str) -> None:
        """Check, once the confirmation time is over, that a hub really stopped."""
        deadline = time.monotonic() + CONFIRM_TIMEOUT
        self.shutdowns.watch(node_id, deadline)
        self.schedule_confirmation(
            deadline, nodes=frozenset({node_id}), checks=(0.0,), unconditional=1
        )

    async def async_shutdown(self) -> None:
        """Stop polling, timers and queued commands."""
        await super().async_shutdown()
        if self._unsub_check is not None:
            self._unsub_check()
            self._unsub_check = None
        self._confirmations.clear()
        self._batcher.cancel()
        self.shutdowns.clear()

    @property
    def sent_batches(self) -> int:
        """Count bulk writes sent (for diagnostics and tests)."""
        return self._batcher.sent_batches
