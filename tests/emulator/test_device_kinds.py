"""The device kinds added to the standard ones: what they publish, the CLI flags, the demo."""

from collections import Counter
from typing import Any, NamedTuple

import pytest

from rainmaker_emulator import DEMO_EMAIL, KINDS, Cloud, EmulatorAdmin
from rainmaker_emulator.__main__ import build_cloud, parse_args
from rainmaker_emulator.seeding import LATER_KINDS, SEED_KINDS, cli_flag

from .conftest import EMAIL, PASSWORD

RW = ["read", "write"]
READ = ["read"]
SERIES = ["read", "time_series"]


class Spec(NamedTuple):
    """What the integration expects of one param (None: the config holds none)."""

    type: str
    data_type: str
    properties: list[str]
    bounds: dict[str, float] | None = None
    valid_strs: list[str] | None = None
    ui_type: str | None = None


POWER = Spec("esp.param.power", "bool", RW, ui_type="esp.ui.toggle")
VOLUME = Spec(
    "esp.param.volume",
    "int",
    RW,
    {"min": 0, "max": 100, "step": 1},
    ui_type="esp.ui.slider",
)
MUTE = Spec("esp.param.mute", "bool", RW)
THERMOSTAT_MODES = ["heat", "cool", "auto"]
AC_MODES = ["cool", "heat", "dry", "fan", "auto"]

# kind → (device name, device type, primary param, {param: spec})
CONTRACT: dict[str, tuple[str, str, str, dict[str, Spec]]] = {
    "thermostat": (
        "Thermostat",
        "esp.device.thermostat",
        "Power",
        {
            "Power": POWER,
            "Setpoint": Spec(
                "esp.param.setpoint-temperature",
                "float",
                RW,
                {"min": 5, "max": 35, "step": 0.5},
                ui_type="esp.ui.slider",
            ),
            "Temperature": Spec("esp.param.temperature", "float", SERIES),
            "Mode": Spec(
                "esp.param.ac-mode",
                "string",
                RW,
                valid_strs=THERMOSTAT_MODES,
                ui_type="esp.ui.dropdown",
            ),
        },
    ),
    "air-conditioner": (
        "Air Conditioner",
        "esp.device.air-conditioner",
        "Power",
        {
            "Power": POWER,
            "Setpoint": Spec(
                "esp.param.setpoint-temperature",
                "int",
                RW,
                {"min": 16, "max": 30, "step": 1},
            ),
            "Temperature": Spec("esp.param.temperature", "float", READ),
            "Mode": Spec("esp.param.ac-mode", "string", RW, valid_strs=AC_MODES),
            "Speed": Spec(
                "esp.param.speed",
                "int",
                RW,
                {"min": 1, "max": 5, "step": 1},
                ui_type="esp.ui.slider",
            ),
        },
    ),
    "blinds": (
        "Blinds",
        "esp.device.blinds-internal",
        "Position",
        {
            "Position": Spec(
                "esp.param.blinds-position",
                "int",
                RW,
                {"min": 0, "max": 100, "step": 1},
                ui_type="esp.ui.slider",
            )
        },
    ),
    "garage-door": (
        "Garage Door",
        "esp.device.garage-door",
        "Position",
        {
            "Position": Spec(
                "esp.param.garage-position",
                "int",
                RW,
                {"min": 0, "max": 100, "step": 1},
            )
        },
    ),
    "lock": (
        "Lock",
        "esp.device.lock",
        "Lock State",
        {
            "Lock State": Spec(
                "esp.param.lockstate",
                "string",
                RW,
                valid_strs=["Locked", "Unlocked", "Jammed"],
                ui_type="esp.ui.dropdown",
            )
        },
    ),
    "humidity-sensor": (
        "Humidity Sensor",
        "esp.device.humidity-sensor",
        "Humidity",
        {
            "Humidity": Spec("esp.param.humidity", "float", SERIES),
            "Temperature": Spec("esp.param.temperature", "float", READ),
        },
    ),
    "contact-sensor": (
        "Contact Sensor",
        "esp.device.contact-sensor",
        "Contact",
        {
            "Contact": Spec("esp.param.contact-detection-state", "bool", READ),
            "Battery": Spec("esp.param.battery", "int", READ, {"min": 0, "max": 100}),
        },
    ),
    "motion-sensor": (
        "Motion Sensor",
        "esp.device.motion-sensor",
        "Motion",
        {
            "Motion": Spec("esp.param.motion-detection-state", "bool", READ),
            "Illuminance": Spec("esp.param.illuminance", "float", READ),
        },
    ),
    "energy-meter": (
        "Smart Plug",
        "esp.device.outlet",
        "Power",
        {
            "Power": POWER,
            "Active Power": Spec("esp.param.active-power", "float", READ),
            "Energy": Spec("esp.param.energy", "float", READ),
            "Voltage": Spec("esp.param.voltage", "float", READ),
            "Current": Spec("esp.param.current", "float", READ),
        },
    ),
    "air-quality": (
        "Air Monitor",
        "esp.device.other",
        "CO2",
        {
            "CO2": Spec("esp.param.co2", "int", READ),
            "PM2.5": Spec("esp.param.pm2.5", "float", READ),
            "Pressure": Spec("esp.param.pressure", "float", READ),
            "Water Leak": Spec("esp.param.water-alarm", "bool", READ),
            "Smoke": Spec("esp.param.fire-alarm", "bool", READ),
            "CO Alarm": Spec("esp.param.carbon-monoxide-alarm", "bool", READ),
        },
    ),
    "speaker": (
        "Speaker",
        "esp.device.speaker",
        "Power",
        {"Power": POWER, "Volume": VOLUME, "Mute": MUTE},
    ),
    "tv": (
        "TV",
        "esp.device.tv",
        "Power",
        {
            "Power": POWER,
            "Volume": VOLUME,
            "Mute": MUTE,
            "Input": Spec("esp.param.input-selector", "string", RW),
        },
    ),
}

