"""Models: value coercion, write validation and node accessors."""

import pytest

from custom_components.esp_rainmaker.api import (
    Bounds,
    DeviceSpec,
    Node,
    NodeConfig,
    NodeInfo,
    ParamSpec,
    RainMakerValidationError,
)

RW = frozenset({"read", "write"})


def spec(name: str, data_type: str, **extra: object) -> ParamSpec:
    """Build a read/write param."""
    return ParamSpec(
        name=name,
        type=f"esp.param.{name.lower()}",
        data_type=data_type,
        properties=extra.pop("properties", RW),
        **extra,
    )  # type: ignore[arg-type]


def node(values: tuple[object, ...] = ("Lamp", True, 40)) -> Node:
    """A node with one light device and a Time service."""
    light = DeviceSpec(
        name="Light",
        type="esp.device.lightbulb",
        params=(
            ParamSpec("Name", "esp.param.name", "string", RW),
            spec("Power", "bool"),
            spec("Brightness", "int", bounds=Bounds(0, 100, 1)),
        ),
    )
    time = DeviceSpec(
        name="Time",
        type="esp.service.time",
        params=(spec("TZ", "string"),),
        is_service=True,
    )
    config = NodeConfig(
        info=NodeInfo(name="Generic"), devices=(light,), services=(time,)
    )
    return Node(node_id="n1", config=config, values=(values, ("UTC",)))


@pytest.mark.parametrize(
    ("data_type", "raw", "expected"),
    [
        ("bool", True, True),
        ("bool", 1, None),
        ("int", 5, 5),
        ("int", 5.0, 5),
        ("int", 5.5, None),
        ("int", True, None),
        ("float", 3, 3),
        ("float", float("nan"), None),
        ("float", "3", None),
        ("string", "x", "x"),
        ("string", 1, None),
        ("object", {}, {}),
        ("object", [], None),
        ("array", [], ()),
        ("array", [1, [2]], (1, [2])),
        ("array", {}, None),
        ("custom", "anything", "anything"),
    ],
)
def test_coerce(data_type: str, raw: object, expected: object) -> None:
    """Reported values of the wrong type become unknown."""
    assert spec("P", data_type).coerce(raw) == expected


def test_validate() -> None:
    """Values are normalised or refused with a message."""
    assert spec("F", "float").validate(2) == 2.0
    assert spec("A", "array").validate((1, 2)) == [1, 2]
    assert spec("N", "int", bounds=Bounds(min=0)).validate(5) == 5
    with pytest.raises(RainMakerValidationError, match="out of bounds"):
        spec("N", "int", bounds=Bounds(min=0)).validate(-5)
    with pytest.raises(RainMakerValidationError, match="read-only"):
        spec("R", "int", properties=frozenset({"read"})).validate(1)
    assert (
        spec("S", "string", bounds=Bounds(max=3)).validate("long string")
        == "long string"
    )


def test_spec_flags() -> None:
    """Readable, writable, hidden and numeric describe the metadata."""
    hidden = spec("H", "int", ui_type="esp.ui.hidden", properties=frozenset({"write"}))
    assert (hidden.readable, hidden.writable, hidden.hidden, hidden.numeric) == (
        False,
        True,
        True,
        True,
    )


@pytest.mark.parametrize(
    ("name", "param_type", "secret"),
    [
        ("POP", "esp.param.local_control_pop", True),
        ("UserToken", "esp.param.user-token", True),
        ("Token", "esp.param.refresh-token", True),
        ("ActiveDataset", "esp.param.tbr-active-dataset", True),
        ("URL", "esp.param.ota_url", True),
        ("Wi-Fi Password", "custom.param.string", True),
        ("api_key", "custom.param.string", True),
        ("Network-Key", "custom.param.string", True),
        ("pop", "", True),
        ("Client Secret", "", True),
        ("Name", "esp.param.name", False),
        ("Type", "esp.param.local_control_type", False),
        ("BaseURL", "esp.param.base-url", False),
        ("Keypad", "custom.param.string", False),
        ("Population", "custom.param.int", False),
        ("Hotkey", "custom.param.string", False),
    ],
)
def test_secret_params(name: str, param_type: str, secret: bool) -> None:
    """Credentials are recognised by type, and by name where the type is custom."""
    param = ParamSpec(name, param_type, "string", frozenset({"read"}))
    assert param.secret is secret


def test_node_accessors() -> None:
    """Values are found by device and param name."""
    lamp = node()
    assert lamp.get("Light", "Brightness") == 40
    assert lamp.get("Light", "Nope") is None
    assert lamp.get("Nope", "Power") is None
    assert lamp.params("Light") == {"Name": "Lamp", "Power": True, "Brightness": 40}
    assert lamp.params("Nope") == {}
    assert lamp.all_params() == {
        "Light": {"Name": "Lamp", "Power": True, "Brightness": 40},
        "Time": {"TZ": "UTC"},
    }
    assert lamp.name == "Lamp"
    assert lamp.config.service_of_type("esp.service.time") is not None
    assert lamp.config.device("Light") is not None
    assert lamp.config.device("Light").attribute("Serial Number") is None  # type: ignore[union-attr]


def test_node_name_falls_back() -> None:
    """Without a name value the info name, then the id, names the node."""
    assert node((" ", True, 1)).name == "Generic"
    unnamed = node((None, True, 1))
    bare = Node("n2", NodeConfig(info=NodeInfo(), devices=()), ())
    assert unnamed.name == "Generic"
    assert bare.name == "n2"


def test_with_values_is_a_copy() -> None:
    """Overlaying values leaves the original untouched and ignores unknown keys."""
    lamp = node()
    brighter = lamp.with_values(
        {("Light", "Brightness"): 90, ("Light", "Nope"): 1, ("Nope", "X"): 1}
    )
    assert brighter.get("Light", "Brightness") == 90
    assert lamp.get("Light", "Brightness") == 40
    assert brighter != lamp
    assert brighter.with_values({("Light", "Brightness"): 40}) == lamp


def test_validate_write() -> None:
    """A whole write is checked against the device's metadata."""
    config = node().config
    assert config.validate_write("Light", {"Brightness": 10, "Power": False}) == {
        "Brightness": 10,
        "Power": False,
    }
    with pytest.raises(RainMakerValidationError):
        config.validate_write("Light", {"Brightness": 1000})
