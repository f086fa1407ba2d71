"""The integration stays in small modules with one clear job each."""

from pathlib import Path

INTEGRATION = (
    Path(__file__).resolve().parents[2] / "custom_components" / "esp_rainmaker"
)
MAX_MODULE_LINES = 400


def test_no_module_is_over_400_lines() -> None:
    """A module that grows past 400 lines mixes jobs: split it."""
    modules = sorted(INTEGRATION.rglob("*.py"))
    assert len(modules) > 20
    assert {
        str(path.relative_to(INTEGRATION)): lines
        for path in modules
        if (lines := len(path.read_text("utf-8").splitlines())) > MAX_MODULE_LINES
    } == {}
