"""Timers that run on the device: `esp_rainmaker.run_for` and `esp_rainmaker.cancel_timer`."""

from datetime import UTC, datetime, timedelta

from freezegun.api import FrozenDateTimeFactory
from homeassistant.const import ATTR_ENTITY_ID, STATE_OFF, STATE_ON, STATE_UNKNOWN
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.esp_rainmaker.const import DOMAIN
from rainmaker_emulator import Cloud, EmulatorAdmin, Endpoint
from rainmaker_emulator.schedules import app_schedule
from rainmaker_emulator.services import seed_schedules

from .common import node_id_named, tick

REPELLERS = "switch.patio_repellers"
PATIO_TIMER = "sensor.patio_timer_end"
GARDEN = "switch.garden_lights"
GARDEN_TIMER = "sensor.garden_lights_timer_end"


async def run_for(hass: HomeAssistant, entity_id: str, **duration: int) -> None:
    """Call run_for and wait for it."""
    await hass.services.async_call(
        DOMAIN,
        "run_for",
        {ATTR_ENTITY_ID: entity_id, "duration": duration},
        blocking=True,
    )


async def cancel_timer(hass: HomeAssistant, entity_id: str) -> None:
    """Call cancel_timer and wait for it."""
    await hass.services.async_call(
        DOMAIN, "cancel_timer", {ATTR_ENTITY_ID: entity_id}, blocking=True
    )


def timer_end(hass: HomeAssistant, entity_id: str) -> datetime | None:
    """Return the end a timer sensor shows, None when unknown."""
    state = hass.states.get(entity_id)
    assert state is not None
    if state.state == STATE_UNKNOWN:
        return None
    return datetime.fromisoformat(state.state)


@pytest.mark.usefixtures("init_integration")
async def test_timer_turns_the_hub_off_while_home_assistant_is_stopped(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    cloud: Cloud,
    admin: EmulatorAdmin,
    init_integration: MockConfigEntry,
) -> None:
    """On now, off after three hours: the hub does it, Home Assistant or not."""
    started = datetime.now(UTC)
    await admin.reset_stats()

    await run_for(hass, REPELLERS, hours=3)

    assert hass.states.get(REPELLERS).state == STATE_ON
    end = timer_end(hass, PATIO_TIMER)
    assert end is not None
    assert abs((end - started) - timedelta(hours=3)) < timedelta(seconds=5)
    # Power and timer went out together, in one bulk write.
    assert await admin.count(Endpoint.SET_PARAMS) == 1
    await tick(hass, freezer, 20)
    assert timer_end(hass, PATIO_TIMER) is not None

    assert await hass.config_entries.async_unload(init_integration.entry_id)
    freezer.tick(timedelta(hours=3, minutes=1))
    node = cloud.node(node_id_named(cloud, "Patio"))
    assert node.reported["LIV Hub"]["Enable Repellers"] is False

    assert await hass.config_entries.async_setup(init_integration.entry_id)
    await hass.async_block_till_done()
    assert hass.states.get(REPELLERS).state == STATE_OFF
    assert timer_end(hass, PATIO_TIMER) is None


@pytest.mark.usefixtures("init_integration")
async def test_a_new_timer_replaces_the_running_one(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, cloud: Cloud
) -> None:
    """A second run_for moves the end; the device keeps one timer."""
    await run_for(hass, GARDEN, hours=2)
    await tick(hass, freezer, 5)
    first = timer_end(hass, GARDEN_TIMER)

    await run_for(hass, GARDEN, minutes=30)
    await tick(hass, freezer, 5)

    second = timer_end(hass, GARDEN_TIMER)
    assert first is not None
    assert second is not None
    assert second < first
    stored = cloud.node(node_id_named(cloud, "Garden Lights")).reported["Schedule"]
    assert len(stored["Schedules"]) == 1
    freezer.tick(timedelta(minutes=31))
    await tick(hass, freezer, 30)
    assert hass.states.get(GARDEN).state == STATE_OFF
    assert timer_end(hass, GARDEN_TIMER) is None


@pytest.mark.usefixtures("init_integration")
async def test_cancel_keeps_the_device_as_it_is(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    cloud: Cloud,
    admin: EmulatorAdmin,
) -> None:
    """Cancelling deletes the timer; the device stays on; nothing to cancel, nothing sent."""
    await run_for(hass, GARDEN, hours=1)
    await tick(hass, freezer, 5)

    await cancel_timer(hass, GARDEN)
    assert timer_end(hass, GARDEN_TIMER) is None
    await tick(hass, freezer, 5)
    stored = cloud.node(node_id_named(cloud, "Garden Lights")).reported["Schedule"]
    assert stored["Schedules"] == []

    await admin.reset_stats()
    await cancel_timer(hass, GARDEN)
    assert await admin.count(Endpoint.SET_PARAMS) == 0
    freezer.tick(timedelta(hours=2))
    await tick(hass, freezer, 30)
    assert hass.states.get(GARDEN).state == STATE_ON


@pytest.mark.parametrize("duration", [{"seconds": 30}, {"hours": 169}])
@pytest.mark.usefixtures("init_integration")
async def test_durations_out_of_range_are_refused(
    hass: HomeAssistant, admin: EmulatorAdmin, duration: dict[str, int]
) -> None:
    """A timer runs from a minute to a week; others are refused before any request."""
    await admin.reset_stats()
    with pytest.raises(ServiceValidationError) as caught:
        await run_for(hass, GARDEN, **duration)
    assert caught.value.translation_key == "timer_duration"
    assert await admin.count(Endpoint.SET_PARAMS) == 0


@pytest.mark.parametrize(
    "entity_id", ["switch.back_yard_schedule_evening", "switch.living_room_ac_power"]
)
@pytest.mark.usefixtures("generic_node", "init_integration")
async def test_switches_that_cannot_run_a_timer(
    hass: HomeAssistant, entity_id: str
) -> None:
    """A schedule's switch, or a device without the Schedule service, says why not."""
    for action in (run_for(hass, entity_id, hours=1), cancel_timer(hass, entity_id)):
        with pytest.raises(ServiceValidationError) as caught:
            await action
        assert caught.value.translation_key == "timer_unsupported"


@pytest.mark.usefixtures("init_integration")
async def test_a_full_schedule_list_is_refused(
    hass: HomeAssistant, cloud: Cloud, freezer: FrozenDateTimeFactory
) -> None:
    """A device that stores as many schedules as it can takes no timer."""
    node = cloud.node(node_id_named(cloud, "Garden Lights"))
    seed_schedules(
        node,
        [
            app_schedule(
                f"A{n}", f"S{n}", minutes=60, days=1, action={"Outlet": {"Power": True}}
            )
            for n in range(10)
        ],
    )
    await tick(hass, freezer, 30)

    with pytest.raises(ServiceValidationError) as caught:
        await run_for(hass, GARDEN, hours=1)
    assert caught.value.translation_key == "schedules_full"


@pytest.mark.usefixtures("init_integration")
async def test_a_failed_write_reverts_and_says_so(
    hass: HomeAssistant, admin: EmulatorAdmin
) -> None:
    """When the cloud refuses the write, the switch and the timer show what was."""
    await admin.add_fault(method="PUT", path="/v1/user/nodes/params", status=400)

    with pytest.raises(HomeAssistantError) as caught:
        await run_for(hass, GARDEN, hours=1)

    assert caught.value.translation_key == "command_failed"
    assert hass.states.get(GARDEN).state == STATE_OFF
    assert timer_end(hass, GARDEN_TIMER) is None
