"""The account's node groups, over HTTP to the emulator."""

from typing import Any

import pytest

from custom_components.esp_rainmaker.api import (
    NodeGroup,
    RainMakerClient,
    RainMakerResponseError,
)
from custom_components.esp_rainmaker.api.groups import MAX_NAME, parse_groups
from rainmaker_emulator import Cloud, EmulatorAdmin, Endpoint

from .conftest import EMAIL


async def test_groups_with_their_nodes(client: RainMakerClient, cloud: Cloud) -> None:
    """Every group arrives with the ids of its nodes."""
    first, second = cloud.add_node("switch", EMAIL), cloud.add_node("lightbulb", EMAIL)
    garden = cloud.add_group(EMAIL, "Garden", [first.node_id, second.node_id])
    empty = cloud.add_group(EMAIL, "Attic", [])

    groups = await client.get_groups()

    assert sorted(groups, key=lambda group: group.name) == [
        NodeGroup(empty, "Attic", ()),
        NodeGroup(garden, "Garden", (first.node_id, second.node_id)),
    ]


async def test_groups_page_by_page(
    client: RainMakerClient, cloud: Cloud, admin: EmulatorAdmin
) -> None:
    """More groups than a page holds take one request per page."""
    for number in range(23):
        cloud.add_group(EMAIL, f"Room {number}", [])
    await client.login()
    await admin.reset_stats()

    groups = await client.get_groups()

    assert len({group.group_id for group in groups}) == 23
    assert await admin.count(Endpoint.GROUPS) == 3


def test_junk_entries_are_skipped() -> None:
    """Entries without an id or a name, or with a blank name, are not groups."""
    groups, next_id = parse_groups(
        {
            "groups": [
                None,
                {"group_id": "a"},
                {"group_id": "b", "group_name": "  "},
                {"group_id": 3, "group_name": "Three"},
                {"group_id": "c", "group_name": "x" * 500, "nodes": ["n1", 2, None]},
            ],
            "next_id": "",
        }
    )
    assert groups == [NodeGroup("c", "x" * MAX_NAME, ("n1",))]
    assert next_id is None


@pytest.mark.parametrize("payload", [None, {}, {"groups": "all"}])
def test_unreadable_listing_raises(payload: Any) -> None:
    """A listing without a list of groups is the cloud's fault, said so."""
    with pytest.raises(RainMakerResponseError):
        parse_groups(payload)


async def test_a_listing_that_goes_round_in_circles_stops(
    client: RainMakerClient, admin: EmulatorAdmin
) -> None:
    """A next_id seen before ends the listing instead of asking forever."""
    await client.login()
    await admin.add_fault(
        method="GET",
        path="/v1/user/node_group",
        status=200,
        body={"groups": [{"group_id": "g", "group_name": "Loop"}], "next_id": "x"},
    )
    await admin.reset_stats()

    groups = await client.get_groups()

    assert {group.group_id for group in groups} == {"g"}
    assert await admin.count(Endpoint.GROUPS) == 2
