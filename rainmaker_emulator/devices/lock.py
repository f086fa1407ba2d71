"""A door lock whose bolt takes a moment to move, and can jam."""

import random
from typing import Any

from rainmaker_emulator.nodes import EmulatedNode

from .base import RW, Built, DeviceKind, param, standard_node

LOCK_STATE = "Lock State"
LOCKED, UNLOCKED, JAMMED = "Locked", "Unlocked", "Jammed"
BOLT_SECONDS = 2.0


class Lock(DeviceKind):
    """A door lock: `Lock State` is Locked, Unlocked or Jammed.

    A written Locked or Unlocked is reported once the bolt has moved, `BOLT_SECONDS`
    after the write reached the device; until then the old state stays reported.
    Only the lock itself reports Jammed: a write of it is refused. `jam` (the admin
    API's jam control) makes the next move that ends (the one under way, if any)
    end Jammed; the move after that succeeds again. The node's `sim` holds the
    move under way (`bolt_due`, `bolt_target`) and `jam_next`.
    """

    kind = "lock"
    device_name = "Lock"

    def build(self, node_id: str, name: str, rng: random.Random) -> Built:
        """Build a locked lock."""
        built = standard_node(
            node_id,
            name,
            rng,
            device_name=self.device_name,
            device_type="esp.device.lock",
            info_type="Lock",
            model="lock",
            primary=LOCK_STATE,
            device_params=[
                param(
                    LOCK_STATE,
                    "esp.param.lockstate",
                    "string",
                    RW,
                    ui_type="esp.ui.dropdown",
                    valid_strs=[LOCKED, UNLOCKED, JAMMED],
                ),
            ],
            values={LOCK_STATE: LOCKED},
        )
        built.sim.update(bolt_due=None, bolt_target=None, jam_next=False)
        return built

    def refuse(self, device: str, params: dict[str, Any]) -> str | None:
        """Refuse to be told it is jammed: only the lock reports that."""
        if device == self.device_name and params.get(LOCK_STATE) == JAMMED:
            return f"{LOCK_STATE} cannot be set to {JAMMED}: only the lock reports it"
        return None

    def jam(self, node: EmulatedNode, jammed: bool = True) -> None:
        """Make the next move end Jammed (or, with `jammed` False, succeed again)."""
        node.sim["jam_next"] = jammed

    def apply(
        self, node: EmulatedNode, device: str, params: dict[str, Any], now: float
    ) -> None:
        """Start moving the bolt for a written state; report anything else at once."""
        if device != self.device_name or LOCK_STATE not in params:
            super().apply(node, device, params, now)
            return
        node.sim.update(bolt_due=now + BOLT_SECONDS, bolt_target=params[LOCK_STATE])
        rest = {name: value for name, value in params.items() if name != LOCK_STATE}
        super().apply(node, device, rest, now)

    def next_event(self, node: EmulatedNode) -> float | None:
        """Return when the bolt finishes moving."""
        due = node.sim.get("bolt_due")
        return float(due) if due is not None else None

    def fire_event(self, node: EmulatedNode, now: float) -> None:
        """Finish the move: report where the bolt went, or that it jammed."""
        jammed = node.sim.get("jam_next") is True
        state = JAMMED if jammed else node.sim["bolt_target"]
        node.reported[self.device_name][LOCK_STATE] = state
        node.sim.update(bolt_due=None, bolt_target=None, jam_next=False)
