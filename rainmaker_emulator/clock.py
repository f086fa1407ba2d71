"""The emulator's simulation clock."""

import time


class SimClock:
    """Wall-clock time plus an offset that tests can advance.

    Reading `time.time()` keeps the emulator in step with time-travel fixtures that
    patch it, and `advance()` moves the simulation forward without waiting.
    """

    def __init__(self) -> None:
        """Start at the current wall-clock time."""
        self.offset = 0.0

    def now(self) -> float:
        """Return simulated epoch seconds."""
        return time.time() + self.offset

    def now_ms(self) -> int:
        """Return simulated epoch milliseconds, as the cloud reports timestamps."""
        return int(self.now() * 1000)

    def advance(self, seconds: float) -> float:
        """Move the simulation forward and return the new time."""
        if seconds < 0:
            raise ValueError("the clock only moves forward")
        self.offset += seconds
        return self.now()
