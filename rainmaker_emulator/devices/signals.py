"""Deterministic functions of simulated time that devices report.

Every one depends only on its arguments, so a device computes what it reports at
any moment without stepping through the time in between, and two emulators at the
same simulated time report the same values.
"""

import math

DAY = 86400.0
# The ripple of `wander` runs this much faster than its main wave.
RIPPLE_SPEED = 4.3


def wave(now: float, period: float, phase: float = 0.0) -> float:
    """Return a sine of `period` seconds shifted by `phase` (a fraction of a period), -1..1."""
    return math.sin(2 * math.pi * (now / period + phase))


def wave_integral(start: float, end: float, period: float, phase: float = 0.0) -> float:
    """Return the integral of `wave(t, period, phase)` over `start`..`end`."""
    angle = 2 * math.pi / period
    return (
        math.cos(2 * math.pi * (start / period + phase))
        - math.cos(2 * math.pi * (end / period + phase))
    ) / angle


def wander(
    now: float, low: float, high: float, period: float, phase: float = 0.0
) -> float:
    """Return a value that wanders within `low`..`high`: a slow wave with a faster ripple."""
    mix = 0.7 * wave(now, period, phase) + 0.3 * wave(
        now, period / RIPPLE_SPEED, 2 * phase
    )
    return low + (high - low) * (mix + 1) / 2


def duty_cycle(now: float, period: float, on_for: float, phase: float = 0.0) -> bool:
    """Whether a signal that is on for `on_for` seconds of every `period` is on now."""
    return (now + phase * period) % period < on_for


def daylight(now: float, peak: float) -> float:
    """Return the light of the day (UTC): dark from 18:00 to 06:00, `peak` at noon."""
    return peak * max(0.0, wave(now, DAY, -0.25))


def approach(
    value: float, target: float, rate: float, seconds: float
) -> tuple[float, float]:
    """Move `value` toward `target` at `rate` per second for `seconds`.

    Return the value reached and the seconds left over once it reached the target
    (0 if it did not).
    """
    needed = abs(target - value) / rate
    if needed <= seconds:
        return target, seconds - needed
    return value + math.copysign(rate * seconds, target - value), 0.0
