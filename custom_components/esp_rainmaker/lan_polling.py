"""Polling on the LAN: the coordinator's side of local control.

Nodes that answer on the LAN are read there at every poll and, between polls,
every LOCAL_POLL_INTERVAL; the cloud is asked only for the others (and now and
then for new, removed and reconfigured nodes). When the cloud cannot be reached
but the LAN can, the nodes on the LAN stay available and only the others are
marked unreachable.
"""

from collections.abc import Iterable, Mapping
import time
from typing import TYPE_CHECKING, Any

from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.helpers.event import async_track_time_interval

from .api import Node, RainMakerError
from .const import LOCAL_LISTING_INTERVAL, LOCAL_POLL_INTERVAL, LOGGER
from .local import LocalNodes, Transport
from .reported import ReportedNodes

# What an entity shows apart from its node's values: unreachable, and how reached.
type NodeMark = tuple[bool, Transport]


class LanPolling:
    """Mixin of the coordinator: local reads, the unreachable nodes, their marks."""

    hass: HomeAssistant
    local: LocalNodes
    # Nodes neither the cloud nor the LAN reached at the last poll.
    unreachable: frozenset[str]
    last_update_success: bool
    _reported: ReportedNodes
    _last_listing: float | None
    _polling_locally: bool
    _cloud_lost: bool

    if TYPE_CHECKING:

        @property
        def reported(self) -> Mapping[str, Node]:
            """The nodes as last reported."""

        def _fetched(self) -> None:
            """Settle written values against the reports."""

        def _publish_now(self) -> None:
            """Show the data now."""

    def _init_lan_polling(self, local: LocalNodes) -> None:
        self.local = local
        self.unreachable = frozenset()
        self._last_listing = None
        self._polling_locally = False
        self._cloud_lost = False

    def marks(self, node_ids: Iterable[str]) -> dict[str, NodeMark]:
        """Return what entities of the nodes show beyond their values."""
        return {
            node_id: (node_id in self.unreachable, self.local.transport(node_id))
            for node_id in node_ids
        }

    def _listing_due(self, local: frozenset[str]) -> bool:
        """Tell whether the cloud must be asked: for nodes the LAN did not answer.

        When every node answered on the LAN the cloud is asked only now and then,
        for new, removed and reconfigured nodes.
        """
        return (
            self._last_listing is None
            or not local
            or not local >= self.reported.keys()
            or time.monotonic() - self._last_listing >= LOCAL_LISTING_INTERVAL
        )

    def _set_unreachable(
        self, node_ids: frozenset[str], err: RainMakerError | None = None
    ) -> None:
        """Mark the nodes the cloud's failure `err` (None: it answered) leaves out."""
        if err is not None and not self._cloud_lost:
            LOGGER.warning(
                "The RainMaker cloud cannot be reached (%s); the nodes on the LAN "
                "keep working",
                err,
            )
        elif err is None and self._cloud_lost:
            LOGGER.info("The RainMaker cloud is reachable again")
        self._cloud_lost = err is not None
        self.unreachable = node_ids

    async def _read_unknown_locally(self) -> frozenset[str]:
        """Read the nodes the cloud has not reported, whole, on the LAN.

        Only until the cloud answered once: at a start while it cannot be reached,
        the nodes kept in the entry still come up from what they serve themselves.
        """
        if self._last_listing is not None:
            return frozenset()
        fetch = self._reported.start_fetch()
        nodes = await self.local.read_unknown(self.reported)
        self._reported.take_nodes(nodes, fetch)
        return frozenset(nodes)

    async def _read_locally(self, node_ids: Iterable[str]) -> frozenset[str]:
        """Read nodes on the LAN into what is reported; return those that answered."""
        fetch = self._reported.start_fetch()
        nodes = await self.local.read(self.reported, node_ids)
        self._reported.take_nodes(nodes, fetch)
        return frozenset(nodes)

    @callback
    def async_start_local_polling(self) -> CALLBACK_TYPE:
        """Poll the nodes on the LAN every LOCAL_POLL_INTERVAL; return the stopper."""
        return async_track_time_interval(
            self.hass, self._async_poll_locally, LOCAL_POLL_INTERVAL
        )

    async def _async_poll_locally(self, _now: Any) -> None:
        """Read the nodes on the LAN between polls (never two reads at once)."""
        if self._polling_locally or not self.last_update_success:
            return
        self._polling_locally = True
        try:
            local = await self._read_locally(self.reported)
        finally:
            self._polling_locally = False
        if local:
            self._fetched()
            self._publish_now()
