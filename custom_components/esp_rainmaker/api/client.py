"""Async client for the ESP RainMaker user REST API: one account on one cloud."""

from collections.abc import Callable, Mapping
from types import TracebackType
from typing import Any, Final, Self

import aiohttp

from .auth import Authenticator, CodeChallenge, TokenCallback
from .exceptions import (
    NodeFailure,
    RainMakerError,
    RainMakerNodeError,
    RainMakerResponseError,
    RainMakerValidationError,
)
from .groups import NodeGroup, list_groups
from .listing import PATH_NODES, NodeLister, NodeListing
from .models import Node, NodeConfig
from .ota import OtaApi, OtaProgress, OtaUpdate
from .parser import MalformedNodeError
from .rate_limit import RateLimiter
from .tokens import TokenSet
from .transport import Transport, error_code
from .urls import normalize_base_url

DEFAULT_TIMEOUT: Final = 10.0
MAX_NODES_PER_WRITE: Final = 50
PATH_PARAMS: Final = "/v1/user/nodes/params"

# node id -> device or service name -> param -> value
type ParamWrites = Mapping[str, Mapping[str, Mapping[str, Any]]]
# Refuses (raises RainMakerValidationError) writes a kind of device cannot take.
type WritePolicy = Callable[[NodeConfig, str, Mapping[str, Any]], None]


