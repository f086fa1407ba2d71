"""Snapshots that read the same on every Home Assistant release the tests run on.

Home Assistant's own snapshot serializer writes every attribute of a registry
entry, and the attributes change between releases (aliases became a list, a device
got one config entry instead of a set, ...). Registry entries are written here with
the fields the integration decides, which mean the same on every release; what
Home Assistant keeps for itself (ids, areas, labels, aliases, config entries,
registry options) and what it derives differently by release (the mired bounds of
a light, dropped in newer releases) is left out. State attributes and capabilities are keyed by plain strings (newer
releases key them by enums, which read differently). Everything else uses Home Assistant's serializer
as is.
"""

from collections.abc import Mapping
from typing import Any

from homeassistant.core import State
from homeassistant.helpers import device_registry as dr, entity_registry as er
from homeassistant.util.read_only_dict import ReadOnlyDict
from pytest_homeassistant_custom_component.syrupy import (
    ANY,
    DeviceRegistryEntrySnapshot,
    EntityRegistryEntrySnapshot,
    HomeAssistantSnapshotExtension,
    HomeAssistantSnapshotSerializer,
    StateSnapshot,
)
from syrupy.types import SerializableData

ENTITY_FIELDS = (
    "capabilities",
    "device_class",
    "disabled_by",
    "domain",
    "entity_category",
    "entity_id",
    "has_entity_name",
    "hidden_by",
    "icon",
    "name",
    "original_device_class",
    "original_icon",
    "original_name",
    "platform",
    "supported_features",
    "translation_key",
    "unique_id",
    "unit_of_measurement",
)
# Attributes and capabilities Home Assistant derives itself, only on some releases
# or differently by release (an update entity's picture: the brands CDN, later a
# local path).
DERIVED_BY_RELEASE = frozenset(
    {"min_mireds", "max_mireds", "color_temp", "is_closed", "entity_picture"}
)
# Units are written as plain strings: newer releases use enums for some
# (UnitOfRatio, UnitOfDensity) and spell micro with the Greek mu, not the micro sign.
UNIT_KEY = "unit_of_measurement"
DEVICE_FIELDS = (
    "configuration_url",
    "connections",
    "disabled_by",
    "entry_type",
    "hw_version",
    "identifiers",
    "manufacturer",
    "model",
    "model_id",
    "name",
    "name_by_user",
    "serial_number",
    "sw_version",
    "via_device_id",
)


def _fields(entry: Any, names: tuple[str, ...]) -> dict[str, Any]:
    return {name: getattr(entry, name) for name in names}


def _unit(unit: Any) -> Any:
    """Return a unit as the same plain string on every release."""
    return str(unit).replace("\u00b5", "\u03bc") if unit is not None else None


def _without_derived(mapping: Mapping[str, Any]) -> dict[str, Any]:
    """Return `mapping` keyed by plain strings, without release-derived keys."""
    portable = {
        str(key): value
        for key, value in mapping.items()
        if str(key) not in DERIVED_BY_RELEASE
    }
    if UNIT_KEY in portable:
        portable[UNIT_KEY] = _unit(portable[UNIT_KEY])
    return portable


class PortableSnapshotSerializer(HomeAssistantSnapshotSerializer):
    """Home Assistant's serializer, with release-independent registry entries."""

    @classmethod
    def _serializable_entity_registry_entry(
        cls, data: er.RegistryEntry
    ) -> SerializableData:
        serialized = _fields(data, ENTITY_FIELDS)
        serialized[UNIT_KEY] = _unit(serialized[UNIT_KEY])
        if data.capabilities is not None:
            serialized["capabilities"] = _without_derived(data.capabilities)
        return EntityRegistryEntrySnapshot(serialized)

    @classmethod
    def _serializable_device_registry_entry(
        cls, data: dr.DeviceEntry
    ) -> SerializableData:
        serialized = _fields(data, DEVICE_FIELDS)
        if serialized["via_device_id"] is not None:
            serialized["via_device_id"] = ANY
        return DeviceRegistryEntrySnapshot(serialized)

    @classmethod
    def _serializable_state(cls, data: State) -> SerializableData:
        serialized = StateSnapshot(super()._serializable_state(data))
        serialized["attributes"] = ReadOnlyDict(_without_derived(data.attributes))
        return serialized


class PortableSnapshotExtension(HomeAssistantSnapshotExtension):
    """Snapshots in tests/**/snapshots/, valid on every tested release."""

    serializer_class = PortableSnapshotSerializer
