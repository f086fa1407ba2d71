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
    assert page.outdated == ("node1",)


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
