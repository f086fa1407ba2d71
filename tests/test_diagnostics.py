"""Diagnostics: everything useful, nothing secret."""

# Diagnostics imports the Supervisor client, whose mashumaro models cannot be built
# under a frozen clock: import it while time still runs.
from typing import Any

import aiohasupervisor  # noqa: F401
from homeassistant.components.diagnostics import REDACTED
from homeassistant.core import HomeAssistant
import orjson
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.components.diagnostics import (
    get_diagnostics_for_config_entry,
    get_diagnostics_for_device,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator
from syrupy.assertion import SnapshotAssertion

from custom_components.esp_rainmaker.const import CONF_TOKENS
from rainmaker_emulator import DEMO_EMAIL, DEMO_PASSWORD, Cloud, EmulatorServer

from .common import node_device, node_id_named
from .conftest import GENERIC_NODE_ID


def without_port(diagnostics: Any, emulator: EmulatorServer) -> Any:
    """Replace the emulator's ephemeral address, which changes every run."""
    return orjson.loads(
        orjson.dumps(diagnostics).replace(emulator.url.encode(), b"http://emulator")
    )


@pytest.fixture(autouse=True)
def fixed_timestamps(cloud: Cloud, demo_user_id: str) -> None:
    """Pin the nodes' connectivity timestamps so the snapshot is stable."""
    for node in cloud.nodes.values():
        node.connectivity_ts = 1_938_000_000_000


async def test_entry_diagnostics(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    hass_client: ClientSessionGenerator,
    emulator: EmulatorServer,
    snapshot: SnapshotAssertion,
) -> None:
    """Entry diagnostics redact credentials, tokens, ids and serial numbers."""
    diagnostics = await get_diagnostics_for_config_entry(
        hass, hass_client, init_integration
    )

    assert without_port(diagnostics, emulator) == snapshot
    text = str(diagnostics)
    secrets = [
        DEMO_EMAIL,
        DEMO_PASSWORD,
        init_integration.unique_id,
        *init_integration.data[CONF_TOKENS].values(),
    ]
    assert all(secret not in text for secret in secrets)


async def test_device_diagnostics(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    hass_client: ClientSessionGenerator,
    cloud: Cloud,
    snapshot: SnapshotAssertion,
) -> None:
    """A hub's diagnostics show its configuration and values, without its Hub ID."""
    node_id = node_id_named(cloud, "Patio")
    device = node_device(hass, node_id)
    assert device is not None

    diagnostics = await get_diagnostics_for_device(
        hass, hass_client, init_integration, device
    )

    assert diagnostics == snapshot
    assert node_id not in str(diagnostics)
    assert str(cloud.nodes[node_id].reported["LIV Hub"]["Hub ID"]) not in str(
        diagnostics
    )


@pytest.mark.usefixtures("generic_node")
async def test_credentials_redacted_by_type_and_name(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    hass_client: ClientSessionGenerator,
    cloud: Cloud,
) -> None:
    """PoPs and tokens (by type) and custom credentials (by name) never show."""
    values = []
    for node_id in (
        node_id_named(cloud, "Desk Lamp"),
        node_id_named(cloud, "Coffee Maker"),
        GENERIC_NODE_ID,
    ):
        device = node_device(hass, node_id)
        assert device is not None
        output = await get_diagnostics_for_device(
            hass, hass_client, init_integration, device
        )
        values.append(output["node"]["values"])
    assert values[0]["Local Control"] == {"POP": REDACTED, "Type": 1}
    assert values[1]["MatterCTL"]["UserToken"] == REDACTED
    assert values[1]["MatterCTL"]["BaseURL"].startswith("https://")
    assert values[2]["AC"]["Wi-Fi Password"] == REDACTED
    assert values[2]["AC"]["Note"] == "ok"
