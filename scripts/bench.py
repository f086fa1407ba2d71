"""Benchmark the integration against the emulator, side by side with pythermacell.

Run through `scripts/bench` (it prepares the newest test leg and the peer's venv):

    scripts/bench            # N = 1, 10, 50, 200, 1000 (about 15 minutes)
    scripts/bench --quick    # N = 10 and 50 (under 2 minutes)
    scripts/bench --smoke    # CI: N = 10, deterministic counts only, fails if they are off

The emulator runs as a subprocess with injected latency (50 ms per request) and a
device apply delay (200 ms); Home Assistant runs in this process with the test
harness (a real `hass`), the integration set up through its config flow. Each
figure is the median of `--reps` repetitions after a warm-up. Output: one JSON
object per line, then a markdown table.

Local control: an account of the same mix has every node serve ESP Local Control
(security 1) from the emulator's process, on loopback without injected latency;
the nodes are announced as zeroconf would. Its cloud requests per poll, its
15-minute listing, a command and its polls' CPU are measured beside the cloud's.
"""

import argparse
import asyncio
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import asdict, dataclass
import gc
from ipaddress import ip_address
import json
import logging
import math
import os
from pathlib import Path
import platform
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from typing import Any
from unittest.mock import patch

import aiohttp
from aiohttp.resolver import ThreadedResolver
from homeassistant import loader
from homeassistant.config_entries import SOURCE_ZEROCONF, ConfigEntry
from homeassistant.const import __version__ as ha_version
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers.event import async_track_state_change_event
from homeassistant.helpers.service_info.zeroconf import ZeroconfServiceInfo
from pytest_homeassistant_custom_component.common import async_test_home_assistant

from custom_components.esp_rainmaker.api import RainMakerClient, RateLimiter
from custom_components.esp_rainmaker.const import (
    DEFAULT_SCAN_INTERVAL,
    DOMAIN,
    LOCAL_LISTING_INTERVAL,
)
from custom_components.esp_rainmaker.coordinator import (
    RainMakerConfigEntry,
    RainMakerCoordinator,
)
from custom_components.esp_rainmaker.entity import entity_unique_id
from custom_components.esp_rainmaker.local import Transport
from rainmaker_emulator import EmulatorAdmin
from rainmaker_emulator.local_control import LocalAccess

ROOT = Path(__file__).resolve().parents[1]
PEER_PYTHON = ROOT / ".legs" / "newest" / "peer" / "bin" / "python"
PASSWORD = "bench-pass-1234"
PAGE_SIZE = 10
PEER_LIMITED_MAX_N = (
    10  # the peer needs about a minute per poll of 10 hubs when limited
)
BUCKET_REFILL_S = 2.5  # an empty bucket of 20 at 10 tokens/s is full after 2 s
NODES = "GET /v1/user/nodes"
PUT = "PUT /v1/user/nodes/params"
DOCS = ROOT / "docs" / "PERFORMANCE.md"
START, END = "<!-- bench:start -->", "<!-- bench:end -->"
LOCAL_START, LOCAL_END = "<!-- bench-local:start -->", "<!-- bench-local:end -->"
LAN_SECURITY = 1  # the scheme ESP RainMaker firmware enables by default
HOUR_S, DAY_S = 3600, 86400
# Firmware offers are checked as often whichever way nodes are reached: after the run.
FIRMWARE_CHECKS_LATER = 7 * DAY_S

# Share of each kind in a mixed account.
MIX = {"thermacell": 0.4, "lights": 0.15, "switches": 0.2, "fans": 0.1, "sensors": 0.15}
DEVICE_OF_KIND = {
    "thermacell": "LIV Hub",
    "lightbulb": "Light",
    "switch": "Switch",
    "fan": "Fan",
    "temperature-sensor": "Temperature Sensor",
}


@dataclass
class Figure:
    """One result line."""

    metric: str
    n: int
    value: float
    unit: str
    peer: float | None = None
    ratio: float | None = None


def mix_counts(n: int) -> dict[str, int]:
    """Split N nodes into kinds, at least one hub."""
    counts = {kind: int(n * share) for kind, share in MIX.items()}
    counts["thermacell"] += n - sum(counts.values())
    return counts


def median(values: list[float]) -> float:
    """Return the median of the samples, as a float."""
    return float(statistics.median(values))


