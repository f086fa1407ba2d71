"""Client-side rate limiting: one limiter per account, shared by polls and commands.

The limiter is a token bucket. Its units are called credits here, so they are not
mistaken for the session's (auth) tokens.
"""

import asyncio
from datetime import UTC
from email.utils import parsedate_to_datetime
import math
import random
import time

from .exceptions import RainMakerRateLimitError

DEFAULT_RATE = 10.0
DEFAULT_BURST = 20
DEFAULT_MAX_WAIT = 30.0
BACKOFF_BASE = 1.0
CREDIT_EPSILON = 1e-3
# The longest the cloud may stop an account's requests: a Retry-After of a day (or
# a date in year 9999) must not leave the integration dead until a restart.
MAX_PAUSE = 900.0


class RateLimiter:
    """A FIFO token bucket (of credits) that the cloud can pause with a 429.

    Waiters are served in arrival order. A pause (from `Retry-After` or a back-off)
    stops every request of the client, not only the one that was throttled, and the
    bucket restarts with a single credit afterwards: the retry goes out when the cloud
    said it may, and the client eases back in at `rate` after that.
    A caller that would have to wait longer than `max_wait` gets a
    `RainMakerRateLimitError` at once instead of a hanging request.
    """

    def __init__(
        self,
        rate: float = DEFAULT_RATE,
        burst: int = DEFAULT_BURST,
        *,
        max_wait: float = DEFAULT_MAX_WAIT,
    ) -> None:
        """Start full."""
        if rate <= 0 or burst < 1:
            raise ValueError("rate must be positive and burst at least 1")
        self.rate = rate
        self.burst = burst
        self.max_wait = max_wait
        self._credits = float(burst)
        self._updated: float | None = None
        self._paused_until = 0.0
        self._lock = asyncio.Lock()

    @staticmethod
    def _now() -> float:
        return asyncio.get_running_loop().time()

    def _refill(self, now: float) -> None:
        if self._updated is None:
            self._updated = now
        elapsed = now - self._updated
        if elapsed > 0:
            self._credits = min(float(self.burst), self._credits + elapsed * self.rate)
            self._updated = now

    @property
    def paused_for(self) -> float:
        """Seconds left of the current pause (0 when not paused)."""
        return max(0.0, self._paused_until - self._now())

    async def acquire(self) -> None:
        """Wait for a credit."""
        async with self._lock:
            while True:
                now = self._now()
                wait = self._paused_until - now
                if wait <= 0:
                    self._refill(now)
                    # Tolerate float rounding: at epoch-sized clock values a refill can
                    # land a hair below a whole credit, and waiting 1e-7 s helps nobody.
                    if self._credits >= 1 - CREDIT_EPSILON:
                        self._credits = max(0.0, self._credits - 1)
                        return
                    wait = (1 - self._credits) / self.rate
                if wait > self.max_wait:
                    raise RainMakerRateLimitError(
                        f"Rate limited by the cloud for another {wait:.0f} s",
                        retry_after=wait,
                    )
                await asyncio.sleep(wait)

    def pause(self, seconds: float) -> None:
        """Stop all requests for `seconds` (at most MAX_PAUSE), then restart with one credit."""
        now = self._now()
        wait = 0.0 if math.isnan(seconds) else min(max(0.0, seconds), MAX_PAUSE)
        until = now + wait
        self._paused_until = max(self._paused_until, until)
        self._credits = 1.0
        self._updated = self._paused_until


def backoff_delay(attempt: int) -> float:
    """Back-off before retry number `attempt` (1-based): 1 s, 2 s, 4 s, ±50 % jitter."""
    return float(BACKOFF_BASE * 2.0 ** (attempt - 1) * random.uniform(0.5, 1.5))


def http_date(value: str) -> float | None:
    """Return an HTTP date as epoch seconds (UTC when it names no zone), or None."""
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return when.timestamp()


def parse_retry_after(value: str | None, *, date: str | None = None) -> float | None:
    """Return the wait a Retry-After header asks for, in seconds, at most MAX_PAUSE.

    The header holds seconds or an HTTP date. A date is judged against the cloud's
    own clock, its `Date` header, when it sent one: this host's clock may be off.
    Junk and non-finite numbers give None (the caller backs off as usual).
    """
    if value is None or not (value := value.strip()):
        return None
    try:
        seconds = float(value)
    except ValueError:
        until = http_date(value)
        if until is None:
            return None
        now = http_date(date) if date else None
        seconds = until - (now if now is not None else time.time())
    if not math.isfinite(seconds):
        return None
    return min(max(0.0, seconds), MAX_PAUSE)
