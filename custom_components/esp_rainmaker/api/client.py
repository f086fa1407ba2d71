"""Async client for the ESP RainMaker user REST API."""

import asyncio
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
import hashlib
import ipaddress
import logging
import math
import re
import time
from types import TracebackType
from typing import Any, Final, Self

import aiohttp
import orjson
from yarl import URL

from .exceptions import (
    NodeFailure,
    RainMakerAuthenticationError,
    RainMakerConnectionError,
    RainMakerError,
    RainMakerMfaRequiredError,
    RainMakerNodeError,
    RainMakerRateLimitError,
    RainMakerResponseError,
    RainMakerTimeoutError,
    RainMakerValidationError,
)
from .listing_json import decode_listing
from .models import Node
from .parser import MalformedNodeError, NodePage, NodeParser
from .rate_limit import TokenBucket, backoff_delay, http_date, parse_retry_after
from .thermacell import refuse_hazards
from .tokens import TokenSet, usable_token

_LOGGER = logging.getLogger(__name__)

DEFAULT_TIMEOUT: Final = 10.0
MAX_ATTEMPTS: Final = 3
REFRESH_MARGIN: Final = 60.0
DEFAULT_TOKEN_LIFETIME: Final = 3600.0
MAX_NODES_PER_WRITE: Final = 50
MAX_PAGES: Final = 1000
# Pages a listing may take beyond what its first page's `total` implies.
PAGE_SLACK: Final = 2
CONFIG_REFRESH: Final = 3600.0
# No answer is bigger (a page of ten nodes with configs is tens of kilobytes).
MAX_ANSWER_SIZE: Final = 8 * 2**20

PATH_LOGIN: Final = "/v1/login2"
PATH_LOGOUT: Final = "/v1/logout2"
PATH_USER: Final = "/v1/user2"
PATH_NODES: Final = "/v1/user/nodes"
PATH_PARAMS: Final = "/v1/user/nodes/params"

# Login answers that mean the credentials themselves are wrong. Everything else
# (throttling, outages, unknown codes) is transient and must not ask for a password.
CREDENTIAL_ERROR_CODES: Final = frozenset(
    {
        101001,  # User name is missing
        101002,  # Email-id is not in correct format
        101003,  # Password or verification code is missing
        101009,  # Incorrect user name or password
        101015,  # Email address is not verified
        101025,  # User does not exist
    }
)
ATTEMPT_LIMIT_CODE: Final = 101019
# How long to leave a locked sign-in alone before one more password login.
SIGN_IN_LOCK_WAIT: Final = 900.0

type TokenCallback = Callable[[TokenSet], None]
type ParamWrites = Mapping[str, Mapping[str, Mapping[str, Any]]]


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


HOST_LABEL: Final = re.compile(r"^(?!-)[a-z0-9_-]{1,63}(?<!-)$")


def _is_host_name(host: str) -> bool:
    """Tell whether `host` (IDNA-encoded) can be an IP address or a DNS name."""
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        labels = host.lower().removesuffix(".").split(".")
        return len(host) <= 253 and all(HOST_LABEL.match(label) for label in labels)
    return True


def normalize_base_url(url: str) -> str:
    """Return the cloud's base URL without a trailing slash or `/v1`.

    HTTPS is required; plain HTTP is accepted only for loopback hosts (an emulator).
    """
    try:
        parsed = URL(url.strip())
    except (TypeError, ValueError) as err:
        raise RainMakerValidationError("Not a valid URL") from err
    host = parsed.raw_host
    if parsed.scheme not in {"http", "https"} or not host or not _is_host_name(host):
        raise RainMakerValidationError(
            "The URL must start with https:// and name a host"
        )
    if parsed.scheme == "http" and not _is_loopback(host):
        raise RainMakerValidationError("The URL must use https://")
    if parsed.user or parsed.password or parsed.query_string or parsed.fragment:
        raise RainMakerValidationError(
            "The URL must not carry credentials, a query or a fragment"
        )
    if parsed.explicit_port == 0:
        raise RainMakerValidationError("The URL's port must not be 0")
    path = re.sub("/{2,}", "/", parsed.path).rstrip("/")
    if path.lower().endswith("/v1"):
        path = path[: -len("/v1")]
    return str(parsed.with_path(path or "/")).rstrip("/")


