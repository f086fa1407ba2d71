"""The words of the RainMaker protocol: data types, properties, UI hints and standard types.

Defined by Espressif's esp-rainmaker SDK (`esp_rmaker_standard_types.h`,
`esp_rmaker_standard_params.h`, `esp_rmaker_node_config.c`) and spelled here once;
everything else imports them from this module. Types the SDK headers do not name
cite where they come from: "Neo" is Espressif's esp-rainmaker-neo cloud, whose
voice-assistant bridge (`alexa_skill` constants) maps the newer device and param
types, "iOS" the ESP RainMaker iOS app (`RMIntentConstants.swift`).
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
UI_DROPDOWN: Final = "esp.ui.dropdown"

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
PARAM_HUMIDITY: Final = "esp.param.humidity"
PARAM_MODE: Final = "esp.param.mode"
PARAM_AC_MODE: Final = "esp.param.ac-mode"
# Neo misspells it once (`esp.paran.ac-mode`, in its Rust param list); accepted too.
PARAM_AC_MODE_MISSPELT: Final = "esp.paran.ac-mode"
PARAM_FAN_MODE: Final = "esp.param.fan-mode"  # Neo
PARAM_LIGHT_MODE: Final = "esp.param.light-mode"
PARAM_TOGGLE: Final = "esp.param.toggle"
PARAM_RANGE: Final = "esp.param.range"
PARAM_BLINDS_POSITION: Final = "esp.param.blinds-position"
PARAM_GARAGE_POSITION: Final = "esp.param.garage-position"
PARAM_VOLUME: Final = "esp.param.volume"  # Neo
PARAM_MUTE: Final = "esp.param.mute"  # Neo
# Setpoints, in every spelling found: `setpoint-temperature` and the low/high pair
# (Neo's alexa_skill constants, and the Sinapse RainMaker deployment's thermostats),
# `setpoint` (Neo's params tests), `setpoint_temperature` (named by issue #17; no
# public firmware found that uses it, accepted all the same).
PARAM_SETPOINT_TEMPERATURE: Final = "esp.param.setpoint-temperature"
PARAM_SETPOINTS: Final = frozenset(
    {
        PARAM_SETPOINT_TEMPERATURE,
        "esp.param.setpoint",
        "esp.param.setpoint_temperature",
    }
)
PARAM_SETPOINT_LOW: Final = "esp.param.setpoint-low-temperature"  # Neo
PARAM_SETPOINT_HIGH: Final = "esp.param.setpoint-high-temperature"  # Neo
# A lock's state: "Locked", "Unlocked" or "Jammed" (iOS; Neo's LockController).
PARAM_LOCK_STATE: Final = "esp.param.lockstate"
# Detectors (Neo): contact, motion and alarms.
PARAM_CONTACT: Final = "esp.param.contact-detection-state"
PARAM_MOTION: Final = "esp.param.motion-detection-state"
PARAM_WATER_ALARM: Final = "esp.param.water-alarm"
PARAM_FIRE_ALARM: Final = "esp.param.fire-alarm"
PARAM_CO_ALARM: Final = "esp.param.carbon-monoxide-alarm"
PARAM_REBOOT: Final = "esp.param.reboot"
PARAM_OTA_URL: Final = "esp.param.ota_url"
PARAM_TZ: Final = "esp.param.tz"
PARAM_TZ_POSIX: Final = "esp.param.tz_posix"
PARAM_SCHEDULES: Final = "esp.param.schedules"
PARAM_SCENES: Final = "esp.param.scenes"
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
DEVICE_HUMIDITY_SENSOR: Final = "esp.device.humidity-sensor"
DEVICE_THERMOSTAT: Final = "esp.device.thermostat"
DEVICE_AIR_CONDITIONER: Final = "esp.device.air-conditioner"
DEVICE_LOCK: Final = "esp.device.lock"
DEVICE_GARAGE_DOOR_LOCK: Final = "esp.device.garage-door-lock"
DEVICE_BLINDS_INTERNAL: Final = "esp.device.blinds-internal"
DEVICE_BLINDS_EXTERNAL: Final = "esp.device.blinds-external"
DEVICE_GARAGE_DOOR: Final = "esp.device.garage-door"
DEVICE_SPEAKER: Final = "esp.device.speaker"
DEVICE_TV: Final = "esp.device.tv"
DEVICE_CONTACT_SENSOR: Final = "esp.device.contact-sensor"  # Neo
DEVICE_MOTION_SENSOR: Final = "esp.device.motion-sensor"  # Neo

# Standard service types.
SERVICE_SYSTEM: Final = "esp.service.system"
SERVICE_TIME: Final = "esp.service.time"
SERVICE_SCHEDULE: Final = "esp.service.schedule"
SERVICE_SCENES: Final = "esp.service.scenes"
