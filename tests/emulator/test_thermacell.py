"""The Thermacell LIV hub simulation, driven by the simulation clock."""

import pytest

from rainmaker_emulator import Cloud
from rainmaker_emulator.devices.thermacell import (
    STATUS_OFF,
    STATUS_PROTECTED,
    STATUS_WARMING,
    THERMACELL_DEVICE,
)

from .conftest import EMAIL

ALWAYS, WARMING, LATCHED = 0x01000000, 0x08, 0x40


@pytest.fixture
def hub(cloud: Cloud, owner: str) -> str:
    """A hub with a known refill level."""
    node = cloud.add_node("thermacell", EMAIL, name="Patio")
    node.reported[THERMACELL_DEVICE]["Refill Life"] = 80.0
    return node.node_id


def write(cloud: Cloud, node_id: str, **params: object) -> None:
    """Accept a write as the API would."""
    node = cloud.node(node_id)
    assert node.check_write({THERMACELL_DEVICE: params}) is None
    node.accept_write({THERMACELL_DEVICE: params}, cloud.clock.now())


def state(cloud: Cloud, node_id: str) -> dict[str, object]:
    """Reported hub params, simulated up to now."""
    return cloud.node(node_id).reported[THERMACELL_DEVICE]


def test_initial_state(cloud: Cloud, hub: str) -> None:
    """A new hub is off, healthy apart from the always-set bit, with a Hub ID."""
    hub_state = state(cloud, hub)
    assert hub_state["System Status"] == STATUS_OFF
    assert hub_state["Error"] == ALWAYS
    assert hub_state["Power"] is False
    assert str(hub_state["Hub ID"]).startswith("TC")
    assert "Refill Reset" not in hub_state


def test_standard_services(cloud: Cloud, hub: str) -> None:
    """A hub publishes Time, Schedule and a System service that only reboots; no OTA."""
    node = cloud.node(hub)
    services = {
        service["type"]: [spec["name"] for spec in service["params"]]
        for service in node.config["services"]
    }
    assert services == {
        "esp.service.time": ["TZ", "TZ-POSIX"],
        "esp.service.schedule": ["Schedules"],
        "esp.service.system": ["Reboot"],
    }
    assert {name: node.reported[name] for name in ("Time", "Schedule", "System")} == {
        "Time": {"TZ": "America/New_York", "TZ-POSIX": "EST5EDT,M3.2.0,M11.1.0"},
        "Schedule": {"Schedules": []},
        "System": {"Reboot": False},
    }
    assert "OTA" not in node.reported


def test_warm_up_then_protect(cloud: Cloud, hub: str) -> None:
    """Enable → warming (0x08) → protected after 120 s (0x40 latched); Power mirrors."""
    write(cloud, hub, **{"Enable Repellers": True})
    hub_state = state(cloud, hub)
    assert (hub_state["System Status"], hub_state["Power"]) == (STATUS_WARMING, True)
    assert hub_state["Error"] == ALWAYS | WARMING

    cloud.clock.advance(119)
    assert state(cloud, hub)["System Status"] == STATUS_WARMING
    cloud.clock.advance(2)
    hub_state = state(cloud, hub)
    assert hub_state["System Status"] == STATUS_PROTECTED
    assert hub_state["Error"] == ALWAYS | LATCHED

    write(cloud, hub, **{"Enable Repellers": False})
    hub_state = state(cloud, hub)
    assert (hub_state["System Status"], hub_state["Power"]) == (STATUS_OFF, False)
    assert hub_state["Error"] == ALWAYS | LATCHED  # latched until the next power-on

    write(cloud, hub, **{"Enable Repellers": True})
    assert state(cloud, hub)["Error"] == ALWAYS | WARMING


@pytest.mark.parametrize(("code", "hours"), [(0, 40), (1, 100), (2, 180)])
def test_refill_drains_at_the_cartridge_rate(
    cloud: Cloud, hub: str, code: int, hours: int
) -> None:
    """Refill Reset sets the cartridge and 100 %; protecting drains 100 % per cartridge-hours."""
    write(cloud, hub, **{"Refill Reset": code})
    assert state(cloud, hub)["Refill Life"] == 100.0
    write(cloud, hub, **{"Enable Repellers": True})
    warmup = cloud.node(hub).settings.warmup

    cloud.clock.advance(warmup)
    assert state(cloud, hub)["Refill Life"] == 100.0  # warming does not drain
    cloud.clock.advance(hours * 3600 / 4)

    assert state(cloud, hub)["Refill Life"] == pytest.approx(75.0, abs=0.01)


