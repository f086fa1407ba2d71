"""The admin API under `/_emulator/` (loopback only) that tests, the demo and benchmarks use."""

from dataclasses import asdict
from enum import StrEnum
from typing import Any

from aiohttp import web
import orjson

from .api import json_response
from .nodes import Role
from .settings import IdFields, OfflineWrites, RetryAfter, UnauthorizedBody
from .state import DEMO_EMAIL, DEMO_PASSWORD, Cloud, ServerRateLimit

SETTINGS_FIELDS = {
    "apply_delay_ms": ("apply_delay", 1000.0),
    "warmup_s": ("warmup", 1.0),
    "hazard_offline_s": ("hazard_offline", 1.0),
    "reboot_offline_s": ("reboot_offline", 1.0),
}


async def _body(request: web.Request) -> dict[str, Any]:
    raw = await request.read()
    if not raw:
        return {}
    try:
        data = orjson.loads(raw)
    except orjson.JSONDecodeError:
        raise web.HTTPBadRequest(text="invalid JSON") from None
    if not isinstance(data, dict):
        raise web.HTTPBadRequest(text="expected a JSON object")
    return data


def _error(message: str, status: int = 400) -> web.Response:
    return json_response({"error": message}, status)


def _mode[M: StrEnum](modes: type[M], value: Any) -> M | None:
    """Return the mode spelled `value`, or None if there is no such mode."""
    try:
        return modes(value)
    except ValueError:
        return None


