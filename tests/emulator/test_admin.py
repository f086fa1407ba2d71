"""The admin API under /_emulator/ and the in-process server."""

import aiohttp
from aiohttp.test_utils import make_mocked_request
import pytest

from rainmaker_emulator import (
    AdminError,
    Cloud,
    EmulatorAdmin,
    EmulatorServer,
    Endpoint,
    create_app,
)
from rainmaker_emulator.admin_nodes import NodeAdmin
from rainmaker_emulator.server import cloud_middleware

from .conftest import EMAIL, PASSWORD, Raw


async def test_stats_count_api_requests_only(raw: Raw, admin: EmulatorAdmin) -> None:
    """Requests are counted per method and path; admin calls are not counted."""
    await admin.reset_stats()
    await raw.call("GET", Endpoint.NODES.path)
    await raw.call("GET", "/v1/user/nodes?node_details=true")
    await raw.call("GET", "/v1/user/nodes?node_details=true&config=false")
    await raw.call("GET", Endpoint.USER.path)
    await admin.stats()
    assert await admin.stats() == {
        "total": 4,
        "requests": {Endpoint.NODES: 3, Endpoint.USER: 1},
        "config_pages": 1,
    }
    arrivals = await admin.arrivals()
    assert len(arrivals) == 4
    assert arrivals == sorted(arrivals)


async def test_fault_rules(
    raw: Raw, admin: EmulatorAdmin, session: aiohttp.ClientSession
) -> None:
    """Faults match by method and glob path, count down `times` and can be cleared."""
    rule = await admin.add_fault(
        method="GET",
        path="/v1/user/nod*",
        status=503,
        body={"message": "down"},
        times=2,
    )
    assert rule["times"] == 2
    assert (await raw.call("GET", Endpoint.NODES.path))[0] == 503
    assert (await raw.call("GET", Endpoint.USER.path))[0] == 200
    assert (await raw.call("GET", Endpoint.SET_PARAMS.path, params={"node_id": "x"}))[
        0
    ] == 503
    assert (await raw.call("GET", Endpoint.NODES.path))[0] == 200

    await admin.add_fault(
        path=Endpoint.USER.path,
        status=502,
        body="<html><body>502 Bad Gateway</body></html>",
        headers={"X-Test": "1"},
    )
    async with session.get(raw.url + Endpoint.USER.path) as response:
        assert response.status == 502
        assert response.content_type == "text/html"
        assert response.headers["X-Test"] == "1"
    assert len(await admin._call("GET", "/faults")) == 1
    await admin.clear_faults()
    assert (await raw.call("GET", Endpoint.USER.path))[0] == 200


async def test_fault_kinds(
    raw: Raw, admin: EmulatorAdmin, session: aiohttp.ClientSession
) -> None:
    """Malformed JSON, plain text, an empty body, a delay and a dropped connection."""
    await admin.add_fault(path=Endpoint.USER.path, malformed=True, times=1)
    async with session.get(
        raw.url + Endpoint.USER.path, headers={"Authorization": raw.token or ""}
    ) as response:
        assert response.status == 200
        with pytest.raises(ValueError, match="unexpected|Expecting|EOF|char"):
            await response.json()
    await admin.add_fault(path=Endpoint.USER.path, status=500, body="oops", times=1)
    async with session.get(raw.url + Endpoint.USER.path) as response:
        assert (response.status, await response.text()) == (500, "oops")
    await admin.add_fault(path=Endpoint.USER.path, status=204, times=1)
    async with session.get(raw.url + Endpoint.USER.path) as response:
        assert response.status == 204
    await admin.add_fault(path=Endpoint.USER.path, delay_ms=1, times=1)
    assert (await raw.call("GET", Endpoint.USER.path))[0] == 200
    await admin.add_fault(path=Endpoint.USER.path, drop_connection=True, times=1)
    with pytest.raises(aiohttp.ClientError):
        async with session.get(raw.url + Endpoint.USER.path) as response:
            await response.read()


async def test_fault_fields_are_checked(admin: EmulatorAdmin) -> None:
    """Unknown fault fields are refused."""
    with pytest.raises(AdminError, match="unknown fault fields"):
        await admin.add_fault(stauts=500)


