"""A small HTTP client for the admin API, used by the tests and the benchmark."""

from typing import Any

import aiohttp

from .local_control import LocalAccess


class AdminError(Exception):
    """The admin API refused a call."""


class EmulatorAdmin:
    """Drive an emulator over HTTP (`/_emulator/...`)."""

    def __init__(self, session: aiohttp.ClientSession, base_url: str) -> None:
        """Talk to the emulator at `base_url`."""
        self._session = session
        self.base_url = base_url.rstrip("/")

    async def _call(self, method: str, path: str, body: Any = None) -> Any:
        async with self._session.request(
            method, f"{self.base_url}/_emulator{path}", json=body
        ) as response:
            data = await response.json(content_type=None)
            if response.status >= 400:
                raise AdminError(f"{method} {path}: HTTP {response.status}: {data}")
            return data

    # Statistics and faults
    async def stats(self) -> dict[str, Any]:
        """Return request counters: `{"total": n, "requests": {"GET /v1/user/nodes": n}}`."""
        result: dict[str, Any] = await self._call("GET", "/stats")
        return result

    async def arrivals(self) -> list[float]:
        """Return the arrival time (monotonic seconds) of every request since the last reset."""
        result: list[float] = (await self._call("GET", "/stats?arrivals=true"))[
            "arrivals"
        ]
        return result

    async def count(self, key: str) -> int:
        """Return how many requests of one kind, e.g. `"PUT /v1/user/nodes/params"`."""
        return int((await self.stats())["requests"].get(key, 0))

    async def reset_stats(self) -> None:
        """Zero the counters."""
        await self._call("POST", "/stats/reset")

    async def add_fault(self, **rule: Any) -> dict[str, Any]:
        """Add a fault rule (method, path, status, headers, body, delay_ms, times, ...)."""
        result: dict[str, Any] = await self._call("POST", "/faults", rule)
        return result

    async def clear_faults(self) -> None:
        """Remove every fault rule."""
        await self._call("DELETE", "/faults")

    # Behaviour
    async def settings(self, **changes: Any) -> dict[str, Any]:
        """Change settings (apply_delay_ms, token_ttl_s, page_size, ...) and return them all."""
        result: dict[str, Any] = await self._call("POST", "/settings", changes)
        return result

    async def set_latency(self, ms: float) -> None:
        """Add latency to every API request."""
        await self._call("POST", "/latency", {"ms": ms})

    async def set_rate_limit(
        self, rate: float = 10, burst: int = 20, retry_after: str | None = None
    ) -> None:
        """Throttle the API server-side."""
        await self._call(
            "POST",
            "/rate_limit",
            {"rate": rate, "burst": burst, "retry_after": retry_after},
        )

    async def clear_rate_limit(self) -> int:
        """Stop throttling; return how many requests were throttled."""
        return int((await self._call("DELETE", "/rate_limit"))["throttled"])

    async def advance(self, seconds: float) -> float:
        """Advance simulated time."""
        return float(
            (await self._call("POST", "/clock/advance", {"seconds": seconds}))["now"]
        )

    # Accounts
    async def add_account(
        self,
        email: str,
        password: str | None,
        *,
        mfa: bool = False,
        user_id: str | None = None,
    ) -> str:
        """Create an account (None: no password, codes only); return its user id."""
        body: dict[str, Any] = {"email": email, "password": password, "mfa": mfa}
        if user_id is not None:
            body["user_id"] = user_id
        return str((await self._call("POST", "/accounts", body))["user_id"])

    async def account(self, email: str) -> dict[str, Any]:
        """Describe an account."""
        result: dict[str, Any] = await self._call("GET", f"/accounts/{email}")
        return result

    async def sent_codes(self, email: str) -> list[str]:
        """Return the sign-in codes sent to an account, oldest first."""
        answer = await self._call("GET", f"/accounts/{email}/codes")
        return [str(sent["code"]) for sent in answer["codes"]]

    async def last_code(self, email: str) -> str:
        """Return the newest sign-in code sent to an account."""
        codes = await self.sent_codes(email)
        if not codes:
            raise LookupError(f"no code was sent to {email}")
        return codes[-1]

    async def remove_account(self, email: str) -> None:
        """Delete an account."""
        await self._call("DELETE", f"/accounts/{email}")

    async def set_password(
        self, email: str, password: str, *, revoke_sessions: bool = True
    ) -> None:
        """Change a password."""
        await self._call(
            "POST",
            f"/accounts/{email}/password",
            {"password": password, "revoke_sessions": revoke_sessions},
        )

    async def revoke_tokens(
        self, email: str, *, refresh: bool = True, access: bool = False
    ) -> None:
        """Revoke an account's refresh (and optionally access) tokens."""
        await self._call(
            "POST",
            f"/accounts/{email}/revoke_tokens",
            {"refresh": refresh, "access": access},
        )

    async def seed(self, email: str, password: str, **counts: int) -> dict[str, Any]:
        """Create an account with devices (counts as `Cloud.seed` takes: lights=2, locks=1, ...)."""
        result: dict[str, Any] = await self._call(
            "POST", "/seed", {"email": email, "password": password, **counts}
        )
        return result

    # Nodes
    async def add_node(self, kind: str, owner: str, **options: Any) -> str:
        """Create a node; return its id."""
        body = {"kind": kind, "owner": owner, **options}
        return str((await self._call("POST", "/nodes", body))["node_id"])

    async def node(self, node_id: str) -> dict[str, Any]:
        """Return reported params, pending and received writes, connectivity and config."""
        result: dict[str, Any] = await self._call("GET", f"/nodes/{node_id}")
        return result

    async def reported(self, node_id: str, device: str) -> dict[str, Any]:
        """Return one device's reported params."""
        result: dict[str, Any] = (await self.node(node_id))["reported"][device]
        return result

    async def remove_node(self, node_id: str) -> None:
        """Delete a node."""
        await self._call("DELETE", f"/nodes/{node_id}")

    async def set_online(self, node_id: str, online: bool) -> None:
        """Connect or disconnect a node."""
        await self._call("POST", f"/nodes/{node_id}/online", {"online": online})

    async def set_params(self, node_id: str, params: dict[str, dict[str, Any]]) -> None:
        """Overwrite reported params."""
        await self._call("POST", f"/nodes/{node_id}/params", params)

    async def set_params_bulk(
        self, values: dict[str, dict[str, dict[str, Any]]]
    ) -> None:
        """Overwrite reported params of many nodes at once."""
        await self._call("POST", "/nodes/params", values)

    async def nodes(self) -> list[dict[str, Any]]:
        """List every node with its kind, users and connectivity."""
        result: list[dict[str, Any]] = await self._call("GET", "/nodes")
        return result

    async def enable_local(self, node_id: str, security: int = 1) -> LocalAccess:
        """Serve a node's ESP Local Control; return how to reach it (host, port, PoP)."""
        body = {"security": security}
        return LocalAccess(**await self._call("POST", f"/nodes/{node_id}/local", body))

    async def set_config(self, node_id: str, config: Any) -> None:
        """Replace a node's config."""
        await self._call("POST", f"/nodes/{node_id}/config", config)

    async def set_quirks(self, node_id: str, **quirks: Any) -> None:
        """Turn device quirks on or off."""
        await self._call("POST", f"/nodes/{node_id}/quirks", quirks)

    async def set_raw_entry(self, node_id: str, text: str | None) -> None:
        """Have the cloud send `text` verbatim as the node's listing entry (None: stop)."""
        await self._call("POST", f"/nodes/{node_id}/raw_entry", {"entry": text})

    async def share(self, node_id: str, email: str, role: str = "secondary") -> None:
        """Share a node with another account."""
        await self._call(
            "POST", f"/nodes/{node_id}/share", {"email": email, "role": role}
        )

    async def jam_lock(self, node_id: str, jam: bool = True) -> dict[str, Any]:
        """Make a lock's next move end Jammed (False: succeed again); return its state."""
        result: dict[str, Any] = await self._call(
            "POST", f"/nodes/{node_id}/jam", {"jam": jam}
        )
        return result

    async def release_ota(
        self,
        node_id: str,
        fw_version: str,
        description: str | None = None,
        *,
        file_size: int | None = None,
    ) -> str:
        """Offer a node a firmware version over OTA; return the job id users trigger."""
        body: dict[str, Any] = {"fw_version": fw_version}
        if description is not None:
            body["description"] = description
        if file_size is not None:
            body["file_size"] = file_size
        result = await self._call("POST", f"/nodes/{node_id}/ota_release", body)
        return str(result["ota_job_id"])

    async def fail_next_ota(self, node_id: str, outcome: str) -> None:
        """Make a node's next triggered OTA job end `failed` or `rejected`."""
        await self._call("POST", f"/nodes/{node_id}/ota_fault", {"outcome": outcome})
