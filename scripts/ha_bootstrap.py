"""Bring a Home Assistant instance to a usable state through its REST API.

Used by `scripts/develop` (as a command) and by the E2E test (as a module):

* wait until Home Assistant answers HTTP,
* complete onboarding (owner account, core config, analytics, integration step),
  or sign in with the owner's password when onboarding is already done,
* create the ESP RainMaker config entry through the config-flow API when the
  account is not configured yet (or reconfigure it when it points to another
  cloud URL), and wait until it is loaded and Home Assistant has started.

Every step is idempotent: a second run against the same config directory
reuses the onboarded owner and the existing config entry.

    scripts/leg run newest python -m scripts.ha_bootstrap --ha-url http://127.0.0.1:8123 --cloud-url http://127.0.0.1:8089
"""

import argparse
import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
import sys
import time
from typing import Any, cast

import aiohttp
from aiohttp.resolver import ThreadedResolver

from rainmaker_emulator import DEMO_EMAIL, DEMO_PASSWORD

DOMAIN = "esp_rainmaker"
HA_NAME = "Demo"
HA_USERNAME = "demo"
HA_PASSWORD = "demo-pass-1234"
LANGUAGE = "en"
# The core settings the frontend's onboarding asks for; without a country Home
# Assistant raises a repair issue. The demo hubs keep New York time.
CORE_CONFIG = {"country": "US", "currency": "USD", "time_zone": "America/New_York"}
# Online services onboarding's core-config step sets up when their packages are
# installed. The demo runs offline, where they only log errors: they are removed.
ONLINE_ONBOARDING_INTEGRATIONS = ("google_translate", "met", "radio_browser")


class BootstrapError(Exception):
    """Home Assistant refused a bootstrap step or did not get ready in time."""


class HttpError(BootstrapError):
    """Home Assistant answered a request with an unexpected HTTP status."""


def new_session() -> aiohttp.ClientSession:
    """Return a client session that resolves names with the system resolver.

    Home Assistant's pinned aiodns does not match the installed pycares, so the
    default asynchronous resolver may fail; every URL here is a loopback IP anyway.
    """
    return aiohttp.ClientSession(
        connector=aiohttp.TCPConnector(resolver=ThreadedResolver()),
        timeout=aiohttp.ClientTimeout(total=60),
    )


async def wait_for[T](
    check: Callable[[], Awaitable[T | None]],
    *,
    within: float,
    interval: float = 0.5,
    what: str,
) -> T:
    """Call `check` until it returns something other than None, or time out."""
    deadline = time.monotonic() + within
    last_error: BaseException | None = None
    while True:
        try:
            result = await check()
        except (aiohttp.ClientError, TimeoutError, HttpError) as err:
            last_error = err
        else:
            if result is not None:
                return result
        if time.monotonic() >= deadline:
            detail = f" (last error: {last_error})" if last_error else ""
            raise BootstrapError(f"timed out after {within:g} s: {what}{detail}")
        await asyncio.sleep(interval)


