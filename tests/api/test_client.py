"""Node listing, bulk writes, retries and transport failures, over HTTP to the emulator."""

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
import logging
import math
from typing import Any

import aiohttp
from aiohttp import web
import pytest

from custom_components.esp_rainmaker.api import (
    RainMakerClient,
    RainMakerConnectionError,
    RainMakerNodeError,
    RainMakerRateLimitError,
    RainMakerResponseError,
    RainMakerTimeoutError,
    RainMakerValidationError,
    normalize_base_url,
    rate_limit,
)
from custom_components.esp_rainmaker.api.parser import NodePage
from custom_components.esp_rainmaker.api.thermacell import refuse_hazards
from rainmaker_emulator import Cloud, EmulatorAdmin, EmulatorServer, Endpoint

from .conftest import EMAIL, PASSWORD

NODES = Endpoint.NODES


@pytest.mark.parametrize("count", [0, 1, 10, 11, 50, 250])
async def test_pagination_costs_one_request_per_page(
    client: RainMakerClient, admin: EmulatorAdmin, cloud: Cloud, count: int
) -> None:
    """Every node arrives, one request per page of ten."""
    cloud.seed(EMAIL, PASSWORD, switches=count)
    await client.login()
    await admin.reset_stats()

    listing = await client.get_nodes()

    assert len(listing.nodes) == count
    assert set(listing.nodes) == set(cloud.accounts[EMAIL].node_ids)
    assert await admin.count(NODES) == max(1, math.ceil(count / 10))
    assert (await admin.stats())["total"] == max(1, math.ceil(count / 10))


@pytest.mark.parametrize("id_fields", ["id", "node_id", "both"])
async def test_both_id_spellings(
    client: RainMakerClient, admin: EmulatorAdmin, cloud: Cloud, id_fields: str
) -> None:
    """Entries named by `id`, by `node_id` or by both parse alike."""
    cloud.seed(EMAIL, PASSWORD, lights=3)
    await admin.settings(id_fields=id_fields)

    listing = await client.get_nodes()

    assert set(listing.nodes) == cloud.accounts[EMAIL].node_ids


async def test_node_models(client: RainMakerClient, cloud: Cloud) -> None:
    """Config, connectivity, params and role come through typed."""
    node_id = cloud.add_node("lightbulb", EMAIL, name="Desk").node_id
    cloud.add_account("other@example.com", PASSWORD)
    shared = cloud.add_node("switch", "other@example.com", shared_with=[EMAIL]).node_id
    cloud.nodes[node_id].set_online(False, cloud.clock.now())

    listing = await client.get_nodes()
    node = listing.nodes[node_id]

    assert node.name == "Desk"
    assert node.connected is False
    assert node.connectivity_timestamp is not None
    assert node.connectivity_timestamp > 1_600_000_000_000  # milliseconds
    assert node.role == "primary"
    assert listing.nodes[shared].role == "secondary"
    assert node.get("Light", "Brightness") == 50
    light = node.config.device("Light")
    assert light is not None
    brightness = light.param("Brightness")
    assert brightness is not None
    assert brightness.bounds is not None
    assert (brightness.bounds.min, brightness.bounds.max) == (0, 100)
    assert light.attribute("Serial Number")
    assert node.config.info.fw_version == "1.0.2"


async def test_node_with_params_read_on_the_lan(
    client: RainMakerClient, cloud: Cloud
) -> None:
    """Params read apart from the cloud replace the values; config and role stay."""
    node_id = cloud.add_node("lightbulb", EMAIL, name="Desk").node_id
    cloud.nodes[node_id].set_online(False, cloud.clock.now())
    node = (await client.get_nodes()).nodes[node_id]

    local = client.node_with_params(node, {"Light": {"Power": True, "Brightness": 7}})

    assert local.config is node.config
    assert local.role == node.role
    assert local.connected is True  # it answered
    assert local.connectivity_timestamp == node.connectivity_timestamp
    assert (local.get("Light", "Power"), local.get("Light", "Brightness")) == (True, 7)
    assert node.get("Light", "Brightness") == 50


