"""Climate: thermostats and air conditioners, their modes, setpoints and fan modes."""

from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.climate import (
    ATTR_CURRENT_TEMPERATURE,
    ATTR_FAN_MODE,
    ATTR_FAN_MODES,
    ATTR_HVAC_MODE,
    ATTR_HVAC_MODES,
    ATTR_MAX_TEMP,
    ATTR_MIN_TEMP,
    ATTR_TARGET_TEMP_HIGH,
    ATTR_TARGET_TEMP_LOW,
    ATTR_TARGET_TEMP_STEP,
    DOMAIN as CLIMATE_DOMAIN,
    SERVICE_SET_FAN_MODE,
    SERVICE_SET_HVAC_MODE,
    SERVICE_SET_TEMPERATURE,
    SERVICE_TURN_OFF,
    SERVICE_TURN_ON,
    HVACMode,
)
from homeassistant.const import ATTR_ENTITY_ID, ATTR_TEMPERATURE, Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    snapshot_platform,
)
from syrupy.assertion import SnapshotAssertion

from custom_components.esp_rainmaker.api import Bounds, ParamSpec
from custom_components.esp_rainmaker.climate import temperature_unit
from rainmaker_emulator import DEMO_EMAIL, Cloud

from .common import add_device_node, node_id_named, tick
from .conftest import load_json_fixture

THERMOSTAT = "climate.hallway_thermostat"
AC = "climate.bedroom_ac"

RW = ["read", "write"]


def spec(name: str, param_type: str, data_type: str, **extra: Any) -> dict[str, Any]:
    """Return a writable param spec."""
    return {
        "name": name,
        "type": param_type,
        "data_type": data_type,
        "properties": extra.pop("properties", RW),
        **extra,
    }


async def call(hass: HomeAssistant, service: str, entity_id: str, **data: Any) -> None:
    """Call a climate service."""
    await hass.services.async_call(
        CLIMATE_DOMAIN, service, {ATTR_ENTITY_ID: entity_id, **data}, blocking=True
    )


def payloads(cloud: Cloud, node_id: str) -> list[Any]:
    """Return every write the node received."""
    return [write["payload"] for write in cloud.node(node_id).writes]


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
@pytest.mark.parametrize("platforms", [[Platform.CLIMATE]])
async def test_snapshot(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    entity_registry: er.EntityRegistry,
    snapshot: SnapshotAssertion,
) -> None:
    """The demo's thermostat and air conditioner, registry entries and states."""
    await snapshot_platform(hass, entity_registry, snapshot, init_integration.entry_id)


@pytest.mark.usefixtures("init_integration")
async def test_thermostat_heats_toward_its_setpoint(
    hass: HomeAssistant, cloud: Cloud, freezer: FrozenDateTimeFactory
) -> None:
    """Off while powered off; heat turns it on in one write; the room warms up."""
    node_id = node_id_named(cloud, "Hallway Thermostat")
    state = hass.states.get(THERMOSTAT)
    assert state.state == HVACMode.OFF
    assert state.attributes[ATTR_HVAC_MODES] == [
        HVACMode.HEAT,
        HVACMode.COOL,
        HVACMode.AUTO,
        HVACMode.OFF,
    ]
    assert (state.attributes[ATTR_MIN_TEMP], state.attributes[ATTR_MAX_TEMP]) == (
        5,
        35,
    )
    assert state.attributes[ATTR_TARGET_TEMP_STEP] == 0.5
    before = state.attributes[ATTR_CURRENT_TEMPERATURE]

    await call(
        hass,
        SERVICE_SET_TEMPERATURE,
        THERMOSTAT,
        **{ATTR_TEMPERATURE: 23.2, ATTR_HVAC_MODE: HVACMode.HEAT},
    )
    assert hass.states.get(THERMOSTAT).state == HVACMode.HEAT
    await tick(hass, freezer, 0.3)
    assert payloads(cloud, node_id) == [
        {"Thermostat": {"Setpoint": 23.0, "Power": True, "Mode": "heat"}}
    ]
    await tick(hass, freezer, 60)
    state = hass.states.get(THERMOSTAT)
    assert state.attributes[ATTR_TEMPERATURE] == 23.0
    assert state.attributes[ATTR_CURRENT_TEMPERATURE] > before

    await call(hass, SERVICE_TURN_OFF, THERMOSTAT)
    await tick(hass, freezer, 0.3)
    assert payloads(cloud, node_id)[-1] == {"Thermostat": {"Power": False}}
    assert hass.states.get(THERMOSTAT).state == HVACMode.OFF


