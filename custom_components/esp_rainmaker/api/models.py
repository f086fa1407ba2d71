"""Typed, immutable models of RainMaker nodes, their configuration and parameter values."""

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
import math
import re
from typing import Any, Final

from . import vocabulary as v
from .exceptions import RainMakerValidationError
from .values import exact_key, number

# The integers JSON encoders (and so Home Assistant's state store) can hold.
INT_MIN: Final = -(2**63)
INT_MAX: Final = 2**64 - 1

# Param types whose values are credentials a device holds: the Local Control proof
# of possession, a Matter controller's refresh token, a Thread border router's
# datasets and an OTA URL (pre-signed).
SECRET_PARAM_TYPES: Final = frozenset(
    {
        v.PARAM_LOCAL_CONTROL_POP,
        v.PARAM_USER_TOKEN,
        v.PARAM_REFRESH_TOKEN,
        v.PARAM_TBR_ACTIVE_DATASET,
        v.PARAM_TBR_PENDING_DATASET,
        v.PARAM_OTA_URL,
    }
)
# Param names that say "credential" when the type does not (custom firmware).
SECRET_PARAM_NAME: Final = re.compile(
    r"token|password|passphrase|passwd|secret|credential|dataset"
    r"|(?<![a-z])(pop|psk|key)(?![a-z])",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class Bounds:
    """Numeric bounds of a parameter (for arrays, `max` is the maximum length)."""

    min: float | None = None
    max: float | None = None
    step: float | None = None


@dataclass(frozen=True, slots=True)
class ParamSpec:
    """A parameter as the node's configuration describes it."""

    name: str
    type: str
    data_type: str
    properties: frozenset[str]
    bounds: Bounds | None = None
    valid_strs: tuple[str, ...] = ()
    ui_type: str | None = None

    @property
    def readable(self) -> bool:
        """Whether the node reports a value for this parameter."""
        return v.PROPERTY_READ in self.properties

    @property
    def writable(self) -> bool:
        """Whether the cloud accepts writes to this parameter."""
        return v.PROPERTY_WRITE in self.properties

    @property
    def hidden(self) -> bool:
        """Whether the node asks apps not to show this parameter."""
        return self.ui_type == v.UI_HIDDEN

    @property
    def secret(self) -> bool:
        """Whether values are credentials: never shown, logged or put in diagnostics."""
        return self.type in SECRET_PARAM_TYPES or bool(
            SECRET_PARAM_NAME.search(self.name)
        )

    @property
    def numeric(self) -> bool:
        """Whether values are numbers."""
        return self.data_type in v.NUMERIC_DATA_TYPES

    def coerce(self, value: Any) -> Any:
        """Return a reported value in this parameter's type, or None if it is not one."""
        match self.data_type:
            case v.DATA_TYPE_BOOL:
                return value if isinstance(value, bool) else None
            case v.DATA_TYPE_INT:
                if isinstance(value, float) and value.is_integer():
                    value = int(value)
                if isinstance(value, bool) or not isinstance(value, int):
                    return None
                return value if INT_MIN <= value <= INT_MAX else None
            case v.DATA_TYPE_FLOAT:
                if (found := number(value)) is not None and math.isfinite(found):
                    return found
                return None
            case v.DATA_TYPE_STRING:
                return value if isinstance(value, str) else None
            case v.DATA_TYPE_OBJECT:
                return value if isinstance(value, dict) else None
            case v.DATA_TYPE_ARRAY:
                # Kept as a tuple: models are immutable, and equal arrays can be shared.
                return tuple(value) if isinstance(value, list | tuple) else None
        return value

    def validate(self, value: Any) -> Any:
        """Return `value` ready to send, or raise if the node would refuse it."""
        if not self.writable:
            raise RainMakerValidationError(f"Parameter '{self.name}' is read-only")
        normalised = self.coerce(value)
        if normalised is None:
            raise RainMakerValidationError(
                f"Parameter '{self.name}' expects {self.data_type}, got {type(value).__name__}"
            )
        if self.data_type == v.DATA_TYPE_FLOAT:
            normalised = float(normalised)
        elif self.data_type == v.DATA_TYPE_ARRAY:
            normalised = list(normalised)
        if self.bounds is not None:
            self._check_bounds(normalised)
        if self.valid_strs and normalised not in self.valid_strs:
            raise RainMakerValidationError(
                f"Parameter '{self.name}' accepts only {', '.join(self.valid_strs)}"
            )
        return normalised

    def _check_bounds(self, value: Any) -> None:
        if self.bounds is None:
            return
        if self.data_type == v.DATA_TYPE_ARRAY:
            if self.bounds.max is not None and len(value) > self.bounds.max:
                raise RainMakerValidationError(
                    f"Parameter '{self.name}' holds at most {self.bounds.max:g} items"
                )
            return
        if not self.numeric:
            return
        low, high = self.bounds.min, self.bounds.max
        if (low is not None and value < low) or (high is not None and value > high):
            raise RainMakerValidationError(
                f"Parameter '{self.name}' must be between {low:g} and {high:g}, got {value:g}"
                if low is not None and high is not None
                else f"Parameter '{self.name}' is out of bounds: {value:g}"
            )


@dataclass(frozen=True, slots=True)
class DeviceSpec:
    """A device (or a service: same layout) of a node, with its parameters."""

    name: str
    type: str
    params: tuple[ParamSpec, ...]
    primary: str | None = None
    subtype: str | None = None
    model: str | None = None
    attributes: tuple[tuple[str, str], ...] = ()
    is_service: bool = False
    _index: dict[str, int] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        """Index the parameters by name (the first of a duplicated name wins)."""
        index: dict[str, int] = {}
        for position, param in enumerate(self.params):
            index.setdefault(param.name, position)
        object.__setattr__(self, "_index", index)

    def param(self, name: str) -> ParamSpec | None:
        """Return the parameter called `name`."""
        position = self._index.get(name)
        return None if position is None else self.params[position]

    def position(self, name: str) -> int | None:
        """Return where the value of parameter `name` sits in a value tuple."""
        return self._index.get(name)

    def params_of_type(self, param_type: str) -> Iterator[ParamSpec]:
        """Return the parameters of a standard or custom type, in configuration order."""
        return (param for param in self.params if param.type == param_type)

    def attribute(self, name: str) -> str | None:
        """Return a device attribute such as `Serial Number`."""
        for key, value in self.attributes:
            if key == name:
                return value
        return None


@dataclass(frozen=True, slots=True)
class NodeInfo:
    """The `info` block of a node configuration."""

    name: str | None = None
    fw_version: str | None = None
    type: str | None = None
    model: str | None = None
    subtype: str | None = None
    platform: str | None = None
    project_name: str | None = None


@dataclass(frozen=True, slots=True)
class NodeConfig:
    """A node's configuration. Nodes with identical configurations share one object."""

    info: NodeInfo
    devices: tuple[DeviceSpec, ...]
    services: tuple[DeviceSpec, ...] = ()
    config_version: str | None = None
    _lookup: dict[str, int] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        """Index devices, then services, by name."""
        lookup: dict[str, int] = {}
        for position, device in enumerate(self.entries):
            lookup.setdefault(device.name, position)
        object.__setattr__(self, "_lookup", lookup)

    @property
    def entries(self) -> tuple[DeviceSpec, ...]:
        """Devices followed by services: the order of a node's value tuples."""
        return self.devices + self.services

    def position(self, name: str) -> int | None:
        """Return where the values of device or service `name` sit in a node's values."""
        return self._lookup.get(name)

    def device(self, name: str) -> DeviceSpec | None:
        """Return the device or service called `name`."""
        position = self._lookup.get(name)
        return None if position is None else self.entries[position]

    def service_of_type(self, service_type: str) -> DeviceSpec | None:
        """Return the first service of a type such as `esp.service.system`."""
        return next((svc for svc in self.services if svc.type == service_type), None)

    def validate_write(self, device: str, params: Mapping[str, Any]) -> dict[str, Any]:
        """Return `params` ready to send to `device`, or raise what the node would refuse."""
        spec = self.device(device)
        if spec is None:
            raise RainMakerValidationError(f"Unknown device or service '{device}'")
        if not params:
            raise RainMakerValidationError(f"Nothing to write to '{device}'")
        validated: dict[str, Any] = {}
        for name, value in params.items():
            param = spec.param(name)
            if param is None:
                raise RainMakerValidationError(
                    f"Device '{device}' has no parameter '{name}'"
                )
            validated[name] = param.validate(value)
        return validated


@dataclass(frozen=True, slots=True, eq=False)
class Node:
    """One node as last reported by the cloud.

    `values` holds, for each entry of `config.entries`, a tuple of parameter values in
    configuration order; None stands for a value the node has not reported (or one
    of the wrong type). Nodes are equal when everything they report is, in type as
    well as in value.
    """

    node_id: str
    config: NodeConfig
    values: tuple[tuple[Any, ...], ...]
    connected: bool | None = None
    connectivity_timestamp: int | None = None
    role: str | None = None
    # Fingerprint of the reported status and params, to skip unchanged nodes.
    digest: bytes = field(default=b"", compare=False, repr=False)

    def __eq__(self, other: object) -> bool:
        """Compare what two nodes report, exactly."""
        if other is self:
            return True
        if not isinstance(other, Node):
            return NotImplemented
        return (
            self.node_id == other.node_id
            and self.connected is other.connected
            and self.connectivity_timestamp == other.connectivity_timestamp
            and self.role == other.role
            and self.config == other.config
            and exact_key(self.values) == exact_key(other.values)
        )

    __hash__ = None  # type: ignore[assignment]

    def get(self, device: str, param: str) -> Any:
        """Return the reported value of `param` of `device` (None when unknown)."""
        position = self.config.position(device)
        if position is None:
            return None
        index = self.config.entries[position].position(param)
        return None if index is None else self.values[position][index]

    def params(self, device: str) -> dict[str, Any]:
        """Return the known values of one device or service, keyed by parameter name."""
        position = self.config.position(device)
        if position is None:
            return {}
        spec = self.config.entries[position]
        return {
            param.name: value
            for param, value in zip(spec.params, self.values[position], strict=True)
            if value is not None
        }

    def all_params(self) -> dict[str, dict[str, Any]]:
        """Every known value, in the shape of `GET /v1/user/nodes/params`."""
        return {entry.name: self.params(entry.name) for entry in self.config.entries}

    def label(self, device: DeviceSpec) -> str | None:
        """Return the user's name for a device (its `esp.param.name` value), if set."""
        for param in device.params_of_type(v.PARAM_NAME):
            value = self.get(device.name, param.name)
            if isinstance(value, str) and value.strip():
                return value.strip()
        return None

    @property
    def name(self) -> str:
        """The user's name for the node: the first device's user-given name."""
        for device in self.config.devices:
            if (label := self.label(device)) is not None:
                return label
        return self.config.info.name or self.node_id

    def with_values(self, updates: Mapping[tuple[str, str], Any]) -> "Node":
        """Return a copy with some (device, param) values replaced; unknown keys are ignored."""
        values = list(self.values)
        for (device, param), value in updates.items():
            position = self.config.position(device)
            if position is None:
                continue
            index = self.config.entries[position].position(param)
            if index is None:
                continue
            row = list(values[position])
            row[index] = value
            values[position] = tuple(row)
        return replace(self, values=tuple(values), digest=b"")
