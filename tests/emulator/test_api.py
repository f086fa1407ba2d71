"""The emulator's public API: shapes, error bodies and codes as the real cloud sends them."""

import asyncio

import aiohttp
import pytest

from rainmaker_emulator import (
    Cloud,
    EmulatorAdmin,
    EmulatorServer,
    Endpoint,
    OfflineWrites,
)

from .conftest import EMAIL, PASSWORD, Raw


async def test_unversioned_endpoints(raw: Raw) -> None:
    """API versions and the MQTT host need no token."""
    status, body = await raw.call("GET", Endpoint.API_VERSIONS.path, auth=False)
    assert (status, body["supported_versions"]) == (200, ["v1"])
    status, body = await raw.call("GET", Endpoint.MQTT_HOST.path, auth=False)
    assert status == 200
    assert "mqtt_host" in body


async def test_login_shape(raw: Raw, cloud: Cloud) -> None:
    """A login returns status, description and three tokens; the id token names the user."""
    body = await raw.login()
    assert body["status"] == "success"
    assert body["description"] == "Login successful"
    claims = cloud.tokens.verify(body["accesstoken"])
    assert claims is not None
    assert claims.user_id == cloud.accounts[EMAIL].user_id


@pytest.mark.parametrize(
    ("payload", "code"),
    [
        ({"user_name": EMAIL, "password": "wrong-password"}, 101009),
        ({"user_name": "ghost@example.com", "password": PASSWORD}, 101025),
        ({"user_name": "not-an-email", "password": PASSWORD}, 101002),
        ({"password": PASSWORD}, 101001),
        ({"user_name": EMAIL, "password": ""}, 101003),
        ({"refreshtoken": "forged"}, 101017),
        ([1, 2], 100006),
    ],
)
async def test_login_failures(raw: Raw, payload: object, code: int) -> None:
    """Login failures are HTTP 400 with the cloud's failure body."""
    status, body = await raw.call("POST", Endpoint.LOGIN.path, json=payload, auth=False)
    assert status == 400
    assert body["status"] == "failure"
    assert body["error_code"] == code
    assert isinstance(body["description"], str)


async def test_login_invalid_json(raw: Raw) -> None:
    """A body that is not JSON is an invalid request body."""
    status, body = await raw.call("POST", Endpoint.LOGIN.path, data=b"{", auth=False)
    assert (status, body["error_code"]) == (400, 100006)


async def test_refresh(raw: Raw, cloud: Cloud) -> None:
    """A refresh (with or without user_name) returns new tokens but no refresh token."""
    tokens = await raw.login()
    for extra in ({}, {"user_name": EMAIL.upper()}):
        status, body = await raw.call(
            "POST",
            Endpoint.LOGIN.path,
            json={"refreshtoken": tokens["refreshtoken"], **extra},
            auth=False,
        )
        assert status == 200
        assert "refreshtoken" not in body
        assert cloud.tokens.verify(body["accesstoken"]) is not None
    status, body = await raw.call(
        "POST",
        Endpoint.LOGIN.path,
        json={"refreshtoken": tokens["refreshtoken"], "user_name": "other@example.com"},
        auth=False,
    )
    assert (status, body["error_code"]) == (400, 101017)


@pytest.mark.parametrize(
    ("headers", "shape"),
    [
        ({}, "message"),
        ({"Authorization": "forged.token.here"}, "message"),
        ({}, "status"),
    ],
)
async def test_unauthorized(
    raw: Raw, admin: EmulatorAdmin, headers: dict[str, str], shape: str
) -> None:
    """Missing or forged tokens get 401 in the configured body shape."""
    await admin.settings(unauthorized_body=shape)
    raw.token = None
    status, body = await raw.call("GET", Endpoint.NODES.path, headers=headers)
    assert status == 401
    expected = (
        {"message": "Unauthorized"}
        if shape == "message"
        else {"status": "failure", "description": "Unauthorized"}
    )
    assert body == expected


