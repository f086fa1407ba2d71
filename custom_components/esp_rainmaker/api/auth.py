"""The session of one account: its tokens, their renewal, and sign-ins.

Access tokens are renewed with the refresh token shortly before they expire (by
the cloud's clock) and after a 401; the password is used only when there is no
usable refresh token. A refresh token the cloud refused is not sent again, and a
sign-in the cloud locked after too many attempts is left alone for a while.

An account with multi-factor authentication, or one that signs in with a code
alone (no password), gets a `CodeChallenge` instead of tokens: the cloud sent the
user a one-time code, which `complete_sign_in` exchanges for tokens. Such an
account renews with its refresh token only; once that is refused, only the user
can sign in again.
"""

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
import logging
import time
from typing import Any, Final

from .exceptions import (
    RainMakerAuthenticationError,
    RainMakerCodeError,
    RainMakerCodeExpiredError,
    RainMakerMfaRequiredError,
    RainMakerResponseError,
    RainMakerSignInLockedError,
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
# Answers to a one-time code (codes from the iOS app's table, esp-rainmaker-ios
# ESPAPIErrorWorker.swift): a wrong code (101012) or a missing one (101030) may be
# typed again, "attempt limit exceeded" (101019) locks sign-in for a while, and any
# other refusal ends the sign-in: no public source names the code of an expired
# session, so none is relied on.
RETYPE_CODE_CODES: Final = frozenset({101012, 101030})
MAX_SESSION_LENGTH: Final = 8192
# How long to leave a locked sign-in alone before one more password login.
SIGN_IN_LOCK_WAIT: Final = 900.0

type TokenCallback = Callable[[TokenSet], None]


@dataclass(frozen=True, slots=True)
class CodeChallenge:
    """A sign-in waiting for the one-time code the cloud sent to the user.

    The session is a secret of this sign-in: it is left out of the repr, and
    nothing here stores it.
    """

    user_name: str
    session: str = field(repr=False)
    # True: the password was right and a second factor is asked (MFA); False: the
    # code alone signs in.
    after_password: bool


class Authenticator:
    """Hold an account's tokens and renew them, one renewal at a time."""

    def __init__(
        self,
        transport: Transport,
        username: str,
        password: str | None,
        *,
        tokens: TokenSet | None = None,
        on_tokens: TokenCallback | None = None,
    ) -> None:
        """Authenticate on `transport`; `on_tokens` hears of every new token set.

        Without a password the account renews with its refresh token only.
        """
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

    async def sign_in(self) -> TokenSet | CodeChallenge:
        """Start a sign-in: with the password, or by a code sent to the user.

        Returns the tokens when the password alone signs in, else the challenge
        for `complete_sign_in`.
        """
        async with self._lock:
            if self._password is None:
                data = await self._sign_in_request({"user_name": self._username})
                answer = self._sign_in_answer(data, after_password=False)
            else:
                answer = await self._password_answer()
            if isinstance(answer, TokenSet):
                self._set_tokens(answer)
            return answer

    async def complete_sign_in(self, challenge: CodeChallenge, code: str) -> TokenSet:
        """Exchange the one-time code of `challenge` for tokens."""
        body = {
            "user_name": challenge.user_name,
            "session": challenge.session,
            "verification_code": code,
        }
        async with self._lock:
            try:
                data = await self._login_request(body)
            except RainMakerResponseError as err:
                if err.error_code in RETYPE_CODE_CODES:
                    raise RainMakerCodeError(str(err)) from None
                if err.error_code == ATTEMPT_LIMIT_CODE:
                    raise self._lock_sign_in(err) from None
                if err.status is not None and 400 <= err.status < 500:
                    raise RainMakerCodeExpiredError(str(err)) from None
                raise
            tokens = _login_tokens(data)
            _LOGGER.debug("Signed in with a one-time code")
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
        """Log in with the password; an account that needs a code cannot renew so."""
        if self._password is None:
            raise RainMakerMfaRequiredError(
                "The account signs in with a one-time code; sign in again"
            )
        answer = await self._password_answer()
        if isinstance(answer, CodeChallenge):
            raise RainMakerMfaRequiredError(
                "The account requires a one-time code to log in"
            )
        return answer

    async def _password_answer(self) -> TokenSet | CodeChallenge:
        """Send the password; return the tokens, or the challenge of an MFA account."""
        data = await self._sign_in_request(
            {"user_name": self._username, "password": self._password or ""}
        )
        answer = self._sign_in_answer(data, after_password=True)
        if isinstance(answer, TokenSet):
            _LOGGER.debug("Logged in with the password")
        return answer

    async def _sign_in_request(self, body: dict[str, str]) -> Any:
        """Post a sign-in, unless the cloud locked sign-in a while ago.

        After "attempt limit exceeded" (101019) every further attempt would keep the
        account locked: the next one waits SIGN_IN_LOCK_WAIT.
        """
        if self._locked_until is not None:
            wait = self._locked_until - time.monotonic()
            if wait > 0:
                raise RainMakerSignInLockedError(
                    f"Sign-in is locked after too many attempts; next try in {wait:.0f} s",
                    wait,
                )
        try:
            data = await self._login_request(body)
        except RainMakerResponseError as err:
            if err.error_code in CREDENTIAL_ERROR_CODES:
                raise RainMakerAuthenticationError(str(err)) from None
            if err.error_code == ATTEMPT_LIMIT_CODE:
                raise self._lock_sign_in(err) from None
            raise
        self._locked_until = None
        return data

    def _lock_sign_in(self, err: RainMakerResponseError) -> RainMakerSignInLockedError:
        """Leave sign-in alone for SIGN_IN_LOCK_WAIT after "attempt limit exceeded"."""
        self._locked_until = time.monotonic() + SIGN_IN_LOCK_WAIT
        return RainMakerSignInLockedError(str(err), SIGN_IN_LOCK_WAIT)

    def _sign_in_answer(
        self, data: Any, *, after_password: bool
    ) -> TokenSet | CodeChallenge:
        """Read a sign-in answer: tokens, or a session waiting for a code."""
        if isinstance(data, dict) and "accesstoken" not in data and "session" in data:
            session = data["session"]
            if not usable_token(session) or len(session) > MAX_SESSION_LENGTH:
                raise RainMakerResponseError(
                    "The sign-in answer has an unusable session"
                )
            _LOGGER.debug("The cloud sent a one-time code to the user")
            return CodeChallenge(self._username, session, after_password)
        return _login_tokens(data)


def _login_tokens(data: Any) -> TokenSet:
    """Return the three tokens of a login answer; raise if any is missing."""
    access, id_token, refresh = (
        _token(data, name) for name in ("accesstoken", "idtoken", "refreshtoken")
    )
    if access is None or id_token is None or refresh is None:
        raise RainMakerResponseError("The login answer has no tokens")
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
