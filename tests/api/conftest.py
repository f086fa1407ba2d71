"""Fixtures for the client library tests: an account on the emulator and a client for it."""

from collections.abc import AsyncIterator

import aiohttp
import pytest

from custom_components.esp_rainmaker.api import RainMakerClient, TokenSet
from rainmaker_emulator import Cloud, EmulatorServer

EMAIL = "user@example.com"
PASSWORD = "correct-horse-42"


@pytest.fixture
def account(cloud: Cloud) -> str:
    """An account with no nodes; returns its user id."""
    return cloud.add_account(EMAIL, PASSWORD).user_id


@pytest.fixture
def token_log() -> list[TokenSet]:
    """Every token set the client reported."""
    return []


@pytest.fixture
async def client(
    emulator: EmulatorServer,
    session: aiohttp.ClientSession,
    account: str,
    token_log: list[TokenSet],
) -> AsyncIterator[RainMakerClient]:
    """A client for the account, on the shared session."""
    client = RainMakerClient(
        emulator.url,
        EMAIL,
        PASSWORD,
        session=session,
        on_tokens=token_log.append,
        request_timeout=2.0,
    )
    yield client
    await client.close()
