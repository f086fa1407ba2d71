"""Security 1: X25519, the proof of possession, AES-256-CTR.

The shared X25519 key XORed with SHA-256(PoP) keys one AES-CTR stream, started at
the device's random and shared by both directions; each side proves the key by
encrypting the other's public key (espressif/esp-idf
components/protocomm/src/security/security1.c; the reference client is
espressif/esp-rainmaker-cli rmaker_tools/common/security/security1.py).
"""

import hashlib
import hmac

from cryptography.hazmat.primitives.asymmetric.x25519 import (
    X25519PrivateKey,
    X25519PublicKey,
)
from cryptography.hazmat.primitives.ciphers import (
    Cipher,
    CipherContext,
    algorithms,
    modes,
)
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from .errors import LocalAuthError, LocalProtocolError
from .proto import constants_pb2, sec1_pb2, session_pb2
from .secure_session import Exchange, SecurityScheme, prove, session_reply

KEY_SIZE = 32  # PUBLIC_KEY_LEN
RANDOM_SIZE = 16  # SZ_RANDOM, the counter block AES-CTR starts from


def _request(payload: sec1_pb2.Sec1Payload) -> bytes:
    return session_pb2.SessionData(
        sec_ver=session_pb2.SecScheme1, sec1=payload
    ).SerializeToString()


class Security1:
    """A security 1 session; the PoP and the key stay out of its repr."""

    __slots__ = ("_cipher", "_pop")

    def __init__(self, pop: str) -> None:
        """Keep the proof of possession (empty: none, as the device allows)."""
        self._pop = pop.encode()
        self._cipher: CipherContext | None = None

    def __repr__(self) -> str:
        """Say nothing secret."""
        return "Security1()"

    async def establish(self, exchange: Exchange) -> None:
        """Agree on the key, prove the PoP, check the device's proof."""
        private_key = X25519PrivateKey.generate()
        client_key = private_key.public_key().public_bytes(
            Encoding.Raw, PublicFormat.Raw
        )
        command0 = sec1_pb2.Sec1Payload(
            msg=sec1_pb2.Session_Command0,
            sc0=sec1_pb2.SessionCmd0(client_pubkey=client_key),
        )
        answer0 = session_reply(await exchange(_request(command0)), SecurityScheme.SEC1)
        response0 = answer0.sec1.sr0
        device_key, device_random = response0.device_pubkey, response0.device_random
        if (
            response0.status != constants_pb2.Success
            or len(device_key) != KEY_SIZE
            or len(device_random) != RANDOM_SIZE
        ):
            raise LocalProtocolError("the node's security 1 keys are malformed")
        try:
            shared = private_key.exchange(X25519PublicKey.from_public_bytes(device_key))
        except ValueError as err:  # a low-order point: no shared secret
            raise LocalProtocolError("the node's security 1 key is invalid") from err
        if self._pop:
            digest = hashlib.sha256(self._pop).digest()
            shared = bytes(a ^ b for a, b in zip(shared, digest, strict=True))
        cipher = Cipher(algorithms.AES(shared), modes.CTR(device_random)).encryptor()
        command1 = sec1_pb2.Sec1Payload(
            msg=sec1_pb2.Session_Command1,
            sc1=sec1_pb2.SessionCmd1(client_verify_data=cipher.update(device_key)),
        )
        answer1 = session_reply(
            await prove(exchange, _request(command1)), SecurityScheme.SEC1
        )
        device_proof = cipher.update(answer1.sec1.sr1.device_verify_data)
        if not hmac.compare_digest(device_proof, client_key):
            raise LocalAuthError(
                "the node could not prove it knows the proof of possession"
            )
        self._cipher = cipher

    def _stream(self) -> CipherContext:
        if self._cipher is None:
            raise LocalProtocolError("no security 1 session")
        return self._cipher

    def encrypt(self, data: bytes) -> bytes:
        """Encrypt with the next bytes of the stream."""
        return self._stream().update(data)

    def decrypt(self, data: bytes) -> bytes:
        """Decrypt with the next bytes of the stream (CTR: the same operation)."""
        return self._stream().update(data)
