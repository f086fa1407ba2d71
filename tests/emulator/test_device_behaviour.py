"""How climate devices, covers, the lightbulb's mode and media devices follow the clock."""

import pytest

from rainmaker_emulator import Cloud
from rainmaker_emulator.devices.climate import room_temperature
from rainmaker_emulator.devices.signals import approach

from .conftest import EMAIL, after, reported, write


def test_thermostat_heats_to_the_setpoint_and_holds_it(
    still_cloud: Cloud, owner: str
) -> None:
    """Heating: 0.05 °C/s up to the setpoint, held there against the colder ambient."""
    cloud = still_cloud
    node_id = cloud.add_node("thermostat", EMAIL).node_id
    write(cloud, node_id, "Thermostat", {"Power": True, "Setpoint": 25.0})
    assert reported(cloud, node_id, "Thermostat")["Temperature"] == 19.5
    assert after(cloud, 30, node_id, "Thermostat")["Temperature"] == 21.0
    assert after(cloud, 30, node_id, "Thermostat")["Temperature"] == 22.5
    assert after(cloud, 60, node_id, "Thermostat")["Temperature"] == 25.0
    assert after(cloud, 600, node_id, "Thermostat")["Temperature"] == 25.0

    write(cloud, node_id, "Thermostat", {"Power": False})
    assert after(cloud, 100, node_id, "Thermostat")["Temperature"] == 24.0
    assert after(cloud, 3600, node_id, "Thermostat")["Temperature"] == 18.0


def test_thermostat_off_drifts_to_ambient(still_cloud: Cloud, owner: str) -> None:
    """Off, the room drifts to 18 °C at 0.01 °C/s whatever the setpoint."""
    cloud = still_cloud
    node_id = cloud.add_node("thermostat", EMAIL).node_id
    write(cloud, node_id, "Thermostat", {"Setpoint": 30.0})
    assert after(cloud, 100, node_id, "Thermostat")["Temperature"] == 18.5
    assert after(cloud, 100, node_id, "Thermostat")["Temperature"] == 18.0


def test_thermostat_mode_decides_the_direction(still_cloud: Cloud, owner: str) -> None:
    """Above the setpoint, heating only lets the room drift; cooling brings it down."""
    cloud = still_cloud
    heater = cloud.add_node("thermostat", EMAIL).node_id
    cooler = cloud.add_node("thermostat", EMAIL).node_id
    write(cloud, heater, "Thermostat", {"Power": True, "Setpoint": 15.0})
    write(
        cloud, cooler, "Thermostat", {"Power": True, "Setpoint": 15.0, "Mode": "cool"}
    )
    cloud.clock.advance(30)
    assert reported(cloud, heater, "Thermostat")["Temperature"] == 19.2
    assert reported(cloud, cooler, "Thermostat")["Temperature"] == 18.0


def test_air_conditioner_cools_and_drifts_when_drying(
    still_cloud: Cloud, owner: str
) -> None:
    """Cooling to 24 °C at 0.05 °C/s; drying or ventilating, the room drifts to 28 °C."""
    cloud = still_cloud
    node_id = cloud.add_node("air-conditioner", EMAIL).node_id
    write(cloud, node_id, "Air Conditioner", {"Power": True, "Speed": 5})
    assert after(cloud, 30, node_id, "Air Conditioner")["Temperature"] == 25.5
    assert after(cloud, 60, node_id, "Air Conditioner")["Temperature"] == 24.0
    write(cloud, node_id, "Air Conditioner", {"Mode": "dry"})
    assert after(cloud, 100, node_id, "Air Conditioner")["Temperature"] == 25.0
    write(cloud, node_id, "Air Conditioner", {"Mode": "fan"})
    state = after(cloud, 1000, node_id, "Air Conditioner")
    assert (state["Temperature"], state["Speed"]) == (28.0, 5)


def test_junk_setpoint_stops_the_control(still_cloud: Cloud, owner: str) -> None:
    """A setpoint the admin API overwrote with junk: the room drifts as if off."""
    cloud = still_cloud
    node_id = cloud.add_node("thermostat", EMAIL).node_id
    write(cloud, node_id, "Thermostat", {"Power": True, "Setpoint": 30.0})
    cloud.node(node_id).reported["Thermostat"]["Setpoint"] = "warm"
    assert after(cloud, 100, node_id, "Thermostat")["Temperature"] == 18.5


@pytest.mark.parametrize(
    ("start", "ambient", "heats", "cools", "seconds", "expected"),
    [
        (30.0, 25.0, True, True, 10, 29.5),  # auto cools at the active rate
        (21.0, 18.0, True, False, 1000, 22.0),  # heats, then holds against the cold
        (20.0, 28.0, True, False, 140, 23.0),  # heats to 22, then drifts up to 28
        (20.0, 18.0, False, True, 100, 19.0),  # cooling only: drifts down to 18
        (24.0, 25.0, False, True, 1000, 22.0),  # cools, then holds against 25
        (20.0, 30.0, False, False, 100, 21.0),  # idle: drifts toward ambient
    ],
)
def test_room_temperature(
    start: float,
    ambient: float,
    heats: bool,
    cools: bool,
    seconds: float,
    expected: float,
) -> None:
    """With a setpoint of 22 °C the room rests where heating, cooling and drift balance."""
    result = room_temperature(
        start,
        setpoint=22.0,
        ambient=ambient,
        heats=heats,
        cools=cools,
        seconds=seconds,
    )
    assert result == pytest.approx(expected)


