"""Node groups (`/v1/user/node_group`): named sets of an account's nodes.

Each group belongs to the account that made it; only that account sees it. The
optional fields a client may send (`description`, `type`, `mutually_exclusive`,
`parent_group_id`) are stored and listed back, with no behaviour behind them.
"""

from bisect import bisect_left
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

OPTIONAL_FIELDS = ("description", "type", "mutually_exclusive", "parent_group_id")


@dataclass(slots=True)
class Group:
    """A named set of nodes of one account."""

    group_id: str
    owner: str
    group_name: str
    nodes: list[str] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)

    def add(self, node_ids: Iterable[str]) -> None:
        """Add nodes (those already in the group stay once)."""
        self.nodes += [
            node_id for node_id in dict.fromkeys(node_ids) if node_id not in self.nodes
        ]

    def remove(self, node_ids: Iterable[str]) -> None:
        """Remove nodes (ignoring those not in the group)."""
        gone = set(node_ids)
        self.nodes = [node_id for node_id in self.nodes if node_id not in gone]

    def summary(self) -> dict[str, Any]:
        """Return the group's entry in the listing, without its nodes."""
        return {
            "group_id": self.group_id,
            "group_name": self.group_name,
            "is_matter": False,
            "primary": True,
            "total": len(self.nodes),
            **self.extra,
        }


def optional_fields(body: dict[str, Any]) -> dict[str, Any]:
    """Return the optional group fields a request body carries."""
    return {key: body[key] for key in OPTIONAL_FIELDS if key in body}


class Groups:
    """Every account's node groups, by group id."""

    def __init__(self, new_id: Callable[[], str]) -> None:
        """Keep groups; `new_id` makes group ids."""
        self._new_id = new_id
        self._groups: dict[str, Group] = {}

    def create(
        self, owner: str, name: str, node_ids: Iterable[str], **extra: Any
    ) -> Group:
        """Make a group of an account's nodes."""
        group_id = self._new_id()
        while group_id in self._groups:
            group_id = self._new_id()
        group = Group(group_id, owner, name, extra=extra)
        group.add(node_ids)
        self._groups[group_id] = group
        return group

    def get(self, owner: str, group_id: str) -> Group | None:
        """Return an account's group, None if it has no group of this id."""
        group = self._groups.get(group_id)
        return group if group is not None and group.owner == owner else None

    def of(self, owner: str) -> list[Group]:
        """Return an account's groups, sorted by id as the cloud pages them."""
        return sorted(
            (group for group in self._groups.values() if group.owner == owner),
            key=lambda group: group.group_id,
        )

    def page(
        self, owner: str, start_id: str | None, size: int
    ) -> tuple[list[Group], str | None]:
        """One page of an account's groups and the id that starts the next page."""
        groups = self.of(owner)
        ids = [group.group_id for group in groups]
        start = bisect_left(ids, start_id) if start_id else 0
        end = start + size
        return groups[start:end], ids[end] if end < len(ids) else None

    def delete(self, group: Group) -> None:
        """Delete a group."""
        del self._groups[group.group_id]

    def drop_node(self, node_id: str) -> None:
        """Take a node out of every group (it was removed from the cloud)."""
        for group in self._groups.values():
            group.remove([node_id])

    def drop_owner(self, owner: str) -> None:
        """Delete every group of an account (it was removed)."""
        for group in self.of(owner):
            del self._groups[group.group_id]
