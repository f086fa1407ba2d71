"""Token sets and JWT claims."""

import base64

import orjson

from custom_components.esp_rainmaker.api import TokenSet, decode_jwt_claims


def jwt(claims: object) -> str:
    """An unsigned JWT with the given payload."""
    payload = base64.urlsafe_b64encode(orjson.dumps(claims)).rstrip(b"=").decode()
    return f"eyJhbGciOiJIUzI1NiJ9.{payload}.sig"


def test_decode_claims() -> None:
    """Payloads decode without verification; junk gives no claims."""
    assert decode_jwt_claims(jwt({"exp": 5})) == {"exp": 5}
    assert decode_jwt_claims("opaque") == {}
    assert decode_jwt_claims("a.!!!.c") == {}
    assert decode_jwt_claims(jwt([1, 2])) == {}


def test_token_set_claims() -> None:
    """User id, e-mail and expiry come from the tokens."""
    tokens = TokenSet(
        jwt({"exp": 1700000000}), jwt({"custom:user_id": "u1", "email": "a@b.c"}), "r"
    )
    assert (tokens.user_id, tokens.email, tokens.access_expires_at) == (
        "u1",
        "a@b.c",
        1700000000.0,
    )
    odd = TokenSet(jwt({"exp": True}), jwt({"custom:user_id": 5}), "r")
    assert (odd.user_id, odd.email, odd.access_expires_at) == (None, None, None)


def test_round_trip_and_repr() -> None:
    """Tokens serialise for storage and never show in reprs."""
    tokens = TokenSet("access-secret", "id-secret", "refresh-secret")
    assert TokenSet.from_dict(tokens.as_dict()) == tokens
    assert TokenSet.from_dict(None) is None
    assert (
        TokenSet.from_dict({"access_token": "a", "id_token": "", "refresh_token": "r"})
        is None
    )
    assert "secret" not in repr(tokens)
