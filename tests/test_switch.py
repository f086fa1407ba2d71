"""Switches: snapshot, Thermacell repellers with shutdown verification, generic switches."""

from datetime import timedelta

from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.switch import DOMAIN as SWITCH_DOMAIN
from homeassistant.const import (
    ATTR_ENTITY_ID,
    SERVICE_TURN_OFF,
    SERVICE_TURN_ON,
    STATE_OFF,
    STATE_ON,
    EntityCategory,
    Platform,
)
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er, issue_registry as ir
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    snapshot_platform,
)
from syrupy.assertion import SnapshotAssertion

from custom_components.esp_rainmaker.const import DOMAIN
from rainmaker_emulator import Cloud, EmulatorAdmin

from .common import node_id_named, tick
from .conftest import GENERIC_NODE_ID

REPELLERS = "switch.patio_repellers"


async def call(hass: HomeAssistant, service: str, entity_id: str) -> None:
    """Call a switch service."""
    await hass.services.async_call(
        SWITCH_DOMAIN, service, {ATTR_ENTITY_ID: entity_id}, blocking=True
    )


@pytest.mark.usefixtures("entity_registry_enabled_by_default", "generic_node")
@pytest.mark.parametrize("platforms", [[Platform.SWITCH]])
async def test_snapshot(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    entity_registry: er.EntityRegistry,
    snapshot: SnapshotAssertion,
) -> None:
    """Every switch, its registry entry and state."""
    await snapshot_platform(hass, entity_registry, snapshot, init_integration.entry_id)


@pytest.mark.usefixtures("init_integration")
async def test_repellers(
    hass: HomeAssistant, cloud: Cloud, freezer: FrozenDateTimeFactory
) -> None:
    """The switch drives Enable Repellers; the hub warms up and protects."""
    node_id = node_id_named(cloud, "Patio")

    await call(hass, SERVICE_TURN_ON, REPELLERS)
    assert hass.states.get(REPELLERS).state == STATE_ON
    await tick(hass, freezer, 0.3)
    hub = cloud.node(node_id).reported["LIV Hub"]
    assert hub["Enable Repellers"] is True
    assert hass.states.get("sensor.patio_status").state == "warming_up"

    await tick(hass, freezer, 120)
    assert hass.states.get("sensor.patio_status").state == "protected"
    assert hass.states.get("binary_sensor.patio_problem").state == STATE_OFF

    await call(hass, SERVICE_TURN_OFF, REPELLERS)
    await tick(hass, freezer, 0.3)
    assert hass.states.get(REPELLERS).state == STATE_OFF
    assert hass.states.get("sensor.patio_status").state == "off"
    await tick(hass, freezer, 20)
    assert not ir.async_get(hass).issues


@pytest.fixture
async def stuck_hub(
    hass: HomeAssistant,
    cloud: Cloud,
    admin: EmulatorAdmin,
    freezer: FrozenDateTimeFactory,
    init_integration: MockConfigEntry,
) -> str:
    """The Patio hub, protecting, with firmware that ignores the off command."""
    node_id = node_id_named(cloud, "Patio")
    await call(hass, SERVICE_TURN_ON, REPELLERS)
    await tick(hass, freezer, 150)
    await admin.set_quirks(node_id, stuck_shutdown=True)
    return node_id