class AdminApi:
    """Route handlers of the admin API."""

    def __init__(self, cloud: Cloud) -> None:
        """Administer one cloud."""
        self.cloud = cloud

    def routes(self) -> list[web.RouteDef]:
        """All admin routes."""
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
            web.post(f"{prefix}/seed", self.seed),
            web.get(f"{prefix}/nodes", self.list_nodes),
            web.post(f"{prefix}/nodes", self.add_node),
            web.post(f"{prefix}/nodes/params", self.set_reported_bulk),
            web.get(f"{prefix}/nodes/{{node_id}}", self.get_node),
            web.delete(f"{prefix}/nodes/{{node_id}}", self.remove_node),
            web.post(f"{prefix}/nodes/{{node_id}}/online", self.set_online),
            web.post(f"{prefix}/nodes/{{node_id}}/params", self.set_reported),
            web.post(f"{prefix}/nodes/{{node_id}}/config", self.set_config),
            web.post(f"{prefix}/nodes/{{node_id}}/quirks", self.set_quirks),
            web.post(f"{prefix}/nodes/{{node_id}}/raw_entry", self.set_raw_entry),
            web.post(f"{prefix}/nodes/{{node_id}}/share", self.share),
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
        body = await _body(request)
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
            return _error(f"unknown fault fields: {', '.join(sorted(unknown))}")
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
        body = await _body(request)
        cloud = self.cloud
        for key, value in body.items():
            if key in SETTINGS_FIELDS:
                attribute, scale = SETTINGS_FIELDS[key]
                setattr(cloud.settings, attribute, float(value) / scale)
            elif (
                key == "offline_writes"
                and (offline_writes := _mode(OfflineWrites, value)) is not None
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
                and (unauthorized_body := _mode(UnauthorizedBody, value)) is not None
            ):
                cloud.unauthorized_body = unauthorized_body
            elif (
                key == "id_fields" and (id_fields := _mode(IdFields, value)) is not None
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
                return _error(f"invalid setting {key}={value!r}")
        return json_response(self._settings())

    async def set_latency(self, request: web.Request) -> web.Response:
        """Set the latency added to every API request."""
        body = await _body(request)
        self.cloud.latency = float(body.get("ms", 0)) / 1000
        return json_response({"latency_ms": self.cloud.latency * 1000})

    async def set_rate_limit(self, request: web.Request) -> web.Response:
        """Throttle API requests with a server-side token bucket (429 beyond it)."""
        body = await _body(request)
        retry_after = body.get("retry_after")
        mode = None if retry_after is None else _mode(RetryAfter, retry_after)
        if retry_after is not None and mode is None:
            return _error("retry_after must be null, 'seconds' or 'date'")
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
        body = await _body(request)
        try:
            now = self.cloud.clock.advance(float(body.get("seconds", 0)))
        except ValueError as err:
            return _error(str(err))
        return json_response({"now": now, "offset": self.cloud.clock.offset})

    # Accounts ----------------------------------------------------------------------

    async def add_account(self, request: web.Request) -> web.Response:
        """Create an account."""
        body = await _body(request)
        try:
            account = self.cloud.add_account(
                str(body["email"]),
                str(body["password"]),
                user_id=body.get("user_id"),
                mfa=bool(body.get("mfa", False)),
            )
        except KeyError as err:
            return _error(f"missing {err}")
        except ValueError as err:
            return _error(str(err), 409)
        return json_response({"email": account.email, "user_id": account.user_id})

    async def get_account(self, request: web.Request) -> web.Response:
        """Describe an account."""
        try:
            account = self.cloud.account(request.match_info["email"])
        except KeyError as err:
            return _error(str(err), 404)
        return json_response(
            {
                "email": account.email,
                "user_id": account.user_id,
                "mfa": account.mfa,
                "nodes": sorted(account.node_ids),
                "sessions": self.cloud.tokens.count(account.email),
            }
        )

    async def remove_account(self, request: web.Request) -> web.Response:
        """Delete an account."""
        try:
            self.cloud.remove_account(request.match_info["email"])
        except KeyError as err:
            return _error(str(err), 404)
        return json_response({"removed": True})

    async def set_password(self, request: web.Request) -> web.Response:
        """Change a password; sessions are signed out unless `revoke_sessions` is false."""
        body = await _body(request)
        try:
            self.cloud.set_password(
                request.match_info["email"],
                str(body["password"]),
                revoke_sessions=bool(body.get("revoke_sessions", True)),
            )
        except KeyError as err:
            return _error(str(err), 404)
        return json_response({"changed": True})

    async def revoke_tokens(self, request: web.Request) -> web.Response:
        """Revoke refresh tokens (and access tokens with `access: true`)."""
        body = await _body(request)
        try:
            account = self.cloud.account(request.match_info["email"])
        except KeyError as err:
            return _error(str(err), 404)
        count = self.cloud.tokens.revoke(
            account.email,
            refresh=bool(body.get("refresh", True)),
            access=bool(body.get("access", False)),
        )
        return json_response({"sessions": count})

    async def seed(self, request: web.Request) -> web.Response:
        """Create an account with devices of each kind asked for (or add them to an existing one)."""
        body = await _body(request)
        counts = {
            k: int(body.get(k, 0))
            for k in ("thermacell", "lights", "switches", "fans", "sensors")
        }
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

    # Nodes -------------------------------------------------------------------------

    async def list_nodes(self, request: web.Request) -> web.Response:
        """Every node with its kind, users and connectivity."""
        return json_response(
            [
                {
                    "node_id": node.node_id,
                    "kind": node.kind.kind,
                    "users": node.users,
                    "online": node.online,
                }
                for node in self.cloud.nodes.values()
            ]
        )

    async def add_node(self, request: web.Request) -> web.Response:
        """Create a node."""
        body = await _body(request)
        try:
            node = self.cloud.add_node(
                str(body.get("kind", "")),
                str(body["owner"]),
                node_id=body.get("node_id"),
                name=body.get("name"),
                online=bool(body.get("online", True)),
                shared_with=list(body.get("shared_with", [])),
                config=body.get("config"),
                params=body.get("params"),
            )
        except KeyError as err:
            return _error(f"unknown or missing {err}")
        except ValueError as err:
            return _error(str(err))
        return json_response({"node_id": node.node_id})

    async def get_node(self, request: web.Request) -> web.Response:
        """Everything about a node: reported state, pending writes, received writes."""
        try:
            node = self.cloud.node(request.match_info["node_id"])
        except KeyError as err:
            return _error(str(err), 404)
        return json_response(node.snapshot())

    async def remove_node(self, request: web.Request) -> web.Response:
        """Delete a node."""
        try:
            self.cloud.remove_node(request.match_info["node_id"])
        except KeyError:
            return _error("no such node", 404)
        return json_response({"removed": True})

    async def set_online(self, request: web.Request) -> web.Response:
        """Connect or disconnect a node."""
        body = await _body(request)
        try:
            node = self.cloud.node(request.match_info["node_id"])
        except KeyError as err:
            return _error(str(err), 404)
        now = self.cloud.clock.now()
        node.offline_until = None
        node.set_online(bool(body.get("online", True)), now)
        return json_response({"online": node.online})

    def _overwrite(self, node_id: str, values: Any) -> web.Response | None:
        """Overwrite one node's reported params; return an error response or None."""
        try:
            node = self.cloud.node(node_id)
        except KeyError as err:
            return _error(str(err), 404)
        if not isinstance(values, dict):
            return _error(f"params of {node_id} must be an object")
        for device, params in values.items():
            if not isinstance(params, dict):
                return _error(f"params of {device} must be an object")
            node.reported.setdefault(device, {}).update(params)
        return None

    async def set_reported(self, request: web.Request) -> web.Response:
        """Overwrite reported params directly (any value, even of the wrong type)."""
        node_id = request.match_info["node_id"]
        if (error := self._overwrite(node_id, await _body(request))) is not None:
            return error
        return json_response(self.cloud.nodes[node_id].reported)

    async def set_reported_bulk(self, request: web.Request) -> web.Response:
        """Overwrite reported params of many nodes: `{node_id: {device: {param: value}}}`."""
        body = await _body(request)
        for node_id, values in body.items():
            if (error := self._overwrite(node_id, values)) is not None:
                return error
        return json_response({"updated": len(body)})

    async def set_config(self, request: web.Request) -> web.Response:
        """Replace a node's config with any JSON (a broken one included)."""
        raw = await request.read()
        try:
            config = orjson.loads(raw)
        except orjson.JSONDecodeError:
            return _error("invalid JSON")
        try:
            node = self.cloud.node(request.match_info["node_id"])
        except KeyError as err:
            return _error(str(err), 404)
        node.replace_config(config)
        return json_response({"replaced": True})

    async def set_quirks(self, request: web.Request) -> web.Response:
        """Turn device quirks on or off, e.g. `{"stuck_shutdown": true}`."""
        body = await _body(request)
        try:
            node = self.cloud.node(request.match_info["node_id"])
        except KeyError as err:
            return _error(str(err), 404)
        for key, value in body.items():
            if value in (None, False):
                node.quirks.pop(key, None)
            else:
                node.quirks[key] = value
        return json_response(node.quirks)

    async def set_raw_entry(self, request: web.Request) -> web.Response:
        """Send `{"entry": text}` as the node's listing entry, verbatim (null: stop)."""
        text = (await _body(request)).get("entry")
        if text is not None and not isinstance(text, str):
            return _error("entry must be JSON text or null")
        try:
            node = self.cloud.node(request.match_info["node_id"])
        except KeyError as err:
            return _error(str(err), 404)
        node.raw_entry = text or None
        return json_response({"verbatim": node.raw_entry is not None})

    async def share(self, request: web.Request) -> web.Response:
        """Share a node with another account, as `secondary` unless `role` says otherwise."""
        body = await _body(request)
        role = _mode(Role, body.get("role", Role.SECONDARY))
        if role is None:
            return _error("role must be 'primary' or 'secondary'")
        try:
            self.cloud.share(request.match_info["node_id"], str(body["email"]), role)
        except KeyError as err:
            return _error(str(err), 404)
        return json_response({"shared": True})
