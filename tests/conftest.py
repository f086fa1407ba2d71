"""Shared fixtures: an in-process RainMaker emulator on 127.0.0.1 and HA test helpers."""

from collections.abc import AsyncIterator, Awaitable, Callable, Generator, Iterator
from typing import Any
from unittest.mock import PropertyMock, patch

import aiohttp
from freezegun.api import FrozenDateTimeFactory
from homeassistant.const import CONF_PASSWORD, CONF_URL, CONF_USERNAME, Platform
from homeassistant.core import HomeAssistant
import orjson
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from syrupy.assertion import SnapshotAssertion

# Import the integration first, so `custom_components` resolves to this repository
# and not to the test plugin's own testing package.
import custom_components.esp_rainmaker  # noqa: F401
from custom_components.esp_rainmaker import PLATFORMS, diagnostics
from custom_components.esp_rainmaker.api import rate_limit
from custom_components.esp_rainmaker.const import DOMAIN
from rainmaker_emulator import Cloud, EmulatorAdmin, EmulatorServer, Settings

from .leaks import find_leaks
from .snapshot_extension import PortableSnapshotExtension


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(request: pytest.FixtureRequest) -> None:
    """Enable custom integrations in every test that runs Home Assistant."""
    if "hass" in request.fixturenames:
        request.getfixturevalue("enable_custom_integrations")


@pytest.fixture(autouse=True)
def no_backoff(monkeypatch: pytest.MonkeyPatch) -> None:
    """Retry at once instead of after seconds of back-off.

    A zero delay also keeps retries working under a frozen clock, where any real
    sleep would wait for the test to move time.
    """
    monkeypatch.setattr(rate_limit, "BACKOFF_BASE", 0.0)


@pytest.fixture(autouse=True)
def no_secret_in_diagnostics(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> Iterator[None]:
    """Search every diagnostics output of every test for every secret of the cloud.

    Passwords, issued tokens and what devices hold (a Local Control PoP, a Matter
    controller's token): the test fails if one was in an output.
    """
    if "cloud" not in request.fixturenames:
        yield
        return
    cloud: Cloud = request.getfixturevalue("cloud")
    leaks: list[str] = []

    def searched[**P](
        produce: Callable[P, Awaitable[dict[str, Any]]],
    ) -> Callable[P, Awaitable[dict[str, Any]]]:
        async def search(*args: P.args, **kwargs: P.kwargs) -> dict[str, Any]:
            output = await produce(*args, **kwargs)
            text = orjson.dumps(output, default=repr).decode()
            leaks.extend(find_leaks([text], cloud.secrets()))
            return output

        return search

    for name in ("async_get_config_entry_diagnostics", "async_get_device_diagnostics"):
        monkeypatch.setattr(diagnostics, name, searched(getattr(diagnostics, name)))
    yield
    assert leaks == []


@pytest.fixture
def snapshot(snapshot: SnapshotAssertion) -> SnapshotAssertion:
    """Snapshots with Home Assistant's serializer, registry entries made portable."""
    return snapshot.use_extension(PortableSnapshotExtension)


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


FROZEN_AT = "2031-06-01T12:00:00+00:00"
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
    freezer: FrozenDateTimeFactory,
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    platforms: list[Platform],
) -> MockConfigEntry:
    """Set the integration up for the demo account, with time frozen.

    The clock is frozen (at a fixed date, for stable snapshots) before setup, so
    every timer the integration schedules moves with `freezer.tick` (see
    tests.common.tick), as the emulator's clock does.
    """
    freezer.move_to(FROZEN_AT)
    mock_config_entry.add_to_hass(hass)
    with patch("custom_components.esp_rainmaker.PLATFORMS", platforms):
        assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
        await hass.async_block_till_done()
    return mock_config_entry


