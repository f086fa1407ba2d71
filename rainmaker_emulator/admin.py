"""The admin API under `/_emulator/` (loopback only) that tests, the demo and benchmarks use."""

from dataclasses import asdict
from typing import Any

from aiohttp import web

from .admin_nodes import NodeAdmin
from .admin_request import error, parse_mode, read_body
from .api import json_response
from .local_control import LocalLan
from .seeding import SEED_KINDS
from .settings import IdFields, OfflineWrites, RetryAfter, UnauthorizedBody
from .state import DEMO_EMAIL, DEMO_PASSWORD, Cloud, ServerRateLimit

SETTINGS_FIELDS = {
    "apply_delay_ms": ("apply_delay", 1000.0),
    "warmup_s": ("warmup", 1.0),
    "hazard_offline_s": ("hazard_offline", 1.0),
    "reboot_offline_s": ("reboot_offline", 1.0),
}


class AdminApi:
    """Route handlers of the admin API."""

    def __init__(self, cloud: Cloud, local: LocalLan | None = None) -> None:
        """Administer one cloud (and the local control of its nodes, if served)."""
        self.cloud = cloud
        self.local = local

    def routes(self) -> list[web.RouteDef]:
        """All admin routes, the per-node ones (`NodeAdmin`) included."""
        prefix = "/_emulator"
        return [
            web.get(f"{prefix}/stats", self.stats),
            web.post(f"{prefix}/stats/reset", self.reset_stats),
            web.get(f"{prefix}/faults", self.list_faults),
            web.post(f"{prefix}/faults", self.add_fault),
            web.delete(f"{prefix}/faults", self.clear_faults),
            web.get(f"{prefix}/settings", self.get_settings),
            web.post(f"{prefix}/settings", self.update_settings),
            web.post(f"{prefix}/latency", self.set_latency),
            web.post(f"{prefix}/rate_limit", self.set_rate_limit),
            web.delete(f"{prefix}/rate_limit", self.clear_rate_limit),
            web.get(f"{prefix}/clock", self.get_clock),
            web.post(f"{prefix}/clock/advance", self.advance_clock),
            web.post(f"{prefix}/accounts", self.add_account),
            web.get(f"{prefix}/accounts/{{email}}", self.get_account),
            web.delete(f"{prefix}/accounts/{{email}}", self.remove_account),
            web.post(f"{prefix}/accounts/{{email}}/password", self.set_password),
            web.post(f"{prefix}/accounts/{{email}}/revoke_tokens", self.revoke_tokens),
            web.get(f"{prefix}/accounts/{{email}}/codes", self.sent_codes),
            web.post(f"{prefix}/seed", self.seed),
            *NodeAdmin(self.cloud, self.local).routes(prefix),
        ]

    # Statistics and faults ---------------------------------------------------------

    async def stats(self, request: web.Request) -> web.Response:
        """Return request counters; `?arrivals=true` adds every request's arrival time."""
        snapshot = self.cloud.stats_snapshot()
        if request.query.get("arrivals") == "true":
            snapshot["arrivals"] = list(self.cloud.arrivals)
        return json_response(snapshot)

    async def reset_stats(self, request: web.Request) -> web.Response:
        """Zero the request counters."""
        self.cloud.reset_stats()
        return json_response(self.cloud.stats_snapshot())

    async def list_faults(self, request: web.Request) -> web.Response:
        """Active fault rules."""
        return json_response([fault.as_dict() for fault in self.cloud.faults])

    async def add_fault(self, request: web.Request) -> web.Response:
        """Register a fault rule."""
        body = await read_body(request)
        allowed = {
            "method",
            "path",
            "status",
            "headers",
            "body",
            "delay_ms",
            "times",
            "drop_connection",
            "malformed",
        }
        if unknown := set(body) - allowed:
            return error(f"unknown fault fields: {', '.join(sorted(unknown))}")
        fault = self.cloud.add_fault(**body)
        return json_response(fault.as_dict())

    async def clear_faults(self, request: web.Request) -> web.Response:
        """Remove every fault rule."""
        self.cloud.faults.clear()
        return json_response([])

    # Behaviour ---------------------------------------------------------------------

    def _settings(self) -> dict[str, Any]:
        settings = asdict(self.cloud.settings)
        return {
            "apply_delay_ms": settings["apply_delay"] * 1000,
            "warmup_s": settings["warmup"],
            "hazard_offline_s": settings["hazard_offline"],
            "reboot_offline_s": settings["reboot_offline"],
            "offline_writes": settings["offline_writes"],
            "token_ttl_s": self.cloud.tokens.access_ttl,
            "refresh_ttl_s": self.cloud.tokens.refresh_ttl,
            "page_size": self.cloud.page_size,
            "latency_ms": self.cloud.latency * 1000,
            "unauthorized_body": self.cloud.unauthorized_body,
            "accept_bearer": self.cloud.accept_bearer,
            "bulk_207": self.cloud.bulk_207,
            "id_fields": self.cloud.id_fields,
            "string_error_codes": self.cloud.string_error_codes,
            "paging_cycle": self.cloud.paging_cycle,
            "reported_total": self.cloud.reported_total,
            "refresh_without_idtoken": self.cloud.refresh_without_idtoken,
        }

    async def get_settings(self, request: web.Request) -> web.Response:
        """Return current behaviour settings."""
        return json_response(self._settings())

    async def update_settings(self, request: web.Request) -> web.Response:
        """Change behaviour settings; unknown keys are refused."""
        body = await read_body(request)
        cloud = self.cloud
        for key, value in body.items():
            if key in SETTINGS_FIELDS:
                attribute, scale = SETTINGS_FIELDS[key]
                setattr(cloud.settings, attribute, float(value) / scale)
            elif (
                key == "offline_writes"
                and (offline_writes := parse_mode(OfflineWrites, value)) is not None
            ):
                cloud.settings.offline_writes = offline_writes
            elif key == "token_ttl_s":
                cloud.tokens.access_ttl = float(value)
            elif key == "refresh_ttl_s":
                cloud.tokens.refresh_ttl = float(value)
            elif key == "page_size" and int(value) >= 1:
                cloud.page_size = int(value)
            elif key == "latency_ms":
                cloud.latency = float(value) / 1000
            elif (
                key == "unauthorized_body"
                and (unauthorized_body := parse_mode(UnauthorizedBody, value))
                is not None
            ):
                cloud.unauthorized_body = unauthorized_body
            elif (
                key == "id_fields"
                and (id_fields := parse_mode(IdFields, value)) is not None
            ):
                cloud.id_fields = id_fields
            elif key in (
                "accept_bearer",
                "bulk_207",
                "string_error_codes",
                "paging_cycle",
                "refresh_without_idtoken",
            ):
                setattr(cloud, key, bool(value))
            elif key == "reported_total" and (value is None or int(value) >= 0):
                cloud.reported_total = None if value is None else int(value)
            else:
                return error(f"invalid setting {key}={value!r}")
        return json_response(self._settings())

    async def set_latency(self, request: web.Request) -> web.Response:
        """Set the latency added to every API request."""
        body = await read_body(request)
        self.cloud.latency = float(body.get("ms", 0)) / 1000
        return json_response({"latency_ms": self.cloud.latency * 1000})

    async def set_rate_limit(self, request: web.Request) -> web.Response:
        """Throttle API requests with a server-side token bucket (429 beyond it)."""
        body = await read_body(request)
        retry_after = body.get("retry_after")
        mode = None if retry_after is None else parse_mode(RetryAfter, retry_after)
        if retry_after is not None and mode is None:
            return error("retry_after must be null, 'seconds' or 'date'")
        self.cloud.rate_limit = ServerRateLimit(
            rate=float(body.get("rate", 10)),
            burst=int(body.get("burst", 20)),
            retry_after=mode,
        )
        return json_response(
            {"rate": self.cloud.rate_limit.rate, "burst": self.cloud.rate_limit.burst}
        )

    async def clear_rate_limit(self, request: web.Request) -> web.Response:
        """Stop throttling; report how many requests were throttled."""
        throttled = self.cloud.rate_limit.throttled if self.cloud.rate_limit else 0
        self.cloud.rate_limit = None
        return json_response({"throttled": throttled})

    async def get_clock(self, request: web.Request) -> web.Response:
        """Return simulated time."""
        return json_response(
            {"now": self.cloud.clock.now(), "offset": self.cloud.clock.offset}
        )

    async def advance_clock(self, request: web.Request) -> web.Response:
        """Move simulated time forward (device behaviour catches up lazily)."""
        body = await read_body(request)
        try:
            now = self.cloud.clock.advance(float(body.get("seconds", 0)))
        except ValueError as err:
            return error(str(err))
        return json_response({"now": now, "offset": self.cloud.clock.offset})

    # Accounts ----------------------------------------------------------------------

    async def add_account(self, request: web.Request) -> web.Response:
        """Create an account."""
        body = await read_body(request)
        try:
            password = body.get("password")
            account = self.cloud.add_account(
                str(body["email"]),
                None if password is None else str(password),
                user_id=body.get("user_id"),
                mfa=bool(body.get("mfa", False)),
            )
        except KeyError as err:
            return error(f"missing {err}")
        except ValueError as err:
            return error(str(err), 409)
        return json_response({"email": account.email, "user_id": account.user_id})

    async def get_account(self, request: web.Request) -> web.Response:
        """Describe an account."""
        try:
            account = self.cloud.account(request.match_info["email"])
        except KeyError as err:
            return error(str(err), 404)
        return json_response(
            {
                "email": account.email,
                "user_id": account.user_id,
                "mfa": account.mfa,
                "password": account.password is not None,
                "nodes": sorted(account.node_ids),
                "sessions": self.cloud.tokens.count(account.email),
            }
        )

    async def sent_codes(self, request: web.Request) -> web.Response:
        """Return the sign-in codes sent to an account, oldest first (its inbox)."""
        try:
            account = self.cloud.account(request.match_info["email"])
        except KeyError as err:
            return error(str(err), 404)
        return json_response(
            {
                "codes": [
                    {"code": sent.code, "sent_at": sent.sent_at, "reason": sent.reason}
                    for sent in self.cloud.sign_in.sent(account.email)
                ]
            }
        )

    async def remove_account(self, request: web.Request) -> web.Response:
        """Delete an account."""
        try:
            self.cloud.remove_account(request.match_info["email"])
        except KeyError as err:
            return error(str(err), 404)
        return json_response({"removed": True})

    async def set_password(self, request: web.Request) -> web.Response:
        """Change a password; sessions are signed out unless `revoke_sessions` is false."""
        body = await read_body(request)
        try:
            self.cloud.set_password(
                request.match_info["email"],
                str(body["password"]),
                revoke_sessions=bool(body.get("revoke_sessions", True)),
            )
        except KeyError as err:
            return error(str(err), 404)
        return json_response({"changed": True})

    async def revoke_tokens(self, request: web.Request) -> web.Response:
        """Revoke refresh tokens (and access tokens with `access: true`)."""
        body = await read_body(request)
        try:
            account = self.cloud.account(request.match_info["email"])
        except KeyError as err:
            return error(str(err), 404)
        count = self.cloud.tokens.revoke(
            account.email,
            refresh=bool(body.get("refresh", True)),
            access=bool(body.get("access", False)),
        )
        return json_response({"sessions": count})

    async def seed(self, request: web.Request) -> web.Response:
        """Create an account with devices of each kind asked for (or add them to an existing one)."""
        body = await read_body(request)
        counts = {count: int(body.get(count, 0)) for count in SEED_KINDS}
        account = self.cloud.seed(
            str(body.get("email", DEMO_EMAIL)),
            str(body.get("password", DEMO_PASSWORD)),
            **counts,
        )
        return json_response(
            {
                "email": account.email,
                "user_id": account.user_id,
                "nodes": sorted(account.node_ids),
            }
        )
