"""What every reliability scenario must keep true, whatever the fault."""

from collections.abc import Iterable
import logging
import os

import pytest

from rainmaker_emulator import EmulatorAdmin

OURS = "custom_components.esp_rainmaker"
SETUP_REPORTS = os.path.join("homeassistant", "config_entries.py")
BUCKET_RATE = 10.0
BUCKET_BURST = 20


def assert_within_bucket(
    arrivals: Iterable[float], rate: float = BUCKET_RATE, burst: int = BUCKET_BURST
) -> None:
    """Replay request arrival times through the token bucket the client promises."""
    tokens = float(burst)
    last: float | None = None
    for number, arrival in enumerate(sorted(arrivals)):
        if last is not None:
            tokens = min(float(burst), tokens + (arrival - last) * rate)
        last = arrival
        tokens -= 1
        # A small allowance for clock granularity between client and emulator.
        assert tokens >= -0.5, f"request {number} at {arrival:.3f} exceeds the bucket"


async def assert_request_rate(admin: EmulatorAdmin) -> None:
    """The emulator saw no more than the bucket allows."""
    assert_within_bucket(await admin.arrivals())


def our_records(
    caplog: pytest.LogCaptureFixture, level: int = logging.INFO
) -> list[logging.LogRecord]:
    """Records of the integration (and its library) at `level` or above.

    Newer Home Assistant releases log an entry's set-up retries with the
    integration's logger; those are Home Assistant's own reports, not ours.
    """
    return [
        r
        for r in caplog.records
        if r.name.startswith(OURS)
        and r.levelno >= level
        and not r.pathname.endswith(SETUP_REPORTS)
    ]


def assert_clean_log(caplog: pytest.LogCaptureFixture, *, transitions: int) -> None:
    """No traceback anywhere; at most one line per unavailable/available transition."""
    assert "Traceback" not in caplog.text
    assert not [r for r in caplog.records if r.exc_info and r.name.startswith(OURS)]
    assert len(our_records(caplog)) <= transitions, [
        r.getMessage() for r in our_records(caplog)
    ]


def open_sockets() -> int:
    """Count this process's open sockets."""
    fds = os.listdir("/proc/self/fd")
    return sum(
        1
        for fd in fds
        if os.path.exists(f"/proc/self/fd/{fd}")
        and os.readlink(f"/proc/self/fd/{fd}").startswith("socket:")
    )
