"""The repair flow that reboots a hub stuck running."""

from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.repairs import DOMAIN as REPAIRS_DOMAIN
from homeassistant.core import HomeAssistant
from homeassistant.helpers import issue_registry as ir
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.esp_rainmaker.const import DOMAIN
from rainmaker_emulator import Cloud, EmulatorAdmin

from .common import node_id_named, tick

REPELLERS = "switch.patio_repellers"


async def stuck_hub_issue(
    hass: HomeAssistant,
    cloud: Cloud,
    admin: EmulatorAdmin,
    freezer: FrozenDateTimeFactory,
) -> str:
    """Turn the Patio hub off while it is stuck; return the issue id."""
    node_id = node_id_named(cloud, "Patio")
    await hass.services.async_call(
        "switch", "turn_on", {"entity_id": REPELLERS}, blocking=True
    )
    await tick(hass, freezer, 150)
    await admin.set_quirks(node_id, stuck_shutdown=True)
    await hass.services.async_call(
        "switch", "turn_off", {"entity_id": REPELLERS}, blocking=True
    )
    await tick(hass, freezer, 16)
    (issue_id,) = [
        issue_id for (domain, issue_id) in ir.async_get(hass).issues if domain == DOMAIN
    ]
    return issue_id


async def start_fix(
    hass: HomeAssistant, hass_client: ClientSessionGenerator, issue_id: str
) -> tuple[object, dict[str, object]]:
    """Open the fix flow of an issue."""
    assert await async_setup_component(hass, REPAIRS_DOMAIN, {})
    client = await hass_client()
    response = await client.post(
        f"/api/{REPAIRS_DOMAIN}/issues/fix",
        json={"handler": DOMAIN, "issue_id": issue_id},
    )
    assert response.status == 200
    return client, await response.json()


@pytest.mark.usefixtures("init_integration")
async def test_reboot_fixes_a_stuck_hub(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    cloud: Cloud,
    admin: EmulatorAdmin,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Confirming the repair reboots the hub; it comes back off and the issue is gone."""
    issue_id = await stuck_hub_issue(hass, cloud, admin, freezer)
    client, flow = await start_fix(hass, hass_client, issue_id)
    assert flow["step_id"] == "confirm"

    response = await client.post(
        f"/api/{REPAIRS_DOMAIN}/issues/fix/{flow['flow_id']}", json={}
    )
    assert (await response.json())["type"] == "create_entry"
    node_id = node_id_named(cloud, "Patio")
    assert cloud.node(node_id).writes[-1]["payload"] == {"System": {"Reboot": True}}

    await tick(hass, freezer, 30)
    await tick(hass, freezer, 30)
    assert hass.states.get("sensor.patio_status").state == "off"
    assert not ir.async_get(hass).issues


@pytest.mark.usefixtures("init_integration")
async def test_reboot_failure_is_shown(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    cloud: Cloud,
    admin: EmulatorAdmin,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A failed reboot keeps the form open with an error."""
    issue_id = await stuck_hub_issue(hass, cloud, admin, freezer)
    client, flow = await start_fix(hass, hass_client, issue_id)
    await admin.add_fault(method="PUT", status=503, body="<html>down</html>", times=1)

    response = await client.post(
        f"/api/{REPAIRS_DOMAIN}/issues/fix/{flow['flow_id']}", json={}
    )

    result = await response.json()
    assert result["type"] == "form"
    assert result["errors"] == {"base": "reboot_failed"}


async def test_hub_gone(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    hass_client: ClientSessionGenerator,
    cloud: Cloud,
    admin: EmulatorAdmin,
    freezer: FrozenDateTimeFactory,
) -> None:
    """When the hub is no longer there to reboot, the flow explains and stops."""
    issue_id = await stuck_hub_issue(hass, cloud, admin, freezer)
    client, flow = await start_fix(hass, hass_client, issue_id)
    init_integration.runtime_data.coordinator.data.pop(node_id_named(cloud, "Patio"))

    response = await client.post(
        f"/api/{REPAIRS_DOMAIN}/issues/fix/{flow['flow_id']}", json={}
    )

    result = await response.json()
    assert (result["type"], result["reason"]) == ("abort", "hub_unavailable")