@dataclass
class HomeAssistantClient:
    """A small REST client for one Home Assistant instance."""

    session: aiohttp.ClientSession
    base_url: str
    token: str | None = None

    def __post_init__(self) -> None:
        """Normalise the base URL."""
        self.base_url = self.base_url.rstrip("/")

    @property
    def client_id(self) -> str:
        """The OAuth client id the frontend of this instance uses."""
        return f"{self.base_url}/"

    def _headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"} if self.token else {}

    async def request(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        data: dict[str, str] | None = None,
        expect: tuple[int, ...] = (200,),
    ) -> Any:
        """Call the API and return the decoded JSON body."""
        async with self.session.request(
            method,
            f"{self.base_url}{path}",
            json=json,
            data=data,
            headers=self._headers(),
        ) as response:
            text = await response.text()
            if response.status not in expect:
                raise HttpError(
                    f"{method} {path}: HTTP {response.status}: {text[:500]}"
                )
            if response.content_type != "application/json":
                return None
            return await response.json()

    async def websocket_command(self, command: dict[str, Any]) -> Any:
        """Send one command over the websocket API and return its result."""
        async with self.session.ws_connect(f"{self.base_url}/api/websocket") as ws:
            await ws.receive_json()  # auth_required
            await ws.send_json({"type": "auth", "access_token": self.token})
            if (auth := await ws.receive_json())["type"] != "auth_ok":
                raise BootstrapError(f"websocket authentication failed: {auth}")
            await ws.send_json({"id": 1, **command})
            while (message := await ws.receive_json()).get("id") != 1:
                pass
            if not message.get("success"):
                raise BootstrapError(
                    f"{command['type']} failed: {message.get('error')}"
                )
            return message.get("result")

    # Start-up and authentication ----------------------------------------------------

    async def onboarding_status(self) -> dict[str, bool]:
        """Return which onboarding steps are done.

        Once onboarding is complete Home Assistant no longer serves the API (404).
        """
        steps = await self.request("GET", "/api/onboarding", expect=(200, 404))
        if not isinstance(steps, list):
            return {}
        return {str(step["step"]): bool(step["done"]) for step in steps}

    async def wait_until_up(self, within: float = 180) -> None:
        """Wait until the frontend is served (onboarding, a dependency, is set up then)."""

        async def serves_frontend() -> bool | None:
            async with self.session.get(f"{self.base_url}/manifest.json") as response:
                return response.status == 200 or None

        await wait_for(
            serves_frontend,
            within=within,
            what=f"Home Assistant at {self.base_url} to serve the frontend",
        )

    async def wait_until_running(self, within: float = 180) -> None:
        """Wait until start-up is complete (needs a token).

        Home Assistant installs its SIGTERM handler only then: stopped earlier, it
        dies without saving its registries.
        """

        async def running() -> bool | None:
            config = await self.request("GET", "/api/config")
            return config.get("state") == "RUNNING" or None

        await wait_for(running, within=within, what="Home Assistant to finish starting")

    async def _exchange_code(self, code: str) -> None:
        tokens = await self.request(
            "POST",
            "/auth/token",
            data={
                "grant_type": "authorization_code",
                "code": code,
                "client_id": self.client_id,
            },
        )
        self.token = str(tokens["access_token"])

    async def login(self, username: str, password: str) -> None:
        """Sign in with a Home Assistant user's password (the login flow)."""
        flow = await self.request(
            "POST",
            "/auth/login_flow",
            json={
                "client_id": self.client_id,
                "handler": ["homeassistant", None],
                "redirect_uri": f"{self.base_url}/?auth_callback=1",
            },
        )
        result = await self.request(
            "POST",
            f"/auth/login_flow/{flow['flow_id']}",
            json={
                "client_id": self.client_id,
                "username": username,
                "password": password,
            },
        )
        if result.get("type") != "create_entry":
            raise BootstrapError(
                f"cannot sign in as {username}: {result.get('errors')}"
            )
        await self._exchange_code(str(result["result"]))

    async def onboard(
        self,
        *,
        name: str = HA_NAME,
        username: str = HA_USERNAME,
        password: str = HA_PASSWORD,
        language: str = LANGUAGE,
    ) -> bool:
        """Finish onboarding and sign in as the owner; return whether anything was done."""
        status = await self.onboarding_status()
        if not status.get("user", True):
            created = await self.request(
                "POST",
                "/api/onboarding/users",
                json={
                    "client_id": self.client_id,
                    "name": name,
                    "username": username,
                    "password": password,
                    "language": language,
                },
            )
            await self._exchange_code(str(created["auth_code"]))
        else:
            await self.login(username, password)
        if not status.get("core_config", True):
            await self.websocket_command({"type": "config/core/update", **CORE_CONFIG})
            await self.request("POST", "/api/onboarding/core_config", json={})
        if not status.get("analytics", True):
            await self.request("POST", "/api/onboarding/analytics", json={})
        if not status.get("integration", True):
            await self.request(
                "POST",
                "/api/onboarding/integration",
                json={
                    "client_id": self.client_id,
                    "redirect_uri": f"{self.base_url}/?auth_callback=1",
                },
            )
        return not all(status.values())

    async def remove_online_services(self) -> list[str]:
        """Delete the entries onboarding made for online services; return their titles."""
        removed = []
        for domain in ONLINE_ONBOARDING_INTEGRATIONS:
            for entry in await self.config_entries(domain):
                await self.request(
                    "DELETE", f"/api/config/config_entries/entry/{entry['entry_id']}"
                )
                removed.append(str(entry.get("title") or domain))
        return removed

    # The integration ----------------------------------------------------------------

    async def config_entries(self, domain: str = DOMAIN) -> list[dict[str, Any]]:
        """Return the config entries of a domain."""
        return cast(
            "list[dict[str, Any]]",
            await self.request(
                "GET", f"/api/config/config_entries/entry?domain={domain}"
            ),
        )

    async def ensure_config_entry(
        self,
        cloud_url: str,
        email: str = DEMO_EMAIL,
        password: str = DEMO_PASSWORD,
    ) -> tuple[str, str]:
        """Set up the account unless an entry exists; return its id and what was done.

        What was done: "created", "kept", or "reconfigured" when the existing entry
        pointed to another cloud URL (e.g. the emulator moved to another port).
        """
        account = {"url": cloud_url, "username": email, "password": password}
        if not (entries := await self.config_entries()):
            flow = await self._start_flow({"handler": DOMAIN})
            result = await self._submit_flow(flow, account)
            if result.get("type") != "create_entry":
                raise BootstrapError(
                    f"the config flow did not create an entry: {result.get('errors') or result}"
                )
            return str(result["result"]["entry_id"]), "created"
        entry_id = str(entries[0]["entry_id"])
        # The reconfigure form suggests the stored URL: change it only if it differs.
        flow = await self._start_flow({"handler": DOMAIN, "entry_id": entry_id})
        stored = next(
            (
                field.get("description", {}).get("suggested_value")
                for field in flow.get("data_schema", [])
                if field.get("name") == "url"
            ),
            None,
        )
        if stored == cloud_url.rstrip("/"):
            await self.request(
                "DELETE", f"/api/config/config_entries/flow/{flow['flow_id']}"
            )
            return entry_id, "kept"
        result = await self._submit_flow(flow, account)
        if result.get("reason") != "reconfigure_successful":
            raise BootstrapError(f"reconfiguring the entry failed: {result}")
        return entry_id, "reconfigured"

    async def _start_flow(self, body: dict[str, Any]) -> dict[str, Any]:
        flow = await self.request("POST", "/api/config/config_entries/flow", json=body)
        if flow.get("type") != "form":
            raise BootstrapError(f"unexpected first step of the config flow: {flow}")
        return cast("dict[str, Any]", flow)

    async def _submit_flow(
        self, flow: dict[str, Any], user_input: dict[str, Any]
    ) -> dict[str, Any]:
        return cast(
            "dict[str, Any]",
            await self.request(
                "POST",
                f"/api/config/config_entries/flow/{flow['flow_id']}",
                json=user_input,
            ),
        )

    async def wait_for_entry_loaded(self, within: float = 60) -> dict[str, Any]:
        """Wait until the integration's entry is loaded; fail at once if setup failed."""
        last: dict[str, Any] = {}

        async def loaded() -> dict[str, Any] | None:
            for entry in await self.config_entries():
                last.update(entry)
                if entry["state"] == "loaded":
                    return entry
                if entry["state"] in ("setup_error", "migration_error"):
                    raise BootstrapError(
                        f"the entry failed to set up: {entry['state']}: {entry.get('reason')}"
                    )
            return None

        try:
            return await wait_for(loaded, within=within, what=f"{DOMAIN} entry loaded")
        except BootstrapError as err:
            if last:
                raise BootstrapError(
                    f"{err}; it is {last['state']}: {last.get('reason')} (does its "
                    "cloud URL still point to the emulator? Reconfigure it in the UI)"
                ) from err
            raise

    async def render_template(self, template: str) -> str:
        """Render a template on the server (e.g. to list an integration's entities)."""
        async with self.session.post(
            f"{self.base_url}/api/template",
            json={"template": template},
            headers=self._headers(),
        ) as response:
            text = await response.text()
            if response.status != 200:
                raise HttpError(f"POST /api/template: HTTP {response.status}: {text}")
            return text

    async def integration_devices(self, domain: str = DOMAIN) -> list[str]:
        """Return the names of the devices that have entities of an integration."""
        names = await self.render_template(
            f"{{{{ integration_entities('{domain}') | map('device_attr', 'name')"
            " | reject('none') | unique | sort | join('\\n') }}"
        )
        return [name for name in names.splitlines() if name]

    async def states(self) -> list[dict[str, Any]]:
        """Return every entity state."""
        return cast("list[dict[str, Any]]", await self.request("GET", "/api/states"))

    async def state(self, entity_id: str) -> dict[str, Any] | None:
        """Return one entity's state, or None when it does not exist."""
        result = await self.request(
            "GET", f"/api/states/{entity_id}", expect=(200, 404)
        )
        if not isinstance(result, dict) or "entity_id" not in result:
            return None
        return result