async def test_bearer_prefix(raw: Raw, admin: EmulatorAdmin) -> None:
    """`Bearer <token>` is refused by default (the raw token is the contract), accepted if asked."""
    assert raw.token is not None
    bearer = {"Authorization": f"Bearer {raw.token}"}
    status, _ = await raw.call("GET", Endpoint.NODES.path, headers=bearer)
    assert status == 401
    await admin.settings(accept_bearer=True)
    status, _ = await raw.call("GET", Endpoint.NODES.path, headers=bearer)
    assert status == 200


async def test_id_token_is_not_an_access_token(raw: Raw) -> None:
    """Only an access token authorizes calls: the id token (`token_use: id`) gets 401."""
    body = await raw.login()
    raw.token = body["idtoken"]
    status, _ = await raw.call("GET", Endpoint.NODES.path)
    assert status == 401


async def test_expired_token(raw: Raw, cloud: Cloud) -> None:
    """Access tokens expire by the simulation clock."""
    cloud.clock.advance(cloud.tokens.access_ttl + 1)
    status, _ = await raw.call("GET", Endpoint.NODES.path)
    assert status == 401


@pytest.mark.parametrize("endpoint", [Endpoint.USER, Endpoint.USER_V1])
async def test_user_profile(raw: Raw, cloud: Cloud, endpoint: Endpoint) -> None:
    """The profile endpoints (`/v1/user2`, and `/v1/user` of older clients) describe the caller."""
    status, body = await raw.call("GET", endpoint.path)
    assert status == 200
    assert body == {
        "user_id": cloud.accounts[EMAIL].user_id,
        "user_name": EMAIL,
        "mfa": False,
    }


async def test_listing_shapes(raw: Raw, cloud: Cloud) -> None:
    """Without details only ids; with details both id spellings, status, config, params."""
    ids = sorted(cloud.seed(EMAIL, PASSWORD, switches=12).node_ids)
    status, body = await raw.call("GET", Endpoint.NODES.path)
    assert status == 200
    assert body == {"nodes": ids[:10], "total": 12, "next_id": ids[10]}

    status, body = await raw.call(
        "GET", Endpoint.NODES.path, params={"node_details": "true", "start_id": ids[10]}
    )
    assert body["nodes"] == ids[10:]
    assert "next_id" not in body
    item = body["node_details"][0]
    assert item["id"] == item["node_id"] == ids[10]
    assert item["role"] == "primary"
    assert item["status"]["connectivity"]["connected"] is True
    assert item["status"]["connectivity"]["timestamp"] > 1_600_000_000_000
    assert {"config", "params"} <= set(item)


async def test_listing_flags_and_page_size(raw: Raw, cloud: Cloud) -> None:
    """status/config/params flags drop blocks; num_records shrinks pages up to the cap."""
    cloud.seed(EMAIL, PASSWORD, switches=12)
    query = {
        "node_details": "true",
        "status": "false",
        "config": "false",
        "params": "false",
        "num_records": "3",
    }
    _, body = await raw.call("GET", Endpoint.NODES.path, params=query)
    assert len(body["node_details"]) == 3
    assert not {"status", "config", "params"} & set(body["node_details"][0])
    _, body = await raw.call("GET", Endpoint.NODES.path, params={"num_records": "500"})
    assert len(body["nodes"]) == 10
    status, body = await raw.call(
        "GET", Endpoint.NODES.path, params={"num_records": "many"}
    )
    assert (status, body["error_code"]) == (400, 100012)


async def test_configured_page_size(
    raw: Raw, cloud: Cloud, admin: EmulatorAdmin
) -> None:
    """The default page size can be changed; paging follows it."""
    ids = sorted(cloud.seed(EMAIL, PASSWORD, switches=7).node_ids)
    await admin.settings(page_size=3)
    pages = []
    query = {"node_details": "true"}
    while True:
        _, body = await raw.call("GET", Endpoint.NODES.path, params=query)
        pages.append([item["node_id"] for item in body["node_details"]])
        if "next_id" not in body:
            break
        query = {"node_details": "true", "start_id": body["next_id"]}
    assert pages == [ids[0:3], ids[3:6], ids[6:7]]


