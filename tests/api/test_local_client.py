"""ESP Local Control over real loopback sockets: the client against the emulated nodes."""

import asyncio
from collections.abc import AsyncIterator

import aiohttp
import pytest

from custom_components.esp_rainmaker.api import RainMakerClient
from custom_components.esp_rainmaker.api.local import (
    LocalAuthError,
    LocalCommandError,
    LocalControlError,
    LocalProtocolError,
    LocalRefusedError,
    LocalUnreachableError,
)
from rainmaker_emulator import Cloud, EmulatorServer
from rainmaker_emulator.local_control import LocalAccess

from .conftest import EMAIL
from .local_helpers import local_client

SCHEMES = [0, 1, 2]


@pytest.fixture
def lamp(cloud: Cloud, account: str) -> str:
    """A lamp of the account; its config names a Local Control PoP already."""
    return cloud.add_node("lightbulb", EMAIL, name="Lamp").node_id


@pytest.fixture(params=SCHEMES, ids=lambda scheme: f"sec{scheme}")
async def access(
    request: pytest.FixtureRequest, emulator: EmulatorServer, lamp: str
) -> AsyncIterator[LocalAccess]:
    """The lamp serving local control with each security scheme."""
    return await emulator.local.enable(lamp, security=request.param)


async def test_get_params_and_config(
    session: aiohttp.ClientSession, cloud: Cloud, access: LocalAccess
) -> None:
    """The node's params and config are the ones the cloud holds."""
    client = local_client(session, access)
    node = cloud.node(access.node_id)

    assert await client.get_params() == node.reported
    assert await client.get_config() == node.config
    assert client.version is not None
    assert client.version.version == "v1.0"


async def test_set_params_reaches_the_cloud(
    session: aiohttp.ClientSession,
    client: RainMakerClient,
    cloud: Cloud,
    access: LocalAccess,
) -> None:
    """A local write is applied at once and the cloud reports it; so the other way."""
    local = local_client(session, access)

    await local.set_params({"Light": {"Power": True, "Brightness": 80}})

    assert (await local.get_params())["Light"]["Brightness"] == 80
    node = await client.get_node(access.node_id)
    assert node.get("Light", "Brightness") == 80
    await client.set_params({access.node_id: {"Light": {"Brightness": 20}}})
    assert (await local.get_params())["Light"]["Brightness"] == 20
    assert cloud.node(access.node_id).writes[0]["source"] == "local"


async def test_one_session_for_many_calls(
    session: aiohttp.ClientSession, emulator: EmulatorServer, access: LocalAccess
) -> None:
    """Calls share one session, also when they run at the same time."""
    client = local_client(session, access)

    results = await asyncio.gather(*(client.get_params() for _ in range(5)))
    await client.set_params({"Light": {"Power": True}})

    assert all(result == results[0] for result in results)
    assert emulator.local.device(access.node_id).sessions_opened == 1


async def test_dropped_session_is_established_again(
    session: aiohttp.ClientSession, emulator: EmulatorServer, access: LocalAccess
) -> None:
    """A node that forgot the session refuses the next request; one new session follows.

    Security 0 has nothing to refuse with: the node answers in a new session.
    """
    client = local_client(session, access)
    await client.get_params()
    device = emulator.local.device(access.node_id)

    emulator.local.drop_sessions(access.node_id)
    await client.set_params({"Light": {"Power": True}})

    secure = access.scheme != 0
    assert device.refused == int(secure)
    # The first session, the one the stale cookie opened, and the client's new one.
    assert device.sessions_opened == 2 + int(secure)
    assert (await client.get_params())["Light"]["Power"] is True


