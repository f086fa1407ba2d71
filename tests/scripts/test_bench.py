"""The benchmark's arithmetic, tables and smoke checks (scripts/bench.py)."""

import pytest

from scripts.bench import (
    Figure,
    cloud_requests_per,
    local_smoke_failures,
    local_table,
    replace_between,
)


def test_requests_per_day_all_cloud_and_all_local() -> None:
    """All-cloud: every 30 s poll lists; all-local: only the 15-minute listing does."""
    assert cloud_requests_per(86400, 5) == 2880 * 5
    assert cloud_requests_per(3600, 0, 5) == 4 * 5
    assert cloud_requests_per(86400, 1, 5) == (2880 - 96) * 1 + 96 * 5


@pytest.mark.parametrize(
    ("metric", "value", "failed"),
    [
        ("cloud_requests_per_poll_all_local", 0, False),
        ("cloud_requests_per_poll_all_local", 1, True),
        ("local_command_puts", 0.5, True),
        ("cloud_requests_per_listing_all_local", 5, False),
        ("cloud_requests_per_listing_all_local", 0, True),
        ("cloud_requests_per_poll_all_cloud", 4, True),
        ("local_poll_cpu_ms_unchanged", 3.2, False),
    ],
)
def test_local_smoke_failures(metric: str, value: float, failed: bool) -> None:
    """Counts of an account of 50 nodes all on the LAN that the CI run asserts."""
    failures = list(local_smoke_failures(Figure(metric, 50, value, "requests")))
    assert bool(failures) is failed


def test_local_table_pairs_cloud_and_lan() -> None:
    """One row per size; a side not measured is a dash, neither an empty cell."""
    figures = [
        Figure("cloud_requests_per_poll_all_cloud", 10, 1, "requests"),
        Figure("cloud_requests_per_poll_all_local", 10, 0, "requests"),
        Figure("cloud_requests_saved_per_day", 10, 2784, "requests"),
        Figure("local_command_confirm_s", 10, 0.0123, "s"),
        Figure("requests_per_poll", 50, 5, "requests"),
    ]

    lines = local_table(figures).splitlines()

    assert lines[2:] == ["| 10 | 1 / 0 |  |  |  | 2784 |  |  |  | - / 0.0123 |"]


def test_replace_between_markers() -> None:
    """Only the text between the markers changes."""
    text = "a\n<!-- s -->\nold\n<!-- e -->\nb\n"
    assert replace_between(text, "<!-- s -->", "<!-- e -->", "new") == (
        "a\n<!-- s -->\nnew\n<!-- e -->\nb\n"
    )
