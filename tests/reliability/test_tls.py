"""TLS: HTTPS is required off loopback, and certificate checks are never turned off."""

import ast
import asyncio
from collections.abc import AsyncIterator, Generator, Iterator
from datetime import UTC, datetime, timedelta
from ipaddress import ip_address
from pathlib import Path
import re
import ssl
import threading
from unittest.mock import patch

import aiohttp
from aiohttp import web
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from homeassistant.config_entries import SOURCE_USER, ConfigEntryState
from homeassistant.const import CONF_PASSWORD, CONF_URL, CONF_USERNAME
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers.aiohttp_client import async_get_clientsession
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.esp_rainmaker.api import (
    KNOWN_CLOUDS,
    RainMakerClient,
    RainMakerConnectionError,
    RainMakerValidationError,
    TokenSet,
    normalize_base_url,
)
from custom_components.esp_rainmaker.const import DOMAIN
from rainmaker_emulator import (
    DEMO_EMAIL,
    DEMO_PASSWORD,
    Cloud,
    EmulatorAdmin,
    EmulatorServer,
    Endpoint,
)

PACKAGE = Path(__file__).parents[2] / "custom_components" / "esp_rainmaker"

PUBLIC_HTTP = [
    "http://rainmaker.example.com",
    "http://api.rainmaker.espressif.com",
    "HTTP://API.IOT.THERMACELL.COM/v1",
    "http://10.0.0.1:8080",
    "http://192.168.1.20",
    "http://0.0.0.0",
    "http://localhost.example.com",
    "http://127.0.0.1.nip.io",
    "http://2130706433",  # 127.0.0.1 as a number: a host name, not loopback
    "http://0x7f000001",
    "http://[2001:db8::1]",
]
NOT_HTTP = [
    "ftp://api.rainmaker.espressif.com",
    "ws://127.0.0.1:8080",
    "file:///etc/passwd",
    "javascript:alert(1)",
    "//api.rainmaker.espressif.com",
    "api.rainmaker.espressif.com",
    "https://",
]


# HTTPS off loopback -------------------------------------------------------------------


@pytest.mark.parametrize("url", PUBLIC_HTTP)
def test_plain_http_refused_off_loopback(url: str) -> None:
    """Plain HTTP to any host that is not loopback is refused, also by the client."""
    with pytest.raises(RainMakerValidationError, match="https"):
        normalize_base_url(url)
    with pytest.raises(RainMakerValidationError):
        RainMakerClient(url, DEMO_EMAIL, DEMO_PASSWORD)


@pytest.mark.parametrize("url", NOT_HTTP)
def test_other_schemes_refused(url: str) -> None:
    """Only http(s) URLs naming a host are accepted."""
    with pytest.raises(RainMakerValidationError):
        normalize_base_url(url)


@pytest.mark.parametrize(
    "url",
    [
        "https://ex ample.com",
        "https://exa\x00mple.com",
        "https://" + "a" * 10_000 + ".com",
    ],
    ids=["space", "nul", "10 kB label"],
)
def test_junk_hosts_refused(url: str) -> None:
    """A host that cannot be a host name is an invalid URL, not a connection problem."""
    with pytest.raises(RainMakerValidationError):
        normalize_base_url(url)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("http://127.0.0.1:8080", "http://127.0.0.1:8080"),
        ("http://127.4.5.6/v1/", "http://127.4.5.6"),
        ("http://localhost:8123", "http://localhost:8123"),
        ("http://[::1]:8080", "http://[::1]:8080"),
    ],
)
def test_plain_http_allowed_on_loopback(url: str, expected: str) -> None:
    """An emulator on this machine may use plain HTTP."""
    assert normalize_base_url(url) == expected


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        *((url, url) for url in KNOWN_CLOUDS),
        (
            "https://api.rainmaker.espressif.com/v1/",
            "https://api.rainmaker.espressif.com",
        ),
        ("HTTPS://Example.COM:8443/base", "https://example.com:8443/base"),
    ],
)
def test_https_accepted(url: str, expected: str) -> None:
    """HTTPS URLs are kept as HTTPS; every known cloud is HTTPS."""
    assert normalize_base_url(url) == expected
    assert expected.startswith("https://")