@pytest.mark.parametrize("scheme", [1, 2])
async def test_wrong_pop(
    session: aiohttp.ClientSession, emulator: EmulatorServer, lamp: str, scheme: int
) -> None:
    """A wrong PoP is refused by the node and reported as such, without the PoP."""
    access = await emulator.local.enable(lamp, security=scheme, pop="right-pop")
    client = local_client(session, access, pop="wrong-pop")

    with pytest.raises(LocalAuthError) as caught:
        await client.get_params()

    assert emulator.local.device(lamp).refused == 1
    assert "pop" not in str(caught.value).replace("proof of possession", "")
    assert "right-pop" not in repr(client)
    assert "wrong-pop" not in repr(client)


async def test_scheme_other_than_the_cloud_says(
    session: aiohttp.ClientSession, emulator: EmulatorServer, lamp: str
) -> None:
    """A node announcing another scheme than its cloud config is not followed."""
    access = await emulator.local.enable(lamp, security=0)

    with pytest.raises(LocalProtocolError, match="security 0"):
        await local_client(session, access, scheme=1).get_params()


async def test_refused_write_is_a_command_error(
    session: aiohttp.ClientSession, emulator: EmulatorServer, access: LocalAccess
) -> None:
    """The node's status for a write it refuses; the session stays."""
    client = local_client(session, access)

    with pytest.raises(LocalCommandError) as caught:
        await client.set_params({"Light": {"No Such Param": 1}})

    assert caught.value.status == "InvalidArgument"
    await client.get_params()
    assert emulator.local.device(access.node_id).sessions_opened == 1


async def test_write_too_large_is_not_sent(
    session: aiohttp.ClientSession, emulator: EmulatorServer, access: LocalAccess
) -> None:
    """Params over the 4096 bytes protocomm takes are refused before sending."""
    client = local_client(session, access)

    with pytest.raises(LocalRefusedError, match="4096"):
        await client.set_params({"Light": {"Name": "x" * 5000}})

    assert emulator.local.device(access.node_id).sessions_opened == 0


async def test_node_off_the_lan(
    session: aiohttp.ClientSession, emulator: EmulatorServer, access: LocalAccess
) -> None:
    """A node that left the LAN is unreachable; back on it, a new session works."""
    client = local_client(session, access)
    await client.get_params()

    await emulator.local.leave_lan(access.node_id)
    with pytest.raises(LocalUnreachableError):
        await client.get_params()

    await emulator.local.join_lan(access.node_id)
    assert emulator.local.access(access.node_id).port == access.port
    assert await client.get_params() == emulator.cloud.node(access.node_id).reported


