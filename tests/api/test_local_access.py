"""api/local/access.py: the local control credentials a node's cloud config names."""

from typing import Any

import pytest

from custom_components.esp_rainmaker.api import Node, NodeParser
from custom_components.esp_rainmaker.api.local import LocalCredentials, SecurityScheme
from custom_components.esp_rainmaker.api.local.access import local_credentials

SERVICE = {
    "name": "Local Control",
    "type": "esp.service.local_control",
    "params": [
        {
            "name": "POP",
            "type": "esp.param.local_control_pop",
            "data_type": "string",
            "properties": ["read"],
        },
        {
            "name": "Type",
            "type": "esp.param.local_control_type",
            "data_type": "int",
            "properties": ["read"],
        },
        {
            "name": "Name",
            "type": "esp.param.name",
            "data_type": "string",
            "properties": ["read"],
        },
    ],
}


def node(values: dict[str, Any] | None, *, service: dict[str, Any] = SERVICE) -> Node:
    """A switch whose config has `service`, reporting `values` for it."""
    params: dict[str, Any] = {"Switch": {"Power": True}}
    if values is not None:
        params[service["name"]] = values
    return NodeParser().node(
        {
            "id": "n1",
            "config": {
                "node_id": "n1",
                "info": {"name": "Switch"},
                "devices": [{"name": "Switch", "type": "esp.device.switch"}],
                "services": [
                    {"name": "Time", "type": "esp.service.time", "params": []},
                    service,
                ],
            },
            "params": params,
        }
    )


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        (
            {"POP": "a1b2c3d4", "Type": 1},
            LocalCredentials(SecurityScheme.SEC1, "a1b2c3d4"),
        ),
        ({"POP": "secret", "Type": 2}, LocalCredentials(SecurityScheme.SEC2, "secret")),
        ({"Type": 0}, LocalCredentials(SecurityScheme.SEC0, "")),
        ({"POP": "", "Type": 0}, LocalCredentials(SecurityScheme.SEC0, "")),
    ],
    ids=["security-1", "security-2", "security-0-no-pop", "security-0-empty-pop"],
)
def test_credentials(values: dict[str, Any], expected: LocalCredentials) -> None:
    """The scheme and the PoP of the service; the PoP stays out of the repr."""
    credentials = local_credentials(node(values))

    assert credentials == expected
    assert credentials is not None
    if credentials.pop:
        assert credentials.pop not in repr(credentials)


@pytest.mark.parametrize(
    "values",
    [
        None,
        {"POP": "a1b2c3d4"},
        {"POP": "a1b2c3d4", "Type": 3},
        {"POP": "a1b2c3d4", "Type": -1},
        {"POP": "a1b2c3d4", "Type": True},
        {"POP": "a1b2c3d4", "Type": 1.5},
        {"POP": "a1b2c3d4", "Type": "1"},
        {"Type": 1},
        {"POP": 12345678, "Type": 1},
        {"POP": "x" * 257, "Type": 1},
    ],
    ids=[
        "not-reported",
        "no-scheme",
        "unknown-scheme",
        "negative-scheme",
        "bool-scheme",
        "float-scheme",
        "text-scheme",
        "security-1-no-pop",
        "number-pop",
        "long-pop",
    ],
)
def test_unusable_service(values: dict[str, Any] | None) -> None:
    """A service whose scheme or PoP cannot be used is no local control at all."""
    assert local_credentials(node(values)) is None


def test_node_without_the_service() -> None:
    """A node whose config has no local control service."""
    other = {**SERVICE, "name": "Other", "type": "esp.service.other"}

    assert local_credentials(node({"POP": "a", "Type": 1}, service=other)) is None
