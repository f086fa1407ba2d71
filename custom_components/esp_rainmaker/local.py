"""Local control: nodes reached on the LAN first, the cloud as the fallback.

A node whose firmware enables ESP Local Control is found by zeroconf
(`_esp_local_ctrl._tcp`, see config_flow.async_step_zeroconf); its cloud config
names the security scheme and the proof of possession (PoP). With both, its
params are read and written on the LAN. Address and credentials are kept in the
entry (the PoP like a password: redacted in diagnostics, never logged), so the
LAN keeps working while the internet is down. A node whose local call fails is
left to the cloud for a while, then tried again: no user action either way.
"""

import asyncio
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
import time
from typing import Any, Final

import aiohttp
from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant, callback

from .api import (
    Node,
    NodeFailure,
    ParamWrites,
    RainMakerClient,
    RainMakerError,
    RainMakerResponseError,
)
from .api.local import (
    LocalCommandError,
    LocalControlClient,
    LocalControlError,
    LocalCredentials,
    SecurityScheme,
)
from .api.local.access import local_credentials
from .const import LOGGER

CONF_LOCAL: Final = "local"
# A local call waits at most this long; the cloud is the fallback.
LOCAL_TIMEOUT: Final = 5.0
# A node whose local call failed is left to the cloud this long.
LOCAL_RETRY_AFTER: Final = 60.0


class Transport(StrEnum):
    """How a node is reached."""

    LOCAL = "local"
    CLOUD = "cloud"


@dataclass(slots=True)
class LocalNode:
    """What is known of reaching one node on the LAN."""

    host: str
    port: int
    credentials: LocalCredentials | None = None
    client: LocalControlClient | None = None
    # The last local call worked (False until one did).
    reached: bool = False
    # Monotonic time before which the node is left to the cloud.
    resting_until: float = 0.0

    def stored(self) -> dict[str, Any]:
        """Return what the entry keeps of the node (the PoP among it)."""
        data: dict[str, Any] = {"host": self.host, "port": self.port}
        if self.credentials is not None:
            data["scheme"] = int(self.credentials.scheme)
            data["pop"] = self.credentials.pop
        return data


def _restored(data: Any) -> LocalNode | None:
    """Return a node kept in the entry, or None for anything unreadable."""
    if not isinstance(data, dict):
        return None
    host, port = data.get("host"), data.get("port")
    if not isinstance(host, str) or isinstance(port, bool) or not isinstance(port, int):
        return None
    node = LocalNode(host, port)
    scheme, pop = data.get("scheme"), data.get("pop")
    if scheme in {int(s) for s in SecurityScheme} and isinstance(pop, str):
        node.credentials = LocalCredentials(SecurityScheme(scheme), pop)
    return node


