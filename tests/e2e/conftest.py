"""Fixtures of the browser test: processes, Playwright's chromium, the admin API.

Run through `scripts/e2e`, which installs the frontend, Playwright and Debian's
chromium first. Playwright never downloads a browser: it drives /usr/bin/chromium,
and every request of the page to anything but 127.0.0.1 is refused.
"""

from collections.abc import Generator, Iterator
from pathlib import Path
import shutil
import tempfile
from urllib.parse import urlsplit

from playwright.sync_api import (
    APIRequestContext,
    Page,
    Playwright,
    Route,
    expect,
    sync_playwright,
)
import pytest
import pytest_socket  # type: ignore[import-untyped]

from .harness import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, Emulator, HomeAssistant

TIMEOUT_MS = 30_000
FAILED = pytest.StashKey[bool]()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """Let fixtures know whether the test failed (for the failure screenshot)."""
    report = yield
    if report.when == "call":
        item.stash[FAILED] = report.failed
    return report


def _allow_sockets() -> None:
    """Undo the Home Assistant test plugin, which blocks sockets before each test.

    This test talks to real processes over loopback TCP.
    """
    pytest_socket.enable_socket()


@pytest.fixture(autouse=True)
def allow_sockets() -> None:
    """Allow sockets in every test (session fixtures allow them when first set up)."""
    _allow_sockets()


@pytest.fixture(scope="session")
def work_dir() -> Iterator[Path]:
    """A temporary directory; the logs end up in artifacts/e2e/."""
    _allow_sockets()
    path = Path(tempfile.mkdtemp(prefix="esp-rainmaker-e2e-"))
    yield path
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for log in path.glob("*.log"):
        shutil.copy(log, ARTIFACTS / log.name)
    shutil.rmtree(path, ignore_errors=True)


@pytest.fixture(scope="session")
def emulator(work_dir: Path) -> Iterator[Emulator]:
    """The RainMaker emulator with the demo account."""
    emulator = Emulator.start(work_dir)
    yield emulator
    emulator.process.stop()


@pytest.fixture(scope="session")
def home_assistant(work_dir: Path) -> Iterator[HomeAssistant]:
    """A fresh, onboarded Home Assistant."""
    instance = HomeAssistant.start(work_dir)
    yield instance
    instance.process.stop()


@pytest.fixture
def playwright() -> Iterator[Playwright]:
    """Playwright's driver, started and stopped within each test.

    Its event loop counts as running while it is started, so it must be stopped
    before the Home Assistant test plugin's per-test event loop is torn down.
    """
    with sync_playwright() as driver:
        yield driver


@pytest.fixture
def admin(playwright: Playwright, emulator: Emulator) -> Iterator[APIRequestContext]:
    """HTTP requests to the emulator (its admin API is under /_emulator/)."""
    context = playwright.request.new_context(base_url=emulator.url)
    yield context
    context.dispose()


def _only_loopback(route: Route) -> None:
    """Let the page reach this machine only (no brand icons from the internet)."""
    if urlsplit(route.request.url).hostname == "127.0.0.1":
        route.continue_()
    else:
        route.abort("blockedbyclient")


@pytest.fixture
def page(
    request: pytest.FixtureRequest, playwright: Playwright, tmp_path: Path
) -> Iterator[Page]:
    """A page of a fresh headless chromium (its own empty profile)."""
    if not CHROMIUM.exists():
        pytest.fail(
            f"{CHROMIUM} is missing: run scripts/e2e, or apt-get install chromium"
        )
    context = playwright.chromium.launch_persistent_context(
        tmp_path / "chromium-profile",
        executable_path=CHROMIUM,
        args=CHROMIUM_ARGS,
        headless=True,
        viewport={"width": 1280, "height": 800},
        locale="en-US",
        timezone_id="UTC",
    )
    context.set_default_timeout(TIMEOUT_MS)
    expect.set_options(timeout=TIMEOUT_MS)
    context.route("**/*", _only_loopback)
    page = context.pages[0] if context.pages else context.new_page()
    yield page
    if request.node.stash.get(FAILED, False):
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=ARTIFACTS / f"{request.node.name}.png", full_page=True)
    context.close()
