"""The emulator's ESP Local Control: the nodes' servers, raw, and their device side."""

from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import orjson
import pytest

from custom_components.esp_rainmaker.api.local.proto import (
    constants_pb2,
    esp_local_ctrl_pb2 as pb,
    sec1_pb2,
    sec2_pb2,
    session_pb2,
)
from rainmaker_emulator import Cloud, EmulatorServer
from rainmaker_emulator.local_control import LocalAccess
from rainmaker_emulator.local_control.device_properties import handle
from rainmaker_emulator.local_control.device_security import (
    RefusedError,
    Sec1Device,
    Sec2Device,
)
from rainmaker_emulator.local_control.device_srp import make_verifier

from .conftest import EMAIL, PASSWORD


@pytest.fixture
def owner(cloud: Cloud) -> str:
    """The account that owns the nodes."""
    return cloud.add_account(EMAIL, PASSWORD).email


async def post(
    session: aiohttp.ClientSession,
    access: LocalAccess,
    endpoint: str,
    body: bytes,
    cookie: str | None = None,
) -> tuple[bytes, str | None] | None:
    """POST raw; return the answer and its cookie, or None for a closed connection."""
    headers = {"Cookie": cookie} if cookie else {}
    url = f"http://{access.host}:{access.port}/esp_local_ctrl/{endpoint}"
    try:
        async with session.post(url, data=body, headers=headers) as response:
            return await response.read(), response.headers.get("Set-Cookie")
    except aiohttp.ServerDisconnectedError:
        return None


async def test_enable_names_the_service(
    emulator: EmulatorServer, cloud: Cloud, owner: str
) -> None:
    """A node without the service gets it in its config, with POP and Type reported."""
    switch = cloud.add_node("switch", owner)

    access = await emulator.local.enable(switch.node_id, security=2)

    node = cloud.node(switch.node_id)
    services = {service["type"]: service for service in node.config["services"]}
    assert services["esp.service.local_control"]["name"] == "Local Control"
    assert node.reported["Local Control"] == {"POP": access.pop, "Type": 2}
    assert len(access.pop) == 8
    assert access.pop in cloud.secrets()
    assert access.pop not in repr(access)


async def test_enable_keeps_the_lamps_pop(
    emulator: EmulatorServer, cloud: Cloud, owner: str
) -> None:
    """A lamp's config names a PoP already: local control uses it, once in the config."""
    lamp = cloud.add_node("lightbulb", owner)
    pop = lamp.reported["Local Control"]["POP"]

    access = await emulator.local.enable(lamp.node_id, security=1)
    again = await emulator.local.enable(lamp.node_id, security=0)

    assert access.pop == again.pop == pop
    types = [service["type"] for service in cloud.node(lamp.node_id).config["services"]]
    assert types.count("esp.service.local_control") == 1
    with pytest.raises(ValueError, match="scheme 3"):
        await emulator.local.enable(lamp.node_id, security=3)


async def test_version_and_session_cookie(
    emulator: EmulatorServer, cloud: Cloud, owner: str, session: aiohttp.ClientSession
) -> None:
    """The version is JSON; the first answer of a session sets its cookie, later ones not."""
    lamp = cloud.add_node("lightbulb", owner)
    access = await emulator.local.enable(lamp.node_id, security=2)

    first = await post(session, access, "version", b"---")
    assert first is not None
    body, cookie = first
    assert orjson.loads(body) == {
        "local_ctrl": {"ver": "v1.0", "sec_ver": 2, "sec_patch_ver": 1}
    }
    assert cookie is not None
    assert cookie.startswith("session=")
    again = await post(session, access, "version", b"---", cookie)
    assert again is not None
    assert again[1] is None
    assert emulator.local.device(lamp.node_id).sessions_opened == 1


@pytest.mark.parametrize(
    ("endpoint", "body"),
    [
        ("version", b""),
        ("version", b"x" * 4097),
        ("nothing", b"x"),
        ("control", b"x"),
        ("session", b"\xff\xff"),
    ],
    ids=["empty", "too-long", "unknown-endpoint", "control-first", "garbage-session"],
)
async def test_refused_by_closing(
    emulator: EmulatorServer,
    cloud: Cloud,
    owner: str,
    session: aiohttp.ClientSession,
    endpoint: str,
    body: bytes,
) -> None:
    """What protocomm fails closes the connection unanswered."""
    lamp = cloud.add_node("lightbulb", owner)
    access = await emulator.local.enable(lamp.node_id, security=1)

    assert await post(session, access, endpoint, body) is None
    assert emulator.local.device(lamp.node_id).refused == 1