async def test_node_that_keeps_refusing(
    session: aiohttp.ClientSession,
    emulator: EmulatorServer,
    access: LocalAccess,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A session is opened again once, not over and over."""
    client = local_client(session, access)
    await client.get_params()
    device = emulator.local.device(access.node_id)
    monkeypatch.setattr(device, "node", None)  # every command now fails on the node

    with pytest.raises(LocalRefusedError):
        await client.get_params()

    assert device.sessions_opened == 2


async def test_answer_too_large(
    session: aiohttp.ClientSession, emulator: EmulatorServer, lamp: str
) -> None:
    """An answer over the bound is not read to its end."""
    access = await emulator.local.enable(lamp, security=0)
    client = local_client(session, access, max_answer_size=200)

    with pytest.raises(LocalProtocolError, match="over 200 bytes"):
        await client.get_config()


# Nodes that answer nonsense --------------------------------------------------------


@pytest.fixture
async def fake_node(
    socket_enabled: None,
) -> AsyncIterator[tuple[aiohttp.web.Application, int]]:
    """An HTTP server on a loopback port whose answers each test sets."""
    app = aiohttp.web.Application()
    runner = aiohttp.web.AppRunner(app, access_log=None)
    answers: dict[str, bytes] = {}
    app["answers"] = answers

    async def answer(request: aiohttp.web.Request) -> aiohttp.web.Response:
        await request.read()
        return aiohttp.web.Response(body=answers[request.match_info["endpoint"]])

    app.router.add_post("/esp_local_ctrl/{endpoint}", answer)
    await runner.setup()
    site = aiohttp.web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    yield app, int(runner.addresses[0][1])
    await runner.cleanup()


def _fake_access(port: int, scheme: int = 0) -> LocalAccess:
    return LocalAccess("fake", "127.0.0.1", port, scheme, "pop")


@pytest.mark.parametrize(
    ("answers", "message"),
    [
        ({"version": b"\xff" * 100}, "version"),
        ({"version": b"v1.0", "session": b"\xff\xff\xff"}, "not protobuf"),
        ({"version": b'{"local_ctrl":{"sec_ver":0}}', "session": b""}, "security 0"),
    ],
    ids=["version", "handshake", "empty-handshake"],
)
async def test_garbage_answers(
    session: aiohttp.ClientSession,
    fake_node: tuple[aiohttp.web.Application, int],
    answers: dict[str, bytes],
    message: str,
) -> None:
    """Answers that are not the protocol end in a protocol error."""
    app, port = fake_node
    app["answers"].update(answers)

    with pytest.raises(LocalProtocolError):
        await local_client(session, _fake_access(port)).get_params()


async def test_garbage_control_answer(
    session: aiohttp.ClientSession,
    emulator: EmulatorServer,
    access: LocalAccess,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """An answer that does not decrypt or parse drops the session; twice is an error."""
    client = local_client(session, access)
    await client.get_config()
    device = emulator.local.device(access.node_id)
    original = device._answer

    def garbled(endpoint: str, body: bytes) -> bytes:
        answer = original(endpoint, body)
        return b"\x07garbage" + answer if endpoint == "control" else answer

    monkeypatch.setattr(device, "_answer", garbled)
    with pytest.raises(LocalProtocolError):
        await client.get_params()
    assert device.sessions_opened == 2


async def test_silent_node_times_out(
    session: aiohttp.ClientSession, socket_enabled: None
) -> None:
    """A node that accepts the connection and never answers is unreachable in time."""
    connections: list[asyncio.StreamWriter] = []

    async def accept(_: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        connections.append(writer)

    server = await asyncio.start_server(accept, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        client = local_client(session, _fake_access(port), timeout=0.2)
        with pytest.raises(LocalUnreachableError, match="in time"):
            await client.get_params()
    finally:
        for writer in connections:
            writer.close()
        server.close()
        await server.wait_closed()


async def test_nothing_listening(
    session: aiohttp.ClientSession, socket_enabled: None
) -> None:
    """No server at the address: unreachable, and every error is a LocalControlError."""
    server = await asyncio.start_server(lambda r, w: None, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    server.close()
    await server.wait_closed()

    with pytest.raises(LocalUnreachableError) as caught:
        await local_client(session, _fake_access(port)).get_config()
    assert isinstance(caught.value, LocalControlError)


@pytest.mark.parametrize(
    ("params", "message"),
    [(b"not json", "not JSON"), (b"[1]", "not a JSON object")],
    ids=["not-json", "not-object"],
)
async def test_params_that_are_not_an_object(
    session: aiohttp.ClientSession,
    emulator: EmulatorServer,
    lamp: str,
    monkeypatch: pytest.MonkeyPatch,
    params: bytes,
    message: str,
) -> None:
    """The params property must hold a JSON object."""
    access = await emulator.local.enable(lamp, security=1)
    monkeypatch.setattr(emulator.local.device(lamp).node, "params_text", lambda: params)

    with pytest.raises(LocalProtocolError, match=message):
        await local_client(session, access).get_params()


async def test_node_without_params_property(
    session: aiohttp.ClientSession,
    emulator: EmulatorServer,
    lamp: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A node whose local control has no params property (not RainMaker's)."""
    from rainmaker_emulator.local_control import device_properties

    access = await emulator.local.enable(lamp, security=0)
    monkeypatch.setattr(
        device_properties, "PROPERTIES", device_properties.PROPERTIES[:1]
    )

    with pytest.raises(LocalProtocolError, match="no 'params' property"):
        await local_client(session, access).set_params({"Light": {"Power": True}})
