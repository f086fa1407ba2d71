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
        prop = await self._run(lambda security: self._read(security, PARAMS_PROPERTY))
        return _json_object(prop.value, PARAMS_PROPERTY)

    async def get_config(self) -> dict[str, Any]:
        """Return the node's config (devices, services, their params)."""
        prop = await self._run(lambda security: self._read(security, CONFIG_PROPERTY))
        return _json_object(prop.value, CONFIG_PROPERTY)

    async def set_params(self, payload: Mapping[str, Any]) -> None:
        """Write params to the node: {device: {param: value}}, applied at once."""
        value = orjson.dumps(payload)
        if len(set_command(MAX_PROPERTIES, value)) + TAG_SIZE > MAX_REQUEST_SIZE:
            raise LocalRefusedError(
                f"the params are over the {MAX_REQUEST_SIZE} bytes a node accepts"
            )

        async def write(security: Security) -> None:
            index = self._indices.get(PARAMS_PROPERTY)
            if index is None:
                index = (await self._read(security, PARAMS_PROPERTY)).index
            read_set(await self._control(security, set_command(index, value)))

        await self._run(write)

    def close(self) -> None:
        """Forget the session; the next call opens a new one."""
        self._security = None
        self._transport.forget_session()

    # Sessions --------------------------------------------------------------------

    async def _run[T](self, command: Callable[[Security], Awaitable[T]]) -> T:
        """Run `command` in the session, opening it again once if the node dropped it.

        A session that fails is dropped; only one that worked before and was lost
        (refused, or answered nonsense) is opened again, once. A command the node
        refused with a status leaves the session as it is.
        """
        async with self._lock:
            retry = True
            while True:
                fresh = self._security is None
                security = self._security or await self._establish()
                try:
                    return await command(security)
                except LocalCommandError:
                    raise
                except LocalControlError as err:
                    self.close()
                    if fresh or not retry or not isinstance(err, _SESSION_LOST):
                        raise
                    retry = False
                    _LOGGER.debug("Local session with %r lost; opening it again", self)

    async def _establish(self) -> Security:
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
        return security

    async def _handshake(self, body: bytes) -> bytes:
        return await self._transport.post(SESSION_ENDPOINT, body)

    async def _control(self, security: Security, command: bytes) -> bytes:
        answer = await self._transport.post(CONTROL_ENDPOINT, security.encrypt(command))
        return security.decrypt(answer)

    # Properties ------------------------------------------------------------------

    async def _value(self, security: Security, index: int) -> Property:
        answer = await self._control(security, values_command([index]))
        (prop,) = read_values(answer, [index])
        return prop

    async def _read(self, security: Security, name: str) -> Property:
        """Return a property with its value, finding its index the first time."""
        if (index := self._indices.get(name)) is not None:
            prop = await self._value(security, index)
            if prop.name == name:
                return prop
        count = read_count(await self._control(security, count_command()))
        for index in range(min(count, MAX_PROPERTIES)):
            prop = await self._value(security, index)
            self._indices[prop.name] = index
            if prop.name == name:
                return prop
        raise LocalProtocolError(f"the node has no {name!r} property")


def _json_object(value: bytes, name: str) -> dict[str, Any]:
    try:
        data = orjson.loads(value)
    except orjson.JSONDecodeError as err:
        raise LocalProtocolError(f"the node's {name} are not JSON") from err
    if not isinstance(data, dict):
        raise LocalProtocolError(f"the node's {name} are not a JSON object")
    return data
