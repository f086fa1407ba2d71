"""auth.py with one-time codes: MFA, password-less accounts, and their renewals."""

from collections.abc import AsyncIterator

import aiohttp
import pytest

from custom_components.esp_rainmaker.api import (
    CodeChallenge,
    RainMakerAuthenticationError,
    RainMakerClient,
    RainMakerCodeError,
    RainMakerCodeExpiredError,
    RainMakerConnectionError,
    RainMakerMfaRequiredError,
    RainMakerRateLimitError,
    RainMakerResponseError,
    RainMakerSignInLockedError,
    TokenSet,
)
from rainmaker_emulator import Cloud, EmulatorAdmin, EmulatorServer, Endpoint
from rainmaker_emulator.sign_in import CODE_ATTEMPTS, CODE_TTL, CODES_PER_WINDOW

from .conftest import PASSWORD

MFA = "mfa@example.com"
CODE_ONLY = "codes@example.com"
LOGIN = Endpoint.LOGIN


@pytest.fixture
def accounts(cloud: Cloud) -> None:
    """An MFA account and an account without a password, one node each."""
    cloud.add_account(MFA, PASSWORD, mfa=True)
    cloud.add_account(CODE_ONLY, None)
    cloud.add_node("switch", MFA)
    cloud.add_node("switch", CODE_ONLY)


@pytest.fixture
async def clients(
    emulator: EmulatorServer, session: aiohttp.ClientSession, accounts: None
) -> AsyncIterator[dict[str, RainMakerClient]]:
    """A client per account: the MFA one with its password, the other without."""
    clients = {
        MFA: RainMakerClient(emulator.url, MFA, PASSWORD, session=session),
        CODE_ONLY: RainMakerClient(emulator.url, CODE_ONLY, None, session=session),
    }
    yield clients
    for client in clients.values():
        await client.close()


@pytest.mark.parametrize(("email", "after_password"), [(MFA, True), (CODE_ONLY, False)])
async def test_sign_in_with_the_sent_code(
    clients: dict[str, RainMakerClient],
    admin: EmulatorAdmin,
    email: str,
    after_password: bool,
) -> None:
    """The challenge names the account, hides its session, and the code gives tokens."""
    client = clients[email]
    challenge = await client.sign_in()
    assert isinstance(challenge, CodeChallenge)
    assert challenge.user_name == email
    assert challenge.after_password is after_password
    assert challenge.session not in repr(challenge)
    assert client.tokens is None

    tokens = await client.complete_sign_in(challenge, await admin.last_code(email))

    assert tokens.email == email
    assert client.tokens == tokens
    assert len((await client.get_nodes()).nodes) == 1


async def test_a_password_alone_signs_in_without_a_challenge(
    client: RainMakerClient, admin: EmulatorAdmin
) -> None:
    """An account without MFA gets its tokens from sign_in at once."""
    tokens = await client.sign_in()

    assert isinstance(tokens, TokenSet)
    assert await admin.count(LOGIN) == 1


async def test_a_wrong_code_can_be_typed_again(
    clients: dict[str, RainMakerClient], admin: EmulatorAdmin
) -> None:
    """A wrong code keeps the sign-in open; the right one then signs in."""
    client = clients[MFA]
    challenge = await client.sign_in()
    assert isinstance(challenge, CodeChallenge)
    code = await admin.last_code(MFA)

    with pytest.raises(RainMakerCodeError) as err:
        await client.complete_sign_in(challenge, "000000" if code != "000000" else "1")
    assert challenge.session not in str(err.value)

    await client.complete_sign_in(challenge, code)


async def test_an_expired_code_ends_the_sign_in(
    clients: dict[str, RainMakerClient], admin: EmulatorAdmin, cloud: Cloud
) -> None:
    """After CODE_TTL the session is over and a new code is needed."""
    client = clients[CODE_ONLY]
    challenge = await client.sign_in()
    assert isinstance(challenge, CodeChallenge)
    code = await admin.last_code(CODE_ONLY)
    cloud.clock.advance(CODE_TTL)

    with pytest.raises(RainMakerCodeExpiredError):
        await client.complete_sign_in(challenge, code)

    again = await client.sign_in()
    assert isinstance(again, CodeChallenge)
    await client.complete_sign_in(again, await admin.last_code(CODE_ONLY))


async def test_too_many_wrong_codes_lock_sign_in(
    clients: dict[str, RainMakerClient], admin: EmulatorAdmin
) -> None:
    """The cloud's attempt limit locks this client's sign-ins without new requests."""
    client = clients[MFA]
    challenge = await client.sign_in()
    assert isinstance(challenge, CodeChallenge)
    code = await admin.last_code(MFA)
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(CODE_ATTEMPTS - 1):
        with pytest.raises(RainMakerCodeError):
            await client.complete_sign_in(challenge, wrong)

    with pytest.raises(RainMakerSignInLockedError) as err:
        await client.complete_sign_in(challenge, wrong)
    assert isinstance(err.value, RainMakerRateLimitError)
    logins = await admin.count(LOGIN)

    with pytest.raises(RainMakerSignInLockedError):
        await client.sign_in()
    assert await admin.count(LOGIN) == logins


