"""Security 2: SRP-6a with the proof of possession as password, AES-256-GCM.

The first 32 bytes of the SRP session key key AES-GCM; the nonce is the device's
12 bytes, whose last four count up after every message in either direction from
patch version 1 on (espressif/esp-idf components/protocomm/src/security/security2.c;
the reference client is espressif/esp-rainmaker-cli
rmaker_tools/common/security/security2.py).
"""

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from .errors import LocalProtocolError
from .proto import constants_pb2, sec2_pb2, session_pb2
from .secure_session import Exchange, SecurityScheme, prove, session_reply
from .srp import SrpClient

# The username ESP-IDF's examples generate salt and verifier for; RainMaker's
# cloud config names none.
DEFAULT_USERNAME = "wifiprov"
AES_KEY_SIZE = 32
NONCE_SIZE = 12  # AES_GCM_IV_SIZE: 8 bytes of session id, a 32-bit counter
COUNTER_LIMIT = 2**32


def _request(payload: sec2_pb2.Sec2Payload) -> bytes:
    return session_pb2.SessionData(
        sec_ver=session_pb2.SecScheme2, sec2=payload
    ).SerializeToString()


class Security2:
    """A security 2 session; the password and the key stay out of its repr."""

    __slots__ = ("_aes", "_counter", "_nonce", "_password", "_patch", "username")

    def __init__(
        self, password: str, *, username: str = DEFAULT_USERNAME, patch: int = 1
    ) -> None:
        """Keep the credentials and the device's patch version (0: a fixed nonce)."""
        self.username = username
        self._password = password
        self._patch = patch
        self._aes: AESGCM | None = None
        self._nonce = b""
        self._counter = 0

    def __repr__(self) -> str:
        """Name the user only."""
        return f"Security2(username={self.username!r})"

    async def establish(self, exchange: Exchange) -> None:
        """Run SRP-6a, check the device's proof, key AES-GCM."""
        srp = SrpClient(self.username, self._password)
        command0 = sec2_pb2.Sec2Payload(
            msg=sec2_pb2.S2Session_Command0,
            sc0=sec2_pb2.S2SessionCmd0(
                client_username=self.username.encode(), client_pubkey=srp.public_key
            ),
        )
        answer0 = session_reply(await exchange(_request(command0)), SecurityScheme.SEC2)
        response0 = answer0.sec2.sr0
        if response0.status != constants_pb2.Success or not response0.device_salt:
            raise LocalProtocolError("the node's security 2 challenge is malformed")
        proof = srp.process_challenge(response0.device_salt, response0.device_pubkey)
        command1 = sec2_pb2.Sec2Payload(
            msg=sec2_pb2.S2Session_Command1,
            sc1=sec2_pb2.S2SessionCmd1(client_proof=proof),
        )
        answer1 = session_reply(
            await prove(exchange, _request(command1)), SecurityScheme.SEC2
        )
        response1 = answer1.sec2.sr1
        key = srp.session_key(response1.device_proof)
        if len(response1.device_nonce) != NONCE_SIZE:
            raise LocalProtocolError("the node's security 2 nonce is malformed")
        self._aes = AESGCM(key[:AES_KEY_SIZE])
        self._nonce = response1.device_nonce[:8]
        self._counter = int.from_bytes(response1.device_nonce[8:], "big")

    def _next_nonce(self) -> tuple[AESGCM, bytes]:
        if self._aes is None:
            raise LocalProtocolError("no security 2 session")
        if self._patch >= 1 and not 0 < self._counter < COUNTER_LIMIT:
            # The device refuses a counter that wrapped to zero: a new session.
            raise LocalProtocolError("the security 2 nonce is used up")
        nonce = self._nonce + self._counter.to_bytes(4, "big")
        if self._patch >= 1:
            self._counter += 1
        return self._aes, nonce

    def encrypt(self, data: bytes) -> bytes:
        """Encrypt and authenticate the next request."""
        aes, nonce = self._next_nonce()
        return aes.encrypt(nonce, data, None)

    def decrypt(self, data: bytes) -> bytes:
        """Decrypt the next answer; refuse one that fails authentication."""
        aes, nonce = self._next_nonce()
        try:
            return aes.decrypt(nonce, data, None)
        except InvalidTag as err:
            raise LocalProtocolError("the node's answer failed authentication") from err
