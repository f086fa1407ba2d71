"""Sensors: snapshot, Thermacell refill, status, runtime and error bits, temperatures."""

from freezegun.api import FrozenDateTimeFactory
from homeassistant.const import STATE_UNKNOWN, Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    snapshot_platform,
)
from syrupy.assertion import SnapshotAssertion

from rainmaker_emulator import DEMO_EMAIL, Cloud, EmulatorAdmin

from .common import node_id_named, tick

STATUS = "sensor.patio_status"


@pytest.mark.usefixtures("entity_registry_enabled_by_default", "generic_node")
@pytest.mark.parametrize("platforms", [[Platform.SENSOR]])
async def test_snapshot(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    entity_registry: er.EntityRegistry,
    snapshot: SnapshotAssertion,
) -> None:
    """Every sensor, its registry entry and state."""
    await snapshot_platform(hass, entity_registry, snapshot, init_integration.entry_id)


async def test_diagnostic_sensors_disabled_by_default(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    entity_registry: er.EntityRegistry,
) -> None:
    """The raw error code is a diagnostic sensor, off unless enabled."""
    entry = entity_registry.async_get("sensor.patio_error_code")
    assert entry is not None
    assert entry.disabled_by is er.RegistryEntryDisabler.INTEGRATION
    assert entry.entity_category == "diagnostic"


@pytest.mark.parametrize(
    ("error", "status"),
    [
        (0, "off"),
        (0x01000000, "off"),
        (0x01000048, "off"),
        (0x00000002, "error"),
        (0x01000042, "error"),
    ],
)
@pytest.mark.usefixtures("init_integration")
async def test_error_bits(
    hass: HomeAssistant,
    admin: EmulatorAdmin,
    cloud: Cloud,
    freezer: FrozenDateTimeFactory,
    error: int,
    status: str,
) -> None:
    """Benign bits (0x01000048) are no problem; any other bit is an error."""
    await admin.set_params(node_id_named(cloud, "Patio"), {"LIV Hub": {"Error": error}})
    await tick(hass, freezer, 30)

    assert hass.states.get(STATUS).state == status
    assert hass.states.get("binary_sensor.patio_problem").state == (
        "on" if status == "error" else "off"
    )


@pytest.mark.usefixtures("init_integration")
async def test_status_runtime_and_refill(
    hass: HomeAssistant,
    admin: EmulatorAdmin,
    cloud: Cloud,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Warming up, protected; runtime in hours; refill drains while protecting; -1 is no cartridge."""
    node_id = node_id_named(cloud, "Patio")
    await admin.set_params(node_id, {"LIV Hub": {"Refill Life": 50.0}})
    await hass.services.async_call(
        "switch", "turn_on", {"entity_id": "switch.patio_repellers"}, blocking=True
    )
    await tick(hass, freezer, 0.3)
    assert hass.states.get(STATUS).state == "warming_up"

    await tick(hass, freezer, 2 * 3600)
    assert hass.states.get(STATUS).state == "protected"
    assert hass.states.get("sensor.patio_runtime").state == "2.0"
    # A 100 h cartridge drains 1 % per hour of protection (warming up does not count).
    protected_hours = 2 - cloud.node(node_id).settings.warmup / 3600
    assert float(hass.states.get("sensor.patio_refill_life").state) == pytest.approx(
        50.0 - protected_hours, abs=0.01
    )

    await admin.set_params(node_id, {"LIV Hub": {"Refill Life": -1}})
    await tick(hass, freezer, 30)
    assert hass.states.get("sensor.patio_refill_life").state == STATE_UNKNOWN


@pytest.mark.usefixtures("init_integration")
async def test_status_state_fallback_and_unknown(
    hass: HomeAssistant,
    admin: EmulatorAdmin,
    cloud: Cloud,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Unknown status codes show as unknown; values of the wrong type too."""
    node_id = node_id_named(cloud, "Patio")
    await admin.set_params(
        node_id, {"LIV Hub": {"System Status": 9, "Error": "x", "System Runtime": "y"}}
    )
    await tick(hass, freezer, 30)

    assert hass.states.get(STATUS).state == STATE_UNKNOWN
    assert hass.states.get("sensor.patio_runtime").state == STATE_UNKNOWN


@pytest.mark.usefixtures("init_integration")
async def test_temperature_follows_the_sensor(
    hass: HomeAssistant, cloud: Cloud, freezer: FrozenDateTimeFactory
) -> None:
    """The temperature sensor reports the drifting reading."""
    node = cloud.node(node_id_named(cloud, "Greenhouse"))
    await tick(hass, freezer, 5400)
    reading = node.reported["Temperature Sensor"]["Temperature"]
    assert float(hass.states.get("sensor.greenhouse_temperature").state) == reading


@pytest.fixture
def freezer_probe(cloud: Cloud, demo_user_id: str) -> None:
    """A probe at exactly 0.0 °C, its reading alone in its row like a hub's Reboot."""
    cloud.add_node(
        "raw",
        DEMO_EMAIL,
        config={
            "node_id": "FreezerProbe",
            "info": {"name": "Freezer", "type": "Probe"},
            "devices": [
                {
                    "name": "Freezer",
                    "type": "esp.device.temperature-sensor",
                    "params": [
                        {
                            "name": "Temperature",
                            "type": "esp.param.temperature",
                            "data_type": "float",
                            "properties": ["read"],
                        }
                    ],
                }
            ],
        },
        params={"Freezer": {"Temperature": 0.0}},
        node_id="FreezerProbe",
    )


@pytest.mark.usefixtures("freezer_probe", "init_integration")
async def test_zero_degrees_next_to_hubs(hass: HomeAssistant) -> None:
    """0.0 °C reads 0.0, never a hub's False (equal in Python, not to a user)."""
    assert hass.states.get("sensor.freezer_temperature").state == "0.0"
