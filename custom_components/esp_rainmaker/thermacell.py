"""Thermacell LIV hubs: reading their state, and verifying that a hub really stopped."""

from collections.abc import Mapping
from dataclasses import dataclass

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant
from homeassistant.helpers import issue_registry as ir

from .api import Node
from .api.thermacell import (
    HUB_DEVICE,
    NO_CARTRIDGE,
    PARAM_ERROR,
    PARAM_REFILL_LIFE,
    PARAM_STATE,
    PARAM_STATUS,
    SystemStatus,
    hub_device,
    power_param,
    real_error_bits,
)
from .const import CONFIRM_TIMEOUT, DOMAIN

STATUS_OFF = "off"
STATUS_WARMING_UP = "warming_up"
STATUS_PROTECTED = "protected"
STATUS_ERROR = "error"
STATUS_OPTIONS = [STATUS_OFF, STATUS_WARMING_UP, STATUS_PROTECTED, STATUS_ERROR]
_STATUS_NAMES = {
    SystemStatus.OFF: STATUS_OFF,
    SystemStatus.WARMING_UP: STATUS_WARMING_UP,
    SystemStatus.PROTECTED: STATUS_PROTECTED,
}
RUNNING = frozenset({SystemStatus.WARMING_UP, SystemStatus.PROTECTED})
ISSUE_SHUTDOWN = "shutdown_unconfirmed"


def hub_name(node: Node) -> str | None:
    """Return the name of the node's LIV Hub device, if the node is a hub."""
    device = hub_device(node.config)
    return device.name if device is not None else None


def _int(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def system_status(node: Node) -> SystemStatus | None:
    """Return `System Status` (or `System State` on firmware that only has that)."""
    device = hub_name(node) or HUB_DEVICE
    for param in (PARAM_STATUS, PARAM_STATE):
        value = _int(node.get(device, param))
        if value is not None and value in SystemStatus._value2member_map_:
            return SystemStatus(value)
    return None


def error_code(node: Node) -> int | None:
    """Return the raw `Error` bitfield."""
    return _int(node.get(hub_name(node) or HUB_DEVICE, PARAM_ERROR))


def has_problem(node: Node) -> bool | None:
    """Tell whether error bits other than the benign ones are set."""
    error = error_code(node)
    return None if error is None else real_error_bits(error) != 0


def status_option(node: Node) -> str | None:
    """Return the hub state as an option of the status sensor."""
    if has_problem(node):
        return STATUS_ERROR
    status = system_status(node)
    return _STATUS_NAMES[status] if status is not None else None


def refill_life(node: Node) -> float | None:
    """Return the remaining refill in %, None without a cartridge (-1)."""
    value = node.get(hub_name(node) or HUB_DEVICE, PARAM_REFILL_LIFE)
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float)
        or value == NO_CARTRIDGE
    ):
        return None
    return max(0.0, min(100.0, float(value)))


def repellers_enabled(node: Node) -> bool | None:
    """Return the writable power switch of the hub."""
    device = hub_device(node.config)
    param = power_param(device) if device is not None else None
    if device is None or param is None:
        return None
    value = node.get(device.name, param.name)
    return value if isinstance(value, bool) else None


def _off_but_running(node: Node) -> bool:
    """Return True for a hub that reports its repellers off and is still running."""
    return repellers_enabled(node) is False and system_status(node) in RUNNING


@dataclass(slots=True)
class _Watch:
    deadline: float
    raised: bool = False


class ShutdownMonitor:
    """After a hub is turned off, check that it stops; raise a repair issue if not.

    Real hubs sometimes acknowledge the off command but keep warming up or
    protecting (thermacell_liv #30). A hub still running when the confirmation time
    is over gets a repair issue, which goes away once the hub reports it stopped.
    Hubs turned off elsewhere (the app, a button) are watched from the first poll
    that shows them off but running.
    """

    def __init__(self, hass: HomeAssistant, entry: ConfigEntry) -> None:
        """Watch the hubs of one account."""
        self._hass = hass
        self._entry = entry
        self._watches: dict[str, _Watch] = {}

    def watch(self, node_id: str, deadline: float) -> None:
        """Start checking that a hub stops by `deadline` (monotonic seconds)."""
        previous = self._watches.get(node_id)
        self._watches[node_id] = _Watch(
            deadline, raised=previous.raised if previous else False
        )

    def cancel(self, node_id: str) -> None:
        """Stop watching a hub that was turned back on."""
        if (watch := self._watches.pop(node_id, None)) is not None and watch.raised:
            ir.async_delete_issue(self._hass, DOMAIN, self.issue_id(node_id))

    def issue_id(self, node_id: str) -> str:
        """Return the repair issue id for a hub of this entry."""
        return f"{ISSUE_SHUTDOWN}_{self._entry.entry_id}_{node_id}"

    def check(self, nodes: Mapping[str, Node], now: float) -> None:
        """Compare the watched hubs' reported state with what they were told."""
        for node_id, hub in nodes.items():
            if node_id not in self._watches and _off_but_running(hub):
                self.watch(node_id, now + CONFIRM_TIMEOUT)
        for node_id, watch in list(self._watches.items()):
            node = nodes.get(node_id)
            status = system_status(node) if node is not None else None
            if node is None or status not in RUNNING:
                self.cancel(node_id)  # stopped (or gone): all is well
                continue
            if now < watch.deadline:
                continue  # the device may still be applying the command
            if repellers_enabled(node):
                self.cancel(node_id)  # turned back on elsewhere
                continue
            if not watch.raised:
                watch.raised = True
                ir.async_create_issue(
                    self._hass,
                    DOMAIN,
                    self.issue_id(node_id),
                    is_fixable=True,
                    is_persistent=False,
                    severity=ir.IssueSeverity.WARNING,
                    translation_key=ISSUE_SHUTDOWN,
                    translation_placeholders={"name": node.name},
                    data={"entry_id": self._entry.entry_id, "node_id": node_id},
                )

    def clear(self) -> None:
        """Forget every watch and its issue (the entry is unloading)."""
        for node_id in list(self._watches):
            self.cancel(node_id)
