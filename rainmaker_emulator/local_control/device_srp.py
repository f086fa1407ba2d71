"""SRP-6a, the device's side, as esp-idf components/protocomm/src/crypto/srp6a/esp_srp.c.

Written apart from the client's (custom_components/.../api/local/srp.py) so that
a mistake in one shows against the other; only the group is shared.
"""

import hashlib
import hmac
import random

from custom_components.esp_rainmaker.api.local.srp import G_3072, N_3072

GROUP_SIZE = 384
SECRET_BITS = 256  # esp_mpi_get_rand(hd->b, 256, ...)
SALT_SIZE = 16


def _bin(value: int) -> bytes:
    """Return mbedtls' `mpi_to_bin`: big-endian, no leading zero bytes."""
    return value.to_bytes(max(1, (value.bit_length() + 7) // 8), "big")


def _sha(*parts: bytes) -> bytes:
    return hashlib.sha512(b"".join(parts)).digest()


def _padded_hash(first: bytes, second: bytes) -> int:
    """Return calculate_padded_hash: H(PAD(first) | PAD(second)) as a number."""
    digest = _sha(first.rjust(GROUP_SIZE, b"\0"), second.rjust(GROUP_SIZE, b"\0"))
    return int.from_bytes(digest, "big")


def make_verifier(
    username: str, password: str, rng: random.Random
) -> tuple[bytes, bytes]:
    """Return a salt and verifier as `esp_srp_gen_salt_verifier` makes them at the factory."""
    salt = _bin(rng.getrandbits(8 * SALT_SIZE))
    inner = _sha(username.encode(), b":", password.encode())
    x = int.from_bytes(_sha(salt, inner), "big")
    return salt, _bin(pow(G_3072, x, N_3072))


class SrpDevice:
    """One handshake's SRP state on the device: B, then the proofs."""

    def __init__(self, salt: bytes, verifier: bytes, rng: random.Random) -> None:
        """Draw b and compute B = k v + g^b (`__esp_srp_srv_pubkey`)."""
        self.salt = salt
        self._verifier = int.from_bytes(verifier, "big")
        self._secret = rng.getrandbits(SECRET_BITS)
        k = _padded_hash(_bin(N_3072), _bin(G_3072))
        public = (k * self._verifier + pow(G_3072, self._secret, N_3072)) % N_3072
        self.public_key = _bin(public)
        self._client_key = b""
        self.session_key = b""

    def agree(self, client_key: bytes) -> bool:
        """Compute K = H((A v^u)^b) (`esp_srp_get_session_key`); refuse A = 0 mod N."""
        a_public = int.from_bytes(client_key, "big")
        if a_public % N_3072 == 0:
            return False
        u = _padded_hash(client_key, self.public_key)
        shared = pow(
            a_public * pow(self._verifier, u, N_3072) % N_3072, self._secret, N_3072
        )
        self._client_key = client_key
        self.session_key = _sha(_bin(shared))
        return True

    def exchange_proofs(self, username: bytes, client_proof: bytes) -> bytes | None:
        """Check M and return H(A | M | K), or None (`esp_srp_exchange_proofs`)."""
        hash_n = _sha(_bin(N_3072))
        hash_g = _sha(_bin(G_3072).rjust(GROUP_SIZE, b"\0"))
        mixed = bytes(a ^ b for a, b in zip(hash_n, hash_g, strict=True))
        expected = _sha(
            mixed,
            _sha(username),
            self.salt,
            self._client_key,
            self.public_key,
            self.session_key,
        )
        if not hmac.compare_digest(expected, client_proof):
            return None
        return _sha(self._client_key, expected, self.session_key)