class RainMakerClient:
    """One account on one RainMaker cloud.

    Every request passes the account's rate limiter (`limiter`). The session is
    renewed by itself (see `auth.Authenticator`); nodes are listed page by page
    (see `listing.NodeLister`); writes go out in the bulk form, checked first
    against each node's metadata and the `write_policy`.
    """

    def __init__(
        self,
        base_url: str,
        username: str,
        password: str | None,
        *,
        session: aiohttp.ClientSession | None = None,
        tokens: TokenSet | None = None,
        on_tokens: TokenCallback | None = None,
        rate_limiter: RateLimiter | None = None,
        request_timeout: float = DEFAULT_TIMEOUT,
        max_nodes_per_write: int = MAX_NODES_PER_WRITE,
        write_policy: WritePolicy | None = None,
    ) -> None:
        """Create a client; nothing is sent until the first call.

        `password` is None for an account that signs in with one-time codes: it
        then renews with its refresh token only.
        """
        self.base_url = normalize_base_url(base_url)
        self._transport = Transport(
            self.base_url,
            session=session,
            limiter=rate_limiter or RateLimiter(),
            request_timeout=request_timeout,
        )
        self._auth = Authenticator(
            self._transport, username, password, tokens=tokens, on_tokens=on_tokens
        )
        self._lister = NodeLister(self._transport, self._auth)
        self._ota = OtaApi(self._transport, self._auth)
        self.max_nodes_per_write = max_nodes_per_write
        self._write_policy = write_policy

    def __repr__(self) -> str:
        """Name the cloud only; never the credentials."""
        return f"RainMakerClient({self.base_url!r})"

    @property
    def session(self) -> aiohttp.ClientSession | None:
        """The HTTP session requests go through (None until the first one)."""
        return self._transport.session

    @property
    def limiter(self) -> RateLimiter:
        """The account's rate limiter."""
        return self._transport.limiter

    @limiter.setter
    def limiter(self, limiter: RateLimiter) -> None:
        self._transport.limiter = limiter

    @property
    def request_timeout(self) -> float:
        """Seconds an answer may take."""
        return self._transport.request_timeout

    @request_timeout.setter
    def request_timeout(self, seconds: float) -> None:
        self._transport.request_timeout = seconds

    @property
    def tokens(self) -> TokenSet | None:
        """The current tokens, for the caller to persist."""
        return self._auth.tokens

    @property
    def user_id(self) -> str | None:
        """The account's user id once logged in."""
        return self._auth.tokens.user_id if self._auth.tokens else None

    async def close(self) -> None:
        """Close the HTTP session if this client created it."""
        await self._transport.close()

    async def __aenter__(self) -> Self:
        """Use as an async context manager."""
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        """Close the session on exit."""
        await self.close()

    async def login(self) -> TokenSet:
        """Log in with the password, whatever tokens the client holds."""
        return await self._auth.login()

    async def sign_in(self) -> TokenSet | CodeChallenge:
        """Sign in with the password, or ask for a code when there is none.

        Returns the tokens, or the challenge of a code the cloud sent to the user
        (multi-factor accounts, and accounts without a password).
        """
        return await self._auth.sign_in()

    async def complete_sign_in(self, challenge: CodeChallenge, code: str) -> TokenSet:
        """Finish a sign-in with the one-time code the user received."""
        return await self._auth.complete_sign_in(challenge, code)

    async def logout(self) -> None:
        """End this session at the cloud (best effort for the caller)."""
        await self._auth.logout()

    async def get_nodes(self) -> NodeListing:
        """Every node of the account with config, status and params, page by page."""
        return await self._lister.get_nodes()

    def refresh_configs(self) -> None:
        """Have the next listing carry configs, not only states (new firmware, say)."""
        self._lister.refresh_configs()

    async def get_node(self, node_id: str) -> Node:
        """One node with config, status and params."""
        return await self._lister.get_node(node_id)

    def node_with_params(self, node: Node, params: Mapping[str, Any]) -> Node:
        """Return `node` with params read apart from the cloud (on the LAN).

        The node answered, so it is connected; its config and role stay as the
        cloud reported them.
        """
        item = {
            "node_id": node.node_id,
            "params": dict(params),
            "role": node.role,
            "status": {
                "connectivity": {
                    "connected": True,
                    "timestamp": node.connectivity_timestamp,
                }
            },
        }
        return self._lister.parser.node(item, node)

    def node_from_lan(
        self, node_id: str, config: Mapping[str, Any], params: Mapping[str, Any]
    ) -> Node:
        """Return a node from the config and params it served on the LAN itself.

        For a node the cloud has not reported (it cannot be reached); the node
        answered, so it is connected. Raises RainMakerResponseError for a config
        that cannot be read.
        """
        item = {
            "node_id": node_id,
            "config": dict(config),
            "params": dict(params),
            "status": {"connectivity": {"connected": True}},
        }
        try:
            return self._lister.parser.node(item)
        except MalformedNodeError as err:
            raise RainMakerResponseError(
                f"Node {node_id} served a bad config: {err}"
            ) from err

    async def count_nodes(self) -> int:
        """Return how many nodes the account has, with one request and no details."""
        answer = await self._transport.request("GET", PATH_NODES, auth=self._auth)
        payload = answer.json()
        if not isinstance(payload, dict):
            raise RainMakerResponseError("Unexpected node listing")
        total, ids = payload.get("total"), payload.get("nodes")
        if isinstance(total, int) and not isinstance(total, bool):
            return total
        if isinstance(ids, list):
            return len(ids)
        raise RainMakerResponseError("The node listing has neither total nor nodes")

    async def get_groups(self) -> list[NodeGroup]:
        """Every node group of the account, with the ids of its nodes."""
        return await list_groups(self._transport, self._auth)

    async def check_ota(self, node_id: str) -> OtaUpdate:
        """Return the firmware update the cloud offers a node (not available: none)."""
        return await self._ota.check(node_id)

    async def start_ota(self, node_id: str, job_id: str) -> None:
        """Start installing the firmware update of job `job_id` on a node."""
        await self._ota.start(node_id, job_id)

    async def ota_progress(self, node_id: str, job_id: str) -> OtaProgress:
        """Return how far a firmware job got."""
        return await self._ota.progress(node_id, job_id)

    def prepare_write(
        self, config: NodeConfig, device: str, params: Mapping[str, Any]
    ) -> dict[str, Any]:
        """Return `params` ready to send to `device`, or raise what it would refuse.

        The one place writes are checked: the node's metadata (types, bounds,
        read-only params, valid values) and the client's write policy.
        """
        if self._write_policy is not None:
            self._write_policy(config, device, params)
        return config.validate_write(device, params)

    async def set_params(self, writes: ParamWrites) -> None:
        """Write parameters of one or many nodes with the bulk form.

        Every value is checked first (`prepare_write`); nothing is sent if one is
        refused. Raises `RainMakerNodeError` naming the nodes whose write failed.
        """
        entries: list[dict[str, Any]] = []
        for node_id, devices in writes.items():
            known = self._lister.known.get(node_id)
            config = (known or await self.get_node(node_id)).config
            payload = {
                device: self.prepare_write(config, device, params)
                for device, params in devices.items()
            }
            if not payload:
                raise RainMakerValidationError(f"Nothing to write to node {node_id}")
            entries.append({"node_id": node_id, "payload": payload})

        failures: dict[str, NodeFailure] = {}
        for start in range(0, len(entries), self.max_nodes_per_write):
            chunk = entries[start : start + self.max_nodes_per_write]
            try:
                answer = await self._transport.request(
                    "PUT", PATH_PARAMS, body=chunk, auth=self._auth
                )
                result = answer.json()
            except RainMakerError as err:
                if start == 0:
                    raise
                failures.update(
                    (entry["node_id"], NodeFailure(str(err)))
                    for entry in entries[start:]
                )
                break
            failures.update(_bulk_failures(chunk, result))
        if failures:
            raise RainMakerNodeError(failures)


def _bulk_failures(chunk: list[dict[str, Any]], answer: Any) -> dict[str, NodeFailure]:
    """Per-node failures of a bulk write answer."""
    sent = [entry["node_id"] for entry in chunk]
    if isinstance(answer, dict):
        # Legacy single-object answer: one verdict for every node.
        if answer.get("status", "success") == "success":
            return {}
        failure = NodeFailure(
            str(answer.get("description") or "failure"),
            error_code(answer.get("error_code")),
        )
        return dict.fromkeys(sent, failure)
    if not isinstance(answer, list):
        return dict.fromkeys(sent, NodeFailure("unexpected answer to the write"))
    results: dict[str, Any] = {
        item["node_id"]: item
        for item in answer
        if isinstance(item, dict) and isinstance(item.get("node_id"), str)
    }
    failures: dict[str, NodeFailure] = {}
    for node_id in sent:
        item = results.get(node_id)
        if item is None:
            failures[node_id] = NodeFailure("no result for this node")
        elif item.get("status") != "success":
            failures[node_id] = NodeFailure(
                str(item.get("description") or "failure"),
                error_code(item.get("error_code")),
            )
    return failures