def _error_code(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value)
    return None


def _error_from(status: int, data: Any) -> RainMakerResponseError:
    """Build an error from a RainMaker or API-Gateway error body."""
    description = None
    code = None
    if isinstance(data, dict):
        description = data.get("description") or data.get("message")
        code = _error_code(data.get("error_code"))
    text = (
        description
        if isinstance(description, str) and description
        else f"HTTP {status}"
    )
    return RainMakerResponseError(
        f"{text} ({code})" if code is not None else text, status=status, error_code=code
    )


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


class RainMakerClient:
    """One account on one RainMaker cloud.

    Every request passes the client's token bucket. Tokens are refreshed from the
    refresh token before they expire (read from the JWT `exp`) and after a 401; the
    password is used only when there is no usable refresh token.
    """

    def __init__(
        self,
        base_url: str,
        username: str,
        password: str,
        *,
        session: aiohttp.ClientSession | None = None,
        tokens: TokenSet | None = None,
        on_tokens: TokenCallback | None = None,
        rate_limiter: TokenBucket | None = None,
        request_timeout: float = DEFAULT_TIMEOUT,
        max_nodes_per_write: int = MAX_NODES_PER_WRITE,
    ) -> None:
        """Create a client; nothing is sent until the first call."""
        self.base_url = normalize_base_url(base_url)
        self._username = username
        self._password = password
        self._session = session
        self._close_session = False
        self._tokens = tokens
        self._on_tokens = on_tokens
        self.limiter = rate_limiter or TokenBucket()
        self.request_timeout = request_timeout
        self.max_nodes_per_write = max_nodes_per_write
        self._auth_lock = asyncio.Lock()
        self._parser = NodeParser()
        self._nodes: dict[str, Node] = {}
        self._configs_at: float | None = None
        self._configs_outdated = False
        # Per node: the unknown device names last looked at, and when.
        self._config_checks: dict[str, tuple[frozenset[str], float]] = {}
        self._warned_malformed: set[str] = set()
        self._listing_stopped = False
        self._refused_refresh: str | None = None
        # The cloud's clock minus this machine's, from the `Date` of its answers:
        # tokens expire by the cloud's clock.
        self._clock_offset = 0.0
        self._locked_until: float | None = None
        # Pages of the last listing asked without configs: body fingerprint, result.
        self._pages_seen: dict[str | None, tuple[bytes, NodePage]] = {}
        self._pages_now: dict[str | None, tuple[bytes, NodePage]] = {}

    def __repr__(self) -> str:
        """Name the cloud only; never the credentials."""
        return f"RainMakerClient({self.base_url!r})"

    @property
    def tokens(self) -> TokenSet | None:
        """The current tokens, for the caller to persist."""
        return self._tokens

    @property
    def user_id(self) -> str | None:
        """The account's user id once logged in."""
        return self._tokens.user_id if self._tokens else None

    async def close(self) -> None:
        """Close the HTTP session if this client created it."""
        if self._session is not None and self._close_session:
            await self._session.close()
            self._session = None
            self._close_session = False

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

    # Authentication -------------------------------------------------------------

    async def login(self) -> TokenSet:
        """Log in with the password, whatever tokens the client holds."""
        async with self._auth_lock:
            tokens = await self._password_login()
            self._set_tokens(tokens)
            return tokens

    async def logout(self) -> None:
        """End this session at the cloud (best effort for the caller)."""
        if self._tokens is None:
            return
        await self._request("POST", PATH_LOGOUT, query={"logout_all": "false"})
        self._tokens = None

    def _set_tokens(self, tokens: TokenSet) -> None:
        self._tokens = tokens
        if self._on_tokens is not None:
            self._on_tokens(tokens)

    def _expiring(self, tokens: TokenSet) -> bool:
        """Tell whether the access token is about to expire, by the cloud's clock.

        The margin is a tenth of the token's lifetime, at most REFRESH_MARGIN, so a
        short-lived token is not renewed before every request.
        """
        expires = tokens.access_expires_at
        if expires is None:
            return False
        lifetime = tokens.access_lifetime or DEFAULT_TOKEN_LIFETIME
        margin = min(REFRESH_MARGIN, lifetime / 10)
        return expires - margin <= time.time() + self._clock_offset

    async def _access_token(self) -> str:
        tokens = self._tokens
        if tokens is not None and not self._expiring(tokens):
            return tokens.access_token
        return await self._renew(stale=tokens.access_token if tokens else None)

    async def _renew(self, stale: str | None) -> str:
        """Get a fresh access token; concurrent callers share one renewal."""
        async with self._auth_lock:
            tokens = self._tokens
            if (
                tokens is not None
                and tokens.access_token != stale
                and not self._expiring(tokens)
            ):
                return tokens.access_token
            renewed = None
            if tokens is not None and tokens.refresh_token != self._refused_refresh:
                renewed = await self._refresh(tokens)
            if renewed is None:
                renewed = await self._password_login()
            self._set_tokens(renewed)
            return renewed.access_token

    async def _refresh(self, tokens: TokenSet) -> TokenSet | None:
        """Refresh with the refresh token; None when the cloud refuses it."""
        body: dict[str, str] = {"refreshtoken": tokens.refresh_token}
        if email := tokens.email:
            body["user_name"] = email
        try:
            data = await self._request(
                "POST", PATH_LOGIN, body=body, authenticated=False
            )
        except RainMakerResponseError as err:
            if err.status is not None and 400 <= err.status < 500:
                _LOGGER.debug(
                    "Refresh token refused (%s); logging in again", err.error_code
                )
                # Refused once, refused for good: it is not sent again.
                self._refused_refresh = tokens.refresh_token
                return None
            raise
        access = _token(data, "accesstoken")
        if access is None:
            _LOGGER.debug("The refresh answer has no access token; logging in again")
            return None
        _LOGGER.debug("Access token refreshed")
        # The cloud may leave out the id token (same account) and the refresh token.
        return TokenSet(
            access,
            _token(data, "idtoken") or tokens.id_token,
            _token(data, "refreshtoken") or tokens.refresh_token,
        )

    async def _password_login(self) -> TokenSet:
        """Log in with the password, unless the cloud locked sign-in a while ago.

        After "attempt limit exceeded" (101019) every further attempt would keep the
        account locked: the next one waits SIGN_IN_LOCK_WAIT.
        """
        if self._locked_until is not None:
            wait = self._locked_until - time.monotonic()
            if wait > 0:
                raise RainMakerRateLimitError(
                    f"Sign-in is locked after too many attempts; next try in {wait:.0f} s",
                    wait,
                )
        body = {"user_name": self._username, "password": self._password}
        try:
            data = await self._request(
                "POST", PATH_LOGIN, body=body, authenticated=False
            )
        except RainMakerResponseError as err:
            if err.error_code in CREDENTIAL_ERROR_CODES:
                raise RainMakerAuthenticationError(str(err)) from None
            if err.error_code == ATTEMPT_LIMIT_CODE:
                self._locked_until = time.monotonic() + SIGN_IN_LOCK_WAIT
                raise RainMakerRateLimitError(str(err), SIGN_IN_LOCK_WAIT) from None
            raise
        self._locked_until = None
        if isinstance(data, dict) and data.get("session") and "accesstoken" not in data:
            raise RainMakerMfaRequiredError(
                "The account requires a one-time code to log in"
            )
        access, id_token, refresh = _token_fields(
            data, "accesstoken", "idtoken", "refreshtoken"
        )
        _LOGGER.debug("Logged in with the password")
        return TokenSet(access, id_token, refresh)

    # Requests --------------------------------------------------------------------

    async def _request(
        self,
        method: str,
        path: str,
        *,
        query: Mapping[str, str] | None = None,
        body: Any = None,
        authenticated: bool = True,
        idempotent: bool | None = None,
    ) -> Any:
        """Send one API call and decode its JSON answer (see `_request_raw`)."""
        return _decode(
            *await self._request_raw(
                method,
                path,
                query=query,
                body=body,
                authenticated=authenticated,
                idempotent=idempotent,
            )
        )

    async def _request_raw(
        self,
        method: str,
        path: str,
        *,
        query: Mapping[str, str] | None = None,
        body: Any = None,
        authenticated: bool = True,
        idempotent: bool | None = None,
    ) -> tuple[int, bytes]:
        """Send one API call with rate limiting, token renewal and retries.

        Idempotent calls (GETs and logins) retry on 429, 5xx, timeouts and lost
        connections; writes retry only on 429, which proves they were not applied.
        """
        if idempotent is None:
            idempotent = method == "GET" or path == PATH_LOGIN
        attempt = 0
        renewed = False
        while True:
            attempt += 1
            token = await self._access_token() if authenticated else None
            await self.limiter.acquire()
            try:
                status, headers, raw = await self._send(
                    method, path, query, body, token
                )
            except RainMakerConnectionError:
                if idempotent and attempt < MAX_ATTEMPTS:
                    await asyncio.sleep(backoff_delay(attempt))
                    continue
                raise
            if status in (401, 403) and authenticated and not renewed:
                renewed = True
                attempt -= 1
                await self._renew(stale=token)
                continue
            if status == 429:
                retry_after = parse_retry_after(
                    headers.get("Retry-After"), date=headers.get("Date")
                )
                self.limiter.pause(
                    retry_after if retry_after is not None else backoff_delay(attempt)
                )
                if attempt < MAX_ATTEMPTS:
                    continue
                raise RainMakerRateLimitError(
                    "The cloud is throttling requests", self.limiter.paused_for
                )
            if 300 <= status < 400:
                raise RainMakerConnectionError(
                    f"The cloud answered HTTP {status}, a redirect, which is not followed"
                )
            if status >= 500:
                if idempotent and attempt < MAX_ATTEMPTS:
                    await asyncio.sleep(backoff_delay(attempt))
                    continue
                raise RainMakerConnectionError(f"The cloud answered HTTP {status}")
            return status, raw

    async def _send(
        self,
        method: str,
        path: str,
        query: Mapping[str, str] | None,
        body: Any,
        token: str | None,
    ) -> tuple[int, Mapping[str, str], bytes]:
        if self._session is None:
            self._session = aiohttp.ClientSession()
            self._close_session = True
        headers = {"Accept": "application/json"}
        if token is not None:
            headers["Authorization"] = token
        data = None
        if body is not None:
            headers["Content-Type"] = "application/json"
            data = orjson.dumps(body)
        started = time.monotonic()
        try:
            async with (
                asyncio.timeout(self.request_timeout),
                self._session.request(
                    method,
                    self.base_url + path,
                    params=query,
                    data=data,
                    headers=headers,
                    # A redirect could carry the password elsewhere, even to http://.
                    allow_redirects=False,
                ) as response,
            ):
                raw = await _read_bounded(response)
                status = response.status
                response_headers = response.headers
                self._learn_clock(response_headers.get("Date"))
        except TimeoutError as err:
            raise RainMakerTimeoutError(
                f"No answer from the cloud within {self.request_timeout:g} s"
            ) from err
        except (aiohttp.ClientError, OSError) as err:
            raise RainMakerConnectionError(
                f"Cannot talk to the cloud: {type(err).__name__}"
            ) from err
        _LOGGER.debug(
            "%s %s -> %s in %.0f ms",
            method,
            path,
            status,
            (time.monotonic() - started) * 1000,
        )
        return status, response_headers, raw

    def _learn_clock(self, date: str | None) -> None:
        """Track how far the cloud's clock is from this machine's (whole seconds)."""
        cloud_time = http_date(date) if date else None
        if cloud_time is not None:
            self._clock_offset = cloud_time - time.time()

    # Nodes -----------------------------------------------------------------------

    async def get_nodes(self) -> NodeListing:
        """Every node of the account with config, status and params, page by page.

        Configs rarely change, so after the first listing pages are asked without
        them (`config=false`), except for nodes not seen before (their page is asked
        again with configs), after a node reports a device its config lacks, and
        once every CONFIG_REFRESH seconds.
        """
        with_configs = self._configs_due()
        nodes: dict[str, Node] = {}
        malformed: dict[str, str] = {}
        outdated = False
        start_id: str | None = None
        started: set[str | None] = {None}
        pages = 0
        page_cap = MAX_PAGES
        stopped: str | None = None
        self._parser.start_listing()
        self._pages_now = {}
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
        self._parser.finish_listing()
        self._pages_seen = self._pages_now
        for node_id in malformed:
            nodes.pop(node_id, None)
        # An unfinished listing says nothing about the nodes it did not reach.
        self._nodes = dict(nodes) if stopped is None else {**self._nodes, **nodes}
        self._config_checks = {
            node_id: check
            for node_id, check in self._config_checks.items()
            if node_id in self._nodes
        }
        if with_configs:
            self._configs_at = time.monotonic()
        self._configs_outdated = outdated
        self._report_malformed(malformed)
        self._report_stopped(stopped, pages)
        return NodeListing(
            nodes=nodes,
            malformed=frozenset(malformed),
            pages=pages,
            complete=stopped is None,
        )

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

    def _configs_due(self) -> bool:
        return (
            self._configs_outdated
            or self._configs_at is None
            or time.monotonic() - self._configs_at >= CONFIG_REFRESH
        )

    async def _page(self, start_id: str | None, *, with_configs: bool) -> NodePage:
        query = {"node_details": "true"}
        if not with_configs:
            query["config"] = "false"
        if start_id is not None:
            query["start_id"] = start_id
        status, raw = await self._request_raw("GET", PATH_NODES, query=query)
        fingerprint = hashlib.blake2b(raw, digest_size=16).digest()
        page = (
            self._unchanged_page(start_id, fingerprint)
            if status < 300 and not with_configs
            else None
        )
        if page is None:
            payload = _decode(status, raw, listing=True)
            if (
                isinstance(payload, dict)
                and payload.get("nodes")
                and payload.get("node_details") is None
            ):
                raise RainMakerResponseError(
                    "The node listing came without node details"
                )
            try:
                page = self._parser.page(payload, self._nodes)
            except MalformedNodeError as err:
                raise RainMakerResponseError(f"Unexpected node listing: {err}") from err
        if not (with_configs or page.unconfigured or page.outdated):
            self._pages_now[start_id] = (fingerprint, page)
        return page

    def _unchanged_page(
        self, start_id: str | None, fingerprint: bytes
    ) -> NodePage | None:
        """Return the last result of a page whose body has not changed since.

        Parsing the same body again would return the same nodes (the parser keeps a
        node whose state is unchanged), as long as they are still the nodes known
        now: a node fetched on its own since then makes the page parse again.
        """
        seen = self._pages_seen.get(start_id)
        if seen is None or seen[0] != fingerprint:
            return None
        page = seen[1]
        if any(self._nodes.get(node.node_id) is not node for node in page.nodes):
            return None
        return page

    async def count_nodes(self) -> int:
        """Return how many nodes the account has, with one request and no details."""
        payload = await self._request("GET", PATH_NODES)
        if not isinstance(payload, dict):
            raise RainMakerResponseError("Unexpected node listing")
        total, ids = payload.get("total"), payload.get("nodes")
        if isinstance(total, int) and not isinstance(total, bool):
            return total
        if isinstance(ids, list):
            return len(ids)
        raise RainMakerResponseError("The node listing has neither total nor nodes")

    async def get_node(self, node_id: str) -> Node:
        """One node with config, status and params."""
        status, raw = await self._request_raw(
            "GET", PATH_NODES, query={"node_id": node_id, "node_details": "true"}
        )
        payload = _decode(status, raw, listing=True)
        try:
            page = self._parser.page(payload, self._nodes)
        except MalformedNodeError as err:
            raise RainMakerResponseError(f"Unexpected node details: {err}") from err
        node = next((node for node in page.nodes if node.node_id == node_id), None)
        if node is None:
            reason = dict(page.malformed).get(node_id, "not in the answer")
            raise RainMakerResponseError(f"Node {node_id} could not be read: {reason}")
        self._nodes[node_id] = node
        return node

    def _report_malformed(self, malformed: Mapping[str, str]) -> None:
        """Warn once per node while it stays malformed."""
        for node_id, reason in malformed.items():
            if node_id not in self._warned_malformed:
                _LOGGER.warning("Skipping node %s: %s", node_id, reason)
        self._warned_malformed = set(malformed)

    async def set_params(self, writes: ParamWrites) -> None:
        """Write parameters of one or many nodes with the bulk form.

        `writes` maps node id -> device or service name -> parameter -> value. Every
        value is checked against the node's metadata first; nothing is sent if one is
        refused. Raises `RainMakerNodeError` naming the nodes whose write failed.
        """
        entries: list[dict[str, Any]] = []
        for node_id, devices in writes.items():
            known = self._nodes.get(node_id)
            config = (known or await self.get_node(node_id)).config
            payload: dict[str, dict[str, Any]] = {}
            for device, params in devices.items():
                refuse_hazards(config, device, params)
                payload[device] = config.validate_write(device, params)
            if not payload:
                raise RainMakerValidationError(f"Nothing to write to node {node_id}")
            entries.append({"node_id": node_id, "payload": payload})

        failures: dict[str, NodeFailure] = {}
        for start in range(0, len(entries), self.max_nodes_per_write):
            chunk = entries[start : start + self.max_nodes_per_write]
            try:
                answer = await self._request("PUT", PATH_PARAMS, body=chunk)
            except RainMakerError as err:
                if start == 0:
                    raise
                failures.update(
                    (entry["node_id"], NodeFailure(str(err)))
                    for entry in entries[start:]
                )
                break
            failures.update(_bulk_failures(chunk, answer))
        if failures:
            raise RainMakerNodeError(failures)

    async def get_user(self) -> dict[str, Any]:
        """Return the account's profile (`GET /v1/user2`)."""
        data = await self._request("GET", PATH_USER)
        if not isinstance(data, dict):
            raise RainMakerResponseError("Unexpected user profile")
        return data


