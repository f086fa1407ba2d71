"""Motorised covers: blinds and a garage door that travel to the position written."""

import math
import random
from typing import Any

from rainmaker_emulator.nodes import EmulatedNode

from .base import RW, Built, DeviceKind, bounds, param, standard_node

POSITION = "Position"
# Epoch seconds carry rounding errors of about 1e-7 s: a step counts once it is
# within a thousandth of a step of done.
EPSILON = 1e-3


class MotorisedCover(DeviceKind):
    """A cover whose motor moves `Position` (0-100 %) toward the written target.

    A write sets the target; the reported position then steps one percent at a time
    at `speed` percent per second and stops at the target. A new target takes over
    from wherever the cover is. The motion lives in the node's `sim`: `origin`,
    `target` and `since` (None while the cover stands still).
    """

    device_type = ""
    position_type = ""
    model = ""
    speed = 10.0

    def build(self, node_id: str, name: str, rng: random.Random) -> Built:
        """Build a closed cover."""
        built = standard_node(
            node_id,
            name,
            rng,
            device_name=self.device_name,
            device_type=self.device_type,
            info_type=self.device_name,
            model=self.model,
            primary=POSITION,
            device_params=[
                param(
                    POSITION,
                    self.position_type,
                    "int",
                    RW,
                    bounds=bounds(0, 100, 1),
                    ui_type="esp.ui.slider",
                ),
            ],
            values={POSITION: 0},
        )
        built.sim.update(origin=0, target=0, since=None)
        return built

    def apply(
        self, node: EmulatedNode, device: str, params: dict[str, Any], now: float
    ) -> None:
        """Start moving toward a written position; report anything else at once."""
        if device != self.device_name or POSITION not in params:
            super().apply(node, device, params, now)
            return
        where = node.reported[device].get(POSITION)
        # A position the admin API overwrote with junk: the motor starts from closed.
        origin = where if isinstance(where, int) and not isinstance(where, bool) else 0
        node.sim.update(origin=origin, target=params[POSITION], since=now)
        rest = {name: value for name, value in params.items() if name != POSITION}
        super().apply(node, device, rest, now)

    def simulate(self, node: EmulatedNode, start: float, end: float) -> None:
        """Report where the moving cover is at `end`; stop it at its target."""
        since = node.sim.get("since")
        if since is None:
            return
        origin, target = node.sim["origin"], node.sim["target"]
        steps = math.floor((end - since) * self.speed + EPSILON)
        moved = min(abs(target - origin), steps)
        node.reported[self.device_name][POSITION] = origin + int(
            math.copysign(moved, target - origin)
        )
        if moved == abs(target - origin):
            node.sim["since"] = None


class Blinds(MotorisedCover):
    """Internal blinds: 0 % closed, 100 % open, 10 % a second."""

    kind = "blinds"
    device_name = "Blinds"
    device_type = "esp.device.blinds-internal"
    position_type = "esp.param.blinds-position"
    model = "blinds"
    speed = 10.0


class GarageDoor(MotorisedCover):
    """A garage door: 0 % closed, 100 % open, 5 % a second."""

    kind = "garage-door"
    device_name = "Garage Door"
    device_type = "esp.device.garage-door"
    position_type = "esp.param.garage-position"
    model = "garage-door"
    speed = 5.0
