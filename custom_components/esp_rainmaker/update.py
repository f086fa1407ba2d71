"""Firmware updates: one update entity per node, installed only when the user asks."""

from collections.abc import Iterator
from typing import Any

from homeassistant.components.update import (
    UpdateDeviceClass,
    UpdateEntity,
    UpdateEntityDescription,
    UpdateEntityFeature,
)
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .api import Node, OtaProgress, OtaUpdate
from .coordinator import (
    RainMakerConfigEntry,
    RainMakerCoordinator,
    RainMakerRuntimeData,
)
from .entity import WHOLE_NODE, RainMakerEntity, async_add_node_entities
from .firmware import FirmwareUpdates

PARALLEL_UPDATES = 0
MAX_SUMMARY = 255

FIRMWARE = UpdateEntityDescription(
    key="firmware", device_class=UpdateDeviceClass.FIRMWARE
)


def _entities(runtime: RainMakerRuntimeData, node: Node) -> Iterator[RainMakerEntity]:
    yield RainMakerUpdate(runtime.coordinator, node, runtime.firmware)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: RainMakerConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add an update entity for every node."""
    async_add_node_entities(entry, async_add_entities, _entities)


class RainMakerUpdate(RainMakerEntity, UpdateEntity):
    """A node's firmware: the version it runs and the one the cloud offers."""

    _attr_supported_features = (
        UpdateEntityFeature.INSTALL
        | UpdateEntityFeature.PROGRESS
        | UpdateEntityFeature.RELEASE_NOTES
    )

    def __init__(
        self,
        coordinator: RainMakerCoordinator,
        node: Node,
        firmware: FirmwareUpdates,
    ) -> None:
        """Bind to a node and the account's firmware offers."""
        super().__init__(coordinator, node, WHOLE_NODE, FIRMWARE)
        self.firmware = firmware
        self._attr_in_progress = False

    async def async_added_to_hass(self) -> None:
        """Follow the firmware offers too."""
        await super().async_added_to_hass()
        self.async_on_remove(
            self.firmware.async_add_listener(self._handle_coordinator_update)
        )

    @property
    def _offer(self) -> OtaUpdate | None:
        return self.firmware.data.get(self.node_id)

    @property
    def installed_version(self) -> str | None:
        """Return the firmware version the node runs."""
        node = self.node
        return node.config.info.fw_version if node is not None else None

    @property
    def latest_version(self) -> str | None:
        """Return the offered version; the installed one when none is offered."""
        offer = self._offer
        if offer is None:
            return None
        return offer.fw_version if offer.available else self.installed_version

    @property
    def release_summary(self) -> str | None:
        """Return the start of the release notes."""
        offer = self._offer
        if offer is None or not offer.available or offer.description is None:
            return None
        return offer.description[:MAX_SUMMARY]

    async def async_release_notes(self) -> str | None:
        """Return the release notes the cloud gave."""
        offer = self._offer
        return offer.description if offer is not None and offer.available else None

    async def async_install(
        self, version: str | None, backup: bool, **kwargs: Any
    ) -> None:
        """Install the offered firmware, showing progress until the job ends."""
        offer = self._offer or OtaUpdate(available=False)
        self._attr_in_progress = True
        self._attr_update_percentage = None
        self.async_write_ha_state()
        try:
            await self.firmware.async_install(self.node_id, offer, self._progress)
        finally:
            self._attr_in_progress = False
            self._attr_update_percentage = None
            self.async_write_ha_state()

    @callback
    def _progress(self, progress: OtaProgress) -> None:
        if progress.percentage != self._attr_update_percentage:
            self._attr_update_percentage = progress.percentage
            self.async_write_ha_state()
