"""Thermacell LIV hubs in Home Assistant: the cartridge each holds, and hubs that will not stop.

Real hubs sometimes acknowledge the off command but keep warming up or protecting
(thermacell_liv #30, https://github.com/joyfulhouse/thermacell_liv/issues/30). A
hub still running when the confirmation time is over gets a repair issue, which
goes away once the hub reports it stopped. Hubs turned off elsewhere (the app, a
button) are watched from the first report that shows them off but running.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import issue_registry as ir

from .api import Node
from .api.thermacell import (
    RUNNING,
    Cartridge,
    off_but_running,
    repellers_enabled,
    system_status,
)
from .const import CONFIRM_TIMEOUT, DOMAIN

ISSUE_SHUTDOWN = "shutdown_unconfirmed"


@dataclass(slots=True)
class _Watch:
    deadline: float
    raised: bool = False


class ShutdownMonitor:
    """After a hub is turned off, check that it stops; raise a repair issue if not."""

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

    @callback
    def check(self, reported: Mapping[str, Node], now: float) -> None:
        """Compare the watched hubs' reported state with what they were told.

        Called with what the cloud reported, after every fetch.
        """
        for node_id, node in reported.items():
            if node_id not in self._watches and off_but_running(node):
                self.watch(node_id, now + CONFIRM_TIMEOUT)
        for node_id, watch in list(self._watches.items()):
            hub = reported.get(node_id)
            if hub is None or system_status(hub) not in RUNNING:
                self.cancel(node_id)  # stopped (or gone): all is well
                continue
            if now < watch.deadline:
                continue  # the device may still be applying the command
            if repellers_enabled(hub):
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
                    translation_placeholders={"name": hub.name},
                    data={"entry_id": self._entry.entry_id, "node_id": node_id},
                )

    def clear(self) -> None:
        """Forget every watch and its issue (the entry is unloading)."""
        for node_id in list(self._watches):
            self.cancel(node_id)


@dataclass(slots=True)
class ThermacellHubs:
    """What Home Assistant keeps about the account's hubs."""

    shutdowns: ShutdownMonitor
    # The cartridge each hub holds (hubs do not report it): chosen by the user.
    cartridges: dict[str, Cartridge] = field(default_factory=dict)
