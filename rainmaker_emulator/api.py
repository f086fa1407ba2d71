"""The public RainMaker REST API, the user endpoints that clients call.

Paths, answer shapes, error codes and descriptions follow Espressif's public
sources: the esp-rainmaker-cli, the RainMaker phone apps and the API's Swagger
description.
"""

from typing import Any

from aiohttp import web
import orjson

from .endpoints import Endpoint
from .groups import Group, optional_fields
from .nodes import EmulatedNode
from .settings import OfflineWrites, UnauthorizedBody
from .sign_in import CodeOutcome
from .state import Account, Cloud
from .tokens import Session

CLOUD: web.AppKey[Cloud] = web.AppKey("cloud", Cloud)

# Error codes and descriptions of the real cloud.
INVALID_BODY = (100006, "Invalid request body")
NODE_ID_MISSING = (100009, "Node Id is missing")
NODE_NOT_OWNED = (100010, "Node does not belong to user")
INVALID_REQUEST = (100012, "Invalid Request")
USER_NAME_MISSING = (101001, "User name is missing")
EMAIL_FORMAT = (101002, "Email-id is not in correct format")
PASSWORD_MISSING = (101003, "Password or verification code is missing")
BAD_CREDENTIALS = (101009, "Incorrect user name or password")
REFRESH_FAILED = (101017, "Refresh token failed")
USER_MISSING = (101025, "User does not exist")
ATTEMPT_LIMIT = (101019, "Attempt limit exceeded, please try after some time")
# The answers to a one-time code (`login2` with `session` and `verification_code`).
# 101012 and 101019 are in the iOS app's error table (esp-rainmaker-ios,
# UserManagement/Workers/ESPAPIErrorWorker.swift, ESPErrorCodeDescription). No
# public source names the code of an expired or unknown session: the emulator
# answers 101016 "Login failed" from the same table, as the cloud's Cognito reports
# such a session as a failed login.
LOGIN_FAILED = (101016, "Login failed")
CODE_MISSING = (101030, "Verification code is missing")
CODE_ERRORS = {
    CodeOutcome.WRONG: (101012, "Verification code is incorrect"),
    CodeOutcome.EXPIRED: LOGIN_FAILED,
    CodeOutcome.INVALID_SESSION: LOGIN_FAILED,
    CodeOutcome.TOO_MANY_ATTEMPTS: ATTEMPT_LIMIT,
}
LOGOUT_FLAG = (
    101036,
    "Error, Invalid logout_all value specified. [Valid values are true/false]",
)
UPDATE_FAILED = (102002, "Updating node parameter failed")
OTA_UNAVAILABLE = (105065, "No update available")
# The group codes are the emulator's own: no public source lists the cloud's.
GROUP_ID_MISSING = (108001, "Group id is missing")
GROUP_MISSING = (108002, "Group does not exist")
GROUP_NAME_MISSING = (108003, "Group name is missing")
GROUP_OPERATIONS = ("add", "remove")


def json_response(
    data: Any, status: int = 200, headers: dict[str, str] | None = None
) -> web.Response:
    """Serialise with orjson, as JSON."""
    return web.Response(
        body=orjson.dumps(data),
        status=status,
        headers=headers,
        content_type="application/json",
    )


def failure(
    error: tuple[int, str],
    status: int = 400,
    description: str | None = None,
    *,
    code_as_string: bool = False,
) -> web.Response:
    """Return the cloud's failure body (`error_code` a number, or a string if asked)."""
    code, text = error
    return json_response(
        {
            "status": "failure",
            "description": description or text,
            "error_code": str(code) if code_as_string else code,
        },
        status,
    )


def success(description: str, **extra: Any) -> web.Response:
    """Return the cloud's success body."""
    return json_response({"status": "success", "description": description, **extra})


def _flag(request: web.Request, name: str, default: bool) -> bool:
    value = request.query.get(name)
    if value is None:
        return default
    return value.strip().lower() == "true"


def _node_id(request: web.Request) -> str | None:
    return request.query.get("node_id") or request.query.get("nodeid")


