"""The account's node groups (`/v1/user/node_group`): rooms and such the app made."""

from dataclasses import dataclass
from typing import Any, Final

from .exceptions import RainMakerResponseError
from .transport import TokenSource, Transport

PATH_GROUPS: Final = "/v1/user/node_group"
MAX_GROUP_PAGES: Final = 100
MAX_NAME: Final = 100


@dataclass(frozen=True, slots=True)
class NodeGroup:
    """A group: its id, its name and the nodes in it."""

    group_id: str
    name: str
    node_ids: tuple[str, ...]


def parse_groups(payload: Any) -> tuple[list[NodeGroup], str | None]:
    """Read one page of groups; entries that are not groups are skipped."""
    if not isinstance(payload, dict) or not isinstance(payload.get("groups"), list):
        raise RainMakerResponseError("Unexpected group listing")
    groups = []
    for item in payload["groups"]:
        if not isinstance(item, dict):
            continue
        group_id, name = item.get("group_id"), item.get("group_name")
        if not isinstance(group_id, str) or not isinstance(name, str):
            continue
        nodes = item.get("nodes")
        node_ids = (
            tuple(node for node in nodes if isinstance(node, str))
            if isinstance(nodes, list)
            else ()
        )
        if name.strip():
            groups.append(NodeGroup(group_id, name.strip()[:MAX_NAME], node_ids))
    next_id = payload.get("next_id")
    return groups, next_id if isinstance(next_id, str) and next_id else None


async def list_groups(transport: Transport, auth: TokenSource) -> list[NodeGroup]:
    """Every group of the account with its node ids, page by page (bounded)."""
    groups: list[NodeGroup] = []
    start_id: str | None = None
    seen: set[str | None] = {None}
    for _ in range(MAX_GROUP_PAGES):
        query = {"node_list": "true"} | ({"start_id": start_id} if start_id else {})
        answer = await transport.request("GET", PATH_GROUPS, query=query, auth=auth)
        page, start_id = parse_groups(answer.json())
        groups.extend(page)
        if start_id in seen:
            break
        seen.add(start_id)
    return groups
