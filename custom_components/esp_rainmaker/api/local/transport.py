"""One POST to a node's protocomm endpoints, as esp_local_ctrl serves them over HTTP.

The node keeps one session, named by the cookie it sets on the first answer of a
session; every later request carries it back (espressif/esp-idf
components/protocomm/src/transports/protocomm_httpd.c). The cookie is kept here,
not in the shared session's jar, which refuses cookies of IP addresses.
"""

from typing import Final

import aiohttp
from yarl import URL

from .errors import LocalProtocolError, LocalRefusedError, LocalUnreachableError

# esp-idf components/esp_local_ctrl/src/esp_local_ctrl.c registers these.
VERSION_ENDPOINT: Final = "esp_local_ctrl/version"
SESSION_ENDPOINT: Final = "esp_local_ctrl/session"
CONTROL_ENDPOINT: Final = "esp_local_ctrl/control"
# protocomm_httpd.c refuses a longer body (MAX_REQ_BODY_LEN).
MAX_REQUEST_SIZE: Final = 4096
DEFAULT_TIMEOUT: Final = 10.0
# A node's config is a few kilobytes; nothing it sends comes near this.
DEFAULT_MAX_ANSWER_SIZE: Final = 256 * 1024
# What esp-rainmaker-cli's transport_http.py sends.
HEADERS: Final = {
    "Content-Type": "application/x-www-form-urlencoded",
    "Accept": "text/plain",
}


class LocalTransport:
    """POST to one node's endpoints with bounded waits and answers."""

    def __init__(
        self,
        session: aiohttp.ClientSession,
        host: str,
        port: int,
        *,
        timeout: float = DEFAULT_TIMEOUT,
        max_answer_size: int = DEFAULT_MAX_ANSWER_SIZE,
    ) -> None:
        """Address the node at `host`:`port` over the injected session."""
        self._session = session
        self._base = URL.build(scheme="http", host=host, port=port)
        self._timeout = aiohttp.ClientTimeout(total=timeout)
        self._max_answer_size = max_answer_size
        self._cookie: str | None = None

    def __repr__(self) -> str:
        """Name the node's address."""
        return f"LocalTransport({self._base})"

    def forget_session(self) -> None:
        """Start the next request without the session cookie (a new session)."""
        self._cookie = None

    async def post(self, endpoint: str, body: bytes) -> bytes:
        """Send `body` to an endpoint and return the node's answer."""
        headers = dict(HEADERS)
        if self._cookie is not None:
            headers["Cookie"] = self._cookie
        try:
            async with self._session.post(
                self._base / endpoint,
                data=body,
                headers=headers,
                timeout=self._timeout,
                allow_redirects=False,
            ) as response:
                if response.status != 200:
                    raise LocalRefusedError(f"the node answered HTTP {response.status}")
                self._keep_cookie(response.headers.getall("Set-Cookie", []))
                return await self._read(response)
        except TimeoutError as err:
            raise LocalUnreachableError("the node did not answer in time") from err
        except aiohttp.ClientConnectorError as err:
            raise LocalUnreachableError(
                "nothing answers at the node's address"
            ) from err
        except (aiohttp.ClientError, OSError) as err:
            raise LocalRefusedError("the node closed the connection") from err

    def _keep_cookie(self, set_cookies: list[str]) -> None:
        for header in set_cookies:
            name, _, value = header.split(";", 1)[0].strip().partition("=")
            if name == "session":
                self._cookie = f"session={value}"

    async def _read(self, response: aiohttp.ClientResponse) -> bytes:
        limit = self._max_answer_size
        if (response.content_length or 0) > limit:
            raise LocalProtocolError(f"the node's answer is over {limit} bytes")
        body = bytearray()
        async for chunk in response.content.iter_chunked(64 * 1024):
            body += chunk
            if len(body) > limit:
                raise LocalProtocolError(f"the node's answer is over {limit} bytes")
        return bytes(body)