def cloud_requests_per(
    period_s: float, per_poll: float, per_listing: float | None = None
) -> float:
    """Cloud requests in `period_s` of polls at the default interval.

    For an account all on the LAN, `per_listing` is what a poll costs when the
    15-minute listing is due; every other poll costs `per_poll`.
    """
    polls = period_s / DEFAULT_SCAN_INTERVAL
    if per_listing is None:
        return polls * per_poll
    listings = period_s / LOCAL_LISTING_INTERVAL
    return (polls - listings) * per_poll + listings * per_listing


def discovery(access: LocalAccess) -> ZeroconfServiceInfo:
    """Return what zeroconf reports for a node serving local control."""
    node_id = access.node_id
    return ZeroconfServiceInfo(
        ip_address=ip_address(access.host),
        ip_addresses=[ip_address(access.host)],
        port=access.port,
        hostname=f"{node_id}.local.",
        type="_esp_local_ctrl._tcp.local.",
        name=f"{node_id}._esp_local_ctrl._tcp.local.",
        properties={"node_id": node_id},
    )


async def poll_with_listing_due(coordinator: RainMakerCoordinator) -> None:
    """Poll an account all on the LAN as when its 15-minute listing is due."""
    coordinator._last_listing = None  # noqa: SLF001 - 15 minutes on, without the wait
    await coordinator.async_refresh()


class Emulator:
    """The emulator as a subprocess."""

    def __init__(self, latency_ms: float, apply_delay_ms: float) -> None:
        """Configure, do not start yet."""
        self.latency_ms = latency_ms
        self.apply_delay_ms = apply_delay_ms
        self.process: subprocess.Popen[str] | None = None
        self.url = ""

    def start(self) -> None:
        """Start and wait until it listens."""
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "rainmaker_emulator",
                "--port",
                "0",
                "--email",
                "bench-idle@example.com",
                "--password",
                PASSWORD,
                "--latency-ms",
                str(self.latency_ms),
                "--apply-delay-ms",
                str(self.apply_delay_ms),
                "--page-size",
                str(PAGE_SIZE),
                "--seed",
                "1",
            ],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            text=True,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        )
        for line in self.process.stdout or ():
            if "listening on" in line:
                self.url = line.rsplit(" ", 1)[-1].strip()
                return
        raise RuntimeError("the emulator did not start")

    def stop(self) -> None:
        """Stop it."""
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)


class HomeAssistantHarness:
    """A real Home Assistant instance (the tests' harness) in this process."""

    def __init__(self) -> None:
        """Prepare a temporary configuration directory."""
        self._tmp = tempfile.TemporaryDirectory()
        self._context: Any = None
        self.hass: HomeAssistant

    async def __aenter__(self) -> "HomeAssistantHarness":
        """Start Home Assistant with custom integrations enabled."""
        # As the test plugin does: no zeroconf resolver for the shared HTTP session.
        self._resolver = patch(
            "homeassistant.helpers.aiohttp_client._async_make_resolver",
            return_value=ThreadedResolver(),
        )
        self._resolver.start()
        self._context = async_test_home_assistant(config_dir=self._tmp.name)
        self.hass = await self._context.__aenter__()
        self.hass.data.pop(loader.DATA_CUSTOM_COMPONENTS, None)
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        """Unload every entry and stop."""
        for entry in self.hass.config_entries.async_entries(DOMAIN):
            await self.hass.config_entries.async_unload(entry.entry_id)
        await self.hass.async_block_till_done()
        await self._context.__aexit__(None, None, None)
        self._resolver.stop()
        self._tmp.cleanup()

    async def add_account(self, url: str, email: str) -> RainMakerConfigEntry:
        """Set an account up through the config flow."""
        flow = await self.hass.config_entries.flow.async_init(
            DOMAIN, context={"source": "user"}
        )
        result = await self.hass.config_entries.flow.async_configure(
            flow["flow_id"], {"url": url, "username": email, "password": PASSWORD}
        )
        if result.get("type") != "create_entry":
            raise RuntimeError(f"config flow failed: {result}")
        await self.hass.async_block_till_done()
        entry: RainMakerConfigEntry = result["result"]
        return entry

    def entity_entries(self, entry: ConfigEntry[Any]) -> list[er.RegistryEntry]:
        """Registry entries of an entry."""
        return er.async_entries_for_config_entry(
            er.async_get(self.hass), entry.entry_id
        )

    def repellers(self, entry: ConfigEntry[Any]) -> list[str]:
        """Entity ids of the repellers switches of an entry's hubs."""
        return [
            e.entity_id
            for e in self.entity_entries(entry)
            if e.unique_id
            == entity_unique_id(e.unique_id.split(":")[0], "LIV Hub", "repellers")
        ]

    async def announce(
        self, entry: RainMakerConfigEntry, nodes: list[LocalAccess]
    ) -> None:
        """Announce nodes as zeroconf would, then read them once on the LAN."""
        for access in nodes:
            result = await self.hass.config_entries.flow.async_init(
                DOMAIN, context={"source": SOURCE_ZEROCONF}, data=discovery(access)
            )
            if result.get("reason") != "already_configured":
                raise RuntimeError(f"node {access.node_id} not taken: {result}")
        coordinator = entry.runtime_data.coordinator
        await coordinator.async_refresh()
        cloud = [
            access.node_id
            for access in nodes
            if coordinator.local.transport(access.node_id) is not Transport.LOCAL
        ]
        if cloud:
            raise RuntimeError(f"{len(cloud)} of {len(nodes)} nodes not on the LAN")

    async def wait_confirmed(
        self, coordinator: RainMakerCoordinator, limit: float = 20
    ) -> float:
        """Wait until no written value awaits confirmation; return when (perf_counter)."""
        deadline = time.perf_counter() + limit
        while coordinator.pending_writes:
            if time.perf_counter() > deadline:
                raise TimeoutError("the write was never confirmed")
            await asyncio.sleep(0.001)
        return time.perf_counter()