RW = ["read", "write"]
GENERIC_NODE_ID = "GenericAirConditioner1"
GENERIC_CONFIG = {
    "node_id": GENERIC_NODE_ID,
    "config_version": "2020-03-20",
    "info": {
        "name": "Climate Controller",
        "fw_version": "2.1.0",
        "type": "Air Conditioner",
        "model": "ac-2zone",
    },
    "devices": [
        {
            "name": "AC",
            "type": "esp.device.air-conditioner",
            "primary": "Power",
            "params": [
                {
                    "name": "Name",
                    "type": "esp.param.name",
                    "data_type": "string",
                    "properties": RW,
                },
                {
                    "name": "Power",
                    "type": "esp.param.power",
                    "data_type": "bool",
                    "properties": RW,
                    "ui_type": "esp.ui.toggle",
                },
                {
                    "name": "Mode",
                    "type": "esp.param.ac-mode",
                    "data_type": "string",
                    "properties": RW,
                    "valid_strs": ["Cool", "Heat", "Fan"],
                    "ui_type": "esp.ui.dropdown",
                },
                {
                    "name": "Setpoint",
                    "type": "esp.param.setpoint",
                    "data_type": "float",
                    "properties": RW,
                    "bounds": {"min": 16, "max": 30, "step": 0.5},
                    "ui_type": "esp.ui.slider",
                },
                {
                    "name": "Fan Level",
                    "type": "esp.param.range",
                    "data_type": "int",
                    "properties": RW,
                    "bounds": {"min": 1, "max": 4},
                },
                {
                    "name": "Humidity",
                    "type": "custom.param.humidity",
                    "data_type": "float",
                    "properties": ["read", "time_series"],
                },
                {
                    "name": "Temperature",
                    "type": "esp.param.temperature",
                    "data_type": "float",
                    "properties": ["read"],
                },
                {
                    "name": "Filter Dirty",
                    "type": "custom.param.filter",
                    "data_type": "bool",
                    "properties": ["read"],
                },
                {
                    "name": "Beep",
                    "type": "custom.param.beep",
                    "data_type": "bool",
                    "properties": ["write"],
                },
                {
                    "name": "Self Clean",
                    "type": "custom.param.clean",
                    "data_type": "bool",
                    "properties": RW,
                    "ui_type": "esp.ui.trigger",
                },
                {
                    "name": "Note",
                    "type": "custom.param.note",
                    "data_type": "string",
                    "properties": ["read"],
                },
                {
                    "name": "Wi-Fi Password",
                    "type": "custom.param.wifi",
                    "data_type": "string",
                    "properties": ["read"],
                },
                {
                    "name": "Secret",
                    "type": "custom.param.secret",
                    "data_type": "int",
                    "properties": RW,
                    "ui_type": "esp.ui.hidden",
                    "bounds": {"min": 0, "max": 1},
                },
                {
                    "name": "Zones",
                    "type": "custom.param.zones",
                    "data_type": "object",
                    "properties": RW,
                },
                {
                    "name": "Offset",
                    "type": "custom.param.offset",
                    "data_type": "int",
                    "properties": RW,
                },
            ],
        },
        {
            "name": "Vent",
            "type": "esp.device.fan",
            "primary": "Power",
            "params": [
                {
                    "name": "Name",
                    "type": "esp.param.name",
                    "data_type": "string",
                    "properties": RW,
                },
                {
                    "name": "Power",
                    "type": "esp.param.power",
                    "data_type": "bool",
                    "properties": RW,
                },
                {
                    "name": "Speed",
                    "type": "esp.param.speed",
                    "data_type": "int",
                    "properties": RW,
                    "bounds": {"min": 1, "max": 3, "step": 1},
                },
                {
                    "name": "Swing",
                    "type": "custom.param.swing",
                    "data_type": "bool",
                    "properties": RW,
                },
            ],
        },
    ],
    "services": [
        {
            "name": "System",
            "type": "esp.service.system",
            "params": [
                {
                    "name": "Reboot",
                    "type": "esp.param.reboot",
                    "data_type": "bool",
                    "properties": RW,
                }
            ],
        },
    ],
}
GENERIC_PARAMS = {
    "AC": {
        "Name": "Living Room AC",
        "Power": True,
        "Mode": "Cool",
        "Setpoint": 22.5,
        "Fan Level": 2,
        "Humidity": 48.5,
        "Temperature": 24.1,
        "Filter Dirty": False,
        "Self Clean": False,
        "Note": "ok",
        "Wi-Fi Password": "generic-wifi-pass",
        "Secret": 1,
        "Zones": {},
        "Offset": 0,
    },
    "Vent": {"Name": "Hall Vent", "Power": False, "Speed": 2, "Swing": True},
    "System": {"Reboot": False},
}


@pytest.fixture
def generic_node(cloud: Cloud, demo_user_id: str) -> str:
    """A node of a kind the integration has no profile for, with two devices."""
    return cloud.add_node(
        "raw",
        DEMO_EMAIL,
        node_id=GENERIC_NODE_ID,
        config=GENERIC_CONFIG,
        params=GENERIC_PARAMS,
    ).node_id
