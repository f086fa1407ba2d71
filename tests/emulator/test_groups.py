"""The node-groups API (`/v1/user/node_group`): shapes, paging, changes and ownership."""

from typing import Any

import pytest

from rainmaker_emulator import Cloud, EmulatorAdmin, Endpoint
from rainmaker_emulator.groups import Groups

from .conftest import EMAIL, PASSWORD, Raw

OTHER = "other@example.com"
PATH = Endpoint.GROUPS.path


async def listing(raw: Raw, **query: str) -> dict[str, Any]:
    """Return the caller's groups (one page)."""
    status, body = await raw.call("GET", PATH, params=query)
    assert status == 200, body
    return dict(body)


async def create(raw: Raw, body: Any) -> tuple[int, Any]:
    """Create a group."""
    return await raw.call("POST", Endpoint.GROUP_CREATE.path, json=body)


async def update(raw: Raw, group_id: str, body: Any) -> tuple[int, Any]:
    """Change a group."""
    return await raw.call(
        "PUT", Endpoint.GROUP_UPDATE.path, params={"group_id": group_id}, json=body
    )


async def test_create_and_list(raw: Raw, cloud: Cloud, owner: str) -> None:
    """A new group lists with its count; node_list adds ids, node_details the entries."""
    ids = sorted(cloud.seed(EMAIL, PASSWORD, lights=2, switches=1).node_ids)
    assert await listing(raw) == {"groups": [], "total": 0}
    status, body = await create(raw, {"group_name": "Living room", "nodes": ids[:2]})
    assert status == 200
    group_id = body.pop("group_id")
    assert body == {"status": "success", "description": "Group created successfully"}
    assert len(group_id) == 22
    summary = {
        "group_id": group_id,
        "group_name": "Living room",
        "is_matter": False,
        "primary": True,
        "total": 2,
    }
    assert await listing(raw) == {"groups": [summary], "total": 1}
    assert await listing(raw, node_list="true") == {
        "groups": [{**summary, "nodes": ids[:2]}],
        "total": 1,
    }
    _, nodes = await raw.call(
        "GET", Endpoint.NODES.path, params={"node_details": "true"}
    )
    details = await listing(raw, node_details="true")
    assert details["groups"][0]["nodes"] == ids[:2]
    assert details["groups"][0]["node_details"] == [
        entry for entry in nodes["node_details"] if entry["id"] in ids[:2]
    ]
    assert await listing(raw, group_id=group_id) == {"groups": [summary], "total": 1}


async def test_node_list_and_optional_fields(
    raw: Raw, cloud: Cloud, owner: str
) -> None:
    """`node_list` (as pythermacell sends) names the nodes; optional fields are kept."""
    node_id = cloud.add_node("switch", owner).node_id
    fields = {
        "description": "Upstairs",
        "type": "room",
        "mutually_exclusive": True,
        "parent_group_id": "parent",
    }
    status, body = await create(
        raw, {"group_name": "Room", "node_list": [node_id, node_id], **fields}
    )
    assert status == 200
    (group,) = (await listing(raw, node_list="true"))["groups"]
    assert group["nodes"] == [node_id]
    assert {key: group[key] for key in fields} == fields
    assert group["group_id"] == body["group_id"]


async def test_paging(raw: Raw, cloud: Cloud, admin: EmulatorAdmin, owner: str) -> None:
    """Groups page like nodes: num_records up to the page size, start_id and next_id."""
    group_ids = sorted(cloud.add_group(owner, f"Group {n}", []) for n in range(12))
    body = await listing(raw)
    assert [group["group_id"] for group in body["groups"]] == group_ids[:10]
    assert (body["total"], body["next_id"]) == (12, group_ids[10])
    body = await listing(raw, start_id=body["next_id"])
    assert [group["group_id"] for group in body["groups"]] == group_ids[10:]
    assert "next_id" not in body
    body = await listing(raw, num_records="3")
    assert len(body["groups"]) == 3
    assert body["next_id"] == group_ids[3]
    assert len((await listing(raw, num_records="50"))["groups"]) == 10
    await admin.settings(page_size=5)
    assert len((await listing(raw))["groups"]) == 5
    status, body = await raw.call("GET", PATH, params={"num_records": "many"})
    assert (status, body["error_code"]) == (400, 100012)


async def test_update(raw: Raw, cloud: Cloud, owner: str) -> None:
    """Nodes are added and removed, the group renamed; other fields change too."""
    ids = sorted(cloud.seed(EMAIL, PASSWORD, switches=3).node_ids)
    group_id = cloud.add_group(owner, "Kitchen", [ids[0]])
    status, body = await update(raw, group_id, {"operation": "add", "nodes": ids})
    assert (status, body) == (
        200,
        {"status": "success", "description": "Group updated successfully"},
    )
    (group,) = (await listing(raw, node_list="true"))["groups"]
    assert (group["nodes"], group["total"]) == (ids, 3)
    body = {"operation": "remove", "node_list": [ids[1], "not-in-group"]}
    assert (await update(raw, group_id, body))[0] == 200
    assert (await update(raw, group_id, {"group_name": "Cooking"}))[0] == 200
    assert (await update(raw, group_id, {"description": "Tiles"}))[0] == 200
    (group,) = (await listing(raw, node_list="true"))["groups"]
    assert (group["group_name"], group["nodes"]) == ("Cooking", [ids[0], ids[2]])
    assert group["description"] == "Tiles"


