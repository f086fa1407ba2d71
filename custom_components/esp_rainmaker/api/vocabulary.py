"""The words of the RainMaker protocol: data types, properties, UI hints and standard types.

Defined by Espressif's esp-rainmaker SDK (`esp_rmaker_standard_types.h`,
`esp_rmaker_standard_params.h`, `esp_rmaker_node_config.c`) and spelled here once;
everything else imports them from this module.
"""

from typing import Final

# Data types of a param (`data_type`).
DATA_TYPE_BOOL: Final = "bool"
DATA_TYPE_INT: Final = "int"
DATA_TYPE_FLOAT: Final = "float"
DATA_TYPE_STRING: Final = "string"
DATA_TYPE_OBJECT: Final = "object"
DATA_TYPE_ARRAY: Final = "array"
NUMERIC_DATA_TYPES: Final = frozenset({DATA_TYPE_INT, DATA_TYPE_FLOAT})

# Properties of a param.
PROPERTY_READ: Final = "read"
PROPERTY_WRITE: Final = "write"

# UI hints (`ui_type`).
UI_HIDDEN: Final = "esp.ui.hidden"
UI_SLIDER: Final = "esp.ui.slider"
UI_HUE_SLIDER: Final = "esp.ui.hue-slider"
UI_HUE_CIRCLE: Final = "esp.ui.hue-circle"
UI_TRIGGER: Final = "esp.ui.trigger"
UI_PUSH_BUTTON: Final = "esp.ui.push-btn-big"

# Standard param types.
PARAM_NAME: Final = "esp.param.name"
PARAM_POWER: Final = "esp.param.power"
PARAM_BRIGHTNESS: Final = "esp.param.brightness"
PARAM_HUE: Final = "esp.param.hue"
PARAM_SATURATION: Final = "esp.param.saturation"
PARAM_INTENSITY: Final = "esp.param.intensity"
PARAM_CCT: Final = "esp.param.cct"
PARAM_SPEED: Final = "esp.param.speed"
PARAM_DIRECTION: Final = "esp.param.direction"
PARAM_TEMPERATURE: Final = "esp.param.temperature"
PARAM_REBOOT: Final = "esp.param.reboot"
PARAM_OTA_URL: Final = "esp.param.ota_url"
PARAM_LOCAL_CONTROL_POP: Final = "esp.param.local_control_pop"
# A Matter controller's RainMaker refresh token (two spellings: the firmware's
# matter_controller / rainmaker_controller headers, and the apps).
PARAM_USER_TOKEN: Final = "esp.param.user-token"  # noqa: S105
PARAM_REFRESH_TOKEN: Final = "esp.param.refresh-token"  # noqa: S105
# A Thread border router's operational datasets (they carry the network key).
PARAM_TBR_ACTIVE_DATASET: Final = "esp.param.tbr-active-dataset"
PARAM_TBR_PENDING_DATASET: Final = "esp.param.tbr-pending-dataset"

# Standard device types.
DEVICE_LIGHTBULB: Final = "esp.device.lightbulb"
DEVICE_LIGHT: Final = "esp.device.light"
DEVICE_SWITCH: Final = "esp.device.switch"
DEVICE_OUTLET: Final = "esp.device.outlet"
DEVICE_PLUG: Final = "esp.device.plug"
DEVICE_SOCKET: Final = "esp.device.socket"
DEVICE_FAN: Final = "esp.device.fan"
DEVICE_TEMPERATURE_SENSOR: Final = "esp.device.temperature-sensor"

# Standard service types.
SERVICE_SYSTEM: Final = "esp.service.system"
