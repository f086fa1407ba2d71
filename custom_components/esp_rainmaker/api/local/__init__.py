"""ESP Local Control: a node's params and config over the LAN, without the cloud.

A node whose firmware enables it advertises `_esp_local_ctrl._tcp` over mDNS
(its TXT record names the `node_id`) and serves protocomm over HTTP; its cloud
config names the security scheme and the proof of possession. No Home Assistant
import here: an `aiohttp.ClientSession` is injected.
"""

from .client import LocalControlClient
from .errors import (
    LocalAuthError,
    LocalCommandError,
    LocalControlError,
    LocalProtocolError,
    LocalRefusedError,
    LocalUnreachableError,
)
from .schemes import LocalCredentials
from .secure_session import SecurityScheme
from .security2 import DEFAULT_USERNAME
from .version import LocalVersion

__all__ = [
    "DEFAULT_USERNAME",
    "LocalAuthError",
    "LocalCommandError",
    "LocalControlClient",
    "LocalControlError",
    "LocalCredentials",
    "LocalProtocolError",
    "LocalRefusedError",
    "LocalUnreachableError",
    "LocalVersion",
    "SecurityScheme",
]
