"""Repair flow: reboot a Thermacell hub that kept running after it was turned off."""

from typing import Any

from homeassistant.components.repairs import RepairsFlow
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError

from .compat import RepairsFlowResult, vol
from .const import DOMAIN
from .mapping import reboot_param


class RebootHubRepairFlow(RepairsFlow):
    """Offer to reboot the hub, the known remedy for a hub stuck running."""

    def __init__(self, entry_id: str, node_id: str) -> None:
        """Fix the issue of one hub of one entry."""
        self._entry_id = entry_id
        self._node_id = node_id

    async def async_step_init(
        self, user_input: dict[str, str] | None = None
    ) -> RepairsFlowResult:
        """Start with the confirmation."""
        return await self.async_step_confirm()

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


async def async_create_fix_flow(
    hass: HomeAssistant, issue_id: str, data: dict[str, Any] | None
) -> RepairsFlow:
    """Create the flow for a shutdown issue."""
    data = data or {}
    return RebootHubRepairFlow(
        str(data.get("entry_id", "")), str(data.get("node_id", ""))
    )


__all__ = ["DOMAIN", "async_create_fix_flow"]
