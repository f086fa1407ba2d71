"""Sensors and the metering plug on the simulation clock: deterministic, within range."""

import math
import time

import pytest

from rainmaker_emulator import Cloud
from rainmaker_emulator.devices.energy import INSTALLED, JOULES_PER_KWH, LOAD_WATTS

from .conftest import EMAIL, after, reported, write

HOUR = 3600.0
DAY = 24 * HOUR


def readings(
    cloud: Cloud, node_id: str, device: str, every: float, count: int
) -> list[dict[str, object]]:
    """Return `count` readings of a device, `every` seconds apart."""
    return [after(cloud, every, node_id, device) for _ in range(count)]


def test_humidity_wanders_within_range(still_cloud: Cloud, owner: str) -> None:
    """Humidity stays within 35-60 %, temperature near the sensor's base; both move."""
    cloud = still_cloud
    node = cloud.add_node("humidity-sensor", EMAIL)
    base = node.sim["base"]
    seen = readings(cloud, node.node_id, "Humidity Sensor", HOUR, 24)
    humidity = [float(str(reading["Humidity"])) for reading in seen]
    temperature = [float(str(reading["Temperature"])) for reading in seen]
    assert all(35.0 <= value <= 60.0 for value in humidity)
    assert all(abs(value - base) <= 1.55 for value in temperature)
    assert len(set(humidity)) > 10
    assert len(set(temperature)) > 5
    assert all(math.isclose(value, round(value, 1)) for value in humidity)


def test_sensors_are_deterministic(still_cloud: Cloud, owner: str) -> None:
    """The same node at the same simulated time reads the same in another emulator."""
    other = Cloud(seed=7)
    other.add_account(EMAIL, "x")
    for kind, device in [
        ("humidity-sensor", "Humidity Sensor"),
        ("air-quality", "Air Monitor"),
        ("energy-meter", "Smart Plug"),
    ]:
        node_id = still_cloud.add_node(kind, EMAIL).node_id
        other.add_node(kind, EMAIL, node_id=node_id)
        assert reported(still_cloud, node_id, device) == reported(
            other, node_id, device
        )


def test_contact_opens_for_a_minute_every_quarter_hour(
    still_cloud: Cloud, owner: str
) -> None:
    """Sampled every 10 s over 15 minutes, contact is lost (open) 6 times."""
    cloud = still_cloud
    node_id = cloud.add_node("contact-sensor", EMAIL).node_id
    seen = readings(cloud, node_id, "Contact Sensor", 10, 90)
    contact = [reading["Contact"] for reading in seen]
    assert contact.count(False) == 6
    assert contact.count(True) == 84


def test_contact_battery_drains_slowly(still_cloud: Cloud, owner: str) -> None:
    """87 %, one percent less after three days, empty at last."""
    cloud = still_cloud
    node_id = cloud.add_node("contact-sensor", EMAIL).node_id
    assert reported(cloud, node_id, "Contact Sensor")["Battery"] == 87
    assert after(cloud, 2 * DAY, node_id, "Contact Sensor")["Battery"] == 87
    assert after(cloud, DAY, node_id, "Contact Sensor")["Battery"] == 86
    assert after(cloud, 365 * DAY, node_id, "Contact Sensor")["Battery"] == 0


def test_motion_for_half_a_minute_every_ten(still_cloud: Cloud, owner: str) -> None:
    """Sampled every 5 s over 10 minutes, motion is seen 6 times."""
    cloud = still_cloud
    node_id = cloud.add_node("motion-sensor", EMAIL).node_id
    seen = readings(cloud, node_id, "Motion Sensor", 5, 120)
    assert [reading["Motion"] for reading in seen].count(True) == 6


def test_illuminance_follows_the_day(still_cloud: Cloud, owner: str) -> None:
    """500 lx at noon (UTC), dark from 18:00 to 06:00, in between at 09:00."""
    cloud = still_cloud
    node_id = cloud.add_node("motion-sensor", EMAIL).node_id
    assert reported(cloud, node_id, "Motion Sensor")["Illuminance"] == 500.0
    assert after(cloud, 6 * HOUR, node_id, "Motion Sensor")["Illuminance"] == 0.0
    assert after(cloud, 6 * HOUR, node_id, "Motion Sensor")["Illuminance"] == 0.0
    assert after(cloud, 9 * HOUR, node_id, "Motion Sensor")["Illuminance"] == 353.6


def test_air_quality_wanders_and_alarms_stay_quiet(
    still_cloud: Cloud, owner: str
) -> None:
    """CO2, PM2.5 and pressure move within range; alarms keep what they report."""
    cloud = still_cloud
    node = cloud.add_node("air-quality", EMAIL)
    node.reported["Air Monitor"]["Smoke"] = True  # as the admin API would set it
    seen = readings(cloud, node.node_id, "Air Monitor", HOUR, 24)
    co2 = [reading["CO2"] for reading in seen]
    assert all(isinstance(value, int) and 400 <= value <= 1200 for value in co2)
    assert len(set(co2)) > 10
    assert all(2.0 <= float(str(reading["PM2.5"])) <= 35.0 for reading in seen)
    assert all(1005.0 <= float(str(reading["Pressure"])) <= 1021.0 for reading in seen)
    assert {(r["Water Leak"], r["Smoke"], r["CO Alarm"]) for r in seen} == {
        (False, True, False)
    }


def test_energy_meter_integrates_the_active_power(
    still_cloud: Cloud, owner: str
) -> None:
    """About 60 W while on since 2026: 0.06 kWh an hour, read often or once; current is P / V."""
    cloud = still_cloud
    node_id = cloud.add_node("energy-meter", EMAIL).node_id
    other = Cloud(seed=7)
    other.add_account(EMAIL, "x")
    other.add_node("energy-meter", EMAIL, node_id=node_id)
    start = reported(cloud, node_id, "Smart Plug")
    since_installed = (time.time() - INSTALLED) * LOAD_WATTS / JOULES_PER_KWH
    assert 5.0 <= float(start["Energy"]) - since_installed <= 50.0
    assert 55.5 <= float(start["Active Power"]) <= 64.5
    seen = readings(cloud, node_id, "Smart Plug", 60, 60)
    energy = [float(str(reading["Energy"])) for reading in seen]
    assert energy == sorted(energy)
    assert energy[-1] - float(start["Energy"]) == pytest.approx(0.06, abs=0.0015)
    assert len({reading["Active Power"] for reading in seen}) > 10
    for reading in seen:
        volts = float(str(reading["Voltage"]))
        watts = float(str(reading["Active Power"]))
        assert 228.0 <= volts <= 232.0
        current = float(str(reading["Current"]))
        assert current == pytest.approx(watts / volts, abs=0.002)
    read_once = after(other, HOUR, node_id, "Smart Plug")
    assert read_once["Energy"] == seen[-1]["Energy"]


def test_energy_meter_off_draws_nothing(still_cloud: Cloud, owner: str) -> None:
    """Switched off: no power, no current, the energy total stays."""
    cloud = still_cloud
    node_id = cloud.add_node("energy-meter", EMAIL).node_id
    write(cloud, node_id, "Smart Plug", {"Power": False})
    before = reported(cloud, node_id, "Smart Plug")
    state = after(cloud, HOUR, node_id, "Smart Plug")
    assert (state["Active Power"], state["Current"]) == (0.0, 0.0)
    assert state["Energy"] == before["Energy"]
    assert state["Voltage"] != 0.0