async def test_settings(admin: EmulatorAdmin, cloud: Cloud) -> None:
    """Settings change behaviour and reject unknown or invalid keys."""
    settings = await admin.settings(
        apply_delay_ms=500,
        warmup_s=30,
        hazard_offline_s=60,
        reboot_offline_s=5,
        offline_writes="reject",
        token_ttl_s=120,
        refresh_ttl_s=600,
        page_size=25,
        latency_ms=5,
    )
    assert settings["apply_delay_ms"] == 500
    assert (cloud.settings.apply_delay, cloud.settings.warmup) == (0.5, 30)
    assert (cloud.tokens.access_ttl, cloud.page_size, cloud.latency) == (120, 25, 0.005)
    assert (await admin._call("GET", "/settings"))["offline_writes"] == "reject"
    with pytest.raises(AdminError, match="invalid setting"):
        await admin.settings(page_size=0)
    with pytest.raises(AdminError, match="invalid setting"):
        await admin.settings(colour="blue")


async def test_rate_limit_validation(admin: EmulatorAdmin) -> None:
    """Only null, 'seconds' or 'date' are valid Retry-After modes."""
    with pytest.raises(AdminError):
        await admin.set_rate_limit(retry_after="minutes")


async def test_clock(admin: EmulatorAdmin, cloud: Cloud) -> None:
    """The clock moves forward only."""
    before = cloud.clock.now()
    now = await admin.advance(3600)
    assert now >= before + 3600
    assert (await admin._call("GET", "/clock"))["offset"] == 3600
    with pytest.raises(AdminError):
        await admin.advance(-1)


async def test_accounts(admin: EmulatorAdmin, raw: Raw, cloud: Cloud) -> None:
    """Accounts can be created, inspected, have their password changed and be removed."""
    user_id = await admin.add_account(
        "new@example.com", "new-pass-123", user_id="fixed-id"
    )
    assert user_id == "fixed-id"
    with pytest.raises(AdminError, match="409"):
        await admin.add_account("new@example.com", "x")
    with pytest.raises(AdminError, match="missing"):
        await admin._call("POST", "/accounts", {"password": "x"})
    info = await admin.account(EMAIL)
    assert info["sessions"] == 1
    await admin.revoke_tokens(EMAIL)
    assert (await admin.account(EMAIL))["sessions"] == 0
    await admin.set_password(EMAIL, "changed-pass", revoke_sessions=False)
    assert cloud.accounts[EMAIL].password == "changed-pass"
    await admin.remove_account("new@example.com")
    for call in (
        admin.account("ghost@example.com"),
        admin.remove_account("ghost@example.com"),
        admin.set_password("ghost@example.com", "x"),
        admin.revoke_tokens("ghost@example.com"),
    ):
        with pytest.raises(AdminError, match="404"):
            await call


async def test_nodes(admin: EmulatorAdmin, cloud: Cloud, owner: str) -> None:
    """Nodes can be created, inspected, changed, shared and removed."""
    node_id = await admin.add_node("thermacell", EMAIL, name="Deck", node_id="hub-1")
    snapshot = await admin.node(node_id)
    assert snapshot["kind"] == "thermacell"
    assert snapshot["reported"]["LIV Hub"]["Name"] == "Deck"
    assert (await admin._call("GET", "/nodes"))[0]["node_id"] == "hub-1"

    await admin.set_online(node_id, False)
    assert (await admin.node(node_id))["online"] is False
    await admin.set_params(node_id, {"LIV Hub": {"Error": 2}})
    assert (await admin.reported(node_id, "LIV Hub"))["Error"] == 2
    await admin.set_params_bulk({node_id: {"LIV Hub": {"Error": 3}}})
    assert (await admin.reported(node_id, "LIV Hub"))["Error"] == 3
    assert [n["node_id"] for n in await admin.nodes()] == ["hub-1"]
    with pytest.raises(AdminError, match="404"):
        await admin.set_params_bulk({"nope": {}})
    with pytest.raises(AdminError, match="must be an object"):
        await admin.set_params_bulk({node_id: 5})
    await admin.set_quirks(node_id, stuck_shutdown=True)
    assert cloud.nodes[node_id].quirks == {"stuck_shutdown": True}
    await admin.set_quirks(node_id, stuck_shutdown=False)
    assert cloud.nodes[node_id].quirks == {}
    await admin.set_config(node_id, {"devices": 5})
    assert cloud.nodes[node_id].config == {"devices": 5}
    await admin.add_account("friend@example.com", PASSWORD)
    await admin.share(node_id, "friend@example.com")
    assert cloud.nodes[node_id].users["friend@example.com"] == "secondary"
    with pytest.raises(AdminError, match="role must be"):
        await admin.share(node_id, "friend@example.com", "owner")
    seeded = await admin.seed("friend@example.com", PASSWORD, lights=2)
    assert len(seeded["nodes"]) == 3
    await admin.remove_node(node_id)
    assert node_id not in cloud.accounts[EMAIL].node_ids

    for call in (
        admin.node("nope"),
        admin.remove_node("nope"),
        admin.set_online("nope", True),
        admin.set_params("nope", {}),
        admin.set_config("nope", {}),
        admin.set_quirks("nope"),
        admin.share("nope", EMAIL),
    ):
        with pytest.raises(AdminError, match="404"):
            await call
    with pytest.raises(AdminError, match="unknown kind"):
        await admin.add_node("toaster", EMAIL)
    with pytest.raises(AdminError, match="missing"):
        await admin._call("POST", "/nodes", {"kind": "fan"})
    await admin.add_node("fan", EMAIL, node_id="dup")
    with pytest.raises(AdminError, match="exists"):
        await admin.add_node("fan", EMAIL, node_id="dup")


