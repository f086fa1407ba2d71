"""Parsing node listings: variants the cloud sends and entries that must be skipped."""

from typing import Any

import pytest

from custom_components.esp_rainmaker.api import NodeParser
from custom_components.esp_rainmaker.api.parser import MalformedNodeError, parse_config


def entry(**overrides: Any) -> dict[str, Any]:
    """A minimal valid node entry."""
    item: dict[str, Any] = {
        "id": "node1",
        "status": {"connectivity": {"connected": True, "timestamp": 1700000000123}},
        "config": {
            "node_id": "node1",
            "info": {"name": "Switch", "fw_version": "1.0"},
            "devices": [
                {
                    "name": "Switch",
                    "type": "esp.device.switch",
                    "params": [
                        {
                            "name": "Power",
                            "type": "esp.param.power",
                            "data_type": "bool",
                            "properties": ["read", "write"],
                        }
                    ],
                }
            ],
        },
        "params": {"Switch": {"Power": True}},
    }
    item.update(overrides)
    return item


def test_minimal_entry() -> None:
    """A valid entry parses with connectivity in milliseconds."""
    node = NodeParser().node(entry())
    assert node.node_id == "node1"
    assert node.connected is True
    assert node.connectivity_timestamp == 1700000000123
    assert node.get("Switch", "Power") is True


@pytest.mark.parametrize(
    "item",
    [
        "not a dict",
        {"config": {}},
        entry(id=None),
        entry(config="x"),
        entry(config=None),
        entry(params=[1]),
        entry(config={"devices": {}}),
        entry(config={"devices": [{"params": []}]}),
        entry(config={"devices": [{"name": "D", "params": "x"}]}),
        entry(config={"devices": [{"name": "D", "params": [{"type": "x"}]}]}),
        entry(
            config={
                "devices": [
                    {"name": "D", "params": [{"name": "P", "properties": "rw"}]}
                ]
            }
        ),
    ],
)
def test_malformed_entries(item: Any) -> None:
    """Entries that cannot be shown correctly are refused."""
    with pytest.raises(MalformedNodeError):
        NodeParser().node(item)


def test_lenient_where_harmless() -> None:
    """Odd optional fields are ignored instead of failing the node."""
    item = entry(
        status={"connectivity": "?"},
        params={"Switch": "nope", "Unknown": {"X": 1}},
        config={
            "info": "not an object",
            "devices": [
                {
                    "name": "Switch",
                    "attributes": "x",
                    "params": [
                        {
                            "name": "Power",
                            "data_type": "bool",
                            "properties": ["read", 5],
                            "valid_strs": "x",
                            "bounds": {"min": "a"},
                        }
                    ],
                }
            ],
            "services": [],
        },
    )
    node = NodeParser().node(item)
    assert node.connected is None
    assert node.get("Switch", "Power") is None
    power = node.config.devices[0].params[0]
    assert power.properties == {"read"}
    assert power.bounds is None
    assert power.valid_strs == ()


def test_missing_status_and_params() -> None:
    """Listings asked without status or params still parse."""
    node = NodeParser().node(entry(status=None, params=None))
    assert node.connected is None
    assert node.get("Switch", "Power") is None


def test_previous_node_serves_config_and_unchanged_values() -> None:
    """An entry without config reuses the known node's; unchanged entries return it."""
    parser = NodeParser()
    known = parser.node(entry())
    assert parser.node(entry(config=None), previous=known) is known
    changed = parser.node(
        entry(config=None, params={"Switch": {"Power": False}}), previous=known
    )
    assert changed.config is known.config
    assert changed.get("Switch", "Power") is False
    assert (
        parser.node(entry(), previous=known) is known
    )  # same config content, same values


def test_page_reports_unconfigured_and_outdated() -> None:
    """Entries needing a config, and params naming unknown devices, are reported."""
    parser = NodeParser()
    known = parser.node(entry())
    page = parser.page(
        {
            "node_details": [
                entry(config=None, params={"Switch": {"Power": True}, "New": {}}),
                entry(id="fresh", config=None),
            ]
        },
        {"node1": known},
    )
    assert [node.node_id for node in page.nodes] == ["node1"]
    assert page.unconfigured == ("fresh",)
    assert page.outdated == (("node1", frozenset({"New"})),)


