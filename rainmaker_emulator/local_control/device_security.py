"""The device's side of protocomm security 0, 1 and 2: the handshake, then the cipher.

espressif/esp-idf components/protocomm/src/security/security0.c, security1.c and
security2.c. Whatever the firmware answers with an error (`ESP_FAIL`) raises
`RefusedError` here: protocomm then closes the connection without an answer.
"""

import hashlib
import hmac
import os
import random
from typing import Protocol

from cryptography.exceptions import InvalidTag
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
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from google.protobuf.message import DecodeError

from custom_components.esp_rainmaker.api.local.proto import (
    constants_pb2,
    sec0_pb2,
    sec1_pb2,
    sec2_pb2,
    session_pb2,
)

from .device_srp import SrpDevice


class RefusedError(Exception):
    """The firmware fails the request: the connection closes unanswered."""


class DeviceSecurity(Protocol):
    """One session on the device."""

    established: bool

    def handle(self, request: bytes) -> bytes:
        """Answer one handshake step."""

    def encrypt(self, data: bytes) -> bytes:
        """Encrypt an answer."""

    def decrypt(self, data: bytes) -> bytes:
        """Decrypt a request."""


def _request(data: bytes, version: int) -> session_pb2.SessionData:
    request = session_pb2.SessionData()
    try:
        request.ParseFromString(data)
    except DecodeError as err:
        raise RefusedError("unable to unpack setup_req") from err
    if request.sec_ver != version or request.WhichOneof("proto") != f"sec{version}":
        raise RefusedError("security version mismatch")
    return request


class Sec0Device:
    """Security 0: a session for the asking, plaintext."""

    established = False

    def handle(self, request: bytes) -> bytes:
        """Grant the session."""
        _request(request, 0)
        self.established = True
        answer = session_pb2.SessionData(
            sec_ver=session_pb2.SecScheme0,
            sec0=sec0_pb2.Sec0Payload(
                msg=sec0_pb2.S0_Session_Response,
                sr=sec0_pb2.S0SessionResp(status=constants_pb2.Success),
            ),
        )
        return answer.SerializeToString()

    def encrypt(self, data: bytes) -> bytes:
        """Return the answer as it is."""
        return data

    def decrypt(self, data: bytes) -> bytes:
        """Return the request as it is."""
        return data


class Sec1Device:
    """Security 1: X25519 and the PoP's SHA-256 key one AES-256-CTR stream."""

    def __init__(self, pop: str) -> None:
        """Hold the proof of possession the firmware was given."""
        self._pop = pop.encode()
        self._device_key = b""
        self._client_key = b""
        self._cipher: CipherContext | None = None
        self.established = False

    def handle(self, request: bytes) -> bytes:
        """Answer command 0 (keys) or command 1 (the proofs)."""
        payload = _request(request, 1).sec1
        if payload.msg == sec1_pb2.Session_Command0 and payload.HasField("sc0"):
            return self._command0(payload.sc0.client_pubkey)
        if payload.msg == sec1_pb2.Session_Command1 and payload.HasField("sc1"):
            return self._command1(payload.sc1.client_verify_data)
        raise RefusedError("invalid security message type")

    def _command0(self, client_key: bytes) -> bytes:
        # A command 0 in another state restarts the session (handle_session_command0).
        self.established = False
        if len(client_key) != 32:
            raise RefusedError("invalid public key length")
        private_key = X25519PrivateKey.generate()
        self._device_key = private_key.public_key().public_bytes(
            Encoding.Raw, PublicFormat.Raw
        )
        self._client_key = client_key
        try:
            shared = private_key.exchange(X25519PublicKey.from_public_bytes(client_key))
        except ValueError as err:
            raise RefusedError("ecdh failed") from err
        if self._pop:
            digest = hashlib.sha256(self._pop).digest()
            shared = bytes(a ^ b for a, b in zip(shared, digest, strict=True))
        device_random = os.urandom(16)
        self._cipher = Cipher(
            algorithms.AES(shared), modes.CTR(device_random)
        ).encryptor()
        answer = sec1_pb2.Sec1Payload(
            msg=sec1_pb2.Session_Response0,
            sr0=sec1_pb2.SessionResp0(
                status=constants_pb2.Success,
                device_pubkey=self._device_key,
                device_random=device_random,
            ),
        )
        return session_pb2.SessionData(
            sec_ver=session_pb2.SecScheme1, sec1=answer
        ).SerializeToString()

    def _command1(self, client_proof: bytes) -> bytes:
        if self._cipher is None or self.established:
            raise RefusedError("invalid state of session")
        if not hmac.compare_digest(self._cipher.update(client_proof), self._device_key):
            self._cipher = None
            raise RefusedError("key mismatch, close connection")
        answer = sec1_pb2.Sec1Payload(
            msg=sec1_pb2.Session_Response1,
            sr1=sec1_pb2.SessionResp1(
                status=constants_pb2.Success,
                device_verify_data=self._cipher.update(self._client_key),
            ),
        )
        self.established = True
        return session_pb2.SessionData(
            sec_ver=session_pb2.SecScheme1, sec1=answer
        ).SerializeToString()

    def _stream(self) -> CipherContext:
        if self._cipher is None or not self.established:
            raise RefusedError("secure session not established")
        return self._cipher

    def encrypt(self, data: bytes) -> bytes:
        """Encrypt with the next bytes of the stream."""
        return self._stream().update(data)

    def decrypt(self, data: bytes) -> bytes:
        """Decrypt with the next bytes of the stream."""
        return self._stream().update(data)


