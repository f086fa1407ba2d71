"""ESP Local Control's messages and handshakes, against answers made up here."""

from collections.abc import Callable

import pytest

from custom_components.esp_rainmaker.api.local import (
    LocalAuthError,
    LocalCommandError,
    LocalProtocolError,
    SecurityScheme,
)
from custom_components.esp_rainmaker.api.local.properties import (
    read_count,
    read_set,
    read_values,
)
from custom_components.esp_rainmaker.api.local.proto import (
    constants_pb2,
    esp_local_ctrl_pb2 as pb,
    sec0_pb2,
    sec1_pb2,
    sec2_pb2,
    session_pb2,
)
from custom_components.esp_rainmaker.api.local.schemes import (
    LocalCredentials,
    new_security,
)
from custom_components.esp_rainmaker.api.local.security0 import Security0
from custom_components.esp_rainmaker.api.local.security1 import Security1
from custom_components.esp_rainmaker.api.local.security2 import Security2
from custom_components.esp_rainmaker.api.local.srp import to_bytes
from custom_components.esp_rainmaker.api.local.transport import LocalTransport
from custom_components.esp_rainmaker.api.local.version import read_version


def scripted(*answers: bytes) -> Callable[[bytes], object]:
    """An exchange that answers each handshake step with the next answer."""
    queue = list(answers)

    async def exchange(_: bytes) -> bytes:
        return queue.pop(0)

    return exchange


def sec1_answer(**fields: object) -> bytes:
    return session_pb2.SessionData(
        sec_ver=session_pb2.SecScheme1, sec1=sec1_pb2.Sec1Payload(**fields)
    ).SerializeToString()


def sec2_answer(**fields: object) -> bytes:
    return session_pb2.SessionData(
        sec_ver=session_pb2.SecScheme2, sec2=sec2_pb2.Sec2Payload(**fields)
    ).SerializeToString()


# Version ---------------------------------------------------------------------------


def test_version_json_and_bare() -> None:
    """Current firmware answers JSON; older answered the bare version."""
    data = b'{"local_ctrl":{"ver":"v1.0","sec_ver":2,"sec_patch_ver":1}}'
    version = read_version(data, SecurityScheme.SEC2)
    assert (version.version, version.scheme, version.patch) == ("v1.0", 2, 1)
    bare = read_version(b"v1.0", SecurityScheme.SEC1)
    assert (bare.version, bare.patch) == ("v1.0", 0)


@pytest.mark.parametrize(
    "data",
    [b"", b"x" * 100, b'{"local_ctrl":{"sec_ver":1,"sec_patch_ver":"1"}}'],
    ids=["empty", "long", "malformed"],
)
def test_version_unreadable(data: bytes) -> None:
    """Nothing, a long text or wrong types are not a version."""
    with pytest.raises(LocalProtocolError):
        read_version(data, SecurityScheme.SEC1)


# Properties ------------------------------------------------------------------------


def test_answer_of_another_command() -> None:
    """An answer must be of the command asked."""
    answer = pb.LocalCtrlMessage(
        msg=pb.TypeRespSetPropertyValues, resp_set_prop_vals=pb.RespSetPropertyValues()
    ).SerializeToString()
    with pytest.raises(LocalProtocolError, match="another command"):
        read_count(answer)
    with pytest.raises(LocalProtocolError, match="not protobuf"):
        read_count(b"\xff\xff")


def test_values_count_and_status() -> None:
    """As many properties as asked, and a status that names the refusal."""
    answer = pb.LocalCtrlMessage(msg=pb.TypeRespGetPropertyValues)
    answer.resp_get_prop_vals.props.add(name="config")
    with pytest.raises(LocalProtocolError, match="number"):
        read_values(answer.SerializeToString(), [0, 1])
    refused = pb.LocalCtrlMessage(msg=pb.TypeRespSetPropertyValues)
    refused.resp_set_prop_vals.status = constants_pb2.InvalidArgument
    with pytest.raises(LocalCommandError) as caught:
        read_set(refused.SerializeToString())
    assert caught.value.status == "InvalidArgument"
    unknown = pb.LocalCtrlMessage(msg=pb.TypeRespSetPropertyValues)
    unknown.resp_set_prop_vals.status = 42  # type: ignore[assignment]
    with pytest.raises(LocalCommandError) as caught:
        read_set(unknown.SerializeToString())
    assert caught.value.status == "42"


# Handshakes ------------------------------------------------------------------------