async def test_server_stop_stops_local_control(
    socket_enabled: None, cloud: Cloud, owner: str, session: aiohttp.ClientSession
) -> None:
    """Stopping the emulator stops every node's server; starting twice is harmless."""
    lamp = cloud.add_node("lightbulb", owner)
    async with EmulatorServer(cloud) as server:
        access = await server.local.enable(lamp.node_id)
        await server.local.join_lan(lamp.node_id)
        device = server.local.device(lamp.node_id)
        assert device.serving
    assert not device.serving
    with pytest.raises(aiohttp.ClientConnectorError):
        await session.post(f"http://{access.host}:{access.port}/esp_local_ctrl/version")


# Writes ----------------------------------------------------------------------------


class Node:
    """The node behind the properties, for the handler alone."""

    def __init__(self, cloud: Cloud, node_id: str, emulator: EmulatorServer) -> None:
        self.properties = emulator.local.device(node_id).node

    def command(self, message: pb.LocalCtrlMessage) -> pb.LocalCtrlMessage:
        answer = pb.LocalCtrlMessage()
        answer.ParseFromString(handle(message.SerializeToString(), self.properties))
        return answer


def set_params(index: int, value: Any) -> pb.LocalCtrlMessage:
    message = pb.LocalCtrlMessage(msg=pb.TypeCmdSetPropertyValues)
    data = value if isinstance(value, bytes) else orjson.dumps(value)
    message.cmd_set_prop_vals.props.add(index=index, value=data)
    return message


@pytest.fixture
async def lamp_node(
    emulator: EmulatorServer, cloud: Cloud, owner: str
) -> AsyncIterator[tuple[str, Node]]:
    """A lamp with local control, and its properties handler."""
    lamp = cloud.add_node("lightbulb", owner)
    await emulator.local.enable(lamp.node_id, security=0)
    return lamp.node_id, Node(cloud, lamp.node_id, emulator)


@pytest.mark.parametrize(
    ("message", "status"),
    [
        (set_params(0, {"Light": {"Power": True}}), constants_pb2.InvalidArgument),
        (set_params(5, {"Light": {"Power": True}}), constants_pb2.InvalidArgument),
        (set_params(1, b"{not json"), constants_pb2.InternalError),
        (set_params(1, {"Light": {"Power": "on"}}), constants_pb2.InvalidArgument),
        (set_params(1, {"Light": {"Power": True}}), constants_pb2.Success),
    ],
    ids=["read-only", "no-such-index", "not-json", "refused", "applied"],
)
async def test_set_statuses(
    lamp_node: tuple[str, Node], message: pb.LocalCtrlMessage, status: int
) -> None:
    """The firmware's statuses: read-only config, bad index, bad JSON, refused params."""
    _, node = lamp_node
    answer = node.command(message)
    assert answer.msg == pb.TypeRespSetPropertyValues
    assert answer.resp_set_prop_vals.status == status


async def test_get_values_and_bad_commands(lamp_node: tuple[str, Node]) -> None:
    """An index out of range is a status; a command that is none is refused."""
    _, node = lamp_node
    message = pb.LocalCtrlMessage(msg=pb.TypeCmdGetPropertyValues)
    message.cmd_get_prop_vals.indices.extend([0, 9])
    answer = node.command(message)
    assert answer.resp_get_prop_vals.status == constants_pb2.InvalidArgument
    assert list(answer.resp_get_prop_vals.props) == []
    with pytest.raises(RefusedError):
        handle(b"\xff\xff", node.properties)
    with pytest.raises(RefusedError):
        handle(
            pb.LocalCtrlMessage(msg=pb.TypeRespSetPropertyValues).SerializeToString(),
            node.properties,
        )