class LocalNodes:
    """The nodes of one account that can be reached on the LAN."""

    def __init__(
        self,
        hass: HomeAssistant,
        entry: ConfigEntry,
        session: aiohttp.ClientSession,
        cloud: RainMakerClient,
    ) -> None:
        """Restore the addresses and credentials the entry keeps."""
        self._hass = hass
        self._entry = entry
        self._session = session
        self._cloud = cloud
        stored = entry.data.get(CONF_LOCAL)
        self._nodes: dict[str, LocalNode] = {}
        for node_id, data in (stored if isinstance(stored, dict) else {}).items():
            if isinstance(node_id, str) and (node := _restored(data)) is not None:
                self._nodes[node_id] = node

    # What is known -------------------------------------------------------------------

    def transport(self, node_id: str) -> Transport:
        """Return how the node is reached now."""
        node = self._nodes.get(node_id)
        return Transport.LOCAL if node is not None and node.reached else Transport.CLOUD

    def usable(self, node_id: str) -> bool:
        """Tell whether a local call to the node is worth trying now."""
        return self._ready(node_id) is not None

    def usable_nodes(self, node_ids: Iterable[str]) -> frozenset[str]:
        """Return those of `node_ids` a local call is worth trying for now."""
        return frozenset(node_id for node_id in node_ids if self.usable(node_id))

    def _ready(self, node_id: str) -> tuple[LocalNode, LocalCredentials] | None:
        """Return the node and its credentials if a local call is worth trying now."""
        node = self._nodes.get(node_id)
        if (
            node is None
            or node.credentials is None
            or node.resting_until > time.monotonic()
        ):
            return None
        return node, node.credentials

    def describe(self, node_id: str) -> dict[str, Any] | None:
        """Return the node's local access for diagnostics (no PoP), None without."""
        node = self._nodes.get(node_id)
        if node is None:
            return None
        return {
            "host": node.host,
            "port": node.port,
            "scheme": None
            if node.credentials is None
            else int(node.credentials.scheme),
            "reached": node.reached,
            "resting": node.resting_until > time.monotonic(),
        }

    # Learning ------------------------------------------------------------------------

    @callback
    def found(self, node_id: str, host: str, port: int, reported: Node) -> None:
        """Take the address discovery reports for a node the cloud reported."""
        credentials = local_credentials(reported)
        node = self._nodes.get(node_id)
        if node is not None and (node.host, node.port, node.credentials) == (
            host,
            port,
            credentials,
        ):
            return
        LOGGER.debug("Node %s found on the LAN at %s:%s", node_id, host, port)
        if node is None:
            node = self._nodes[node_id] = LocalNode(host, port)
        else:
            self._drop_client(node)
            node.host, node.port, node.resting_until = host, port, 0.0
        node.credentials = credentials
        self._store()

    @callback
    def learn(self, nodes: Mapping[str, Node], *, complete: bool) -> None:
        """Take the credentials the cloud's configs name for the nodes found.

        After a complete listing, nodes that left the account are forgotten.
        """
        changed = False
        for node_id, local in list(self._nodes.items()):
            if (reported := nodes.get(node_id)) is None:
                if complete:
                    self._drop_client(self._nodes.pop(node_id))
                    changed = True
                continue
            credentials = local_credentials(reported)
            if credentials != local.credentials:
                self._drop_client(local)
                local.credentials = credentials
                local.resting_until = 0.0
                changed = True
        if changed:
            self._store()

    def _drop_client(self, node: LocalNode) -> None:
        if node.client is not None:
            node.client.close()
        node.client = None
        node.reached = False

    def _store(self) -> None:
        self._hass.config_entries.async_update_entry(
            self._entry,
            data={
                **self._entry.data,
                CONF_LOCAL: {
                    node_id: node.stored() for node_id, node in self._nodes.items()
                },
            },
        )

    # Calls ---------------------------------------------------------------------------

    def _client(
        self, node: LocalNode, credentials: LocalCredentials
    ) -> LocalControlClient:
        if node.client is None:
            node.client = LocalControlClient(
                self._session, node.host, node.port, credentials, timeout=LOCAL_TIMEOUT
            )
        return node.client

    def _failed(self, node_id: str, node: LocalNode, err: RainMakerError) -> None:
        if node.reached or node.resting_until == 0.0:
            LOGGER.debug(
                "Node %s is not reachable on the LAN (%s); using the cloud",
                node_id,
                err,
            )
        node.reached = False
        node.resting_until = time.monotonic() + LOCAL_RETRY_AFTER

    async def read(
        self, nodes: Mapping[str, Node], node_ids: Iterable[str]
    ) -> dict[str, Node]:
        """Read some of `nodes` on the LAN; return those that answered, updated."""

        async def params(node_id: str, client: LocalControlClient) -> Node:
            return self._cloud.node_with_params(
                nodes[node_id], await client.get_params()
            )

        return await self._each((i for i in node_ids if i in nodes), params)

    async def read_unknown(self, known: Iterable[str]) -> dict[str, Node]:
        """Read the nodes not in `known` whole (config too) on the LAN.

        For a start while the cloud cannot be reached: the nodes kept in the entry
        serve their own config.
        """

        async def whole(node_id: str, client: LocalControlClient) -> Node:
            return self._cloud.node_from_lan(
                node_id, await client.get_config(), await client.get_params()
            )

        known = set(known)
        return await self._each((i for i in self._nodes if i not in known), whole)

    async def _each(
        self,
        node_ids: Iterable[str],
        read: Callable[[str, LocalControlClient], Awaitable[Node]],
    ) -> dict[str, Node]:
        """Read each node worth a local call, all at once; return those that answered.

        A node that fails is left to the cloud for a while.
        """
        wanted = [
            (node_id, ready)
            for node_id in node_ids
            if (ready := self._ready(node_id)) is not None
        ]

        async def one(
            node_id: str, node: LocalNode, credentials: LocalCredentials
        ) -> Node | None:
            try:
                answer = await read(node_id, self._client(node, credentials))
            except (LocalControlError, RainMakerResponseError) as err:
                self._failed(node_id, node, err)
                return None
            node.reached = True
            return answer

        answers = await asyncio.gather(
            *(one(node_id, *ready) for node_id, ready in wanted)
        )
        return {node.node_id: node for node in answers if node is not None}

    async def write_all(
        self, writes: ParamWrites
    ) -> tuple[dict[str, Mapping[str, Any]], dict[str, NodeFailure]]:
        """Write what can go on the LAN, all at once.

        Returns the writes left for the cloud, and the nodes that refused theirs.
        """
        node_ids = list(writes)
        results = await asyncio.gather(
            *(self._write(node_id, writes[node_id]) for node_id in node_ids)
        )
        left: dict[str, Mapping[str, Any]] = {}
        refused: dict[str, NodeFailure] = {}
        for node_id, result in zip(node_ids, results, strict=True):
            if isinstance(result, NodeFailure):
                refused[node_id] = result
            elif not result:
                left[node_id] = writes[node_id]
        return left, refused

    async def _write(
        self, node_id: str, payload: Mapping[str, Any]
    ) -> bool | NodeFailure:
        """Write a node's params on the LAN; False when the cloud has to do it."""
        if (ready := self._ready(node_id)) is None:
            return False
        node, credentials = ready
        try:
            await self._client(node, credentials).set_params(payload)
        except LocalCommandError as err:
            # The node itself refused the values: the cloud would not do better.
            node.reached = True
            return NodeFailure(str(err))
        except LocalControlError as err:
            self._failed(node_id, node, err)
            return False
        node.reached = True
        return True
