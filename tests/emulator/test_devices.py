"""Standard device kinds, the demo seed and the command line."""

import math

import pytest

from rainmaker_emulator import DEMO_EMAIL, KINDS, Cloud
from rainmaker_emulator.__main__ import build_cloud, parse_args
from rainmaker_emulator.devices import RawDevice, TemperatureSensor
from rainmaker_emulator.nodes import check_value, index_specs

from .conftest import EMAIL


@pytest.mark.parametrize(
    ("kind", "device", "device_type", "params"),
    [
        (
            "lightbulb",
            "Light",
            "esp.device.lightbulb",
            {"Power", "Brightness", "Hue", "Saturation", "CCT", "Light Mode"},
        ),
        ("switch", "Switch", "esp.device.switch", {"Power"}),
        ("outlet", "Outlet", "esp.device.outlet", {"Power"}),
        ("plug", "Plug", "esp.device.plug", {"Power"}),
        ("socket", "Socket", "esp.device.socket", {"Power"}),
        ("fan", "Fan", "esp.device.fan", {"Power", "Speed", "Direction"}),
        (
            "temperature-sensor",
            "Temperature Sensor",
            "esp.device.temperature-sensor",
            {"Temperature"},
        ),
    ],
)
def test_standard_kinds(
    cloud: Cloud, owner: str, kind: str, device: str, device_type: str, params: set[str]
) -> None:
    """Each kind publishes the standard device with Name, its params and the standard services."""
    node = cloud.add_node(kind, EMAIL, name="Thing")
    config = node.config
    assert config["devices"][0]["type"] == device_type
    assert {p["name"] for p in config["devices"][0]["params"]} == {"Name"} | params
    assert [s["type"] for s in config["services"]] == [
        "esp.service.ota",
        "esp.service.time",
        "esp.service.schedule",
        "esp.service.system",
        *EXTRA_SERVICES.get(kind, []),
    ]
    assert node.reported[device]["Name"] == "Thing"
    assert set(node.reported[device]) == {"Name"} | params


# Services some kinds add: a lamp reachable on the LAN, a switch that controls Matter.
EXTRA_SERVICES = {
    "lightbulb": ["esp.service.local_control"],
    "switch": ["esp.service.matter-controller"],
}


def test_device_secrets(cloud: Cloud, owner: str) -> None:
    """Nodes hold secrets of their own, stable per node, which the cloud knows."""
    lamp = cloud.add_node("lightbulb", EMAIL)
    switch = cloud.add_node("switch", EMAIL)
    pop = lamp.reported["Local Control"]["POP"]
    token = switch.reported["MatterCTL"]["UserToken"]
    assert len(pop) == 8
    assert len(token) == 64
    assert {pop, token} <= set(cloud.secrets())
    other = Cloud(seed=1)
    other.add_account(EMAIL, "x")
    again = other.add_node("lightbulb", EMAIL, node_id=lamp.node_id)
    assert again.reported["Local Control"]["POP"] == pop


def test_writes_become_reported(cloud: Cloud, owner: str) -> None:
    """A write to a standard device is reported; write-only params are not."""
    node = cloud.add_node("lightbulb", EMAIL)
    node.accept_write(
        {"Light": {"Hue": 200, "CCT": 2700}, "OTA": {"URL": "https://x"}},
        cloud.clock.now(),
    )
    cloud.clock.advance(1)
    reported = cloud.node(node.node_id).reported
    assert (reported["Light"]["Hue"], reported["Light"]["CCT"]) == (200, 2700)
    assert "URL" not in reported["OTA"]


def test_system_reboot(cloud: Cloud, owner: str) -> None:
    """Rebooting a standard node takes it offline for a few seconds."""
    cloud.settings.reboot_offline = 10
    node = cloud.add_node("switch", EMAIL)
    node.accept_write({"System": {"Reboot": True}}, cloud.clock.now())
    cloud.clock.advance(1)
    assert cloud.node(node.node_id).online is False
    cloud.clock.advance(10)
    assert cloud.node(node.node_id).online is True


def test_every_lookup_simulates_up_to_now(cloud: Cloud, owner: str) -> None:
    """`node()`, `nodes[...]`, `get`, `values` and `items` hand out nodes simulated up to now."""
    cloud.settings.reboot_offline = 10
    node_id = cloud.add_node("switch", EMAIL).node_id
    lookups = {
        "node()": lambda: cloud.node(node_id),
        "nodes[]": lambda: cloud.nodes[node_id],
        "get": lambda: cloud.nodes.get(node_id),
        "values": lambda: next(iter(cloud.nodes.values())),
        "items": lambda: dict(cloud.nodes.items())[node_id],
    }
    for name, lookup in lookups.items():
        cloud.node(node_id).accept_write(
            {"System": {"Reboot": True}}, cloud.clock.now()
        )
        cloud.clock.advance(1)
        assert lookup().online is False, name
        cloud.clock.advance(10)
        assert lookup().online is True, name


