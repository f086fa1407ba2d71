"""The integration's actions: timers that run on the device.

`esp_rainmaker.run_for` turns a switch on now and writes a one-shot schedule that
turns it off on the device after the duration; `esp_rainmaker.cancel_timer`
deletes that schedule. Both target switch entities of power params on nodes with
the Schedule service (see `timers.py`); others get a translated error.
"""

from typing import Final

from homeassistant.const import Platform
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import config_validation as cv

from .compat import EntityAction, async_register_entity_action, vol
from .const import DOMAIN

ATTR_DURATION: Final = "duration"

TIMER_ACTIONS: Final = (
    EntityAction(
        "run_for",
        {vol.Required(ATTR_DURATION): cv.positive_time_period},
        "async_run_for",
    ),
    EntityAction("cancel_timer", {}, "async_cancel_timer"),
)


@callback
def async_setup_services(hass: HomeAssistant) -> None:
    """Register the actions (once, whatever the number of accounts)."""
    for action in TIMER_ACTIONS:
        async_register_entity_action(hass, DOMAIN, Platform.SWITCH, action)
