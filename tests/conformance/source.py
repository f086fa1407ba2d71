"""Read the integration's files and source code for the conformance tests.

Everything here is static: modules are parsed with `ast`, string constants are
resolved from module-level assignments (also across the integration's own relative
imports), and nothing of the integration is executed except where a helper says so.
"""

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
import importlib
import inspect
import json
from pathlib import Path
import re
from typing import Any

from homeassistant.util.yaml import parse_yaml

ROOT = Path(__file__).resolve().parents[2]
DOMAIN = "esp_rainmaker"
INTEGRATION = ROOT / "custom_components" / DOMAIN
PACKAGE = f"custom_components.{DOMAIN}"
# The client library: no Home Assistant code, so none of the rules apply to it.
LIBRARY = "api"

PLACEHOLDER = re.compile(r"{(\w+)}")


def read_json(path: Path) -> Any:
    """Return a JSON file's content."""
    return json.loads(path.read_text(encoding="utf-8"))


def manifest() -> dict[str, Any]:
    """Return manifest.json."""
    data: dict[str, Any] = read_json(INTEGRATION / "manifest.json")
    return data


def strings() -> dict[str, Any]:
    """Return strings.json."""
    data: dict[str, Any] = read_json(INTEGRATION / "strings.json")
    return data


def placeholders(text: str) -> set[str]:
    """Return the `{name}` placeholders of a translated string."""
    return set(PLACEHOLDER.findall(text))


# Modules -------------------------------------------------------------------------------


def module_names() -> list[str]:
    """Return the integration's modules (dotted, relative to the package), not api/."""
    names = []
    for path in sorted(INTEGRATION.rglob("*.py")):
        relative = path.relative_to(INTEGRATION).with_suffix("")
        if relative.parts[0] == LIBRARY:
            continue
        names.append(".".join(relative.parts))
    return names


@cache
def tree(module: str) -> ast.Module:
    """Parse a module of the integration (`"config_flow"`, `"__init__"`, ...)."""
    path = INTEGRATION / f"{module.replace('.', '/')}.py"
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def where(module: str, node: ast.AST) -> str:
    """Return `file:line` of a node, for messages."""
    return f"{module.replace('.', '/')}.py:{getattr(node, 'lineno', 0)}"


@cache
def platforms() -> tuple[str, ...]:
    """Return the platform modules the integration forwards to (`PLATFORMS`)."""
    for node in tree("__init__").body:
        target = None
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target, value = node.targets[0], node.value
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            target, value = node.target, node.value
        if (
            isinstance(target, ast.Name)
            and target.id == "PLATFORMS"
            and isinstance(value, ast.List | ast.Tuple)
        ):
            return tuple(
                element.attr.lower()
                for element in value.elts
                if isinstance(element, ast.Attribute)
            )
    raise AssertionError("__init__.py defines no PLATFORMS list")


def call_name(call: ast.Call) -> str | None:
    """Return the called name (`f(...)`, `x.f(...)` → `f`)."""
    func = call.func
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return None


def keyword(call: ast.Call, name: str) -> ast.expr | None:
    """Return the value of a keyword argument, if given."""
    return next((kw.value for kw in call.keywords if kw.arg == name), None)


def _module_level_strings(module: ast.Module) -> dict[str, str]:
    """Return `NAME = "text"` (also annotated, e.g. `Final`) at module level."""
    constants: dict[str, str] = {}
    for node in module.body:
        if isinstance(node, ast.Assign):
            targets, value = node.targets, node.value
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            targets, value = [node.target], node.value
        else:
            continue
        if isinstance(value, ast.Constant) and isinstance(value.value, str):
            for target in targets:
                if isinstance(target, ast.Name):
                    constants[target.id] = value.value
    return constants


def _relative_module(module: str, node: ast.ImportFrom) -> str | None:
    """Resolve `from .x import y` inside `module` to an integration module name."""
    if node.level == 0:
        return None
    package = module.split(".")[:-1]
    if node.level > 1:
        package = package[: -(node.level - 1)]
    parts = [*package, *(node.module.split(".") if node.module else [])]
    return ".".join(parts) if parts else "__init__"


_RESOLVING: set[str] = set()


@cache
def string_constants(module: str) -> dict[str, str]:
    """Return the string constants visible in a module: its own and imported ones.

    Relative imports from other modules of the integration are followed (not
    api/'s, which are never translation keys); `homeassistant.const` names are
    taken from Home Assistant itself.
    """
    constants: dict[str, str] = {}
    _RESOLVING.add(module)
    for node in tree(module).body:
        if not isinstance(node, ast.ImportFrom):
            continue
        source = _relative_module(module, node)
        if source is not None and source.split(".")[0] != LIBRARY:
            if source not in module_names():
                source = f"{source}.__init__"
            if source in module_names() and source not in _RESOLVING:
                imported = string_constants(source)
                for alias in node.names:
                    if alias.name in imported:
                        constants[alias.asname or alias.name] = imported[alias.name]
        elif node.module == "homeassistant.const":
            ha_const = importlib.import_module("homeassistant.const")
            for alias in node.names:
                value = getattr(ha_const, alias.name, None)
                if isinstance(value, str):
                    constants[alias.asname or alias.name] = value
    constants.update(_module_level_strings(tree(module)))
    _RESOLVING.discard(module)
    return constants