async def test_flow_refuses_plain_http(
    hass: HomeAssistant, emulator: EmulatorServer, admin: EmulatorAdmin
) -> None:
    """The config flow shows `invalid_url` for http:// to a public host, sending nothing."""
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_USER}
    )
    await admin.reset_stats()

    for url in PUBLIC_HTTP:
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"],
            {CONF_URL: url, CONF_USERNAME: DEMO_EMAIL, CONF_PASSWORD: DEMO_PASSWORD},
        )
        assert result["type"] is FlowResultType.FORM
        assert result["errors"] == {CONF_URL: "invalid_url"}

    assert (await admin.stats())["total"] == 0
    assert hass.config_entries.async_entries(DOMAIN) == []


@pytest.mark.parametrize("url", ["http://rainmaker.example.com", "http://10.0.0.1"])
async def test_setup_refuses_stored_plain_http(
    hass: HomeAssistant,
    emulator: EmulatorServer,
    admin: EmulatorAdmin,
    demo_user_id: str,
    url: str,
) -> None:
    """An entry whose stored URL is http:// to a public host fails setup for good."""
    entry = MockConfigEntry(
        domain=DOMAIN,
        title=DEMO_EMAIL,
        unique_id=demo_user_id,
        data={CONF_URL: url, CONF_USERNAME: DEMO_EMAIL, CONF_PASSWORD: DEMO_PASSWORD},
    )
    entry.add_to_hass(hass)
    await admin.reset_stats()

    assert not await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()

    assert entry.state is ConfigEntryState.SETUP_ERROR
    assert entry.reason is not None
    assert "https" in entry.reason
    assert (await admin.stats())["total"] == 0


# Certificate verification ------------------------------------------------------------


def package_sources() -> Iterator[tuple[Path, str]]:
    """Every Python module of the integration, with its text."""
    files = sorted(PACKAGE.rglob("*.py"))
    assert len(files) > 10, "the integration's modules were not found"
    for path in files:
        yield path, path.read_text(encoding="utf-8")


FORBIDDEN_TEXT = [
    re.compile(r"\bssl\s*=\s*False"),
    re.compile(r"\bverify_ssl\s*=\s*False"),
    re.compile(r"\bCERT_NONE\b"),
    re.compile(r"\bcheck_hostname\b"),
    re.compile(r"\bcreate_default_context\b"),
    re.compile(r"\b_create_unverified_context\b"),
    re.compile(r"\bTCPConnector\s*\("),
    re.compile(r"\bSSLContext\s*\("),
    re.compile(r"\bverify_mode\b"),
    re.compile(r"\bPYTHONHTTPSVERIFY\b"),
]
CLIENT_SESSION_FACTORIES = {"async_get_clientsession", "async_create_clientsession"}


def tls_findings(source: str) -> list[str]:
    """Return every way `source` could weaken TLS verification."""
    findings = [
        f"text {pattern.pattern!r}"
        for pattern in FORBIDDEN_TEXT
        if pattern.search(source)
    ]
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call):
            name = (
                node.func.attr
                if isinstance(node.func, ast.Attribute)
                else getattr(node.func, "id", "")
            )
            findings.extend(
                f"{name}({keyword.arg}=...)"
                for keyword in node.keywords
                if keyword.arg in {"ssl", "verify_ssl", "ssl_context", "connector"}
            )
            if name in CLIENT_SESSION_FACTORIES and (
                len(node.args) != 1 or node.keywords
            ):
                findings.append(f"{name} with arguments other than hass")
            if name == "TCPConnector":
                findings.append("TCPConnector(...)")
        elif isinstance(node, ast.Attribute) and node.attr in {
            "CERT_NONE",
            "check_hostname",
            "verify_mode",
        }:
            findings.append(f".{node.attr}")
    return findings