async def _read_bounded(response: aiohttp.ClientResponse) -> bytes:
    """Read a body of at most MAX_ANSWER_SIZE bytes; raise rather than read more."""
    too_large = RainMakerResponseError(
        f"The cloud's answer is larger than {MAX_ANSWER_SIZE // 2**20} MiB",
        status=response.status,
    )
    if (response.content_length or 0) > MAX_ANSWER_SIZE:
        raise too_large
    chunks: list[bytes] = []
    size = 0
    async for chunk in response.content.iter_chunked(2**16):
        size += len(chunk)
        if size > MAX_ANSWER_SIZE:
            raise too_large
        chunks.append(chunk)
    return b"".join(chunks)


def _token(data: Any, name: str) -> str | None:
    """Return a token of a login answer, None if absent; raise if it is unusable."""
    if not isinstance(data, dict):
        raise RainMakerResponseError("Unexpected login answer")
    value = data.get(name)
    if value is None or value == "":
        return None
    if not usable_token(value):
        # A token with spaces or line breaks would corrupt every request's headers.
        raise RainMakerResponseError("The login answer has an unusable token")
    return str(value)


def _token_fields(data: Any, *names: str) -> tuple[str, ...]:
    values = tuple(_token(data, name) for name in names)
    if None in values:
        raise RainMakerResponseError("The login answer has no tokens")
    return tuple(str(value) for value in values)


def _decode(status: int, raw: bytes, *, listing: bool = False) -> Any:
    """Decode an answer; a node listing survives entries that are not valid JSON."""
    try:
        data = (decode_listing(raw) if listing else orjson.loads(raw)) if raw else None
    except orjson.JSONDecodeError as err:
        raise RainMakerResponseError(
            f"The cloud answered HTTP {status} with invalid JSON", status=status
        ) from err
    if status >= 400:
        raise _error_from(status, data)
    return data


def _bulk_failures(chunk: list[dict[str, Any]], answer: Any) -> dict[str, NodeFailure]:
    """Per-node failures of a bulk write answer."""
    sent = [entry["node_id"] for entry in chunk]
    if isinstance(answer, dict):
        # Legacy single-object answer: one verdict for every node.
        if answer.get("status", "success") == "success":
            return {}
        failure = NodeFailure(
            str(answer.get("description") or "failure"),
            _error_code(answer.get("error_code")),
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
                _error_code(item.get("error_code")),
            )
    return failures
