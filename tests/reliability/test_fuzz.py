"""Fuzzing: generated node payloads through the parser, the mapping and the integration.

Payloads are what `orjson.loads` can hand the parser (64-bit integers, finite and
huge floats, any Unicode text without lone surrogates), shaped like node entries
with random names, data types, properties, bounds, valid values and params, with
keys missing, extra keys and non-object entries. A bad node must be skipped (and
reported), never crash anything, and never take the good nodes of its page along.

Every magnitude reaches the parser, the mapping and the nodes set up in Home
Assistant; the defects extreme numbers once hit are pinned by the regression tests
at the end. Examples are derandomized: CI is deterministic.
"""

# Diagnostics imports the Supervisor client, whose mashumaro models cannot be built
# under a frozen clock: import it while time still runs.
from collections.abc import Callable, Iterator
import contextlib
import copy
from datetime import timedelta
import logging
import math
from typing import Any

import aiohasupervisor  # noqa: F401
from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import device_registry as dr, entity_registry as er
from hypothesis import HealthCheck, example, given, settings, strategies as st
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.components.diagnostics import (
    get_diagnostics_for_config_entry,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator
import voluptuous as vol

from custom_components.esp_rainmaker import PLATFORMS, mapping, sensor
from custom_components.esp_rainmaker.api import (
    Node,
    NodeParser,
    RainMakerValidationError,
    thermacell,
)
from custom_components.esp_rainmaker.api.parser import (
    MalformedNodeError,
    MissingConfigError,
    node_id_of,
)
from custom_components.esp_rainmaker.entity import node_device_info
from rainmaker_emulator import DEMO_EMAIL, Cloud
from tests.common import tick

FUZZ = settings(
    max_examples=150,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# Values -------------------------------------------------------------------------------

TEXT = st.text(st.characters(codec="utf-8"), max_size=12)
HUGE_NUMBERS = st.sampled_from(
    [
        2**63 - 1,
        -(2**63),
        2**64 - 1,
        1.7976931348623157e308,
        -1.7976931348623157e308,
        5e-324,
        -0.0,
        1e300,
    ]
)
# What a JSON decoder other than orjson could produce, and NaN-like strings.
NAN_LIKE = st.sampled_from(
    [math.nan, math.inf, -math.inf, "NaN", "Infinity", "-inf", "1e400", "nan", ""]
)
NUMBERS = (
    st.integers(min_value=-(2**63), max_value=2**64 - 1)
    | st.floats(allow_nan=False, allow_infinity=False)
    | HUGE_NUMBERS
)
SCALARS = st.none() | st.booleans() | NUMBERS | TEXT | NAN_LIKE
JSON = st.recursive(
    SCALARS,
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(TEXT, children, max_size=3)
    ),
    max_leaves=6,
)

# Names the integration looks for, so payloads reach the profiles and Thermacell code.
KNOWN_DEVICE_NAMES = ["LIV Hub", "Light", "Switch", "Fan", "System", "Time", "AC"]
KNOWN_PARAM_NAMES = [
    "Name",
    "Power",
    "Enable Repellers",
    "Brightness",
    "Hue",
    "Saturation",
    "CCT",
    "Speed",
    "Direction",
    "Temperature",
    "Reboot",
    "LED Brightness",
    "LED Hue",
    "LED Saturation",
    "Refill Life",
    "Refill Reset",
    "System Runtime",
    "System Status",
    "System State",
    "Error",
    "Hub ID",
]
PARAM_TYPES = [
    *(f"esp.param.{kind}" for kind in ("name", "power", "brightness", "hue")),
    *(f"esp.param.{kind}" for kind in ("saturation", "cct", "speed", "direction")),
    *(f"esp.param.{kind}" for kind in ("temperature", "reboot", "tz")),
    "custom.param.status",
]
DEVICE_TYPES = [
    "esp.device.lightbulb",
    "esp.device.light",
    "esp.device.switch",
    "esp.device.outlet",
    "esp.device.fan",
    "esp.device.temperature-sensor",
    "esp.device.other",
    "esp.service.system",
]
DATA_TYPES = ["bool", "int", "float", "string", "object", "array"]
ODD_DATA_TYPES = ["", "Bool", "INT", "integer", "double", "enum", "null", "number"]
PROPERTIES = ["read", "write", "time_series", "READ", "Write", "", "persist"]
UI_TYPES = [
    "esp.ui.hidden",
    "esp.ui.trigger",
    "esp.ui.push-btn-big",
    "esp.ui.slider",
    "esp.ui.toggle",
    "esp.ui.dropdown",
]

NAMES = st.sampled_from(KNOWN_PARAM_NAMES) | TEXT
DEVICE_NAMES = st.sampled_from(KNOWN_DEVICE_NAMES) | TEXT
# Names that parse: not empty.
NAME = st.sampled_from(KNOWN_PARAM_NAMES) | st.text(
    st.characters(codec="utf-8"), min_size=1, max_size=12
)
DEVICE_NAME = st.sampled_from(KNOWN_DEVICE_NAMES) | NAME


def weighted(*choices: tuple[st.SearchStrategy[Any], int]) -> st.SearchStrategy[Any]:
    """Pick one of the strategies with the given weights (with a short repr)."""
    pool = [strategy for strategy, weight in choices for _ in range(weight)]
    return st.integers(0, len(pool) - 1).flatmap(lambda index: pool[index])


def junk(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """Mostly `strategy`, sometimes any JSON value instead."""
    return weighted((strategy, 3), (JSON, 1))


def rarely_junk(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """Nearly always `strategy`: for fields a node needs to be worth mapping."""
    return weighted((strategy, 7), (JSON, 1))


PROPERTY_LISTS = weighted(
    (
        st.sampled_from(
            [["read"], ["write"], ["read", "write"], ["read", "write", "time_series"]]
        ),
        3,
    ),
    (st.lists(junk(st.sampled_from(PROPERTIES)), max_size=4), 1),
)
DATA_TYPE = weighted(
    (st.sampled_from(DATA_TYPES), 4), (st.sampled_from(ODD_DATA_TYPES), 1), (TEXT, 1)
)
# Parameters the profiles (lights, fans, sensors) consume: name, type, data type.
PROFILE_PARAMS = [
    ("Power", "esp.param.power", "bool"),
    ("Brightness", "esp.param.brightness", "int"),
    ("Hue", "esp.param.hue", "int"),
    ("Saturation", "esp.param.saturation", "int"),
    ("CCT", "esp.param.cct", "int"),
    ("Speed", "esp.param.speed", "int"),
    ("Direction", "esp.param.direction", "int"),
    ("Temperature", "esp.param.temperature", "float"),
    ("Level", "custom.param.level", "float"),
    ("Mode", "custom.param.mode", "string"),
    ("Reboot", "esp.param.reboot", "bool"),
]


class NodeStrategies:
    """Node payload strategies whose numbers (bounds and values) come from `numbers`."""

    def __init__(self, numbers: st.SearchStrategy[Any]) -> None:
        """Build every strategy from the innermost (a bound) to a whole payload."""
        self.scalars = st.none() | st.booleans() | numbers | TEXT | NAN_LIKE
        bound = weighted((numbers, 4), (NAN_LIKE | st.none() | TEXT | st.booleans(), 1))
        bounds = junk(
            st.fixed_dictionaries(
                {}, optional={"min": bound, "max": bound, "step": bound}
            )
        )
        optional_param_fields = {
            "type": junk(st.sampled_from(PARAM_TYPES) | TEXT),
            "bounds": bounds,
            "valid_strs": junk(st.lists(junk(TEXT), max_size=4)),
            "ui_type": junk(st.sampled_from(UI_TYPES) | TEXT),
            "extra": JSON,
        }
        # Shaped like a parameter, with odd values in its fields.
        odd_param = st.fixed_dictionaries(
            {"name": NAME, "data_type": DATA_TYPE, "properties": PROPERTY_LISTS},
            optional=optional_param_fields,
        )
        # A parameter a profile consumes, with odd bounds.
        profile_param = st.sampled_from(PROFILE_PARAMS).flatmap(
            lambda spec: st.fixed_dictionaries(
                {
                    "name": st.just(spec[0]) | NAME,
                    "type": st.just(spec[1]),
                    "data_type": weighted((st.just(spec[2]), 4), (DATA_TYPE, 1)),
                    "properties": PROPERTY_LISTS,
                    "bounds": st.fixed_dictionaries(
                        {"min": numbers, "max": numbers}, optional={"step": bound}
                    ),
                },
                optional={
                    "valid_strs": st.lists(TEXT, max_size=3),
                    "ui_type": st.sampled_from(UI_TYPES),
                },
            )
        )
        plausible_param = st.fixed_dictionaries(
            {
                "name": rarely_junk(NAMES),
                "data_type": rarely_junk(DATA_TYPE),
                "properties": rarely_junk(PROPERTY_LISTS),
            },
            optional=optional_param_fields,
        )
        # Any field may be missing or of any type.
        loose_param = st.fixed_dictionaries(
            {"name": junk(NAMES)},
            optional={
                "data_type": junk(DATA_TYPE),
                "properties": junk(PROPERTY_LISTS),
                **optional_param_fields,
            },
        )
        param = weighted((plausible_param, 3), (loose_param, 1), (JSON, 1))
        self.param = weighted((param, 2), (odd_param, 1), (profile_param, 1))
        optional_device_fields = {
            "primary": junk(NAMES),
            "attributes": junk(
                st.lists(
                    junk(st.fixed_dictionaries({"name": junk(TEXT), "value": JSON})),
                    max_size=2,
                )
            ),
            "subtype": junk(TEXT),
            "model": junk(TEXT),
        }
        odd_device = st.fixed_dictionaries(
            {
                "name": DEVICE_NAME,
                "type": weighted((st.sampled_from(DEVICE_TYPES), 3), (TEXT, 1)),
                "params": st.lists(
                    weighted((odd_param, 1), (profile_param, 2)), min_size=1, max_size=6
                ),
            },
            optional=optional_device_fields,
        )
        plausible_device = st.fixed_dictionaries(
            {
                "name": rarely_junk(DEVICE_NAMES),
                "type": rarely_junk(st.sampled_from(DEVICE_TYPES) | TEXT),
                "params": rarely_junk(st.lists(param, max_size=6)),
            },
            optional=optional_device_fields,
        )
        loose_device = st.fixed_dictionaries(
            {"name": junk(DEVICE_NAMES)},
            optional={
                "type": junk(st.sampled_from(DEVICE_TYPES) | TEXT),
                "params": junk(st.lists(param, max_size=6)),
                **optional_device_fields,
            },
        )
        device = weighted((plausible_device, 3), (loose_device, 1), (JSON, 1))
        optional_config_fields = {"node_id": JSON, "config_version": junk(TEXT)}
        # Well-formed nodes with odd content: they parse, and their entities must work.
        self.odd_config = st.fixed_dictionaries(
            {
                "info": INFO,
                "devices": st.lists(odd_device, min_size=1, max_size=3),
                "services": st.lists(odd_device, max_size=2),
            },
            optional=optional_config_fields,
        )
        plausible_config = st.fixed_dictionaries(
            {
                "info": INFO,
                "devices": rarely_junk(st.lists(device, max_size=3)),
                "services": rarely_junk(st.lists(device, max_size=2)),
            },
            optional=optional_config_fields,
        )
        loose_config = st.fixed_dictionaries(
            {},
            optional={
                "info": INFO,
                "devices": junk(st.lists(device, max_size=3)),
                "services": junk(st.lists(device, max_size=2)),
                **optional_config_fields,
            },
        )
        self.config = weighted(
            (plausible_config, 3), (self.odd_config, 1), (loose_config, 1), (JSON, 1)
        )

    def payload(self, *, odd: bool = False) -> st.SearchStrategy[tuple[Any, Any]]:
        """A node's config and params, as a device could publish them."""
        return node_payload(self.odd_config if odd else self.config, self.scalars)


INFO = junk(
    st.fixed_dictionaries(
        {},
        optional={
            "name": junk(TEXT),
            "type": junk(st.sampled_from(["thermacell-hub", "Lightbulb"]) | TEXT),
            "model": junk(st.sampled_from(["thermacell-hub"]) | TEXT),
            "fw_version": junk(TEXT),
            "platform": junk(TEXT),
        },
    )
)


@st.composite
def params_for(draw: st.DrawFn, config: Any, scalars: st.SearchStrategy[Any]) -> Any:
    """Reported values: for the config's own device and param names, and for others."""
    names: list[tuple[str, list[str]]] = []
    if isinstance(config, dict):
        for group in ("devices", "services"):
            entries = config.get(group)
            for entry in entries if isinstance(entries, list) else []:
                if isinstance(entry, dict) and isinstance(entry.get("name"), str):
                    specs = entry.get("params")
                    names.append(
                        (
                            entry["name"],
                            [
                                spec["name"]
                                for spec in (specs if isinstance(specs, list) else [])
                                if isinstance(spec, dict)
                                and isinstance(spec.get("name"), str)
                            ],
                        )
                    )
    params: dict[str, Any] = {}
    for device, param_names in names:
        params[device] = draw(
            junk(
                st.fixed_dictionaries(
                    {}, optional={name: junk(scalars) for name in param_names}
                )
            )
        )
    params |= draw(st.dictionaries(DEVICE_NAMES, JSON, max_size=2))
    return draw(junk(st.just(params)))


@st.composite
def node_payload(
    draw: st.DrawFn, configs: st.SearchStrategy[Any], scalars: st.SearchStrategy[Any]
) -> tuple[Any, Any]:
    """A node's config and params, as a device could publish them."""
    config = draw(configs)
    return config, draw(params_for(config, scalars))


# Every magnitude the client can hand over, for the parser and the mapping.
ANY_SIZE = NodeStrategies(NUMBERS)
# Mostly nodes that parse (their entities are set up), some that may not.
INTEGRATION_PAYLOADS = weighted(
    (ANY_SIZE.payload(odd=True), 2), (ANY_SIZE.payload(), 1)
)


STATUS = junk(
    st.fixed_dictionaries(
        {},
        optional={
            "connectivity": junk(
                st.fixed_dictionaries(
                    {},
                    optional={"connected": junk(st.booleans()), "timestamp": NUMBERS},
                )
            )
        },
    )
)
# Ids of junk entries never look like the good nodes' ids.
JUNK_IDS = JSON.filter(lambda value: not (isinstance(value, str) and "good" in value))


@st.composite
def junk_entry(draw: st.DrawFn) -> Any:
    """One entry of `node_details`, or anything else in its place."""
    config, params = draw(ANY_SIZE.payload())
    entry = draw(
        st.fixed_dictionaries(
            {},
            optional={
                "id": JUNK_IDS,
                "node_id": JUNK_IDS,
                "status": STATUS,
                "role": junk(st.sampled_from(["primary", "secondary"])),
                "extra": JSON,
            },
        )
    )
    entry["config"] = config
    if draw(st.booleans()):
        entry["params"] = params
    return draw(junk(st.just(entry)))


def good_entry(number: int) -> dict[str, Any]:
    """A valid switch node."""
    node_id = f"good-{number}"
    return {
        "id": node_id,
        "status": {"connectivity": {"connected": True, "timestamp": 1}},
        "config": {
            "node_id": node_id,
            "info": {"name": "Switch", "type": "Switch"},
            "devices": [
                {
                    "name": "Switch",
                    "type": "esp.device.switch",
                    "params": [
                        {
                            "name": "Power",
                            "type": "esp.param.power",
                            "data_type": "bool",
                            "properties": ["read", "write"],
                        }
                    ],
                }
            ],
        },
        "params": {"Switch": {"Power": number % 2 == 0}},
    }


# What every parsed node must survive --------------------------------------------------


def exercise(node: Node, values: list[Any]) -> None:
    """Run everything that reads a node; validation may only refuse with its own error."""
    _ = node.name, node.all_params(), node_device_info(node)
    for platform in PLATFORMS:
        for device, param in mapping.generic_params(node, platform):
            assert mapping.generic_platform(param) is platform
            assert mapping.generic_naming(node, device, param)
        for device, _parts in mapping.profile_devices(node, platform):
            assert mapping.main_naming(node, device)
    mapping.reboot_param(node)
    sensor.status_option(node)
    thermacell.runtime_hours(node)
    thermacell.system_status(node)
    thermacell.refill_life(node)
    thermacell.has_problem(node)
    thermacell.repellers_enabled(node)
    thermacell.error_code(node)
    for device in node.config.entries:
        assert isinstance(mapping.device_label(node, device), str)
        for param in device.params:
            mapping.generic_platform(param)
            for value in values:
                with contextlib.suppress(RainMakerValidationError):
                    param.validate(value)
        for params in ({}, dict.fromkeys((p.name for p in device.params), values[0])):
            with contextlib.suppress(RainMakerValidationError):
                node.config.validate_write(device.name, params)
    try:
        node.config.validate_write("\x00 no such device", {"x": 1})
    except RainMakerValidationError:
        pass
    else:
        pytest.fail("a write to an unknown device was accepted")


def accounted(item: Any, page: Any) -> Iterator[str]:
    """Where an entry ended up: parsed, malformed or unconfigured."""
    ids = {node.node_id for node in page.nodes}
    bad = {node_id for node_id, _ in page.malformed}
    node_id = node_id_of(item)
    if node_id in ids:
        yield "parsed"
    if node_id in bad or (node_id is None and "<no id>" in bad):
        yield "malformed"
    if node_id in page.unconfigured:
        yield "unconfigured"


@FUZZ
@given(
    junk_entries=st.lists(junk_entry(), min_size=1, max_size=4),
    next_id=JSON,
    values=st.lists(JSON, min_size=1, max_size=6),
    data=st.data(),
)
def test_parser_and_mapping_survive_junk(
    junk_entries: list[Any], next_id: Any, values: list[Any], data: st.DataObject
) -> None:
    """A page of junk and good nodes: junk is skipped or parsed, good nodes always parse."""
    good = [good_entry(number) for number in range(3)]
    details = list(junk_entries)
    for entry in good:
        details.insert(data.draw(st.integers(0, len(details))), entry)
    payload = {"node_details": copy.deepcopy(details), "next_id": next_id}
    parser = NodeParser()

    parser.start_listing()
    page = parser.page(payload)
    parser.finish_listing()

    assert len(page.nodes) + len(page.malformed) + len(page.unconfigured) == len(
        details
    )
    parsed = {node.node_id: node for node in page.nodes}
    for number, entry in enumerate(good):
        node = parsed[entry["id"]]
        assert node.get("Switch", "Power") is (number % 2 == 0)
        assert node.connected is True
    assert page.next_id is None or (isinstance(page.next_id, str) and page.next_id)
    for item in junk_entries:
        assert list(accounted(item, page)), item
    for node in page.nodes:
        exercise(node, values)

    # The next poll, without configs: the known nodes keep theirs.
    again = [
        {key: value for key, value in item.items() if key != "config"}
        for item in details
        if isinstance(item, dict)
    ]
    second = parser.page({"node_details": again}, parsed)
    for entry in good:
        assert any(node.node_id == entry["id"] for node in second.nodes)
    for node in second.nodes:
        assert node.config is parsed[node.node_id].config
        exercise(node, values)


@FUZZ
@given(
    payload=weighted((ANY_SIZE.payload(), 1), (ANY_SIZE.payload(odd=True), 1)),
    values=st.lists(JSON, min_size=1, max_size=6),
)
def test_one_node_parses_or_is_refused(
    payload: tuple[Any, Any], values: list[Any]
) -> None:
    """A node parses, or is refused with MalformedNodeError: nothing else escapes."""
    config, params = payload
    item = {"id": "n", "config": config, "params": params}
    try:
        node = NodeParser().node(copy.deepcopy(item))
    except MalformedNodeError:
        return
    exercise(node, values)


@FUZZ
@given(
    param=ANY_SIZE.param.filter(lambda raw: isinstance(raw, dict)),
    values=st.lists(JSON, min_size=1, max_size=8),
)
def test_validate_refuses_only_with_its_own_error(
    param: dict[str, Any], values: list[Any]
) -> None:
    """`ParamSpec.validate` returns a value of the param's type, or refuses cleanly."""
    config = {"devices": [{"name": "D", "params": [param]}]}
    try:
        node = NodeParser().node({"id": "n", "config": config})
    except MalformedNodeError:
        return
    spec = node.config.devices[0].params[0]
    for value in values:
        try:
            sent = spec.validate(value)
        except RainMakerValidationError:
            continue
        assert spec.writable
        assert spec.coerce(sent) is not None or spec.data_type not in DATA_TYPES
        if spec.numeric:
            assert math.isfinite(sent)
            bounds = spec.bounds
            if (
                bounds is not None
                and bounds.min is not None
                and not math.isnan(bounds.min)
            ):
                assert sent >= bounds.min
            if (
                bounds is not None
                and bounds.max is not None
                and not math.isnan(bounds.max)
            ):
                assert sent <= bounds.max
        if spec.valid_strs:
            assert sent in spec.valid_strs


# The integration ----------------------------------------------------------------------

NASTY: list[tuple[Any, Any]] = [
    (None, None),
    ("config", {}),
    ({}, []),
    ({"devices": "x"}, {}),
    ({"devices": [{"name": ""}]}, {}),
    ({"devices": [{"name": "D", "params": [{"name": "P", "properties": "rw"}]}]}, {}),
    ({"devices": [None, 1, "x"]}, {}),
    ({"devices": [], "services": {}}, {}),
    ({"devices": []}, "params"),
    # Parseable, but odd: every one of these must show without trouble.
    ({}, {}),
    ({"info": {"type": "thermacell-hub"}, "devices": []}, {}),
    (
        {
            "info": {"type": "thermacell-hub"},
            "devices": [{"name": "Hub", "params": []}],
            "services": [{"name": "LIV Hub", "params": []}],
        },
        {"LIV Hub": {"Error": "x"}},
    ),
    (
        {
            "devices": [
                {
                    "name": "ünïcödé 💡",
                    "type": "esp.device.lightbulb",
                    "params": [
                        {
                            "name": "Power",
                            "type": "esp.param.power",
                            "data_type": "bool",
                            "properties": ["read", "write"],
                        },
                        {
                            "name": "Power",
                            "type": "esp.param.brightness",
                            "data_type": "int",
                            "properties": ["read", "write"],
                            "bounds": {"min": 100, "max": 0, "step": -1},
                        },
                        {
                            "name": "CCT",
                            "type": "esp.param.cct",
                            "data_type": "int",
                            "properties": ["read", "write"],
                            "bounds": {"min": "2700", "max": 6500},
                        },
                    ],
                },
                {"name": "ünïcödé 💡", "type": "esp.device.fan", "params": []},
            ]
        },
        {"ünïcödé 💡": {"Power": "on", "CCT": -(2**63)}},
    ),
    (
        {
            "devices": [
                {
                    "name": "N" * 300,
                    "params": [
                        {
                            "name": "p" * 300,
                            "data_type": "float",
                            "properties": ["read", "write"],
                            "bounds": {
                                "min": -1.7976931348623157e308,
                                "max": 2**64 - 1,
                            },
                        },
                        {
                            "name": "{param} %s {}",
                            "data_type": "string",
                            "properties": ["read", "write"],
                            "valid_strs": ["", "a", 1, None],
                        },
                        {
                            "name": " ",
                            "data_type": "int",
                            "properties": ["read"],
                        },
                        {
                            "name": "Unknown",
                            "data_type": "enum",
                            "properties": ["read", "write", 7],
                        },
                    ],
                }
            ],
            "services": [
                {
                    "name": "System",
                    "type": "esp.service.system",
                    "params": [
                        {
                            "name": "Reboot",
                            "type": "esp.param.reboot",
                            "data_type": "bool",
                            "properties": ["write"],
                        }
                    ],
                }
            ],
        },
        {"N" * 300: {"p" * 300: 1e308, "{param} %s {}": "", " ": 2**63 - 1}},
    ),
]


GENERATED = 30


def generated_payloads(count: int) -> list[tuple[Any, Any]]:
    """Draw `count` node payloads, deterministically."""
    drawn: list[tuple[Any, Any]] = []

    @settings(
        max_examples=count,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(INTEGRATION_PAYLOADS)
    def collect(payload: tuple[Any, Any]) -> None:
        drawn.append(payload)

    collect()
    return drawn[:count]


def is_bad(node_id: str, config: Any, params: Any) -> bool:
    """Whether the parser refuses the node as the emulator will serve it."""
    item = {"id": node_id, "node_id": node_id, "config": config, "params": params or {}}
    try:
        NodeParser().node(copy.deepcopy(item))
    except MissingConfigError:
        return True  # the cloud sent no config, even when asked for it
    except MalformedNodeError:
        return True
    return False


DEMO_ENTITIES = [
    "switch.coffee_maker",
    "switch.garden_lights",
    "switch.patio_repellers",
    "light.desk_lamp",
    "light.back_yard_led",
    "fan.ceiling_fan",
    "sensor.greenhouse_temperature",
    "sensor.patio_refill_life",
    "binary_sensor.patio_problem",
]


def unstorable(hass: HomeAssistant, entry: MockConfigEntry) -> list[str]:
    """Registry entries and states of the entry that cannot be saved or sent as JSON."""
    failures: list[str] = []
    entities = er.async_entries_for_config_entry(er.async_get(hass), entry.entry_id)
    devices = dr.async_entries_for_config_entry(dr.async_get(hass), entry.entry_id)
    checks: list[tuple[str, Callable[[], object]]] = [
        (f"registry {e.entity_id}", lambda e=e: e.as_storage_fragment) for e in entities
    ]
    checks += [(f"device {d.name}", lambda d=d: d.as_storage_fragment) for d in devices]
    for entity in entities:
        if (state := hass.states.get(entity.entity_id)) is not None:
            checks.append((f"state {entity.entity_id}", lambda s=state: s.as_dict_json))
            checks.append(
                (
                    f"state {entity.entity_id}",
                    lambda s=state: s.as_compressed_state_json,
                )
            )
    for name, check in checks:
        try:
            check()
        except (TypeError, ValueError) as err:
            failures.append(f"{name}: {err}")
    return failures


# Simulated readings that move with time.
DRIFTING = {"sensor.greenhouse_temperature"}


def skip_warnings(caplog: pytest.LogCaptureFixture) -> list[str]:
    """The node ids of the integration's 'Skipping node' warnings, in order."""
    return [
        str(record.args[0])
        for record in caplog.records
        if record.levelno == logging.WARNING
        and record.name.startswith("custom_components.esp_rainmaker")
        and record.msg == "Skipping node %s: %s"
        and isinstance(record.args, tuple)
    ]


def publish(
    cloud: Cloud, payloads: list[tuple[Any, Any]]
) -> tuple[list[str], set[str]]:
    """Add the payloads as raw nodes of the demo account; return their ids, and the bad ones."""
    node_ids: list[str] = []
    bad: set[str] = set()
    for number, (config, params) in enumerate(payloads):
        node_id = f"fuzz{number:03d}"
        cloud.add_node("raw", DEMO_EMAIL, node_id=node_id, config=config, params=params)
        node_ids.append(node_id)
        if is_bad(node_id, config, params):
            bad.add(node_id)
    assert bad, "no payload was bad: the generator is not doing its job"
    assert len(bad) < len(payloads), "no payload was good"
    return node_ids, bad


@pytest.fixture
def fuzz_nodes(
    init_integration: MockConfigEntry, cloud: Cloud
) -> tuple[list[str], set[str]]:
    """The nasty and generated nodes next to the demo account's; their ids, and the bad ones."""
    return publish(cloud, NASTY + generated_payloads(GENERATED))


def writable(params: Any) -> Any:
    """Params whose devices' values are objects.

    The emulator can only apply a write to a device whose reported params are an
    object (rainmaker_emulator/devices/base.py assigns into them).
    """
    if not isinstance(params, dict):
        return params
    return {
        device: values if isinstance(values, dict) else {}
        for device, values in params.items()
    }


@pytest.fixture
def writable_fuzz_nodes(
    init_integration: MockConfigEntry, cloud: Cloud
) -> tuple[list[str], set[str]]:
    """Like `fuzz_nodes`, with reported params the emulator can apply writes to."""
    payloads = NASTY + generated_payloads(GENERATED)
    return publish(cloud, [(config, writable(params)) for config, params in payloads])


def fuzz_entities(
    hass: HomeAssistant, entry: MockConfigEntry
) -> list[er.RegistryEntry]:
    """The enabled entities of the published fuzz nodes."""
    return [
        entity
        for entity in er.async_entries_for_config_entry(
            er.async_get(hass), entry.entry_id
        )
        if entity.unique_id.startswith("fuzz") and entity.disabled_by is None
    ]


def problems(caplog: pytest.LogCaptureFixture) -> list[str]:
    """Errors and tracebacks in the log."""
    return [
        f"{record.name}: {record.getMessage()[:200]}"
        for record in caplog.records
        if record.levelno >= logging.ERROR or record.exc_info
    ]


async def test_integration_survives_generated_nodes(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    fuzz_nodes: tuple[list[str], set[str]],
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Generated and nasty nodes next to the demo devices: the integration carries on.

    Good nodes get entities, bad ones are skipped with one warning each, however
    many polls (and hourly config refreshes) follow; demo devices are unaffected.
    """
    caplog.set_level(logging.INFO)
    node_ids, bad = fuzz_nodes
    before = {entity_id: hass.states.get(entity_id) for entity_id in DEMO_ENTITIES}
    assert all(state is not None for state in before.values())

    await tick(hass, freezer, 30)
    first = skip_warnings(caplog)
    for seconds in (30, 30, 3600, 30):
        await tick(hass, freezer, seconds)
        assert init_integration.state is ConfigEntryState.LOADED

    assert sorted(first) == sorted(bad)
    assert skip_warnings(caplog) == first
    coordinator = init_integration.runtime_data.coordinator
    assert coordinator.last_update_success
    assert bad.isdisjoint(coordinator.data)
    assert set(coordinator.data) >= set(node_ids) - bad
    entities = fuzz_entities(hass, init_integration)
    assert len({entity.domain for entity in entities}) >= 5, "too few kinds of entity"
    assert all(hass.states.get(entity.entity_id) for entity in entities)
    for entity_id, state in before.items():
        now = hass.states.get(entity_id)
        assert now is not None
        assert now.state != STATE_UNAVAILABLE
        if entity_id not in DRIFTING:
            assert now.state == state.state
    assert unstorable(hass, init_integration) == []
    assert problems(caplog) == []


def service_calls(
    hass: HomeAssistant, entity_id: str
) -> list[tuple[str, dict[str, Any]]]:
    """Typical calls of each service of an entity, with values it advertises."""
    domain = entity_id.split(".")[0]
    state = hass.states.get(entity_id)
    attributes = state.attributes if state is not None else {}
    match domain:
        case "switch":
            return [("turn_on", {}), ("turn_off", {})]
        case "light":
            return [
                ("turn_on", {"brightness": 128}),
                ("turn_on", {"hs_color": (120, 50)}),
                ("turn_on", {"color_temp_kelvin": 3000}),
                ("turn_off", {}),
            ]
        case "fan":
            return [
                ("turn_on", {"percentage": 50}),
                ("set_percentage", {"percentage": 100}),
                ("set_direction", {"direction": "reverse"}),
                ("turn_off", {}),
            ]
        case "number":
            low, high = attributes.get("min", 0), attributes.get("max", 0)
            return [
                ("set_value", {"value": value})
                for value in (low, high, low / 2 + high / 2)
            ]
        case "select":
            return [
                ("select_option", {"option": option})
                for option in attributes.get("options", [])[:2]
            ]
        case "button":
            return [("press", {})]
    return []


@pytest.mark.timeout(120)
async def test_services_on_generated_entities(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    writable_fuzz_nodes: tuple[list[str], set[str]],
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Using the generated entities either works or fails with HA's errors, nothing else."""
    await tick(hass, freezer, 30)
    calls = 0
    unexpected: list[str] = []
    for entity in fuzz_entities(hass, init_integration):
        for service, data in service_calls(hass, entity.entity_id):
            calls += 1
            # Let the client's token bucket (10 requests/s) refill between calls:
            # under the frozen clock a throttled request would wait forever.
            freezer.tick(timedelta(seconds=0.2))
            try:
                await hass.services.async_call(
                    entity.domain,
                    service,
                    {"entity_id": entity.entity_id, **data},
                    blocking=True,
                )
            except (HomeAssistantError, vol.Invalid):
                pass
            except Exception as err:  # noqa: BLE001 - anything else is the finding
                unexpected.append(
                    f"{entity.entity_id} {service} {data}: {type(err).__name__}: {err}"
                )
    for seconds in (1, 5, 30):
        await tick(hass, freezer, seconds)

    assert calls > 20
    assert unexpected == []
    assert init_integration.state is ConfigEntryState.LOADED
    assert init_integration.runtime_data.coordinator.last_update_success
    assert unstorable(hass, init_integration) == []
    assert problems(caplog) == []


# Regressions: defects the fuzzing found --------------------------------------------------------------


FINITE = st.one_of(
    st.integers(-(2**63), 2**64 - 1),
    st.floats(allow_nan=False, allow_infinity=False),
    HUGE_NUMBERS,
)


@FUZZ
@given(
    data_type=st.sampled_from(["int", "float"]),
    low=FINITE,
    high=FINITE,
    step=st.none() | FINITE,
    value=st.floats(allow_nan=False, allow_infinity=False),
)
# Rounding to the step in integers once overflowed on the way back to a float.
@example(data_type="int", low=1.7976931348623157e308, high=0, step=6821, value=0.0)
def test_clamp_to_param_never_raises(
    data_type: str, low: float, high: float, step: float | None, value: float
) -> None:
    """Fitting a finite value into any bounds the client can parse gives a finite number."""
    node = NodeParser().node(
        {
            "id": "n",
            "config": {
                "devices": [
                    {
                        "name": "D",
                        "params": [
                            {
                                "name": "P",
                                "data_type": data_type,
                                "properties": ["read", "write"],
                                "bounds": {"min": low, "max": high, "step": step},
                            }
                        ],
                    }
                ]
            },
        }
    )
    param = node.config.devices[0].params[0]

    fitted = mapping.clamp_to_param(param, value)

    assert math.isfinite(fitted)


def lightbulb(cct_bounds: dict[str, Any], values: dict[str, Any]) -> tuple[Any, Any]:
    """A lightbulb node with colour temperature, and a read-only counter."""
    rw = ["read", "write"]
    config = {
        "info": {"name": "Bulb"},
        "devices": [
            {
                "name": "Bulb",
                "type": "esp.device.lightbulb",
                "params": [
                    {
                        "name": "Power",
                        "type": "esp.param.power",
                        "data_type": "bool",
                        "properties": rw,
                    },
                    {
                        "name": "CCT",
                        "type": "esp.param.cct",
                        "data_type": "int",
                        "properties": rw,
                        "bounds": cct_bounds,
                    },
                    {
                        "name": "Count",
                        "type": "custom.param.count",
                        "data_type": "int",
                        "properties": ["read"],
                    },
                ],
            }
        ],
    }
    return config, {"Bulb": {"Power": True, **values}}


async def test_absurd_kelvin_bounds_stay_storable(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    cloud: Cloud,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Colour temperature bounds of 1e300 K must not break the entity registry or state JSON."""
    config, params = lightbulb({"min": -1e300, "max": 1e300}, {"CCT": 4000, "Count": 1})
    cloud.add_node("raw", DEMO_EMAIL, node_id="fuzzbulb", config=config, params=params)

    await tick(hass, freezer, 30)

    assert hass.states.get("light.bulb") is not None
    assert unstorable(hass, init_integration) == []
    assert problems(caplog) == []


async def test_huge_integral_values_show(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    hass_client: ClientSessionGenerator,
    cloud: Cloud,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """An int param reported as 1e300 shows (or is unknown) without errors; diagnostics work."""
    config, params = lightbulb(
        {"min": 2700, "max": 6500}, {"CCT": 1e300, "Count": 1e300}
    )
    cloud.add_node("raw", DEMO_EMAIL, node_id="fuzzbulb", config=config, params=params)

    await tick(hass, freezer, 30)

    assert hass.states.get("sensor.bulb_count") is not None
    assert problems(caplog) == []
    assert unstorable(hass, init_integration) == []
    await get_diagnostics_for_config_entry(hass, hass_client, init_integration)
