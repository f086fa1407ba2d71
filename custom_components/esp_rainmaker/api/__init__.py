"""Async client for the ESP RainMaker user REST API.

A standalone library: it imports nothing from Home Assistant, takes an injected
`aiohttp.ClientSession`, and ships `py.typed`.
"""

from .auth import CodeChallenge
from .client import ParamWrites, RainMakerClient, WritePolicy
from .clouds import (
    ESPRESSIF_CHINA_URL,
    ESPRESSIF_GLOBAL_URL,
    KNOWN_CLOUDS,
    THERMACELL_URL,
)
from .exceptions import (
    NodeFailure,
    RainMakerAuthenticationError,
    RainMakerCodeError,
    RainMakerCodeExpiredError,
    RainMakerConnectionError,
    RainMakerError,
    RainMakerMfaRequiredError,
    RainMakerNodeError,
    RainMakerRateLimitError,
    RainMakerResponseError,
    RainMakerSignInLockedError,
    RainMakerTimeoutError,
    RainMakerValidationError,
)
from .groups import NodeGroup
from .listing import NodeListing
from .models import Bounds, DeviceSpec, Node, NodeConfig, NodeInfo, ParamSpec
from .ota import OtaJobState, OtaProgress, OtaUpdate
from .parser import NodeParser
from .rate_limit import RateLimiter
from .tokens import TokenSet, decode_jwt_claims
from .urls import normalize_base_url
from .values import exact_key, number

__all__ = [
    "ESPRESSIF_CHINA_URL",
    "ESPRESSIF_GLOBAL_URL",
    "KNOWN_CLOUDS",
    "THERMACELL_URL",
    "Bounds",
    "CodeChallenge",
    "DeviceSpec",
    "Node",
    "NodeConfig",
    "NodeFailure",
    "NodeGroup",
    "NodeInfo",
    "NodeListing",
    "NodeParser",
    "OtaJobState",
    "OtaProgress",
    "OtaUpdate",
    "ParamSpec",
    "ParamWrites",
    "RainMakerAuthenticationError",
    "RainMakerClient",
    "RainMakerCodeError",
    "RainMakerCodeExpiredError",
    "RainMakerConnectionError",
    "RainMakerError",
    "RainMakerMfaRequiredError",
    "RainMakerNodeError",
    "RainMakerRateLimitError",
    "RainMakerResponseError",
    "RainMakerSignInLockedError",
    "RainMakerTimeoutError",
    "RainMakerValidationError",
    "RateLimiter",
    "TokenSet",
    "WritePolicy",
    "decode_jwt_claims",
    "exact_key",
    "normalize_base_url",
    "number",
]