async def test_local_write_is_immediate_and_hazards_crash(
    socket_enabled: None, owner: str
) -> None:
    """No apply delay on the LAN; a write that crashes the hub takes it offline."""
    from rainmaker_emulator import Settings

    slow = Cloud(seed=1, settings=Settings(apply_delay=30.0))
    slow.add_account("slow@example.com", "x")
    hub = slow.add_node("thermacell", "slow@example.com")
    async with EmulatorServer(slow) as server:
        await server.local.enable(hub.node_id, security=0)
        node = Node(slow, hub.node_id, server)
        device = next(iter(slow.node(hub.node_id).reported))
        ok = node.command(set_params(1, {device: {"Enable Repellers": True}}))
        assert ok.resp_set_prop_vals.status == constants_pb2.Success
        assert slow.node(hub.node_id).reported[device]["Enable Repellers"] is True
        crash = node.command(set_params(1, {device: {"LED Saturation": 10}}))
        assert crash.resp_set_prop_vals.status == constants_pb2.InvalidArgument
        assert not slow.node(hub.node_id).online


# The device's handshakes -----------------------------------------------------------


def sec1_request(**fields: object) -> bytes:
    return session_pb2.SessionData(
        sec_ver=session_pb2.SecScheme1, sec1=sec1_pb2.Sec1Payload(**fields)
    ).SerializeToString()


def sec2_request(**fields: object) -> bytes:
    return session_pb2.SessionData(
        sec_ver=session_pb2.SecScheme2, sec2=sec2_pb2.Sec2Payload(**fields)
    ).SerializeToString()


@pytest.mark.parametrize(
    "request_",
    [
        b"\xff\xff",
        sec2_request(),
        sec1_request(msg=sec1_pb2.Session_Response0),
        sec1_request(sc0=sec1_pb2.SessionCmd0(client_pubkey=b"short")),
        sec1_request(sc0=sec1_pb2.SessionCmd0(client_pubkey=bytes(32))),
        sec1_request(
            msg=sec1_pb2.Session_Command1,
            sc1=sec1_pb2.SessionCmd1(client_verify_data=bytes(32)),
        ),
    ],
    ids=[
        "garbage",
        "other-scheme",
        "not-a-command",
        "short-key",
        "zero-key",
        "early-proof",
    ],
)
def test_sec1_device_refuses(request_: bytes) -> None:
    """Security 1's device refuses what security1.c fails."""
    device = Sec1Device("pop")
    with pytest.raises(RefusedError):
        device.handle(request_)
    with pytest.raises(RefusedError):
        device.encrypt(b"x")


@pytest.mark.parametrize(
    "request_",
    [
        sec2_request(msg=sec2_pb2.S2Session_Response0),
        sec2_request(
            sc0=sec2_pb2.S2SessionCmd0(client_username=b"u", client_pubkey=b"k")
        ),
        sec2_request(
            sc0=sec2_pb2.S2SessionCmd0(client_username=b"u", client_pubkey=bytes(384))
        ),
        sec2_request(
            msg=sec2_pb2.S2Session_Command1,
            sc1=sec2_pb2.S2SessionCmd1(client_proof=bytes(64)),
        ),
    ],
    ids=["not-a-command", "short-key", "zero-key", "early-proof"],
)
def test_sec2_device_refuses(request_: bytes) -> None:
    """Security 2's device refuses what security2.c fails."""
    import random

    salt, verifier = make_verifier("wifiprov", "pop", random.Random(1))
    device = Sec2Device(salt, verifier, random.Random(2))
    with pytest.raises(RefusedError):
        device.handle(request_)
    with pytest.raises(RefusedError):
        device.decrypt(b"x" * 20)


def test_sec2_device_short_proof() -> None:
    """A client proof must be 64 bytes."""
    import random

    salt, verifier = make_verifier("wifiprov", "pop", random.Random(1))
    device = Sec2Device(salt, verifier, random.Random(2))
    device.handle(
        sec2_request(
            sc0=sec2_pb2.S2SessionCmd0(
                client_username=b"wifiprov", client_pubkey=b"\x01" * 384
            )
        )
    )
    with pytest.raises(RefusedError, match="length"):
        device.handle(
            sec2_request(
                msg=sec2_pb2.S2Session_Command1,
                sc1=sec2_pb2.S2SessionCmd1(client_proof=b"short"),
            )
        )
