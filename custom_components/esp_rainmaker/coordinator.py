"""One coordinator per account: it polls every node and sends every command.

`data` is what the cloud reported (`reported`), with the values written but not
yet confirmed laid over it (`overlay.WriteOverlay`), so entities show a command
at once and never flicker back while the device applies it. After a write the
node is fetched again at a few moments (`confirmation.ConfirmationSchedule`)
until the device reports the written values.
"""

import asyncio
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import timedelta
import time
from typing import Any, Final

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.exceptions import (
    ConfigEntryAuthFailed,
    HomeAssistantError,
    ServiceValidationError,
)
from homeassistant.helpers.debounce import Debouncer
from homeassistant.helpers.event import async_call_later
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator, UpdateFailed

from .api import (
    Node,
    ParamWrites,
    RainMakerAuthenticationError,
    RainMakerClient,
    RainMakerError,
    RainMakerNodeError,
    RainMakerValidationError,
)
from .commands import CommandBatcher
from .confirmation import ConfirmationSchedule
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
from .failures import update_failed
from .firmware import FirmwareUpdates
from .hubs import ThermacellHubs
from .lan_polling import LanPolling
from .local import LocalNodes, Transport
from .overlay import CommandId, ParamKey, WriteOverlay
from .reported import ReportedNodes
from .stale_devices import StaleDevices

# A write whose effect cannot be foreseen (a reboot, a reset) has no value to wait
# for: the node is looked at twice after it.
ACTION_CHECKS: Final = (0.25, 2.0)

# Called with what the cloud reported and the time (monotonic), after every fetch.
type FetchListener = Callable[[Mapping[str, Node], float], None]


