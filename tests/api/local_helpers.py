"""Helpers of the ESP Local Control tests: a client for a node the emulator serves."""

import aiohttp

from custom_components.esp_rainmaker.api.local import (
    LocalControlClient,
    LocalCredentials,
    SecurityScheme,
)
from rainmaker_emulator.local_control import LocalAccess


def local_client(
    session: aiohttp.ClientSession,
    access: LocalAccess,
    *,
    pop: str | None = None,
    scheme: int | None = None,
    timeout: float = 5.0,
    max_answer_size: int = 256 * 1024,
) -> LocalControlClient:
    """Return a client with the node's credentials, or with the ones given."""
    credentials = LocalCredentials(
        SecurityScheme(access.scheme if scheme is None else scheme),
        access.pop if pop is None else pop,
        access.username,
    )
    return LocalControlClient(
        session,
        access.host,
        access.port,
        credentials,
        timeout=timeout,
        max_answer_size=max_answer_size,
    )
