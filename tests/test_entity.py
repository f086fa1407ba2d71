"""The base entity: unique ids that never collide, ids of 0.1.0 carried over, and state written only when it changed."""

from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.const import EVENT_STATE_CHANGED, EVENT_STATE_REPORTED, Platform
from homeassistant.core import Event, HomeAssistant, callback
from homeassistant.helpers import device_registry as dr, entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.esp_rainmaker.const import DOMAIN
from custom_components.esp_rainmaker.entity import entity_unique_id
from rainmaker_emulator import DEMO_EMAIL, Cloud, EmulatorAdmin

from .common import node_id_named, tick
from .conftest import GENERIC_NODE_ID


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


@pytest.fixture
def writes(hass: HomeAssistant) -> list[str]:
    """The entity ids whose state is written from now on, changed or not."""
    written: list[str] = []

    @callback
    def _written(event: Event[Any]) -> None:
        written.append(event.data["entity_id"])

    @callback
    def _every_one(_data: Any) -> bool:
        return True

    hass.bus.async_listen(EVENT_STATE_CHANGED, _written)
    # Home Assistant asks for a filter on this busy event.
    hass.bus.async_listen(EVENT_STATE_REPORTED, _written, event_filter=_every_one)
    return written


@pytest.mark.usefixtures("quiet_demo", "firmware_checks_later")
async def test_only_entities_whose_state_changed_are_written(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    admin: EmulatorAdmin,
    cloud: Cloud,
    freezer: FrozenDateTimeFactory,
    writes: list[str],
) -> None:
    """A new refill level rewrites the refill sensor, not the hub's other entities."""
    await admin.set_params(
        node_id_named(cloud, "Patio"), {"LIV Hub": {"Refill Life": 42.0}}
    )
    await tick(hass, freezer, 30)

    assert writes == ["sensor.patio_refill_life"]
    assert hass.states.get("sensor.patio_refill_life").state == "42.0"  # type: ignore[union-attr]


@pytest.mark.usefixtures("quiet_demo", "generic_node", "firmware_checks_later")
async def test_equal_values_of_another_type_are_written(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    admin: EmulatorAdmin,
    freezer: FrozenDateTimeFactory,
    writes: list[str],
) -> None:
    """A humidity going from 48 to 48.0 shows the new value (`==` would call it equal)."""
    humidity = "sensor.living_room_ac_humidity"
    await admin.set_params(GENERIC_NODE_ID, {"AC": {"Humidity": 48}})
    await tick(hass, freezer, 30)
    assert hass.states.get(humidity).state == "48"  # type: ignore[union-attr]
    writes.clear()

    await admin.set_params(GENERIC_NODE_ID, {"AC": {"Humidity": 48.0}})
    await tick(hass, freezer, 30)

    assert writes == [humidity]
    assert hass.states.get(humidity).state == "48.0"  # type: ignore[union-attr]
