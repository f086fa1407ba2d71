"""Lights: snapshot, the Thermacell LED, and standard colour lightbulbs."""

from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.light import (
    ATTR_BRIGHTNESS,
    ATTR_COLOR_MODE,
    ATTR_COLOR_TEMP_KELVIN,
    ATTR_HS_COLOR,
    DOMAIN as LIGHT_DOMAIN,
    ColorMode,
)
from homeassistant.const import (
    ATTR_ENTITY_ID,
    SERVICE_TURN_OFF,
    SERVICE_TURN_ON,
    STATE_OFF,
    STATE_ON,
    Platform,
)
from homeassistant.core import HomeAssistant, State
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    mock_restore_cache_with_extra_data,
    snapshot_platform,
)
from syrupy.assertion import SnapshotAssertion

from rainmaker_emulator import Cloud, EmulatorAdmin, Endpoint

from .common import add_device_node, node_id_named, tick

LED = "light.patio_led"
LAMP = "light.desk_lamp"


async def call(
    hass: HomeAssistant, service: str, entity_id: str, **data: object
) -> None:
    """Call a light service."""
    await hass.services.async_call(
        LIGHT_DOMAIN, service, {ATTR_ENTITY_ID: entity_id, **data}, blocking=True
    )


async def repellers_on(hass: HomeAssistant) -> None:
    """Turn the Patio hub's repellers on: its LED lights only then."""
    await hass.services.async_call(
        "switch",
        SERVICE_TURN_ON,
        {ATTR_ENTITY_ID: "switch.patio_repellers"},
        blocking=True,
    )


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
@pytest.mark.parametrize("platforms", [[Platform.LIGHT]])
async def test_snapshot(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    entity_registry: er.EntityRegistry,
    snapshot: SnapshotAssertion,
) -> None:
    """Every light, its registry entry and state."""
    await snapshot_platform(hass, entity_registry, snapshot, init_integration.entry_id)


@pytest.mark.usefixtures("init_integration")
async def test_led_lights_only_while_the_hub_runs(
    hass: HomeAssistant, cloud: Cloud, freezer: FrozenDateTimeFactory
) -> None:
    """The LED is off while the hub is off, whatever its brightness."""
    assert hass.states.get(LED).state == STATE_OFF
    await repellers_on(hass)

    state = hass.states.get(LED)
    assert state.state == STATE_ON
    assert state.attributes[ATTR_BRIGHTNESS] == 191  # 75 %
    assert state.attributes[ATTR_HS_COLOR] == (240.0, 100.0)


@pytest.mark.usefixtures("init_integration")
async def test_led_on_while_the_hub_is_off(
    hass: HomeAssistant,
    cloud: Cloud,
    admin: EmulatorAdmin,
    freezer: FrozenDateTimeFactory,
) -> None:
    """With nothing to change the call is refused with the reason; a colour is kept."""
    node_id = node_id_named(cloud, "Patio")
    await admin.reset_stats()

    with pytest.raises(ServiceValidationError) as err:
        await call(hass, SERVICE_TURN_ON, LED)
    assert err.value.translation_key == "led_needs_repellers"
    assert await admin.count(Endpoint.SET_PARAMS) == 0

    await call(hass, SERVICE_TURN_ON, LED, **{ATTR_HS_COLOR: (0.0, 100.0)})
    await tick(hass, freezer, 0.3)
    assert await admin.count(Endpoint.SET_PARAMS) == 1
    assert cloud.node(node_id).reported["LIV Hub"]["LED Hue"] == 0
    assert hass.states.get(LED).state == STATE_OFF

    await repellers_on(hass)
    state = hass.states.get(LED)
    assert state.state == STATE_ON
    assert state.attributes[ATTR_HS_COLOR] == (0.0, 100.0)


