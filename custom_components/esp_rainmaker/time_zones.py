"""Nodes whose clock runs in another time zone than Home Assistant's.

Schedules and timers run on the device, in the device's time zone (`esp.param.tz`
of its Time service). When a node's zone differs from Home Assistant's, one
repair issue per account names the nodes; its fix writes Home Assistant's zone
(and the POSIX rule, where a node has `esp.param.tz_posix`) to all of them in one
bulk write.
"""

from collections.abc import Iterator, Mapping

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import issue_registry as ir

from .api import DeviceSpec, Node, ParamSpec, vocabulary as v
from .const import DOMAIN

ISSUE_TIME_ZONE = "time_zone"
MAX_NAMED = 5

# A node's Time service, its TZ param and its TZ-POSIX param (if writable).
type TimeParams = tuple[DeviceSpec, ParamSpec, ParamSpec | None]


def time_params(node: Node) -> TimeParams | None:
    """Return the node's Time service, its writable TZ and its TZ-POSIX params."""
    service = node.config.service_of_type(v.SERVICE_TIME)
    if service is None:
        return None
    zone = next(service.params_of_type(v.PARAM_TZ), None)
    if zone is None or not zone.writable or zone.data_type != v.DATA_TYPE_STRING:
        return None
    posix = next(service.params_of_type(v.PARAM_TZ_POSIX), None)
    if posix is not None and (
        not posix.writable or posix.data_type != v.DATA_TYPE_STRING
    ):
        posix = None
    return service, zone, posix


def other_zone_nodes(
    nodes: Mapping[str, Node], zone: str
) -> Iterator[tuple[Node, TimeParams]]:
    """Yield the nodes that report a time zone other than `zone`, with their Time params."""
    for node in nodes.values():
        if (found := time_params(node)) is None:
            continue
        reported = node.get(found[0].name, found[1].name)
        if isinstance(reported, str) and reported.strip() and reported != zone:
            yield node, found


class TimeZoneIssues:
    """Keep one repair issue per account while some node is in another time zone."""

    def __init__(self, hass: HomeAssistant, entry: ConfigEntry) -> None:
        """Watch the nodes of one account."""
        self._hass = hass
        self._entry = entry
        self._raised: frozenset[str] = frozenset()

    @property
    def issue_id(self) -> str:
        """The repair issue of this account."""
        return f"{ISSUE_TIME_ZONE}_{self._entry.entry_id}"

    @callback
    def check(self, reported: Mapping[str, Node], now: float) -> None:
        """Raise, update or clear the issue after a fetch."""
        zone = self._hass.config.time_zone
        nodes = sorted(
            (node for node, _ in other_zone_nodes(reported, zone)),
            key=lambda node: node.name,
        )
        node_ids = frozenset(node.node_id for node in nodes)
        if node_ids == self._raised:
            return
        self._raised = node_ids
        if not nodes:
            ir.async_delete_issue(self._hass, DOMAIN, self.issue_id)
            return
        names = ", ".join(node.name for node in nodes[:MAX_NAMED])
        if len(nodes) > MAX_NAMED:
            names += f" (+{len(nodes) - MAX_NAMED})"
        ir.async_create_issue(
            self._hass,
            DOMAIN,
            self.issue_id,
            is_fixable=True,
            severity=ir.IssueSeverity.WARNING,
            translation_key=ISSUE_TIME_ZONE,
            translation_placeholders={"nodes": names, "zone": zone},
            data={"entry_id": self._entry.entry_id, "kind": ISSUE_TIME_ZONE},
        )

    @callback
    def clear(self) -> None:
        """Forget the issue when the entry unloads (it is raised again on load)."""
        ir.async_delete_issue(self._hass, DOMAIN, self.issue_id)
        self._raised = frozenset()
