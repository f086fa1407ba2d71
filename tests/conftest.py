"""Shared fixtures: an in-process RainMaker emulator on 127.0.0.1 and HA test helpers."""

from collections.abc import AsyncIterator, Awaitable, Callable, Generator, Iterator
from pathlib import Path
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
from custom_components.esp_rainmaker import PLATFORMS, diagnostics, firmware
from custom_components.esp_rainmaker.api import rate_limit
from custom_components.esp_rainmaker.const import DOMAIN
from rainmaker_emulator import (
    DEMO_EMAIL,
    DEMO_PASSWORD,
    Cloud,
    EmulatorAdmin,
    EmulatorServer,
    Settings,
)

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
# The time zone pytest-homeassistant-custom-component gives Home Assistant.
TEST_TIME_ZONE = "US/Pacific"
TEST_TZ_POSIX = "PST8PDT,M3.2.0,M11.1.0"


@pytest.fixture
def demo_user_id(cloud: Cloud) -> str:
    """The demo account: two LIV hubs and one device of each standard kind.

    Without the demo's node group: newer releases put a device's area into the ids
    of its entities, which would then differ between the test legs (the groups'
    areas are tested in test_groups.py). The app's schedule is kept but disabled,
    so that a hub changes only when a test says so. The devices keep time in the
    test harness's zone, as an app sets it from the phone's (test_time_zones.py
    tests nodes in another).
    """
    account = cloud.seed_demo()
    cloud.groups.drop_owner(account.email)
    for node_id in account.node_ids:
        reported = cloud.nodes[node_id].reported
        for schedule in reported.get("Schedule", {}).get("Schedules", []):
            schedule["enabled"] = False
        if "Time" in reported:
            reported["Time"] |= {"TZ": TEST_TIME_ZONE, "TZ-POSIX": TEST_TZ_POSIX}
    return account.user_id


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
def firmware_checks_later(monkeypatch: pytest.MonkeyPatch) -> None:
    """Put the first firmware check a week after start-up.

    For tests that count the requests of polls and commands exactly: the checks
    (one request per node, hours apart) are counted in test_update.py.
    """
    monkeypatch.setattr(firmware, "FIRMWARE_FIRST_CHECK", 7 * 24 * 3600.0)


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


# Demo kinds whose readings change on their own with the clock.
CLOCK_DRIVEN_KINDS = frozenset(
    {
        "temperature-sensor",
        "thermostat",
        "air-conditioner",
        "humidity-sensor",
        "contact-sensor",
        "motion-sensor",
        "energy-meter",
        "air-quality",
    }
)


@pytest.fixture
def quiet_demo(cloud: Cloud, demo_user_id: str) -> None:
    """The demo account without the devices whose readings change by themselves.

    For tests that count what a poll changes: there, only what the test changes
    may change.
    """
    for node_id, node in list(cloud.nodes.items()):
        if node.kind.kind in CLOCK_DRIVEN_KINDS:
            cloud.remove_node(node_id)


FIXTURES = Path(__file__).parent / "fixtures"
GENERIC_NODE_ID = "GenericAirConditioner1"


def load_json_fixture(name: str) -> Any:
    """Return the JSON document `tests/fixtures/<name>`."""
    return orjson.loads((FIXTURES / name).read_bytes())


@pytest.fixture
def generic_node(cloud: Cloud, demo_user_id: str) -> str:
    """A node of a kind the integration has no profile for, with two devices."""
    return cloud.add_node(
        "raw",
        DEMO_EMAIL,
        node_id=GENERIC_NODE_ID,
        config=load_json_fixture("generic_node_config.json"),
        params=load_json_fixture("generic_node_params.json"),
    ).node_id
