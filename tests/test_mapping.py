"""Entities for a device kind nobody curated, from its parameter metadata alone."""

from homeassistant.const import STATE_OFF, STATE_ON
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.esp_rainmaker.api import Bounds, ParamSpec
from custom_components.esp_rainmaker.mapping import clamp_to_param, unmapped_params

from .conftest import GENERIC_NODE_ID


@pytest.mark.usefixtures("generic_node")
async def test_generic_entities(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    entity_registry: er.EntityRegistry,
) -> None:
    """Each parameter lands on the platform its metadata calls for, named after its device."""
    entries = {
        entry.unique_id.removeprefix(f"{GENERIC_NODE_ID}:"): entry.entity_id
        for entry in er.async_entries_for_config_entry(
            entity_registry, init_integration.entry_id
        )
        if entry.unique_id.startswith(f"{GENERIC_NODE_ID}:")
    }
    assert entries == {
        "node:connectivity": "binary_sensor.living_room_ac_connectivity",
        "node:firmware": "update.living_room_ac_firmware",
        "AC:param_Power": "switch.living_room_ac_power",
        "AC:param_Mode": "select.living_room_ac_mode",
        "AC:param_Setpoint": "number.living_room_ac_setpoint",
        "AC:param_Fan Level": "number.living_room_ac_fan_level",
        "AC:param_Humidity": "sensor.living_room_ac_humidity",
        "AC:param_Temperature": "sensor.living_room_ac_temperature",
        "AC:param_Filter Dirty": "binary_sensor.living_room_ac_filter_dirty",
        "AC:param_Beep": "button.living_room_ac_beep",
        "AC:param_Self Clean": "button.living_room_ac_self_clean",
        "AC:param_Note": "sensor.living_room_ac_note",
        "Vent:fan": "fan.living_room_ac_hall_vent",
        "Vent:param_Swing": "switch.living_room_ac_hall_vent_swing",
        "System:reboot": "button.living_room_ac_reboot",
    }
    assert hass.states.get("switch.living_room_ac_power").state == STATE_ON
    assert hass.states.get("select.living_room_ac_mode").state == "Cool"
    assert hass.states.get("number.living_room_ac_setpoint").state == "22.5"
    assert hass.states.get("sensor.living_room_ac_humidity").state == "48.5"
    assert (
        hass.states.get("sensor.living_room_ac_temperature").attributes[
            "unit_of_measurement"
        ]
        == "°C"
    )
    assert (
        hass.states.get("binary_sensor.living_room_ac_filter_dirty").state == STATE_OFF
    )
    assert hass.states.get("fan.living_room_ac_hall_vent").state == STATE_OFF
    note = entity_registry.async_get("sensor.living_room_ac_note")
    assert note is not None
    assert note.disabled_by is er.RegistryEntryDisabler.INTEGRATION


@pytest.mark.parametrize(
    ("data_type", "bounds", "value", "expected"),
    [
        ("int", Bounds(0, 100, 1), 50.4, 50),
        ("int", Bounds(0, 100, 1), 130, 100),
        ("int", Bounds(2700, 6500, 100), 3033, 3000),
        ("float", Bounds(16, 30, 0.5), 22.3, 22.5),
        ("float", Bounds(16, 30, 0.5), 2, 16.0),
        ("float", None, 2.25, 2.25),
        ("int", Bounds(min=1), -3, 1),
    ],
)
def test_clamp_to_param(
    data_type: str, bounds: Bounds | None, value: float, expected: float
) -> None:
    """Values are clamped to the bounds and rounded to the step."""
    param = ParamSpec("P", "x", data_type, frozenset({"write"}), bounds=bounds)
    assert clamp_to_param(param, value) == expected


@pytest.mark.usefixtures("generic_node")
async def test_unmapped_params_are_named_with_a_reason(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """What no entity shows is listed (in diagnostics), each with why."""
    node = init_integration.runtime_data.coordinator.data[GENERIC_NODE_ID]
    assert unmapped_params(node) == {
        "AC": {
            "Wi-Fi Password": "a credential",
            "Secret": "a credential",
            "Zones": "an object",
            "Offset": "a writable number without bounds",
        }
    }