def test_counting_and_iterating_nodes_simulates_nothing(
    cloud: Cloud, owner: str
) -> None:
    """Ids, counts and membership leave the simulation alone; the mapping is read-only."""
    node = cloud.add_node("switch", EMAIL)
    other = cloud.add_node("fan", EMAIL)
    start = node.time
    cloud.clock.advance(60)
    assert list(cloud.nodes) == [node.node_id, other.node_id]  # in the order added
    assert len(cloud.nodes) == 2
    assert max(cloud.nodes) == max(node.node_id, other.node_id)
    assert node.node_id in cloud.nodes
    assert "missing" not in cloud.nodes
    assert node.time == start
    with pytest.raises(TypeError):
        cloud.nodes["new"] = node  # type: ignore[index]
    cloud.remove_node(other.node_id)
    assert list(cloud.nodes) == [node.node_id]


def test_temperature_drifts(cloud: Cloud, owner: str) -> None:
    """The temperature follows a slow wave around a per-sensor base."""
    node = cloud.add_node("temperature-sensor", EMAIL)
    readings = []
    for _ in range(6):
        cloud.clock.advance(3600)
        readings.append(
            cloud.node(node.node_id).reported["Temperature Sensor"]["Temperature"]
        )
    assert len(set(readings)) > 1
    base = node.sim["base"]
    assert all(abs(r - base) <= TemperatureSensor.amplitude + 0.05 for r in readings)
    assert all(math.isclose(r, round(r, 1)) for r in readings)


def test_raw_nodes_and_broken_configs(cloud: Cloud, owner: str) -> None:
    """Raw nodes publish what they are given; broken configs index to nothing."""
    node = cloud.add_node("raw", EMAIL, config=["not", "an", "object"])
    assert node.specs == {}
    assert node.check_write({"X": {"Y": 1}}) == "Invalid param 'Y' for device 'X'"
    assert index_specs(
        {"devices": [5, {"name": "D", "params": [5, {"name": "P"}]}], "services": "x"}
    ) == {("D", "P"): {"name": "P"}}
    with pytest.raises(TypeError, match="given"):
        KINDS["raw"].build("x", "y", cloud.rng)


def test_value_checks() -> None:
    """Bounds, array sizes and valid strings are enforced."""
    spec = {"data_type": "string", "properties": ["write"], "valid_strs": ["A"]}
    assert check_value("D", "P", spec, "B") == "Param 'P' must be one of A"
    assert check_value("D", "P", spec, "A") is None
    array = {"data_type": "array", "properties": ["write"], "bounds": {"max": 1}}
    assert check_value("D", "P", array, [1, 2]) == "Param 'P' holds at most 1 items"


def test_demo_seed(cloud: Cloud) -> None:
    """The demo account has two hubs, an outlet and one device of every other kind."""
    account = cloud.seed_demo()
    kinds = sorted(cloud.nodes[node_id].kind.kind for node_id in account.node_ids)
    assert kinds == sorted([*KINDS.keys() - {"raw", "plug", "socket"}, "thermacell"])
    assert cloud.seed_demo() is account  # seeding again reuses the account


def test_account_errors(cloud: Cloud) -> None:
    """Duplicates and unknown names are reported."""
    cloud.add_account(EMAIL, "x")
    with pytest.raises(ValueError, match="exists"):
        cloud.add_account(EMAIL.upper(), "x")
    with pytest.raises(KeyError):
        cloud.node("missing")
    with pytest.raises(KeyError):
        cloud.account("missing@example.com")


def test_command_line() -> None:
    """The CLI builds the cloud its flags describe."""
    args = parse_args(
        [
            "--demo",
            "--thermacell",
            "3",
            "--latency-ms",
            "50",
            "--apply-delay-ms",
            "100",
            "--page-size",
            "5",
            "--seed",
            "1",
        ]
    )
    cloud = build_cloud(args)
    assert len(cloud.accounts[DEMO_EMAIL].node_ids) == 19 + 3
    assert (cloud.latency, cloud.settings.apply_delay, cloud.page_size) == (
        0.05,
        0.1,
        5,
    )
    plain = build_cloud(
        parse_args(["--email", "me@example.com", "--password", "pw-12345678"])
    )
    assert list(plain.accounts) == ["me@example.com"]


def test_command_line_defaults_and_kinds() -> None:
    """Defaults: loopback, port 8089, 200 ms apply delay, pages of 10; one flag per kind."""
    args = parse_args([])
    assert (args.host, args.port) == ("127.0.0.1", 8089)
    cloud = build_cloud(args)
    assert (cloud.settings.apply_delay, cloud.page_size, cloud.latency) == (
        0.2,
        10,
        0.0,
    )
    args = parse_args(
        [
            "--host",
            "::1",
            "--lights",
            "2",
            "--switches",
            "3",
            "--fans",
            "1",
            "--sensors",
            "4",
        ]
    )
    assert args.host == "::1"
    cloud = build_cloud(args)
    types = sorted(
        cloud.node(node_id).config["devices"][0]["type"]
        for node_id in cloud.accounts[DEMO_EMAIL].node_ids
    )
    assert types == sorted(
        ["esp.device.lightbulb"] * 2
        + ["esp.device.switch"] * 3
        + ["esp.device.fan"]
        + ["esp.device.temperature-sensor"] * 4
    )


def test_raw_nodes_copy_what_they_are_given() -> None:
    """What a raw node is given is copied."""
    raw = RawDevice()
    config = {"node_id": "n1", "devices": []}
    built = raw.given(config, None)
    assert built.config == config
    assert built.config is not config
    assert built.params == {}
