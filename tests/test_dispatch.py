"""Per-node dispatch: an update reaches only the listeners of the nodes that changed."""

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant, callback
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.esp_rainmaker.coordinator import RainMakerCoordinator
from rainmaker_emulator import Cloud, EmulatorAdmin, Endpoint

from .common import node_id_named, tick


def listen(
    coordinator: RainMakerCoordinator, context: object, calls: list[object]
) -> None:
    """Count the updates a listener with `context` hears."""

    @callback
    def _heard() -> None:
        calls.append(context)

    coordinator.async_add_listener(_heard, context)


@pytest.fixture
def coordinator(
    quiet_demo: None, init_integration: MockConfigEntry
) -> RainMakerCoordinator:
    """The (quiet) demo account's coordinator."""
    coordinator: RainMakerCoordinator = init_integration.runtime_data.coordinator
    return coordinator


async def test_only_the_changed_node_hears(
    hass: HomeAssistant,
    coordinator: RainMakerCoordinator,
    admin: EmulatorAdmin,
    cloud: Cloud,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A change on one node calls that node's listeners and the general ones."""
    coffee, lamp = (
        node_id_named(cloud, "Coffee Maker"),
        node_id_named(cloud, "Desk Lamp"),
    )
    calls: list[object] = []
    for context in (coffee, lamp, None):
        listen(coordinator, context, calls)

    await admin.set_params(coffee, {"Switch": {"Power": True}})
    await tick(hass, freezer, 30)
    assert sorted(calls, key=str) == sorted([None, coffee], key=str)

    calls.clear()
    await tick(hass, freezer, 30)  # nothing changed: nobody is called
    assert calls == []


async def test_availability_change_reaches_every_node(
    hass: HomeAssistant,
    coordinator: RainMakerCoordinator,
    admin: EmulatorAdmin,
    cloud: Cloud,
    freezer: FrozenDateTimeFactory,
) -> None:
    """An outage and its end reach the listeners of unchanged nodes too."""
    coffee, lamp = (
        node_id_named(cloud, "Coffee Maker"),
        node_id_named(cloud, "Desk Lamp"),
    )
    calls: list[object] = []
    for context in (coffee, lamp):
        listen(coordinator, context, calls)

    await admin.add_fault(path=Endpoint.NODES.path, status=503, body="<html></html>")
    for _ in range(4):
        await tick(hass, freezer, 30)
    assert not coordinator.last_update_success
    assert sorted(calls) == sorted([coffee, lamp])

    calls.clear()
    await admin.clear_faults()
    await tick(hass, freezer, 30)
    assert coordinator.last_update_success
    assert sorted(calls) == sorted([coffee, lamp])


async def test_removed_listener_is_not_called(
    hass: HomeAssistant,
    coordinator: RainMakerCoordinator,
    admin: EmulatorAdmin,
    cloud: Cloud,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Removing a listener stops its updates; the node's other listeners go on."""
    coffee = node_id_named(cloud, "Coffee Maker")
    kept: list[object] = []
    removed: list[object] = []
    listen(coordinator, coffee, kept)

    @callback
    def _heard() -> None:
        removed.append(coffee)

    remove = coordinator.async_add_listener(_heard, coffee)
    remove()

    await admin.set_params(coffee, {"Switch": {"Power": True}})
    await tick(hass, freezer, 30)
    assert kept == [coffee]
    assert removed == []


async def test_a_node_that_leaves_is_dispatched(
    hass: HomeAssistant,
    coordinator: RainMakerCoordinator,
    admin: EmulatorAdmin,
    cloud: Cloud,
    freezer: FrozenDateTimeFactory,
) -> None:
    """The listeners of a node removed from the account hear that it is gone."""
    lamp = node_id_named(cloud, "Desk Lamp")
    calls: list[object] = []
    listen(coordinator, lamp, calls)

    await admin.remove_node(lamp)
    await tick(hass, freezer, 30)
    assert lamp not in coordinator.data
    assert calls == [lamp]