class RainMakerCoordinator(LanPolling, DataUpdateCoordinator[dict[str, Node]]):
    """Poll the account's nodes into `dict[node_id, Node]` and send commands."""

    config_entry: "RainMakerConfigEntry"

    def __init__(
        self,
        hass: HomeAssistant,
        entry: "RainMakerConfigEntry",
        client: RainMakerClient,
        local: LocalNodes,
    ) -> None:
        """Set up polling at the configured interval (and on the LAN, more often)."""
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
        self._init_lan_polling(local)
        self._reported = ReportedNodes()
        self._overlay = WriteOverlay()
        self._confirmations = ConfirmationSchedule()
        self._stale_devices = StaleDevices(hass, entry)
        self._node_listeners = NodeListeners()
        self._fetch_listeners: list[FetchListener] = []
        self._pages = 1
        self._credentials_refused = False
        self._publish_scheduled = False
        self._unsub_check: CALLBACK_TYPE | None = None
        self._batcher = CommandBatcher(
            self._write,
            lambda coro: entry.async_create_background_task(
                hass, coro, f"{DOMAIN} command batch", eager_start=False
            ),
        )

    @property
    def reported(self) -> Mapping[str, Node]:
        """The nodes as the cloud last reported them (no written values on top)."""
        return self._reported.nodes

    @property
    def pending_writes(self) -> int:
        """Count written values waiting for the device's confirmation."""
        return len(self._overlay)

    @property
    def sent_batches(self) -> int:
        """Count bulk writes sent (for diagnostics and tests)."""
        return self._batcher.sent_batches

    # Listeners -----------------------------------------------------------------------

    @callback
    def async_add_listener(
        self, update_callback: CALLBACK_TYPE, context: Any = None
    ) -> CALLBACK_TYPE:
        """Listen for updates; an entity passes its node id to hear only that node.

        The base class must still register the listener: its first listener starts
        the poll timer and its last one stops it.
        """
        remove = super().async_add_listener(update_callback, context)
        return self._node_listeners.add(update_callback, context, remove)

    @callback
    def async_update_listeners(self) -> None:
        """Update the entities of the nodes that changed (all when availability did)."""
        for update_callback in self._node_listeners.targets(
            self.data, self.last_update_success, self.marks(self.data or {})
        ):
            update_callback()

    @callback
    def async_add_fetch_listener(self, listener: FetchListener) -> CALLBACK_TYPE:
        """Call `listener` after every fetch, changed or not; return its remover."""
        self._fetch_listeners.append(listener)
        return lambda: self._fetch_listeners.remove(listener)

    # Polling -------------------------------------------------------------------------

    async def _async_update_data(self) -> dict[str, Node]:
        if self._credentials_refused:
            # Trying a refused password again risks locking the account; wait for
            # the user to re-authenticate (which reloads the entry).
            raise ConfigEntryAuthFailed(
                translation_domain=DOMAIN, translation_key="auth_failed"
            )
        fetch = self._reported.start_fetch()
        # Read on the LAN after the cloud fetch started: its values are newer.
        local = await self._read_locally(self.reported)
        if not self._listing_due(local):
            self._fetched()
            return self._overlay.apply(self.reported)
        try:
            listing = await self.client.get_nodes()
        except RainMakerAuthenticationError as err:
            self._credentials_refused = True
            raise ConfigEntryAuthFailed(
                translation_domain=DOMAIN, translation_key="auth_failed"
            ) from err
        except RainMakerError as err:
            local |= await self._read_unknown_locally()
            if not local:
                raise self._failed(err) from err
            # The LAN still works: only the other nodes are unreachable.
            self._set_unreachable(frozenset(self.reported) - local, err)
            self._fetched()
            return self._overlay.apply(self.reported)
        self._last_listing = time.monotonic()
        self._set_unreachable(frozenset())
        self._pages = listing.pages
        self._reported.take_listing(listing, fetch)
        self.local.learn(self.reported, complete=listing.complete)
        self._fetched()
        if listing.complete:
            self._stale_devices.async_remove(frozenset(self.reported))
        return self._overlay.apply(self.reported)

    def _failed(self, err: RainMakerError) -> UpdateFailed:
        interval = self.update_interval.total_seconds() if self.update_interval else 0
        return update_failed(err, self.client.limiter.paused_for, interval)

    async def _async_fetch_nodes(self, node_ids: frozenset[str]) -> None:
        """Fetch a few nodes (on the LAN, else one request each) to confirm writes."""
        fetch = self._reported.start_fetch()
        rest = node_ids - await self._read_locally(node_ids)
        try:
            nodes = await asyncio.gather(
                *(self.client.get_node(node_id) for node_id in rest)
            )
        except RainMakerError as err:
            LOGGER.debug("Confirming by node failed (%s); polling the account", err)
            await self.async_request_refresh()
            return
        self._reported.take_nodes({node.node_id: node for node in nodes}, fetch)
        self._fetched()
        self._publish_now()

    def _fetched(self) -> None:
        """Settle the written values against the new reports; tell fetch listeners."""
        now = time.monotonic()
        self._overlay.settle(self.reported, now)
        for listener in list(self._fetch_listeners):
            listener(self.reported, now)
        if self.marks(self.reported) != self._node_listeners.marks:
            self._publish()  # how nodes are reached changed, maybe their values not

    # Commands ------------------------------------------------------------------------

    async def async_send(
        self,
        node_id: str,
        device: str,
        params: Mapping[str, Any],
        *,
        optimistic: bool = True,
        shown: Mapping[str, Any] | None = None,
    ) -> None:
        """Write params of one device; show them at once unless `optimistic` is False.

        `shown` is what to show meanwhile when it is not what is written: the list
        a schedule operation will leave, say, rather than the operation.

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
            values = self.client.prepare_write(node.config, device, params)
        except RainMakerValidationError as err:
            raise ServiceValidationError(
                translation_domain=DOMAIN,
                translation_key="invalid_value",
                translation_placeholders={"name": node.name, "error": str(err)},
            ) from err

        command = self._overlay.new_command()
        if optimistic:
            self._overlay.hold(
                command,
                node_id,
                device,
                values if shown is None else shown,
                self.reported.get(node_id, node),
                time.monotonic() + CONFIRM_TIMEOUT,
            )
            self._publish()
        try:
            sent_at = await self._batcher.add(node_id, device, values)
        except asyncio.CancelledError:
            if (task := asyncio.current_task()) is not None and task.cancelling():
                raise  # the caller itself is being cancelled
            # The entry is unloading: the command was dropped or cut off in flight.
            self._revert(command)
            raise HomeAssistantError(
                translation_domain=DOMAIN,
                translation_key="command_cancelled",
                translation_placeholders={"name": node.name},
            ) from None
        except RainMakerError as err:
            self._revert(command)
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
            self._await_confirmation(
                sent_at,
                frozenset(
                    (node_id, device, param)
                    for param in (values if shown is None else shown)
                ),
            )
        else:
            self.check_node_at(node_id, *(sent_at + d for d in ACTION_CHECKS))

    async def _write(self, writes: ParamWrites) -> None:
        """Write on the LAN what can go there, the rest in one bulk request."""
        left, failures = await self.local.write_all(writes)
        if left:
            try:
                await self.client.set_params(left)
            except RainMakerNodeError as err:
                failures |= err.failures
        if failures:
            raise RainMakerNodeError(failures)

    @callback
    def _publish(self) -> None:
        """Show written values now: once for all commands issued in this loop turn."""
        if not self._publish_scheduled:
            self._publish_scheduled = True
            self.hass.loop.call_soon(self._publish_now)

    @callback
    def _publish_now(self) -> None:
        self._publish_scheduled = False
        self.data = self._overlay.apply(self.reported)
        self.async_update_listeners()

    @callback
    def _revert(self, command: CommandId) -> None:
        if self._overlay.drop(command):
            # At once, so the state is back before the caller sees the error.
            self._publish_now()

    # Checks after writes ---------------------------------------------------------------

    @callback
    def check_node_at(self, node_id: str, *when: float) -> None:
        """Fetch a node at each of the moments `when` (monotonic seconds)."""
        self._confirmations.add(when, nodes={node_id}, unconditional=len(when))
        self._arm_check()

    @callback
    def _await_confirmation(self, sent_at: float, keys: frozenset[ParamKey]) -> None:
        """Fetch the written nodes after a write until the device reports `keys`.

        At CONFIRM_DELAYS after `sent_at`, and a last time at CONFIRM_TIMEOUT; at
        once too for a node on the LAN, which applied the write when it answered.
        """
        local = any(
            self.local.transport(node) is Transport.LOCAL for node, _, _ in keys
        )
        delays = (*((0.0,) if local else ()), *CONFIRM_DELAYS, CONFIRM_TIMEOUT)
        moments = (sent_at + delay for delay in delays)
        self._confirmations.add(moments, keys=keys)
        self._arm_check()

    @callback
    def _arm_check(self) -> None:
        if self._unsub_check is not None:
            self._unsub_check()
            self._unsub_check = None
        when = self._confirmations.next_check(self._overlay.keys)
        if when is not None:
            delay = max(0.0, when - time.monotonic())
            self._unsub_check = async_call_later(self.hass, delay, self._check_due)

    async def _check_due(self, _now: Any) -> None:
        self._unsub_check = None
        nodes = self._confirmations.due(time.monotonic(), self._overlay.keys)
        if nodes and len(nodes - self.local.usable_nodes(nodes)) < self._pages:
            # Cheaper and quicker than a poll of every page.
            await self._async_fetch_nodes(nodes)
        elif nodes:
            await self.async_request_refresh()
        self._arm_check()

    async def async_shutdown(self) -> None:
        """Stop polling, timers and queued commands."""
        await super().async_shutdown()
        if self._unsub_check is not None:
            self._unsub_check()
            self._unsub_check = None
        self._confirmations.clear()
        self._batcher.cancel()


@dataclass(slots=True)
class RainMakerRuntimeData:
    """What an entry holds while it is loaded."""

    coordinator: RainMakerCoordinator
    hubs: ThermacellHubs
    firmware: FirmwareUpdates
    # The name of the group (room) each node is in, suggested as its device's area.
    areas: dict[str, str] = field(default_factory=dict)


type RainMakerConfigEntry = ConfigEntry[RainMakerRuntimeData]