@pytest.mark.usefixtures("init_integration")
async def test_air_conditioner_modes_and_fan_speeds(
    hass: HomeAssistant, cloud: Cloud, freezer: FrozenDateTimeFactory
) -> None:
    """Dry and fan-only come from the mode's words; speeds 1-5 are the fan modes."""
    node_id = node_id_named(cloud, "Bedroom AC")
    state = hass.states.get(AC)
    assert state.attributes[ATTR_HVAC_MODES] == [
        HVACMode.COOL,
        HVACMode.HEAT,
        HVACMode.DRY,
        HVACMode.FAN_ONLY,
        HVACMode.AUTO,
        HVACMode.OFF,
    ]
    assert state.attributes[ATTR_FAN_MODES] == ["1", "2", "3", "4", "5"]
    assert state.attributes[ATTR_TARGET_TEMP_STEP] == 1

    await call(hass, SERVICE_SET_HVAC_MODE, AC, **{ATTR_HVAC_MODE: HVACMode.DRY})
    await call(hass, SERVICE_SET_FAN_MODE, AC, **{ATTR_FAN_MODE: "4"})
    await tick(hass, freezer, 0.3)
    reported = cloud.node(node_id).reported["Air Conditioner"]
    assert (reported["Power"], reported["Mode"], reported["Speed"]) == (True, "dry", 4)
    state = hass.states.get(AC)
    assert (state.state, state.attributes[ATTR_FAN_MODE]) == (HVACMode.DRY, "4")

    await call(hass, SERVICE_SET_TEMPERATURE, AC, **{ATTR_TEMPERATURE: 18.4})
    await tick(hass, freezer, 0.3)
    assert cloud.node(node_id).reported["Air Conditioner"]["Setpoint"] == 18


@pytest.fixture
def other_spellings(cloud: Cloud, demo_user_id: str) -> str:
    """The generic fixture's controller, as an air conditioner: other spellings."""
    config = load_json_fixture("generic_node_config.json")
    config["devices"][0]["type"] = "esp.device.air-conditioner"
    config["node_id"] = "SpelledAC"
    cloud.add_node(
        "raw",
        DEMO_EMAIL,
        node_id="SpelledAC",
        config=config,
        params=load_json_fixture("generic_node_params.json"),
    )
    return "SpelledAC"


@pytest.mark.usefixtures("other_spellings", "init_integration")
async def test_other_spellings(
    hass: HomeAssistant,
    cloud: Cloud,
    freezer: FrozenDateTimeFactory,
    entity_registry: er.EntityRegistry,
) -> None:
    """`esp.param.setpoint` and capitalised modes work; what it does not take stays."""
    entity_id = "climate.living_room_ac"
    state = hass.states.get(entity_id)
    assert state.state == HVACMode.COOL
    assert state.attributes[ATTR_HVAC_MODES] == [
        HVACMode.COOL,
        HVACMode.HEAT,
        HVACMode.FAN_ONLY,
        HVACMode.OFF,
    ]
    assert state.attributes[ATTR_TEMPERATURE] == 22.5
    assert state.attributes[ATTR_CURRENT_TEMPERATURE] == 24.1
    assert ATTR_FAN_MODES not in state.attributes
    # Fan Level is an `esp.param.range`, not a speed: it stays a number.
    assert entity_registry.async_get_entity_id(
        "number", "esp_rainmaker", "SpelledAC:AC:param_Fan Level"
    )
    assert not entity_registry.async_get_entity_id(
        "select", "esp_rainmaker", "SpelledAC:AC:param_Mode"
    )

    await call(hass, SERVICE_SET_HVAC_MODE, entity_id, **{ATTR_HVAC_MODE: "heat"})
    await tick(hass, freezer, 0.3)
    assert payloads(cloud, "SpelledAC")[-1] == {"AC": {"Power": True, "Mode": "Heat"}}


