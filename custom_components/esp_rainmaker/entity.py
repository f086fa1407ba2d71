"""Base entity and entity discovery shared by every platform."""

from collections.abc import Callable, Hashable, Iterable, Mapping
from typing import Any, Final

from homeassistant.core import callback
from homeassistant.helpers import (
    device_registry as dr,
    entity_platform,
    entity_registry as er,
)
from homeassistant.helpers.device_registry import DeviceInfo
from homeassistant.helpers.entity import EntityDescription
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.helpers.update_coordinator import CoordinatorEntity

from .api import DeviceSpec, Node, NodeConfig, ParamSpec, exact_key
from .api.thermacell import PARAM_HUB_ID, hub_device
from .const import DOMAIN, MANUFACTURER, THERMACELL_MANUFACTURER, THERMACELL_MODEL
from .coordinator import (
    RainMakerConfigEntry,
    RainMakerCoordinator,
    RainMakerRuntimeData,
)
from .profiles import Parts

SERIAL_ATTRIBUTE = "Serial Number"
# The device part of the unique id of entities about the whole node (its
# connectivity), which belong to none of its devices.
WHOLE_NODE = "node"
_NOT_WRITTEN: Final = object()


def node_device_info(node: Node, area: str | None = None) -> DeviceInfo:
    """Describe the Home Assistant device of a node (`area`: suggested, if new)."""
    info = node.config.info
    suggested = DeviceInfo(suggested_area=area) if area else DeviceInfo()
    if (hub := hub_device(node.config)) is not None:
        serial = node.get(hub.name, PARAM_HUB_ID)
        return DeviceInfo(
            identifiers={(DOMAIN, node.node_id)},
            name=node.name,
            manufacturer=THERMACELL_MANUFACTURER,
            model=THERMACELL_MODEL,
            model_id=info.model,
            sw_version=info.fw_version,
            serial_number=serial if isinstance(serial, str) and serial else None,
            **suggested,
        )
    serial = next(
        (
            value
            for device in node.config.devices
            if (value := device.attribute(SERIAL_ATTRIBUTE))
        ),
        None,
    )
    return DeviceInfo(
        identifiers={(DOMAIN, node.node_id)},
        name=node.name,
        manufacturer=MANUFACTURER,
        model=info.type or info.model,
        model_id=info.model,
        sw_version=info.fw_version,
        hw_version=info.platform,
        serial_number=serial,
        **suggested,
    )


def _escaped(part: str) -> str:
    return part.replace("%", "%25").replace(":", "%3A")


def entity_unique_id(node_id: str, device: str, key: str) -> str:
    """Return the unique id of an entity: node id, device name and key.

    The parts are joined by `:` with `%` and `:` escaped in each, so two entities
    never share an id (joined by `_`, node `n1` with device `Plug_A` and node
    `n1_Plug` with device `A` did).
    """
    return ":".join(_escaped(part) for part in (node_id, device, key))


class RainMakerEntity(CoordinatorEntity[RainMakerCoordinator]):
    """An entity of one device (or service) of one node.

    The unique id is the node id, the device's name in the node configuration (set
    by the firmware, not the user) and a fixed key. `legacy_unique_id` is the id
    releases up to 0.1.0 gave it, which the registry entry is moved from.

    Unchanged state is skipped in two steps, neither of them listed by hand: the
    coordinator calls only the entities of nodes that changed (or all, when the
    cloud's availability did), and an entity called writes its state only when
    what Home Assistant would show of it (availability, state, attributes)
    changed, compared by type as well as value.
    """

    _attr_has_entity_name = True
    # Unavailable while the node is offline (not for what stays true offline).
    follows_connectivity = True
    # Stands for something the user can delete (a schedule): removed when it goes.
    transient = False
    # Shows what the cloud reports apart from the values written and not yet
    # confirmed, which the coordinator's updates leave out when the two agree:
    # looked at after every fetch.
    follows_reports = False

    def __init__(
        self,
        coordinator: RainMakerCoordinator,
        node: Node,
        device_name: str,
        description: EntityDescription,
    ) -> None:
        """Bind the entity to a node's device (or to the node: WHOLE_NODE)."""
        super().__init__(coordinator, context=node.node_id)
        self.entity_description = description
        self.node_id = node.node_id
        self.device_name = device_name
        self._attr_unique_id = entity_unique_id(
            node.node_id, device_name, description.key
        )
        self.legacy_unique_id = f"{node.node_id}_{device_name}_{description.key}"
        self._attr_device_info = node_device_info(
            node, coordinator.config_entry.runtime_data.areas.get(node.node_id)
        )
        self._written: Hashable = _NOT_WRITTEN

    @property
    def node(self) -> Node | None:
        """Return the node as last reported (with values written but not confirmed)."""
        return self.coordinator.data.get(self.node_id)

    @property
    def available(self) -> bool:
        """Return False when neither cloud nor LAN reach it, or it is gone or offline."""
        node = self.node
        return (
            super().available
            and node is not None
            and self.node_id not in self.coordinator.unreachable
            and (node.connected is not False or not self.follows_connectivity)
        )

    async def async_added_to_hass(self) -> None:
        """Look at every fetch too, if the entity shows reports apart from writes."""
        await super().async_added_to_hass()
        if self.follows_reports:
            self.async_on_remove(
                self.coordinator.async_add_fetch_listener(self._fetched)
            )

    @callback
    def _fetched(self, reported: Mapping[str, Node], now: float) -> None:
        """Write the state if a fetch changed what it shows."""
        self._handle_coordinator_update()

    def _shown(self) -> Hashable:
        """Return what Home Assistant shows of the entity, as `exact_key` compares it."""
        if not self.available:
            return None
        return exact_key(
            (self.state, self.state_attributes, self.extra_state_attributes)
        )

    @callback
    def _handle_coordinator_update(self) -> None:
        """Write the state only when what it shows changed."""
        if self._shown() != self._written:
            self.async_write_ha_state()

    @callback
    def _async_write_ha_state(self) -> None:
        """Remember what was written, whatever wrote it, for the next comparison."""
        self._written = self._shown()
        super()._async_write_ha_state()


