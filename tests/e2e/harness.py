"""The processes of the browser test: the emulator and Home Assistant.

Both run as real subprocesses on free loopback ports, each in its own process
group with its output in a log file, and are stopped with SIGTERM (SIGKILL after a
grace period).
"""

import asyncio
from dataclasses import dataclass
import os
from pathlib import Path
import signal
import socket
import subprocess
import sys
import time
from typing import IO, Self

from scripts import ha_bootstrap, ha_http

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "artifacts" / "e2e"
# The README's screenshots are refreshed only on request, so a test run leaves the
# work tree clean: E2E_UPDATE_SCREENSHOTS=1 scripts/e2e
SCREENSHOTS = (
    ROOT / "docs" / "screenshots"
    if os.environ.get("E2E_UPDATE_SCREENSHOTS")
    else ARTIFACTS / "screenshots"
)

CHROMIUM = Path(os.environ.get("E2E_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
]

# Only what the UI needs: no default_config, so nothing tries to reach the internet
# (cloud, alerts, discovery), and Home Assistant runs with --skip-pip.
HA_CONFIGURATION = """\
frontend:
config:
logger:
  default: warning
  logs:
    custom_components.esp_rainmaker: debug
"""


# Onboarding's core-config step sets up online services when their packages are
# installed (Home Assistant without --skip-pip installs them, e.g. scripts/develop
# into the same .venv). The test instance replaces them with empty integrations
# that have no config flow, so onboarding cannot add them and nothing goes online.
ONLINE_ONBOARDING_INTEGRATIONS = ha_bootstrap.ONLINE_ONBOARDING_INTEGRATIONS
STUB_MANIFEST = """\
{{"domain": "{domain}", "name": "{domain} (disabled in the E2E test)",
 "codeowners": [], "documentation": "https://example.invalid",
 "requirements": [], "version": "0.0.0"}}
"""


def free_port() -> int:
    """Return a loopback port that is free right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Process:
    """A child process in its own process group, its output in a log file."""

    name: str
    popen: subprocess.Popen[bytes]
    log_path: Path
    log: IO[bytes]

    @classmethod
    def start(cls, name: str, args: list[str], log_path: Path) -> Self:
        """Start the process in the repository; stdout and stderr go to `log_path`.

        No PYTHONPATH: Home Assistant must find the integration through its config
        directory's custom_components/, not through the repository root.
        """
        log = log_path.open("wb")
        env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
        popen = subprocess.Popen(  # noqa: S603 - our own fixed command lines
            args,
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env=env,
            start_new_session=True,
        )
        return cls(name, popen, log_path, log)

    def output(self) -> str:
        """The process's output so far."""
        self.log.flush()
        return self.log_path.read_text(errors="replace")

    def check_alive(self) -> None:
        """Raise with the end of the output when the process has exited."""
        if self.popen.poll() is not None:
            raise RuntimeError(
                f"{self.name} exited with {self.popen.returncode}:\n"
                f"{self.output()[-5000:]}"
            )

    def stop(self, grace: float = 30) -> None:
        """SIGTERM the process group; SIGKILL it after `grace` seconds."""
        if self.popen.poll() is None:
            os.killpg(self.popen.pid, signal.SIGTERM)
            try:
                self.popen.wait(grace)
            except subprocess.TimeoutExpired:
                os.killpg(self.popen.pid, signal.SIGKILL)
                self.popen.wait()
        self.log.close()


@dataclass
class Emulator:
    """The running emulator."""

    url: str
    process: Process

    @classmethod
    def start(cls, work_dir: Path) -> Self:
        """Start it with the demo account on a free port; return once it listens."""
        process = Process.start(
            "the emulator",
            [
                sys.executable,
                "-m",
                "rainmaker_emulator",
                "--host",
                "127.0.0.1",
                "--port",
                "0",
                "--demo",
                "--seed",
                "1",
            ],
            work_dir / "emulator.log",
        )
        try:
            return cls(_listening_url(process), process)
        except BaseException:
            process.stop()
            raise


def _listening_url(process: Process, within: float = 30) -> str:
    """Wait for the emulator's "listening on URL" line; return the URL."""
    prefix = "RainMaker emulator listening on "
    deadline = time.monotonic() + within
    while True:
        for line in process.output().splitlines():
            if line.startswith(prefix):
                return line.removeprefix(prefix).strip()
        process.check_alive()
        if time.monotonic() > deadline:
            raise RuntimeError(f"the emulator did not start:\n{process.output()}")
        time.sleep(0.1)


@dataclass
class HomeAssistant:
    """A running Home Assistant, onboarded, without the integration set up."""

    url: str
    config_dir: Path
    process: Process

    @classmethod
    def start(cls, work_dir: Path) -> Self:
        """Start a fresh instance on a free port and complete onboarding."""
        config_dir = work_dir / "config"
        (config_dir / "custom_components").mkdir(parents=True)
        (config_dir / "custom_components" / "esp_rainmaker").symlink_to(
            ROOT / "custom_components" / "esp_rainmaker", target_is_directory=True
        )
        for domain in ONLINE_ONBOARDING_INTEGRATIONS:
            stub = config_dir / "custom_components" / domain
            stub.mkdir()
            (stub / "manifest.json").write_text(STUB_MANIFEST.format(domain=domain))
            (stub / "__init__.py").write_text('"""Disabled in the E2E test."""\n')
        port = free_port()
        (config_dir / "configuration.yaml").write_text(
            HA_CONFIGURATION + ha_http.configure_http(config_dir, "127.0.0.1", port)
        )
        process = Process.start(
            "Home Assistant",
            [
                str(Path(sys.executable).with_name("hass")),
                "--config",
                str(config_dir),
                "--skip-pip",
            ],
            work_dir / "hass.log",
        )
        instance = cls(f"http://127.0.0.1:{port}", config_dir, process)
        try:
            asyncio.run(instance.onboard())
        except BaseException:
            process.stop()
            raise
        return instance

    async def onboard(self) -> None:
        """Wait until the frontend is served, then complete onboarding."""
        async with ha_bootstrap.new_session() as session:
            client = ha_bootstrap.HomeAssistantClient(session, self.url)

            async def serves_frontend() -> bool | None:
                self.process.check_alive()
                async with session.get(f"{self.url}/manifest.json") as response:
                    return response.status == 200 or None

            await ha_bootstrap.wait_for(
                serves_frontend, within=180, what="Home Assistant to serve the frontend"
            )
            await client.onboard(
                username=ha_bootstrap.HA_USERNAME, password=ha_bootstrap.HA_PASSWORD
            )