async def test_admin_body_errors(
    emulator: EmulatorServer, session: aiohttp.ClientSession, owner: str
) -> None:
    """The admin API refuses bodies that are not JSON objects."""
    url = emulator.url + "/_emulator"
    async with session.post(url + "/settings", data=b"{") as response:
        assert response.status == 400
    async with session.post(url + "/settings", json=[1]) as response:
        assert response.status == 400
    async with session.post(url + "/nodes/x/config", data=b"{") as response:
        assert response.status == 400
    async with session.post(
        url + "/nodes", json={"kind": "switch", "owner": EMAIL}
    ) as response:
        node_id = (await response.json())["node_id"]
    async with session.post(
        f"{url}/nodes/{node_id}/params", json={"Switch": 5}
    ) as response:
        assert response.status == 400


async def test_admin_is_loopback_only(cloud: Cloud) -> None:
    """A request from another host is refused before it reaches the handler."""
    app = create_app(cloud)

    async def handler(request: object) -> None:
        raise AssertionError("must not be called")

    class Transport:
        def __init__(self, peer: object) -> None:
            self.peer = peer

        def get_extra_info(self, key: str, default: object = None) -> object:
            return self.peer if key == "peername" else default

    for peer in (("192.0.2.10", 1), None, ("not-an-ip", 1)):
        request = make_mocked_request(
            "GET", "/_emulator/stats", app=app, transport=Transport(peer)
        )
        response = await cloud_middleware(request, handler)  # type: ignore[arg-type]
        assert response.status == 403


async def test_server_lifecycle(socket_enabled: None) -> None:
    """The server picks a free port, serves, and stops cleanly (twice is harmless)."""
    server = EmulatorServer()
    await server.start()
    assert server.port > 0
    async with (
        aiohttp.ClientSession() as session,
        session.get(server.url + Endpoint.API_VERSIONS.path) as response,
    ):
        assert response.status == 200
    await server.stop()
    await server.stop()


async def test_enable_local_serves_a_node_on_the_lan(
    admin: EmulatorAdmin, emulator: EmulatorServer, cloud: Cloud, owner: str
) -> None:
    """A node's local control is turned on over HTTP, as the benchmark does it."""
    switch = cloud.add_node("switch", owner).node_id

    access = await admin.enable_local(switch, security=2)

    assert access == emulator.local.access(switch)
    assert access.scheme == 2
    with pytest.raises(AdminError, match="HTTP 400"):
        await admin.enable_local(switch, security=3)
    with pytest.raises(AdminError, match="HTTP 404"):
        await admin.enable_local("no-such-node")


async def test_local_control_needs_a_lan(cloud: Cloud, owner: str) -> None:
    """An admin API built without a LAN refuses to serve local control."""
    switch = cloud.add_node("switch", owner).node_id
    request = make_mocked_request(
        "POST", f"/_emulator/nodes/{switch}/local", match_info={"node_id": switch}
    )

    response = await NodeAdmin(cloud).enable_local(request)

    assert response.status == 404
