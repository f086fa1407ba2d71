"""What the cloud last reported of each node, whichever fetch it came from.

Polls and confirmation fetches overlap: a fetch that started earlier must never
replace a node a later one brought. A node the cloud could not describe for one
poll (malformed), or one that a listing cut short did not reach, is not gone: its
last report is kept. Unchanged nodes keep their identity, so entities and
listeners can skip them cheaply.
"""

from collections.abc import Mapping

from .api import Node, NodeListing


class ReportedNodes:
    """The nodes of one account as the cloud last reported them."""

    def __init__(self) -> None:
        """Know no node yet."""
        self.nodes: dict[str, Node] = {}
        self._fetches = 0
        # The fetch each node was last taken from.
        self._fetched_by: dict[str, int] = {}

    def start_fetch(self) -> int:
        """Return the number of a fetch about to start."""
        self._fetches += 1
        return self._fetches

    def take_listing(self, listing: NodeListing, fetch: int) -> None:
        """Take the nodes of a full listing (fetch number `fetch`)."""
        previous = self.nodes
        nodes = {
            node_id: self._newer(previous.get(node_id), node, fetch)
            for node_id, node in listing.nodes.items()
        }
        kept = previous if not listing.complete else listing.malformed
        for node_id in kept:
            if node_id in previous and node_id not in nodes:
                nodes[node_id] = previous[node_id]
        self.nodes = nodes
        self._fetched_by = {
            node_id: number
            for node_id, number in self._fetched_by.items()
            if node_id in nodes
        }

    def take_nodes(self, nodes: Mapping[str, Node], fetch: int) -> None:
        """Take nodes fetched one by one."""
        for node_id, node in nodes.items():
            self.nodes[node_id] = self._newer(self.nodes.get(node_id), node, fetch)

    def _newer(self, old: Node | None, new: Node, fetch: int) -> Node:
        """Return `new` (of fetch `fetch`) unless `old` came from a later fetch.

        An equal node keeps its old identity.
        """
        if old is not None and self._fetched_by.get(new.node_id, 0) > fetch:
            return old
        self._fetched_by[new.node_id] = fetch
        return old if old is not None and old == new else new
