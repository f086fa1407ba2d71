"""Binary sensors: connectivity of every node, Thermacell problems, read-only booleans."""

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from homeassistant.components.binary_sensor import (
    BinarySensorDeviceClass,
    BinarySensorEntity,
    BinarySensorEntityDescription,
)
from homeassistant.const import EntityCategory, Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .api import Node
from .api.thermacell import has_problem
from .coordinator import RainMakerConfigEntry, RainMakerRuntimeData
from .entity import WHOLE_NODE, RainMakerEntity, async_add_node_entities, param_value
from .mapping import generic_naming, generic_params, is_thermacell
from .meanings import binary_meaning

# The coordinator fetches the data; sensors only read it.
PARALLEL_UPDATES = 0


@dataclass(frozen=True, kw_only=True)
class RainMakerBinarySensorEntityDescription(BinarySensorEntityDescription):
    """A binary sensor reading a node."""

    is_on_fn: Callable[[Node], object]


CONNECTIVITY = RainMakerBinarySensorEntityDescription(
    key="connectivity",
    translation_key="connectivity",
    device_class=BinarySensorDeviceClass.CONNECTIVITY,
    entity_category=EntityCategory.DIAGNOSTIC,
    is_on_fn=lambda node: node.connected,
)
PROBLEM = RainMakerBinarySensorEntityDescription(
    key="problem",
    translation_key="problem",
    device_class=BinarySensorDeviceClass.PROBLEM,
    is_on_fn=has_problem,
)


def _inverted(read: Callable[[Node], object]) -> Callable[[Node], object]:
    """Return a reader of the opposite of a boolean (anything else as it is)."""

    def is_on(node: Node) -> object:
        value = read(node)
        return not value if isinstance(value, bool) else value

    return is_on


def _entities(runtime: RainMakerRuntimeData, node: Node) -> Iterator[RainMakerEntity]:
    coordinator = runtime.coordinator
    yield ConnectivityBinarySensor(coordinator, node, WHOLE_NODE, CONNECTIVITY)
    for device in node.config.devices:
        if is_thermacell(node, device):
            yield RainMakerBinarySensor(coordinator, node, device.name, PROBLEM)
    for device, param in generic_params(node, Platform.BINARY_SENSOR):
        meaning = binary_meaning(param)
        read = param_value(device.name, param.name)
        description = RainMakerBinarySensorEntityDescription(
            key=f"param_{param.name}",
            device_class=meaning.device_class if meaning else None,
            entity_registry_enabled_default=not is_thermacell(node, device),
            is_on_fn=_inverted(read) if meaning and meaning.inverted else read,
            **generic_naming(node, device, param),
        )
        yield RainMakerBinarySensor(coordinator, node, device.name, description)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: RainMakerConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add binary sensors for current and future nodes."""
    async_add_node_entities(entry, async_add_entities, _entities)


class RainMakerBinarySensor(RainMakerEntity, BinarySensorEntity):
    """A boolean state of a node."""

    entity_description: RainMakerBinarySensorEntityDescription

    @property
    def is_on(self) -> bool | None:
        """Return the state, None while unknown."""
        node = self.node
        value = self.entity_description.is_on_fn(node) if node is not None else None
        return value if isinstance(value, bool) else None


class ConnectivityBinarySensor(RainMakerBinarySensor):
    """Whether the node is connected to the cloud; available while the node is offline."""

    follows_connectivity = False
