"""The version endpoint: the protocol version and the node's security scheme.

esp-idf components/esp_local_ctrl/src/esp_local_ctrl.c answers
`{"local_ctrl":{"ver":"v1.0","sec_ver":1,"sec_patch_ver":0}}` in plain text;
releases before that answered the bare version (`v1.0`).
"""

from dataclasses import dataclass
from typing import Any, Final

import orjson

from .errors import LocalProtocolError
from .secure_session import SecurityScheme

MAX_VERSION_LENGTH: Final = 32


@dataclass(frozen=True, slots=True)
class LocalVersion:
    """What the node's version endpoint says."""

    version: str
    scheme: SecurityScheme
    patch: int


def read_version(data: bytes, expected: SecurityScheme) -> LocalVersion:
    """Read the version answer; refuse a node of another scheme than the cloud names.

    A node that announces another scheme than its cloud config is refused, not
    followed: following it could mean talking in the clear to an impostor.
    """
    try:
        parsed: Any = orjson.loads(data)
    except orjson.JSONDecodeError:
        parsed = None
    info = parsed.get("local_ctrl") if isinstance(parsed, dict) else None
    if not isinstance(info, dict):
        bare = data.decode("ascii", "replace").strip()
        if not bare or len(bare) > MAX_VERSION_LENGTH:
            raise LocalProtocolError("the node's version answer is unreadable")
        return LocalVersion(bare, expected, 0)
    scheme = info.get("sec_ver", int(expected))
    patch = info.get("sec_patch_ver", 0)
    version = info.get("ver", "")
    if not isinstance(patch, int) or not isinstance(version, str):
        raise LocalProtocolError("the node's version answer is malformed")
    if scheme != expected:
        raise LocalProtocolError(
            f"the node uses security {scheme}, its cloud config says {int(expected)}"
        )
    return LocalVersion(version, expected, patch)
