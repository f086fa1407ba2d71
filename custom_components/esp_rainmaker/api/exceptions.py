"""Exceptions raised by the ESP RainMaker client.

Messages never contain a password or a token, so they are safe to log and to show.
"""

from collections.abc import Mapping
from dataclasses import dataclass


class RainMakerError(Exception):
    """Base class of every error raised by this library."""


class RainMakerAuthenticationError(RainMakerError):
    """The cloud refused the credentials; only the user can fix this."""


class RainMakerMfaRequiredError(RainMakerAuthenticationError):
    """The account needs a one-time code: only the user can sign in again."""


class RainMakerCodeError(RainMakerAuthenticationError):
    """The one-time code is wrong; the same sign-in may be tried again."""


class RainMakerCodeExpiredError(RainMakerAuthenticationError):
    """The sign-in waiting for a code is over (expired or too many wrong codes)."""


class RainMakerConnectionError(RainMakerError):
    """The cloud could not be reached or answered with a server error."""


class RainMakerTimeoutError(RainMakerConnectionError):
    """The cloud did not answer in time."""


class RainMakerRateLimitError(RainMakerError):
    """The cloud throttled the client (HTTP 429) and retrying did not help."""

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        """Store how long the cloud asked to wait, when it said so."""
        super().__init__(message)
        self.retry_after = retry_after


class RainMakerSignInLockedError(RainMakerRateLimitError):
    """The cloud locked sign-in after too many attempts ("attempt limit exceeded")."""


class RainMakerResponseError(RainMakerError):
    """The cloud answered with an error or with a payload this client cannot read."""

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        error_code: int | None = None,
    ) -> None:
        """Keep the HTTP status and the RainMaker error code for callers."""
        super().__init__(message)
        self.status = status
        self.error_code = error_code


class RainMakerValidationError(RainMakerError, ValueError):
    """A write was refused before sending because the node's metadata forbids it."""


@dataclass(frozen=True, slots=True)
class NodeFailure:
    """Why the cloud refused a write to one node."""

    description: str
    error_code: int | None = None


class RainMakerNodeError(RainMakerError):
    """A bulk write failed for some nodes; the others succeeded."""

    def __init__(self, failures: Mapping[str, NodeFailure]) -> None:
        """Name the failed nodes in the message."""
        self.failures = dict(failures)
        details = ", ".join(
            f"{node_id}: {failure.description}"
            + (f" ({failure.error_code})" if failure.error_code is not None else "")
            for node_id, failure in sorted(self.failures.items())
        )
        super().__init__(f"Write failed for {len(self.failures)} node(s): {details}")