@pytest.mark.usefixtures("init_integration")
async def test_stuck_hub_raises_a_repair_issue(
    hass: HomeAssistant,
    stuck_hub: str,
    admin: EmulatorAdmin,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A hub still protecting after the off command gets a repair issue until it stops."""
    node_id = stuck_hub

    await call(hass, SERVICE_TURN_OFF, REPELLERS)
    await tick(hass, freezer, 10)
    issues = ir.async_get(hass)
    assert not issues.issues
    await tick(hass, freezer, 6)
    issue_ids = [issue_id for (domain, issue_id) in issues.issues if domain == DOMAIN]
    assert len(issue_ids) == 1
    issue = issues.async_get_issue(DOMAIN, issue_ids[0])
    assert issue is not None
    assert issue.translation_key == "shutdown_unconfirmed"
    assert issue.translation_placeholders == {"name": "Patio"}
    assert hass.states.get(REPELLERS).state == STATE_OFF
    assert hass.states.get("sensor.patio_status").state == "protected"

    # The hub stops (a reboot clears it): the issue goes away on the next poll.
    await admin.set_quirks(node_id, stuck_shutdown=False)
    await admin.set_params(node_id, {"LIV Hub": {"System Status": 1, "Power": False}})
    await tick(hass, freezer, 30)
    assert not issues.issues


@pytest.mark.usefixtures("init_integration")
async def test_hub_stuck_after_an_app_shutdown(
    hass: HomeAssistant,
    stuck_hub: str,
    admin: EmulatorAdmin,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Turned off in the app but still protecting: the repair issue comes all the same."""
    node_id = stuck_hub
    # The app's write, straight to the cloud.
    await admin.set_params(node_id, {"LIV Hub": {"Enable Repellers": False}})

    await tick(hass, freezer, 30)  # the poll that sees it
    issues = ir.async_get(hass)
    assert not issues.issues
    await tick(hass, freezer, 30)  # the next poll, after the confirmation time
    assert [issue_id for (domain, issue_id) in issues.issues if domain == DOMAIN]
    assert hass.states.get(REPELLERS).state == STATE_OFF

    await admin.set_params(node_id, {"LIV Hub": {"System Status": 1, "Power": False}})
    await tick(hass, freezer, 30)
    assert not issues.issues


@pytest.mark.usefixtures("stuck_hub")
async def test_turning_on_again_clears_the_watch(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """Turning the hub back on ends the shutdown check without an issue."""
    await call(hass, SERVICE_TURN_OFF, REPELLERS)
    await tick(hass, freezer, 2)

    await call(hass, SERVICE_TURN_ON, REPELLERS)
    await tick(hass, freezer, 30)

    assert not ir.async_get(hass).issues
    assert hass.states.get(REPELLERS).state == STATE_ON


@pytest.mark.usefixtures("generic_node", "init_integration")
async def test_plain_and_generic_switches(
    hass: HomeAssistant, cloud: Cloud, freezer: FrozenDateTimeFactory
) -> None:
    """Outlets and writable booleans of any device switch their parameter."""
    await call(hass, SERVICE_TURN_ON, "switch.garden_lights")
    await call(hass, SERVICE_TURN_OFF, "switch.living_room_ac_hall_vent_swing")
    await tick(hass, freezer, 0.3)

    assert (
        cloud.node(node_id_named(cloud, "Garden Lights")).reported["Outlet"]["Power"]
        is True
    )
    assert cloud.node(GENERIC_NODE_ID).reported["Vent"]["Swing"] is False
    assert hass.states.get("switch.living_room_ac_hall_vent_swing").state == STATE_OFF


EVENING = "switch.back_yard_schedule_evening"


@pytest.mark.usefixtures("init_integration")
async def test_app_schedule_enabled_and_run_by_the_hub(
    hass: HomeAssistant, cloud: Cloud, freezer: FrozenDateTimeFactory
) -> None:
    """Enabling the app's schedule shows at once; the hub then runs it on its clock."""
    entry = er.async_get(hass).async_get(EVENING)
    assert entry is not None
    assert entry.entity_category is EntityCategory.CONFIG
    assert hass.states.get(EVENING).state == STATE_OFF

    await call(hass, SERVICE_TURN_ON, EVENING)
    assert hass.states.get(EVENING).state == STATE_ON
    await tick(hass, freezer, 1)
    node = cloud.node(node_id_named(cloud, "Back Yard"))
    assert node.reported["Schedule"]["Schedules"][0]["enabled"] is True

    # 19:00 in the hub's zone (the test harness's, US/Pacific) is 02:00 UTC; the
    # frozen clock starts at 12:00 UTC.
    freezer.tick(timedelta(hours=14, minutes=1))
    await tick(hass, freezer, 30)
    assert hass.states.get("switch.back_yard_repellers").state == STATE_ON
    assert hass.states.get(EVENING).state == STATE_ON

    await call(hass, SERVICE_TURN_OFF, EVENING)
    assert hass.states.get(EVENING).state == STATE_OFF


@pytest.mark.usefixtures("init_integration")
async def test_app_schedules_follow_the_node(
    hass: HomeAssistant, cloud: Cloud, freezer: FrozenDateTimeFactory
) -> None:
    """A schedule deleted in the app goes from the registry; a new one appears."""
    node = cloud.node(node_id_named(cloud, "Back Yard"))
    node.reported["Schedule"]["Schedules"] = [
        {
            "id": "M0RN",
            "name": "Morning",
            "enabled": True,
            "triggers": [{"m": 360, "d": 31}],
            "action": {"LIV Hub": {"Enable Repellers": True}},
        }
    ]
    await tick(hass, freezer, 30)

    assert er.async_get(hass).async_get(EVENING) is None
    assert hass.states.get("switch.back_yard_schedule_morning").state == STATE_ON
