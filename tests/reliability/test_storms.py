"""Storms: a burst of commands and a burst of reloads.

Neither may exceed the token bucket at the cloud, lose a command (each one is
either confirmed by the cloud or raised), or leave a task or a socket behind.
"""

import asyncio
import random

from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.switch import DOMAIN as SWITCH_DOMAIN
from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import (
    ATTR_ENTITY_ID,
    SERVICE_TURN_OFF,
    SERVICE_TURN_ON,
    STATE_OFF,
    STATE_ON,
)
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from rainmaker_emulator import DEMO_EMAIL, DEMO_PASSWORD, Cloud, EmulatorAdmin, Endpoint
from tests.common import node_id_named, tick
from tests.conftest import FROZEN_AT
from tests.reliability.invariants import (
    assert_clean_log,
    assert_request_rate,
    open_sockets,
)

SWITCHES = 50
CALLS = 500
WAVES = 100  # 5 calls every 0.1 s: 500 calls over 10 s


@pytest.fixture
async def many_switches(
    hass: HomeAssistant,
    cloud: Cloud,
    mock_config_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> MockConfigEntry:
    """The demo account with fifty more switches, set up."""
    cloud.seed(DEMO_EMAIL, DEMO_PASSWORD, switches=SWITCHES)
    freezer.move_to(FROZEN_AT)
    mock_config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    return mock_config_entry


@pytest.mark.usefixtures("firmware_checks_later")
async def test_command_storm(
    hass: HomeAssistant,
    many_switches: MockConfigEntry,
    admin: EmulatorAdmin,
    cloud: Cloud,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """500 calls over 10 s across 50 switches: few writes, all confirmed, bucket kept.

    Afterwards no task or socket is left behind.
    """
    rng = random.Random(6)
    entity_ids = [f"switch.coffee_maker_{number}" for number in range(1, SWITCHES + 1)]
    wanted: dict[str, bool] = {}
    calls: list[asyncio.Task[None]] = []
    await tick(hass, freezer, 30)
    sockets = open_sockets()
    tasks = len(asyncio.all_tasks())
    await admin.reset_stats()

    for _ in range(WAVES):
        for _ in range(CALLS // WAVES):
            entity_id = rng.choice(entity_ids)
            on = rng.random() < 0.5
            wanted[entity_id] = on
            calls.append(
                asyncio.create_task(
                    hass.services.async_call(
                        SWITCH_DOMAIN,
                        SERVICE_TURN_ON if on else SERVICE_TURN_OFF,
                        {ATTR_ENTITY_ID: entity_id},
                        blocking=True,
                    )
                )
            )
        await tick(hass, freezer, 0.1)
    results = await asyncio.gather(*calls, return_exceptions=True)
    for _ in range(20):
        await tick(hass, freezer, 1)

    assert all(
        result is None or isinstance(result, HomeAssistantError) for result in results
    )
    assert all(result is None for result in results)  # a healthy cloud: none failed
    assert many_switches.runtime_data.coordinator.pending_writes == 0
    for entity_id, on in wanted.items():
        node_id = node_id_named(cloud, f"Coffee Maker {entity_id.rsplit('_', 1)[1]}")
        assert cloud.node(node_id).reported["Switch"]["Power"] is on, entity_id
        assert hass.states.get(entity_id).state == (STATE_ON if on else STATE_OFF)  # type: ignore[union-attr]
    puts = await admin.count(Endpoint.SET_PARAMS)
    assert puts <= WAVES
    await assert_request_rate(admin)
    assert_clean_log(caplog, transitions=0)
    await tick(hass, freezer, 30)
    assert open_sockets() <= sockets + 2
    assert len(asyncio.all_tasks()) <= tasks


async def test_command_storm_during_an_outage(
    hass: HomeAssistant,
    many_switches: MockConfigEntry,
    admin: EmulatorAdmin,
    cloud: Cloud,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Commands issued while the cloud fails are raised and reverted, none replayed."""
    entity_ids = [f"switch.coffee_maker_{number}" for number in range(1, 21)]
    await admin.add_fault(method="PUT", status=503, body="<html>down</html>")

    results = await asyncio.gather(
        *(
            hass.services.async_call(
                SWITCH_DOMAIN,
                SERVICE_TURN_ON,
                {ATTR_ENTITY_ID: entity_id},
                blocking=True,
            )
            for entity_id in entity_ids
        ),
        return_exceptions=True,
    )
    await admin.clear_faults()
    for _ in range(3):
        await tick(hass, freezer, 30)

    assert all(isinstance(result, HomeAssistantError) for result in results)
    assert all(
        hass.states.get(entity_id).state == STATE_OFF for entity_id in entity_ids
    )  # type: ignore[union-attr]
    assert not any(node.writes for node in cloud.nodes.values())


async def test_reload_storm(
    hass: HomeAssistant,
    many_switches: MockConfigEntry,
    admin: EmulatorAdmin,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Ten reloads in a row: one login in total, bucket kept, nothing left behind."""
    await tick(hass, freezer, 30)
    sockets = open_sockets()
    tasks = len(asyncio.all_tasks())
    await admin.reset_stats()

    async def reload_ten_times() -> None:
        for _ in range(10):
            assert await hass.config_entries.async_reload(many_switches.entry_id)

    # Each setup lists the account again; past the burst the bucket makes it wait,
    # so the frozen clock has to move while the reloads run.
    reloads = hass.async_create_task(reload_ten_times())
    while not reloads.done():
        await tick(hass, freezer, 0.1)
    await reloads

    assert many_switches.state is ConfigEntryState.LOADED
    assert await admin.count(Endpoint.LOGIN) == 0
    await assert_request_rate(admin)
    await tick(hass, freezer, 30)
    assert open_sockets() <= sockets + 2
    assert len(asyncio.all_tasks()) <= tasks
    assert hass.states.get("switch.coffee_maker_1").state == STATE_OFF  # type: ignore[union-attr]
    assert_clean_log(caplog, transitions=0)
