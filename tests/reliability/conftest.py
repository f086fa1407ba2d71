"""Every reliability scenario is also a secrets check.

Each test runs with every logger at DEBUG into a handler of its own (independent of
`caplog`, whose level a test may raise). Each record is searched as it is emitted,
for every password the emulated cloud knows and every token it issued so far (a
token cannot be logged before it exists): message, arguments and traceback. The
test fails if one was found. Records are not kept, so long runs do not grow.
"""

from collections.abc import Iterator
import logging

import pytest

from tests.leaks import LOGGERS, LeakFinder


@pytest.fixture(autouse=True)
def no_secret_in_any_log(request: pytest.FixtureRequest) -> Iterator[None]:
    """Capture everything at DEBUG; fail the test if a secret was logged."""
    if "cloud" not in request.fixturenames:
        yield
        return
    # Asked for now, so that the cloud outlives this fixture's check.
    finder = LeakFinder(request.getfixturevalue("cloud"))
    loggers = [logging.getLogger(name or None) for name in LOGGERS]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.DEBUG)
    logging.getLogger().addHandler(finder)
    try:
        yield
    finally:
        logging.getLogger().removeHandler(finder)
        for logger, level in zip(loggers, levels, strict=True):
            logger.setLevel(level)
    assert finder.leaks == []
