"""The emulated cloud: accounts, nodes, sessions, statistics, faults and throttling."""

from bisect import bisect_left
from collections import Counter, deque
from dataclasses import dataclass, field
from email.utils import formatdate
import fnmatch
import math
import random
import string
import time
from typing import Any
import uuid

from .clock import SimClock
from .devices import DEVICE_SECRET_TYPES, KINDS, RawDevice
from .groups import Groups
from .nodes import EmulatedNode, Role
from .ota import DEFAULT_DESCRIPTION, DEFAULT_FILE_SIZE, OtaNodes, OtaService
from .scenes import app_scene
from .schedules import app_schedule
from .seeding import DEMO_FIRST, DEMO_LATER, DEMO_RELEASE_NOTES, SEED_KINDS
from .services import seed_scenes, seed_schedules
from .settings import IdFields, RetryAfter, Settings, UnauthorizedBody
from .sign_in import SignInCodes
from .tokens import DEFAULT_ACCESS_TTL, TokenAuthority

DEFAULT_PAGE_SIZE = 10
NODE_ID_ALPHABET = string.ascii_letters + string.digits

DEMO_EMAIL = "demo@example.com"
DEMO_PASSWORD = "demo-pass-1234"  # noqa: S105 - the documented demo account


@dataclass(slots=True)
class Account:
    """A user of the cloud."""

    email: str
    # None: the account has no password and signs in with e-mailed codes only.
    password: str | None
    user_id: str
    mfa: bool = False
    node_ids: set[str] = field(default_factory=set)


@dataclass(slots=True)
class FaultRule:
    """A canned misbehaviour for matching requests."""

    rule_id: int
    method: str | None = None
    path: str | None = None
    status: int | None = None
    headers: dict[str, str] = field(default_factory=dict)
    body: Any = None
    delay_ms: float = 0.0
    times: int | None = None
    drop_connection: bool = False
    malformed: bool = False
    hits: int = 0

    def matches(self, method: str, path: str) -> bool:
        """Whether the rule applies to a request."""
        if self.method is not None and self.method.upper() != method.upper():
            return False
        return self.path is None or fnmatch.fnmatchcase(path, self.path)

    def as_dict(self) -> dict[str, Any]:
        """Describe the rule."""
        return {
            "id": self.rule_id,
            "method": self.method,
            "path": self.path,
            "status": self.status,
            "headers": self.headers,
            "body": self.body,
            "delay_ms": self.delay_ms,
            "times": self.times,
            "drop_connection": self.drop_connection,
            "malformed": self.malformed,
            "hits": self.hits,
        }


@dataclass(slots=True)
class ServerRateLimit:
    """A server-side token bucket over all API requests."""

    rate: float
    burst: int
    retry_after: RetryAfter | None = None
    tokens: float = 0.0
    updated: float = field(default_factory=time.monotonic)
    throttled: int = 0

    def __post_init__(self) -> None:
        """Start full."""
        self.tokens = float(self.burst)

    def take(self) -> float | None:
        """Take a token; return None, or the seconds until one is available."""
        now = time.monotonic()
        self.tokens = min(
            float(self.burst), self.tokens + (now - self.updated) * self.rate
        )
        self.updated = now
        if self.tokens >= 1:
            self.tokens -= 1
            return None
        self.throttled += 1
        return (1 - self.tokens) / self.rate

    def headers(self, wait: float) -> dict[str, str]:
        """Return the Retry-After header for a throttled request, if configured."""
        if self.retry_after == RetryAfter.SECONDS:
            return {"Retry-After": str(max(1, math.ceil(wait)))}
        if self.retry_after == RetryAfter.DATE:
            return {
                "Retry-After": formatdate(time.time() + max(1.0, wait), usegmt=True)
            }
        return {}


