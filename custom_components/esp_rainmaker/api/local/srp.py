"""SRP-6a, the client's side, as protocomm security 2 computes it.

RFC 5054 (its 3072-bit group, appendix A) with SHA-512 throughout, exactly as
espressif/esp-idf components/protocomm/src/crypto/srp6a/esp_srp.c does it:

    k = H(N | PAD(g))            x = H(s | H(I ":" P))      u = H(PAD(A) | PAD(B))
    S = (B - k g^x) ^ (a + u x)  K = H(S)
    M = H(H(N) xor H(PAD(g)) | H(I) | s | A | B | K)        H_AMK = H(A | M | K)

`s` and `B` are hashed as the device sent them, `S` in its shortest big-endian
form (mbedtls' `mpi_to_bin`), `A` padded to the group's size as the device
requires it (`PUBLIC_KEY_LEN` 384 in security2.c). `cryptography` offers no SRP,
hence these few lines.
"""

from dataclasses import dataclass, field
import hashlib
import hmac
import secrets

from .errors import LocalAuthError

# RFC 5054 appendix A, the 3072-bit group (esp_srp.c's N_3072, g_3072).
N_3072 = int(
    "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74"
    "020BBEA63B139B22514A08798E3404DDEF9519B3CD3A431B302B0A6DF25F1437"
    "4FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED"
    "EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF05"
    "98DA48361C55D39A69163FA8FD24CF5F83655D23DCA3AD961C62F356208552BB"
    "9ED529077096966D670C354E4ABC9804F1746C08CA18217C32905E462E36CE3B"
    "E39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF695581718"
    "3995497CEA956AE515D2261898FA051015728E5A8AAAC42DAD33170D04507A33"
    "A85521ABDF1CBA64ECFB850458DBEF0A8AEA71575D060C7DB3970F85A6E1E4C7"
    "ABF5AE8CDB0933D71E8C94E04A25619DCEE3D2261AD2EE6BF12FFA06D98A0864"
    "D87602733EC86A64521F2B18177B200CBBE117577A615D6C770988C0BAD946E2"
    "08E24FA074E5AB3143DB5BFCE0FD108E4B82D120A93AD2CAFFFFFFFFFFFFFFFF",
    16,
)
G_3072 = 5
# esp_srp.c draws the device's secret from 256 random bits; the client does too.
SECRET_BITS = 256


