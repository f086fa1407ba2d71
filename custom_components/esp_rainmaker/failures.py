"""How a failed poll is reported: the translated reason, and when to poll again."""

import math

from homeassistant.helpers.update_coordinator import UpdateFailed

from .api import RainMakerError, RainMakerRateLimitError
from .const import DOMAIN


def update_failed(
    err: RainMakerError, paused_for: float, interval: float
) -> UpdateFailed:
    """Return the UpdateFailed of a poll the cloud failed (`interval`: the poll's).

    When the cloud throttles, it says how long the account's requests wait
    (`paused_for`: the rate limiter's pause).
    """
    if not isinstance(err, RainMakerRateLimitError):
        return UpdateFailed(
            translation_domain=DOMAIN,
            translation_key="cloud_unavailable",
            translation_placeholders={"error": str(err)},
        )
    wait = max(err.retry_after or 0.0, paused_for)
    failed = UpdateFailed(
        translation_domain=DOMAIN,
        translation_key="rate_limited",
        translation_placeholders={"seconds": str(math.ceil(wait))},
    )
    # Newer releases then poll again when the pause ends (older ones ignore it).
    failed.retry_after = wait if wait > interval else None
    return failed
