"""Reading the account's nodes: the paged listing, what it costs, and what it may skip.

`GET /v1/user/nodes?node_details=true` answers ten nodes per page, chained by
`next_id`. Configs rarely change, so after the first listing pages are asked
without them (`config=false`), except for nodes not seen before (their page is
asked again with configs), after a node reports a device its config lacks (once
per mismatch and CONFIG_REFRESH), and every CONFIG_REFRESH seconds. A page whose
body has not changed since the last listing is neither decoded nor parsed again.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
import hashlib
import logging
import math
import time
from typing import Final

from .exceptions import RainMakerResponseError
from .models import Node
from .parser import MalformedNodeError, NodePage, NodeParser
from .transport import TokenSource, Transport

_LOGGER = logging.getLogger(__name__)

PATH_NODES: Final = "/v1/user/nodes"
CONFIG_REFRESH: Final = 3600.0
MAX_PAGES: Final = 1000
# Pages a listing may take beyond what its first page's `total` implies.
PAGE_SLACK: Final = 2


@dataclass(frozen=True, slots=True)
class NodeListing:
    """All nodes of the account, and the ids of entries that could not be read.

    `complete` is False when the listing was cut short (its paging went in a circle
    or past what its total promised): nodes it did not reach may still exist.
    """

    nodes: dict[str, Node]
    malformed: frozenset[str] = field(default_factory=frozenset)
    pages: int = 1
    complete: bool = True


def _page_cap(first: NodePage) -> int:
    """Return how many pages a listing may take, from its first page's `total`."""
    if first.total is None:
        return MAX_PAGES
    per_page = max(1, first.entries)
    return min(MAX_PAGES, math.ceil(first.total / per_page) + PAGE_SLACK)


class PageCache:
    """The pages of the last listing asked without configs, by their start id."""

    def __init__(self) -> None:
        """Start empty."""
        self._seen: dict[str | None, tuple[bytes, NodePage]] = {}
        self._now: dict[str | None, tuple[bytes, NodePage]] = {}

    def start(self) -> None:
        """Begin a listing."""
        self._now = {}

    def finish(self) -> None:
        """End a listing: its pages are the ones to compare the next one with."""
        self._seen = self._now

    def keep(self, start_id: str | None, fingerprint: bytes, page: NodePage) -> None:
        """Remember a page of this listing."""
        self._now[start_id] = (fingerprint, page)

    def unchanged(
        self, start_id: str | None, fingerprint: bytes, known: Mapping[str, Node]
    ) -> NodePage | None:
        """Return the last result of a page whose body has not changed since.

        Parsing the same body again would return the same nodes (the parser keeps a
        node whose state is unchanged), as long as they are still the nodes known
        now: a node fetched on its own since then makes the page parse again.
        """
        seen = self._seen.get(start_id)
        if seen is None or seen[0] != fingerprint:
            return None
        page = seen[1]
        if any(known.get(node.node_id) is not node for node in page.nodes):
            return None
        return page


