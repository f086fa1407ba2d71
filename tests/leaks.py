"""Finding secrets: in log records (every reliability scenario) and diagnostics (every test)."""

from collections.abc import Iterable, Iterator
import logging
import traceback

from rainmaker_emulator import Cloud

# Loggers that could have their own level: force all of them to DEBUG.
LOGGERS = ("", "custom_components", "homeassistant", "aiohttp", "rainmaker_emulator")


def find_leaks(texts: Iterable[str], secrets: Iterable[str]) -> list[str]:
    """Describe every secret found in any text (secrets shortened in the report)."""
    wanted = [secret for secret in set(secrets) if secret]
    return [
        f"{secret[:6]}… in {text[:120]!r}"
        for text in texts
        for secret in wanted
        if secret in text
    ]


def record_texts(record: logging.LogRecord) -> Iterator[str]:
    """A record as a log file or a bug report would show it."""
    yield record.getMessage()
    yield repr(record.args)
    if record.exc_info and record.exc_info[1] is not None:
        yield "".join(traceback.format_exception(record.exc_info[1]))
    for text in (record.exc_text, record.stack_info):
        if text:
            yield text


class LeakFinder(logging.Handler):
    """Search every record for the cloud's secrets; remember what leaked."""

    def __init__(self, cloud: Cloud) -> None:
        """Watch for the secrets of `cloud`."""
        super().__init__(logging.DEBUG)
        self.cloud = cloud
        self.leaks: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        """Search one record."""
        leaks = find_leaks(record_texts(record), self.cloud.secrets())
        self.leaks += [f"{record.name}: {leak}" for leak in leaks]