async def test_node_from_the_lan(client: RainMakerClient) -> None:
    """A node built from what it served itself is connected; a bad config is an error."""
    config = {
        "node_id": "n1",
        "info": {"name": "Porch"},
        "devices": [{"name": "Switch", "type": "esp.device.switch"}],
    }

    node = client.node_from_lan("n1", config, {"Switch": {}})

    assert (node.node_id, node.name, node.connected) == ("n1", "Porch", True)
    with pytest.raises(RainMakerResponseError, match="n1 served a bad config"):
        client.node_from_lan("n1", {"devices": "junk"}, {})


async def test_identical_configs_share_one_object(
    client: RainMakerClient, cloud: Cloud
) -> None:
    """Hubs with the same firmware share one parsed config; lights carry serials, so not."""
    cloud.seed(EMAIL, PASSWORD, thermacell=12, lights=2)

    listing = await client.get_nodes()

    hubs = {id(n.config) for n in listing.nodes.values() if n.config.device("LIV Hub")}
    lights = {id(n.config) for n in listing.nodes.values() if n.config.device("Light")}
    assert (len(hubs), len(lights)) == (1, 2)


def count_parses(client: RainMakerClient, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Count the pages the client's parser reads."""
    parsed: list[int] = []
    parse = client._lister.parser.page

    def _counting(*args: Any, **kwargs: Any) -> NodePage:
        parsed.append(1)
        return parse(*args, **kwargs)

    monkeypatch.setattr(client._lister.parser, "page", _counting)
    return parsed


async def test_unchanged_pages_are_not_parsed_again(
    client: RainMakerClient, cloud: Cloud, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A page whose body did not change since the last listing keeps its nodes."""
    ids = [cloud.add_node("switch", EMAIL).node_id for _ in range(15)]
    first = await client.get_nodes()  # with configs
    second = await client.get_nodes()  # without: the pages to compare against
    parsed = count_parses(client, monkeypatch)

    third = await client.get_nodes()
    assert parsed == []
    assert all(third.nodes[i] is second.nodes[i] for i in ids)
    assert first.nodes.keys() == third.nodes.keys()

    cloud.node(ids[-1]).reported["Switch"]["Power"] = True  # on the second page
    fourth = await client.get_nodes()
    assert len(parsed) == 1
    assert fourth.nodes[ids[-1]].get("Switch", "Power") is True
    assert fourth.nodes[ids[0]] is third.nodes[ids[0]]


async def test_node_fetched_alone_makes_its_page_parse_again(
    client: RainMakerClient, cloud: Cloud, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After `get_node` the listing is parsed again, and the listing's state wins."""
    node_id = cloud.add_node("switch", EMAIL).node_id
    await client.get_nodes()
    await client.get_nodes()
    cloud.node(node_id).reported["Switch"]["Power"] = True
    assert (await client.get_node(node_id)).get("Switch", "Power") is True
    cloud.node(node_id).reported["Switch"]["Power"] = False
    parsed = count_parses(client, monkeypatch)

    listing = await client.get_nodes()

    assert parsed == [1]
    assert listing.nodes[node_id].get("Switch", "Power") is False


async def test_pages_with_configs_are_always_parsed(
    client: RainMakerClient, cloud: Cloud, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A listing with configs (hourly, or after new firmware) parses every page."""
    cloud.add_node("switch", EMAIL)
    await client.get_nodes()
    await client.get_nodes()
    parsed = count_parses(client, monkeypatch)
    monkeypatch.setattr(client._lister, "configs_at", None)  # configs due again

    await client.get_nodes()
    assert parsed == [1]
    await client.get_nodes()  # nothing to compare with: the last one had configs
    assert parsed == [1, 1]
    await client.get_nodes()
    assert parsed == [1, 1]


async def test_params_of_a_device_the_config_lacks(
    client: RainMakerClient, cloud: Cloud, admin: EmulatorAdmin
) -> None:
    """New firmware reads the configs again once, not every other poll for ever.

    A node may report a device its config never had (a firmware quirk): one
    download shows the config has not changed; the next one is due in an hour.
    """
    node = cloud.add_node("switch", EMAIL)
    await client.get_nodes()  # with configs
    node.reported["Ghost"] = {"Power": True}
    await admin.reset_stats()

    for _ in range(10):
        await client.get_nodes()
    assert (await admin.stats())["config_pages"] == 1

    node.reported["Another"] = {"Power": True}  # a new mismatch: one more look
    for _ in range(10):
        await client.get_nodes()
    assert (await admin.stats())["config_pages"] == 2


async def test_malformed_node_skipped_with_one_warning(
    client: RainMakerClient, cloud: Cloud, caplog: pytest.LogCaptureFixture
) -> None:
    """A broken node is left out with one warning, every poll it stays broken."""
    cloud.seed(EMAIL, PASSWORD, switches=3)
    broken = cloud.add_node(
        "raw", EMAIL, config={"devices": "not a list"}, params={}
    ).node_id

    first = await client.get_nodes()
    second = await client.get_nodes()

    assert broken not in first.nodes
    assert first.malformed == {broken}
    assert len(first.nodes) == len(second.nodes) == 3
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1
    assert broken in warnings[0].getMessage()


async def test_listing_without_details_is_an_error(
    client: RainMakerClient, admin: EmulatorAdmin, cloud: Cloud
) -> None:
    """A listing that names nodes but carries no details is not an empty account."""
    cloud.seed(EMAIL, PASSWORD, switches=2)
    await admin.add_fault(
        path=Endpoint.NODES.path, status=200, body={"nodes": ["a", "b"], "total": 2}
    )

    with pytest.raises(RainMakerResponseError):
        await client.get_nodes()


@pytest.mark.parametrize(
    "body",
    [
        ["not", "an", "object"],
        {"node_details": "nope"},
        {"node_details": [], "next_id": ""},
    ],
)
async def test_wrong_shapes(
    client: RainMakerClient, admin: EmulatorAdmin, body: object
) -> None:
    """Valid JSON of the wrong shape is an error or, when harmless, an empty listing."""
    await admin.add_fault(path=Endpoint.NODES.path, status=200, body=body)

    if isinstance(body, dict) and body.get("node_details") == []:
        assert (await client.get_nodes()).nodes == {}
        return
    with pytest.raises(RainMakerResponseError):
        await client.get_nodes()


async def test_listing_that_does_not_advance(
    client: RainMakerClient, admin: EmulatorAdmin, caplog: pytest.LogCaptureFixture
) -> None:
    """A cloud that keeps returning the same next_id cannot loop the client forever."""
    await admin.add_fault(
        path=Endpoint.NODES.path,
        status=200,
        body={"nodes": [], "node_details": [], "next_id": "x"},
    )

    listing = await client.get_nodes()

    assert listing.nodes == {}
    assert not listing.complete
    assert await admin.count(Endpoint.NODES) == 2
    assert "next_id" in caplog.text


async def add_switches(cloud: Cloud, count: int) -> None:
    """Give the account `count` switches."""
    for number in range(count):
        cloud.add_node("switch", EMAIL, name=f"Switch {number}")


async def test_paging_cycle_ends_the_listing(
    client: RainMakerClient,
    admin: EmulatorAdmin,
    cloud: Cloud,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """next_id leading back (A, B, A) ends the listing: one warning, few requests."""
    await add_switches(cloud, 7)
    await admin.settings(page_size=3, paging_cycle=True)

    for _ in range(3):
        await admin.reset_stats()
        listing = await client.get_nodes()
        assert len(listing.nodes) == 7
        assert not listing.complete
        # Three pages hold the nodes; the fourth shows the cycle.
        assert await admin.count(Endpoint.NODES) <= 4
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1
    assert "next_id" in warnings[0].getMessage()

    await admin.settings(paging_cycle=False)
    assert (await client.get_nodes()).complete
    await admin.settings(paging_cycle=True)
    await client.get_nodes()
    assert len([r for r in caplog.records if r.levelno == logging.WARNING]) == 2


async def test_page_count_follows_the_first_pages_total(
    client: RainMakerClient,
    admin: EmulatorAdmin,
    cloud: Cloud,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Pages beyond what `total` promises (plus a little) are not asked for."""
    await add_switches(cloud, 20)
    await admin.settings(page_size=2, reported_total=2)

    listing = await client.get_nodes()

    assert not listing.complete
    # One page holds the promised total; two more are allowed as slack.
    assert await admin.count(Endpoint.NODES) == 3
    assert len(listing.nodes) == 6
    assert "total" in caplog.text


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({"nodes": ["a", "b"], "total": 7}, 7),
        ({"nodes": ["a", "b"]}, 2),
        ({}, None),
        ([], None),
    ],
)
async def test_count_nodes(
    client: RainMakerClient,
    admin: EmulatorAdmin,
    cloud: Cloud,
    body: object,
    expected: int | None,
) -> None:
    """One request without details counts the nodes (total, else the ids)."""
    cloud.seed(EMAIL, PASSWORD, switches=12)
    assert await client.count_nodes() == 12
    await admin.add_fault(path=Endpoint.NODES.path, status=200, body=body, times=1)

    if expected is None:
        with pytest.raises(RainMakerResponseError):
            await client.count_nodes()
    else:
        assert await client.count_nodes() == expected


async def test_get_node(client: RainMakerClient, cloud: Cloud) -> None:
    """A single node can be read by id; a foreign one cannot."""
    node_id = cloud.add_node("fan", EMAIL).node_id
    cloud.add_account("other@example.com", PASSWORD)
    foreign = cloud.add_node("fan", "other@example.com").node_id

    node = await client.get_node(node_id)

    assert node.get("Fan", "Speed") == 3
    with pytest.raises(RainMakerResponseError) as err:
        await client.get_node(foreign)
    assert err.value.error_code == 100010


async def test_bulk_write_one_request(
    client: RainMakerClient, admin: EmulatorAdmin, cloud: Cloud
) -> None:
    """Writes to many nodes go out as one bulk PUT and reach the devices."""
    ids = sorted(cloud.seed(EMAIL, PASSWORD, switches=20).node_ids)
    await client.get_nodes()
    await admin.reset_stats()

    await client.set_params({node_id: {"Switch": {"Power": True}} for node_id in ids})

    assert await admin.count(Endpoint.SET_PARAMS) == 1
    assert all(
        cloud.node(node_id).reported["Switch"]["Power"] is True for node_id in ids
    )


async def test_bulk_write_chunks_large_batches(
    client: RainMakerClient, admin: EmulatorAdmin, cloud: Cloud
) -> None:
    """More nodes than fit one request are split into chunks."""
    ids = sorted(cloud.seed(EMAIL, PASSWORD, switches=12).node_ids)
    client.max_nodes_per_write = 5
    await client.get_nodes()
    await admin.reset_stats()

    await client.set_params({node_id: {"Switch": {"Power": True}} for node_id in ids})

    assert await admin.count(Endpoint.SET_PARAMS) == 3


async def test_write_fetches_unknown_config_first(
    client: RainMakerClient, admin: EmulatorAdmin, cloud: Cloud
) -> None:
    """Writing to a node never listed reads its metadata first, to validate."""
    node_id = cloud.add_node("lightbulb", EMAIL).node_id

    await client.set_params({node_id: {"Light": {"Brightness": 10}}})

    assert await admin.count(NODES) == 1
    assert cloud.node(node_id).reported["Light"]["Brightness"] == 10


@pytest.mark.parametrize("status_207", [False, True])
async def test_bulk_write_mixed_results(
    client: RainMakerClient, admin: EmulatorAdmin, cloud: Cloud, status_207: bool
) -> None:
    """Per-node failures name exactly the failed nodes; the others are applied."""
    good, bad = sorted(cloud.seed(EMAIL, PASSWORD, switches=2).node_ids)
    await admin.settings(offline_writes="reject", bulk_207=status_207)
    await admin.set_online(bad, False)
    await client.get_nodes()

    with pytest.raises(RainMakerNodeError) as err:
        await client.set_params(
            {good: {"Switch": {"Power": True}}, bad: {"Switch": {"Power": True}}}
        )

    assert set(err.value.failures) == {bad}
    assert err.value.failures[bad].error_code == 102002
    assert bad in str(err.value)
    assert cloud.node(good).reported["Switch"]["Power"] is True


async def test_bulk_failure_with_string_error_codes(
    client: RainMakerClient, admin: EmulatorAdmin, cloud: Cloud
) -> None:
    """Error codes sent as strings are read as numbers."""
    node_id = cloud.add_node("switch", EMAIL).node_id
    await admin.settings(offline_writes="reject", string_error_codes=True)
    await admin.set_online(node_id, False)
    await client.get_nodes()

    with pytest.raises(RainMakerNodeError) as err:
        await client.set_params({node_id: {"Switch": {"Power": True}}})

    assert err.value.failures[node_id].error_code == 102002


@pytest.mark.parametrize(
    ("answer", "failed"),
    [
        ({"status": "success", "description": "ok"}, False),
        ({"status": "failure", "description": "no", "error_code": "102002"}, True),
        (42, True),
        ([], True),
        ([{"node_id": "someone-else", "status": "success"}], True),
    ],
)
async def test_bulk_answer_variants(
    client: RainMakerClient,
    admin: EmulatorAdmin,
    cloud: Cloud,
    answer: object,
    failed: bool,
) -> None:
    """Legacy object answers, missing entries and odd shapes are judged per node."""
    node_id = cloud.add_node("switch", EMAIL).node_id
    await client.get_nodes()
    await admin.add_fault(
        method="PUT", path=Endpoint.SET_PARAMS.path, status=200, body=answer
    )

    if not failed:
        await client.set_params({node_id: {"Switch": {"Power": True}}})
        return
    with pytest.raises(RainMakerNodeError) as err:
        await client.set_params({node_id: {"Switch": {"Power": True}}})
    assert set(err.value.failures) == {node_id}


@pytest.mark.parametrize(
    ("device", "params", "message"),
    [
        ("Light", {"Brightness": 101}, "between 0 and 100"),
        ("Light", {"Brightness": -1}, "between 0 and 100"),
        ("Light", {"Brightness": "high"}, "expects int"),
        ("Light", {"Power": 1}, "expects bool"),
        ("Light", {"Nope": 1}, "no parameter"),
        ("Lamp", {"Power": True}, "Unknown device"),
        ("Light", {}, "Nothing to write"),
        ("OTA", {"Status": "x"}, "read-only"),
        ("Schedule", {"Schedules": [{}] * 11}, "at most 10"),
    ],
)
async def test_validation_before_sending(
    client: RainMakerClient,
    admin: EmulatorAdmin,
    cloud: Cloud,
    device: str,
    params: dict[str, object],
    message: str,
) -> None:
    """Values the node would refuse raise at once and send nothing."""
    node_id = cloud.add_node("lightbulb", EMAIL).node_id
    await client.get_nodes()
    await admin.reset_stats()

    with pytest.raises(RainMakerValidationError, match=message):
        await client.set_params({node_id: {device: params}})

    assert (await admin.stats())["total"] == 0


async def test_valid_strings_and_floats(client: RainMakerClient, cloud: Cloud) -> None:
    """Strings outside `valid_strs` are refused; ints are accepted for floats."""
    config = {
        "devices": [
            {
                "name": "AC",
                "type": "esp.device.air-conditioner",
                "params": [
                    {
                        "name": "Mode",
                        "type": "esp.param.ac-mode",
                        "data_type": "string",
                        "properties": ["read", "write"],
                        "valid_strs": ["Cool", "Heat"],
                    },
                    {
                        "name": "Setpoint",
                        "type": "esp.param.setpoint",
                        "data_type": "float",
                        "properties": ["read", "write"],
                        "bounds": {"min": 16, "max": 30},
                    },
                ],
            }
        ]
    }
    node_id = cloud.add_node(
        "raw", EMAIL, config=config, params={"AC": {"Mode": "Cool"}}
    ).node_id
    await client.get_nodes()

    with pytest.raises(RainMakerValidationError, match="Cool, Heat"):
        await client.set_params({node_id: {"AC": {"Mode": "Dry"}}})
    await client.set_params({node_id: {"AC": {"Mode": "Heat", "Setpoint": 21}}})

    assert cloud.node(node_id).reported["AC"] == {"Mode": "Heat", "Setpoint": 21.0}


async def test_led_saturation_never_written(
    emulator: EmulatorServer,
    session: aiohttp.ClientSession,
    account: str,
    admin: EmulatorAdmin,
    cloud: Cloud,
) -> None:
    """Given the Thermacell write policy, the client refuses the write that crashes hubs."""
    node_id = cloud.add_node("thermacell", EMAIL).node_id
    client = RainMakerClient(
        emulator.url, EMAIL, PASSWORD, session=session, write_policy=refuse_hazards
    )
    await client.get_nodes()
    await admin.reset_stats()

    with pytest.raises(RainMakerValidationError, match="crashes"):
        await client.set_params({node_id: {"LIV Hub": {"LED Saturation": 50}}})

    assert (await admin.stats())["total"] == 0
    assert cloud.node(node_id).online


async def test_without_a_write_policy_the_cloud_decides(
    client: RainMakerClient, cloud: Cloud
) -> None:
    """The library knows no device rules of its own: without a policy the write is sent."""
    node_id = cloud.add_node("thermacell", EMAIL).node_id
    await client.get_nodes()

    with pytest.raises(RainMakerNodeError, match="LED Saturation"):
        await client.set_params({node_id: {"LIV Hub": {"LED Saturation": 50}}})


@pytest.mark.parametrize(
    "retry_after", ["0", "0.05", "Thu, 01 Jan 2015 00:00:00 GMT", None]
)
async def test_429_retried(
    client: RainMakerClient, admin: EmulatorAdmin, retry_after: str | None
) -> None:
    """A 429 pauses the client and the request is retried (Retry-After or back-off)."""
    await client.login()
    headers = {"Retry-After": retry_after} if retry_after is not None else {}
    await admin.add_fault(
        path=Endpoint.NODES.path, status=429, headers=headers, times=2
    )

    await client.get_nodes()

    assert await admin.count(NODES) == 3


async def test_429_future_http_date_is_honoured(
    client: RainMakerClient, admin: EmulatorAdmin
) -> None:
    """A Retry-After date in the future holds the retry back until then."""
    await client.login()
    when = datetime.now(UTC).replace(microsecond=0) + timedelta(seconds=2)
    await admin.add_fault(
        path=Endpoint.NODES.path,
        status=429,
        headers={"Retry-After": format_datetime(when, usegmt=True)},
        times=1,
    )
    await admin.reset_stats()

    await client.get_nodes()

    first, retry = await admin.arrivals()
    assert retry - first >= 0.9  # the date has whole seconds: at least 1 s ahead


@pytest.mark.parametrize("status", [429, 503])
async def test_backoff_between_retries(
    client: RainMakerClient,
    admin: EmulatorAdmin,
    monkeypatch: pytest.MonkeyPatch,
    status: int,
) -> None:
    """Without Retry-After, retries wait base, then twice base (each with 50-150 % jitter)."""
    base = 0.2
    monkeypatch.setattr(rate_limit, "BACKOFF_BASE", base)
    await client.login()
    await admin.add_fault(path=Endpoint.NODES.path, status=status, times=2)
    await admin.reset_stats()

    await client.get_nodes()

    first, second, third = await admin.arrivals()
    assert second - first >= base * 0.5
    assert third - second >= 2 * base * 0.5


async def test_429_exhausted(client: RainMakerClient, admin: EmulatorAdmin) -> None:
    """Three 429 in a row give up with the wait the cloud asked for."""
    await client.login()
    await admin.add_fault(
        path=Endpoint.NODES.path, status=429, headers={"Retry-After": "0"}
    )

    with pytest.raises(RainMakerRateLimitError) as err:
        await client.get_nodes()

    assert err.value.retry_after == 0
    assert await admin.count(NODES) == 3


async def test_long_retry_after_fails_fast(
    client: RainMakerClient, admin: EmulatorAdmin
) -> None:
    """A pause longer than the client will wait raises at once, without more requests."""
    await client.login()
    await admin.add_fault(
        path=Endpoint.NODES.path, status=429, headers={"Retry-After": "3600"}, times=1
    )

    with pytest.raises(RainMakerRateLimitError):
        await client.get_nodes()
    with pytest.raises(RainMakerRateLimitError):
        await client.get_nodes()

    assert await admin.count(NODES) == 1


async def test_write_retried_only_on_429(
    client: RainMakerClient, admin: EmulatorAdmin, cloud: Cloud
) -> None:
    """A throttled write was not applied, so it is retried; a 500 is not."""
    node_id = cloud.add_node("switch", EMAIL).node_id
    await client.get_nodes()
    await admin.add_fault(
        method="PUT", status=429, headers={"Retry-After": "0"}, times=1
    )

    await client.set_params({node_id: {"Switch": {"Power": True}}})
    assert await admin.count(Endpoint.SET_PARAMS) == 2

    await admin.add_fault(method="PUT", status=500, body="<html>oops</html>", times=1)
    with pytest.raises(RainMakerConnectionError):
        await client.set_params({node_id: {"Switch": {"Power": False}}})
    assert await admin.count(Endpoint.SET_PARAMS) == 3


@pytest.mark.parametrize("status", [500, 502, 503, 504])
async def test_get_retried_on_5xx(
    client: RainMakerClient, admin: EmulatorAdmin, status: int
) -> None:
    """GETs ride through two server errors with HTML bodies."""
    await client.login()
    await admin.add_fault(
        path=Endpoint.NODES.path,
        status=status,
        body="<html>bad gateway</html>",
        times=2,
    )

    await client.get_nodes()

    assert await admin.count(NODES) == 3


async def test_get_gives_up_after_three_5xx(
    client: RainMakerClient, admin: EmulatorAdmin
) -> None:
    """A lasting outage raises a connection error after three attempts."""
    await client.login()
    await admin.add_fault(
        path=Endpoint.NODES.path, status=503, body="<html>down</html>"
    )

    with pytest.raises(RainMakerConnectionError, match="503"):
        await client.get_nodes()

    assert await admin.count(NODES) == 3


async def test_timeouts(
    client: RainMakerClient, admin: EmulatorAdmin, cloud: Cloud
) -> None:
    """A GET that times out is retried; a write that times out is not."""
    node_id = cloud.add_node("switch", EMAIL).node_id
    await client.get_nodes()
    client.request_timeout = 0.1
    await admin.add_fault(path=Endpoint.NODES.path, delay_ms=400, times=1)

    await client.get_nodes()
    assert await admin.count(NODES) == 3

    await admin.add_fault(method="PUT", delay_ms=400, times=1)
    with pytest.raises(RainMakerTimeoutError):
        await client.set_params({node_id: {"Switch": {"Power": True}}})
    assert await admin.count(Endpoint.SET_PARAMS) == 1


async def test_dropped_connection(
    client: RainMakerClient, admin: EmulatorAdmin, cloud: Cloud
) -> None:
    """A connection reset mid-response is retried for GETs, raised for writes."""
    node_id = cloud.add_node("switch", EMAIL).node_id
    await client.get_nodes()
    await admin.add_fault(path=Endpoint.NODES.path, drop_connection=True, times=1)

    await client.get_nodes()
    assert await admin.count(NODES) == 3

    await admin.add_fault(method="PUT", drop_connection=True, times=1)
    with pytest.raises(RainMakerConnectionError):
        await client.set_params({node_id: {"Switch": {"Power": True}}})
    assert (
        await admin.count(Endpoint.SET_PARAMS) == 1
    )  # it may have been applied: never sent twice


async def test_malformed_json(client: RainMakerClient, admin: EmulatorAdmin) -> None:
    """A truncated JSON body is a response error."""
    await client.login()
    await admin.add_fault(path=Endpoint.NODES.path, malformed=True, times=1)

    with pytest.raises(RainMakerResponseError, match="invalid JSON"):
        await client.get_nodes()


async def test_unreachable_cloud(
    session: aiohttp.ClientSession, unused_tcp_port: int
) -> None:
    """Nothing listening is a connection error."""
    client = RainMakerClient(
        f"http://127.0.0.1:{unused_tcp_port}", EMAIL, PASSWORD, session=session
    )

    with pytest.raises(RainMakerConnectionError):
        await client.login()


async def test_owns_session_when_none_given(
    emulator: EmulatorServer, account: str
) -> None:
    """Without an injected session the client creates one and closes it."""
    async with RainMakerClient(emulator.url, EMAIL, PASSWORD) as client:
        await client.get_nodes()
        session = client.session
        assert session is not None
    assert session.closed


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://api.rainmaker.espressif.com", "https://api.rainmaker.espressif.com"),
        ("https://api.iot.thermacell.com/v1/", "https://api.iot.thermacell.com"),
        ("  https://example.com/rainmaker/ ", "https://example.com/rainmaker"),
        ("http://127.0.0.1:8089", "http://127.0.0.1:8089"),
        ("http://localhost:8089/v1", "http://localhost:8089"),
        ("http://[::1]:8089", "http://[::1]:8089"),
        ("https://example.com//rainmaker//v1//", "https://example.com/rainmaker"),
        ("https://example.com//", "https://example.com"),
        ("https://api.iot.thermacell.com/V1", "https://api.iot.thermacell.com"),
        ("https://example.com/rainmaker/V1/", "https://example.com/rainmaker"),
        ("https://example.com:8443/v1", "https://example.com:8443"),
    ],
)
def test_normalize_base_url(url: str, expected: str) -> None:
    """Repeated and trailing slashes and `/v1` go; loopback may use http."""
    assert normalize_base_url(url) == expected


