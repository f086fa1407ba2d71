"""Sign-in with a one-time code: MFA after the password, or the code alone.

The cloud answers such a login with a `session` and no tokens and "sends" a code;
the client then posts `{"user_name", "session", "verification_code"}` to `login2`.
Here the code is kept in the account's outbox, where tests read it the way a user
reads an e-mail. Sessions expire on the emulator's clock and allow a few wrong
codes, as Cognito's custom challenges do (3 minutes, 3 attempts by default).
"""

from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
import random

CODE_TTL = 180.0
CODE_ATTEMPTS = 3
# Codes one account may be sent per window; more is "attempt limit exceeded".
CODES_PER_WINDOW = 5
CODE_WINDOW = 900.0
OUTBOX_SIZE = 20


class CodeOutcome(StrEnum):
    """Why a code did not sign the user in (or that it did)."""

    ACCEPTED = "accepted"
    WRONG = "wrong"
    EXPIRED = "expired"
    INVALID_SESSION = "invalid_session"
    TOO_MANY_ATTEMPTS = "too_many_attempts"


@dataclass(frozen=True, slots=True)
class SentCode:
    """A code as the user received it."""

    code: str
    sent_at: float
    reason: str  # "mfa" after a password, "sign_in" for the code alone


@dataclass(slots=True)
class Challenge:
    """One login waiting for its code."""

    email: str
    code: str
    expires_at: float
    attempts_left: int = CODE_ATTEMPTS


@dataclass(slots=True)
class SignInCodes:
    """The sessions waiting for a code, and each account's outbox."""

    now: Callable[[], float]
    rng: random.Random
    challenges: dict[str, Challenge] = field(default_factory=dict)
    outboxes: dict[str, deque[SentCode]] = field(default_factory=dict)
    # Every session and code ever handed out, for the tests' leak checks.
    issued: list[str] = field(default_factory=list)

    def start(self, email: str, reason: str) -> str | None:
        """Send a code to `email`; return the session, or None when throttled."""
        now = self.now()
        outbox = self.outboxes.setdefault(email, deque(maxlen=OUTBOX_SIZE))
        recent = sum(1 for sent in outbox if now - sent.sent_at < CODE_WINDOW)
        if recent >= CODES_PER_WINDOW:
            return None
        self._forget_expired(now)
        code = f"{self.rng.randrange(10**6):06d}"
        session = "".join(
            self.rng.choices("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", k=64)
        )
        self.challenges[session] = Challenge(email, code, now + CODE_TTL)
        outbox.append(SentCode(code, now, reason))
        self.issued += (session, code)
        return session

    def answer(self, session: str, email: str, code: str) -> CodeOutcome:
        """Check a code against its session; a right code ends the session."""
        challenge = self.challenges.get(session)
        if challenge is None or challenge.email != email:
            return CodeOutcome.INVALID_SESSION
        if self.now() >= challenge.expires_at:
            del self.challenges[session]
            return CodeOutcome.EXPIRED
        if code == challenge.code:
            del self.challenges[session]
            return CodeOutcome.ACCEPTED
        challenge.attempts_left -= 1
        if challenge.attempts_left <= 0:
            del self.challenges[session]
            return CodeOutcome.TOO_MANY_ATTEMPTS
        return CodeOutcome.WRONG

    def sent(self, email: str) -> list[SentCode]:
        """Return the codes sent to an account, oldest first."""
        return list(self.outboxes.get(email, ()))

    def secrets(self) -> list[str]:
        """Return every session and code handed out so far."""
        return list(self.issued)

    def forget(self, email: str) -> None:
        """Drop an account's sessions and outbox."""
        self.outboxes.pop(email, None)
        for session in [s for s, c in self.challenges.items() if c.email == email]:
            del self.challenges[session]

    def _forget_expired(self, now: float) -> None:
        for session in [s for s, c in self.challenges.items() if now >= c.expires_at]:
            del self.challenges[session]
