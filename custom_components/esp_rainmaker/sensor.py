"""Sensors: Thermacell refill, status, runtime and error code; temperatures; read-only values."""

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from homeassistant.components.sensor import (
    SensorDeviceClass,
    SensorEntity,
    SensorEntityDescription,
    SensorStateClass,
)
from homeassistant.const import (
    PERCENTAGE,
    EntityCategory,
    Platform,
    UnitOfTemperature,
    UnitOfTime,
)
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.helpers.typing import StateType

from .api import DeviceSpec, Node, ParamSpec, number, vocabulary as v
from .api.local.access import local_credentials
from .api.thermacell import (
    SystemStatus,
    error_code,
    has_problem,
    refill_life,
    runtime_hours,
    system_status,
)
from .coordinator import RainMakerConfigEntry, RainMakerRuntimeData
from .entity import WHOLE_NODE, RainMakerEntity, async_add_node_entities, param_value
from .local import Transport
from .mapping import (
    device_prefix,
    generic_naming,
    generic_params,
    is_thermacell,
    profile_devices,
)
from .meanings import sensor_meaning
from .profiles import TEMPERATURE
from .timers import timer_end, timer_param

# The coordinator fetches the data; sensors only read it.
PARALLEL_UPDATES = 0

MAX_STATE_LENGTH = 255


@dataclass(frozen=True, kw_only=True)
class RainMakerSensorEntityDescription(SensorEntityDescription):
    """A sensor reading a value from a node."""

    value_fn: Callable[[Node], Any]


STATUS_ERROR = "error"
STATUS_OPTIONS = {
    SystemStatus.OFF: "off",
    SystemStatus.WARMING_UP: "warming_up",
    SystemStatus.PROTECTED: "protected",
}


def status_option(node: Node) -> str | None:
    """Return a hub's state as an option of the status sensor (an error first)."""
    if has_problem(node):
        return STATUS_ERROR
    status = system_status(node)
    return STATUS_OPTIONS[status] if status is not None else None


THERMACELL_SENSORS: tuple[RainMakerSensorEntityDescription, ...] = (
    RainMakerSensorEntityDescription(
        key="refill_life",
        translation_key="refill_life",
        native_unit_of_measurement=PERCENTAGE,
        state_class=SensorStateClass.MEASUREMENT,
        suggested_display_precision=0,
        value_fn=refill_life,
    ),
    RainMakerSensorEntityDescription(
        key="status",
        translation_key="status",
        device_class=SensorDeviceClass.ENUM,
        options=[*STATUS_OPTIONS.values(), STATUS_ERROR],
        value_fn=status_option,
    ),
    RainMakerSensorEntityDescription(
        key="runtime",
        translation_key="runtime",
        device_class=SensorDeviceClass.DURATION,
        native_unit_of_measurement=UnitOfTime.HOURS,
        state_class=SensorStateClass.TOTAL_INCREASING,
        suggested_display_precision=1,
        value_fn=runtime_hours,
    ),
    RainMakerSensorEntityDescription(
        key="error_code",
        translation_key="error_code",
        entity_category=EntityCategory.DIAGNOSTIC,
        entity_registry_enabled_default=False,
        value_fn=error_code,
    ),
)


def _temperature(
    device: DeviceSpec, param: ParamSpec
) -> RainMakerSensorEntityDescription:
    return RainMakerSensorEntityDescription(
        key="temperature",
        translation_key="temperature",
        device_class=SensorDeviceClass.TEMPERATURE,
        native_unit_of_measurement=UnitOfTemperature.CELSIUS,
        state_class=SensorStateClass.MEASUREMENT,
        suggested_display_precision=1,
        value_fn=param_value(device.name, param.name),
    )


def _generic(
    node: Node, device: DeviceSpec, param: ParamSpec
) -> RainMakerSensorEntityDescription:
    text = param.data_type == v.DATA_TYPE_STRING
    meaning, unit = sensor_meaning(param) or (None, None)
    state_class = None if text else SensorStateClass.MEASUREMENT
    return RainMakerSensorEntityDescription(
        key=f"param_{param.name}",
        device_class=meaning.device_class if meaning else None,
        native_unit_of_measurement=unit,
        state_class=meaning.state_class if meaning else state_class,
        entity_category=EntityCategory.DIAGNOSTIC if text else None,
        # Numbers are shown, except on Thermacell hubs, whose curated sensors
        # already cover what matters; text is diagnostic and opt-in everywhere.
        entity_registry_enabled_default=not text and not is_thermacell(node, device),
        value_fn=param_value(device.name, param.name),
        **generic_naming(node, device, param),
    )


def _timer_end(device: str) -> Callable[[Node], datetime | None]:
    def read(node: Node) -> datetime | None:
        end = timer_end(node, device)
        return datetime.fromtimestamp(end, UTC) if end is not None else None

    return read


def _timer(node: Node, device: DeviceSpec) -> RainMakerSensorEntityDescription:
    """Describe the end of the device's timer, which runs on the device."""
    return RainMakerSensorEntityDescription(
        key="timer_end",
        device_class=SensorDeviceClass.TIMESTAMP,
        value_fn=_timer_end(device.name),
        **(
            {
                "translation_key": "device_timer_end",
                "translation_placeholders": {"device": prefix},
            }
            if (prefix := device_prefix(node, device))
            else {"translation_key": "timer_end"}
        ),
    )


TRANSPORT = SensorEntityDescription(
    key="transport",
    translation_key="transport",
    device_class=SensorDeviceClass.ENUM,
    options=[transport.value for transport in Transport],
    entity_category=EntityCategory.DIAGNOSTIC,
)


def _entities(runtime: RainMakerRuntimeData, node: Node) -> Iterator[RainMakerEntity]:
    coordinator = runtime.coordinator
    if local_credentials(node) is not None:
        yield TransportSensor(coordinator, node, WHOLE_NODE, TRANSPORT)
    for device in node.config.devices:
        if timer_param(node, device) is not None:
            yield RainMakerSensor(coordinator, node, device.name, _timer(node, device))
    for device in node.config.devices:
        if is_thermacell(node, device):
            for description in THERMACELL_SENSORS:
                yield RainMakerSensor(coordinator, node, device.name, description)
    for device, parts in profile_devices(node, Platform.SENSOR):
        if (param := parts.get(TEMPERATURE)) is not None:
            yield RainMakerSensor(
                coordinator, node, device.name, _temperature(device, param)
            )
    for device, param in generic_params(node, Platform.SENSOR):
        yield RainMakerSensor(
            coordinator, node, device.name, _generic(node, device, param)
        )


async def async_setup_entry(
    hass: HomeAssistant,
    entry: RainMakerConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add sensors for current and future nodes."""
    async_add_node_entities(entry, async_add_entities, _entities)


class RainMakerSensor(RainMakerEntity, SensorEntity):
    """A value of a node."""

    entity_description: RainMakerSensorEntityDescription

    @property
    def native_value(self) -> StateType | datetime:
        """Return the value in the sensor's type."""
        node = self.node
        if node is None:
            return None
        value = self.entity_description.value_fn(node)
        if isinstance(value, datetime):
            return value
        if isinstance(value, str):
            return value[:MAX_STATE_LENGTH]
        return number(value)


class TransportSensor(RainMakerEntity, SensorEntity):
    """How a node with local control is reached now: on the LAN or via the cloud."""

    follows_connectivity = False

    @property
    def native_value(self) -> str:
        """Return the transport."""
        return self.coordinator.local.transport(self.node_id).value
