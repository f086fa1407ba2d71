"""Shared fixtures: an in-process RainMaker emulator on 127.0.0.1 and HA test helpers."""

from collections.abc import AsyncIterator, Generator
from unittest.mock import PropertyMock, patch

import aiohttp
from homeassistant.const import CONF_PASSWORD, CONF_URL, CONF_USERNAME, Platform
from homeassistant.core import HomeAssistant
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

# Import the integration first, so `custom_components` resolves to this repository
# and not to the test plugin's own testing package.
import custom_components.esp_rainmaker  # noqa: F401
from custom_components.esp_rainmaker import PLATFORMS
from custom_components.esp_rainmaker.api import rate_limit
from custom_components.esp_rainmaker.const import DOMAIN
from rainmaker_emulator import Cloud, EmulatorAdmin, EmulatorServer, Settings


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(request: pytest.FixtureRequest) -> None:
    """Enable custom integrations in every test that runs Home Assistant."""
    if "hass" in request.fixturenames:
        request.getfixturevalue("enable_custom_integrations")


@pytest.fixture(autouse=True)
def fast_backoff(monkeypatch: pytest.MonkeyPatch) -> None:
    """Shrink retry back-offs from seconds to milliseconds."""
    monkeypatch.setattr(rate_limit, "BACKOFF_BASE", 0.001)


@pytest.fixture
def entity_registry_enabled_by_default() -> Generator[None]:
    """Enable every entity, also those disabled by default."""
    with patch(
        "homeassistant.helpers.entity.Entity.entity_registry_enabled_default",
        new_callable=PropertyMock,
        return_value=True,
    ):
        yield


@pytest.fixture
def cloud() -> Cloud:
    """An empty emulated cloud with instant device updates."""
    return Cloud(seed=20261122, settings=Settings(apply_delay=0.0))


@pytest.fixture
async def emulator(socket_enabled: None, cloud: Cloud) -> AsyncIterator[EmulatorServer]:
    """The emulator serving `cloud` on an ephemeral loopback port."""
    async with EmulatorServer(cloud) as server:
        yield server


@pytest.fixture
async def session(socket_enabled: None) -> AsyncIterator[aiohttp.ClientSession]:
    """A plain HTTP session for clients and the admin API."""
    async with aiohttp.ClientSession() as client_session:
        yield client_session


@pytest.fixture
async def admin(
    emulator: EmulatorServer, session: aiohttp.ClientSession
) -> EmulatorAdmin:
    """The emulator's admin API."""
    return EmulatorAdmin(session, emulator.url)


DEMO_EMAIL = "demo@example.com"
DEMO_PASSWORD = "demo-pass-1234"


@pytest.fixture
def demo_user_id(cloud: Cloud) -> str:
    """The demo account: two LIV hubs and one device of each standard kind."""
    return cloud.seed_demo().user_id


@pytest.fixture
def mock_config_entry(emulator: EmulatorServer, demo_user_id: str) -> MockConfigEntry:
    """A config entry for the demo account on the emulator."""
    return MockConfigEntry(
        domain=DOMAIN,
        title=DEMO_EMAIL,
        unique_id=demo_user_id,
        data={
            CONF_URL: emulator.url,
            CONF_USERNAME: DEMO_EMAIL,
            CONF_PASSWORD: DEMO_PASSWORD,
        },
    )


@pytest.fixture
def platforms() -> list[Platform]:
    """The platforms to set up (all by default)."""
    return PLATFORMS


@pytest.fixture
async def init_integration(
    hass: HomeAssistant, mock_config_entry: MockConfigEntry, platforms: list[Platform]
) -> MockConfigEntry:
    """Set the integration up for the demo account."""
    mock_config_entry.add_to_hass(hass)
    with patch("custom_components.esp_rainmaker.PLATFORMS", platforms):
        assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
        await hass.async_block_till_done()
    return mock_config_entry