def test_config_cache_holds_what_a_listing_uses() -> None:
    """After a listing the cache keeps only the configs that listing used."""
    parser = NodeParser()
    first = parser.config(entry()["config"])
    other = parser.config(entry()["config"] | {"config_version": "2"})
    parser.start_listing()
    assert parser.config(entry()["config"]) is first
    parser.finish_listing()
    parser.finish_listing()  # harmless twice
    assert parser.config(entry()["config"]) is first
    assert parser.config(entry()["config"] | {"config_version": "2"}) is not other


def test_page_collects_malformed() -> None:
    """A page keeps the good entries and lists the bad ones with reasons."""
    page = NodeParser().page(
        {
            "node_details": [entry(), {"config": {}}, entry(id="bad", config=5)],
            "next_id": "n2",
        }
    )
    assert [n.node_id for n in page.nodes] == ["node1"]
    assert [node_id for node_id, _ in page.malformed] == ["<no id>", "bad"]
    assert page.next_id == "n2"


def test_page_shapes() -> None:
    """An empty page is fine; a non-object is not."""
    assert NodeParser().page({"nodes": [], "total": 0}).nodes == ()
    with pytest.raises(MalformedNodeError):
        NodeParser().page([])


def test_parse_config_services() -> None:
    """Services parse like devices and are marked as services."""
    config = parse_config(
        {
            "devices": [],
            "services": [
                {"name": "System", "type": "esp.service.system", "params": []}
            ],
        }
    )
    assert config.services[0].is_service
    assert config.device("System") is config.services[0]
    with pytest.raises(MalformedNodeError):
        parse_config([])


def probe(node_id: str, data_type: str, value: Any) -> dict[str, Any]:
    """An entry with one read-only param of `data_type`, reporting `value`."""
    return entry(
        id=node_id,
        config={
            "devices": [
                {
                    "name": "Probe",
                    "type": "esp.device.other",
                    "params": [
                        {
                            "name": "Value",
                            "type": "custom.param.value",
                            "data_type": data_type,
                            "properties": ["read"],
                        }
                    ],
                }
            ]
        },
        params={"Probe": {"Value": value}},
    )


EQUAL_BUT_DIFFERENT = [
    ("bool", False),
    ("float", 0.0),
    ("int", 0),
    ("bool", True),
    ("float", 1.0),
    ("int", 1),
    ("float", -0.0),
    ("array", [False, 1]),
    ("array", [0.0, True]),
    ("array", [0, 1.0]),
    ("array", [[True], {"a": 1}]),
    ("array", [[1], {"a": 1}]),
    ("array", [[1.0], {"a": True}]),
    ("object", {"a": [0], "b": False}),
    ("object", {"a": [False], "b": 0.0}),
]


def test_values_are_shared_only_when_exactly_equal() -> None:
    """True, 1 and 1.0 (False, 0, 0.0 and -0.0) never stand in for each other.

    Python compares them equal, so sharing equal values between the nodes of a
    listing must compare types too, inside rows, arrays and objects alike.
    """
    parser = NodeParser()
    parser.start_listing()
    page = parser.page(
        {
            "node_details": [
                probe(f"n{number}", data_type, value)
                for number, (data_type, value) in enumerate(EQUAL_BUT_DIFFERENT)
            ]
        }
    )
    parser.finish_listing()
    for node, (_, value) in zip(page.nodes, EQUAL_BUT_DIFFERENT, strict=True):
        reported = node.get("Probe", "Value")
        assert repr(reported) == repr(
            tuple(value) if isinstance(value, list) else value
        )


def test_nodes_compare_exactly() -> None:
    """A node whose value changed from 1 to True (or 1.0) is a changed node."""
    parser = NodeParser()
    ints = parser.node(probe("n", "array", [1, 0]))
    assert ints != parser.node(probe("n", "array", [True, False]))
    assert ints != parser.node(probe("n", "array", [1.0, 0.0]))
    assert ints == parser.node(probe("n", "array", [1, 0]))


def test_equal_rows_are_shared_within_a_listing() -> None:
    """Identical rows of different nodes are one object during a listing only."""
    parser = NodeParser()
    parser.start_listing()
    first, second = parser.page(
        {"node_details": [probe("a", "array", [1, 2]), probe("b", "array", [1, 2])]}
    ).nodes
    parser.finish_listing()
    assert first.values[0] is second.values[0]
    alone = parser.node(probe("c", "array", [1, 2]))
    assert alone.values[0] == first.values[0]
    assert alone.values[0] is not first.values[0]
