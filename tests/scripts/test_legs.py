"""The test legs' set-up (scripts/legs.py): versions, places, mirrors, errors."""

from pathlib import Path
import subprocess
import sys

import pytest

from scripts import legs

SCRIPT = Path(legs.__file__)


@pytest.mark.parametrize(
    ("version", "spec", "expected"),
    [
        ((3, 13, 0), ">=3.13.0", True),
        ((3, 13, 0), ">=3.13.2", False),
        ((3, 14, 8), ">=3.14.2", True),
        ((3, 14), ">=3.14.2", False),
        ((3, 14, 99), ">=3.14.2", True),
        ((3, 12, 7), ">=3.11,<3.13", True),
        ((3, 13, 0), ">=3.11,<3.13", False),
        ((3, 13, 5), "==3.13.*", True),
        ((3, 14, 0), "==3.13.*", False),
        ((3, 13, 1), "!=3.13.1", False),
        ((3, 13, 4), "~=3.13.2", True),
        ((3, 14, 0), "~=3.13.2", False),
        ((3, 9, 0), None, True),
        ((3, 9, 0), "", True),
    ],
)
def test_requires_python(
    version: tuple[int, ...], spec: str | None, expected: bool
) -> None:
    """Requires-Python specifiers as PyPI states them for Home Assistant."""
    assert legs.satisfies(version, spec) is expected


def test_unreadable_requirement_is_one_clear_error() -> None:
    """A specifier this reader does not know is an error, never a guess."""
    with pytest.raises(legs.LegError, match="cannot read the Python requirement"):
        legs.satisfies((3, 14, 0), ">=3.14; extra == 'x'")


def test_versions() -> None:
    """Interpreter and release strings become comparable tuples."""
    assert legs.parse_version("3.14.8+") == (3, 14, 8)
    assert legs.dotted((3, 13, 0)) == "3.13.0"
    with pytest.raises(ValueError, match="not a version"):
        legs.parse_version("forky")


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        (
            {
                "debian.sources": (
                    "Types: deb\nURIs: http://mirror.example/debian\nSuites: bookworm\n\n"
                    "Types: deb\nURIs: http://mirror.example/debian-security\n"
                    "Suites: bookworm-security\n"
                )
            },
            "http://mirror.example/debian",
        ),
        (
            {
                "sources.list": "deb [arch=amd64] https://deb.example/debian/ bookworm main\n"
            },
            "https://deb.example/debian",
        ),
        ({}, "http://deb.debian.org/debian"),
    ],
)
def test_debian_mirror(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    files: dict[str, str],
    expected: str,
) -> None:
    """The root is built from the mirror this machine's apt uses, never a fixed host."""
    apt = tmp_path / "apt"
    (apt / "sources.list.d").mkdir(parents=True)
    for name, text in files.items():
        target = apt / name if name == "sources.list" else apt / "sources.list.d" / name
        target.write_text(text)
    monkeypatch.setattr(legs, "APT_SOURCES", apt)
    assert legs.debian_mirror() == expected


def test_place_from_this_machine(monkeypatch: pytest.MonkeyPatch) -> None:
    """A host Python that satisfies the release is used: the oldest for minimum."""
    monkeypatch.delenv("LEGS_FORCE_ROOT", raising=False)
    pythons = [((3, 14, 3), "/usr/bin/python3.14"), ((3, 13, 1), "/usr/bin/python3.13")]
    monkeypatch.setattr(legs, "host_pythons", lambda: pythons)
    release = legs.Release("2025.4.0", ">=3.13.0", None, 0.0)
    minimum = legs.choose_place("minimum", release)
    newest = legs.choose_place("newest", release)
    assert (minimum.python, minimum.root) == ("/usr/bin/python3.13", None)
    assert (newest.python, newest.root) == ("/usr/bin/python3.14", None)


def test_place_in_a_debian_root(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without a suitable host Python, the suite that has one is chosen."""
    monkeypatch.setattr(
        legs, "host_pythons", lambda: [((3, 13, 0), "/usr/bin/python3")]
    )
    release = legs.Release("2026.10.4", ">=3.14.2", "0.13.375", 0.0)
    place = legs.choose_place("newest", release)
    assert (place.suite, place.python, place.venv) == (
        "forky",
        "/usr/bin/python3.14",
        legs.ROOT_VENV,
    )
    assert place.root == str(legs.LEGS_DIR / "newest" / "root")


def test_no_python_anywhere(monkeypatch: pytest.MonkeyPatch) -> None:
    """A release no known Python can run is one error line naming what it needs."""
    monkeypatch.setattr(legs, "host_pythons", list)
    release = legs.Release("2099.1.0", ">=3.99", None, 0.0)
    with pytest.raises(legs.LegError, match=r"needs Python >=3\.99"):
        legs.choose_place("newest", release)


def test_cli_errors_are_one_line() -> None:
    """A wrong command prints usage and one error line, not a traceback."""
    result = subprocess.run(  # noqa: S603 - our own script
        [sys.executable, str(SCRIPT), "run", "oldest", "true"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines()[-1].startswith("error: unknown command")
