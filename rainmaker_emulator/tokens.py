"""Cognito-like sessions: HS256 JWTs signed with the emulator's own secret."""

from dataclasses import dataclass
import secrets
from typing import Any

import jwt

from .clock import SimClock

ISSUER = "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_emulator"
DEFAULT_ACCESS_TTL = 3600.0
DEFAULT_REFRESH_TTL = 30 * 24 * 3600.0


@dataclass(slots=True)
class Session:
    """One login: a refresh token and the access tokens issued from it."""

    session_id: str
    email: str
    user_id: str
    refresh_token: str
    refresh_expires: float
    refresh_revoked: bool = False
    # Access tokens carry the generation they were issued in; revoking bumps it.
    generation: int = 0


class TokenAuthority:
    """Issues and checks tokens against the simulation clock."""

    def __init__(
        self,
        clock: SimClock,
        *,
        access_ttl: float = DEFAULT_ACCESS_TTL,
        refresh_ttl: float = DEFAULT_REFRESH_TTL,
    ) -> None:
        """Create an authority with a fresh random signing secret."""
        self.clock = clock
        self.access_ttl = access_ttl
        self.refresh_ttl = refresh_ttl
        self._secret = secrets.token_bytes(32)
        self._sessions: dict[str, Session] = {}
        # Every token handed out, so tests can prove none of them leaks anywhere.
        self.issued: list[str] = []
        self._by_refresh: dict[str, Session] = {}

    def _jwt(self, session: Session, token_use: str) -> str:
        now = self.clock.now()
        claims: dict[str, Any] = {
            "sub": session.user_id,
            "custom:user_id": session.user_id,
            "email": session.email,
            "token_use": token_use,
            "iss": ISSUER,
            "iat": int(now),
            "exp": int(now + self.access_ttl),
            "sid": session.session_id,
            "gen": session.generation,
            "jti": secrets.token_hex(8),
        }
        return jwt.encode(claims, self._secret, algorithm="HS256")

    def _tokens(self, session: Session) -> dict[str, str]:
        tokens = {
            "idtoken": self._jwt(session, "id"),
            "accesstoken": self._jwt(session, "access"),
        }
        self.issued.extend(tokens.values())
        return tokens

    def login(self, email: str, user_id: str) -> dict[str, str]:
        """Start a session; return id, access and refresh tokens."""
        session = Session(
            session_id=secrets.token_hex(8),
            email=email,
            user_id=user_id,
            refresh_token=secrets.token_urlsafe(48),
            refresh_expires=self.clock.now() + self.refresh_ttl,
        )
        self._sessions[session.session_id] = session
        self._by_refresh[session.refresh_token] = session
        self.issued.append(session.refresh_token)
        return {**self._tokens(session), "refreshtoken": session.refresh_token}

    def refresh(
        self, refresh_token: str, user_name: str | None
    ) -> dict[str, str] | None:
        """Return new id and access tokens (no new refresh token), or None if refused."""
        session = self._by_refresh.get(refresh_token)
        if (
            session is None
            or session.refresh_revoked
            or session.refresh_expires <= self.clock.now()
            or (user_name is not None and user_name.lower() != session.email)
        ):
            return None
        return self._tokens(session)

    def verify(self, token: str) -> Session | None:
        """Return the session of a valid, unexpired, unrevoked access token."""
        try:
            claims = jwt.decode(
                token,
                self._secret,
                algorithms=["HS256"],
                options={"verify_exp": False, "verify_iat": False},
            )
        except jwt.PyJWTError:
            return None
        if (
            claims.get("token_use") != "access"
            or claims.get("exp", 0) <= self.clock.now()
        ):
            return None
        session = self._sessions.get(str(claims.get("sid")))
        if session is None or claims.get("gen") != session.generation:
            return None
        return session

    def revoke(self, email: str, *, refresh: bool = True, access: bool = False) -> int:
        """Revoke the tokens of every session of an account; return how many."""
        count = 0
        for session in self._sessions.values():
            if session.email == email:
                session.refresh_revoked = session.refresh_revoked or refresh
                if access:
                    session.generation += 1
                count += 1
        return count

    def end(self, session: Session) -> None:
        """Log one session out."""
        session.refresh_revoked = True
        session.generation += 1

    def forget(self, email: str) -> None:
        """Drop every session of a deleted account."""
        for session_id, session in list(self._sessions.items()):
            if session.email == email:
                del self._sessions[session_id]
                self._by_refresh.pop(session.refresh_token, None)

    def count(self, email: str) -> int:
        """Count the sessions of an account whose refresh token is not revoked."""
        return sum(
            1
            for s in self._sessions.values()
            if s.email == email and not s.refresh_revoked
        )