def test_approach() -> None:
    """A value reaches its target and reports the time left, or gets part of the way."""
    assert approach(0.0, 10.0, 2.0, 8.0) == (10.0, 3.0)
    assert approach(10.0, 0.0, 2.0, 2.0) == (6.0, 0.0)


def test_blinds_move_through_intermediate_positions(
    still_cloud: Cloud, owner: str
) -> None:
    """10 % a second toward the target, whole percents; a new target takes over."""
    cloud = still_cloud
    node_id = cloud.add_node("blinds", EMAIL).node_id
    write(cloud, node_id, "Blinds", {"Position": 100, "Name": "Shade"})
    state = reported(cloud, node_id, "Blinds")
    assert (state["Position"], state["Name"]) == (0, "Shade")
    assert after(cloud, 5, node_id, "Blinds")["Position"] == 50
    assert after(cloud, 2.55, node_id, "Blinds")["Position"] == 75
    assert after(cloud, 10, node_id, "Blinds")["Position"] == 100
    assert cloud.node(node_id).sim["since"] is None

    write(cloud, node_id, "Blinds", {"Position": 20})
    assert after(cloud, 4, node_id, "Blinds")["Position"] == 60
    write(cloud, node_id, "Blinds", {"Position": 90})
    assert after(cloud, 1, node_id, "Blinds")["Position"] == 70
    assert after(cloud, 60, node_id, "Blinds")["Position"] == 90

    write(cloud, node_id, "Blinds", {"Name": "Blind"})
    assert reported(cloud, node_id, "Blinds") == {"Name": "Blind", "Position": 90}


def test_garage_door_moves_at_five_percent(still_cloud: Cloud, owner: str) -> None:
    """Opening takes 20 s; half-way after 10 s; closing again likewise."""
    cloud = still_cloud
    node_id = cloud.add_node("garage-door", EMAIL).node_id
    write(cloud, node_id, "Garage Door", {"Position": 100})
    assert after(cloud, 10, node_id, "Garage Door")["Position"] == 50
    assert after(cloud, 10, node_id, "Garage Door")["Position"] == 100
    write(cloud, node_id, "Garage Door", {"Position": 0})
    assert after(cloud, 19, node_id, "Garage Door")["Position"] == 5
    assert after(cloud, 1, node_id, "Garage Door")["Position"] == 0


def test_cover_with_a_junk_position_starts_closed(
    still_cloud: Cloud, owner: str
) -> None:
    """A position the admin API overwrote with junk: the motor starts from 0."""
    cloud = still_cloud
    node_id = cloud.add_node("blinds", EMAIL).node_id
    cloud.node(node_id).reported["Blinds"]["Position"] = "half"
    write(cloud, node_id, "Blinds", {"Position": 10})
    assert after(cloud, 0.5, node_id, "Blinds")["Position"] == 5


@pytest.mark.parametrize(
    ("written", "mode"),
    [
        ({"Hue": 120}, 1),
        ({"Saturation": 10, "Power": True}, 1),
        ({"CCT": 3000}, 2),
        ({"Hue": 120, "CCT": 3000}, 2),  # both kinds: the mode stays
        ({"Hue": 120, "Light Mode": 2}, 2),  # the mode written wins
        ({"Light Mode": 1}, 1),
        ({"Brightness": 10}, 2),
    ],
)
def test_light_mode_follows_the_colour_written(
    cloud: Cloud, owner: str, written: dict[str, object], mode: int
) -> None:
    """Hue or Saturation select colour (1), CCT selects white (2), as the SDK's driver."""
    node_id = cloud.add_node("lightbulb", EMAIL).node_id
    assert reported(cloud, node_id, "Light")["Light Mode"] == 2
    write(cloud, node_id, "Light", written)
    state = reported(cloud, node_id, "Light")
    assert state["Light Mode"] == mode
    assert state.items() >= written.items()


def test_light_mode_switches_back_to_white(cloud: Cloud, owner: str) -> None:
    """Colour, then white again."""
    node_id = cloud.add_node("lightbulb", EMAIL).node_id
    write(cloud, node_id, "Light", {"Saturation": 100})
    assert reported(cloud, node_id, "Light")["Light Mode"] == 1
    write(cloud, node_id, "Light", {"CCT": 6500})
    assert reported(cloud, node_id, "Light")["Light Mode"] == 2


@pytest.mark.parametrize(
    ("kind", "device", "written"),
    [
        ("speaker", "Speaker", {"Power": True, "Volume": 55, "Mute": True}),
        ("tv", "TV", {"Power": True, "Input": "Chromecast", "Volume": 0}),
    ],
)
def test_media_devices_report_what_was_written(
    cloud: Cloud, owner: str, kind: str, device: str, written: dict[str, object]
) -> None:
    """Speaker and TV report their writes once they reach the device."""
    node_id = cloud.add_node(kind, EMAIL).node_id
    write(cloud, node_id, device, written)
    assert reported(cloud, node_id, device).items() >= written.items()
