"""Turn the JSON of `GET /v1/user/nodes?node_details=true` into models.

The parser is forgiving where the cloud varies (`id` or `node_id`, error codes as
numbers or strings, missing optional blocks) and strict where a node could not be
shown correctly: such a node raises `MalformedNodeError` and the caller skips it.
"""

from collections.abc import Hashable, Mapping
from dataclasses import dataclass
import hashlib
from typing import Any

import orjson

from .listing_json import UndecodableEntry
from .models import Bounds, DeviceSpec, Node, NodeConfig, NodeInfo, ParamSpec
from .values import exact_key, number


class MalformedNodeError(ValueError):
    """A node entry that cannot be understood."""


class MissingConfigError(MalformedNodeError):
    """A node entry without a config, for a node whose config is not known yet."""


@dataclass(frozen=True, slots=True)
class NodePage:
    """One page of the node listing."""

    nodes: tuple[Node, ...]
    malformed: tuple[tuple[str, str], ...]
    next_id: str | None
    unconfigured: tuple[str, ...] = ()
    # Nodes whose params name devices their config lacks, with those names.
    outdated: tuple[tuple[str, frozenset[str]], ...] = ()
    # The account's node count as the page states it, and how many entries it had.
    total: int | None = None
    entries: int = 0


def _optional_str(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _parse_bounds(raw: Any) -> Bounds | None:
    if not isinstance(raw, dict):
        return None
    bounds = Bounds(
        min=number(raw.get("min")),
        max=number(raw.get("max")),
        step=number(raw.get("step")),
    )
    return None if bounds == Bounds() else bounds


def _parse_param(raw: Any, owner: str) -> ParamSpec:
    if not isinstance(raw, dict) or not _optional_str(raw.get("name")):
        raise MalformedNodeError(f"a parameter of '{owner}' has no name")
    properties = raw.get("properties", [])
    if not isinstance(properties, list):
        raise MalformedNodeError(f"parameter '{raw['name']}' has invalid properties")
    valid_strs = raw.get("valid_strs", [])
    return ParamSpec(
        name=raw["name"],
        type=_optional_str(raw.get("type")) or "",
        data_type=_optional_str(raw.get("data_type")) or "",
        properties=frozenset(p for p in properties if isinstance(p, str)),
        bounds=_parse_bounds(raw.get("bounds")),
        valid_strs=tuple(s for s in valid_strs if isinstance(s, str))
        if isinstance(valid_strs, list)
        else (),
        ui_type=_optional_str(raw.get("ui_type")),
    )


def _parse_device(raw: Any, *, is_service: bool) -> DeviceSpec:
    kind = "service" if is_service else "device"
    if not isinstance(raw, dict) or not _optional_str(raw.get("name")):
        raise MalformedNodeError(f"a {kind} has no name")
    name = raw["name"]
    params = raw.get("params", [])
    if not isinstance(params, list):
        raise MalformedNodeError(f"{kind} '{name}' has invalid params")
    attributes = raw.get("attributes", [])
    return DeviceSpec(
        name=name,
        type=_optional_str(raw.get("type")) or "",
        params=tuple(_parse_param(param, name) for param in params),
        primary=_optional_str(raw.get("primary")),
        subtype=_optional_str(raw.get("subtype")),
        model=_optional_str(raw.get("model")),
        attributes=tuple(
            (attr["name"], str(attr.get("value", "")))
            for attr in attributes
            if isinstance(attr, dict) and _optional_str(attr.get("name"))
        )
        if isinstance(attributes, list)
        else (),
        is_service=is_service,
    )


def parse_config(raw: Any) -> NodeConfig:
    """Parse a node configuration object."""
    if not isinstance(raw, dict):
        raise MalformedNodeError("config is not an object")
    devices = raw.get("devices", [])
    services = raw.get("services", [])
    if not isinstance(devices, list) or not isinstance(services, list):
        raise MalformedNodeError("config devices or services are not lists")
    info = raw.get("info")
    info = info if isinstance(info, dict) else {}
    return NodeConfig(
        info=NodeInfo(
            name=_optional_str(info.get("name")),
            fw_version=_optional_str(info.get("fw_version")),
            type=_optional_str(info.get("type")),
            model=_optional_str(info.get("model")),
            subtype=_optional_str(info.get("subtype")),
            platform=_optional_str(info.get("platform")),
            project_name=_optional_str(info.get("project_name")),
        ),
        devices=tuple(_parse_device(device, is_service=False) for device in devices),
        services=tuple(_parse_device(service, is_service=True) for service in services),
        config_version=_optional_str(raw.get("config_version")),
    )


def node_id_of(item: Any) -> str | None:
    """Return the id of a node entry: `id`, or `node_id` as the newer SDKs send it."""
    if not isinstance(item, dict):
        return None
    return _optional_str(item.get("id")) or _optional_str(item.get("node_id"))


class NodeParser:
    """Parses node entries, sharing what nodes have in common.

    Identical configs become one object, keyed by a digest of their content
    without the node id; during a listing (`start_listing` … `finish_listing`) that
    cache is rebuilt from the configs in use, so it holds exactly what the
    account's nodes need. Equal values and equal rows of values (a time zone, a
    service's state) are shared between the nodes of a listing too.
    """

    def __init__(self) -> None:
        """Start with empty caches."""
        self._configs: dict[bytes, NodeConfig] = {}
        self._in_use: dict[bytes, NodeConfig] | None = None
        self._shared: dict[Hashable, Any] = {}

    def start_listing(self) -> None:
        """Begin collecting the configs of a full listing."""
        self._in_use = {}
        self._shared = {}

    def finish_listing(self) -> None:
        """Keep only the configs the listing used; forget the shared values."""
        if self._in_use:  # a listing without configs keeps the cache as it is
            self._configs = self._in_use
        self._in_use = None
        self._shared = {}

    def _share(self, value: Any) -> Any:
        """Return an exactly equal value seen before in this listing, else `value`.

        Objects (and rows or arrays holding one) are not shared: they are mutable.
        """
        if value is None or isinstance(value, bool) or self._in_use is None:
            return value
        try:
            hash(value)
        except TypeError:
            return value
        return self._shared.setdefault(exact_key(value), value)

    def config(self, raw: Any) -> NodeConfig:
        """Parse a config, returning the shared object for a config seen before."""
        if not isinstance(raw, dict):
            raise MalformedNodeError("config is not an object")
        try:
            content = orjson.dumps(
                {k: v for k, v in raw.items() if k != "node_id"},
                option=orjson.OPT_SORT_KEYS,
            )
        except orjson.JSONEncodeError as err:
            raise MalformedNodeError(f"config cannot be read ({err})") from err
        digest = hashlib.blake2b(content, digest_size=16).digest()
        config = self._configs.get(digest)
        if config is None:
            config = parse_config(raw)
            self._configs[digest] = config
        if self._in_use is not None:
            self._in_use[digest] = config
        return config

    def node(self, item: Any, previous: Node | None = None) -> Node:
        """Parse one entry of `node_details`.

        `previous` is what the node was at the last poll: its config serves an entry
        without one (a listing asked with `config=false`), and when the entry's
        status and params are unchanged `previous` itself is returned.
        """
        node_id = node_id_of(item)
        if node_id is None:
            raise MalformedNodeError("node entry has no id")
        raw_config = item.get("config")
        if raw_config is None:
            if previous is None:
                raise MissingConfigError("node entry has no config")
            config = previous.config
        else:
            config = self.config(raw_config)
        raw_params = item.get("params")
        if raw_params is None:
            raw_params = {}
        if not isinstance(raw_params, dict):
            raise MalformedNodeError("params is not an object")
        status, role = item.get("status"), item.get("role")
        digest = _digest(status, raw_params, role)
        if (
            previous is not None
            and previous.config is config
            and previous.digest == digest
        ):
            return previous
        connected, timestamp = _parse_status(status)
        return Node(
            node_id=node_id,
            config=config,
            values=self._values(config, raw_params),
            connected=connected,
            connectivity_timestamp=timestamp,
            role=_optional_str(role),
            digest=digest,
        )

    def _values(
        self, config: NodeConfig, raw_params: dict[str, Any]
    ) -> tuple[tuple[Any, ...], ...]:
        rows: list[tuple[Any, ...]] = []
        for entry in config.entries:
            reported = raw_params.get(entry.name)
            if not isinstance(reported, dict):
                rows.append(self._share((None,) * len(entry.params)))
                continue
            row = tuple(
                self._share(param.coerce(reported.get(param.name)))
                for param in entry.params
            )
            rows.append(self._share(row))
        return tuple(rows)

    def page(
        self, payload: Any, previous: Mapping[str, Node] | None = None
    ) -> NodePage:
        """Parse one page; malformed entries are returned, not raised.

        Entries without a config that `previous` does not know are listed in
        `unconfigured`; entries whose params name a device or service the config
        does not have are listed in `outdated` (the node got new firmware).
        """
        if not isinstance(payload, dict):
            raise MalformedNodeError("node listing is not an object")
        details = payload.get("node_details")
        if details is None:
            details = []
        if not isinstance(details, list):
            raise MalformedNodeError("node_details is not a list")
        previous = previous or {}
        nodes: list[Node] = []
        malformed: list[tuple[str, str]] = []
        unconfigured: list[str] = []
        outdated: list[tuple[str, frozenset[str]]] = []
        for item in details:
            if isinstance(item, UndecodableEntry):
                malformed.append((item.node_id or "<no id>", item.reason))
                continue
            node_id = node_id_of(item)
            try:
                node = self.node(item, previous.get(node_id) if node_id else None)
            except MissingConfigError:
                unconfigured.append(str(node_id))
                continue
            except MalformedNodeError as err:
                malformed.append((node_id or "<no id>", str(err)))
                continue
            nodes.append(node)
            if item.get("config") is None and (
                unknown := _names_unknown(node.config, item.get("params"))
            ):
                outdated.append((node.node_id, unknown))
        next_id, total = payload.get("next_id"), payload.get("total")
        return NodePage(
            nodes=tuple(nodes),
            malformed=tuple(malformed),
            next_id=next_id if isinstance(next_id, str) and next_id else None,
            unconfigured=tuple(unconfigured),
            outdated=tuple(outdated),
            total=total
            if isinstance(total, int) and not isinstance(total, bool) and total >= 0
            else None,
            entries=len(details),
        )


def _digest(status: Any, params: Any, role: Any) -> bytes:
    """Fingerprint what a poll can change of a node (its config aside).

    Raises MalformedNodeError for what cannot be fingerprinted (nesting deeper
    than the encoder allows): such a node could never be told changed.
    """
    try:
        content = orjson.dumps((status, params, role))
    except orjson.JSONEncodeError as err:
        raise MalformedNodeError(f"status or params cannot be read ({err})") from err
    return hashlib.blake2b(content, digest_size=8).digest()


def _names_unknown(config: NodeConfig, params: Any) -> frozenset[str]:
    """Return the devices and services params name that the config lacks."""
    if not isinstance(params, dict):
        return frozenset()
    return frozenset(name for name in params if config.position(name) is None)


def _parse_status(raw: Any) -> tuple[bool | None, int | None]:
    if not isinstance(raw, dict):
        return None, None
    connectivity = raw.get("connectivity")
    if not isinstance(connectivity, dict):
        return None, None
    connected = connectivity.get("connected")
    timestamp = connectivity.get("timestamp")
    return (
        connected if isinstance(connected, bool) else None,
        int(stamp) if (stamp := number(timestamp)) is not None else None,
    )