async def test_delete(raw: Raw, cloud: Cloud, owner: str) -> None:
    """A deleted group is gone."""
    group_id = cloud.add_group(owner, "Spare", [])
    status, body = await raw.call(
        "DELETE", Endpoint.GROUP_DELETE.path, params={"group_id": group_id}
    )
    assert (status, body) == (
        200,
        {"status": "success", "description": "Group deleted successfully"},
    )
    assert await listing(raw) == {"groups": [], "total": 0}
    status, body = await raw.call(
        "DELETE", Endpoint.GROUP_DELETE.path, params={"group_id": group_id}
    )
    assert (status, body["error_code"]) == (400, 108002)


async def test_only_the_callers_groups(raw: Raw, cloud: Cloud, owner: str) -> None:
    """Another account's groups are invisible and untouchable; its nodes cannot be grouped."""
    cloud.add_account(OTHER, PASSWORD)
    foreign_node = cloud.add_node("switch", OTHER).node_id
    shared = cloud.add_node("switch", OTHER, shared_with=[EMAIL]).node_id
    theirs = cloud.add_group(OTHER, "Theirs", [foreign_node])
    assert await listing(raw) == {"groups": [], "total": 0}
    missing = {
        "status": "failure",
        "description": "Group does not exist",
        "error_code": 108002,
    }
    assert await raw.call("GET", PATH, params={"group_id": theirs}) == (400, missing)
    assert await update(raw, theirs, {"group_name": "Mine"}) == (400, missing)
    status, body = await raw.call(
        "DELETE", Endpoint.GROUP_DELETE.path, params={"group_id": theirs}
    )
    assert (status, body) == (400, missing)
    status, body = await create(raw, {"group_name": "Grab", "nodes": [foreign_node]})
    assert (status, body["error_code"]) == (400, 100010)
    status, body = await create(raw, {"group_name": "Shared", "nodes": [shared]})
    assert status == 200
    status, body = await update(
        raw, body["group_id"], {"operation": "add", "nodes": [foreign_node]}
    )
    assert (status, body["error_code"]) == (400, 100010)
    with pytest.raises(ValueError, match="not nodes of"):
        cloud.add_group(EMAIL, "Grab", [foreign_node])


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"nodes": []}, 108003),
        ({"group_name": "  "}, 108003),
        ({"group_name": "Bad", "nodes": "abc"}, 100012),
        ({"group_name": "Bad", "nodes": [1]}, 100012),
        ([1], 100006),
    ],
)
async def test_create_errors(raw: Raw, body: Any, code: int) -> None:
    """A name is needed, nodes must be a list of ids, the body an object."""
    status, answer = await create(raw, body)
    assert (status, answer["status"], answer["error_code"]) == (400, "failure", code)


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({}, 100012),
        ({"operation": "add"}, 100012),
        ({"operation": "swap", "nodes": []}, 100012),
        ({"nodes": []}, 100012),
        ({"operation": "add", "nodes": "abc"}, 100012),
        ({"group_name": ""}, 108003),
        ({"group_name": 5}, 108003),
        ([1], 100006),
    ],
)
async def test_update_errors(
    raw: Raw, cloud: Cloud, owner: str, body: Any, code: int
) -> None:
    """An update must name an operation with nodes, a name, or another field."""
    group_id = cloud.add_group(owner, "Hall", [])
    status, answer = await update(raw, group_id, body)
    assert (status, answer["error_code"]) == (400, code)
    (group,) = (await listing(raw))["groups"]
    assert group["group_name"] == "Hall"


async def test_request_errors(raw: Raw, cloud: Cloud, admin: EmulatorAdmin) -> None:
    """A missing group id, bad JSON and missing tokens are refused; codes can be strings."""
    for method in ("PUT", "DELETE"):
        status, body = await raw.call(method, PATH, json={"group_name": "x"})
        assert (status, body["error_code"]) == (400, 108001)
    status, body = await raw.call("POST", PATH, data=b"{")
    assert (status, body["error_code"]) == (400, 100006)
    for method in ("GET", "POST", "PUT", "DELETE"):
        status, _ = await raw.call(method, PATH, auth=False)
        assert status == 401
    await admin.settings(string_error_codes=True)
    status, body = await raw.call("GET", PATH, params={"group_id": "nope"})
    assert (status, body["error_code"]) == (400, "108002")
    for endpoint in (Endpoint.GROUPS, Endpoint.GROUP_CREATE, Endpoint.GROUP_UPDATE):
        assert await admin.count(endpoint) >= 1


async def test_removed_node_leaves_its_groups(
    raw: Raw, cloud: Cloud, admin: EmulatorAdmin, owner: str
) -> None:
    """A node removed from the cloud leaves every group; a removed account's groups go."""
    ids = sorted(cloud.seed(EMAIL, PASSWORD, switches=2).node_ids)
    cloud.add_group(owner, "One", ids)
    cloud.add_group(owner, "Two", [ids[0]])
    await admin.remove_node(ids[0])
    groups = (await listing(raw, node_details="true"))["groups"]
    assert [group["nodes"] for group in groups] == [[ids[1]], []] or [
        group["nodes"] for group in groups
    ] == [[], [ids[1]]]
    assert sorted(group["total"] for group in groups) == [0, 1]
    cloud.remove_account(owner)
    assert cloud.groups.of(owner) == []


def test_group_ids_are_unique() -> None:
    """A group id already given out is not given again."""
    ids = iter(["taken", "taken", "fresh"])
    groups = Groups(lambda: next(ids))
    assert groups.create(EMAIL, "One", []).group_id == "taken"
    assert groups.create(EMAIL, "Two", []).group_id == "fresh"