async def test_empty_account(raw: Raw) -> None:
    """An account without nodes lists nothing, successfully."""
    status, body = await raw.call(
        "GET", Endpoint.NODES.path, params={"node_details": "true"}
    )
    assert (status, body) == (200, {"nodes": [], "total": 0, "node_details": []})


@pytest.mark.parametrize("key", ["node_id", "nodeid"])
async def test_per_node_reads(raw: Raw, cloud: Cloud, key: str) -> None:
    """config, status, params and a single listing accept `node_id` and legacy `nodeid`."""
    node_id = cloud.add_node("fan", EMAIL).node_id
    _, config = await raw.call("GET", Endpoint.NODE_CONFIG.path, params={key: node_id})
    assert config["node_id"] == node_id
    _, status = await raw.call("GET", Endpoint.NODE_STATUS.path, params={key: node_id})
    assert status["connectivity"]["connected"] is True
    _, params = await raw.call("GET", Endpoint.SET_PARAMS.path, params={key: node_id})
    assert params["Fan"]["Speed"] == 3
    _, listing = await raw.call("GET", Endpoint.NODES.path, params={key: node_id})
    assert listing["node_details"][0]["id"] == node_id


@pytest.mark.parametrize(
    "path",
    [Endpoint.NODE_CONFIG.path, Endpoint.NODE_STATUS.path, Endpoint.SET_PARAMS.path],
)
async def test_per_node_errors(raw: Raw, cloud: Cloud, path: str) -> None:
    """A missing id is 100009; a node of someone else is 100010."""
    cloud.add_account("other@example.com", PASSWORD)
    foreign = cloud.add_node("switch", "other@example.com").node_id
    status, body = await raw.call("GET", path)
    assert (status, body["error_code"]) == (400, 100009)
    status, body = await raw.call("GET", path, params={"node_id": foreign})
    assert (status, body["error_code"]) == (400, 100010)


async def test_single_node_write(raw: Raw, cloud: Cloud) -> None:
    """The single-node form writes and answers success; errors are 400 with codes."""
    node_id = cloud.add_node("lightbulb", EMAIL).node_id
    status, body = await raw.call(
        "PUT",
        Endpoint.SET_PARAMS.path,
        params={"nodeid": node_id},
        json={"Light": {"Power": True}},
    )
    assert (status, body["status"]) == (200, "success")
    assert cloud.node(node_id).reported["Light"]["Power"] is True

    cases = [
        ({"Light": {"Brightness": 500}}, 100012, "out of bounds"),
        ({"Light": {"Power": "on"}}, 100012, "expects bool"),
        ({"Light": {"Nope": 1}}, 100012, "Invalid param"),
        ({"Lamp": {"Power": True}}, 100012, "Invalid param"),
        ({"OTA": {"Status": "x"}}, 100012, "read-only"),
        ({"Light": {}}, 100012, "Invalid params"),
        ({}, 100012, "Invalid request body"),
        ([{"Light": {}}], 100012, "Invalid Request"),
    ]
    for payload, code, text in cases:
        status, body = await raw.call(
            "PUT", Endpoint.SET_PARAMS.path, params={"node_id": node_id}, json=payload
        )
        assert (status, body["error_code"]) == (400, code), payload
        assert text in body["description"]
    status, body = await raw.call(
        "PUT", Endpoint.SET_PARAMS.path, params={"node_id": node_id}, data=b"{"
    )
    assert (status, body["error_code"]) == (400, 100006)
    status, body = await raw.call(
        "PUT", Endpoint.SET_PARAMS.path, params={"node_id": ""}, json={}
    )
    assert (status, body["error_code"]) == (400, 100009)


