"""SRP-6a of security 2 against published vectors, and its refusals."""

import pytest

from custom_components.esp_rainmaker.api.local import LocalAuthError
from custom_components.esp_rainmaker.api.local.srp import (
    PROTOCOMM_GROUP,
    SrpClient,
    SrpGroup,
    to_bytes,
)

# RFC 5054 appendix A's 1024-bit group, and appendix B's vector (SHA-1).
RFC_GROUP = SrpGroup(
    int(
        "EEAF0AB9ADB38DD69C33F80AFA8FC5E86072618775FF3C0B9EA2314C9C256576D674DF7496"
        "EA81D3383B4813D692C6E0E0D5D8E250B98BE48E495C1D6089DAD15DC7D7B46154D6B6CE8E"
        "F4AD69B15D4982559B297BCF1885C529F566660E57EC68EDBC3C05726CC02FD4CBF4976EAA"
        "9AFD5138FE8376435B9FC61D2FC0EB06E3",
        16,
    ),
    2,
    "sha1",
)
RFC_SALT = bytes.fromhex("BEB25379D1A8581EB5A727673A2441EE")
RFC_A_SECRET = 0x60975527035CF2AD1989806F0407210BC81EDC04E2762A56AFD529DDDA2D4393
RFC_B = bytes.fromhex(
    "BD0C61512C692C0CB6D041FA01BB152D4916A1E77AF46AE105393011BAF38964DC46A0670DD1"
    "25B95A981652236F99D9B681CBF87837EC996C6DA04453728610D0C6DDB58B318885D7D82C7F"
    "8DEB75CE7BD4FBAA37089E6F9C6059F388838E7A00030B331EB76840910440B1B27AAEAEEB40"
    "12B7D7665238A8E3FB004B117B58"
)


def test_rfc5054_vector() -> None:
    """k, x, v, A and the premaster secret are RFC 5054 appendix B's."""
    assert RFC_GROUP.multiplier() == 0x7556AA045AEF2CDD07ABAF0F665C3E818913186F
    assert (
        RFC_GROUP.private_key(RFC_SALT, "alice", "password123")
        == 0x94B7555AABE9127CC58CCF4993DB6CF84D16C124
    )
    assert RFC_GROUP.verifier(RFC_SALT, "alice", "password123") == bytes.fromhex(
        "7E273DE8696FFC4F4E337D05B4B375BEB0DDE1569E8FA00A9886D8129BADA1F1822223CA"
        "1A605B530E379BA4729FDC59F105B4787E5186F5C671085A1447B52A48CF1970B4FB6F84"
        "00BBF4CEBFBB168152E08AB5EA53D15C1AFF87B2B9DA6E04E058AD51CC72BFC9033B564E"
        "26480D78E955A5E29E7AB245DB2BE315E2099AFB"
    )
    client = SrpClient("alice", "password123", group=RFC_GROUP, secret=RFC_A_SECRET)
    assert client.public_key == bytes.fromhex(
        "61D5E490F6F1B79547B0704C436F523DD0E560F0C64115BB72557EC44352E8903211C046"
        "92272D8B2D1A5358A2CF1B6E0BFCF99F921530EC8E39356179EAE45E42BA92AEACED8251"
        "71E1E8B9AF6D9C03E1327F44BE087EF06530E69F66615261EEF54073CA11CF5858F0EDFD"
        "FE15EFEAB349EF5D76988A3672FAC47B0769447B"
    )
    assert (
        RFC_GROUP.scrambler(client.public_key, RFC_B)
        == 0xCE38B9593487DA98554ED47D70A7AE5F462EF019
    )
    assert client.premaster_secret(RFC_SALT, RFC_B) == int(
        "B0DC82BABCF30674AE450C0287745E7990A3381F63B387AAF271A10D233861E359B48220"
        "F7C4693C9AE12B0A6F67809F0876E2D013800D6C41BB59B6D5979B5C00A172B4A2A5903A"
        "0BDCAF8A709585EB2AFAFA8F3499B200210DCC1F10EB33943CD67FC88A2F39A4BE5BEC4E"
        "C0A3212DC346D7E474B29EDE8A469FFECA686E5A",
        16,
    )


def test_esp_idf_verifier() -> None:
    """The salt and verifier ESP-IDF's provisioning examples ship for wifiprov/abcd1234.

    From the examples' `sec2_salt` and `sec2_verifier` (espressif/esp-idf, the
    Wi-Fi provisioning manager examples' development mode).
    """
    salt = bytes.fromhex("036ee0c7bcb9eda84c9eac97d93decf4")
    verifier = PROTOCOMM_GROUP.verifier(salt, "wifiprov", "abcd1234")
    assert verifier.hex() == (
        "7c7c85476508946dd636af37d7e8914378cffd616c59d2f83908127238de9e24"
        "a470261cdfa903c2b270e7b13224da111d9718dc607208cc9ac90c4827e2ae89"
        "aa1625b804d21a9b3a8f37f6e43a712ee127866eadce28ff5446601fb99687dc"
        "5740a7d46cc97754dc1682f0ed356ac470ad3d90b5819470d7bc65b2d518e02e"
        "c3a5f968dd647bb8b73c9cfc00d8717eb79a7cb1b7c2c318342932433e0099e9"
        "8294e3d82ab09629b7df0e5f08334076529132009f972c896c391ec828054417"
        "3f68028a9f4461d1f5a17e5a70d2c72381cb3868e42c20bc40577617bd08b896"
        "bc26eb32466935058c1570d91be9becca938a667f0ad5013197264bf52c234e2"
        "1b11797472bd345bb1e2fd6673fe716474d04ebc51241940870e9240e621e72d"
        "4e37762f2ee268c789e8321342068484534ab30c1b4c8d1c519719abae77ffdb"
        "ecf0109534336bcb3e840fb9d85fb8a0b855533e70f718f5ce7b4ebf27cecea8"
        "b3be40c5c532293e71649ede8cf675a1e6f653c831a878de5040f762de36b2ba"
    )


def test_public_key_is_padded() -> None:
    """A is sent as long as the group, which the device requires (384 bytes)."""
    client = SrpClient("wifiprov", "abcd1234", secret=1)
    assert client.public_key == PROTOCOMM_GROUP.pad(to_bytes(5))
    assert len(client.public_key) == 384


@pytest.mark.parametrize("device_key", [b"\0", to_bytes(PROTOCOMM_GROUP.prime)])
def test_refuses_degenerate_device_key(device_key: bytes) -> None:
    """A B of 0 mod N would fix the secret whatever the password (RFC 5054 2.5.3)."""
    client = SrpClient("wifiprov", "abcd1234")
    with pytest.raises(LocalAuthError):
        client.process_challenge(b"salt", device_key)


def test_wrong_host_proof() -> None:
    """The session key is only handed out once the device proved itself."""
    client = SrpClient("wifiprov", "abcd1234")
    with pytest.raises(LocalAuthError):
        client.session_key(b"x" * 64)
    client.process_challenge(b"salt", to_bytes(2))
    with pytest.raises(LocalAuthError):
        client.session_key(b"x" * 64)


def test_repr_holds_no_secret() -> None:
    """The password stays out of the client's repr."""
    assert "abcd1234" not in repr(SrpClient("wifiprov", "abcd1234"))