@pytest.mark.parametrize(
    "snippet",
    [
        "session.get(url, ssl=False)",
        "aiohttp.ClientSession(connector=aiohttp.TCPConnector(ssl=ctx))",
        "async_get_clientsession(hass, verify_ssl=False)",
        "async_get_clientsession(hass, False)",
        "async_create_clientsession(hass, verify_ssl=False)",
        "ctx = ssl.create_default_context()\nctx.check_hostname = False",
        "ctx.verify_mode = ssl.CERT_NONE",
        "session.request('GET', url, verify_ssl = False)",
    ],
)
def test_checker_catches_weakened_tls(snippet: str) -> None:
    """The static check below is not vacuous: it flags each way of turning TLS off."""
    assert tls_findings(snippet)


def test_tls_verification_never_disabled() -> None:
    """No module of the integration turns certificate or host name checks off."""
    findings = {
        str(path.relative_to(PACKAGE)): found
        for path, source in package_sources()
        if (found := tls_findings(source))
    }
    assert findings == {}


def test_integration_uses_home_assistants_session() -> None:
    """Setup and the config flow take HA's verifying session: `async_get_clientsession(hass)`."""
    calls: dict[str, list[str]] = {}
    for path, source in package_sources():
        for node in ast.walk(ast.parse(source)):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in CLIENT_SESSION_FACTORIES
            ):
                calls.setdefault(path.name, []).append(ast.unparse(node))
    assert calls == {
        # The cloud client's and the local control clients' (the same session).
        "__init__.py": ["async_get_clientsession(hass)"] * 2,
        "config_flow.py": ["async_get_clientsession(self.hass)"],
    }


@pytest.fixture
def session_factory_spy() -> Generator[
    list[tuple[tuple[object, ...], dict[str, object]]]
]:
    """Record how the integration asks Home Assistant for its HTTP session."""
    calls: list[tuple[tuple[object, ...], dict[str, object]]] = []

    def spy(*args: object, **kwargs: object) -> object:
        calls.append((args, kwargs))
        return async_get_clientsession(*args, **kwargs)  # type: ignore[arg-type]

    with patch("custom_components.esp_rainmaker.async_get_clientsession", spy):
        yield calls


async def test_running_client_uses_verifying_session(
    hass: HomeAssistant,
    session_factory_spy: list[tuple[tuple[object, ...], dict[str, object]]],
    init_integration: MockConfigEntry,
) -> None:
    """The running client holds HA's shared session with certificate checks on."""
    client = init_integration.runtime_data.coordinator.client
    # The cloud client's, then the local control clients'.
    assert session_factory_spy == [((hass,), {})] * 2
    assert client.session is async_get_clientsession(hass)
    assert client.session is not async_get_clientsession(hass, verify_ssl=False)


# Certificates, checked live ------------------------------------------------------------


@pytest.fixture
def self_signed(tmp_path: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 (no authority trusts it) and its key."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.now(UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=30))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ip_address("127.0.0.1"))]),
            critical=False,
        )
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = tmp_path / "cert.pem", tmp_path / "key.pem"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


@pytest.fixture
def https_emulator(
    socket_enabled: None,
    cloud: Cloud,
    demo_user_id: str,
    self_signed: tuple[Path, Path],
) -> Iterator[EmulatorServer]:
    """The demo account served over HTTPS with the untrusted certificate.

    In a thread with its own event loop: the server's side of each refused handshake
    is an error of that loop, not of Home Assistant's.
    """
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(*self_signed)
    server = EmulatorServer(cloud, ssl_context=context)
    loop = asyncio.new_event_loop()
    loop.set_exception_handler(lambda loop, context: None)
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    asyncio.run_coroutine_threadsafe(server.start(), loop).result(timeout=10)
    try:
        yield server
    finally:
        asyncio.run_coroutine_threadsafe(server.stop(), loop).result(timeout=10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=10)
        loop.close()