def test_refill_stops_at_zero_and_when_off(cloud: Cloud, hub: str) -> None:
    """Life never goes below zero and does not drain while off."""
    cloud.clock.advance(3600)
    assert state(cloud, hub)["Refill Life"] == 80.0
    write(cloud, hub, **{"Enable Repellers": True})
    cloud.clock.advance(500 * 3600)
    assert state(cloud, hub)["Refill Life"] == 0.0


def test_no_cartridge_does_not_drain(cloud: Cloud, hub: str) -> None:
    """Refill Life -1 (no cartridge) stays -1."""
    cloud.node(hub).reported[THERMACELL_DEVICE]["Refill Life"] = -1
    write(cloud, hub, **{"Enable Repellers": True})
    cloud.clock.advance(7200)
    assert state(cloud, hub)["Refill Life"] == -1


def test_runtime_counts_tenths_of_an_hour(cloud: Cloud, hub: str) -> None:
    """System Runtime counts the session in tenths of an hour and restarts at power-on."""
    write(cloud, hub, **{"Enable Repellers": True})
    cloud.clock.advance(2.5 * 3600)
    assert state(cloud, hub)["System Runtime"] == 25
    write(cloud, hub, **{"Enable Repellers": False})
    cloud.clock.advance(3600)
    assert state(cloud, hub)["System Runtime"] == 25
    write(cloud, hub, **{"Enable Repellers": True})
    assert state(cloud, hub)["System Runtime"] == 0


def test_stuck_shutdown_quirk(cloud: Cloud, hub: str) -> None:
    """With the quirk, turning off is acknowledged but the hub keeps protecting."""
    write(cloud, hub, **{"Enable Repellers": True})
    cloud.clock.advance(200)
    cloud.node(hub).quirks["stuck_shutdown"] = True
    write(cloud, hub, **{"Enable Repellers": False})
    hub_state = state(cloud, hub)
    assert hub_state["Enable Repellers"] is False
    assert hub_state["System Status"] == STATUS_PROTECTED


def test_reboot_clears_a_stuck_hub(cloud: Cloud, hub: str) -> None:
    """A reboot takes the hub offline; it comes back off (or warming up if enabled)."""
    write(cloud, hub, **{"Enable Repellers": True})
    cloud.node(hub).quirks["stuck_shutdown"] = True
    write(cloud, hub, **{"Enable Repellers": False})
    node = cloud.node(hub)
    node.accept_write({"System": {"Reboot": True}}, cloud.clock.now())
    assert cloud.node(hub).online is False
    cloud.clock.advance(11)
    node = cloud.node(hub)
    assert node.online is True
    assert node.reported[THERMACELL_DEVICE]["System Status"] == STATUS_OFF
    assert "stuck_shutdown" not in node.quirks

    write(cloud, hub, **{"Enable Repellers": True})
    cloud.clock.advance(500)
    cloud.node(hub).accept_write({"System": {"Reboot": True}}, cloud.clock.now())
    cloud.clock.advance(11)
    assert state(cloud, hub)["System Status"] == STATUS_WARMING


def test_led_and_name_writes(cloud: Cloud, hub: str) -> None:
    """LED brightness, hue and the name are plain values."""
    write(cloud, hub, **{"LED Brightness": 10, "LED Hue": 120, "Name": "Deck"})
    hub_state = state(cloud, hub)
    assert (hub_state["LED Brightness"], hub_state["LED Hue"], hub_state["Name"]) == (
        10,
        120,
        "Deck",
    )


def test_led_saturation_is_refused(cloud: Cloud, hub: str) -> None:
    """The emulator refuses LED Saturation as a hazard."""
    node = cloud.node(hub)
    payload = {THERMACELL_DEVICE: {"LED Saturation": 50}}
    assert node.check_write(payload) == "LED Saturation cannot be set on this hub"
    assert node.hazardous(payload)
    assert not node.hazardous({THERMACELL_DEVICE: {"LED Hue": 5}})
