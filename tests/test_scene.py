"""Scenes stored on a node: activated on the device, following the node's list."""

from freezegun.api import FrozenDateTimeFactory
from homeassistant.const import ATTR_ENTITY_ID, STATE_ON, Platform
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    snapshot_platform,
)
from syrupy.assertion import SnapshotAssertion

from rainmaker_emulator import Cloud, EmulatorAdmin, Endpoint
from rainmaker_emulator.scenes import app_scene
from rainmaker_emulator.services import seed_scenes

from .common import node_id_named, tick

PARTY = "scene.garden_lights_party"


async def activate(hass: HomeAssistant, entity_id: str) -> None:
    """Activate a scene and wait for it."""
    await hass.services.async_call(
        "scene", "turn_on", {ATTR_ENTITY_ID: entity_id}, blocking=True
    )


@pytest.fixture
def platforms() -> list[Platform]:
    """The scene and switch platforms."""
    return [Platform.SCENE, Platform.SWITCH]


@pytest.mark.parametrize("platforms", [[Platform.SCENE]])
async def test_snapshot(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    entity_registry: er.EntityRegistry,
    snapshot: SnapshotAssertion,
) -> None:
    """Every scene, its registry entry and state."""
    await snapshot_platform(hass, entity_registry, snapshot, init_integration.entry_id)


@pytest.mark.usefixtures("init_integration")
async def test_activation_runs_the_scene_on_the_device(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    cloud: Cloud,
    admin: EmulatorAdmin,
) -> None:
    """One write asks the node to activate it; the node applies the scene's action."""
    await admin.reset_stats()

    await activate(hass, PARTY)
    await tick(hass, freezer, 5)

    assert await admin.count(Endpoint.SET_PARAMS) == 1
    node = cloud.node(node_id_named(cloud, "Garden Lights"))
    assert node.writes[-1]["payload"] == {
        "Scenes": {"Scenes": [{"id": "4DQ7", "operation": "activate"}]}
    }
    assert hass.states.get("switch.garden_lights").state == STATE_ON


@pytest.mark.usefixtures("init_integration")
async def test_scenes_follow_the_node(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, cloud: Cloud
) -> None:
    """A scene added in the app appears; one deleted there goes from the registry."""
    node = cloud.node(node_id_named(cloud, "Garden Lights"))
    seed_scenes(
        node,
        [
            app_scene("4DQ7", "Party", action={"Outlet": {"Power": True}}),
            app_scene("9ZZ1", "Night", action={"Outlet": {"Power": False}}),
        ],
    )
    await tick(hass, freezer, 30)
    assert hass.states.get("scene.garden_lights_night") is not None

    seed_scenes(node, [app_scene("9ZZ1", "Night", action={"Outlet": {"Power": False}})])
    await tick(hass, freezer, 30)

    assert hass.states.get(PARTY) is None
    assert er.async_get(hass).async_get(PARTY) is None
    assert hass.states.get("scene.garden_lights_night") is not None


@pytest.mark.usefixtures("init_integration")
async def test_a_failed_activation_says_so(
    hass: HomeAssistant, admin: EmulatorAdmin
) -> None:
    """The cloud refusing the write is a translated error."""
    await admin.add_fault(method="PUT", path="/v1/user/nodes/params", status=400)

    with pytest.raises(HomeAssistantError) as caught:
        await activate(hass, PARTY)

    assert caught.value.translation_key == "command_failed"
