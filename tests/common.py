"""Helpers for the integration tests."""

from datetime import timedelta

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import async_fire_time_changed

from rainmaker_emulator import Cloud


async def tick(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, seconds: float
) -> None:
    """Move Home Assistant and the emulator forward and run what became due."""
    freezer.tick(timedelta(seconds=seconds))
    async_fire_time_changed(hass)
    await hass.async_block_till_done(wait_background_tasks=True)


def node_ids(cloud: Cloud, kind: str) -> list[str]:
    """Return the ids of the cloud's nodes of a kind, in creation order."""
    return [node_id for node_id, node in cloud.nodes.items() if node.kind.kind == kind]


def node_id_named(cloud: Cloud, name: str) -> str:
    """Return the id of the node whose device is called `name` by the user."""
    for node_id, node in cloud.nodes.items():
        for params in node.reported.values():
            if params.get("Name") == name:
                return node_id
    raise KeyError(name)
