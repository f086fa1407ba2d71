"""Thermacell specifics of the library: finding the hub and refusing hazardous writes."""

from typing import Any

import pytest

from custom_components.esp_rainmaker.api import RainMakerValidationError
from custom_components.esp_rainmaker.api.parser import parse_config
from custom_components.esp_rainmaker.api.thermacell import hub_device, refuse_hazards


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