class Cloud:
    """All state of one emulated RainMaker deployment."""

    def __init__(
        self,
        *,
        seed: int | None = None,
        page_size: int = DEFAULT_PAGE_SIZE,
        settings: Settings | None = None,
        token_ttl: float = DEFAULT_ACCESS_TTL,
    ) -> None:
        """Create an empty cloud."""
        self.clock = SimClock()
        self.tokens = TokenAuthority(self.clock, access_ttl=token_ttl)
        self.settings = settings or Settings()
        self.page_size = page_size
        self.rng = random.Random(seed)
        self.accounts: dict[str, Account] = {}
        self.sign_in = SignInCodes(self.clock.now, self.rng)
        self.ota = OtaService(self._random_id)
        self.groups = Groups(self._random_id)
        # Changed only by add_node and remove_node; `nodes` is the view others read.
        self._nodes: dict[str, EmulatedNode] = {}
        self.nodes = OtaNodes(self._nodes, self.clock.now, self.ota)
        self.stats: Counter[str] = Counter()
        self.config_pages = 0
        self.arrivals: deque[float] = deque(maxlen=100_000)
        self.faults: list[FaultRule] = []
        self._fault_ids = 0
        self.latency = 0.0
        self.rate_limit: ServerRateLimit | None = None
        self.unauthorized_body = UnauthorizedBody.MESSAGE
        self.accept_bearer = False
        self.bulk_207 = False
        self.id_fields = IdFields.BOTH
        self.string_error_codes = False
        # Faulty paging: the last page's next_id leads back to the first page, and
        # a `total` that is not the number of nodes.
        self.paging_cycle = False
        self.reported_total: int | None = None
        # Refresh answers without the id token, as a variant of the cloud could send.
        self.refresh_without_idtoken = False

    # Accounts --------------------------------------------------------------------

    def add_account(
        self,
        email: str,
        password: str | None,
        *,
        user_id: str | None = None,
        mfa: bool = False,
    ) -> Account:
        """Create an account (e-mail addresses are case-insensitive)."""
        email = email.strip().lower()
        if email in self.accounts:
            raise ValueError(f"account {email} exists")
        account = Account(
            email=email,
            password=password,
            user_id=user_id or str(uuid.UUID(int=self.rng.getrandbits(128), version=4)),
            mfa=mfa,
        )
        self.accounts[email] = account
        return account

    def account(self, email: str) -> Account:
        """Look an account up."""
        try:
            return self.accounts[email.strip().lower()]
        except KeyError:
            raise KeyError(f"no account {email}") from None

    def remove_account(self, email: str) -> None:
        """Delete an account, its sessions and its access to nodes."""
        account = self.account(email)
        for node_id in list(account.node_ids):
            self._nodes[node_id].users.pop(account.email, None)
        self.groups.drop_owner(account.email)
        self.tokens.forget(account.email)
        self.sign_in.forget(account.email)
        del self.accounts[account.email]

    def set_password(
        self, email: str, password: str, *, revoke_sessions: bool = True
    ) -> None:
        """Change a password, by default signing every session out as well."""
        account = self.account(email)
        account.password = password
        if revoke_sessions:
            self.tokens.revoke(account.email, refresh=True, access=True)

    # Nodes -----------------------------------------------------------------------

    def _random_id(self) -> str:
        """Return a random 22-character id, as the cloud's node, group and job ids look."""
        return "".join(self.rng.choice(NODE_ID_ALPHABET) for _ in range(22))

    def new_node_id(self) -> str:
        """Return a fresh 22-character node id."""
        while True:
            node_id = self._random_id()
            if node_id not in self.nodes:
                return node_id

    def add_node(
        self,
        kind: str,
        owner: str,
        *,
        node_id: str | None = None,
        name: str | None = None,
        online: bool = True,
        shared_with: list[str] | None = None,
        config: Any = None,
        params: Any = None,
    ) -> EmulatedNode:
        """Create a node of a kind for an owner; `raw` nodes take config and params as given."""
        if kind not in KINDS:
            raise ValueError(f"unknown kind {kind}; known: {', '.join(sorted(KINDS))}")
        account = self.account(owner)
        node_id = node_id or self.new_node_id()
        if node_id in self.nodes:
            raise ValueError(f"node {node_id} exists")
        device_kind = KINDS[kind]
        if isinstance(device_kind, RawDevice):
            built = device_kind.given(config, params)
        else:
            built = device_kind.build(
                node_id, name or f"{device_kind.device_name}", self.rng
            )
        now = self.clock.now()
        node = EmulatedNode(
            node_id=node_id,
            kind=device_kind,
            config=built.config,
            reported=built.params,
            settings=self.settings,
            sim=built.sim,
            online=online,
            connectivity_ts=int(now * 1000),
            time=now,
        )
        node.users[account.email] = Role.PRIMARY
        account.node_ids.add(node_id)
        self._nodes[node_id] = node
        for email in shared_with or []:
            self.share(node_id, email)
        return node

    def node(self, node_id: str) -> EmulatedNode:
        """Look a node up, simulated up to now as `nodes[node_id]` returns it."""
        try:
            return self.nodes[node_id]
        except KeyError:
            raise KeyError(f"no node {node_id}") from None

    def remove_node(self, node_id: str) -> None:
        """Delete a node from the cloud and from every account."""
        node = self._nodes.pop(node_id)
        for email in node.users:
            if email in self.accounts:
                self.accounts[email].node_ids.discard(node_id)
        self.groups.drop_node(node_id)
        self.ota.forget(node_id)

    def share(self, node_id: str, email: str, role: Role = Role.SECONDARY) -> None:
        """Give another account access to a node."""
        account = self.account(email)
        self._nodes[node_id].users[account.email] = role
        account.node_ids.add(node_id)

    def visible(self, email: str) -> list[str]:
        """Return the ids of the nodes an account sees, sorted as the cloud pages them."""
        return sorted(self.account(email).node_ids)

    def page(
        self, email: str, start_id: str | None, size: int
    ) -> tuple[list[str], str | None]:
        """One page of node ids and the id that starts the next page."""
        ids = self.visible(email)
        start = bisect_left(ids, start_id) if start_id else 0
        chunk = ids[start : start + size]
        end = start + size
        if end < len(ids):
            return chunk, ids[end]
        return chunk, ids[0] if self.paging_cycle and ids else None

    def secrets(self) -> list[str]:
        """Every secret this cloud knows: passwords, tokens it issued, device secrets.

        Device secrets are the values of credential params (a Local Control PoP, a
        Matter controller's user token) that nodes report, raw nodes included.
        """
        found = [a.password for a in self.accounts.values() if a.password is not None]
        found += self.tokens.issued
        found += self.sign_in.secrets()
        for node in self._nodes.values():
            reported = node.reported if isinstance(node.reported, dict) else {}
            for (device, name), spec in node.specs.items():
                values = reported.get(device)
                value = values.get(name) if isinstance(values, dict) else None
                kind = spec.get("type")
                if isinstance(kind, str) and kind in DEVICE_SECRET_TYPES:
                    found += [value] if isinstance(value, str) else []
        return [secret for secret in found if secret]

    # OTA and groups --------------------------------------------------------------

    def release_ota(
        self,
        node_id: str,
        fw_version: str,
        description: str = DEFAULT_DESCRIPTION,
        file_size: int = DEFAULT_FILE_SIZE,
    ) -> str:
        """Offer a node a firmware version over OTA; return the job id users trigger."""
        self.node(node_id)
        return self.ota.release(node_id, fw_version, description, file_size)

    def fail_next_ota(self, node_id: str, outcome: str) -> None:
        """Make a node's next triggered OTA job end `failed` or `rejected`."""
        self.node(node_id)
        self.ota.fail_next(node_id, outcome)

    def add_group(self, email: str, name: str, node_ids: list[str]) -> str:
        """Group some of an account's nodes; return the group id."""
        account = self.account(email)
        if foreign := set(node_ids) - account.node_ids:
            raise ValueError(
                f"not nodes of {account.email}: {', '.join(sorted(foreign))}"
            )
        return self.groups.create(account.email, name, node_ids).group_id

    # Requests --------------------------------------------------------------------

    def count(self, method: str, path: str) -> None:
        """Record an API request and when it arrived (monotonic seconds)."""
        self.stats[f"{method} {path}"] += 1
        self.arrivals.append(time.monotonic())

    def stats_snapshot(self) -> dict[str, Any]:
        """Return request counters (and how many listing pages carried configs)."""
        return {
            "total": sum(self.stats.values()),
            "requests": dict(self.stats),
            "config_pages": self.config_pages,
        }

    def reset_stats(self) -> None:
        """Zero the counters and forget arrival times."""
        self.stats.clear()
        self.arrivals.clear()
        self.config_pages = 0

    def add_fault(self, **rule: Any) -> FaultRule:
        """Register a fault rule."""
        self._fault_ids += 1
        fault = FaultRule(rule_id=self._fault_ids, **rule)
        self.faults.append(fault)
        return fault

    def take_fault(self, method: str, path: str) -> FaultRule | None:
        """Return the first rule matching a request, consuming one of its uses."""
        for fault in self.faults:
            if fault.matches(method, path):
                fault.hits += 1
                if fault.times is not None and fault.hits >= fault.times:
                    self.faults.remove(fault)
                return fault
        return None

    # Demo ------------------------------------------------------------------------

    def seed(
        self,
        email: str = DEMO_EMAIL,
        password: str = DEMO_PASSWORD,
        /,
        **counts: int,
    ) -> Account:
        """Create (or reuse) an account and give it devices, numbered when several of a kind.

        `counts` are the names of `SEED_KINDS` (`lights=2, thermostats=1`, ...).
        """
        if unknown := set(counts) - set(SEED_KINDS):
            raise TypeError(f"unknown seed counts: {', '.join(sorted(unknown))}")
        try:
            account = self.account(email)
        except KeyError:
            account = self.add_account(email, password)
        for name, (kind, label) in SEED_KINDS.items():
            count = counts.get(name, 0)
            for number in range(1, count + 1):
                self.add_node(
                    kind,
                    account.email,
                    name=f"{label} {number}" if count > 1 else label,
                )
        return account

    def seed_demo(self) -> Account:
        """Create the demo account: two LIV hubs, an outlet and one device of every other kind."""
        account = self.seed(**DEMO_FIRST)
        patio = self.add_node("thermacell", account.email, name="Patio")
        back_yard = self.add_node("thermacell", account.email, name="Back Yard")
        garden = self.add_node("outlet", account.email, name="Garden Lights")
        self.seed(**DEMO_LATER)
        self.release_ota(patio.node_id, "5.5.0", description=DEMO_RELEASE_NOTES)
        seed_schedules(
            self.node(back_yard.node_id),
            [
                app_schedule(
                    "8K2F",
                    "Evening",
                    minutes=19 * 60,
                    days=0b1111111,
                    action={"LIV Hub": {"Enable Repellers": True}},
                )
            ],
        )
        seed_scenes(
            self.node(garden.node_id),
            [app_scene("4DQ7", "Party", action={"Outlet": {"Power": True}})],
        )
        self.add_group(
            account.email,
            "Garden",
            [patio.node_id, back_yard.node_id, garden.node_id],
        )
        return account