async def timed(call: Callable[[], Awaitable[Any]]) -> tuple[float, float]:
    """Run `call`; return (wall seconds, event-loop CPU milliseconds)."""
    cpu, wall = time.thread_time(), time.perf_counter()
    await call()
    return time.perf_counter() - wall, (time.thread_time() - cpu) * 1000


def mutations(nodes: list[dict[str, Any]], email: str, flip: int) -> dict[str, Any]:
    """Change one reported value of every node of an account (so every entity updates)."""
    changes: dict[str, Any] = {}
    for node in nodes:
        if email not in node["users"]:
            continue
        kind = node["kind"]
        device = DEVICE_OF_KIND.get(kind, kind.capitalize())
        if kind == "thermacell":
            values: dict[str, Any] = {"Refill Life": 50.0 + flip * 0.5}
        elif kind == "fan":
            values = {"Speed": 2 + flip}
        elif kind == "temperature-sensor":
            values = {"Temperature": 20.0 + flip * 0.5}
        else:
            values = {"Power": bool(flip)}
        changes[node["node_id"]] = {device: values}
    return changes


class Bench:
    """One benchmark run."""

    def __init__(
        self, args: argparse.Namespace, emulator: Emulator, admin: EmulatorAdmin
    ) -> None:
        """Bind to a running emulator."""
        self.args = args
        self.emulator = emulator
        self.admin = admin
        self.figures: list[Figure] = []

    def emit(self, figure: Figure) -> None:
        """Record and print one figure."""
        if figure.peer:
            figure.ratio = round(figure.value / figure.peer, 4)
        self.figures.append(figure)
        print(json.dumps(asdict(figure)), flush=True)

    async def seed(self, email: str, **counts: int) -> None:
        """Create an account with nodes."""
        await self.admin.seed(email, PASSWORD, **counts)

    async def polls(
        self,
        ha: HomeAssistantHarness,
        coordinator: RainMakerCoordinator,
        n: int,
        email: str,
    ) -> None:
        """requests_per_poll, poll_wall_s, poll_cpu_ms_*, poll_wall_s_limited."""
        reps = self.args.reps
        await coordinator.async_refresh()  # warm-up
        await self.admin.reset_stats()
        await coordinator.async_refresh()
        self.emit(
            Figure("requests_per_poll", n, await self.admin.count(NODES), "requests")
        )
        if self.args.smoke:
            return
        samples = [await timed(coordinator.async_refresh) for _ in range(reps)]
        self.emit(Figure("poll_wall_s", n, median([s[0] for s in samples]), "s"))
        self.emit(
            Figure("poll_cpu_ms_unchanged", n, median([s[1] for s in samples]), "ms")
        )
        await self.http_floor(coordinator, n)
        nodes = await self.admin.nodes()
        changed = []
        for rep in range(reps):
            await self.admin.set_params_bulk(mutations(nodes, email, (rep + 1) % 2))
            changed.append(await timed(coordinator.async_refresh))
        self.emit(
            Figure("poll_cpu_ms_changed", n, median([s[1] for s in changed]), "ms")
        )
        await self.admin.set_rate_limit(rate=10, burst=20)
        limited = []
        for _ in range(reps):
            await asyncio.sleep(BUCKET_REFILL_S)  # both buckets full: runs start alike
            limited.append((await timed(coordinator.async_refresh))[0])
        throttled = await self.admin.clear_rate_limit()
        if throttled:
            print(f"# {throttled} requests throttled by the cloud at N={n}", flush=True)
        self.emit(Figure("poll_wall_s_limited", n, median(limited), "s"))

    async def http_floor(self, coordinator: RainMakerCoordinator, n: int) -> None:
        """poll_cpu_ms_http_floor: the CPU of a poll's requests alone.

        The same pages are fetched with bare aiohttp GETs on a fresh session, bodies
        read but not decoded: what any client pays for ⌈N / 10⌉ round trips on this
        machine, before parsing or a single entity update.
        """
        tokens = coordinator.client.tokens
        if tokens is None:
            raise RuntimeError("the coordinator is not logged in")
        headers = {"Authorization": tokens.access_token}
        url = f"{self.emulator.url}/v1/user/nodes"
        base = {"node_details": "true", "config": "false"}
        queries = [base]
        async with aiohttp.ClientSession() as session:
            while True:
                async with session.get(url, params=queries[-1], headers=headers) as r:
                    next_id = (await r.json()).get("next_id")
                if not next_id:
                    break
                queries.append({**base, "start_id": next_id})

            async def fetch_all() -> None:
                for query in queries:
                    async with session.get(url, params=query, headers=headers) as r:
                        await r.read()

            await fetch_all()  # warm-up
            samples = [(await timed(fetch_all))[1] for _ in range(self.args.reps)]
        self.emit(Figure("poll_cpu_ms_http_floor", n, median(samples), "ms"))

    async def command(
        self,
        ha: HomeAssistantHarness,
        entry: RainMakerConfigEntry,
        n: int,
        prefix: str = "",
    ) -> None:
        """{prefix}command_puts, _optimistic_ms and _confirm_s on a hub's repellers."""
        coordinator = entry.runtime_data.coordinator
        hass = ha.hass
        entity_id = ha.repellers(entry)[0]
        optimistic: list[float] = []
        confirm: list[float] = []
        rounds = 1 if self.args.smoke else self.args.reps + 1
        puts_before = await self.admin.count(PUT)
        for rep in range(rounds):
            await hass.services.async_call(
                "switch", "turn_on", {"entity_id": entity_id}, blocking=True
            )
            await ha.wait_confirmed(coordinator)
            shown: list[float] = []

            @callback
            def _listener(event: Any, shown: list[float] = shown) -> None:
                if not shown and event.data["new_state"].state == "off":
                    shown.append(time.perf_counter())

            unsub = async_track_state_change_event(hass, [entity_id], _listener)
            start = time.perf_counter()
            await hass.services.async_call(
                "switch", "turn_off", {"entity_id": entity_id}, blocking=True
            )
            confirmed = await ha.wait_confirmed(coordinator)
            unsub()
            if rep or self.args.smoke:  # the first round is the warm-up
                optimistic.append((shown[0] - start) * 1000)
                confirm.append(confirmed - start)
        puts = (await self.admin.count(PUT) - puts_before) / (2 * rounds)
        self.emit(Figure(f"{prefix}command_puts", n, puts, "requests"))
        if self.args.smoke:
            return
        self.emit(Figure(f"{prefix}command_optimistic_ms", n, median(optimistic), "ms"))
        self.emit(Figure(f"{prefix}command_confirm_s", n, median(confirm), "s"))

    async def local_control(self, n: int) -> None:
        """Cloud requests, polls and a command of N nodes all on the LAN."""
        email = f"bench-local-{n}@example.com"
        await self.seed(email, **mix_counts(n))
        nodes = [
            await self.admin.enable_local(node["node_id"], LAN_SECURITY)
            for node in await self.admin.nodes()
            if email in node["users"]
        ]
        with patch(
            "custom_components.esp_rainmaker.firmware.FIRMWARE_FIRST_CHECK",
            FIRMWARE_CHECKS_LATER,
        ):
            async with HomeAssistantHarness() as ha:
                entry = await ha.add_account(self.emulator.url, email)
                coordinator = entry.runtime_data.coordinator
                await coordinator.async_refresh()
                all_cloud = await self.cloud_requests_of(coordinator.async_refresh)
                await ha.announce(entry, nodes)
                all_local = await self.cloud_requests_of(coordinator.async_refresh)
                listing = await self.cloud_requests_of(
                    lambda: poll_with_listing_due(coordinator)
                )
                self.emit_cloud_requests(n, all_cloud, all_local, listing)
                await self.command(ha, entry, n, prefix="local_")
                if not self.args.smoke:
                    await self.local_polls(coordinator, n)

    async def cloud_requests_of(self, call: Callable[[], Awaitable[Any]]) -> int:
        """Run `call`; return how many requests the cloud answered meanwhile."""
        await self.admin.reset_stats()
        await call()
        return int((await self.admin.stats())["total"])

    def emit_cloud_requests(
        self, n: int, all_cloud: int, all_local: int, listing: int
    ) -> None:
        """Emit the measured counts, and what they make an hour and a day."""
        self.emit(Figure("cloud_requests_per_poll_all_cloud", n, all_cloud, "requests"))
        self.emit(Figure("cloud_requests_per_poll_all_local", n, all_local, "requests"))
        self.emit(
            Figure("cloud_requests_per_listing_all_local", n, listing, "requests")
        )
        for period, name in ((HOUR_S, "hour"), (DAY_S, "day")):
            cloud = cloud_requests_per(period, all_cloud)
            local = cloud_requests_per(period, all_local, listing)
            self.emit(
                Figure(f"cloud_requests_per_{name}_all_cloud", n, cloud, "requests")
            )
            self.emit(
                Figure(f"cloud_requests_per_{name}_all_local", n, local, "requests")
            )
        saved = cloud_requests_per(DAY_S, all_cloud) - cloud_requests_per(
            DAY_S, all_local, listing
        )
        self.emit(Figure("cloud_requests_saved_per_day", n, saved, "requests"))

    async def local_polls(self, coordinator: RainMakerCoordinator, n: int) -> None:
        """local_poll_wall_s and local_poll_cpu_ms_unchanged: N nodes read on the LAN."""
        await coordinator.async_refresh()  # warm-up
        samples = [
            await timed(coordinator.async_refresh) for _ in range(self.args.reps)
        ]
        self.emit(Figure("local_poll_wall_s", n, median([s[0] for s in samples]), "s"))
        self.emit(
            Figure(
                "local_poll_cpu_ms_unchanged", n, median([s[1] for s in samples]), "ms"
            )
        )

    async def scene(self, ha: HomeAssistantHarness, n_hubs: int) -> None:
        """scene_puts and scene_confirm_s: all repellers of an account off in one call."""
        email = f"bench-scene-{n_hubs}@example.com"
        await self.seed(email, thermacell=n_hubs)
        entry = await ha.add_account(self.emulator.url, email)
        coordinator = entry.runtime_data.coordinator
        entity_ids = ha.repellers(entry)
        if len(entity_ids) != n_hubs:
            raise RuntimeError(f"{len(entity_ids)} of {n_hubs} hubs' repellers found")
        puts: list[float] = []
        confirm: list[float] = []
        for rep in range(1 if self.args.smoke else self.args.reps + 1):
            await ha.hass.services.async_call(
                "switch", "turn_on", {"entity_id": entity_ids}, blocking=True
            )
            await ha.wait_confirmed(coordinator)
            before = await self.admin.count(PUT)
            start = time.perf_counter()
            await ha.hass.services.async_call(
                "switch", "turn_off", {"entity_id": entity_ids}, blocking=True
            )
            confirmed = await ha.wait_confirmed(coordinator)
            if rep or self.args.smoke:
                puts.append(await self.admin.count(PUT) - before)
                confirm.append(confirmed - start)
        self.emit(Figure("scene_puts", n_hubs, median(puts), "requests"))
        if not self.args.smoke:
            self.emit(Figure("scene_confirm_s", n_hubs, median(confirm), "s"))

    async def memory(
        self, session: aiohttp.ClientSession, n: int, email: str, metric: str
    ) -> None:
        """Retained bytes per node of the coordinator's data (parsed nodes and shared configs)."""
        client = RainMakerClient(
            self.emulator.url,
            email,
            PASSWORD,
            session=session,
            rate_limiter=RateLimiter(1000, 1000),
        )
        await client.login()
        samples = []
        for _ in range(3):
            gc.collect()
            tracemalloc.start()
            before = tracemalloc.get_traced_memory()[0]
            listing = await client.get_nodes()
            data = dict(listing.nodes)
            del listing
            gc.collect()
            after = tracemalloc.get_traced_memory()[0]
            tracemalloc.stop()
            samples.append((after - before) / n)
            del data
        self.emit(Figure(metric, n, round(median(samples)), "bytes"))

    async def setup_time(
        self, ha: HomeAssistantHarness, entry: RainMakerConfigEntry, n: int
    ) -> None:
        """setup_s: config entry setup until all entities exist."""
        hass = ha.hass
        expected = len(ha.entity_entries(entry))
        samples = []
        for _ in range(self.args.reps):
            await hass.config_entries.async_unload(entry.entry_id)
            await hass.async_block_till_done()
            # The account's token bucket outlives reloads; start full, as at a
            # Home Assistant start, rather than drained by the previous round.
            await asyncio.sleep(BUCKET_REFILL_S)
            start = time.perf_counter()
            await hass.config_entries.async_setup(entry.entry_id)
            await hass.async_block_till_done()
            samples.append(time.perf_counter() - start)
            live = sum(
                1
                for e in ha.entity_entries(entry)
                if hass.states.get(e.entity_id) is not None
            )
            if live < expected - sum(
                1 for e in ha.entity_entries(entry) if e.disabled_by
            ):
                raise RuntimeError(f"only {live} of {expected} entities after setup")
        self.emit(Figure("setup_s", n, median(samples), "s"))

    def peer(
        self, email: str, mode: str, repeat: int, *extra: str
    ) -> list[dict[str, Any]]:
        """Run the peer driver; return its runs."""
        output = subprocess.run(
            [
                str(PEER_PYTHON),
                str(ROOT / "scripts" / "bench_peer.py"),
                "--base-url",
                self.emulator.url,
                "--email",
                email,
                "--password",
                PASSWORD,
                "--mode",
                mode,
                "--repeat",
                str(repeat),
                *extra,
            ],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        runs: list[dict[str, Any]] = json.loads(output.strip().splitlines()[-1])["runs"]
        return runs

    async def peer_polls(self, n: int) -> None:
        """Measure the peer's get_devices() on N hubs: requests and wall time, also limited."""
        email = f"bench-peer-{n}@example.com"
        await self.seed(email, thermacell=n)
        # pythermacell 0.3.1 does not follow next_id: give it the whole account in one page.
        await self.admin.settings(page_size=max(n, PAGE_SIZE))
        try:
            await self.admin.reset_stats()
            runs = self.peer(email, "get_devices", self.args.reps + 1)
            requests = ((await self.admin.stats())["total"] - 1) / len(
                runs
            )  # minus the login
            seen = min(run["devices"] for run in runs)
            self.attach(
                "requests_per_poll", n, requests, note=f"peer saw {seen}/{n} hubs"
            )
            self.attach("poll_wall_s", n, median([r["wall_s"] for r in runs[1:]]))
            if n <= PEER_LIMITED_MAX_N:
                # Without its rate limiter the peer drops throttled hubs from the
                # result; with it, it backs off for a long time on every 429.
                await self.admin.set_rate_limit(rate=10, burst=20, retry_after=None)
                limited = self.peer(email, "get_devices", 3, "--rate-limiter")
                await self.admin.clear_rate_limit()
                seen = min(run["devices"] for run in limited)
                self.attach(
                    "poll_wall_s_limited",
                    n,
                    median([r["wall_s"] for r in limited]),
                    note=f"peer saw {seen}/{n} hubs",
                )
        finally:
            await self.admin.settings(page_size=PAGE_SIZE)

    async def peer_scene(self, n_hubs: int) -> None:
        """Measure the peer turning N hubs off one by one (verified, as thermacell_liv 2.1)."""
        email = f"bench-scene-{n_hubs}@example.com"
        await self.admin.settings(page_size=max(n_hubs, PAGE_SIZE))
        try:
            before = await self.admin.count(PUT)
            runs = self.peer(email, "turn_off", 1, "--count", str(n_hubs), "--verify")
            puts = (
                await self.admin.count(PUT) - before
            ) / 2  # each run turned them on, then off
            self.attach("scene_puts", n_hubs, puts)
            self.attach(
                "scene_confirm_s",
                n_hubs,
                runs[0]["wall_s"],
                note=f"{runs[0]['succeeded']}/{n_hubs} confirmed",
            )
        finally:
            await self.admin.settings(page_size=PAGE_SIZE)

    def attach(self, metric: str, n: int, peer: float, note: str | None = None) -> None:
        """Attach a peer figure to one of ours and print the completed line."""
        figure = next(
            (f for f in self.figures if f.metric == metric and f.n == n), None
        )
        if figure is None:
            return
        figure.peer = round(peer, 4)
        figure.ratio = round(figure.value / peer, 4) if peer else None
        if note:
            print(f"# {metric} N={n}: {note}", flush=True)
        print(json.dumps(asdict(figure)), flush=True)

    async def run(self) -> None:
        """Measure every size, then the peer."""
        async with aiohttp.ClientSession() as session:
            for n in self.args.sizes:
                email = f"bench-mixed-{n}@example.com"
                await self.seed(email, **mix_counts(n))
                identical = f"bench-hubs-{n}@example.com"
                await self.seed(identical, thermacell=n)
                async with HomeAssistantHarness() as ha:
                    entry = await ha.add_account(self.emulator.url, email)
                    await self.polls(ha, entry.runtime_data.coordinator, n, email)
                    if not self.args.smoke:
                        await self.command(ha, entry, n)
                        await self.memory(
                            session, n, identical, "memory_per_node_bytes"
                        )
                        await self.memory(
                            session, n, email, "memory_per_node_bytes_mixed"
                        )
                        if n == 200 or (self.args.quick and n == max(self.args.sizes)):
                            await self.setup_time(ha, entry, n)
            for n in self.args.sizes:
                await self.local_control(n)
            scene_n = 10 if self.args.smoke else 50
            async with HomeAssistantHarness() as ha:
                await self.scene(ha, scene_n)
            if self.args.peer:
                for n in self.args.sizes:
                    await self.peer_polls(n)
                await self.peer_scene(scene_n)


def table(figures: list[Figure]) -> str:
    """Render the figures as a markdown table."""
    lines = [
        "| metric | N | value | unit | peer | ours / peer |",
        "|---|---:|---:|---|---:|---:|",
    ]
    for f in figures:
        peer = "" if f.peer is None else f"{f.peer:g}"
        ratio = "" if f.ratio is None else f"{f.ratio:.3g}"
        lines.append(
            f"| {f.metric} | {f.n} | {f.value:.4g} | {f.unit} | {peer} | {ratio} |"
        )
    return "\n".join(lines)


# Columns of the local-control table: a heading, the cloud's metric, the LAN's.
LOCAL_COLUMNS = (
    (
        "cloud requests / poll",
        "cloud_requests_per_poll_all_cloud",
        "cloud_requests_per_poll_all_local",
    ),
    ("15-min listing", None, "cloud_requests_per_listing_all_local"),
    (
        "cloud requests / hour",
        "cloud_requests_per_hour_all_cloud",
        "cloud_requests_per_hour_all_local",
    ),
    (
        "cloud requests / day",
        "cloud_requests_per_day_all_cloud",
        "cloud_requests_per_day_all_local",
    ),
    ("saved / day", None, "cloud_requests_saved_per_day"),
    ("poll CPU ms", "poll_cpu_ms_unchanged", "local_poll_cpu_ms_unchanged"),
    ("poll wall s", "poll_wall_s", "local_poll_wall_s"),
    ("PUTs / command", "command_puts", "local_command_puts"),
    ("command confirm s", "command_confirm_s", "local_command_confirm_s"),
)


def local_table(figures: list[Figure]) -> str:
    """Render the local-control figures beside the cloud's: "cloud / LAN" per cell."""
    values = {(f.metric, f.n): f.value for f in figures}
    sizes = sorted({n for metric, n in values if metric in _LAN_METRICS})

    def cell(metric: str | None, n: int) -> str:
        value = values.get((metric, n)) if metric else None
        if value is None:
            return ""
        return f"{value:.0f}" if value == round(value) else f"{value:.4g}"

    lines = [
        f"| N | {' | '.join(heading for heading, _, _ in LOCAL_COLUMNS)} |",
        f"|---:|{'---:|' * len(LOCAL_COLUMNS)}",
    ]
    for n in sizes:
        cells = [
            cell(lan, n) if cloud is None else pair(cell(cloud, n), cell(lan, n))
            for _, cloud, lan in LOCAL_COLUMNS
        ]
        lines.append(f"| {n} | {' | '.join(cells)} |")
    return "\n".join(lines)


_LAN_METRICS = frozenset(lan for _, _, lan in LOCAL_COLUMNS)


def pair(cloud: str, lan: str) -> str:
    """Render "cloud / LAN", "-" for a side not measured, nothing if neither was."""
    if not cloud and not lan:
        return ""
    return f"{cloud or '-'} / {lan or '-'}"


def smoke_failures(figures: list[Figure], sizes: list[int]) -> Iterator[str]:
    """Deterministic counts the CI smoke run asserts."""
    for f in figures:
        if (
            f.metric == "requests_per_poll"
            and f.n in sizes
            and f.value != math.ceil(f.n / PAGE_SIZE)
        ):
            yield f"requests_per_poll at N={f.n} is {f.value}, expected {math.ceil(f.n / PAGE_SIZE)}"
        if f.metric == "scene_puts" and f.value != 1:
            yield f"scene_puts at N={f.n} is {f.value}, expected 1"
        yield from local_smoke_failures(f)


def local_smoke_failures(f: Figure) -> Iterator[str]:
    """Check an account all on the LAN: no cloud request but the 15-minute listing."""
    expected = {
        "cloud_requests_per_poll_all_local": 0,
        "local_command_puts": 0,
        "cloud_requests_per_listing_all_local": math.ceil(f.n / PAGE_SIZE),
        "cloud_requests_per_poll_all_cloud": math.ceil(f.n / PAGE_SIZE),
    }.get(f.metric)
    if expected is not None and f.value != expected:
        yield f"{f.metric} at N={f.n} is {f.value}, expected {expected}"


def environment() -> str:
    """Name what the figures were measured on."""
    return (
        f"Measured on Home Assistant {ha_version} with Python "
        f"{platform.python_version()} ({os.cpu_count()} cores)."
    )


def write_docs(markdown: str, local_markdown: str) -> None:
    """Replace the tables between the markers in docs/PERFORMANCE.md."""
    text = replace_between(DOCS.read_text(), START, END, markdown)
    DOCS.write_text(replace_between(text, LOCAL_START, LOCAL_END, local_markdown))


def replace_between(text: str, start: str, end: str, markdown: str) -> str:
    """Put `markdown` between the markers `start` and `end` of `text`."""
    head, _, rest = text.partition(start)
    _, _, tail = rest.partition(end)
    return f"{head}{start}\n{markdown}\n{end}{tail}"


def parse_args() -> argparse.Namespace:
    """Command line."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="N = 10 and 50")
    parser.add_argument(
        "--smoke", action="store_true", help="CI: N = 10, counts only, no peer"
    )
    parser.add_argument("--sizes", type=int, nargs="+")
    parser.add_argument("--reps", type=int, default=5)
    parser.add_argument("--latency-ms", type=float, default=50)
    parser.add_argument("--apply-delay-ms", type=float, default=200)
    parser.add_argument("--no-peer", dest="peer", action="store_false")
    parser.add_argument(
        "--write-docs", action="store_true", help=f"update the table in {DOCS.name}"
    )
    args = parser.parse_args()
    if args.sizes is None:
        args.sizes = (
            [10] if args.smoke else [10, 50] if args.quick else [1, 10, 50, 200, 1000]
        )
    if args.smoke:
        args.peer = False
        args.latency_ms = 0
        args.apply_delay_ms = 0
    if args.peer and not PEER_PYTHON.exists():
        parser.error(f"{PEER_PYTHON} is missing: run scripts/bench, which creates it")
    return args


async def main() -> int:
    """Run and report."""
    args = parse_args()
    logging.basicConfig(
        level=logging.WARNING, format="# %(levelname)s %(name)s: %(message)s"
    )
    logging.getLogger("homeassistant.loader").setLevel(logging.ERROR)
    emulator = Emulator(args.latency_ms, args.apply_delay_ms)
    emulator.start()
    try:
        async with aiohttp.ClientSession() as session:
            bench = Bench(args, emulator, EmulatorAdmin(session, emulator.url))
            await bench.run()
    finally:
        emulator.stop()
    markdown = f"{environment()}\n\n{table(bench.figures)}"
    local_markdown = local_table(bench.figures)
    print()
    print(markdown)
    print()
    print(local_markdown)
    if args.write_docs:
        write_docs(markdown, local_markdown)
    if args.smoke:
        failures = list(smoke_failures(bench.figures, args.sizes))
        for failure in failures:
            print(f"FAIL: {failure}", file=sys.stderr)
        return 1 if failures else 0
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