# The values a new node of each kind reports first (the ones that do not wander).
INITIAL: dict[str, dict[str, Any]] = {
    "thermostat": {
        "Power": False,
        "Setpoint": 21.0,
        "Temperature": 19.5,
        "Mode": "heat",
    },
    "air-conditioner": {
        "Power": False,
        "Setpoint": 24,
        "Temperature": 27.0,
        "Mode": "cool",
        "Speed": 3,
    },
    "blinds": {"Position": 0},
    "garage-door": {"Position": 0},
    "lock": {"Lock State": "Locked"},
    "contact-sensor": {"Battery": 87},
    "energy-meter": {"Power": True},
    "air-quality": {"Water Leak": False, "Smoke": False, "CO Alarm": False},
    "speaker": {"Power": False, "Mute": False},
    "tv": {"Power": False, "Mute": False, "Input": "HDMI 1"},
}


def test_every_new_kind_is_registered() -> None:
    """The kinds of the contract are the emulator's, and each is one seed count."""
    assert CONTRACT.keys() <= KINDS.keys()
    assert sorted(kind for kind, _label in LATER_KINDS.values()) == sorted(CONTRACT)


@pytest.mark.parametrize("kind", sorted(CONTRACT))
def test_published_config(cloud: Cloud, owner: str, kind: str) -> None:
    """Each kind publishes its device, Name and the params of the contract."""
    device, device_type, primary, specs = CONTRACT[kind]
    node = cloud.add_node(kind, EMAIL, name="Thing")
    (entry,) = node.config["devices"]
    assert (entry["name"], entry["type"], entry["primary"]) == (
        device,
        device_type,
        primary,
    )
    published = {spec["name"]: spec for spec in entry["params"]}
    assert published.pop("Name")["type"] == "esp.param.name"
    assert published.keys() == specs.keys()
    for name, expected in specs.items():
        spec = published[name]
        assert spec["type"] == expected.type, name
        assert spec["data_type"] == expected.data_type, name
        assert spec["properties"] == expected.properties, name
        assert spec.get("bounds") == expected.bounds, name
        assert spec.get("valid_strs") == expected.valid_strs, name
        if expected.ui_type is not None:
            assert spec["ui_type"] == expected.ui_type, name
    assert set(node.reported[device]) == {"Name"} | specs.keys()
    assert node.reported[device]["Name"] == "Thing"
    assert node.reported[device].items() >= INITIAL.get(kind, {}).items()
    assert [service["name"] for service in node.config["services"]] == [
        "OTA",
        "Time",
        "Schedule",
        "System",
    ]


