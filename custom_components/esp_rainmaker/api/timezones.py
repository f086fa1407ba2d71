"""Time zones as nodes want them: an IANA name, and the POSIX rule it stands for.

A node's Time service holds `TZ` (an IANA name such as `Europe/Amsterdam`) and,
on firmware that has it, `TZ-POSIX` (the rule `CET-1CEST,M3.5.0,M10.5.0/3`).
The POSIX rule is read from the footer of the zone's TZif file (version 2 and
later end with it), from the system's zone database or the `tzdata` package.
Reading a file blocks: call `posix_rule` from an executor.
"""

from importlib import resources
from pathlib import Path
import zoneinfo

MAX_TZIF: int = 1 << 20


def _tzif(name: str) -> bytes | None:
    if not name or name.startswith(("/", ".")) or ".." in name.split("/"):
        return None
    for root in zoneinfo.TZPATH:
        path = Path(root) / name
        if path.is_file():
            return path.read_bytes()[:MAX_TZIF]
    try:
        package = resources.files("tzdata.zoneinfo")
        return package.joinpath(*name.split("/")).read_bytes()[:MAX_TZIF]
    except (ModuleNotFoundError, OSError):
        return None


def posix_rule(name: str) -> str | None:
    """Return the POSIX TZ rule of an IANA zone, or None when it cannot be read."""
    data = _tzif(name)
    if data is None or not data.startswith(b"TZif") or data[4:5] < b"2":
        return None
    footer = data.rstrip(b"\n").rpartition(b"\n")[2]
    try:
        rule = footer.decode("ascii").strip()
    except UnicodeDecodeError:
        return None
    return rule or None