def to_bytes(value: int) -> bytes:
    """Return `value` big-endian in as few bytes as it takes (at least one)."""
    return value.to_bytes(max(1, (value.bit_length() + 7) // 8), "big")


@dataclass(frozen=True, slots=True)
class SrpGroup:
    """A group and hash of SRP-6a: security 2 uses `PROTOCOMM_GROUP`."""

    prime: int
    generator: int
    hash_name: str
    size: int = field(init=False)

    def __post_init__(self) -> None:
        """Derive the size in bytes every padded value takes."""
        object.__setattr__(self, "size", (self.prime.bit_length() + 7) // 8)

    def hash(self, *parts: bytes) -> bytes:
        """Return H(parts concatenated)."""
        digest = hashlib.new(self.hash_name)
        for part in parts:
            digest.update(part)
        return digest.digest()

    def pad(self, value: bytes) -> bytes:
        """Return PAD(value): left-filled with zeros to the group's size."""
        return value.rjust(self.size, b"\0")

    def number(self, *parts: bytes) -> int:
        """Return H(parts) read as a big-endian number."""
        return int.from_bytes(self.hash(*parts), "big")

    def multiplier(self) -> int:
        """Return k = H(N | PAD(g))."""
        return self.number(to_bytes(self.prime), self.pad(to_bytes(self.generator)))

    def private_key(self, salt: bytes, username: str, password: str) -> int:
        """Return x = H(s | H(I ":" P))."""
        return self.number(salt, self.hash(f"{username}:{password}".encode()))

    def verifier(self, salt: bytes, username: str, password: str) -> bytes:
        """Return v = g^x mod N, as a device stores it with its salt."""
        x = self.private_key(salt, username, password)
        return to_bytes(pow(self.generator, x, self.prime))

    def scrambler(self, client_key: bytes, device_key: bytes) -> int:
        """Return u = H(PAD(A) | PAD(B))."""
        return self.number(self.pad(client_key), self.pad(device_key))

    def client_proof(
        self, username: str, salt: bytes, keys: tuple[bytes, bytes], session_key: bytes
    ) -> bytes:
        """Return M = H(H(N) xor H(PAD(g)) | H(I) | s | A | B | K)."""
        hashed_prime = self.hash(to_bytes(self.prime))
        hashed_generator = self.hash(self.pad(to_bytes(self.generator)))
        mixed = bytes(
            a ^ b for a, b in zip(hashed_prime, hashed_generator, strict=True)
        )
        client_key, device_key = keys
        return self.hash(
            mixed,
            self.hash(username.encode()),
            salt,
            client_key,
            device_key,
            session_key,
        )

    def host_proof(self, client_key: bytes, proof: bytes, session_key: bytes) -> bytes:
        """Return H_AMK = H(A | M | K), which proves the device knew the verifier."""
        return self.hash(client_key, proof, session_key)


PROTOCOMM_GROUP = SrpGroup(N_3072, G_3072, "sha512")


class SrpClient:
    """One run of SRP-6a for a user: the public key, then the proofs and the key.

    The password and the secrets stay in this object and out of its repr.
    """

    __slots__ = (
        "_expected_host_proof",
        "_group",
        "_password",
        "_secret",
        "_session_key",
        "public_key",
        "username",
    )

    def __init__(
        self,
        username: str,
        password: str,
        *,
        group: SrpGroup = PROTOCOMM_GROUP,
        secret: int | None = None,
    ) -> None:
        """Draw the secret a (or take one, for test vectors) and compute A = g^a."""
        self.username = username
        self._password = password
        self._group = group
        self._secret = secret if secret is not None else secrets.randbits(SECRET_BITS)
        a_public = pow(group.generator, self._secret, group.prime)
        self.public_key = group.pad(to_bytes(a_public))
        self._expected_host_proof = b""
        self._session_key = b""

    def __repr__(self) -> str:
        """Name the user only."""
        return f"SrpClient(username={self.username!r})"

    def premaster_secret(self, salt: bytes, device_key: bytes) -> int:
        """Return S from the device's salt and B; refuse a B that would fix S."""
        group = self._group
        b_public = int.from_bytes(device_key, "big")
        if b_public % group.prime == 0:
            raise LocalAuthError("the node sent an invalid SRP public key")
        u = group.scrambler(self.public_key, device_key)
        if u == 0:
            raise LocalAuthError("the node sent an invalid SRP public key")
        x = group.private_key(salt, self.username, self._password)
        base = (
            b_public - group.multiplier() * pow(group.generator, x, group.prime)
        ) % group.prime
        return pow(base, self._secret + u * x, group.prime)

    def process_challenge(self, salt: bytes, device_key: bytes) -> bytes:
        """Return the client's proof M for the device's salt and public key B."""
        group = self._group
        premaster = self.premaster_secret(salt, device_key)
        self._session_key = group.hash(to_bytes(premaster))
        proof = group.client_proof(
            self.username, salt, (self.public_key, device_key), self._session_key
        )
        self._expected_host_proof = group.host_proof(
            self.public_key, proof, self._session_key
        )
        return proof

    def session_key(self, host_proof: bytes) -> bytes:
        """Return K once the device's proof shows it holds the verifier."""
        if not self._expected_host_proof or not hmac.compare_digest(
            host_proof, self._expected_host_proof
        ):
            raise LocalAuthError(
                "the node could not prove it knows the proof of possession"
            )
        return self._session_key
