"""Errors of ESP Local Control.

Messages never hold the proof of possession or a key, so they are safe to log.
"""

from custom_components.esp_rainmaker.api.exceptions import RainMakerError


class LocalControlError(RainMakerError):
    """Base class of every error of ESP Local Control."""


class LocalUnreachableError(LocalControlError):
    """The node did not answer: nothing listens on its address, or it timed out."""


class LocalAuthError(LocalControlError):
    """The node refused the proof of possession, or could not prove it knows it."""


class LocalRefusedError(LocalControlError):
    """The node refused a request: it closed the connection or answered an error."""


class LocalProtocolError(LocalControlError):
    """The node answered something this client cannot read (garbage, too large)."""


class LocalCommandError(LocalControlError):
    """The node read the command and answered a status other than success."""

    def __init__(self, message: str, status: str) -> None:
        """Keep the protocomm status name (`InvalidArgument`, `InternalError`, ...)."""
        super().__init__(message)
        self.status = status
