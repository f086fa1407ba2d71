"""The base URL of a RainMaker cloud, as users type it and as requests need it."""

import ipaddress
import re
from typing import Final

from yarl import URL

from .exceptions import RainMakerValidationError

HOST_LABEL: Final = re.compile(r"^(?!-)[a-z0-9_-]{1,63}(?<!-)$")


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _is_host_name(host: str) -> bool:
    """Tell whether `host` (IDNA-encoded) can be an IP address or a DNS name."""
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        labels = host.lower().removesuffix(".").split(".")
        return len(host) <= 253 and all(HOST_LABEL.match(label) for label in labels)
    return True


def normalize_base_url(url: str) -> str:
    """Return the cloud's base URL without a trailing slash or `/v1`.

    HTTPS is required; plain HTTP is accepted only for loopback hosts (an emulator).
    """
    try:
        parsed = URL(url.strip())
    except (TypeError, ValueError) as err:
        raise RainMakerValidationError("Not a valid URL") from err
    host = parsed.raw_host
    if parsed.scheme not in {"http", "https"} or not host or not _is_host_name(host):
        raise RainMakerValidationError(
            "The URL must start with https:// and name a host"
        )
    if parsed.scheme == "http" and not _is_loopback(host):
        raise RainMakerValidationError("The URL must use https://")
    if parsed.user or parsed.password or parsed.query_string or parsed.fragment:
        raise RainMakerValidationError(
            "The URL must not carry credentials, a query or a fragment"
        )
    if parsed.explicit_port == 0:
        raise RainMakerValidationError("The URL's port must not be 0")
    path = re.sub("/{2,}", "/", parsed.path).rstrip("/")
    if path.lower().endswith("/v1"):
        path = path[: -len("/v1")]
    return str(parsed.with_path(path or "/")).rstrip("/")