async def bootstrap(
    ha_url: str,
    cloud_url: str,
    *,
    session: aiohttp.ClientSession,
    within: float = 180,
) -> HomeAssistantClient:
    """Onboard Home Assistant and set up the demo account; return a signed-in client."""
    client = HomeAssistantClient(session, ha_url)
    await client.wait_until_up(within)
    if await client.onboard():
        print(f"Onboarded Home Assistant (owner {HA_USERNAME})", flush=True)
        if removed := await client.remove_online_services():
            print(
                f"Removed online services for this offline demo: {', '.join(removed)}",
                flush=True,
            )
    _, done = await client.ensure_config_entry(cloud_url)
    print(
        {
            "created": f"Set up ESP RainMaker with {DEMO_EMAIL} at {cloud_url}",
            "kept": "ESP RainMaker is already set up",
            "reconfigured": f"Pointed ESP RainMaker to {cloud_url}",
        }[done],
        flush=True,
    )
    await client.wait_for_entry_loaded(within)
    await client.wait_until_running(within)
    return client


def main(argv: list[str] | None = None) -> int:
    """Command line entry point (used by scripts/develop)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--ha-url", default="http://127.0.0.1:8123")
    parser.add_argument("--cloud-url", default="http://127.0.0.1:8089")
    parser.add_argument("--timeout", type=float, default=180)
    args = parser.parse_args(argv)

    async def run() -> None:
        async with new_session() as session:
            client = await bootstrap(
                args.ha_url, args.cloud_url, session=session, within=args.timeout
            )

            async def devices_present() -> list[str] | None:
                return await client.integration_devices() or None

            devices = await wait_for(
                devices_present,
                within=args.timeout,
                what="the integration's devices",
            )
            print(f"Devices: {', '.join(devices)}", flush=True)

    try:
        asyncio.run(run())
    except BootstrapError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
