"""Values written but not yet reported: shown at once, held until the device confirms.

The cloud acknowledges a write at once but reports the new value only after the
device applied it. Until then the written value is laid over what the cloud
reports, so an entity shows a command at once and never flickers back. A held
value goes when the cloud reports it, reports something that contradicts it (a
change made elsewhere), or at its deadline.
"""

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from itertools import count
import math
from typing import Any, NewType

from .api import Node
from .api.values import exact_key

# A written param: node id, device or service name, param name.
type ParamKey = tuple[str, str, str]
# One call of the coordinator's `async_send`, whose values are held together.
CommandId = NewType("CommandId", int)


def same_value(left: Any, right: Any) -> bool:
    """Compare reported and written values (numbers with a float tolerance)."""
    if isinstance(left, bool) or isinstance(right, bool):
        return left is right
    if isinstance(left, int | float) and isinstance(right, int | float):
        return math.isclose(left, right, rel_tol=1e-6, abs_tol=1e-6)
    return bool(left == right)


@dataclass(slots=True)
class HeldValue:
    """A written value the device has not reported yet.

    `stale` holds what the cloud may still report meanwhile without contradicting
    the write: the value before it and any earlier writes of the same param that
    were not confirmed yet (the device may apply them first).
    """

    value: Any
    stale: tuple[Any, ...]
    deadline: float
    command: CommandId


@dataclass(frozen=True, slots=True)
class _Shown:
    """A node with held values laid over it, kept while neither changes."""

    reported: Node
    values: dict[tuple[str, str], Any]
    node: Node


class WriteOverlay:
    """The held values of an account, laid over the nodes the cloud reports."""

    def __init__(self) -> None:
        """Hold nothing."""
        self._held: dict[ParamKey, HeldValue] = {}
        self._shown: dict[str, _Shown] = {}
        self._commands = count(1)

    def __len__(self) -> int:
        """Count the values held."""
        return len(self._held)

    @property
    def keys(self) -> Collection[ParamKey]:
        """The params whose written values are held."""
        return self._held.keys()

    def new_command(self) -> CommandId:
        """Return the id of a new command."""
        return CommandId(next(self._commands))

    def hold(
        self,
        command: CommandId,
        node_id: str,
        device: str,
        values: Mapping[str, Any],
        reported: Node,
        deadline: float,
    ) -> None:
        """Hold the values a command wrote, until `deadline` at the latest."""
        for param, value in values.items():
            key = (node_id, device, param)
            stale: tuple[Any, ...] = (reported.get(device, param),)
            if (earlier := self._held.get(key)) is not None:
                stale += (*earlier.stale, earlier.value)
            self._held[key] = HeldValue(value, stale, deadline, command)

    def drop(self, command: CommandId) -> bool:
        """Drop the values of a command that failed; tell whether any were held."""
        keys = [key for key, held in self._held.items() if held.command == command]
        for key in keys:
            del self._held[key]
        return bool(keys)

    def settle(self, reported: Mapping[str, Node], now: float) -> None:
        """Drop held values the cloud confirmed, contradicted or gave up on."""
        for key, held in list(self._held.items()):
            node_id, device, param = key
            node = reported.get(node_id)
            value = node.get(device, param) if node is not None else None
            if (
                node is None
                or same_value(value, held.value)
                or not any(same_value(value, old) for old in held.stale)
                or now >= held.deadline
            ):
                del self._held[key]

    def apply(self, reported: Mapping[str, Node]) -> dict[str, Node]:
        """Return the reported nodes with the held values on top.

        A node keeps its identity while neither its reported state nor its held
        values changed, so its entities are not written again.
        """
        shown = dict(reported)
        by_node: dict[str, dict[tuple[str, str], Any]] = {}
        for (node_id, device, param), held in self._held.items():
            by_node.setdefault(node_id, {})[(device, param)] = held.value
        kept: dict[str, _Shown] = {}
        for node_id, values in by_node.items():
            if (node := shown.get(node_id)) is None:
                continue
            last = self._shown.get(node_id)
            if (
                last is None
                or last.reported is not node
                or exact_key(last.values) != exact_key(values)
            ):
                last = _Shown(node, values, node.with_values(values))
            kept[node_id] = last
            shown[node_id] = last.node
        self._shown = kept
        return shown

    def clear(self) -> None:
        """Hold nothing any more."""
        self._held.clear()
        self._shown.clear()
