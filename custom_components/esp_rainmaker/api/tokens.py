"""The tokens of a RainMaker session and the JWT claims clients read from them.

Clients decode the JWT payload without verifying the signature, as every official
RainMaker client does: the tokens come straight from the cloud over TLS and are only
read for the user id and the expiry time.
"""

import base64
import binascii
from collections.abc import Mapping
from dataclasses import dataclass, field
import math
import re
from typing import Any, Self

import orjson

CLAIM_USER_ID = "custom:user_id"
CLAIM_EMAIL = "email"
CLAIM_EXPIRES = "exp"
CLAIM_ISSUED = "iat"
# What a token may hold to go into an HTTP header as it is: visible ASCII, no
# spaces, no line breaks (a JWT is base64url and dots).
TOKEN_CHARACTERS = re.compile(r"[\x21-\x7e]+")


def usable_token(value: Any) -> bool:
    """Tell whether `value` is a non-empty token that can be sent in a header."""
    return isinstance(value, str) and TOKEN_CHARACTERS.fullmatch(value) is not None


def decode_jwt_claims(token: str) -> dict[str, Any]:
    """Return the payload of a JWT, or an empty dict when it is not one."""
    parts = token.split(".")
    if len(parts) != 3:
        return {}
    payload = parts[1]
    try:
        claims = orjson.loads(
            base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
        )
    except (binascii.Error, ValueError):
        return {}
    return claims if isinstance(claims, dict) else {}


def _epoch_claim(token: str, claim: str) -> float | None:
    value = decode_jwt_claims(token).get(claim)
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value) if math.isfinite(value) else None


@dataclass(frozen=True, slots=True)
class TokenSet:
    """Access, id and refresh tokens of one login; the repr shows none of them."""

    access_token: str = field(repr=False)
    id_token: str = field(repr=False)
    refresh_token: str = field(repr=False)

    @property
    def user_id(self) -> str | None:
        """The account's user id, from the id token."""
        value = decode_jwt_claims(self.id_token).get(CLAIM_USER_ID)
        return value if isinstance(value, str) and value else None

    @property
    def email(self) -> str | None:
        """The account's e-mail address, from the id token."""
        value = decode_jwt_claims(self.id_token).get(CLAIM_EMAIL)
        return value if isinstance(value, str) and value else None

    @property
    def access_expires_at(self) -> float | None:
        """When the access token expires (epoch seconds, the cloud's clock), if it says."""
        return _epoch_claim(self.access_token, CLAIM_EXPIRES)

    @property
    def access_lifetime(self) -> float | None:
        """How long the access token lasts from its issue, if it says both."""
        expires = self.access_expires_at
        issued = _epoch_claim(self.access_token, CLAIM_ISSUED)
        if expires is None or issued is None or expires <= issued:
            return None
        return expires - issued

    def as_dict(self) -> dict[str, str]:
        """Serialise for storage by the caller."""
        return {
            "access_token": self.access_token,
            "id_token": self.id_token,
            "refresh_token": self.refresh_token,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any] | None) -> Self | None:
        """Restore stored tokens; None when anything is missing or unusable."""
        if not data:
            return None
        values = [
            data.get(key) for key in ("access_token", "id_token", "refresh_token")
        ]
        if not all(usable_token(value) for value in values):
            return None
        access_token, id_token, refresh_token = values
        return cls(str(access_token), str(id_token), str(refresh_token))
