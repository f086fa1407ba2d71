"""Catch Home Assistant's deprecation reports, which are logged rather than warned.

`filterwarnings = ["error::DeprecationWarning:homeassistant.*"]` only sees
`warnings.warn`. Home Assistant reports most deprecated usage differently:

* `homeassistant.helpers.frame.report_usage` logs "Detected that custom integration
  'x' ... This will stop working in Home Assistant 2026.x" on the
  `homeassistant.helpers.frame` logger (it raises only for core integrations);
* deprecated constants/enums (`helpers.deprecation`) log "X was used from x, this
  is a deprecated constant ..." on the owning module's logger;
* blocking calls in the event loop log "Detected blocking call ...".

`offending` picks those records out of a test's log. Used by test_runtime.py; it
can also guard the whole suite as a plugin (`-p tests.conformance.deprecation_guard`,
with the repository on PYTHONPATH as scripts/test sets it), through the autouse
fixture below. Tests that report on purpose opt out with `@expects_reports`.
"""

from collections.abc import Callable, Generator, Iterable
import logging
import re
from typing import Any

import pytest

PATTERN = re.compile(
    r"report_usage|deprecated|will stop working|Detected (that|blocking|code)",
    re.IGNORECASE,
)
FRAME_LOGGER = "homeassistant.helpers.frame"


def offending(records: Iterable[logging.LogRecord]) -> list[str]:
    """Return the deprecation reports among log records (WARNING and above)."""
    return [
        f"{record.name}: {record.getMessage()}"
        for record in records
        if record.levelno >= logging.WARNING
        and (
            record.name.startswith(FRAME_LOGGER) or PATTERN.search(record.getMessage())
        )
    ]


def expects_reports[F: Callable[..., Any]](test: F) -> F:
    """Mark a test that makes Home Assistant report deprecated usage on purpose."""
    test.expects_deprecation_reports = True  # type: ignore[attr-defined]
    return test


class _Collector(logging.Handler):
    """Keep the reports only: long tests (the soak) log many thousand records."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.reports: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.reports += offending([record])


@pytest.fixture(autouse=True)
def fail_on_deprecation_reports(request: pytest.FixtureRequest) -> Generator[None]:
    """Fail a test that made Home Assistant log a deprecation report.

    Active only when this module is loaded as a plugin. Its own handler is used (not
    caplog), so tests that clear caplog cannot hide a report.
    """
    test = getattr(request.node, "function", None)
    if getattr(test, "expects_deprecation_reports", False):
        yield
        return
    collector = _Collector()
    root = logging.getLogger()
    root.addHandler(collector)
    try:
        yield
    finally:
        root.removeHandler(collector)
    if collector.reports:
        pytest.fail(
            "Home Assistant reported deprecated usage:\n" + "\n".join(collector.reports)
        )
