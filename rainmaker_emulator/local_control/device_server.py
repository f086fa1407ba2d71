"""One node's ESP Local Control over HTTP: protocomm_httpd's sessions and endpoints.

espressif/esp-idf components/protocomm/src/transports/protocomm_httpd.c: one
session at a time, named by a random cookie set on its first answer (or, for a
client without cookies, by its socket); a request of another session closes the
current one. A handler that fails closes the connection without an answer, and a
body must be 1 to 4096 bytes. The endpoints are esp_local_ctrl.c's.
"""

from collections.abc import Callable
import random

from aiohttp import web
import orjson

from .device_properties import NodeProperties, handle as handle_command
from .device_security import DeviceSecurity, RefusedError

MAX_REQ_BODY_LEN = 4096
VERSION = "v1.0"


class LocalDevice:
    """A node's local control server on a loopback port it keeps while it lives."""

    def __init__(
        self,
        node: NodeProperties,
        new_security: Callable[[], DeviceSecurity],
        *,
        scheme: int,
        rng: random.Random,
        host: str = "127.0.0.1",
    ) -> None:
        """Serve `node`, opening sessions of `new_security()`."""
        self.node = node
        self.scheme = scheme
        self.host = host
        self.port = 0
        self._new_security = new_security
        self._rng = rng
        self._runner: web.AppRunner | None = None
        self._session_id: int | None = None
        self._session: DeviceSecurity | None = None
        self._socket: object | None = None
        # What tests look at: sessions opened, requests refused by closing.
        self.sessions_opened = 0
        self.refused = 0

    @property
    def serving(self) -> bool:
        """Whether the node answers on the LAN."""
        return self._runner is not None

    async def start(self) -> None:
        """Listen (again on the same port, after the first time)."""
        if self._runner is not None:
            return
        app = web.Application(client_max_size=2 * MAX_REQ_BODY_LEN)
        app.router.add_post("/esp_local_ctrl/{endpoint}", self._handle)
        runner = web.AppRunner(
            app, access_log=None, handle_signals=False, shutdown_timeout=0.1
        )
        await runner.setup()
        await web.TCPSite(runner, self.host, self.port).start()
        self.port = int(runner.addresses[0][1])
        self._runner = runner
        self.drop_sessions()

    async def stop(self) -> None:
        """Stop answering: connections are refused until `start`."""
        if self._runner is not None:
            runner, self._runner = self._runner, None
            await runner.cleanup()
        self.drop_sessions()

    def drop_sessions(self) -> None:
        """Forget the session, as a reboot or another client's session would."""
        self._session_id = None
        self._session = None
        self._socket = None

    # Requests --------------------------------------------------------------------

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        same = self._continues(request)
        if not same:
            self._open(request)
        body = await request.read()
        if not 0 < len(body) <= MAX_REQ_BODY_LEN:
            return self._refuse(request)
        try:
            answer = self._answer(request.match_info["endpoint"], body)
        except RefusedError:
            return self._refuse(request)
        response = web.Response(body=answer, content_type="text/plain")
        if not same:
            response.headers["Set-Cookie"] = f"session={self._session_id}"
        return response

    def _continues(self, request: web.Request) -> bool:
        if self._session is None:
            return False
        cookie = request.headers.get("Cookie")
        if cookie is not None:
            if cookie != f"session={self._session_id}":
                return False
            # The client keeps cookies: its socket no longer names the session.
            self._socket = None
            return True
        return request.transport is self._socket

    def _open(self, request: web.Request) -> None:
        self._session_id = self._rng.getrandbits(32)
        self._session = self._new_security()
        self._socket = request.transport
        self.sessions_opened += 1

    def _answer(self, endpoint: str, body: bytes) -> bytes:
        session = self._session
        if session is None:
            raise RefusedError("no session")
        match endpoint:
            case "version":
                patch = 1 if self.scheme == 2 else 0
                return orjson.dumps(
                    {
                        "local_ctrl": {
                            "ver": VERSION,
                            "sec_ver": self.scheme,
                            "sec_patch_ver": patch,
                        }
                    }
                )
            case "session":
                return session.handle(body)
            case "control":
                command = session.decrypt(body)
                return session.encrypt(handle_command(command, self.node))
        raise RefusedError("no such endpoint")

    def _refuse(self, request: web.Request) -> web.StreamResponse:
        """Close the connection unanswered, as esp_http_server does on a failed handler."""
        self.refused += 1
        if request.transport is not None:
            request.transport.abort()
        return web.Response()
