"""Scenes on nodes that opt into them, through the public API."""

import random
from typing import Any

import pytest

from rainmaker_emulator import Cloud
from rainmaker_emulator.devices import KINDS, with_scenes
from rainmaker_emulator.devices.thermacell import STATUS_WARMING, THERMACELL_DEVICE
from rainmaker_emulator.scenes import app_scene
from rainmaker_emulator.services import seed_scenes

from .conftest import EMAIL, Raw
from .test_schedules import PLUG_OFF, PLUG_ON, listed, put, write_ok


def scene_ops(*operations: dict[str, Any]) -> dict[str, Any]:
    """A write of scene operations."""
    return {"Scenes": {"Scenes": list(operations)}}


async def scenes_of(raw: Raw, node_id: str) -> list[dict[str, Any]]:
    """The scenes the node reports."""
    stored: list[dict[str, Any]] = (await listed(raw, node_id))["Scenes"]["Scenes"]
    return stored


@pytest.fixture
def plug(still_cloud: Cloud, owner: str) -> str:
    """A plug, off, opted into scenes with none stored."""
    node = still_cloud.add_node("plug", EMAIL, name="Kettle")
    seed_scenes(node, [])
    return node.node_id


def test_no_kind_offers_scenes_by_default() -> None:
    """Scenes are opt-in: every kind's config stays without the service."""
    for kind in KINDS.values():
        if kind.kind == "raw":
            continue
        built = kind.build("n", "Node", random.Random(0))
        types = {service["type"] for service in built.config["services"]}
        assert "esp.service.scenes" not in types
        assert "Scenes" not in built.params


def test_with_scenes_opts_a_built_node_in() -> None:
    """`with_scenes` adds the service once and stores the scenes given."""
    built = KINDS["plug"].build("n", "Plug", random.Random(0))
    scene = app_scene("sc1", "Morning", action=PLUG_ON, info="wake")
    with_scenes(with_scenes(built), [scene])
    services = [s for s in built.config["services"] if s["name"] == "Scenes"]
    assert services == [
        {
            "name": "Scenes",
            "type": "esp.service.scenes",
            "params": [
                {
                    "name": "Scenes",
                    "type": "esp.param.scenes",
                    "data_type": "array",
                    "properties": ["read", "write"],
                    "bounds": {"max": 10},
                }
            ],
        }
    ]
    assert built.params["Scenes"] == {
        "Scenes": [{"id": "sc1", "name": "Morning", "info": "wake", "action": PLUG_ON}]
    }
    with pytest.raises(ValueError, match="would not store"):
        app_scene("sc1", "", action=PLUG_ON)


async def test_add_and_activate(still_cloud: Cloud, raw: Raw, plug: str) -> None:
    """An added scene is reported; activating it applies its action."""
    add = {
        "id": "sc1",
        "operation": "add",
        "name": "Tea",
        "info": "afternoon",
        "flags": 2,
        "action": PLUG_ON,
    }
    await write_ok(raw, plug, scene_ops(add))
    assert await scenes_of(raw, plug) == [
        {"id": "sc1", "name": "Tea", "info": "afternoon", "flags": 2, "action": PLUG_ON}
    ]
    assert (await listed(raw, plug))["Plug"]["Power"] is False
    await write_ok(raw, plug, scene_ops({"id": "sc1", "operation": "activate"}))
    assert (await listed(raw, plug))["Plug"]["Power"] is True
    await write_ok(raw, plug, scene_ops({"id": "sc1", "operation": "deactivate"}))
    assert (await listed(raw, plug))["Plug"]["Power"] is True


async def test_edit_remove_and_limits(still_cloud: Cloud, raw: Raw, plug: str) -> None:
    """Edit (of an unknown id: add), remove; ids, names and the count are bounded."""
    await write_ok(
        raw,
        plug,
        scene_ops(
            {"id": "a", "operation": "edit", "name": "A", "action": PLUG_ON},
            {"id": "b", "operation": "add", "name": "B"},
            {"id": "b", "operation": "add", "name": "Again", "action": PLUG_OFF},
            {"id": "c", "operation": "add", "name": "C", "action": PLUG_OFF},
            {"id": "c", "operation": "remove"},
            {"id": "123456789", "operation": "add", "name": "long id"},
            {"id": "d", "operation": "add", "name": "n" * 33},
            {
                "id": "a",
                "operation": "edit",
                "name": "Aa",
                "info": "x",
                "action": PLUG_OFF,
            },
            {"id": "ghost", "operation": "activate"},
        ),
    )
    assert await scenes_of(raw, plug) == [
        {"id": "a", "name": "Aa", "info": "x", "action": PLUG_OFF},
        {"id": "b", "name": "B", "action": {}},
    ]
    await write_ok(
        raw,
        plug,
        scene_ops({"id": "a", "operation": "edit", "info": "", "name": "m" * 33}),
    )
    assert (await scenes_of(raw, plug))[0] == {
        "id": "a",
        "name": "Aa",
        "action": PLUG_OFF,
    }
    more = [{"id": f"s{i}", "operation": "add", "name": "S"} for i in range(9)]
    await write_ok(raw, plug, scene_ops(*more))
    assert len(await scenes_of(raw, plug)) == 10
    status, _ = await put(raw, plug, scene_ops(*more, *more))
    assert status == 400


async def test_scene_starts_a_hub(still_cloud: Cloud, raw: Raw, owner: str) -> None:
    """A seeded scene on a hub: activating it starts the hub as a write would."""
    node = still_cloud.add_node("thermacell", EMAIL)
    start = {THERMACELL_DEVICE: {"Enable Repellers": True}}
    seed_scenes(node, [app_scene("on", "Evening", action=start)])
    seed_scenes(node, [app_scene("on", "Evening", action=start)])
    assert [s["name"] for s in node.config["services"]].count("Scenes") == 1
    await write_ok(raw, node.node_id, scene_ops({"id": "on", "operation": "activate"}))
    state = (await listed(raw, node.node_id))[THERMACELL_DEVICE]
    assert (state["Power"], state["System Status"]) == (True, STATUS_WARMING)


async def test_a_scene_cannot_activate_scenes(
    still_cloud: Cloud, raw: Raw, plug: str
) -> None:
    """An action that would write scenes (itself, even) has that part left out."""
    loop = {
        "Scenes": {"Scenes": [{"id": "loop", "operation": "activate"}]},
        **PLUG_ON,
    }
    await write_ok(
        raw,
        plug,
        scene_ops(
            {"id": "loop", "operation": "add", "name": "Loop", "action": loop},
            {"id": "loop", "operation": "activate"},
        ),
    )
    assert (await listed(raw, plug))["Plug"]["Power"] is True
