"""Authentication: login, refresh, expiry, 401 handling, single flight, login failures."""

import asyncio
import logging

import aiohttp
from freezegun.api import FrozenDateTimeFactory
import pytest

from custom_components.esp_rainmaker.api import (
    RainMakerAuthenticationError,
    RainMakerClient,
    RainMakerConnectionError,
    RainMakerMfaRequiredError,
    RainMakerRateLimitError,
    RainMakerResponseError,
    RainMakerTimeoutError,
    RateLimiter,
    TokenSet,
)
from rainmaker_emulator import Cloud, EmulatorAdmin, EmulatorServer, Endpoint

from .conftest import EMAIL, PASSWORD

NODES = Endpoint.NODES


async def test_login_reports_tokens_and_user_id(
    client: RainMakerClient, account: str, token_log: list[TokenSet]
) -> None:
    """A password login yields JWTs whose id token names the account."""
    tokens = await client.login()

    assert tokens.user_id == account
    assert tokens.email == EMAIL
    assert tokens.access_expires_at is not None
    assert client.user_id == account
    assert token_log == [tokens]
    assert "token" not in repr(tokens).lower().replace("tokenset", "")


async def test_first_call_logs_in_once(
    client: RainMakerClient, admin: EmulatorAdmin
) -> None:
    """Without tokens the first request logs in, later ones reuse the token."""
    await client.get_nodes()
    await client.get_nodes()

    assert await admin.count(Endpoint.LOGIN) == 1
    assert await admin.count(NODES) == 2


async def test_stored_tokens_need_no_login(
    emulator: EmulatorServer,
    session: aiohttp.ClientSession,
    client: RainMakerClient,
    admin: EmulatorAdmin,
) -> None:
    """Tokens persisted by the caller are used as they are after a restart."""
    tokens = await client.login()
    restored = RainMakerClient(
        emulator.url,
        EMAIL,
        PASSWORD,
        session=session,
        tokens=TokenSet.from_dict(tokens.as_dict()),
    )
    await admin.reset_stats()

    await restored.get_nodes()

    assert await admin.count(Endpoint.LOGIN) == 0


@pytest.mark.parametrize(
    ("password", "email"),
    [
        ("wrong-password", EMAIL),
        (PASSWORD, "nobody@example.com"),
        (PASSWORD, "not-an-email"),
    ],
)
async def test_bad_credentials_raise_auth_error(
    emulator: EmulatorServer,
    session: aiohttp.ClientSession,
    account: str,
    password: str,
    email: str,
) -> None:
    """Wrong password, unknown user and malformed user names are credential errors."""
    client = RainMakerClient(emulator.url, email, password, session=session)

    with pytest.raises(RainMakerAuthenticationError) as err:
        await client.get_nodes()

    assert password not in str(err.value)


async def test_mfa_account_is_reported(
    emulator: EmulatorServer, session: aiohttp.ClientSession, cloud: Cloud
) -> None:
    """An account that needs a one-time code cannot log in with a password alone."""
    cloud.add_account("mfa@example.com", PASSWORD, mfa=True)
    client = RainMakerClient(emulator.url, "mfa@example.com", PASSWORD, session=session)

    with pytest.raises(RainMakerMfaRequiredError):
        await client.login()


@pytest.mark.parametrize(
    ("fault", "error"),
    [
        (
            {"status": 429, "body": {"message": "Too Many Requests"}},
            RainMakerRateLimitError,
        ),
        (
            {"status": 503, "body": "<html>Service Unavailable</html>"},
            RainMakerConnectionError,
        ),
        (
            {
                "status": 500,
                "body": {"status": "failure", "description": "x", "error_code": 100001},
            },
            RainMakerConnectionError,
        ),
        (
            {
                "status": 400,
                "body": {
                    "status": "failure",
                    "description": "Attempt limit exceeded, please try after some time",
                    "error_code": 101019,
                },
            },
            RainMakerRateLimitError,
        ),
        (
            {
                "status": 400,
                "body": {
                    "status": "failure",
                    "description": "Login failed",
                    "error_code": 101016,
                },
            },
            RainMakerResponseError,
        ),
        ({"drop_connection": True}, RainMakerConnectionError),
    ],
)
async def test_login_outages_are_never_auth_errors(
    client: RainMakerClient,
    admin: EmulatorAdmin,
    fault: dict[str, object],
    error: type[Exception],
) -> None:
    """Throttling, outages and unknown codes during login are transient, not bad credentials."""
    await admin.add_fault(method="POST", path=Endpoint.LOGIN.path, **fault)

    with pytest.raises(error) as raised:
        await client.login()

    assert not isinstance(raised.value, RainMakerAuthenticationError)


