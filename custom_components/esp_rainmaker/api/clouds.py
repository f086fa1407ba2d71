"""Known RainMaker clouds."""

from typing import Final

ESPRESSIF_GLOBAL_URL: Final = "https://api.rainmaker.espressif.com"
ESPRESSIF_CHINA_URL: Final = "https://api2.rainmaker.espressif.com.cn"
THERMACELL_URL: Final = "https://api.iot.thermacell.com"

KNOWN_CLOUDS: Final = {
    ESPRESSIF_GLOBAL_URL: "Espressif RainMaker (global)",
    ESPRESSIF_CHINA_URL: "Espressif RainMaker (China)",
    THERMACELL_URL: "Thermacell LIV",
}
