"""Sign-in with one-time codes: MFA after the password, or the e-mailed code alone."""

from typing import Any

import pytest

from rainmaker_emulator import Cloud, EmulatorAdmin, Endpoint
from rainmaker_emulator.sign_in import CODE_ATTEMPTS, CODE_TTL, CODES_PER_WINDOW

from .conftest import PASSWORD, Raw

MFA = "mfa@example.com"
CODE_ONLY = "codes@example.com"


async def post(raw: Raw, body: dict[str, Any]) -> tuple[int, Any]:
    """Post a body to login2."""
    return await raw.call("POST", Endpoint.LOGIN.path, json=body, auth=False)


async def start(raw: Raw, body: dict[str, Any]) -> str:
    """Start a sign-in that needs a code; return its session."""
    status, answer = await post(raw, body)
    assert status == 200, answer
    assert answer["status"] == "success"
    assert "accesstoken" not in answer
    return str(answer["session"])


def answer(email: str, session: str, code: str) -> dict[str, str]:
    """The body that completes a sign-in."""
    return {"user_name": email, "session": session, "verification_code": code}


@pytest.fixture
def accounts(cloud: Cloud) -> None:
    """An MFA account and an account without a password."""
    cloud.add_account(MFA, PASSWORD, mfa=True)
    cloud.add_account(CODE_ONLY, None)


@pytest.mark.usefixtures("accounts")
@pytest.mark.parametrize(
    ("email", "first"),
    [
        (MFA, {"user_name": MFA, "password": PASSWORD}),
        (CODE_ONLY, {"user_name": CODE_ONLY}),
    ],
    ids=["mfa", "code-only"],
)
async def test_the_code_from_the_outbox_signs_in(
    raw: Raw, admin: EmulatorAdmin, cloud: Cloud, email: str, first: dict[str, str]
) -> None:
    """The sent code, read through the admin API, is exchanged for tokens once."""
    session = await start(raw, first)
    code = await admin.last_code(email)

    status, body = await post(raw, answer(email, session, code))

    assert status == 200
    claims = cloud.tokens.verify(body["accesstoken"])
    assert claims is not None
    assert claims.user_id == cloud.accounts[email].user_id
    assert body["refreshtoken"]
    # The session ended with the right code.
    status, body = await post(raw, answer(email, session, code))
    assert (status, body["error_code"]) == (400, 101016)


@pytest.mark.usefixtures("accounts")
async def test_each_code_request_sends_a_new_code(
    raw: Raw, admin: EmulatorAdmin
) -> None:
    """Two requests, two sessions and two codes; each code fits its session only."""
    first = await start(raw, {"user_name": CODE_ONLY})
    second = await start(raw, {"user_name": CODE_ONLY})
    codes = await admin.sent_codes(CODE_ONLY)
    assert len(codes) == 2
    if codes[0] != codes[1]:
        status, body = await post(raw, answer(CODE_ONLY, second, codes[0]))
        assert (status, body["error_code"]) == (400, 101012)
    status, _ = await post(raw, answer(CODE_ONLY, first, codes[0]))
    assert status == 200


@pytest.mark.usefixtures("accounts")
async def test_wrong_codes_then_too_many_attempts(
    raw: Raw, admin: EmulatorAdmin
) -> None:
    """A wrong code may be retyped; the last allowed attempt ends the session."""
    session = await start(raw, {"user_name": MFA, "password": PASSWORD})
    code = await admin.last_code(MFA)
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(CODE_ATTEMPTS - 1):
        status, body = await post(raw, answer(MFA, session, wrong))
        assert (status, body["error_code"]) == (400, 101012)
        assert body["description"] == "Verification code is incorrect"

    status, body = await post(raw, answer(MFA, session, wrong))
    assert (status, body["error_code"]) == (400, 101019)
    status, body = await post(raw, answer(MFA, session, code))
    assert (status, body["error_code"]) == (400, 101016)


@pytest.mark.usefixtures("accounts")
async def test_code_expires_on_the_emulator_clock(
    raw: Raw, admin: EmulatorAdmin, cloud: Cloud
) -> None:
    """A code is good until CODE_TTL seconds of emulated time have passed."""
    session = await start(raw, {"user_name": CODE_ONLY})
    code = await admin.last_code(CODE_ONLY)
    cloud.clock.advance(CODE_TTL)

    status, body = await post(raw, answer(CODE_ONLY, session, code))

    assert (status, body["error_code"]) == (400, 101016)


@pytest.mark.usefixtures("accounts")
async def test_code_requests_are_limited(raw: Raw, cloud: Cloud) -> None:
    """More codes than the window allows is "attempt limit exceeded", until it passes."""
    for _ in range(CODES_PER_WINDOW):
        await start(raw, {"user_name": CODE_ONLY})

    status, body = await post(raw, {"user_name": CODE_ONLY})
    assert (status, body["error_code"]) == (400, 101019)

    cloud.clock.advance(15 * 60)
    await start(raw, {"user_name": CODE_ONLY})


@pytest.mark.usefixtures("accounts")
@pytest.mark.parametrize(
    ("body", "code"),
    [
        (answer(MFA, "", "123456"), 101016),
        (answer(MFA, "forged-session", "123456"), 101016),
        ({"user_name": MFA, "session": "forged-session"}, 101030),
        (answer(MFA, "forged-session", ""), 101030),
        ({"user_name": CODE_ONLY, "password": "anything-at-all"}, 101009),
    ],
    ids=["empty-session", "forged-session", "no-code", "empty-code", "no-password"],
)
async def test_refused_answers(raw: Raw, body: dict[str, str], code: int) -> None:
    """Bad sessions, missing codes, and a password for an account without one."""
    status, answer_body = await post(raw, body)
    assert (status, answer_body["error_code"]) == (400, code)


@pytest.mark.usefixtures("accounts")
async def test_another_accounts_session_is_refused(
    raw: Raw, admin: EmulatorAdmin
) -> None:
    """A session belongs to the account that started it."""
    session = await start(raw, {"user_name": CODE_ONLY})
    code = await admin.last_code(CODE_ONLY)

    status, body = await post(raw, answer(MFA, session, code))

    assert (status, body["error_code"]) == (400, 101016)


@pytest.mark.usefixtures("accounts")
async def test_admin_describes_accounts_and_outboxes(
    admin: EmulatorAdmin, cloud: Cloud
) -> None:
    """The admin API tells whether an account has a password and lists its codes."""
    assert (await admin.account(CODE_ONLY))["password"] is False
    assert (await admin.account(MFA))["mfa"] is True
    assert await admin.sent_codes(MFA) == []
    with pytest.raises(LookupError):
        await admin.last_code(MFA)
    await admin.add_account("admin-made@example.com", None)
    assert cloud.accounts["admin-made@example.com"].password is None


@pytest.mark.usefixtures("accounts")
async def test_sessions_and_codes_are_secrets_and_leave_with_the_account(
    raw: Raw, admin: EmulatorAdmin, cloud: Cloud
) -> None:
    """The leak checks know every session and code; removing the account drops them."""
    session = await start(raw, {"user_name": CODE_ONLY})
    code = await admin.last_code(CODE_ONLY)
    assert {session, code} <= set(cloud.secrets())

    cloud.remove_account(CODE_ONLY)

    assert cloud.sign_in.sent(CODE_ONLY) == []
    assert cloud.sign_in.challenges == {}