async def test_login_timeouts_are_never_auth_errors(
    client: RainMakerClient, admin: EmulatorAdmin
) -> None:
    """A login that times out on every attempt is a timeout, retried, never an auth error."""
    client.request_timeout = 0.1
    await admin.add_fault(method="POST", path=Endpoint.LOGIN.path, delay_ms=400)

    with pytest.raises(RainMakerTimeoutError) as raised:
        await client.login()

    assert not isinstance(raised.value, RainMakerAuthenticationError)
    assert await admin.count(Endpoint.LOGIN) == 3


async def test_login_retries_through_a_short_outage(
    client: RainMakerClient, admin: EmulatorAdmin
) -> None:
    """A 503 then a 429 during login are retried and the login succeeds."""
    await admin.add_fault(method="POST", path=Endpoint.LOGIN.path, status=503, times=1)
    await admin.add_fault(
        method="POST",
        path=Endpoint.LOGIN.path,
        status=429,
        headers={"Retry-After": "0"},
        times=1,
    )

    await client.login()

    assert await admin.count(Endpoint.LOGIN) == 3


async def test_token_refreshed_before_expiry(
    client: RainMakerClient,
    admin: EmulatorAdmin,
    cloud: Cloud,
    token_log: list[TokenSet],
    freezer: FrozenDateTimeFactory,
) -> None:
    """An access token about to expire is refreshed with the refresh token, not the password."""
    cloud.tokens.access_ttl = 600
    first = await client.login()
    # The password no longer works, so only a refresh can succeed.
    await admin.set_password(EMAIL, "changed-password", revoke_sessions=False)
    freezer.tick(560)

    await client.get_nodes()

    assert len(token_log) == 2
    assert token_log[1].access_token != first.access_token
    assert token_log[1].refresh_token == first.refresh_token


async def test_expired_token_mid_stream_refreshes_and_retries(
    client: RainMakerClient, admin: EmulatorAdmin, token_log: list[TokenSet]
) -> None:
    """A 401 on a token the client believed valid triggers one refresh and one retry."""
    await client.login()
    await admin.revoke_tokens(EMAIL, refresh=False, access=True)
    await admin.reset_stats()

    await client.get_nodes()

    assert await admin.count(NODES) == 2
    assert await admin.count(Endpoint.LOGIN) == 1
    assert len(token_log) == 2


async def test_token_expiring_between_pages(
    emulator: EmulatorServer, cloud: Cloud, account: str, admin: EmulatorAdmin
) -> None:
    """A token expiring between two pages of a listing: that page is asked again."""
    cloud.seed(EMAIL, PASSWORD, switches=25)  # three pages
    pages = 0

    async def after_request(
        session: aiohttp.ClientSession,
        context: object,
        params: aiohttp.TraceRequestEndParams,
    ) -> None:
        nonlocal pages
        if params.method == "GET" and params.url.path == Endpoint.NODES.path:
            pages += 1
            if pages == 1:
                cloud.clock.advance(4000)  # the cloud's clock runs past the token

    trace = aiohttp.TraceConfig()
    trace.on_request_end.append(after_request)
    async with aiohttp.ClientSession(trace_configs=[trace]) as session:
        client = RainMakerClient(emulator.url, EMAIL, PASSWORD, session=session)
        await client.login()
        await admin.reset_stats()

        listing = await client.get_nodes()

    assert len(listing.nodes) == 25
    assert listing.malformed == frozenset()
    assert await admin.count(NODES) == 4  # three pages, the second one twice
    assert await admin.count(Endpoint.LOGIN) == 1  # one refresh, no password login


async def test_clock_expiry_on_the_cloud_side(
    client: RainMakerClient, admin: EmulatorAdmin
) -> None:
    """Tokens the cloud considers expired (its clock ran ahead) are renewed on the 401."""
    await client.login()
    await admin.advance(4000)

    await client.get_nodes()

    assert await admin.count(NODES) == 2


async def test_revoked_refresh_token_falls_back_to_password(
    client: RainMakerClient, admin: EmulatorAdmin, token_log: list[TokenSet]
) -> None:
    """When the refresh token is refused, the client logs in with the password silently."""
    first = await client.login()
    await admin.revoke_tokens(EMAIL, refresh=True, access=True)

    await client.get_nodes()

    assert token_log[-1].refresh_token != first.refresh_token
    assert (
        await admin.count(Endpoint.LOGIN) == 3
    )  # login, refused refresh, password login


async def test_changed_password_is_an_auth_error(
    client: RainMakerClient, admin: EmulatorAdmin
) -> None:
    """Signed out everywhere with a new password: only the user can fix it."""
    await client.login()
    await admin.set_password(EMAIL, "a-new-password")

    with pytest.raises(RainMakerAuthenticationError):
        await client.get_nodes()