def _with_verbatim_entries(answer: Any, verbatim: dict[str, str]) -> web.Response:
    """Serialise `answer`, putting each placeholder's JSON text in its place as is."""
    body = orjson.dumps(answer)
    for placeholder, text in verbatim.items():
        body = body.replace(orjson.dumps(placeholder), text.encode())
    return web.Response(body=body, content_type="application/json")


def _group_nodes(body: dict[str, Any]) -> list[str] | None:
    """Return the node ids a group request names (`nodes`, or `node_list`), None if malformed."""
    node_ids = body.get("nodes", body.get("node_list", []))
    if not isinstance(node_ids, list) or not all(
        isinstance(node_id, str) for node_id in node_ids
    ):
        return None
    return node_ids


async def _json_body(request: web.Request) -> Any:
    raw = await request.read()
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError:
        raise ValueError("invalid JSON") from None


class PublicApi:
    """Route handlers of `/apiversions`, `/mqtt_host` and `/v1/...`."""

    def __init__(self, cloud: Cloud) -> None:
        """Serve one cloud."""
        self.cloud = cloud

    def _failure(
        self, error: tuple[int, str], status: int = 400, description: str | None = None
    ) -> web.Response:
        return failure(
            error, status, description, code_as_string=self.cloud.string_error_codes
        )

    def routes(self) -> list[web.RouteDef]:
        """Return all public routes."""
        handlers = {
            Endpoint.API_VERSIONS: self.api_versions,
            Endpoint.MQTT_HOST: self.mqtt_host,
            Endpoint.LOGIN: self.login,
            Endpoint.LOGIN_V1: self.login,
            Endpoint.LOGOUT: self.logout,
            Endpoint.USER: self.user,
            Endpoint.USER_V1: self.user,
            Endpoint.NODES: self.list_nodes,
            Endpoint.NODE_CONFIG: self.node_config,
            Endpoint.NODE_STATUS: self.node_status,
            Endpoint.NODE_PARAMS: self.node_params,
            Endpoint.SET_PARAMS: self.set_params,
            Endpoint.OTA_UPDATE: self.ota_update,
            Endpoint.OTA_TRIGGER: self.ota_trigger,
            Endpoint.OTA_STATUS: self.ota_status,
            Endpoint.GROUPS: self.groups,
            Endpoint.GROUP_CREATE: self.create_group,
            Endpoint.GROUP_UPDATE: self.update_group,
            Endpoint.GROUP_DELETE: self.delete_group,
        }
        return [
            web.route(endpoint.method, endpoint.path, handler)
            for endpoint, handler in handlers.items()
        ]

    # Unauthenticated ---------------------------------------------------------------

    async def api_versions(self, request: web.Request) -> web.Response:
        """Supported API versions."""
        return json_response(
            {
                "supported_versions": ["v1"],
                "additional_info": [
                    {
                        "version": "v1",
                        "build_info": "emulator",
                        "release_notes": "RainMaker emulator",
                    }
                ],
            }
        )

    async def mqtt_host(self, request: web.Request) -> web.Response:
        """Return the MQTT endpoint nodes use (not usable by clients)."""
        return json_response(
            {
                "mqtt_host": "a1b2c3d4e5f6g7-ats.iot.us-east-1.amazonaws.com",
                "mqtt_cred_host": "c1d2e3f4g5h6i7.credentials.iot.us-east-1.amazonaws.com",
            }
        )

    async def login(self, request: web.Request) -> web.Response:
        """Password login, MFA completion or token refresh."""
        try:
            body = await _json_body(request)
        except ValueError:
            return self._failure(INVALID_BODY)
        if not isinstance(body, dict):
            return self._failure(INVALID_BODY)
        if "refreshtoken" in body:
            user_name = body.get("user_name")
            tokens = self.cloud.tokens.refresh(
                str(body["refreshtoken"]),
                user_name if isinstance(user_name, str) else None,
            )
            if tokens is None:
                return self._failure(REFRESH_FAILED)
            if self.cloud.refresh_without_idtoken:
                tokens.pop("idtoken")
            return success("Login successful", **tokens)
        user_name = body.get("user_name")
        if not isinstance(user_name, str) or not user_name.strip():
            return self._failure(USER_NAME_MISSING)
        if "@" not in user_name and not user_name.startswith("+"):
            return self._failure(EMAIL_FORMAT)
        try:
            account = self.cloud.account(user_name)
        except KeyError:
            return self._failure(USER_MISSING)
        if "session" in body or "verification_code" in body:
            return self._answer_code(account, body)
        if "password" not in body:
            # The user name alone: sign in with a code sent to the user.
            return self._send_code(account, "sign_in")
        password = body["password"]
        if not isinstance(password, str) or not password:
            return self._failure(PASSWORD_MISSING)
        if account.password is None or password != account.password:
            return self._failure(BAD_CREDENTIALS)
        if account.mfa:
            return self._send_code(account, "mfa")
        return success(
            "Login successful",
            **self.cloud.tokens.login(account.email, account.user_id),
        )

    def _send_code(self, account: Account, reason: str) -> web.Response:
        session = self.cloud.sign_in.start(account.email, reason)
        if session is None:
            return self._failure(ATTEMPT_LIMIT)
        return success("Verification code sent", session=session)

    def _answer_code(self, account: Account, body: dict[str, Any]) -> web.Response:
        session, code = body.get("session"), body.get("verification_code")
        if not isinstance(session, str) or not session:
            return self._failure(LOGIN_FAILED)
        if not isinstance(code, str) or not code:
            return self._failure(CODE_MISSING)
        outcome = self.cloud.sign_in.answer(session, account.email, code)
        if outcome is not CodeOutcome.ACCEPTED:
            return self._failure(CODE_ERRORS[outcome])
        return success(
            "Login successful",
            **self.cloud.tokens.login(account.email, account.user_id),
        )

    # Authenticated -----------------------------------------------------------------

    def _session(self, request: web.Request) -> Session | web.Response:
        token = request.headers.get("Authorization", "")
        if self.cloud.accept_bearer and token.startswith("Bearer "):
            token = token.removeprefix("Bearer ")
        session = self.cloud.tokens.verify(token) if token else None
        if session is None or session.email not in self.cloud.accounts:
            if self.cloud.unauthorized_body == UnauthorizedBody.STATUS:
                return json_response(
                    {"status": "failure", "description": "Unauthorized"}, 401
                )
            return json_response({"message": "Unauthorized"}, 401)
        return session

    async def logout(self, request: web.Request) -> web.Response:
        """End the calling session, or all sessions of the account."""
        session = self._session(request)
        if isinstance(session, web.Response):
            return session
        flag = request.query.get("logout_all")
        raw = await request.read()
        if flag is None and raw:
            try:
                body = orjson.loads(raw)
            except orjson.JSONDecodeError:
                return self._failure(INVALID_BODY)
            flag = (
                str(body.get("logout_all", "false")).lower()
                if isinstance(body, dict)
                else None
            )
        flag = (flag or "false").lower()
        if flag not in ("true", "false"):
            return self._failure(LOGOUT_FLAG)
        if flag == "true":
            self.cloud.tokens.revoke(session.email, refresh=True, access=True)
        else:
            self.cloud.tokens.end(session)
        return success("Logged out successfully")

    async def user(self, request: web.Request) -> web.Response:
        """Return the caller's profile."""
        session = self._session(request)
        if isinstance(session, web.Response):
            return session
        account = self.cloud.account(session.email)
        return json_response(
            {"user_id": account.user_id, "user_name": account.email, "mfa": account.mfa}
        )

    def _owned(
        self, request: web.Request, session: Session
    ) -> EmulatedNode | web.Response:
        """Return the node the query names, if the caller has it, simulated up to now."""
        return self._owned_id(_node_id(request), session)

    def _owned_id(self, node_id: Any, session: Session) -> EmulatedNode | web.Response:
        """Return the node of this id, if the caller has it, simulated up to now."""
        if not isinstance(node_id, str) or not node_id:
            return self._failure(NODE_ID_MISSING)
        node = self.cloud.nodes.get(node_id)
        if node is None or session.email not in node.users:
            return self._failure(NODE_NOT_OWNED)
        return node

    async def list_nodes(self, request: web.Request) -> web.Response:
        """Return the node listing, with optional details, paged by `start_id`/`next_id`."""
        session = self._session(request)
        if isinstance(session, web.Response):
            return session
        flags = {
            "status": _flag(request, "status", True),
            "config": _flag(request, "config", True),
            "params": _flag(request, "params", True),
        }
        if "node_id" in request.query or "nodeid" in request.query:
            node = self._owned(request, session)
            if isinstance(node, web.Response):
                return node
            placeholder = f"\x00verbatim:{node.node_id}"
            return _with_verbatim_entries(
                {
                    "nodes": [node.node_id],
                    "node_details": [
                        placeholder
                        if node.raw_entry is not None
                        else node.details(
                            session.email, id_fields=self.cloud.id_fields, **flags
                        )
                    ],
                    "total": 1,
                },
                {placeholder: node.raw_entry} if node.raw_entry is not None else {},
            )
        size = self._page_size(request)
        if isinstance(size, web.Response):
            return size
        ids, next_id = self.cloud.page(
            session.email, request.query.get("start_id"), size
        )
        total = self.cloud.reported_total
        answer: dict[str, Any] = {
            "nodes": ids,
            "total": len(self.cloud.visible(session.email)) if total is None else total,
        }
        verbatim: dict[str, str] = {}
        if _flag(request, "node_details", False):
            self.cloud.config_pages += flags["config"]
            details: list[Any] = []
            for node_id in ids:
                node = self.cloud.nodes[node_id]
                if node.raw_entry is not None:
                    placeholder = f"\x00verbatim:{node_id}"
                    verbatim[placeholder] = node.raw_entry
                    details.append(placeholder)
                else:
                    details.append(
                        node.details(
                            session.email, id_fields=self.cloud.id_fields, **flags
                        )
                    )
            answer["node_details"] = details
        if next_id is not None:
            answer["next_id"] = next_id
        return _with_verbatim_entries(answer, verbatim)

    def _page_size(self, request: web.Request) -> int | web.Response:
        """Return the page size `num_records` asks for, within the cloud's."""
        try:
            size = int(request.query.get("num_records", self.cloud.page_size))
        except ValueError:
            return self._failure(INVALID_REQUEST, description="Invalid num_records")
        return max(1, min(size, self.cloud.page_size))

    async def _one(self, request: web.Request) -> EmulatedNode | web.Response:
        session = self._session(request)
        if isinstance(session, web.Response):
            return session
        return self._owned(request, session)

    async def node_config(self, request: web.Request) -> web.Response:
        """One node's config."""
        node = await self._one(request)
        return node if isinstance(node, web.Response) else json_response(node.config)

    async def node_status(self, request: web.Request) -> web.Response:
        """One node's connectivity."""
        node = await self._one(request)
        return (
            node
            if isinstance(node, web.Response)
            else json_response(node.connectivity())
        )

    async def node_params(self, request: web.Request) -> web.Response:
        """One node's reported params."""
        node = await self._one(request)
        return node if isinstance(node, web.Response) else json_response(node.reported)

    async def set_params(self, request: web.Request) -> web.Response:
        """Write params: single-node form (query + object) or bulk form (array)."""
        session = self._session(request)
        if isinstance(session, web.Response):
            return session
        try:
            body = await _json_body(request)
        except ValueError:
            return self._failure(INVALID_BODY)
        if "node_id" in request.query or "nodeid" in request.query:
            owned = self._owned(request, session)
            if isinstance(owned, web.Response):
                return owned
            if not isinstance(body, dict):
                return self._failure(INVALID_REQUEST)
            code, description = self._write(owned, body)
            if code is not None:
                return self._failure(
                    (code, description), 500 if code == UPDATE_FAILED[0] else 400
                )
            return success("Successfully set params")
        if not isinstance(body, list) or not body:
            return self._failure(INVALID_REQUEST)
        if not all(
            isinstance(item, dict) and isinstance(item.get("node_id"), str)
            for item in body
        ):
            return self._failure(INVALID_REQUEST)
        results = []
        for item in body:
            node_id = item["node_id"]
            node = self.cloud.nodes.get(node_id)
            if node is None or session.email not in node.users:
                code, description = NODE_NOT_OWNED
            else:
                code, description = self._write(node, item.get("payload"))
            if code is None:
                results.append(
                    {
                        "node_id": node_id,
                        "status": "success",
                        "description": description,
                    }
                )
            else:
                results.append(
                    {
                        "node_id": node_id,
                        "status": "failure",
                        "description": description,
                        "error_code": str(code)
                        if self.cloud.string_error_codes
                        else code,
                    }
                )
        mixed = len({result["status"] for result in results}) > 1
        return json_response(results, 207 if mixed and self.cloud.bulk_207 else 200)

    def _write(self, node: EmulatedNode, payload: Any) -> tuple[int | None, str]:
        """Validate and queue one node's write; return (error code, description)."""
        now = self.cloud.clock.now()
        reason = node.check_write(payload)
        if reason is not None:
            if node.hazardous(payload):
                node.go_offline(now, now + self.cloud.settings.hazard_offline)
            return INVALID_REQUEST[0], reason
        if not node.online:
            policy = self.cloud.settings.offline_writes
            if policy == OfflineWrites.REJECT:
                return UPDATE_FAILED[0], "Node is offline"
            if policy == OfflineWrites.DROP:
                return None, "Successfully set params"
        node.accept_write(payload, now)
        return None, "Successfully set params"

    # OTA for users -----------------------------------------------------------------

    async def ota_update(self, request: web.Request) -> web.Response:
        """Tell whether the cloud has newer firmware for a node, and the job that installs it."""
        node = await self._one(request)
        if isinstance(node, web.Response):
            return node
        release = self.cloud.ota.available(node)
        if release is None:
            return success("No update available", ota_available=False)
        return success(
            release.description,
            ota_available=True,
            fw_version=release.fw_version,
            ota_job_id=release.job_id,
            file_size=release.file_size,
        )

    async def ota_trigger(self, request: web.Request) -> web.Response:
        """Start (or retry) the OTA job a node is offered: `{"node_id", "ota_job_id"}`."""
        parsed = await self._object_body(request)
        if isinstance(parsed, web.Response):
            return parsed
        session, body = parsed
        node = self._owned_id(body.get("node_id", body.get("nodeid")), session)
        if isinstance(node, web.Response):
            return node
        job_id = body.get("ota_job_id")
        now = self.cloud.clock.now()
        if not isinstance(job_id, str) or not self.cloud.ota.trigger(node, job_id, now):
            return self._failure(OTA_UNAVAILABLE)
        return success("OTA update triggered")

    async def ota_status(self, request: web.Request) -> web.Response:
        """Return the state of a node's triggered OTA job, as of now."""
        node = await self._one(request)
        if isinstance(node, web.Response):
            return node
        job = self.cloud.ota.job(node.node_id, request.query.get("ota_job_id", ""))
        if job is None:
            return self._failure(OTA_UNAVAILABLE)
        return json_response(job.status(self.cloud.clock.now()))

    # Node groups -------------------------------------------------------------------

    def _group(self, request: web.Request, session: Session) -> Group | web.Response:
        """Return the caller's group that `group_id` names."""
        group_id = request.query.get("group_id")
        if not group_id:
            return self._failure(GROUP_ID_MISSING)
        group = self.cloud.groups.get(session.email, group_id)
        return self._failure(GROUP_MISSING) if group is None else group

    def _group_entry(
        self, group: Group, email: str, node_list: bool, node_details: bool
    ) -> dict[str, Any]:
        """Return a group as the listing shows it, with its node ids or details if asked."""
        entry = group.summary()
        if node_list or node_details:
            entry["nodes"] = list(group.nodes)
        if node_details:
            entry["node_details"] = [
                self.cloud.nodes[node_id].details(email, id_fields=self.cloud.id_fields)
                for node_id in group.nodes
            ]
        return entry

    def _foreign(self, session: Session, node_ids: list[str]) -> bool:
        """Tell whether some of the nodes are not the caller's."""
        return not set(node_ids) <= self.cloud.account(session.email).node_ids

    async def groups(self, request: web.Request) -> web.Response:
        """List the caller's groups (one with `group_id`), paged by `start_id`/`next_id`."""
        session = self._session(request)
        if isinstance(session, web.Response):
            return session
        next_id: str | None = None
        if "group_id" in request.query:
            group = self._group(request, session)
            if isinstance(group, web.Response):
                return group
            page, total = [group], 1
        else:
            size = self._page_size(request)
            if isinstance(size, web.Response):
                return size
            start_id = request.query.get("start_id")
            page, next_id = self.cloud.groups.page(session.email, start_id, size)
            total = len(self.cloud.groups.of(session.email))
        node_list = _flag(request, "node_list", False)
        node_details = _flag(request, "node_details", False)
        answer: dict[str, Any] = {
            "groups": [
                self._group_entry(group, session.email, node_list, node_details)
                for group in page
            ],
            "total": total,
        }
        if next_id is not None:
            answer["next_id"] = next_id
        return json_response(answer)

    async def _object_body(
        self, request: web.Request
    ) -> tuple[Session, dict[str, Any]] | web.Response:
        """Return the caller and the JSON object the request sends (an OTA or group call)."""
        session = self._session(request)
        if isinstance(session, web.Response):
            return session
        try:
            body = await _json_body(request)
        except ValueError:
            return self._failure(INVALID_BODY)
        if not isinstance(body, dict):
            return self._failure(INVALID_BODY)
        return session, body

    async def create_group(self, request: web.Request) -> web.Response:
        """Create a group of the caller's nodes: `{"group_name", "nodes"|"node_list"}`."""
        parsed = await self._object_body(request)
        if isinstance(parsed, web.Response):
            return parsed
        session, body = parsed
        name = body.get("group_name")
        if not isinstance(name, str) or not name.strip():
            return self._failure(GROUP_NAME_MISSING)
        node_ids = _group_nodes(body)
        if node_ids is None:
            return self._failure(INVALID_REQUEST)
        if self._foreign(session, node_ids):
            return self._failure(NODE_NOT_OWNED)
        group = self.cloud.groups.create(
            session.email, name, node_ids, **optional_fields(body)
        )
        return success("Group created successfully", group_id=group.group_id)

    async def update_group(self, request: web.Request) -> web.Response:
        """Add or remove nodes (`operation` and `nodes`), rename, or change other fields."""
        parsed = await self._object_body(request)
        if isinstance(parsed, web.Response):
            return parsed
        session, body = parsed
        group = self._group(request, session)
        if isinstance(group, web.Response):
            return group
        name = body.get("group_name")
        if name is not None and (not isinstance(name, str) or not name.strip()):
            return self._failure(GROUP_NAME_MISSING)
        operation = body.get("operation")
        listed = bool({"nodes", "node_list"} & set(body))
        node_ids = _group_nodes(body) if listed else None
        changes_nodes = operation is not None or listed
        if changes_nodes and (operation not in GROUP_OPERATIONS or node_ids is None):
            return self._failure(INVALID_REQUEST)
        if not changes_nodes and name is None and not optional_fields(body):
            return self._failure(INVALID_REQUEST)
        if node_ids is not None and operation == "add":
            if self._foreign(session, node_ids):
                return self._failure(NODE_NOT_OWNED)
            group.add(node_ids)
        elif node_ids is not None:
            group.remove(node_ids)
        if name is not None:
            group.group_name = name
        group.extra.update(optional_fields(body))
        return success("Group updated successfully")

    async def delete_group(self, request: web.Request) -> web.Response:
        """Delete one of the caller's groups."""
        session = self._session(request)
        if isinstance(session, web.Response):
            return session
        group = self._group(request, session)
        if isinstance(group, web.Response):
            return group
        self.cloud.groups.delete(group)
        return success("Group deleted successfully")
