"""Constants of the ESP RainMaker integration."""

import logging
from typing import Final

from homeassistant.util.hass_dict import HassKey

from .api import RateLimiter

DOMAIN: Final = "esp_rainmaker"
# Per-account rate limiters, kept across reloads of an entry.
DATA_LIMITERS: HassKey[dict[str, RateLimiter]] = HassKey(f"{DOMAIN}_limiters")
LOGGER = logging.getLogger(__package__)

CONF_TOKENS: Final = "tokens"
CONF_SCAN_INTERVAL: Final = "scan_interval"

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
