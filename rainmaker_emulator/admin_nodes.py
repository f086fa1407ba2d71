"""The admin API's per-node calls: create, inspect, change, share, jam, update (OTA), serve local control and remove nodes."""

from dataclasses import asdict
from typing import Any

from aiohttp import web
import orjson

from .admin_request import error, parse_mode, read_body
from .api import json_response
from .devices import Lock
from .local_control import LocalLan
from .nodes import Role
from .ota import DEFAULT_DESCRIPTION, DEFAULT_FILE_SIZE
from .state import Cloud


class NodeAdmin:
    """Route handlers of the admin API for nodes."""

    def __init__(self, cloud: Cloud, local: LocalLan | None = None) -> None:
        """Administer the nodes of one cloud (and their local control, if served)."""
        self.cloud = cloud
        self.local = local

    def routes(self, prefix: str) -> list[web.RouteDef]:
        """Return the node routes under `prefix`."""
        nodes = f"{prefix}/nodes"
        return [
            web.get(nodes, self.list_nodes),
            web.post(nodes, self.add_node),
            web.post(f"{nodes}/params", self.set_reported_bulk),
            web.get(f"{nodes}/{{node_id}}", self.get_node),
            web.delete(f"{nodes}/{{node_id}}", self.remove_node),
            web.post(f"{nodes}/{{node_id}}/online", self.set_online),
            web.post(f"{nodes}/{{node_id}}/params", self.set_reported),
            web.post(f"{nodes}/{{node_id}}/config", self.set_config),
            web.post(f"{nodes}/{{node_id}}/quirks", self.set_quirks),
            web.post(f"{nodes}/{{node_id}}/raw_entry", self.set_raw_entry),
            web.post(f"{nodes}/{{node_id}}/share", self.share),
            web.post(f"{nodes}/{{node_id}}/jam", self.jam_lock),
            web.post(f"{nodes}/{{node_id}}/ota_release", self.release_ota),
            web.post(f"{nodes}/{{node_id}}/ota_fault", self.fail_next_ota),
            web.post(f"{nodes}/{{node_id}}/local", self.enable_local),
        ]

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
        body = await read_body(request)
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
            return error(f"unknown or missing {err}")
        except ValueError as err:
            return error(str(err))
        return json_response({"node_id": node.node_id})

    async def get_node(self, request: web.Request) -> web.Response:
        """Everything about a node: reported state, pending writes, received writes."""
        try:
            node = self.cloud.node(request.match_info["node_id"])
        except KeyError as err:
            return error(str(err), 404)
        return json_response(
            node.snapshot()
            | {"ota": self.cloud.ota.describe(node.node_id, self.cloud.clock.now())}
        )

    async def remove_node(self, request: web.Request) -> web.Response:
        """Delete a node."""
        try:
            self.cloud.remove_node(request.match_info["node_id"])
        except KeyError:
            return error("no such node", 404)
        return json_response({"removed": True})

    async def set_online(self, request: web.Request) -> web.Response:
        """Connect or disconnect a node."""
        body = await read_body(request)
        try:
            node = self.cloud.node(request.match_info["node_id"])
        except KeyError as err:
            return error(str(err), 404)
        now = self.cloud.clock.now()
        node.offline_until = None
        node.set_online(bool(body.get("online", True)), now)
        return json_response({"online": node.online})

    def _overwrite(self, node_id: str, values: Any) -> web.Response | None:
        """Overwrite one node's reported params; return an error response or None."""
        try:
            node = self.cloud.node(node_id)
        except KeyError as err:
            return error(str(err), 404)
        if not isinstance(values, dict):
            return error(f"params of {node_id} must be an object")
        for device, params in values.items():
            if not isinstance(params, dict):
                return error(f"params of {device} must be an object")
            node.reported.setdefault(device, {}).update(params)
        return None

    async def set_reported(self, request: web.Request) -> web.Response:
        """Overwrite reported params directly (any value, even of the wrong type)."""
        node_id = request.match_info["node_id"]
        if (error := self._overwrite(node_id, await read_body(request))) is not None:
            return error
        return json_response(self.cloud.nodes[node_id].reported)

    async def set_reported_bulk(self, request: web.Request) -> web.Response:
        """Overwrite reported params of many nodes: `{node_id: {device: {param: value}}}`."""
        body = await read_body(request)
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
            return error("invalid JSON")
        try:
            node = self.cloud.node(request.match_info["node_id"])
        except KeyError as err:
            return error(str(err), 404)
        node.replace_config(config)
        return json_response({"replaced": True})

    async def set_quirks(self, request: web.Request) -> web.Response:
        """Turn device quirks on or off, e.g. `{"stuck_shutdown": true}`."""
        body = await read_body(request)
        try:
            node = self.cloud.node(request.match_info["node_id"])
        except KeyError as err:
            return error(str(err), 404)
        for key, value in body.items():
            if value in (None, False):
                node.quirks.pop(key, None)
            else:
                node.quirks[key] = value
        return json_response(node.quirks)

    async def set_raw_entry(self, request: web.Request) -> web.Response:
        """Send `{"entry": text}` as the node's listing entry, verbatim (null: stop)."""
        text = (await read_body(request)).get("entry")
        if text is not None and not isinstance(text, str):
            return error("entry must be JSON text or null")
        try:
            node = self.cloud.node(request.match_info["node_id"])
        except KeyError as err:
            return error(str(err), 404)
        node.raw_entry = text or None
        return json_response({"verbatim": node.raw_entry is not None})

    async def share(self, request: web.Request) -> web.Response:
        """Share a node with another account, as `secondary` unless `role` says otherwise."""
        body = await read_body(request)
        role = parse_mode(Role, body.get("role", Role.SECONDARY))
        if role is None:
            return error("role must be 'primary' or 'secondary'")
        try:
            self.cloud.share(request.match_info["node_id"], str(body["email"]), role)
        except KeyError as err:
            return error(str(err), 404)
        return json_response({"shared": True})

    async def jam_lock(self, request: web.Request) -> web.Response:
        """Make a lock's next move end Jammed (`{"jam": false}`: succeed again).

        The move under way, if any, is the one that jams; a later write moves the
        bolt normally. Answers `{"jam_next_move": bool, "lock_state": str}`.
        """
        body = await read_body(request)
        try:
            node = self.cloud.node(request.match_info["node_id"])
        except KeyError as err:
            return error(str(err), 404)
        if not isinstance(node.kind, Lock):
            return error(f"node {node.node_id} is a {node.kind.kind}, not a lock")
        node.kind.jam(node, bool(body.get("jam", True)))
        return json_response(
            {
                "jam_next_move": node.sim["jam_next"],
                "lock_state": node.reported[node.kind.device_name]["Lock State"],
            }
        )

    async def release_ota(self, request: web.Request) -> web.Response:
        """Offer a node firmware: `{"fw_version", "description"?, "file_size"?}` → `{"ota_job_id"}`."""
        body = await read_body(request)
        version = body.get("fw_version")
        if not isinstance(version, str) or not version:
            return error("fw_version must be a non-empty string")
        try:
            job_id = self.cloud.release_ota(
                request.match_info["node_id"],
                version,
                str(body.get("description", DEFAULT_DESCRIPTION)),
                int(body.get("file_size", DEFAULT_FILE_SIZE)),
            )
        except KeyError as err:
            return error(str(err), 404)
        except (TypeError, ValueError):
            return error("file_size must be a number of bytes")
        return json_response({"ota_job_id": job_id})

    async def fail_next_ota(self, request: web.Request) -> web.Response:
        """Make a node's next triggered OTA job end `{"outcome": "failed"|"rejected"}`."""
        body = await read_body(request)
        try:
            self.cloud.fail_next_ota(
                request.match_info["node_id"], str(body.get("outcome"))
            )
        except KeyError as err:
            return error(str(err), 404)
        except ValueError as err:
            return error(str(err))
        return json_response({"fail_next": body["outcome"]})

    async def enable_local(self, request: web.Request) -> web.Response:
        """Serve a node's ESP Local Control: `{"security": 0|1|2}` (1 by default).

        Answers how to reach it: `{"node_id", "host", "port", "scheme", "pop", "username"}`.
        """
        if self.local is None:
            return error("this emulator serves no local control", 404)
        body = await read_body(request)
        security = body.get("security", 1)
        if security not in (0, 1, 2) or isinstance(security, bool):
            return error("security must be 0, 1 or 2")
        try:
            access = await self.local.enable(
                request.match_info["node_id"], security=security
            )
        except KeyError as err:
            return error(str(err), 404)
        return json_response(asdict(access))