@pytest.mark.usefixtures("init_integration")
async def test_led_colour_and_brightness_in_one_write(
    hass: HomeAssistant,
    cloud: Cloud,
    admin: EmulatorAdmin,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Hue and brightness go out together; LED Saturation is never written."""
    node_id = node_id_named(cloud, "Patio")
    await repellers_on(hass)
    await admin.reset_stats()

    await call(
        hass,
        SERVICE_TURN_ON,
        LED,
        **{ATTR_HS_COLOR: (120.4, 30.0), ATTR_BRIGHTNESS: 128},
    )

    assert await admin.count(Endpoint.SET_PARAMS) == 1
    await tick(hass, freezer, 0.3)
    hub = cloud.node(node_id).reported["LIV Hub"]
    assert (hub["LED Hue"], hub["LED Brightness"], hub["LED Saturation"]) == (
        120,
        50,
        100,
    )
    state = hass.states.get(LED)
    assert state.attributes[ATTR_HS_COLOR] == (120.0, 100.0)
    assert state.attributes[ATTR_BRIGHTNESS] == 128
    payloads = [write["payload"] for write in cloud.node(node_id).writes]
    assert all(
        "LED Saturation" not in payload.get("LIV Hub", {}) for payload in payloads
    )


@pytest.mark.usefixtures("init_integration")
async def test_led_off_and_on_restores_brightness(
    hass: HomeAssistant, cloud: Cloud, freezer: FrozenDateTimeFactory
) -> None:
    """Off writes brightness 0; on without a brightness restores the last one."""
    node_id = node_id_named(cloud, "Patio")
    await repellers_on(hass)
    await call(hass, SERVICE_TURN_ON, LED, **{ATTR_BRIGHTNESS: 26})
    await tick(hass, freezer, 0.3)

    await call(hass, SERVICE_TURN_OFF, LED)
    await tick(hass, freezer, 0.3)
    assert hass.states.get(LED).state == STATE_OFF
    assert cloud.node(node_id).reported["LIV Hub"]["LED Brightness"] == 0

    await call(hass, SERVICE_TURN_ON, LED)
    await tick(hass, freezer, 0.3)
    assert cloud.node(node_id).reported["LIV Hub"]["LED Brightness"] == 10
    assert hass.states.get(LED).state == STATE_ON

    writes = len(cloud.node(node_id).writes)
    await call(hass, SERVICE_TURN_ON, LED)  # already on: nothing to send
    assert len(cloud.node(node_id).writes) == writes


async def test_led_brightness_restored_after_restart(
    hass: HomeAssistant,
    cloud: Cloud,
    mock_config_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """The last brightness survives a restart while the LED is off."""
    node_id = node_id_named(cloud, "Patio")
    cloud.node(node_id).reported["LIV Hub"]["LED Brightness"] = 0
    mock_restore_cache_with_extra_data(
        hass, [(State(LED, STATE_OFF), {"last_brightness": 42})]
    )
    mock_config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()

    await call(hass, SERVICE_TURN_ON, LED)
    await tick(hass, freezer, 0.3)

    assert cloud.node(node_id).reported["LIV Hub"]["LED Brightness"] == 42


@pytest.mark.usefixtures("init_integration")
async def test_lightbulb(
    hass: HomeAssistant, cloud: Cloud, freezer: FrozenDateTimeFactory
) -> None:
    """Brightness, colour and colour temperature map onto the bulb's parameters."""
    light = cloud.node(node_id_named(cloud, "Desk Lamp"))

    await call(
        hass, SERVICE_TURN_ON, LAMP, **{ATTR_BRIGHTNESS: 255, ATTR_HS_COLOR: (200, 60)}
    )
    await tick(hass, freezer, 0.3)
    assert {
        k: light.reported["Light"][k]
        for k in ("Power", "Brightness", "Hue", "Saturation")
    } == {"Power": True, "Brightness": 100, "Hue": 200, "Saturation": 60}
    state = hass.states.get(LAMP)
    assert state.attributes[ATTR_COLOR_MODE] == ColorMode.HS
    assert state.attributes[ATTR_HS_COLOR] == (200.0, 60.0)

    await call(hass, SERVICE_TURN_ON, LAMP, **{ATTR_COLOR_TEMP_KELVIN: 3033})
    await tick(hass, freezer, 0.3)
    assert light.reported["Light"]["CCT"] == 3000
    state = hass.states.get(LAMP)
    assert state.attributes[ATTR_COLOR_MODE] == ColorMode.COLOR_TEMP
    assert state.attributes[ATTR_COLOR_TEMP_KELVIN] == 3000

    await call(hass, SERVICE_TURN_OFF, LAMP)
    await tick(hass, freezer, 0.3)
    assert light.reported["Light"]["Power"] is False
    assert hass.states.get(LAMP).state == STATE_OFF


def _spec(name: str, param_type: str, data_type: str, **extra: Any) -> dict[str, Any]:
    return {
        "name": name,
        "type": param_type,
        "data_type": data_type,
        "properties": ["read", "write"],
        **extra,
    }


async def test_color_mode_guess_after_restart(
    hass: HomeAssistant, cloud: Cloud, mock_config_entry: MockConfigEntry
) -> None:
    """Without a light mode or a command to go by, zero saturation is colour temperature."""
    add_device_node(
        cloud,
        "Old Bulb",
        "esp.device.lightbulb",
        [
            _spec("Power", "esp.param.power", "bool"),
            _spec("Hue", "esp.param.hue", "int", bounds={"min": 0, "max": 360}),
            _spec(
                "Saturation",
                "esp.param.saturation",
                "int",
                bounds={"min": 0, "max": 100},
            ),
            _spec("CCT", "esp.param.cct", "int", bounds={"min": 2700, "max": 6500}),
        ],
        {"Power": True, "Hue": 30, "Saturation": 0, "CCT": 4000},
    )
    mock_config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()

    state = hass.states.get("light.old_bulb")
    assert state.attributes[ATTR_COLOR_MODE] == ColorMode.COLOR_TEMP


@pytest.mark.usefixtures("init_integration")
async def test_light_mode_decides_and_follows(
    hass: HomeAssistant,
    cloud: Cloud,
    admin: EmulatorAdmin,
    freezer: FrozenDateTimeFactory,
) -> None:
    """The bulb's light mode says which colour mode it is in; a colour switches it."""
    node_id = node_id_named(cloud, "Desk Lamp")
    await admin.set_params(
        node_id, {"Light": {"Power": True, "Saturation": 0, "Light Mode": 1}}
    )
    await tick(hass, freezer, 30)
    assert hass.states.get(LAMP).attributes[ATTR_COLOR_MODE] == ColorMode.HS

    await call(hass, SERVICE_TURN_ON, LAMP, **{ATTR_COLOR_TEMP_KELVIN: 3000})
    await tick(hass, freezer, 0.3)
    assert cloud.node(node_id).writes[-1]["payload"] == {
        "Light": {"Power": True, "CCT": 3000, "Light Mode": 2}
    }
    assert hass.states.get(LAMP).attributes[ATTR_COLOR_MODE] == ColorMode.COLOR_TEMP
