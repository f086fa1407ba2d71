"""What the cloud last reported: newer fetches win, unchanged nodes keep their identity."""

from custom_components.esp_rainmaker.api import (
    DeviceSpec,
    Node,
    NodeConfig,
    NodeInfo,
    NodeListing,
    ParamSpec,
)
from custom_components.esp_rainmaker.reported import ReportedNodes

POWER = ParamSpec("Power", "esp.param.power", "bool", frozenset({"read", "write"}))
CONFIG = NodeConfig(
    info=NodeInfo(),
    devices=(DeviceSpec(name="Switch", type="esp.device.switch", params=(POWER,)),),
)


def switch(node_id: str, power: bool | None) -> Node:
    """A one-switch node reporting `power`."""
    return Node(node_id, CONFIG, ((power,),))


def test_an_older_fetch_never_replaces_a_newer_one() -> None:
    """A poll that started before a node was fetched alone keeps the newer reading."""
    reported = ReportedNodes()
    reported.take_listing(
        NodeListing({"n1": switch("n1", None)}), reported.start_fetch()
    )
    older_poll = reported.start_fetch()
    newer_fetch = reported.start_fetch()
    reported.take_nodes({"n1": switch("n1", True)}, newer_fetch)

    reported.take_listing(NodeListing({"n1": switch("n1", False)}), older_poll)

    assert reported.nodes["n1"].get("Switch", "Power") is True


def test_an_equal_node_keeps_its_identity() -> None:
    """A node reported again unchanged is the same object, so listeners skip it."""
    reported = ReportedNodes()
    reported.take_listing(
        NodeListing({"n1": switch("n1", True)}), reported.start_fetch()
    )
    first = reported.nodes["n1"]

    reported.take_listing(
        NodeListing({"n1": switch("n1", True)}), reported.start_fetch()
    )

    assert reported.nodes["n1"] is first


def test_nodes_that_leave_leave_nothing_behind() -> None:
    """A complete listing without a node forgets it and its fetch number."""
    reported = ReportedNodes()
    for number in range(5):
        nodes = {
            "n1": switch("n1", True),
            f"guest{number}": switch(f"guest{number}", True),
        }
        reported.take_listing(NodeListing(nodes), reported.start_fetch())
        reported.take_listing(
            NodeListing({"n1": switch("n1", True)}), reported.start_fetch()
        )

    assert set(reported.nodes) == {"n1"}
    assert set(reported._fetched_by) == {"n1"}


def test_a_cut_short_or_malformed_listing_keeps_the_last_report() -> None:
    """Nodes a listing did not reach, or could not read, are not gone."""
    reported = ReportedNodes()
    both = {"n1": switch("n1", True), "n2": switch("n2", False)}
    reported.take_listing(NodeListing(both), reported.start_fetch())

    reported.take_listing(
        NodeListing({"n1": switch("n1", True)}, complete=False), reported.start_fetch()
    )
    assert set(reported.nodes) == {"n1", "n2"}

    reported.take_listing(
        NodeListing({"n1": switch("n1", True)}, malformed=frozenset({"n2"})),
        reported.start_fetch(),
    )
    assert reported.nodes["n2"] is both["n2"]
