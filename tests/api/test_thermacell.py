"""Thermacell specifics of the library: finding the hub, reading it, refusing hazardous writes."""

from typing import Any

import pytest

from custom_components.esp_rainmaker.api import (
    DeviceSpec,
    Node,
    NodeConfig,
    NodeInfo,
    ParamSpec,
    RainMakerValidationError,
)
from custom_components.esp_rainmaker.api.parser import parse_config
from custom_components.esp_rainmaker.api.thermacell import (
    Cartridge,
    SystemStatus,
    error_code,
    has_problem,
    hub_device,
    power_param,
    real_error_bits,
    refill_life,
    refuse_hazards,
    repellers_enabled,
    runtime_hours,
    system_status,
)


def hub_config(device: str = "LIV Hub", info_type: str = "thermacell-hub") -> Any:
    """A hub config with the LED params, under any device name."""
    return parse_config(
        {
            "node_id": "hub1",
            "info": {"name": "Hub", "fw_version": "5.4.7", "type": info_type},
            "devices": [
                {
                    "name": device,
                    "type": "esp.device.other",
                    "params": [
                        {
                            "name": name,
                            "data_type": "int",
                            "properties": ["read", "write"],
                        }
                        for name in ("LED Hue", "LED Saturation", "LED Brightness")
                    ],
                }
            ],
        }
    )


@pytest.mark.parametrize(
    ("device", "info_type"),
    [("LIV Hub", "other"), ("LIV Hub", "thermacell-hub"), ("Patio", "thermacell-hub")],
)
def test_led_saturation_is_refused_on_every_hub(device: str, info_type: str) -> None:
    """Found by its device name or its `thermacell-hub` info, a hub's saturation is never written."""
    config = hub_config(device, info_type)
    hub = hub_device(config)
    assert hub is not None
    assert hub.name == device
    with pytest.raises(RainMakerValidationError, match="LED Saturation"):
        refuse_hazards(config, device, ["LED Hue", "LED Saturation"])
    refuse_hazards(config, device, ["LED Hue", "LED Brightness"])


def test_other_nodes_may_write_saturation() -> None:
    """A node that is no hub, or another device of a hub, is not restricted."""
    lamp = hub_config("Lamp", "esp.device.lightbulb")
    assert hub_device(lamp) is None
    refuse_hazards(lamp, "Lamp", ["LED Saturation"])
    refuse_hazards(hub_config(), "Other", ["LED Saturation"])


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
        ParamSpec("System Runtime", "custom.param.runtime", "int", R),
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
    """System Status, else System State; a bool is no status."""
    assert system_status(hub({"System Status": 3})) is SystemStatus.PROTECTED
    assert system_status(hub({"System State": 2})) is SystemStatus.WARMING_UP
    assert system_status(hub({"System Status": True})) is None


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


def test_runtime_and_cartridges() -> None:
    """System Runtime counts tenths of an hour; cartridges are coded 0, 1 and 2."""
    assert runtime_hours(hub({"System Runtime": 125})) == 12.5
    assert runtime_hours(hub({"System Runtime": True})) is None
    assert [c.value for c in Cartridge] == [0, 1, 2]
