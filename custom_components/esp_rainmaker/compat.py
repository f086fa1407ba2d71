"""What differs between the Home Assistant releases the integration supports.

The oldest is the release hacs.json declares (2025.4); the newest is the current
one. Each name here means the same on all of them. Types come from the newest
release, which is what mypy checks against.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

from homeassistant import config_entries, const
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import entity_platform, service

if TYPE_CHECKING:
    # Newer releases validate with probatio, which mirrors voluptuous's API and,
    # from `import homeassistant` on, is what `import voluptuous` returns.
    from homeassistant.components.repairs import RepairsFlowResult
    import probatio as vol
else:
    from homeassistant.components import repairs
    from homeassistant.data_entry_flow import FlowResult
    import voluptuous as vol

    # Newer releases give repair flows a result type of their own.
    RepairsFlowResult = getattr(repairs, "RepairsFlowResult", FlowResult)

# Newer releases reload an entry themselves when an OptionsFlowWithReload changes
# its options, and report integrations that reload from an update listener (that
# stops working in 2026.12). Older releases have no such flow: there, an update
# listener reloads the entry when its options change.
OPTIONS_FLOW_RELOADS: Final = hasattr(config_entries, "OptionsFlowWithReload")

# Newer releases spell concentration units as UnitOfDensity and UnitOfRatio
# members (the micro sign became the Greek mu) and deprecate the CONCENTRATION_*
# constants. Each release's sensors accept its own spelling: 2025.4's is the one
# written out here.
_DENSITY = getattr(const, "UnitOfDensity", None)
_RATIO = getattr(const, "UnitOfRatio", None)
MICROGRAMS_PER_CUBIC_METER: Final[str] = (
    _DENSITY.MICROGRAMS_PER_CUBIC_METER if _DENSITY is not None else "\u00b5g/m³"
)
PARTS_PER_MILLION: Final[str] = (
    _RATIO.PARTS_PER_MILLION if _RATIO is not None else "ppm"
)

if TYPE_CHECKING:
    from homeassistant.config_entries import OptionsFlowWithReload
else:
    OptionsFlowWithReload = getattr(
        config_entries, "OptionsFlowWithReload", config_entries.OptionsFlow
    )


@callback
def async_reload_on_options_change(
    hass: HomeAssistant, entry: config_entries.ConfigEntry
) -> None:
    """Reload `entry` when its options change, where the options flow does not."""
    if OPTIONS_FLOW_RELOADS:
        return
    options = dict(entry.options)

    async def _updated(hass: HomeAssistant, entry: config_entries.ConfigEntry) -> None:
        # Token renewals update the entry's data too; only options need a reload.
        if entry.options != options:
            hass.config_entries.async_schedule_reload(entry.entry_id)

    entry.async_on_unload(entry.add_update_listener(_updated))


__all__ = [
    "MICROGRAMS_PER_CUBIC_METER",
    "OPTIONS_FLOW_RELOADS",
    "PARTS_PER_MILLION",
    "OptionsFlowWithReload",
    "RepairsFlowResult",
    "async_reload_on_options_change",
    "vol",
]


@dataclass(frozen=True, slots=True)
class EntityAction:
    """An action of the integration's entities of one platform: name, fields, method."""

    name: str
    schema: dict[Any, Callable[[Any], Any]]
    method: str


# Newer releases register entity actions once, from async_setup (quality-scale rule
# action-setup). Older ones can only register them from a platform's set-up.
PLATFORM_ENTITY_ACTIONS: Final = hasattr(
    service, "async_register_platform_entity_service"
)


@callback
def async_register_entity_action(
    hass: HomeAssistant, domain: str, entity_domain: str, action: EntityAction
) -> None:
    """Register an entity action from async_setup (newer releases; see below)."""
    if PLATFORM_ENTITY_ACTIONS:
        service.async_register_platform_entity_service(
            hass,
            domain,
            action.name,
            entity_domain=entity_domain,
            schema=action.schema,
            func=action.method,
        )


@callback
def async_register_platform_actions(actions: tuple[EntityAction, ...]) -> None:
    """Register entity actions from a platform's set-up, where async_setup cannot."""
    if PLATFORM_ENTITY_ACTIONS:
        return
    platform = entity_platform.async_get_current_platform()
    for action in actions:
        platform.async_register_entity_service(
            action.name, action.schema, action.method
        )
