"""Constants of the ESP RainMaker integration."""

from datetime import timedelta
from enum import StrEnum
import logging
from typing import Final

from homeassistant.util.hass_dict import HassKey

from .api import RateLimiter

DOMAIN: Final = "esp_rainmaker"
# Per-account rate limiters, kept across reloads of an entry.
DATA_LIMITERS: HassKey[dict[str, RateLimiter]] = HassKey(f"{DOMAIN}_limiters")
LOGGER = logging.getLogger(__package__)

CONF_TOKENS: Final = "tokens"
CONF_SIGN_IN: Final = "sign_in"
CONF_SCAN_INTERVAL: Final = "scan_interval"


class SignIn(StrEnum):
    """How an account signs in; stored with the entry (the password only for PASSWORD)."""

    PASSWORD = "password"  # noqa: S105 - the name of a way to sign in
    # The password, then a one-time code (multi-factor authentication).
    PASSWORD_AND_CODE = "password_and_code"  # noqa: S105 - idem
    # A code e-mailed to the user, no password.
    CODE = "code"


DEFAULT_SCAN_INTERVAL: Final = 30
MIN_SCAN_INTERVAL: Final = 10
MAX_SCAN_INTERVAL: Final = 300

# After a write the cloud keeps reporting the old value until the device applies it.
# The written value is shown meanwhile; these polls (seconds after sending) look for
# the device's confirmation, and CONFIRM_TIMEOUT ends the wait.
CONFIRM_DELAYS: Final = (0.25, 0.5, 1.0, 2.0, 4.0, 8.0)
CONFIRM_TIMEOUT: Final = 15.0
CONFIRM_COOLDOWN: Final = 0.2

MANUFACTURER: Final = "ESP RainMaker"
THERMACELL_MANUFACTURER: Final = "Thermacell"
THERMACELL_MODEL: Final = "LIV Hub"

# Local control: nodes on the LAN are read this often; when every node answers
# there, the cloud is asked only this often (for new and reconfigured nodes).
LOCAL_POLL_INTERVAL: Final = timedelta(seconds=5)
LOCAL_LISTING_INTERVAL: Final = 15 * 60.0

# Firmware updates: the cloud is asked rarely, the first time a minute after start-up
# (not during it, where the account's requests are needed for the nodes).
FIRMWARE_CHECK_INTERVAL: Final = timedelta(hours=6)
FIRMWARE_FIRST_CHECK: Final = 60.0
# Checks of a round are this far apart: a round never takes the account's burst.
FIRMWARE_CHECK_SPACING: Final = 2.0
# While an update installs, its job is looked at this often, for at most this long.
FIRMWARE_PROGRESS_INTERVAL: Final = 5.0
FIRMWARE_INSTALL_TIMEOUT: Final = 30 * 60.0
