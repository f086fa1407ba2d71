"""The base entity: unique ids that never collide, and ids of 0.1.0 carried over."""

from typing import Any

from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr, entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.esp_rainmaker.const import DOMAIN
from custom_components.esp_rainmaker.entity import entity_unique_id
from rainmaker_emulator import DEMO_EMAIL, Cloud

from .common import node_id_named


def plug(node_id: str, device: str) -> dict[str, Any]:
    """The config of a node with one plug device called `device`."""
    return {
        "node_id": node_id,
        "info": {"name": "Plug", "type": "Plug"},
        "devices": [
            {
                "name": device,
                "type": "esp.device.plug",
                "params": [
                    {
                        "name": "Power",
                        "type": "esp.param.power",
                        "data_type": "bool",
                        "properties": ["read", "write"],
                    }
                ],
            }
        ],
    }


@pytest.fixture
def lookalike_plugs(cloud: Cloud, demo_user_id: str) -> None:
    """Node n1 with device Plug_A, node n1_Plug with device A: one old id for both."""
    for node_id, device in (("n1", "Plug_A"), ("n1_Plug", "A")):
        cloud.add_node(
            "raw",
            DEMO_EMAIL,
            node_id=node_id,
            config=plug(node_id, device),
            params={device: {"Power": node_id == "n1"}},
        )


@pytest.mark.usefixtures("lookalike_plugs")
@pytest.mark.parametrize("platforms", [[Platform.SWITCH]])
async def test_unique_ids_never_collide(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    entity_registry: er.EntityRegistry,
) -> None:
    """Both plugs get an entity, each on its own device."""
    first = entity_registry.async_get_entity_id(
        "switch", DOMAIN, entity_unique_id("n1", "Plug_A", "switch")
    )
    second = entity_registry.async_get_entity_id(
        "switch", DOMAIN, entity_unique_id("n1_Plug", "A", "switch")
    )
    assert first is not None
    assert second is not None
    assert hass.states.get(first).state == "on"  # type: ignore[union-attr]
    assert hass.states.get(second).state == "off"  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("parts", "expected"),
    [
        (("node", "LIV Hub", "repellers"), "node:LIV Hub:repellers"),
        (("n:1", "a%b", "param_x:y"), "n%3A1:a%25b:param_x%3Ay"),
    ],
)
def test_unique_id_format(parts: tuple[str, str, str], expected: str) -> None:
    """Readable ids; `:` and `%` escaped in every part."""
    assert entity_unique_id(*parts) == expected


async def test_ids_of_0_1_0_are_carried_over(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    cloud: Cloud,
    entity_registry: er.EntityRegistry,
    device_registry: dr.DeviceRegistry,
) -> None:
    """An upgrade keeps the entity ids, names and settings users gave their entities."""
    mock_config_entry.add_to_hass(hass)
    coffee = node_id_named(cloud, "Coffee Maker")
    patio = node_id_named(cloud, "Patio")
    devices = {
        node_id: device_registry.async_get_or_create(
            config_entry_id=mock_config_entry.entry_id,
            identifiers={(DOMAIN, node_id)},
        )
        for node_id in (coffee, patio)
    }
    # Old unique id: entity id the user knows, its node, and today's unique id.
    old = {
        f"{coffee}_Switch_switch": (
            "switch.espresso",
            coffee,
            entity_unique_id(coffee, "Switch", "switch"),
        ),
        f"{patio}_LIV Hub_repellers": (
            "switch.mosquitoes",
            patio,
            entity_unique_id(patio, "LIV Hub", "repellers"),
        ),
        f"{patio}_node_connectivity": (
            "binary_sensor.patio_link",
            patio,
            entity_unique_id(patio, "node", "connectivity"),
        ),
    }
    for unique_id, (entity_id, node_id, _) in old.items():
        domain, object_id = entity_id.split(".")
        entry = entity_registry.async_get_or_create(
            domain,
            DOMAIN,
            unique_id,
            config_entry=mock_config_entry,
            device_id=devices[node_id].id,
            suggested_object_id=object_id,
        )
        entity_registry.async_update_entity(entry.entity_id, name="Kept by the user")

    assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()

    for entity_id, _, unique_id in old.values():
        entry = entity_registry.async_get(entity_id)
        assert entry is not None
        assert entry.unique_id == unique_id
        assert entry.name == "Kept by the user"
        assert hass.states.get(entity_id) is not None
    legacy = f"{coffee}_Switch_switch"
    assert entity_registry.async_get_entity_id("switch", DOMAIN, legacy) is None
