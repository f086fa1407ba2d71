"""The session of one account: its tokens, their renewal, and password logins.

Access tokens are renewed with the refresh token shortly before they expire (by
the cloud's clock) and after a 401; the password is used only when there is no
usable refresh token. A refresh token the cloud refused is not sent again, and a
sign-in the cloud locked after too many attempts is left alone for a while.
"""

import asyncio
from collections.abc import Callable
import logging
import time
from typing import Any, Final

from .exceptions import (
    RainMakerAuthenticationError,
    RainMakerMfaRequiredError,
    RainMakerRateLimitError,
    RainMakerResponseError,
)
from .tokens import TokenSet, usable_token
from .transport import Transport

_LOGGER = logging.getLogger(__name__)

PATH_LOGIN: Final = "/v1/login2"
PATH_LOGOUT: Final = "/v1/logout2"
REFRESH_MARGIN: Final = 60.0
DEFAULT_TOKEN_LIFETIME: Final = 3600.0
# Login answers that mean the credentials themselves are wrong. Everything else
# (throttling, outages, unknown codes) is transient and must not ask for a password.
CREDENTIAL_ERROR_CODES: Final = frozenset(
    {
        101001,  # User name is missing
        101002,  # Email-id is not in correct format
        101003,  # Password or verification code is missing
        101009,  # Incorrect user name or password
        101015,  # Email address is not verified
        101025,  # User does not exist
    }
)
ATTEMPT_LIMIT_CODE: Final = 101019
# How long to leave a locked sign-in alone before one more password login.
SIGN_IN_LOCK_WAIT: Final = 900.0

type TokenCallback = Callable[[TokenSet], None]


class Authenticator:
    """Hold an account's tokens and renew them, one renewal at a time."""

    def __init__(
        self,
        transport: Transport,
        username: str,
        password: str,
        *,
        tokens: TokenSet | None = None,
        on_tokens: TokenCallback | None = None,
    ) -> None:
        """Authenticate on `transport`; `on_tokens` hears of every new token set."""
        self._transport = transport
        self._username = username
        self._password = password
        self.tokens = tokens
        self._on_tokens = on_tokens
        self._lock = asyncio.Lock()
        self._refused_refresh: str | None = None
        self._locked_until: float | None = None

    async def login(self) -> TokenSet:
        """Log in with the password, whatever tokens are held."""
        async with self._lock:
            tokens = await self._password_login()
            self._set_tokens(tokens)
            return tokens

    async def logout(self) -> None:
        """End this session at the cloud."""
        if self.tokens is None:
            return
        answer = await self._transport.request(
            "POST", PATH_LOGOUT, query={"logout_all": "false"}, auth=self
        )
        answer.json()
        self.tokens = None

    async def access_token(self) -> str:
        """Return the access token, renewed first when it is about to expire."""
        tokens = self.tokens
        if tokens is not None and not self._expiring(tokens):
            return tokens.access_token
        return await self.renew(tokens.access_token if tokens else None)

    async def renew(self, stale: str | None) -> str:
        """Get a fresh access token; concurrent callers share one renewal."""
        async with self._lock:
            tokens = self.tokens
            if (
                tokens is not None
                and tokens.access_token != stale
                and not self._expiring(tokens)
            ):
                return tokens.access_token
            renewed = None
            if tokens is not None and tokens.refresh_token != self._refused_refresh:
                renewed = await self._refresh(tokens)
            if renewed is None:
                renewed = await self._password_login()
            self._set_tokens(renewed)
            return renewed.access_token

    def _set_tokens(self, tokens: TokenSet) -> None:
        self.tokens = tokens
        if self._on_tokens is not None:
            self._on_tokens(tokens)

    def _expiring(self, tokens: TokenSet) -> bool:
        """Tell whether the access token is about to expire, by the cloud's clock.

        The margin is a tenth of the token's lifetime, at most REFRESH_MARGIN, so a
        short-lived token is not renewed before every request.
        """
        expires = tokens.access_expires_at
        if expires is None:
            return False
        lifetime = tokens.access_lifetime or DEFAULT_TOKEN_LIFETIME
        margin = min(REFRESH_MARGIN, lifetime / 10)
        return expires - margin <= time.time() + self._transport.clock_offset

    async def _login_request(self, body: dict[str, str]) -> Any:
        answer = await self._transport.request(
            "POST", PATH_LOGIN, body=body, idempotent=True
        )
        return answer.json()

    async def _refresh(self, tokens: TokenSet) -> TokenSet | None:
        """Refresh with the refresh token; None when the cloud refuses it."""
        body: dict[str, str] = {"refreshtoken": tokens.refresh_token}
        if email := tokens.email:
            body["user_name"] = email
        try:
            data = await self._login_request(body)
        except RainMakerResponseError as err:
            if err.status is not None and 400 <= err.status < 500:
                _LOGGER.debug(
                    "Refresh token refused (%s); logging in again", err.error_code
                )
                # Refused once, refused for good: it is not sent again.
                self._refused_refresh = tokens.refresh_token
                return None
            raise
        access = _token(data, "accesstoken")
        if access is None:
            _LOGGER.debug("The refresh answer has no access token; logging in again")
            return None
        _LOGGER.debug("Access token refreshed")
        # The cloud may leave out the id token (same account) and the refresh token.
        return TokenSet(
            access,
            _token(data, "idtoken") or tokens.id_token,
            _token(data, "refreshtoken") or tokens.refresh_token,
        )

    async def _password_login(self) -> TokenSet:
        """Log in with the password, unless the cloud locked sign-in a while ago.

        After "attempt limit exceeded" (101019) every further attempt would keep the
        account locked: the next one waits SIGN_IN_LOCK_WAIT.
        """
        if self._locked_until is not None:
            wait = self._locked_until - time.monotonic()
            if wait > 0:
                raise RainMakerRateLimitError(
                    f"Sign-in is locked after too many attempts; next try in {wait:.0f} s",
                    wait,
                )
        body = {"user_name": self._username, "password": self._password}
        try:
            data = await self._login_request(body)
        except RainMakerResponseError as err:
            if err.error_code in CREDENTIAL_ERROR_CODES:
                raise RainMakerAuthenticationError(str(err)) from None
            if err.error_code == ATTEMPT_LIMIT_CODE:
                self._locked_until = time.monotonic() + SIGN_IN_LOCK_WAIT
                raise RainMakerRateLimitError(str(err), SIGN_IN_LOCK_WAIT) from None
            raise
        self._locked_until = None
        if isinstance(data, dict) and data.get("session") and "accesstoken" not in data:
            raise RainMakerMfaRequiredError(
                "The account requires a one-time code to log in"
            )
        tokens = [
            _token(data, name) for name in ("accesstoken", "idtoken", "refreshtoken")
        ]
        access, id_token, refresh = tokens
        if access is None or id_token is None or refresh is None:
            raise RainMakerResponseError("The login answer has no tokens")
        _LOGGER.debug("Logged in with the password")
        return TokenSet(access, id_token, refresh)


def _token(data: Any, name: str) -> str | None:
    """Return a token of a login answer, None if absent; raise if it is unusable."""
    if not isinstance(data, dict):
        raise RainMakerResponseError("Unexpected login answer")
    value = data.get(name)
    if value is None or value == "":
        return None
    if not usable_token(value):
        # A token with spaces or line breaks would corrupt every request's headers.
        raise RainMakerResponseError("The login answer has an unusable token")
    return str(value)
