"""Make Home Assistant serve its UI on a given address, however its release keeps that.

Older releases read `http:` from configuration.yaml. Newer ones keep the
HTTP settings in storage (`.storage/http`) and move an `http:` YAML block there
once, as a "pending" trial: the UI then asks the user to confirm it, and unless
someone does, Home Assistant reverts to its defaults (all interfaces, port 8123)
with a restart five minutes later. For those releases the settings are written to
storage as confirmed instead, and no YAML is needed.

Used by `scripts/develop` (as a command, writing a YAML package where one is
needed) and by the E2E test (as a module). Runs with the Home Assistant it
configures (a leg's Python).

    python scripts/ha_http.py --config config --host 127.0.0.1 --port 8123
"""

import argparse
from datetime import UTC, datetime
import json
from pathlib import Path
import sys
from typing import Any

YAML = """\
http:
  server_host: {host}
  server_port: {port}
"""
PACKAGE = Path("packages") / "http.yaml"


def _stored_settings_module() -> Any | None:
    """Return Home Assistant's HTTP settings store module, on releases that have one."""
    try:
        from homeassistant.components.http import config
    except ImportError:
        return None
    needed = ("HTTP_STORAGE_SCHEMA", "KEY_STABLE", "KEY_YAML_MIGRATION_DONE")
    return config if all(hasattr(config, name) for name in needed) else None


def configure_http(config_dir: Path, host: str, port: int) -> str:
    """Serve on `host`:`port`; return the YAML to add to configuration.yaml, if any."""
    module = _stored_settings_module()
    if module is None:
        return YAML.format(host=host, port=port)
    settings = dict(
        module.HTTP_STORAGE_SCHEMA({"server_host": [host], "server_port": port})
    )
    stable = settings | {
        "created_at": datetime.now(UTC).isoformat(),
        "error": None,
        "error_message": None,
    }
    path = config_dir / ".storage" / module.STORAGE_KEY
    if path.exists():
        current = json.loads(path.read_text()).get("data", {})
        kept = dict(current.get(module.KEY_STABLE, {}))
        if (
            {k: kept.get(k) for k in settings} == settings
            and current.get(module.KEY_PENDING) is None
            and current.get(module.KEY_YAML_MIGRATION_DONE)
        ):
            return ""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        json.dumps(
            {
                "version": module.STORAGE_VERSION,
                "minor_version": module.STORAGE_MINOR_VERSION,
                "key": module.STORAGE_KEY,
                "data": {
                    module.KEY_STABLE: stable,
                    module.KEY_PENDING: None,
                    module.KEY_YAML_MIGRATION_DONE: True,
                },
            },
            indent=2,
        )
    )
    return ""


def main(argv: list[str] | None = None) -> int:
    """Write the settings; a YAML package in <config>/packages/ where one is needed."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--config", type=Path, required=True)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args(argv)
    yaml = configure_http(args.config, args.host, args.port)
    package = args.config / PACKAGE
    if yaml:
        package.parent.mkdir(parents=True, exist_ok=True)
        package.write_text(yaml)
    else:
        package.unlink(missing_ok=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