@pytest.mark.parametrize(
    "url",
    [
        "http://api.rainmaker.espressif.com",
        "ftp://example.com",
        "api.rainmaker.espressif.com",
        "",
        "https://user:pw@example.com",
        "https://example.com/?x=1",
        "https://exa mple.com:99999",
        "https://example.com:0",
        "http://127.0.0.1:0",
    ],
)
def test_invalid_base_urls(url: str) -> None:
    """Plain HTTP to public hosts and non-URLs are refused."""
    with pytest.raises(RainMakerValidationError):
        normalize_base_url(url)


HUGE = 9 * 1024 * 1024


async def test_oversized_answer_is_an_error(
    client: RainMakerClient, admin: EmulatorAdmin
) -> None:
    """An answer larger than any listing (a 9 MiB body) is refused, not read."""
    await client.login()
    await admin.add_fault(path=Endpoint.NODES.path, status=200, body="x" * HUGE)

    with pytest.raises(RainMakerResponseError, match="larger than 8 MiB"):
        await client.get_nodes()


@pytest.fixture
async def endless_cloud(socket_enabled: None) -> AsyncIterator[str]:
    """A server whose every answer streams without a length, for ever (9 MiB here)."""

    async def stream(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse()
        response.enable_chunked_encoding()
        await response.prepare(request)
        chunk = b" " * 65536
        for _ in range(HUGE // len(chunk)):
            await response.write(chunk)
        await response.write_eof()
        return response

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", stream)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    try:
        yield f"http://127.0.0.1:{runner.addresses[0][1]}"
    finally:
        await runner.cleanup()


async def test_endless_answer_is_cut_off(
    endless_cloud: str, session: aiohttp.ClientSession
) -> None:
    """Without a Content-Length the body is read only up to the limit."""
    client = RainMakerClient(endless_cloud, EMAIL, PASSWORD, session=session)

    with pytest.raises(RainMakerResponseError, match="larger than 8 MiB"):
        await client.login()
