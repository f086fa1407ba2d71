"""One API call to the cloud: rate limit, timeout, bounded answer, retries, token renewal."""

import asyncio
from collections.abc import Mapping
from dataclasses import dataclass
import logging
import time
from typing import Any, Final, Protocol

import aiohttp
import orjson

from .exceptions import (
    RainMakerConnectionError,
    RainMakerRateLimitError,
    RainMakerResponseError,
    RainMakerTimeoutError,
)
from .listing_json import decode_listing
from .rate_limit import RateLimiter, backoff_delay, http_date, parse_retry_after

_LOGGER = logging.getLogger(__name__)

MAX_ATTEMPTS: Final = 3
# No answer is bigger (a page of ten nodes with configs is tens of kilobytes).
MAX_ANSWER_SIZE: Final = 8 * 2**20


class TokenSource(Protocol):
    """What authenticates a request: an access token, and a fresh one after a 401."""

    async def access_token(self) -> str:
        """Return a valid access token."""

    async def renew(self, stale: str) -> str:
        """Return a new access token: the cloud refused `stale`."""


def error_code(value: Any) -> int | None:
    """Return a RainMaker error code, which the cloud sends as a number or a string."""
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
        code = error_code(data.get("error_code"))
    text = (
        description
        if isinstance(description, str) and description
        else f"HTTP {status}"
    )
    return RainMakerResponseError(
        f"{text} ({code})" if code is not None else text, status=status, error_code=code
    )


@dataclass(frozen=True, slots=True)
class Answer:
    """What the cloud answered: the status and the undecoded body."""

    status: int
    body: bytes

    def json(self, *, listing: bool = False) -> Any:
        """Decode the body; raise the cloud's error for an error status.

        A node listing survives entries that are not valid JSON (`decode_listing`).
        """
        try:
            if not self.body:
                data = None
            elif listing:
                data = decode_listing(self.body)
            else:
                data = orjson.loads(self.body)
        except orjson.JSONDecodeError as err:
            raise RainMakerResponseError(
                f"The cloud answered HTTP {self.status} with invalid JSON",
                status=self.status,
            ) from err
        if self.status >= 400:
            raise _error_from(self.status, data)
        return data


class Transport:
    """Send API calls to one cloud, through the account's rate limiter.

    Idempotent calls (GETs and logins) retry on 429, 5xx, timeouts and lost
    connections; writes retry only on 429, which proves they were not applied. A
    401 or 403 renews the access token once. Redirects are never followed, and
    `clock_offset` tracks the cloud's clock from the `Date` of its answers.
    """

    def __init__(
        self,
        base_url: str,
        *,
        session: aiohttp.ClientSession | None,
        limiter: RateLimiter,
        request_timeout: float,
    ) -> None:
        """Talk to `base_url` (already normalised) with `session` (or a new one)."""
        self.base_url = base_url
        self.session = session
        self._owns_session = False
        self.limiter = limiter
        self.request_timeout = request_timeout
        # The cloud's clock minus this machine's (whole seconds).
        self.clock_offset = 0.0

    async def close(self) -> None:
        """Close the HTTP session if this transport created it."""
        if self.session is not None and self._owns_session:
            await self.session.close()
            self.session = None
            self._owns_session = False

    async def request(
        self,
        method: str,
        path: str,
        *,
        query: Mapping[str, str] | None = None,
        body: Any = None,
        auth: TokenSource | None = None,
        idempotent: bool | None = None,
    ) -> Answer:
        """Send one API call; raise for what cannot be answered (see the class)."""
        if idempotent is None:
            idempotent = method == "GET"
        attempt = 0
        renewed = False
        while True:
            attempt += 1
            token = await auth.access_token() if auth is not None else None
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
            if status in (401, 403) and auth is not None and token and not renewed:
                renewed = True
                attempt -= 1
                await auth.renew(token)
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
            return Answer(status, raw)

    async def _send(
        self,
        method: str,
        path: str,
        query: Mapping[str, str] | None,
        body: Any,
        token: str | None,
    ) -> tuple[int, Mapping[str, str], bytes]:
        if self.session is None:
            self.session = aiohttp.ClientSession()
            self._owns_session = True
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
                self.session.request(
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
        cloud_time = http_date(date) if date else None
        if cloud_time is not None:
            self.clock_offset = cloud_time - time.time()


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
