"""The token bucket and Retry-After parsing."""

import asyncio
from email.utils import formatdate
import time

import pytest

from custom_components.esp_rainmaker.api import (
    RainMakerRateLimitError,
    RateLimiter,
    rate_limit,
)
from custom_components.esp_rainmaker.api.rate_limit import (
    MAX_PAUSE,
    backoff_delay,
    parse_retry_after,
)


async def test_burst_then_rate() -> None:
    """The burst passes at once; the rest follows at the refill rate."""
    bucket = RateLimiter(rate=50, burst=5)
    loop = asyncio.get_running_loop()
    start = loop.time()
    for _ in range(5):
        await bucket.acquire()
    assert loop.time() - start < 0.05
    for _ in range(5):
        await bucket.acquire()
    assert loop.time() - start >= 0.09


async def test_pause_stops_everyone_then_eases_back_in() -> None:
    """A pause holds every caller; then one goes at once and the rest at the rate."""
    bucket = RateLimiter(rate=20, burst=20)
    loop = asyncio.get_running_loop()
    bucket.pause(0.1)
    assert 0 < bucket.paused_for <= 0.1
    start = loop.time()
    await bucket.acquire()
    first = loop.time() - start
    await bucket.acquire()
    second = loop.time() - start
    # At once after the pause; the upper bound leaves room for a loaded machine.
    assert 0.1 <= first < 0.3
    assert second - first >= 0.045  # one token per 1/20 s after the pause
    assert bucket.paused_for == 0


async def test_long_wait_raises() -> None:
    """A caller that would wait beyond max_wait gets an error with the wait."""
    bucket = RateLimiter(max_wait=1)
    bucket.pause(60)
    with pytest.raises(RainMakerRateLimitError) as err:
        await bucket.acquire()
    assert err.value.retry_after == pytest.approx(60, abs=1)


async def test_fifo_order() -> None:
    """Waiters are served in arrival order."""
    bucket = RateLimiter(rate=200, burst=1)
    order: list[int] = []

    async def take(number: int) -> None:
        await bucket.acquire()
        order.append(number)

    await asyncio.gather(*(take(n) for n in range(6)))
    assert order == list(range(6))


def test_default_bucket() -> None:
    """By default a client may burst 20 requests, then 10 per second."""
    bucket = RateLimiter()
    assert (bucket.burst, bucket.rate) == (20, 10.0)


def test_invalid_bucket() -> None:
    """Nonsense rates are refused."""
    with pytest.raises(ValueError, match="rate"):
        RateLimiter(rate=0)


def test_backoff_jitter(monkeypatch: pytest.MonkeyPatch) -> None:
    """Back-off doubles per attempt (1 s, 2 s, 4 s) with 50-150 % jitter."""
    monkeypatch.setattr(rate_limit, "BACKOFF_BASE", 1.0)
    for attempt, nominal in ((1, 1), (2, 2), (3, 4)):
        delays = {backoff_delay(attempt) for _ in range(50)}
        assert all(0.5 * nominal <= delay <= 1.5 * nominal for delay in delays)
        assert len(delays) > 1


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (None, None),
        ("", None),
        ("  ", None),
        ("7", 7.0),
        ("-3", 0.0),
        ("1.5", 1.5),
        ("soon", None),
        ("inf", None),
        ("Infinity", None),
        ("nan", None),
        ("1e400", None),
        ("86400", MAX_PAUSE),
        ("901", MAX_PAUSE),
        ("900", 900.0),
    ],
)
def test_retry_after_seconds(header: str | None, expected: float | None) -> None:
    """Seconds are read as numbers, at most 15 minutes; junk and infinities are ignored."""
    assert parse_retry_after(header) == expected


def test_retry_after_dates() -> None:
    """HTTP dates count from now; past dates mean now."""
    future = parse_retry_after(formatdate(time.time() + 30, usegmt=True))
    assert future is not None
    assert 28 <= future <= 31
    assert parse_retry_after("Thu, 01 Jan 2015 00:00:00 GMT") == 0.0
    assert parse_retry_after("Thu, 01 Jan 2015 00:00:00") == 0.0


def test_retry_after_dates_are_bounded_and_judged_by_the_clouds_clock() -> None:
    """A date is counted from the cloud's own `Date`, and never beyond 15 minutes."""
    assert parse_retry_after("Fri, 31 Dec 9999 23:59:59 GMT") == MAX_PAUSE
    # This host's clock is a day behind the cloud: only the cloud's Date tells.
    cloud_now = time.time() + 86400
    retry = formatdate(cloud_now + 120, usegmt=True)
    assert parse_retry_after(retry, date=formatdate(cloud_now, usegmt=True)) == 120
    # An unreadable Date falls back to this host's clock (bounded all the same).
    assert parse_retry_after(retry, date="yesterday") == MAX_PAUSE


async def test_pauses_are_bounded() -> None:
    """No pause, however it is asked for, stops the account for over 15 minutes."""
    bucket = RateLimiter()
    bucket.pause(10**9)
    assert bucket.paused_for == pytest.approx(MAX_PAUSE, abs=1)
    bucket.pause(float("inf"))
    assert bucket.paused_for == pytest.approx(MAX_PAUSE, abs=1)
