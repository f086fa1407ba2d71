"""Security 0: a one-step handshake, then plaintext.

espressif/esp-idf components/protocomm/src/security/security0.c.
"""

from .errors import LocalProtocolError
from .proto import constants_pb2, sec0_pb2, session_pb2
from .secure_session import Exchange, SecurityScheme, session_reply


class Security0:
    """No encryption: the node only has to agree to a session."""

    async def establish(self, exchange: Exchange) -> None:
        """Ask for a session and check the node granted it."""
        request = session_pb2.SessionData(
            sec_ver=session_pb2.SecScheme0,
            sec0=sec0_pb2.Sec0Payload(
                msg=sec0_pb2.S0_Session_Command, sc=sec0_pb2.S0SessionCmd()
            ),
        )
        reply = session_reply(
            await exchange(request.SerializeToString()), SecurityScheme.SEC0
        )
        if reply.sec0.sr.status != constants_pb2.Success:
            raise LocalProtocolError("the node refused a security 0 session")

    def encrypt(self, data: bytes) -> bytes:
        """Return the request as it is."""
        return data

    def decrypt(self, data: bytes) -> bytes:
        """Return the answer as it is."""
        return data
