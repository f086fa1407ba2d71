"""POSIX rules of IANA time zones, read from the zone database."""

import pytest

from custom_components.esp_rainmaker.api.timezones import posix_rule


@pytest.mark.parametrize(
    ("zone", "rule"),
    [
        ("Europe/Amsterdam", "CET-1CEST,M3.5.0,M10.5.0/3"),
        ("America/New_York", "EST5EDT,M3.2.0,M11.1.0"),
        ("Asia/Kolkata", "IST-5:30"),
        ("UTC", "UTC0"),
    ],
)
def test_known_zones(zone: str, rule: str) -> None:
    """The rule is the footer of the zone's file."""
    assert posix_rule(zone) == rule


@pytest.mark.parametrize(
    "zone", ["", "Nowhere/Land", "../../etc/passwd", "/etc/localtime", "Europe/.."]
)
def test_unknown_or_unsafe_names(zone: str) -> None:
    """Unknown zones and names that are paths give no rule."""
    assert posix_rule(zone) is None