@pytest.fixture
async def trusting_session(
    self_signed: tuple[Path, Path],
) -> AsyncIterator[aiohttp.ClientSession]:
    """A session that trusts the self-signed certificate (the positive control)."""
    context = ssl.create_default_context(cafile=self_signed[0])
    async with aiohttp.ClientSession(
        connector=aiohttp.TCPConnector(ssl=context)
    ) as session:
        yield session


async def test_untrusted_certificate_refused(
    hass: HomeAssistant,
    https_emulator: EmulatorServer,
    trusting_session: aiohttp.ClientSession,
) -> None:
    """A cloud whose certificate no authority vouches for never gets the password.

    The same server, trusted explicitly, answers the same login: the refusal is the
    certificate check, not a broken server.
    """
    admin = EmulatorAdmin(trusting_session, https_emulator.url)
    trusted = RainMakerClient(
        https_emulator.url, DEMO_EMAIL, DEMO_PASSWORD, session=trusting_session
    )
    assert (await trusted.login()).access_token
    await admin.reset_stats()

    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_USER}
    )
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {
            CONF_URL: https_emulator.url,
            CONF_USERNAME: DEMO_EMAIL,
            CONF_PASSWORD: DEMO_PASSWORD,
        },
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "cannot_connect"}
    assert hass.config_entries.async_entries(DOMAIN) == []

    client = RainMakerClient(
        https_emulator.url,
        DEMO_EMAIL,
        DEMO_PASSWORD,
        session=async_get_clientsession(hass),
    )
    with pytest.raises(RainMakerConnectionError, match="Certificate"):
        await client.login()
    # The handshake failed before any request reached the server.
    assert (await admin.stats())["total"] == 0


# Redirects ---------------------------------------------------------------------------


@pytest.fixture
async def plain_listener(socket_enabled: None) -> AsyncIterator[tuple[str, list[str]]]:
    """A plain-HTTP server on loopback that records every request it receives."""
    received: list[str] = []

    async def record(request: web.Request) -> web.Response:
        received.append(f"{request.method} {request.path} {await request.text()}")
        return web.json_response({"status": "success"})

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", record)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    try:
        yield f"http://127.0.0.1:{port}", received
    finally:
        await runner.cleanup()


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
async def test_redirects_are_never_followed(
    https_emulator: EmulatorServer,
    trusting_session: aiohttp.ClientSession,
    plain_listener: tuple[str, list[str]],
    status: int,
) -> None:
    """A cloud that redirects the login (or the refresh) elsewhere gets nothing sent there.

    Following a 307 from HTTPS to plain HTTP would post the e-mail and password in
    clear text. The client stops at the redirect with an error that names it.
    """
    target, received = plain_listener
    admin = EmulatorAdmin(trusting_session, https_emulator.url)
    client = RainMakerClient(
        https_emulator.url, DEMO_EMAIL, DEMO_PASSWORD, session=trusting_session
    )
    await client.login()
    await admin.add_fault(
        path=Endpoint.LOGIN.path,
        status=status,
        headers={"Location": f"{target}/v1/login2"},
    )

    with pytest.raises(RainMakerConnectionError, match=f"HTTP {status}.*redirect"):
        await client.login()
    assert client.tokens is not None
    refreshing = RainMakerClient(
        https_emulator.url,
        DEMO_EMAIL,
        DEMO_PASSWORD,
        session=trusting_session,
        tokens=TokenSet("expired", client.tokens.id_token, client.tokens.refresh_token),
    )
    with pytest.raises(RainMakerConnectionError, match="redirect"):
        await refreshing.get_nodes()
    assert received == []
