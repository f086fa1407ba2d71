"""Nodes that keep time in another zone than Home Assistant: one repair issue, one fix."""

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from homeassistant.helpers import issue_registry as ir
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.esp_rainmaker.const import DOMAIN
from rainmaker_emulator import Cloud, EmulatorAdmin, Endpoint

from .common import node_id_named, tick
from .test_repairs import REPAIRS_DOMAIN, start_fix

ELSEWHERE = {"TZ": "Europe/Amsterdam", "TZ-POSIX": "CET-1CEST,M3.5.0,M10.5.0/3"}


def time_zone_issues(hass: HomeAssistant) -> list[ir.IssueEntry]:
    """The integration's time zone issues."""
    return [
        issue
        for (domain, issue_id), issue in ir.async_get(hass).issues.items()
        if domain == DOMAIN and issue_id.startswith("time_zone")
    ]


@pytest.fixture
def two_hubs_elsewhere(cloud: Cloud, demo_user_id: str) -> list[str]:
    """The demo's hubs keep time in Amsterdam."""
    node_ids = [node_id_named(cloud, "Patio"), node_id_named(cloud, "Back Yard")]
    for node_id in node_ids:
        cloud.node(node_id).reported["Time"] |= ELSEWHERE
    return node_ids


@pytest.mark.usefixtures("two_hubs_elsewhere", "init_integration")
async def test_one_issue_names_the_nodes(hass: HomeAssistant) -> None:
    """One issue for the account names every node in another zone."""
    (issue,) = time_zone_issues(hass)

    assert issue.is_fixable
    assert issue.translation_key == "time_zone"
    assert issue.translation_placeholders == {
        "nodes": "Back Yard, Patio",
        "zone": hass.config.time_zone,
    }


async def test_fix_writes_the_zone_in_one_bulk_write(
    hass: HomeAssistant,
    two_hubs_elsewhere: list[str],
    init_integration: MockConfigEntry,
    hass_client: ClientSessionGenerator,
    cloud: Cloud,
    admin: EmulatorAdmin,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Confirming writes the IANA name and the POSIX rule; the issue then goes."""
    (issue,) = time_zone_issues(hass)
    client, flow = await start_fix(hass, hass_client, issue.issue_id)
    assert flow["step_id"] == "confirm"
    await admin.reset_stats()

    response = await client.post(
        f"/api/{REPAIRS_DOMAIN}/issues/fix/{flow['flow_id']}", json={}
    )

    assert (await response.json())["type"] == "create_entry"
    assert await admin.count(Endpoint.SET_PARAMS) == 1
    for node_id in two_hubs_elsewhere:
        assert cloud.node(node_id).writes[-1]["payload"] == {
            "Time": {"TZ": "US/Pacific", "TZ-POSIX": "PST8PDT,M3.2.0,M11.1.0"}
        }
    await tick(hass, freezer, 30)
    assert not time_zone_issues(hass)


@pytest.mark.usefixtures("two_hubs_elsewhere", "init_integration")
async def test_a_failed_write_keeps_the_form(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    admin: EmulatorAdmin,
) -> None:
    """A write the cloud refuses leaves the form open with an error."""
    (issue,) = time_zone_issues(hass)
    client, flow = await start_fix(hass, hass_client, issue.issue_id)
    await admin.add_fault(method="PUT", status=503, body="<html>down</html>", times=1)

    response = await client.post(
        f"/api/{REPAIRS_DOMAIN}/issues/fix/{flow['flow_id']}", json={}
    )

    result = await response.json()
    assert result["type"] == "form"
    assert result["errors"] == {"base": "time_zone_failed"}


async def test_fix_of_an_unloaded_account_aborts(
    hass: HomeAssistant,
    two_hubs_elsewhere: list[str],
    init_integration: MockConfigEntry,
    hass_client: ClientSessionGenerator,
) -> None:
    """An account that is not loaded cannot be fixed now: the flow says so."""
    (issue,) = time_zone_issues(hass)
    client, flow = await start_fix(hass, hass_client, issue.issue_id)
    await hass.config_entries.async_unload(init_integration.entry_id)

    response = await client.post(
        f"/api/{REPAIRS_DOMAIN}/issues/fix/{flow['flow_id']}", json={}
    )

    result = await response.json()
    assert result["type"] == "abort"
    assert result["reason"] == "account_unavailable"


@pytest.mark.usefixtures("init_integration")
async def test_zone_set_elsewhere_clears_and_raises_the_issue(
    hass: HomeAssistant, cloud: Cloud, freezer: FrozenDateTimeFactory
) -> None:
    """The issue follows what the nodes report, and names at most five."""
    assert not time_zone_issues(hass)
    node_ids = list(cloud.accounts["demo@example.com"].node_ids)
    for node_id in node_ids:
        if "Time" in cloud.node(node_id).reported:
            cloud.node(node_id).reported["Time"] |= ELSEWHERE
    await tick(hass, freezer, 30)
    (issue,) = time_zone_issues(hass)
    assert issue.translation_placeholders["nodes"].endswith(")")

    for node_id in node_ids:
        if "Time" in cloud.node(node_id).reported:
            cloud.node(node_id).reported["Time"]["TZ"] = "US/Pacific"
    await tick(hass, freezer, 30)
    assert not time_zone_issues(hass)