async def test_persistent_401_is_not_an_auth_error(
    client: RainMakerClient, admin: EmulatorAdmin
) -> None:
    """A 401 that survives a fresh token is a cloud problem, not a wrong password."""
    await client.login()
    await admin.add_fault(
        path=Endpoint.NODES.path, status=401, body={"message": "Unauthorized"}
    )

    with pytest.raises(RainMakerResponseError) as err:
        await client.get_nodes()

    assert err.value.status == 401
    assert not isinstance(err.value, RainMakerAuthenticationError)


async def test_single_flight_login(
    client: RainMakerClient, admin: EmulatorAdmin
) -> None:
    """Fifty concurrent calls without a token share one login."""
    client.limiter = RateLimiter(rate=1000, burst=1000)
    await asyncio.gather(*(client.get_nodes() for _ in range(50)))

    assert await admin.count(Endpoint.LOGIN) == 1
    assert await admin.count(NODES) == 50


async def test_single_flight_renewal_after_revocation(
    client: RainMakerClient, admin: EmulatorAdmin
) -> None:
    """Fifty calls that all get a 401 share one renewal."""
    client.limiter = RateLimiter(rate=1000, burst=1000)
    await client.login()
    await admin.revoke_tokens(EMAIL, refresh=True, access=True)
    await admin.reset_stats()

    await asyncio.gather(*(client.get_nodes() for _ in range(50)))

    assert (
        await admin.count(Endpoint.LOGIN) == 2
    )  # one refused refresh, one password login


async def test_logout_ends_the_session(
    client: RainMakerClient, admin: EmulatorAdmin
) -> None:
    """After logout the old tokens are gone and the next call logs in again."""
    await client.login()
    await client.logout()
    assert client.tokens is None
    await client.logout()  # nothing to do

    await client.get_nodes()

    assert await admin.count(Endpoint.LOGIN) == 2
    assert await admin.count(Endpoint.LOGOUT) == 1


async def test_secrets_never_logged(
    client: RainMakerClient, admin: EmulatorAdmin, caplog: pytest.LogCaptureFixture
) -> None:
    """No password or token appears in any log record, even at DEBUG."""
    caplog.set_level(logging.DEBUG)
    tokens = await client.login()
    await admin.revoke_tokens(EMAIL, refresh=True, access=True)
    await client.get_nodes()
    assert client.tokens is not None
    secrets = {
        PASSWORD,
        tokens.access_token,
        tokens.id_token,
        tokens.refresh_token,
        client.tokens.access_token,
        client.tokens.refresh_token,
    }

    text = caplog.text + "".join(str(record.args) for record in caplog.records)
    assert all(secret not in text for secret in secrets)
    assert PASSWORD not in repr(client)


@pytest.mark.parametrize("field", ["accesstoken", "idtoken", "refreshtoken"])
@pytest.mark.parametrize("junk", ["\r\nX-Injected: 1", "\n", " ", "\x00"])
async def test_unusable_tokens_are_refused(
    client: RainMakerClient, admin: EmulatorAdmin, field: str, junk: str
) -> None:
    """A token that cannot go into a header is a response error, at once."""
    answer = {
        "status": "success",
        "accesstoken": "header.payload.signature",
        "idtoken": "header.payload.signature",
        "refreshtoken": "opaque-refresh-token",
    }
    answer[field] += junk
    await admin.add_fault(path=Endpoint.LOGIN.path, status=200, body=answer)

    with pytest.raises(RainMakerResponseError, match="unusable"):
        await client.login()


def test_stored_tokens_with_line_breaks_are_ignored() -> None:
    """Stored tokens that could not go into a header are as good as none."""
    stored = {"access_token": "a\r\nb", "id_token": "i", "refresh_token": "r"}
    assert TokenSet.from_dict(stored) is None
    assert TokenSet.from_dict(stored | {"access_token": "a.b.c"}) is not None


async def test_refresh_without_id_token_keeps_the_account(
    client: RainMakerClient,
    admin: EmulatorAdmin,
    account: str,
    token_log: list[TokenSet],
) -> None:
    """A refresh answer with an access token but no id token still renews the session."""
    first = await client.login()
    await admin.settings(refresh_without_idtoken=True)
    await admin.revoke_tokens(EMAIL, refresh=False, access=True)

    await client.get_nodes()
    await client.get_nodes()

    assert await admin.count(Endpoint.LOGIN) == 2  # the login and one refresh
    assert token_log[-1].access_token != first.access_token
    assert token_log[-1].id_token == first.id_token
    assert client.user_id == account


async def test_refresh_without_access_token_falls_back_to_password(
    client: RainMakerClient, admin: EmulatorAdmin
) -> None:
    """A refresh answer without an access token is a refusal: the password follows."""
    await client.login()
    await admin.revoke_tokens(EMAIL, refresh=False, access=True)
    await admin.add_fault(
        path=Endpoint.LOGIN.path, status=200, body={"status": "success"}, times=1
    )

    await client.get_nodes()

    assert (
        await admin.count(Endpoint.LOGIN) == 3
    )  # login, empty refresh answer, password
