"""Node groups as the suggested areas of devices made for the first time."""

from homeassistant.core import HomeAssistant
from homeassistant.helpers import area_registry as ar, device_registry as dr
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from rainmaker_emulator import DEMO_EMAIL, Cloud, EmulatorAdmin, Endpoint

from .common import node_device, node_id_named


@pytest.fixture
def garden_group(cloud: Cloud, demo_user_id: str) -> list[str]:
    """The demo's hubs in a group called Garden."""
    node_ids = [node_id_named(cloud, "Patio"), node_id_named(cloud, "Back Yard")]
    cloud.add_group(DEMO_EMAIL, "Garden", node_ids)
    return node_ids


async def test_new_devices_get_their_group_as_area(
    hass: HomeAssistant,
    garden_group: list[str],
    init_integration: MockConfigEntry,
    cloud: Cloud,
) -> None:
    """A node in a group lands in the area of that name; others in none."""
    garden = ar.async_get(hass).async_get_area_by_name("Garden")
    assert garden is not None
    for node_id in garden_group:
        device = node_device(hass, node_id)
        assert device is not None
        assert device.area_id == garden.id
    lamp = node_device(hass, node_id_named(cloud, "Desk Lamp"))
    assert lamp is not None
    assert lamp.area_id is None


async def test_an_area_the_user_chose_stays(
    hass: HomeAssistant,
    garden_group: list[str],
    init_integration: MockConfigEntry,
    admin: EmulatorAdmin,
) -> None:
    """After a reload, known devices are not moved, and no group is asked for."""
    porch = ar.async_get(hass).async_create("Porch")
    device = node_device(hass, garden_group[0])
    assert device is not None
    dr.async_get(hass).async_update_device(device.id, area_id=porch.id)
    await admin.reset_stats()

    assert await hass.config_entries.async_reload(init_integration.entry_id)
    await hass.async_block_till_done()

    device = node_device(hass, garden_group[0])
    assert device is not None
    assert device.area_id == porch.id
    assert await admin.count(Endpoint.GROUPS) == 0


@pytest.mark.usefixtures("garden_group")
async def test_groups_that_cannot_be_read_suggest_nothing(
    hass: HomeAssistant,
    admin: EmulatorAdmin,
    mock_config_entry: MockConfigEntry,
    cloud: Cloud,
) -> None:
    """Set-up goes on without areas when the groups cannot be read."""
    await admin.add_fault(path="/v1/user/node_group", status=500)
    mock_config_entry.add_to_hass(hass)

    assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()

    device = node_device(hass, node_id_named(cloud, "Patio"))
    assert device is not None
    assert device.area_id is None
