"""Schedules and scenes stored on a node, and the operations that change them."""

from typing import Any

import pytest

from custom_components.esp_rainmaker.api import RainMakerClient
from custom_components.esp_rainmaker.api.schedules import (
    MAX_TIMER_SECONDS,
    TIMER_PREFIX,
    activate_operation,
    enable_operation,
    find_timer,
    node_scenes,
    node_schedules,
    remove_operation,
    scenes_param,
    schedules_param,
    stored_after,
    timer_id,
    timer_operations,
)
from rainmaker_emulator import Cloud
from rainmaker_emulator.scenes import app_scene
from rainmaker_emulator.schedules import app_schedule
from rainmaker_emulator.services import seed_scenes, seed_schedules

from .conftest import EMAIL

EVENING = app_schedule(
    "8K2F", "Evening", minutes=19 * 60, days=0b11111, action={"Switch": {"Power": True}}
)


async def test_stored_schedules_and_scenes(
    client: RainMakerClient, cloud: Cloud
) -> None:
    """The app's schedules and scenes read back with their ids, names and state."""
    node = cloud.add_node("switch", EMAIL)
    seed_schedules(node, [EVENING, {**EVENING, "id": "OFF1", "enabled": False}])
    seed_scenes(node, [app_scene("S1", "Movie", action={"Switch": {"Power": False}})])

    read = await client.get_node(node.node_id)

    schedules = node_schedules(read)
    assert [(s.schedule_id, s.name, s.enabled) for s in schedules] == [
        ("8K2F", "Evening", True),
        ("OFF1", "Evening", False),
    ]
    assert not any(schedule.is_timer for schedule in schedules)
    assert schedules[0].action == {"Switch": {"Power": True}}
    assert [(s.scene_id, s.name) for s in node_scenes(read)] == [("S1", "Movie")]


async def test_a_node_without_the_services(
    client: RainMakerClient, cloud: Cloud
) -> None:
    """A node without Schedule or Scenes services stores none."""
    node = cloud.add_node("thermacell", EMAIL)
    read = await client.get_node(node.node_id)

    assert schedules_param(read) is not None
    assert scenes_param(read) is None
    assert node_scenes(read) == []


@pytest.mark.parametrize(
    "junk",
    [
        None,
        "x",
        {"name": "no id"},
        {"id": "", "name": "empty id"},
        {"id": 5, "name": "number id"},
    ],
)
async def test_junk_entries_are_skipped(
    client: RainMakerClient, cloud: Cloud, junk: Any
) -> None:
    """Entries that are not schedules are skipped; a repeated id counts once."""
    node = cloud.add_node("switch", EMAIL)
    node.reported["Schedule"]["Schedules"] = [junk, EVENING, {**EVENING, "name": 7}]

    read = await client.get_node(node.node_id)

    assert [(s.schedule_id, s.name) for s in node_schedules(read)] == [
        ("8K2F", "Evening")
    ]


async def test_timer_operations_and_what_they_leave(
    client: RainMakerClient, cloud: Cloud
) -> None:
    """A timer is added, then replaced (removed and added); the device reports it."""
    node = cloud.add_node("switch", EMAIL)
    read = await client.get_node(node.node_id)
    found = schedules_param(read)
    assert found is not None
    schedule_id = timer_id(read, "Switch")
    assert schedule_id.startswith(TIMER_PREFIX)
    assert len(schedule_id) <= 8

    first = timer_operations(read, "Switch", 3600, {"Power": False})
    assert [op["operation"] for op in first] == ["add"]
    assert first[0]["triggers"] == [{"rsec": 3600}]
    shown = stored_after(read, found, first, 1000.0)
    assert shown[0]["triggers"] == [{"rsec": 3600, "ts": 4600}]
    assert shown[0]["enabled"] is True

    await client.set_params({node.node_id: {"Schedule": {"Schedules": first}}})
    cloud.clock.advance(1)
    read = await client.get_node(node.node_id)
    timer = find_timer(read, "Switch")
    assert timer is not None
    assert timer.is_timer
    assert timer.enabled
    assert timer.ends_at is not None

    again = timer_operations(read, "Switch", 60, {"Power": False})
    assert [op["operation"] for op in again] == ["remove", "add"]
    assert len(stored_after(read, found, again, 0.0)) == 1


async def test_other_operations(client: RainMakerClient, cloud: Cloud) -> None:
    """Enabling, disabling and removing change the stored list as the device will."""
    node = cloud.add_node("switch", EMAIL)
    seed_schedules(node, [EVENING])
    read = await client.get_node(node.node_id)
    found = schedules_param(read)
    assert found is not None

    disabled = stored_after(read, found, enable_operation("8K2F", False), 0.0)
    assert disabled[0]["enabled"] is False
    assert stored_after(read, found, enable_operation("8K2F", True), 0.0)[0]["enabled"]
    assert stored_after(read, found, remove_operation("8K2F"), 0.0) == ()
    # Operations on ids the node does not store change nothing.
    assert len(stored_after(read, found, remove_operation("nope"), 0.0)) == 1
    assert activate_operation("S1") == [{"id": "S1", "operation": "activate"}]


@pytest.mark.parametrize("seconds", [0, -5, MAX_TIMER_SECONDS + 1])
async def test_timer_lengths_out_of_range(
    client: RainMakerClient, cloud: Cloud, seconds: int
) -> None:
    """A timer runs for a second to a week."""
    node = cloud.add_node("switch", EMAIL)
    read = await client.get_node(node.node_id)

    with pytest.raises(ValueError, match="A timer runs"):
        timer_operations(read, "Switch", seconds, {"Power": False})