@pytest.fixture
def bare_thermostats(cloud: Cloud, demo_user_id: str) -> None:
    """Thermostats with less: no bounds, °F bounds, a range, a mode with off."""
    power = spec("Power", "esp.param.power", "bool")
    add_device_node(
        cloud,
        "Unbounded",
        "esp.device.thermostat",
        [power, spec("Setpoint", "esp.param.setpoint-temperature", "float")],
        {"Power": True, "Setpoint": 20.0},
    )
    add_device_node(
        cloud,
        "Fahrenheit",
        "esp.device.thermostat",
        [
            power,
            spec(
                "Setpoint",
                "esp.param.setpoint-temperature",
                "int",
                bounds={"min": 50, "max": 86, "step": 1},
            ),
        ],
        {"Power": True, "Setpoint": 68},
    )
    add_device_node(
        cloud,
        "Ranged",
        "esp.device.thermostat",
        [
            spec(
                "Low",
                "esp.param.setpoint-low-temperature",
                "float",
                bounds={"min": 10, "max": 30, "step": 0.5},
            ),
            spec(
                "High",
                "esp.param.setpoint-high-temperature",
                "float",
                bounds={"min": 12, "max": 32, "step": 0.5},
            ),
            spec(
                "Mode",
                "esp.param.mode",
                "string",
                valid_strs=["Off", "Heat Cool"],
            ),
        ],
        {"Low": 18.0, "High": 24.0, "Mode": "Heat Cool"},
    )
    add_device_node(
        cloud,
        "Powerless",
        "esp.device.thermostat",
        [spec("Temperature", "esp.param.temperature", "float", properties=["read"])],
        {"Temperature": 19.0},
    )


@pytest.mark.usefixtures("bare_thermostats", "init_integration")
async def test_thermostats_with_less(
    hass: HomeAssistant, cloud: Cloud, freezer: FrozenDateTimeFactory
) -> None:
    """Default bounds, °F converted for a metric user, a range, off by mode."""
    unbounded = hass.states.get("climate.unbounded")
    assert unbounded.state == HVACMode.AUTO
    assert (
        unbounded.attributes[ATTR_MIN_TEMP],
        unbounded.attributes[ATTR_MAX_TEMP],
    ) == (
        7,
        35,
    )

    fahrenheit = hass.states.get("climate.fahrenheit")
    assert fahrenheit.attributes[ATTR_TEMPERATURE] == 20.0  # 68 °F
    assert fahrenheit.attributes[ATTR_MIN_TEMP] == 10.0  # 50 °F
    await call(hass, SERVICE_SET_TEMPERATURE, "climate.fahrenheit", temperature=22)
    await tick(hass, freezer, 0.3)
    assert payloads(cloud, "Fahrenheit")[-1] == {"Device": {"Setpoint": 72}}

    ranged = hass.states.get("climate.ranged")
    assert ranged.state == HVACMode.HEAT_COOL
    assert ranged.attributes[ATTR_HVAC_MODES] == [HVACMode.HEAT_COOL, HVACMode.OFF]
    assert (ranged.attributes[ATTR_MIN_TEMP], ranged.attributes[ATTR_MAX_TEMP]) == (
        10,
        32,
    )
    await call(
        hass,
        SERVICE_SET_TEMPERATURE,
        "climate.ranged",
        **{ATTR_TARGET_TEMP_LOW: 17.2, ATTR_TARGET_TEMP_HIGH: 25},
    )
    await call(hass, SERVICE_TURN_OFF, "climate.ranged")
    await tick(hass, freezer, 0.3)
    assert payloads(cloud, "Ranged") == [
        {"Device": {"Low": 17.0, "High": 25.0}},
        {"Device": {"Mode": "Off"}},
    ]
    assert hass.states.get("climate.ranged").state == HVACMode.OFF
    await call(hass, SERVICE_TURN_ON, "climate.ranged")
    await tick(hass, freezer, 0.3)
    assert payloads(cloud, "Ranged")[-1] == {"Device": {"Mode": "Heat Cool"}}

    # Nothing to set: no climate entity, the temperature is still a sensor.
    assert hass.states.get("climate.powerless") is None
    assert hass.states.get("sensor.powerless_temperature").state == "19.0"


@pytest.mark.parametrize(
    ("name", "bounds", "unit"),
    [
        ("Setpoint", None, "°C"),
        ("Setpoint", Bounds(min=5, max=35), "°C"),
        ("Setpoint", Bounds(min=40, max=90), "°F"),
        ("Setpoint (°F)", None, "°F"),
        ("Fahrenheit Setpoint", Bounds(min=5, max=35), "°F"),
    ],
)
def test_unit_from_name_or_bounds(name: str, bounds: Bounds | None, unit: str) -> None:
    """°F where the setpoint's name says so or its bounds are above 50, else °C."""
    param = ParamSpec(
        name=name,
        type="esp.param.setpoint-temperature",
        data_type="float",
        properties=frozenset(RW),
        bounds=bounds,
    )
    assert temperature_unit(param) == unit
    assert temperature_unit(None) == "°C"
