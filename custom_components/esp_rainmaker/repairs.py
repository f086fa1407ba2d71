"""Repair flows: a hub that kept running, nodes that keep time in another zone.

A Thermacell hub that kept running after it was turned off is rebooted; nodes
whose clocks run in another time zone than Home Assistant's get its zone.
"""

import asyncio
from typing import Any

from homeassistant.components.repairs import RepairsFlow
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError

from .api.timezones import posix_rule
from .compat import RepairsFlowResult, vol
from .const import DOMAIN
from .mapping import reboot_param
from .time_zones import ISSUE_TIME_ZONE, other_zone_nodes


class ConfirmRepairFlow(RepairsFlow):
    """A fix that asks for a confirmation first (the step `confirm`)."""

    async def async_step_init(
        self, user_input: dict[str, str] | None = None
    ) -> RepairsFlowResult:
        """Start with the confirmation."""
        return await self.async_step_confirm()

    async def async_step_confirm(
        self, user_input: dict[str, str] | None = None
    ) -> RepairsFlowResult:
        """Carry the fix out once the user confirms."""
        raise NotImplementedError


class RebootHubRepairFlow(ConfirmRepairFlow):
    """Offer to reboot the hub, the known remedy for a hub stuck running."""

    def __init__(self, entry_id: str, node_id: str) -> None:
        """Fix the issue of one hub of one entry."""
        self._entry_id = entry_id
        self._node_id = node_id

    async def async_step_confirm(
        self, user_input: dict[str, str] | None = None
    ) -> RepairsFlowResult:
        """Reboot the hub when the user confirms."""
        if user_input is not None:
            entry = self.hass.config_entries.async_get_entry(self._entry_id)
            runtime = getattr(entry, "runtime_data", None) if entry else None
            coordinator = runtime.coordinator if runtime is not None else None
            node = coordinator.data.get(self._node_id) if coordinator else None
            reboot = reboot_param(node) if node is not None else None
            if coordinator is None or reboot is None:
                return self.async_abort(reason="hub_unavailable")
            service, param = reboot
            try:
                await coordinator.async_send(
                    self._node_id, service.name, {param.name: True}, optimistic=False
                )
            except HomeAssistantError:
                return self.async_show_form(
                    step_id="confirm",
                    data_schema=vol.Schema({}),
                    errors={"base": "reboot_failed"},
                )
            return self.async_create_entry(data={})
        return self.async_show_form(step_id="confirm", data_schema=vol.Schema({}))


class TimeZoneRepairFlow(ConfirmRepairFlow):
    """Offer to set Home Assistant's time zone on the nodes that run in another."""

    def __init__(self, entry_id: str) -> None:
        """Fix the issue of one entry."""
        self._entry_id = entry_id

    async def async_step_confirm(
        self, user_input: dict[str, str] | None = None
    ) -> RepairsFlowResult:
        """Write the zone to every node in another, in one bulk write."""
        if user_input is None:
            return self.async_show_form(step_id="confirm", data_schema=vol.Schema({}))
        entry = self.hass.config_entries.async_get_entry(self._entry_id)
        runtime = getattr(entry, "runtime_data", None) if entry else None
        if runtime is None:
            return self.async_abort(reason="account_unavailable")
        coordinator = runtime.coordinator
        zone = self.hass.config.time_zone
        rule = await self.hass.async_add_executor_job(posix_rule, zone)
        writes = []
        for node, (service, tz_param, posix_param) in other_zone_nodes(
            coordinator.data, zone
        ):
            params = {tz_param.name: zone}
            if posix_param is not None and rule is not None:
                params[posix_param.name] = rule
            writes.append(coordinator.async_send(node.node_id, service.name, params))
        try:
            await asyncio.gather(*writes)
        except HomeAssistantError:
            return self.async_show_form(
                step_id="confirm",
                data_schema=vol.Schema({}),
                errors={"base": "time_zone_failed"},
            )
        return self.async_create_entry(data={})


async def async_create_fix_flow(
    hass: HomeAssistant, issue_id: str, data: dict[str, Any] | None
) -> RepairsFlow:
    """Create the flow for a time zone or a shutdown issue."""
    data = data or {}
    if data.get("kind") == ISSUE_TIME_ZONE:
        return TimeZoneRepairFlow(str(data.get("entry_id", "")))
    return RebootHubRepairFlow(
        str(data.get("entry_id", "")), str(data.get("node_id", ""))
    )


__all__ = ["DOMAIN", "async_create_fix_flow"]