def resolve_strings(module: str, node: ast.expr | None) -> set[str] | None:
    """Return the strings an expression can take, or None if it is not static.

    Handles literals, names of string constants and `a if cond else b`.
    """
    if node is None:
        return None
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return {node.value}
    if isinstance(node, ast.Name) and node.id in string_constants(module):
        return {string_constants(module)[node.id]}
    if isinstance(node, ast.IfExp):
        body, orelse = (
            resolve_strings(module, node.body),
            resolve_strings(module, node.orelse),
        )
        return None if body is None or orelse is None else body | orelse
    return None


def dict_keys(module: str, node: ast.expr | None) -> set[str] | None:
    """Return the keys of a dict display with static keys, else None."""
    if not isinstance(node, ast.Dict):
        return None
    keys: set[str] = set()
    for key in node.keys:
        resolved = resolve_strings(module, key)
        if resolved is None:
            return None
        keys |= resolved
    return keys


def dict_item(node: ast.Dict, name: str) -> ast.expr | None:
    """Return the value of a string key of a dict display."""
    for key, value in zip(node.keys, node.values, strict=True):
        if isinstance(key, ast.Constant) and key.value == name:
            return value
    return None


def classes(module: str) -> Iterator[ast.ClassDef]:
    """Yield the module's classes (also nested)."""
    yield from (n for n in ast.walk(tree(module)) if isinstance(n, ast.ClassDef))


def base_names(cls: ast.ClassDef) -> set[str]:
    """Return the last names of a class's bases (`CoordinatorEntity[X]` → CoordinatorEntity)."""
    names = set()
    for base in cls.bases:
        node = base.value if isinstance(base, ast.Subscript) else base
        if isinstance(node, ast.Name):
            names.add(node.id)
        elif isinstance(node, ast.Attribute):
            names.add(node.attr)
    return names


def methods(cls: ast.ClassDef) -> dict[str, ast.FunctionDef | ast.AsyncFunctionDef]:
    """Return the methods defined in a class body."""
    return {
        node.name: node
        for node in cls.body
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
    }


def function(module: str, name: str) -> ast.FunctionDef | ast.AsyncFunctionDef | None:
    """Return a module-level function."""
    return next(
        (
            node
            for node in tree(module).body
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
            and node.name == name
        ),
        None,
    )


def self_calls(func: ast.AST) -> set[str]:
    """Return the names of `self.method(...)` calls in a function."""
    return {
        node.func.attr
        for node in ast.walk(func)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and isinstance(node.func.value, ast.Name)
        and node.func.value.id == "self"
    }


def reachable(cls: ast.ClassDef, start: str) -> set[str]:
    """Return the methods reachable from `start` through `self.method(...)` calls."""
    own = methods(cls)
    seen: set[str] = set()
    todo = [start]
    while todo:
        name = todo.pop()
        if name in seen or name not in own:
            continue
        seen.add(name)
        todo.extend(self_calls(own[name]))
    return seen


def _error_class_names(module: Any) -> set[str]:
    """Return the names of the Home Assistant error classes a module defines."""
    errors = importlib.import_module("homeassistant.exceptions")
    return {
        name
        for name, value in vars(module).items()
        if isinstance(value, type) and issubclass(value, errors.HomeAssistantError)
    }


@cache
def local_exception_names() -> frozenset[str]:
    """Return the integration's own subclasses of Home Assistant errors (any depth)."""
    known: set[str] = set()
    found: set[str] = set()
    for module in module_names():
        known |= ha_imported_exception_names(module)
    while True:
        more = {
            cls.name
            for module in module_names()
            for cls in classes(module)
            if base_names(cls) & (known | found) and cls.name not in found
        }
        if not more:
            return frozenset(found)
        found |= more


@cache
def ha_imported_exception_names(module: str) -> frozenset[str]:
    """Return the names under which a module can reach Home Assistant error classes.

    `from homeassistant.x import SomeError` gives its name (or alias); importing a
    module that defines errors (`import homeassistant.exceptions as hae`, `from
    homeassistant import exceptions`) gives every error class name it defines, as
    `hae.SomeError(...)` is matched by its last name.
    """
    names: set[str] = set()
    for node in ast.walk(tree(module)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == "homeassistant":
                    names |= _error_class_names(importlib.import_module(alias.name))
            continue
        if not (
            isinstance(node, ast.ImportFrom)
            and node.level == 0
            and node.module
            and node.module.split(".")[0] == "homeassistant"
        ):
            continue
        imported = importlib.import_module(node.module)
        for alias in node.names:
            value = getattr(imported, alias.name, None)
            if value is None:
                try:
                    value = importlib.import_module(f"{node.module}.{alias.name}")
                except ImportError:
                    continue
            if isinstance(value, type) and alias.name in _error_class_names(imported):
                names.add(alias.asname or alias.name)
            elif inspect.ismodule(value):
                names |= _error_class_names(value)
    return frozenset(names)


def ha_exception_names(module: str) -> frozenset[str]:
    """Return the names a module can raise Home Assistant errors by (its own too)."""
    return ha_imported_exception_names(module) | local_exception_names()


# Quality scale ---------------------------------------------------------------------


@dataclass(frozen=True)
class Rule:
    """One rule's entry in quality_scale.yaml."""

    status: str
    comment: str | None


def quality_scale() -> dict[str, Rule]:
    """Return quality_scale.yaml's rules, with the `rule: done` shorthand expanded."""
    data = parse_yaml((INTEGRATION / "quality_scale.yaml").read_text("utf-8"))
    assert isinstance(data, dict)
    rules: dict[str, Rule] = {}
    for name, value in data["rules"].items():
        if isinstance(value, str):
            rules[name] = Rule(value, None)
        else:
            rules[name] = Rule(value.get("status"), value.get("comment"))
    return rules