async def test_too_many_code_requests_lock_sign_in(
    clients: dict[str, RainMakerClient],
) -> None:
    """Asking for more codes than the cloud sends is refused as a locked sign-in."""
    client = clients[CODE_ONLY]
    for _ in range(CODES_PER_WINDOW):
        await client.sign_in()

    with pytest.raises(RainMakerSignInLockedError):
        await client.sign_in()


@pytest.mark.parametrize(
    ("fault", "error"),
    [
        (
            {"status": 400, "body": {"status": "failure", "error_code": 101030}},
            RainMakerCodeError,
        ),
        (
            {"status": 400, "body": {"status": "failure", "error_code": 999999}},
            RainMakerCodeExpiredError,
        ),
        ({"status": 503, "body": "<html>down</html>"}, RainMakerConnectionError),
        ({"status": 200, "body": {"status": "success"}}, RainMakerResponseError),
    ],
    ids=["code-missing", "unknown-refusal", "outage", "no-tokens"],
)
async def test_answers_to_a_code(
    clients: dict[str, RainMakerClient],
    admin: EmulatorAdmin,
    fault: dict[str, object],
    error: type[Exception],
) -> None:
    """Any other refusal ends the sign-in; outages and junk are not about the code."""
    client = clients[CODE_ONLY]
    challenge = await client.sign_in()
    assert isinstance(challenge, CodeChallenge)
    # Enough times for the transport's retries of a failed request.
    await admin.add_fault(path=LOGIN.path, times=5, **fault)

    with pytest.raises(error):
        await client.complete_sign_in(challenge, await admin.last_code(CODE_ONLY))


@pytest.mark.parametrize(
    "bad_session",
    ["two words", "x" * 9000, 12345, ""],
    ids=["spaces", "too-long", "number", "empty"],
)
async def test_an_unusable_session_is_refused(
    clients: dict[str, RainMakerClient],
    admin: EmulatorAdmin,
    bad_session: object,
) -> None:
    """A session that could not be sent back is a response error, not a challenge."""
    await admin.add_fault(
        path=LOGIN.path,
        times=1,
        status=200,
        body={"status": "success", "session": bad_session},
    )

    with pytest.raises(RainMakerResponseError):
        await clients[CODE_ONLY].sign_in()


async def test_code_only_account_renews_with_its_refresh_token_only(
    clients: dict[str, RainMakerClient], admin: EmulatorAdmin
) -> None:
    """Expired access: refreshed. Refused refresh token: one refusal, then no requests."""
    client = clients[CODE_ONLY]
    challenge = await client.sign_in()
    assert isinstance(challenge, CodeChallenge)
    await client.complete_sign_in(challenge, await admin.last_code(CODE_ONLY))
    await admin.revoke_tokens(CODE_ONLY, refresh=False, access=True)
    logins = await admin.count(LOGIN)

    await client.get_nodes()
    assert await admin.count(LOGIN) == logins + 1  # the refresh
    assert len(await admin.sent_codes(CODE_ONLY)) == 1

    await admin.revoke_tokens(CODE_ONLY, refresh=True, access=True)
    with pytest.raises(RainMakerMfaRequiredError) as err:
        await client.get_nodes()
    assert isinstance(err.value, RainMakerAuthenticationError)
    refused = await admin.count(LOGIN)
    assert refused == logins + 2  # one refused refresh, and no other sign-in
    with pytest.raises(RainMakerMfaRequiredError):
        await client.get_nodes()
    assert await admin.count(LOGIN) == refused
    assert len(await admin.sent_codes(CODE_ONLY)) == 1


async def test_mfa_account_never_sends_codes_by_itself(
    clients: dict[str, RainMakerClient], admin: EmulatorAdmin, emulator: EmulatorServer
) -> None:
    """Restored tokens of an MFA account whose refresh token is refused need the user."""
    challenge = await clients[MFA].sign_in()
    assert isinstance(challenge, CodeChallenge)
    tokens = await clients[MFA].complete_sign_in(challenge, await admin.last_code(MFA))
    await admin.revoke_tokens(MFA, refresh=True, access=True)
    # As the integration restores it: the stored tokens and no password.
    restored = RainMakerClient(
        emulator.url, MFA, None, session=clients[MFA].session, tokens=tokens
    )

    with pytest.raises(RainMakerMfaRequiredError):
        await restored.get_nodes()
    assert len(await admin.sent_codes(MFA)) == 1