def test_tv_input_is_free_text(cloud: Cloud, owner: str) -> None:
    """Any input name is accepted; volume stays within its bounds."""
    node = cloud.add_node("tv", EMAIL)
    assert node.check_write({"TV": {"Input": "Chromecast"}}) is None
    assert node.check_write({"TV": {"Volume": 101}}) is not None


def test_command_line_flags() -> None:
    """One flag per new kind seeds that many nodes of it, numbered when several."""
    flags = [cli_flag(count) for count in LATER_KINDS]
    assert flags == [
        "--thermostats",
        "--air-conditioners",
        "--blinds",
        "--garage-doors",
        "--locks",
        "--humidity-sensors",
        "--contact-sensors",
        "--motion-sensors",
        "--energy-meters",
        "--air-quality",
        "--speakers",
        "--tvs",
    ]
    argv = ["--seed", "3", "--lights", "1"]
    for number, flag in enumerate(flags, start=1):
        argv += [flag, str(number % 3 + 1)]
    cloud = build_cloud(parse_args(argv))
    nodes = [cloud.node(node_id) for node_id in cloud.accounts[DEMO_EMAIL].node_ids]
    counts = Counter(node.kind.kind for node in nodes)
    expected = {
        kind: number % 3 + 1
        for number, (kind, _label) in enumerate(LATER_KINDS.values(), start=1)
    }
    assert counts == expected | {"lightbulb": 1}
    names = {
        node.reported["Lock"]["Name"] for node in nodes if node.kind.kind == "lock"
    }
    assert names == {"Front Door Lock 1", "Front Door Lock 2", "Front Door Lock 3"}


def test_seed_refuses_unknown_counts(cloud: Cloud) -> None:
    """A misspelt count is an error, not silently nothing."""
    with pytest.raises(TypeError, match="unknown seed counts: lamps"):
        cloud.seed(EMAIL, PASSWORD, lamps=2)


async def test_admin_seed_takes_every_count(admin: EmulatorAdmin, cloud: Cloud) -> None:
    """The admin API's seed takes the new counts as well."""
    seeded = await admin.seed(EMAIL, PASSWORD, locks=2, tvs=1)
    kinds = sorted(cloud.nodes[node_id].kind.kind for node_id in seeded["nodes"])
    assert kinds == ["lock", "lock", "tv"]
    assert set(SEED_KINDS) >= {"locks", "tvs", "thermacell"}


def test_demo_has_one_of_each_new_kind_after_the_first_nodes() -> None:
    """The demo's first seven nodes keep their ids; the new kinds follow, with friendly names."""
    cloud = Cloud(seed=20261122)
    account = cloud.seed_demo()
    nodes = list(cloud.nodes.values())
    assert [node.node_id for node in nodes[:7]] == [
        "OyQNcdOyZbkBFTFoOxtzHq",
        "6svi34zWH8xMS9BMoXOJrL",
        "qQdgCWwDllJtWR6zqlIKiU",
        "fK2vuAiSDMK2xTY2xA6bzn",
        "gsXOhyl9F6sn23DSp8kVzj",
        "E1QufhQNB9reosfhypnXLD",
        "PLR347A7TPdoE2u6Qe1NBP",
    ]
    assert account.user_id == "3ceaaf30-8142-48ea-91d9-3080f9b439fc"
    later = {
        node.kind.kind: node.reported[CONTRACT[node.kind.kind][0]]["Name"]
        for node in nodes[7:]
    }
    assert later == {
        "thermostat": "Hallway Thermostat",
        "air-conditioner": "Bedroom AC",
        "blinds": "Living Room Blinds",
        "garage-door": "Garage Door",
        "lock": "Front Door Lock",
        "humidity-sensor": "Bathroom Humidity",
        "contact-sensor": "Back Door",
        "motion-sensor": "Hall Motion",
        "energy-meter": "Desk Plug",
        "air-quality": "Air Monitor",
        "speaker": "Kitchen Speaker",
        "tv": "Living Room TV",
    }
    assert len(account.node_ids) == 19