class Sec2Device:
    """Security 2: SRP-6a against the stored salt and verifier, then AES-256-GCM."""

    PUBLIC_KEY_LEN = 384
    PROOF_LEN = 64

    def __init__(self, salt: bytes, verifier: bytes, rng: random.Random) -> None:
        """Hold what the factory stored: a salt and a verifier, never the password."""
        self._salt = salt
        self._verifier = verifier
        self._rng = rng
        self._srp: SrpDevice | None = None
        self._username = b""
        self._aes: AESGCM | None = None
        self._nonce = b""
        self._counter = 0
        self.established = False

    def handle(self, request: bytes) -> bytes:
        """Answer command 0 (the challenge) or command 1 (the proofs)."""
        payload = _request(request, 2).sec2
        if payload.msg == sec2_pb2.S2Session_Command0 and payload.HasField("sc0"):
            return self._command0(payload.sc0)
        if payload.msg == sec2_pb2.S2Session_Command1 and payload.HasField("sc1"):
            return self._command1(payload.sc1.client_proof)
        raise RefusedError("invalid security message type")

    def _command0(self, command: sec2_pb2.S2SessionCmd0) -> bytes:
        self.established = False
        self._aes = None
        if (
            len(command.client_pubkey) != self.PUBLIC_KEY_LEN
            or not command.client_username
        ):
            raise RefusedError("invalid public key or username length")
        srp = SrpDevice(self._salt, self._verifier, self._rng)
        if not srp.agree(command.client_pubkey):
            raise RefusedError("rejected client public key")
        self._srp = srp
        self._username = command.client_username
        answer = sec2_pb2.Sec2Payload(
            msg=sec2_pb2.S2Session_Response0,
            sr0=sec2_pb2.S2SessionResp0(
                status=constants_pb2.Success,
                device_pubkey=srp.public_key,
                device_salt=self._salt,
            ),
        )
        return session_pb2.SessionData(
            sec_ver=session_pb2.SecScheme2, sec2=answer
        ).SerializeToString()

    def _command1(self, client_proof: bytes) -> bytes:
        srp = self._srp
        if srp is None or self.established:
            raise RefusedError("invalid state of session")
        if len(client_proof) != self.PROOF_LEN:
            raise RefusedError("the client proof length does not match")
        device_proof = srp.exchange_proofs(self._username, client_proof)
        if device_proof is None:
            self._srp = None
            raise RefusedError("failed to authenticate client proof")
        self._nonce = os.urandom(8)
        self._counter = 1
        self._aes = AESGCM(srp.session_key[:32])
        answer = sec2_pb2.Sec2Payload(
            msg=sec2_pb2.S2Session_Response1,
            sr1=sec2_pb2.S2SessionResp1(
                status=constants_pb2.Success,
                device_proof=device_proof,
                device_nonce=self._nonce + self._counter.to_bytes(4, "big"),
            ),
        )
        self.established = True
        return session_pb2.SessionData(
            sec_ver=session_pb2.SecScheme2, sec2=answer
        ).SerializeToString()

    def _next(self) -> tuple[AESGCM, bytes]:
        # Patch version 1: the counter counts every message, both ways.
        if self._aes is None or not self.established or self._counter == 0:
            raise RefusedError("secure session not established")
        nonce = self._nonce + self._counter.to_bytes(4, "big")
        self._counter = (self._counter + 1) % 2**32
        return self._aes, nonce

    def encrypt(self, data: bytes) -> bytes:
        """Encrypt an answer, tag appended."""
        aes, nonce = self._next()
        return aes.encrypt(nonce, data, None)

    def decrypt(self, data: bytes) -> bytes:
        """Decrypt a request; one that fails authentication is refused."""
        aes, nonce = self._next()
        try:
            return aes.decrypt(nonce, data, None)
        except InvalidTag as err:
            raise RefusedError("psa_aead_decrypt failed") from err