class RainMakerParamEntity(RainMakerEntity):
    """An entity that shows and writes one parameter of a node's device."""

    def __init__(
        self,
        coordinator: RainMakerCoordinator,
        node: Node,
        device: DeviceSpec,
        param: ParamSpec,
        description: EntityDescription,
    ) -> None:
        """Bind to `param` of `device`."""
        super().__init__(coordinator, node, device.name, description)
        self.param = param

    @property
    def current_value(self) -> Any:
        """Return the parameter's reported (or just written) value, None if unknown."""
        node = self.node
        return node.get(self.device_name, self.param.name) if node is not None else None

    async def async_write_param(self, value: Any) -> None:
        """Write the parameter (coalesced with other commands into one bulk PUT)."""
        await self.coordinator.async_send(
            self.node_id, self.device_name, {self.param.name: value}
        )


class RainMakerDeviceEntity(RainMakerEntity):
    """A device's main entity, made of the params (parts) its profile picked."""

    def __init__(
        self,
        coordinator: RainMakerCoordinator,
        node: Node,
        device: DeviceSpec,
        parts: Parts,
        description: EntityDescription,
    ) -> None:
        """Bind to the device and its parts."""
        super().__init__(coordinator, node, device.name, description)
        self.parts = parts

    def read(self, param: ParamSpec | None, *, reported: bool = False) -> Any:
        """Return a param's value as shown (or as the cloud `reported` it), None if unknown."""
        node = self.coordinator.reported.get(self.node_id) if reported else self.node
        if node is None or param is None:
            return None
        return node.get(self.device_name, param.name)


def param_value(device: str, param: str) -> Callable[[Node], Any]:
    """Return a reader of one parameter's value."""
    return lambda node: node.get(device, param)


type EntityFactory = Callable[[RainMakerRuntimeData, Node], Iterable[RainMakerEntity]]


@callback
def async_add_node_entities(
    entry: RainMakerConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
    factory: EntityFactory,
    watch: Callable[[Node], Hashable] | None = None,
) -> None:
    """Add entities for every node now, and for nodes that appear later.

    A node whose configuration changes (new firmware), or whose `watch` value
    changes (the schedules it stores, say), is offered to the factory again: only
    entities with new unique ids are added, and `transient` entities the factory
    no longer makes (a schedule deleted in the app) are removed.
    """
    runtime = entry.runtime_data
    coordinator = runtime.coordinator
    platform_domain = entity_platform.async_get_current_platform().domain
    seen: dict[str, tuple[NodeConfig, Hashable]] = {}
    added: dict[str, dict[str, RainMakerEntity]] = {}

    @callback
    def _add_new_entities() -> None:
        for node_id in seen.keys() - coordinator.data.keys():
            del seen[node_id]
            added.pop(node_id, None)
        new: list[RainMakerEntity] = []
        for node_id, node in coordinator.data.items():
            state = (node.config, watch(node) if watch is not None else None)
            if (last := seen.get(node_id)) is not None and (
                last[0] is state[0] and last[1] == state[1]
            ):
                continue
            seen[node_id] = state
            known = added.setdefault(node_id, {})
            made = {str(entity.unique_id): entity for entity in factory(runtime, node)}
            for unique_id, entity in made.items():
                if unique_id not in known:
                    known[unique_id] = entity
                    new.append(entity)
            for unique_id in [
                uid for uid, old in known.items() if uid not in made and old.transient
            ]:
                _remove_entity(coordinator, known.pop(unique_id))
        if new:
            _adopt_legacy_unique_ids(coordinator, platform_domain, new)
            async_add_entities(new)

    _add_new_entities()
    entry.async_on_unload(coordinator.async_add_listener(_add_new_entities))


@callback
def _remove_entity(coordinator: RainMakerCoordinator, entity: RainMakerEntity) -> None:
    """Remove an entity whose subject is gone, from the registry if it is there."""
    registry = er.async_get(coordinator.hass)
    if entity.entity_id and registry.async_get(entity.entity_id) is not None:
        registry.async_remove(entity.entity_id)
    elif entity.hass is not None:
        coordinator.config_entry.async_create_task(
            coordinator.hass, entity.async_remove(), "remove entity"
        )


@callback
def _adopt_legacy_unique_ids(
    coordinator: RainMakerCoordinator,
    platform_domain: str,
    entities: Iterable[RainMakerEntity],
) -> None:
    """Move registry entries from the ids of 0.1.0 to today's, keeping their history.

    An entry moves only to an entity of the node its device belongs to: where two
    entities shared an old id, the registry held the first, which keeps it.
    """
    entities_registry = er.async_get(coordinator.hass)
    devices = dr.async_get(coordinator.hass)
    for entity in entities:
        unique_id = str(entity.unique_id)
        if entities_registry.async_get_entity_id(platform_domain, DOMAIN, unique_id):
            continue
        entity_id = entities_registry.async_get_entity_id(
            platform_domain, DOMAIN, entity.legacy_unique_id
        )
        entry = entities_registry.async_get(entity_id) if entity_id else None
        if entry is None:
            continue
        device = devices.async_get(entry.device_id) if entry.device_id else None
        if device is not None and (DOMAIN, entity.node_id) not in device.identifiers:
            continue
        entities_registry.async_update_entity(entry.entity_id, new_unique_id=unique_id)
