"""Async client for the ESP RainMaker user REST API.

A standalone library: it imports nothing from Home Assistant, takes an injected
`aiohttp.ClientSession`, and ships `py.typed`.
"""

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
    RainMakerConnectionError,
    RainMakerError,
    RainMakerMfaRequiredError,
    RainMakerNodeError,
    RainMakerRateLimitError,
    RainMakerResponseError,
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
    "RainMakerConnectionError",
    "RainMakerError",
    "RainMakerMfaRequiredError",
    "RainMakerNodeError",
    "RainMakerRateLimitError",
    "RainMakerResponseError",
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