async def test_security0_refused() -> None:
    """A security 0 node that does not grant the session."""
    answer = session_pb2.SessionData(
        sec_ver=session_pb2.SecScheme0,
        sec0=sec0_pb2.Sec0Payload(
            msg=sec0_pb2.S0_Session_Response,
            sr=sec0_pb2.S0SessionResp(status=constants_pb2.InvalidSession),
        ),
    ).SerializeToString()
    with pytest.raises(LocalProtocolError, match="refused"):
        await Security0().establish(scripted(answer))


async def test_security1_malformed_keys() -> None:
    """Keys of the wrong size, and a key X25519 cannot agree with."""
    short = sec1_answer(
        sr0=sec1_pb2.SessionResp0(device_pubkey=b"k", device_random=b"r")
    )
    with pytest.raises(LocalProtocolError, match="malformed"):
        await Security1("pop").establish(scripted(short))
    zero = sec1_answer(
        sr0=sec1_pb2.SessionResp0(device_pubkey=bytes(32), device_random=bytes(16))
    )
    with pytest.raises(LocalProtocolError, match="invalid"):
        await Security1("pop").establish(scripted(zero))


async def test_security1_device_without_the_pop() -> None:
    """A device whose proof does not decrypt to our key does not know the PoP."""
    device_key = bytes(range(1, 33))
    answers = scripted(
        sec1_answer(
            sr0=sec1_pb2.SessionResp0(device_pubkey=device_key, device_random=bytes(16))
        ),
        sec1_answer(sr1=sec1_pb2.SessionResp1(device_verify_data=bytes(32))),
    )
    security = Security1("secret-pop")
    with pytest.raises(LocalAuthError):
        await security.establish(answers)
    assert "secret-pop" not in repr(security)
    with pytest.raises(LocalProtocolError, match="no security 1 session"):
        security.encrypt(b"x")


async def test_security_of_another_scheme() -> None:
    """A handshake answer of another scheme is not read."""
    with pytest.raises(LocalProtocolError, match="security 2"):
        await Security1("pop").establish(scripted(sec2_answer()))


async def test_security2_malformed_answers() -> None:
    """A challenge without salt, a device proof that fails, a short nonce."""
    with pytest.raises(LocalProtocolError, match="challenge"):
        await Security2("pop").establish(
            scripted(sec2_answer(sr0=sec2_pb2.S2SessionResp0()))
        )
    challenge = sec2_answer(
        sr0=sec2_pb2.S2SessionResp0(device_salt=b"salt", device_pubkey=to_bytes(2))
    )
    wrong_proof = sec2_answer(sr1=sec2_pb2.S2SessionResp1(device_proof=bytes(64)))
    security = Security2("secret-pop", username="user")
    with pytest.raises(LocalAuthError):
        await security.establish(scripted(challenge, wrong_proof))
    assert repr(security) == "Security2(username='user')"
    with pytest.raises(LocalProtocolError, match="no security 2 session"):
        security.decrypt(b"x")


async def test_security2_nonce_counter(monkeypatch: pytest.MonkeyPatch) -> None:
    """Patch 1 counts the nonce up and stops before it wraps; patch 0 keeps it."""
    security = Security2("pop", patch=1)
    security._aes = object()  # type: ignore[assignment]
    security._nonce = bytes(8)
    security._counter = 2**32 - 1
    assert security._next_nonce()[1] == bytes(8) + b"\xff\xff\xff\xff"
    with pytest.raises(LocalProtocolError, match="used up"):
        security._next_nonce()
    fixed = Security2("pop", patch=0)
    fixed._aes = object()  # type: ignore[assignment]
    fixed._nonce, fixed._counter = bytes(8), 0
    assert fixed._next_nonce()[1] == fixed._next_nonce()[1] == bytes(12)


def test_new_security_per_scheme() -> None:
    """Each scheme gets its session; the PoP is not in the credentials' repr."""
    credentials = LocalCredentials(SecurityScheme.SEC2, "secret-pop", "user")
    assert isinstance(new_security(credentials, patch=1), Security2)
    assert isinstance(
        new_security(LocalCredentials(SecurityScheme.SEC0), patch=0), Security0
    )
    assert "secret-pop" not in repr(credentials)


def test_transport_cookie() -> None:
    """Only the session cookie is kept, as protocomm names it."""
    transport = LocalTransport(None, "::1", 8080)  # type: ignore[arg-type]
    transport._keep_cookie(["other=1", "session=42; Path=/"])
    assert transport._cookie == "session=42"
    assert repr(transport) == "LocalTransport(http://[::1]:8080)"