async def test_bulk_write(raw: Raw, cloud: Cloud) -> None:
    """The bulk form answers one result per node, failures with codes."""
    good = cloud.add_node("switch", EMAIL).node_id
    bad = cloud.add_node("switch", EMAIL).node_id
    cloud.add_account("other@example.com", PASSWORD)
    foreign = cloud.add_node("switch", "other@example.com").node_id
    body = [
        {"node_id": good, "payload": {"Switch": {"Power": True}}},
        {"node_id": bad, "payload": {"Switch": {"Power": 3}}},
        {"node_id": foreign, "payload": {"Switch": {"Power": True}}},
        {"node_id": "missing", "payload": {"Switch": {"Power": True}}},
    ]
    status, results = await raw.call("PUT", Endpoint.SET_PARAMS.path, json=body)
    assert status == 200
    assert [(r["node_id"], r["status"], r.get("error_code")) for r in results] == [
        (good, "success", None),
        (bad, "failure", 100012),
        (foreign, "failure", 100010),
        ("missing", "failure", 100010),
    ]
    for payload in ([], [{"payload": {}}], {"node_id": good}):
        status, answer = await raw.call("PUT", Endpoint.SET_PARAMS.path, json=payload)
        assert (status, answer["error_code"]) == (400, 100012)


async def test_writes_apply_after_the_delay(raw: Raw, cloud: Cloud) -> None:
    """A write is acknowledged at once; GET shows it only after the apply delay."""
    cloud.settings.apply_delay = 30
    node_id = cloud.add_node("switch", EMAIL).node_id
    await raw.call(
        "PUT",
        Endpoint.SET_PARAMS.path,
        json=[{"node_id": node_id, "payload": {"Switch": {"Power": True}}}],
    )

    _, params = await raw.call(
        "GET", Endpoint.SET_PARAMS.path, params={"node_id": node_id}
    )
    assert params["Switch"]["Power"] is False
    cloud.clock.advance(31)
    _, params = await raw.call(
        "GET", Endpoint.SET_PARAMS.path, params={"node_id": node_id}
    )
    assert params["Switch"]["Power"] is True


async def test_offline_write_policies(raw: Raw, cloud: Cloud) -> None:
    """Offline nodes queue writes until they reconnect (default), drop them or reject them."""
    cloud.settings.apply_delay = 1
    node_id = cloud.add_node("switch", EMAIL, online=False).node_id
    write = [{"node_id": node_id, "payload": {"Switch": {"Power": True}}}]

    _, results = await raw.call("PUT", Endpoint.SET_PARAMS.path, json=write)
    assert results[0]["status"] == "success"
    cloud.clock.advance(60)
    assert cloud.node(node_id).reported["Switch"]["Power"] is False
    cloud.node(node_id).set_online(True, cloud.clock.now())
    cloud.clock.advance(2)
    assert cloud.node(node_id).reported["Switch"]["Power"] is True

    cloud.node(node_id).set_online(False, cloud.clock.now())
    cloud.settings.offline_writes = OfflineWrites.DROP
    off = [{"node_id": node_id, "payload": {"Switch": {"Power": False}}}]
    _, results = await raw.call("PUT", Endpoint.SET_PARAMS.path, json=off)
    assert results[0]["status"] == "success"
    cloud.node(node_id).set_online(True, cloud.clock.now())
    cloud.clock.advance(2)
    assert cloud.node(node_id).reported["Switch"]["Power"] is True

    cloud.node(node_id).set_online(False, cloud.clock.now())
    cloud.settings.offline_writes = OfflineWrites.REJECT
    status, body = await raw.call(
        "PUT",
        Endpoint.SET_PARAMS.path,
        params={"node_id": node_id},
        json={"Switch": {"Power": False}},
    )
    assert (status, body["error_code"]) == (500, 102002)


