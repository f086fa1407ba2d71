"""Scenes stored on a node (`esp.service.scenes`): activating one runs it on the device."""

from collections.abc import Hashable, Iterator
from typing import Any

from homeassistant.components.scene import Scene as SceneEntity
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers.entity import EntityDescription
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .api import DeviceSpec, Node, ParamSpec
from .api.schedules import Scene, activate_operation, node_scenes, scenes_param
from .const import DOMAIN
from .coordinator import (
    RainMakerConfigEntry,
    RainMakerCoordinator,
    RainMakerRuntimeData,
)
from .entity import RainMakerEntity, async_add_node_entities
from .timers import async_write_operations

PARALLEL_UPDATES = 0


def _scene_ids(node: Node) -> Hashable:
    return tuple(scene.scene_id for scene in node_scenes(node))


def _entities(runtime: RainMakerRuntimeData, node: Node) -> Iterator[RainMakerEntity]:
    if (found := scenes_param(node)) is None:
        return
    for scene in node_scenes(node):
        yield RainMakerScene(runtime.coordinator, node, found, scene)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: RainMakerConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add a scene for every scene the nodes store, now and as they change."""
    async_add_node_entities(entry, async_add_entities, _entities, watch=_scene_ids)


class RainMakerScene(RainMakerEntity, SceneEntity):
    """A scene stored on a node."""

    transient = True

    def __init__(
        self,
        coordinator: RainMakerCoordinator,
        node: Node,
        found: tuple[DeviceSpec, ParamSpec],
        scene: Scene,
    ) -> None:
        """Bind to one scene of the node."""
        super().__init__(
            coordinator,
            node,
            found[0].name,
            EntityDescription(
                key=f"scene_{scene.scene_id}",
                translation_key="scene",
                translation_placeholders={"name": scene.name},
            ),
        )
        self._found = found
        self.scene_id = scene.scene_id

    @property
    def available(self) -> bool:
        """Return False while the node does not store the scene."""
        node = self.node
        return (
            super().available
            and node is not None
            and any(scene.scene_id == self.scene_id for scene in node_scenes(node))
        )

    async def async_activate(self, **kwargs: Any) -> None:
        """Have the node run the scene."""
        node = self.node
        if node is None or not self.available:
            raise ServiceValidationError(
                translation_domain=DOMAIN,
                translation_key="scene_gone",
                translation_placeholders={"scene_id": self.scene_id},
            )
        await async_write_operations(
            self.coordinator,
            node,
            self._found,
            activate_operation(self.scene_id),
            show=False,
        )
