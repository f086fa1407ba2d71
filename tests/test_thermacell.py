"""Reading Thermacell hubs: status, problems, refill, power parameter discovery."""

from custom_components.esp_rainmaker.api import (
    DeviceSpec,
    Node,
    NodeConfig,
    NodeInfo,
    ParamSpec,
)
from custom_components.esp_rainmaker.api.thermacell import (
    Cartridge,
    SystemStatus,
    hub_device,
    power_param,
    real_error_bits,
)
from custom_components.esp_rainmaker.thermacell import (
    error_code,
    has_problem,
    refill_life,
    repellers_enabled,
    status_option,
    system_status,
)

RW = frozenset({"read", "write"})
R = frozenset({"read"})


def hub(
    values: dict[str, object],
    *,
    device: str = "LIV Hub",
    info_type: str | None = None,
    power: ParamSpec | None = None,
) -> Node:
    """A hub node with the given values."""
    params = [
        power or ParamSpec("Enable Repellers", "esp.param.power", "bool", RW),
        ParamSpec("System Status", "custom.param.status", "int", R),
        ParamSpec("System State", "custom.param.state", "int", R),
        ParamSpec("Error", "custom.param.error", "int", R),
        ParamSpec("Refill Life", "custom.param.refill-life", "float", R),
    ]
    spec = DeviceSpec(name=device, type="esp.device.other", params=tuple(params))
    config = NodeConfig(info=NodeInfo(type=info_type), devices=(spec,))
    row = tuple(values.get(p.name) for p in params)
    return Node("hub", config, (row,))


def test_hub_detection() -> None:
    """A hub is found by its device name or by the info type."""
    assert hub_device(hub({}).config) is not None
    assert hub_device(hub({}, device="Other").config) is None
    renamed = hub({}, device="Hub", info_type="thermacell-hub")
    assert hub_device(renamed.config) is renamed.config.devices[0]


def test_power_param_discovery() -> None:
    """The writable esp.param.power wins; older firmware's Enable Repellers is the fallback."""
    modern = hub(
        {}, power=ParamSpec("Power", "esp.param.power", "bool", RW)
    ).config.devices[0]
    assert power_param(modern) is not None
    assert power_param(modern).name == "Power"  # type: ignore[union-attr]
    legacy = hub(
        {}, power=ParamSpec("Enable Repellers", "custom.param.enable", "bool", RW)
    ).config.devices[0]
    assert power_param(legacy).name == "Enable Repellers"  # type: ignore[union-attr]
    read_only = hub(
        {}, power=ParamSpec("Enable Repellers", "custom.param.enable", "bool", R)
    ).config.devices[0]
    assert power_param(read_only) is None


def test_status() -> None:
    """System Status, else System State; the error option wins over the status."""
    assert system_status(hub({"System Status": 3})) is SystemStatus.PROTECTED
    assert system_status(hub({"System State": 2})) is SystemStatus.WARMING_UP
    assert system_status(hub({"System Status": True})) is None
    assert status_option(hub({"System Status": 1, "Error": 0x01000048})) == "off"
    assert status_option(hub({"System Status": 3, "Error": 0x100})) == "error"
    assert status_option(hub({})) is None


def test_problem_and_error_code() -> None:
    """Only non-benign bits are a problem."""
    assert real_error_bits(0x01000048) == 0
    assert has_problem(hub({"Error": 0x01000040})) is False
    assert has_problem(hub({"Error": 0x2})) is True
    assert has_problem(hub({})) is None
    assert error_code(hub({"Error": 5})) == 5


def test_refill_and_power() -> None:
    """Refill is clamped, -1 means no cartridge; power reads the writable switch."""
    assert refill_life(hub({"Refill Life": 101})) == 100.0
    assert refill_life(hub({"Refill Life": -1})) is None
    assert refill_life(hub({"Refill Life": False})) is None
    assert repellers_enabled(hub({"Enable Repellers": True})) is True
    assert (
        repellers_enabled(hub({}, power=ParamSpec("Enable Repellers", "x", "bool", R)))
        is None
    )
    assert repellers_enabled(hub({}, device="Other")) is None


def test_cartridges() -> None:
    """Cartridge codes and their hours."""
    assert [(c.value, c.hours) for c in Cartridge] == [(0, 40), (1, 100), (2, 180)]
