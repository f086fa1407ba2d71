"""Scenes as the node firmware keeps them (`esp_rmaker_scenes.c`), as pure data.

A node offers scenes only if its config has the Scenes service (`scenes_service`;
no kind publishes it by default). A write to its `Scenes` param is a list of
operations (`add`, `edit`, `remove`, `activate`, `deactivate`) on entries named by
`id`, applied in order; one the firmware cannot use is skipped. The stored list is
what the node reports: each entry `{"id", "name", "action"}` plus `info` and
`flags` when set. `activate` applies the scene's action as if it had been written;
`deactivate` does nothing (the SDK's default: deactivation unsupported). Editing an
unknown id adds it.
"""

from collections.abc import Iterable
from typing import Any

from .schedules import MAX_NAME, entry_id, find, set_info_and_flags, stored, text

MAX_SCENES = 10
MAX_SCENE_INFO = 100
SCENES_SERVICE = "esp.service.scenes"
SCENES_PARAM = "esp.param.scenes"


def scenes_service(name: str = "Scenes") -> dict[str, Any]:
    """Return the Scenes service as the RainMaker SDK adds it to a node's config."""
    return {
        "name": name,
        "type": SCENES_SERVICE,
        "params": [
            {
                "name": "Scenes",
                "type": SCENES_PARAM,
                "data_type": "array",
                "properties": ["read", "write"],
                "bounds": {"max": MAX_SCENES},
            }
        ],
    }


def _add(entries: list[dict[str, Any]], op: dict[str, Any]) -> None:
    name = text(op, "name", MAX_NAME)
    if len(entries) >= MAX_SCENES or name is None:
        return
    entry: dict[str, Any] = {"id": op["id"], "name": name}
    set_info_and_flags(entry, op, MAX_SCENE_INFO)
    action = op.get("action")
    entry["action"] = action if isinstance(action, dict) else {}
    entries.append(entry)


def _edit(entry: dict[str, Any], op: dict[str, Any]) -> None:
    if (name := text(op, "name", MAX_NAME)) is not None:
        entry["name"] = name
    set_info_and_flags(entry, op, MAX_SCENE_INFO)
    if isinstance(action := op.get("action"), dict) and action:
        # Keep the action last, where the firmware reports it.
        entry.pop("action", None)
        entry["action"] = action


def apply_operations(
    current: Any, operations: Iterable[Any]
) -> tuple[list[dict[str, Any]], list[Any]]:
    """Apply a write's operations in order: the new stored list, the actions to run."""
    entries = stored(current)
    actions: list[Any] = []
    for op in operations:
        wanted = entry_id(op)
        if wanted is None:
            continue
        kind = op.get("operation")
        entry = find(entries, wanted)
        if kind == "edit" and entry is None:
            kind = "add"
        if kind == "add" and entry is None:
            _add(entries, op)
        elif entry is None:
            continue
        elif kind == "edit":
            _edit(entry, op)
        elif kind == "remove":
            entries.remove(entry)
        elif kind == "activate":
            actions.append(entry.get("action"))
    return entries, actions


def app_scene(
    scene_id: str,
    name: str,
    *,
    action: dict[str, dict[str, Any]],
    info: str = "",
) -> dict[str, Any]:
    """Return a stored scene as the phone app creates it, to seed a node with.

    Raises ValueError where the firmware would not store it.
    """
    operation = {"id": scene_id, "operation": "add", "name": name, "action": action}
    added, _ = apply_operations([], [operation | ({"info": info} if info else {})])
    if not added:
        raise ValueError(f"the firmware would not store scene {scene_id!r}")
    return added[0]
