"""Media devices: a speaker, and a TV that also switches inputs."""

import random
from typing import Any

from .base import RW, Built, DeviceKind, bounds, param, power_param, standard_node


def volume_params() -> list[dict[str, Any]]:
    """Return the Volume slider and the Mute toggle media devices share."""
    return [
        param(
            "Volume",
            "esp.param.volume",
            "int",
            RW,
            bounds=bounds(0, 100, 1),
            ui_type="esp.ui.slider",
        ),
        param("Mute", "esp.param.mute", "bool", RW, ui_type="esp.ui.toggle"),
    ]


class Speaker(DeviceKind):
    """A speaker: power, volume and mute, reported as written."""

    kind = "speaker"
    device_name = "Speaker"

    def build(self, node_id: str, name: str, rng: random.Random) -> Built:
        """Build a speaker node."""
        return standard_node(
            node_id,
            name,
            rng,
            device_name=self.device_name,
            device_type="esp.device.speaker",
            info_type="Speaker",
            model="speaker",
            primary="Power",
            device_params=[power_param(), *volume_params()],
            values={"Power": False, "Volume": 30, "Mute": False},
        )


class Television(DeviceKind):
    """A TV: power, volume, mute and a free-text input (no list of valid inputs)."""

    kind = "tv"
    device_name = "TV"

    def build(self, node_id: str, name: str, rng: random.Random) -> Built:
        """Build a TV node."""
        return standard_node(
            node_id,
            name,
            rng,
            device_name=self.device_name,
            device_type="esp.device.tv",
            info_type="TV",
            model="tv",
            primary="Power",
            device_params=[
                power_param(),
                *volume_params(),
                param("Input", "esp.param.input-selector", "string", RW),
            ],
            values={"Power": False, "Volume": 20, "Mute": False, "Input": "HDMI 1"},
        )
