"""Texts: writable strings without a list of values."""

from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.text import (
    ATTR_VALUE,
    DOMAIN as TEXT_DOMAIN,
    SERVICE_SET_VALUE,
)
from homeassistant.const import ATTR_ENTITY_ID, Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    snapshot_platform,
)
from syrupy.assertion import SnapshotAssertion

from custom_components.esp_rainmaker.text import MAX_TEXT_LENGTH
from rainmaker_emulator import Cloud

from .common import node_id_named, tick

INPUT = "text.living_room_tv_input"


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
@pytest.mark.parametrize("platforms", [[Platform.TEXT]])
async def test_snapshot(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    entity_registry: er.EntityRegistry,
    snapshot: SnapshotAssertion,
) -> None:
    """The demo's free text params, registry entries and states."""
    await snapshot_platform(hass, entity_registry, snapshot, init_integration.entry_id)


@pytest.mark.usefixtures("init_integration")
async def test_set_text(
    hass: HomeAssistant, cloud: Cloud, freezer: FrozenDateTimeFactory
) -> None:
    """A text is written as it is, and shown at once."""
    node = cloud.node(node_id_named(cloud, "Living Room TV"))
    assert hass.states.get(INPUT).state == "HDMI 1"
    await hass.services.async_call(
        TEXT_DOMAIN,
        SERVICE_SET_VALUE,
        {ATTR_ENTITY_ID: INPUT, ATTR_VALUE: "Streaming"},
        blocking=True,
    )
    assert hass.states.get(INPUT).state == "Streaming"
    await tick(hass, freezer, 0.3)
    assert node.reported["TV"]["Input"] == "Streaming"
    assert hass.states.get(INPUT).attributes["max"] == MAX_TEXT_LENGTH