class NodeLister:
    """List the nodes of one account, page by page (see the module docstring)."""

    def __init__(self, transport: Transport, auth: TokenSource) -> None:
        """List through `transport`, authenticated by `auth`."""
        self._transport = transport
        self._auth = auth
        self.parser = NodeParser()
        self.known: dict[str, Node] = {}
        self._pages = PageCache()
        self.configs_at: float | None = None
        self._configs_outdated = False
        self._configs_requested = False
        # Per node: the unknown device names last looked at, and when.
        self._config_checks: dict[str, tuple[frozenset[str], float]] = {}
        self._warned_malformed: set[str] = set()
        self._listing_stopped = False

    async def get_nodes(self) -> NodeListing:
        """Every node of the account with config, status and params."""
        with_configs = self._configs_due()
        if with_configs:
            self._configs_requested = False
        nodes: dict[str, Node] = {}
        malformed: dict[str, str] = {}
        outdated = False
        start_id: str | None = None
        started: set[str | None] = {None}
        pages = 0
        page_cap = MAX_PAGES
        stopped: str | None = None
        self.parser.start_listing()
        self._pages.start()
        while True:
            pages += 1
            page = await self._page(start_id, with_configs=with_configs)
            if page.unconfigured and not with_configs:
                page = await self._page(start_id, with_configs=True)
            for node in page.nodes:
                nodes[node.node_id] = node
            malformed.update(page.malformed)
            malformed.update(
                dict.fromkeys(page.unconfigured, "the cloud sent no config")
            )
            outdated = self._config_check_due(page.outdated) or outdated
            if pages == 1:
                page_cap = _page_cap(page)
            if page.next_id is None:
                break
            if page.next_id in started:
                stopped = "its next_id leads back to a page already read"
                break
            if pages >= page_cap:
                stopped = f"it goes on past the {page_cap} pages its total allows"
                break
            started.add(page.next_id)
            start_id = page.next_id
        self.parser.finish_listing()
        self._pages.finish()
        for node_id in malformed:
            nodes.pop(node_id, None)
        # An unfinished listing says nothing about the nodes it did not reach.
        self.known = dict(nodes) if stopped is None else {**self.known, **nodes}
        self._config_checks = {
            node_id: check
            for node_id, check in self._config_checks.items()
            if node_id in self.known
        }
        if with_configs:
            self.configs_at = time.monotonic()
        self._configs_outdated = outdated
        self._report_malformed(malformed)
        self._report_stopped(stopped, pages)
        return NodeListing(
            nodes=nodes,
            malformed=frozenset(malformed),
            pages=pages,
            complete=stopped is None,
        )

    async def get_node(self, node_id: str) -> Node:
        """One node with config, status and params."""
        answer = await self._transport.request(
            "GET",
            PATH_NODES,
            query={"node_id": node_id, "node_details": "true"},
            auth=self._auth,
        )
        try:
            page = self.parser.page(answer.json(listing=True), self.known)
        except MalformedNodeError as err:
            raise RainMakerResponseError(f"Unexpected node details: {err}") from err
        node = next((node for node in page.nodes if node.node_id == node_id), None)
        if node is None:
            reason = dict(page.malformed).get(node_id, "not in the answer")
            raise RainMakerResponseError(f"Node {node_id} could not be read: {reason}")
        self.known[node_id] = node
        return node

    async def _page(self, start_id: str | None, *, with_configs: bool) -> NodePage:
        query = {"node_details": "true"}
        if not with_configs:
            query["config"] = "false"
        if start_id is not None:
            query["start_id"] = start_id
        answer = await self._transport.request(
            "GET", PATH_NODES, query=query, auth=self._auth
        )
        fingerprint = hashlib.blake2b(answer.body, digest_size=16).digest()
        page = (
            self._pages.unchanged(start_id, fingerprint, self.known)
            if answer.status < 300 and not with_configs
            else None
        )
        if page is None:
            payload = answer.json(listing=True)
            if (
                isinstance(payload, dict)
                and payload.get("nodes")
                and payload.get("node_details") is None
            ):
                raise RainMakerResponseError(
                    "The node listing came without node details"
                )
            try:
                page = self.parser.page(payload, self.known)
            except MalformedNodeError as err:
                raise RainMakerResponseError(f"Unexpected node listing: {err}") from err
        if not (with_configs or page.unconfigured or page.outdated):
            self._pages.keep(start_id, fingerprint, page)
        return page

    def refresh_configs(self) -> None:
        """Have the next listing carry configs (a node's firmware changed, say).

        Asked during a listing, it is the one after that: the one running may
        have gone without configs, or read them too early.
        """
        self._configs_requested = True

    def _configs_due(self) -> bool:
        return (
            self._configs_outdated
            or self._configs_requested
            or self.configs_at is None
            or time.monotonic() - self.configs_at >= CONFIG_REFRESH
        )

    def _config_check_due(
        self, outdated: tuple[tuple[str, frozenset[str]], ...]
    ) -> bool:
        """Tell whether params naming devices their config lacks call for configs.

        The same mismatch of a node is looked at once per CONFIG_REFRESH: some
        firmware reports a device its config never describes.
        """
        now = time.monotonic()
        due = False
        for node_id, names in outdated:
            checked = self._config_checks.get(node_id)
            if (
                checked is None
                or checked[0] != names
                or now - checked[1] >= CONFIG_REFRESH
            ):
                self._config_checks[node_id] = (names, now)
                due = True
        return due

    def _report_malformed(self, malformed: Mapping[str, str]) -> None:
        """Warn once per node while it stays malformed."""
        for node_id, reason in malformed.items():
            if node_id not in self._warned_malformed:
                _LOGGER.warning("Skipping node %s: %s", node_id, reason)
        self._warned_malformed = set(malformed)

    def _report_stopped(self, reason: str | None, pages: int) -> None:
        """Warn once when listings start stopping early; again after one finishes."""
        if reason is not None and not self._listing_stopped:
            _LOGGER.warning(
                "The node listing was cut after %s pages: %s. Nodes not on those "
                "pages keep their last known state",
                pages,
                reason,
            )
        self._listing_stopped = reason is not None
