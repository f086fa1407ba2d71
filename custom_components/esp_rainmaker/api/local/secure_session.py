"""What every protocomm security scheme shares: its number, its shape, its replies.

A scheme first establishes a session through the session endpoint (`exchange`
sends one message and returns the node's answer), then encrypts every request
to the control endpoint and decrypts every answer, strictly in turn.
"""

from collections.abc import Awaitable, Callable
from enum import IntEnum
from typing import Protocol

from google.protobuf.message import DecodeError

from .errors import LocalAuthError, LocalProtocolError, LocalRefusedError
from .proto import session_pb2

type Exchange = Callable[[bytes], Awaitable[bytes]]


class SecurityScheme(IntEnum):
    """Protocomm's security schemes (session.proto `SecSchemeVersion`)."""

    SEC0 = 0  # plaintext
    SEC1 = 1  # X25519, the PoP's SHA-256, AES-256-CTR
    SEC2 = 2  # SRP6a with the PoP as password, AES-256-GCM


class Security(Protocol):
    """One session's security: its handshake, then its cipher."""

    async def establish(self, exchange: Exchange) -> None:
        """Run the handshake through the session endpoint."""

    def encrypt(self, data: bytes) -> bytes:
        """Encrypt the next request."""

    def decrypt(self, data: bytes) -> bytes:
        """Decrypt the next answer."""


def session_reply(data: bytes, scheme: SecurityScheme) -> session_pb2.SessionData:
    """Read the node's answer to a handshake step, which must be of `scheme`."""
    reply = session_pb2.SessionData()
    try:
        reply.ParseFromString(data)
    except DecodeError as err:
        raise LocalProtocolError("the node's handshake answer is not protobuf") from err
    if (
        int(reply.sec_ver) != int(scheme)
        or reply.WhichOneof("proto") != f"sec{int(scheme)}"
    ):
        raise LocalProtocolError(
            f"the node answered the handshake with security {int(reply.sec_ver)}"
        )
    return reply


async def prove(exchange: Exchange, request: bytes) -> bytes:
    """Send the handshake step that proves the PoP: the node drops a wrong one.

    Protocomm answers a failed step by closing the connection
    (esp-idf components/protocomm/src/transports/protocomm_httpd.c), so a refusal
    here means the node did not accept the proof of possession.
    """
    try:
        return await exchange(request)
    except LocalRefusedError as err:
        raise LocalAuthError("the node refused the proof of possession") from err
