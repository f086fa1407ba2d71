"""Helpers to talk raw HTTP to the emulator."""

from typing import Any

import aiohttp
from freezegun.api import FrozenDateTimeFactory
import pytest

from rainmaker_emulator import Cloud, EmulatorServer, Endpoint

EMAIL = "owner@example.com"
PASSWORD = "owner-pass-123"
NOON = "2031-06-01T12:00:00+00:00"


class Raw:
    """A bare HTTP caller that logs in once and sends the raw access token."""

    def __init__(self, session: aiohttp.ClientSession, url: str) -> None:
        self.session = session
        self.url = url
        self.token: str | None = None

    async def login(
        self, email: str = EMAIL, password: str = PASSWORD
    ) -> dict[str, Any]:
        status, body = await self.call(
            "POST",
            Endpoint.LOGIN.path,
            json={"user_name": email, "password": password},
            auth=False,
        )
        assert status == 200, body
        self.token = body["accesstoken"]
        return body

    async def call(
        self,
        method: str,
        path: str,
        *,
        auth: bool = True,
        headers: dict[str, str] | None = None,
        **kwargs: Any,
    ) -> tuple[int, Any]:
        merged = dict(headers or {})
        if auth and self.token is not None:
            merged.setdefault("Authorization", self.token)
        async with self.session.request(
            method, self.url + path, headers=merged, **kwargs
        ) as response:
            return response.status, await response.json(content_type=None)


@pytest.fixture
def owner(cloud: Cloud) -> str:
    """The owner account."""
    return cloud.add_account(EMAIL, PASSWORD).email


@pytest.fixture
async def raw(
    emulator: EmulatorServer, session: aiohttp.ClientSession, owner: str
) -> Raw:
    """A logged-in raw caller."""
    caller = Raw(session, emulator.url)
    await caller.login()
    return caller


@pytest.fixture
def still_cloud(cloud: Cloud, freezer: FrozenDateTimeFactory) -> Cloud:
    """`cloud` with the wall clock stopped at noon (UTC): only `clock.advance` moves it.

    Create nodes after asking for it: a node created earlier would live through the
    jump to the frozen date.
    """
    freezer.move_to(NOON)
    return cloud


def write(cloud: Cloud, node_id: str, device: str, params: dict[str, Any]) -> None:
    """Write to one device as the API would: the cloud checks, then queues the write."""
    node = cloud.node(node_id)
    assert node.check_write({device: params}) is None
    node.accept_write({device: params}, cloud.clock.now())


def reported(cloud: Cloud, node_id: str, device: str) -> dict[str, Any]:
    """Return a copy of one device's reported params, simulated up to now."""
    return dict(cloud.node(node_id).reported[device])


def after(cloud: Cloud, seconds: float, node_id: str, device: str) -> dict[str, Any]:
    """Advance the clock, then return one device's reported params."""
    cloud.clock.advance(seconds)
    return reported(cloud, node_id, device)
