"""A client of one node's ESP Local Control: its params and config over the LAN.

One session per node, kept between calls and opened again once when the node
dropped it; every call waits a bounded time and reads a bounded answer. The
reference client is espressif/esp-rainmaker-cli
rmaker_tools/rmaker_local_ctrl/esp_rainmaker_ctrl.py.
"""

import asyncio
from collections.abc import Awaitable, Callable, Mapping
import logging
from typing import Any, Final

import aiohttp
import orjson

from .errors import (
    LocalCommandError,
    LocalControlError,
    LocalProtocolError,
    LocalRefusedError,
)
from .properties import (
    CONFIG_PROPERTY,
    PARAMS_PROPERTY,
    Property,
    count_command,
    read_count,
    read_set,
    read_values,
    set_command,
    values_command,
)
from .schemes import LocalCredentials, new_security
from .secure_session import Security
from .transport import (
    CONTROL_ENDPOINT,
    DEFAULT_MAX_ANSWER_SIZE,
    DEFAULT_TIMEOUT,
    MAX_REQUEST_SIZE,
    SESSION_ENDPOINT,
    VERSION_ENDPOINT,
    LocalTransport,
)
from .version import LocalVersion, read_version

_LOGGER = logging.getLogger(__name__)

# RainMaker registers two properties and room for ten (max_properties).
MAX_PROPERTIES: Final = 32
# The AES-GCM tag security 2 adds to every request.
TAG_SIZE: Final = 16
# esp-rainmaker-cli's esp_prov sends this to the version endpoint: any body will do.
VERSION_REQUEST: Final = b"---"

# Errors after which the session is dropped and opened again once.
_SESSION_LOST = (LocalRefusedError, LocalProtocolError)


class LocalControlClient:
    """Read and write one node's params over ESP Local Control."""

    def __init__(
        self,
        session: aiohttp.ClientSession,
        host: str,
        port: int,
        credentials: LocalCredentials,
        *,
        timeout: float = DEFAULT_TIMEOUT,
        max_answer_size: int = DEFAULT_MAX_ANSWER_SIZE,
    ) -> None:
        """Talk to the node at `host`:`port` with the credentials its cloud config names."""
        self._transport = LocalTransport(
            session, host, port, timeout=timeout, max_answer_size=max_answer_size
        )
        self._credentials = credentials
        self._lock = asyncio.Lock()
        self._security: Security | None = None
        self._indices: dict[str, int] = {}
        self.version: LocalVersion | None = None

    def __repr__(self) -> str:
        """Name the node's address and scheme, never the PoP."""
        return f"LocalControlClient({self._transport!r}, {self._credentials!r})"

    async def get_params(self) -> dict[str, Any]:
        """Return the node's params, as the cloud reports them: {device: {param: value}}."""
        prop = await self._run(lambda: self._read_property(PARAMS_PROPERTY))
        return _json_object(prop.value, PARAMS_PROPERTY)

    async def get_config(self) -> dict[str, Any]:
        """Return the node's config (devices, services, their params)."""
        prop = await self._run(lambda: self._read_property(CONFIG_PROPERTY))
        return _json_object(prop.value, CONFIG_PROPERTY)

    async def set_params(self, payload: Mapping[str, Any]) -> None:
        """Write params to the node: {device: {param: value}}, applied at once."""
        value = orjson.dumps(payload)
        if len(set_command(MAX_PROPERTIES, value)) + TAG_SIZE > MAX_REQUEST_SIZE:
            raise LocalRefusedError(
                f"the params are over the {MAX_REQUEST_SIZE} bytes a node accepts"
            )

        async def write() -> None:
            index = await self._index(PARAMS_PROPERTY)
            read_set(await self._control(set_command(index, value)))

        await self._run(write)

    def close(self) -> None:
        """Forget the session; the next call opens a new one."""
        self._security = None
        self._transport.forget_session()

    # Sessions --------------------------------------------------------------------

    async def _run[T](self, command: Callable[[], Awaitable[T]]) -> T:
        """Run `command` in the session, opening it again once if the node dropped it."""
        async with self._lock:
            fresh = self._security is None
            if fresh:
                await self._establish()
            try:
                return await command()
            except LocalCommandError:
                raise
            except _SESSION_LOST:
                self.close()
                if fresh:
                    raise
                _LOGGER.debug("Local session with %r lost; opening it again", self)
            except LocalControlError:
                self.close()
                raise
            await self._establish()
            try:
                return await command()
            except LocalCommandError:
                raise
            except LocalControlError:
                self.close()
                raise

    async def _establish(self) -> None:
        self.close()
        version = read_version(
            await self._transport.post(VERSION_ENDPOINT, VERSION_REQUEST),
            self._credentials.scheme,
        )
        security = new_security(self._credentials, patch=version.patch)
        try:
            await security.establish(self._handshake)
        except LocalControlError:
            self.close()
            raise
        self.version = version
        self._security = security
        _LOGGER.debug("Local session with %r established", self)

    async def _handshake(self, body: bytes) -> bytes:
        return await self._transport.post(SESSION_ENDPOINT, body)

    async def _control(self, command: bytes) -> bytes:
        security = self._security
        if security is None:
            raise LocalProtocolError("no session")
        answer = await self._transport.post(CONTROL_ENDPOINT, security.encrypt(command))
        return security.decrypt(answer)

    # Properties ------------------------------------------------------------------

    async def _values(self, index: int) -> Property:
        (prop,) = read_values(await self._control(values_command([index])), [index])
        return prop

    async def _read_property(self, name: str) -> Property:
        """Return a property with its value, finding its index the first time."""
        if (index := self._indices.get(name)) is not None:
            prop = await self._values(index)
            if prop.name == name:
                return prop
            self._indices.clear()
        count = read_count(await self._control(count_command()))
        for index in range(min(count, MAX_PROPERTIES)):
            prop = await self._values(index)
            self._indices[prop.name] = index
            if prop.name == name:
                return prop
        raise LocalProtocolError(f"the node has no {name!r} property")

    async def _index(self, name: str) -> int:
        if (index := self._indices.get(name)) is not None:
            return index
        return (await self._read_property(name)).index


def _json_object(value: bytes, name: str) -> dict[str, Any]:
    try:
        data = orjson.loads(value)
    except orjson.JSONDecodeError as err:
        raise LocalProtocolError(f"the node's {name} are not JSON") from err
    if not isinstance(data, dict):
        raise LocalProtocolError(f"the node's {name} are not a JSON object")
    return data