async def test_led_saturation_knocks_the_hub_offline(raw: Raw, cloud: Cloud) -> None:
    """Writing LED Saturation is refused and the hub drops offline for a while."""
    cloud.settings.hazard_offline = 300
    node_id = cloud.add_node("thermacell", EMAIL).node_id
    status, body = await raw.call(
        "PUT",
        Endpoint.SET_PARAMS.path,
        params={"node_id": node_id},
        json={"LIV Hub": {"LED Saturation": 10}},
    )
    assert (status, body["error_code"]) == (400, 100012)
    assert cloud.node(node_id).online is False
    cloud.clock.advance(301)
    assert cloud.node(node_id).online is True


async def test_shared_node_is_secondary(raw: Raw, cloud: Cloud) -> None:
    """A node shared with another account appears there as secondary and is writable."""
    cloud.add_account("friend@example.com", PASSWORD)
    node_id = cloud.add_node(
        "switch", EMAIL, shared_with=["friend@example.com"]
    ).node_id
    friend = Raw(raw.session, raw.url)
    await friend.login("friend@example.com", PASSWORD)
    _, body = await friend.call(
        "GET", Endpoint.NODES.path, params={"node_details": "true"}
    )
    assert body["node_details"][0]["role"] == "secondary"
    assert body["node_details"][0]["primary"] is False
    status, _ = await friend.call(
        "PUT",
        Endpoint.SET_PARAMS.path,
        params={"node_id": node_id},
        json={"Switch": {"Power": True}},
    )
    assert status == 200


async def test_logout(raw: Raw) -> None:
    """Logout ends the session; logout_all must be true or false."""
    status, body = await raw.call(
        "POST", Endpoint.LOGOUT.path, params={"logout_all": "maybe"}
    )
    assert (status, body["error_code"]) == (400, 101036)
    status, body = await raw.call("POST", Endpoint.LOGOUT.path, data=b"{")
    assert (status, body["error_code"]) == (400, 100006)
    status, _ = await raw.call("POST", Endpoint.LOGOUT.path, json={"logout_all": True})
    assert status == 200
    status, _ = await raw.call("GET", Endpoint.NODES.path)
    assert status == 401
    await raw.login()
    status, _ = await raw.call("POST", Endpoint.LOGOUT.path)
    assert status == 200
    status, _ = await raw.call("GET", Endpoint.USER.path)
    assert status == 401


async def test_deleted_account_loses_access(raw: Raw, cloud: Cloud) -> None:
    """Tokens of a deleted account stop working."""
    cloud.remove_account(EMAIL)
    status, _ = await raw.call("GET", Endpoint.NODES.path)
    assert status == 401


async def test_server_rate_limit(raw: Raw, admin: EmulatorAdmin) -> None:
    """Beyond the bucket the API answers 429, with Retry-After as configured."""
    for mode, header in ((None, None), ("seconds", "1"), ("date", "GMT")):
        await admin.set_rate_limit(rate=0.001, burst=2, retry_after=mode)
        statuses = []
        for _ in range(3):
            async with raw.session.get(
                raw.url + Endpoint.API_VERSIONS.path
            ) as response:
                statuses.append(response.status)
                retry_after = response.headers.get("Retry-After")
        assert statuses == [200, 200, 429]
        assert (retry_after is None) if header is None else (header in str(retry_after))
    assert await admin.clear_rate_limit() == 1
    assert await admin.clear_rate_limit() == 0


async def test_latency(raw: Raw, admin: EmulatorAdmin) -> None:
    """Every API request takes at least the configured latency."""
    await admin.set_latency(80)
    loop = asyncio.get_running_loop()
    start = loop.time()
    await raw.call("GET", Endpoint.API_VERSIONS.path, auth=False)
    assert loop.time() - start >= 0.08


async def test_parallel_logins_are_independent(
    emulator: EmulatorServer, session: aiohttp.ClientSession, owner: str
) -> None:
    """Each login is a separate session with its own refresh token."""
    first, second = Raw(session, emulator.url), Raw(session, emulator.url)
    one, two = await asyncio.gather(first.login(), second.login())
    assert one["refreshtoken"] != two["refreshtoken"]
