"""The aiohttp application and an in-process server for tests, the demo and benchmarks."""

import asyncio
from collections.abc import Awaitable, Callable
from email.utils import formatdate
import ipaddress
import ssl
from types import TracebackType
from typing import Self

from aiohttp import web
import orjson

from .admin import AdminApi
from .api import CLOUD, PublicApi, json_response
from .local_control import LocalLan
from .state import Cloud, FaultRule

type Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

ADMIN_PREFIX = "/_emulator"
MALFORMED_BODY = b'{"nodes": ["truncated", {"status": '


def _loopback(remote: str | None) -> bool:
    if remote is None:
        return False
    try:
        return ipaddress.ip_address(remote).is_loopback
    except ValueError:
        return False


async def _apply_fault(
    request: web.Request, fault: FaultRule
) -> web.StreamResponse | None:
    """Misbehave as the rule says; None lets the request through."""
    if fault.delay_ms:
        await asyncio.sleep(fault.delay_ms / 1000)
    if fault.drop_connection:
        # Start a response, send part of it and reset the connection.
        response = web.StreamResponse(status=fault.status or 200)
        response.content_type = "application/json"
        response.content_length = 4096
        await response.prepare(request)
        await response.write(MALFORMED_BODY)
        if request.transport is not None:
            request.transport.abort()
        return response
    if fault.malformed:
        return web.Response(
            status=fault.status or 200,
            body=MALFORMED_BODY,
            content_type="application/json",
        )
    if fault.status is None:
        return None
    body = fault.body
    if isinstance(body, str):
        content_type = "text/html" if body.lstrip().startswith("<") else "text/plain"
        return web.Response(
            status=fault.status,
            text=body,
            headers=fault.headers,
            content_type=content_type,
        )
    return web.Response(
        status=fault.status,
        body=orjson.dumps(body) if body is not None else b"",
        headers=fault.headers,
        content_type="application/json",
    )


@web.middleware
async def cloud_middleware(
    request: web.Request, handler: Handler
) -> web.StreamResponse:
    """Count, delay, throttle and break API requests; guard the admin API."""
    cloud = request.app[CLOUD]
    if request.path.startswith(ADMIN_PREFIX):
        if not _loopback(request.remote):
            return json_response({"error": "the admin API is loopback only"}, 403)
        return await handler(request)
    cloud.count(request.method, request.path)
    half_latency = cloud.latency / 2
    if half_latency:
        await asyncio.sleep(half_latency)
    if cloud.rate_limit is not None and (wait := cloud.rate_limit.take()) is not None:
        return json_response(
            {"message": "Too Many Requests"},
            429,
            headers=cloud.rate_limit.headers(wait),
        )
    fault = cloud.take_fault(request.method, request.path)
    if fault is not None and (faulty := await _apply_fault(request, fault)) is not None:
        return faulty
    response = await handler(request)
    # The cloud's own clock, which tests may set apart from the host's.
    response.headers["Date"] = formatdate(cloud.clock.now(), usegmt=True)
    if half_latency:
        await asyncio.sleep(half_latency)
    return response


def create_app(cloud: Cloud, local: LocalLan | None = None) -> web.Application:
    """Build the emulator's web application (its admin API can turn `local`'s nodes on)."""
    app = web.Application(
        middlewares=[cloud_middleware], client_max_size=32 * 1024 * 1024
    )
    app[CLOUD] = cloud
    app.add_routes(PublicApi(cloud).routes())
    app.add_routes(AdminApi(cloud, local).routes())
    return app


class EmulatorServer:
    """Run the emulator in the current event loop (on a loopback port by default).

    >>> async with EmulatorServer(Cloud()) as server:
    ...     print(server.url)
    """

    def __init__(
        self,
        cloud: Cloud | None = None,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        ssl_context: ssl.SSLContext | None = None,
    ) -> None:
        """Serve `cloud` (a new empty one by default); port 0 picks a free port.

        With `ssl_context` the server speaks HTTPS (to test certificate checks).
        """
        self.cloud = cloud or Cloud()
        self.host = host
        self.port = port
        self.ssl_context = ssl_context
        # The cloud's nodes that serve ESP Local Control, each on a port of its own.
        self.local = LocalLan(self.cloud)
        self._runner: web.AppRunner | None = None

    @property
    def url(self) -> str:
        """Base URL of the running server."""
        scheme = "https" if self.ssl_context is not None else "http"
        return f"{scheme}://{self.host}:{self.port}"

    async def start(self) -> None:
        """Start listening."""
        self._runner = web.AppRunner(
            create_app(self.cloud, self.local),
            access_log=None,
            handle_signals=False,
            shutdown_timeout=0.5,
        )
        await self._runner.setup()
        site = web.TCPSite(
            self._runner, self.host, self.port, ssl_context=self.ssl_context
        )
        await site.start()
        self.port = int(self._runner.addresses[0][1])

    async def stop(self) -> None:
        """Stop listening and close connections, local control's too."""
        await self.local.close()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> Self:
        """Start on entry."""
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        """Stop on exit."""
        await self.stop()
