"""Check the integration against the newest Home Assistant release on PyPI.

The tests run on the oldest supported Home Assistant and on the newest that the
test plugin supports (scripts/legs.py); a newer release may already be out:
this script looks ahead. It downloads the newest `homeassistant` wheel (no install:
it needs a newer Python) and checks, by parsing the wheel's sources with `ast`:

* every `homeassistant.*` name the integration imports still exists: the module is
  there and defines the name, re-exports it (the re-export is followed one level),
  or has it as a submodule; names kept only as deprecated aliases are warned about;
* attributes used on imported Home Assistant modules (`dr.async_get`, ...) exist;
* attributes the integration's classes use from Home Assistant base classes
  (`self.async_write_ha_state`, `self._abort_if_unique_id_mismatch`, ...) and
  attributes of parameters typed with Home Assistant classes (`hass.config_entries
  .async_update_entry`, `entry.runtime_data`, ...) exist, where the classes can be
  resolved statically;
* the portable forms are used: `async_setup_entry`/`async_unload_entry` annotated
  `-> bool`, `import voluptuous as vol` at run time (probatio, which newer
  releases put in voluptuous's place, only for type checking).

Usage:
    scripts/leg run newest python scripts/check_forward_compat.py [--max-age HOURS] [--wheel PATH]
                                                    [--against DIR] [--strict]

Exit codes: 0 compatible (warnings allowed unless --strict), 1 problems found,
3 offline (the wheel could not be downloaded and none is cached).

The wheel is cached in .legs/forward-compat/; within --max-age hours (default 24)
of the last check no network is used.
"""

import argparse
import ast
from collections.abc import Iterator
from dataclasses import dataclass, field
import fcntl
import hashlib
import json
import os
from pathlib import Path
import re
import subprocess
import sys
import time
import urllib.error
import urllib.request
import zipfile

ROOT = Path(__file__).resolve().parents[1]
INTEGRATION = ROOT / "custom_components" / "esp_rainmaker"
CACHE = ROOT / ".legs" / "forward-compat"
PYPI_JSON = "https://pypi.org/pypi/homeassistant/json"
EXIT_PROBLEMS = 1
EXIT_OFFLINE = 3
# Bases whose members never matter here; any other base outside homeassistant makes
# a missing attribute unverifiable instead of missing.
TRIVIAL_BASES = {"Generic", "Protocol", "ABC", "object"}
MAX_DEPTH = 8


# What pip prints when the network, not the request, is the problem.
NETWORK_ERRORS = (
    "Failed to establish a new connection",
    "Temporary failure in name resolution",
    "Name or service not known",
    "Network is unreachable",
    "No route to host",
    "Connection refused",
    "Max retries exceeded",
    "ProxyError",
    "timed out",
)


class OfflineError(Exception):
    """The wheel cannot be downloaded and none is cached."""


class DownloadError(Exception):
    """PyPI is reachable, but pip could not download the wheel."""


# Getting the wheel -------------------------------------------------------------------


def _python_for(requires_python: str | None) -> str:
    """Return a --python-version that satisfies a Requires-Python specifier.

    `--python-version 3.14` means 3.14.0, which HA >= 2026.3 (`>=3.14.2`) excludes,
    so the lowest version the release accepts is used.
    """
    match = re.search(r">=\s*(\d+(?:\.\d+){0,2})", requires_python or "")
    return match.group(1) if match else "3.14.99"


def _latest_release() -> tuple[str, str | None]:
    """Return the newest homeassistant version on PyPI and its Requires-Python."""
    with urllib.request.urlopen(PYPI_JSON, timeout=20) as response:  # noqa: S310 - fixed https URL
        info = json.load(response)["info"]
    return str(info["version"]), info.get("requires_python")


def _cached_wheels(cache: Path) -> list[Path]:
    def version(path: Path) -> tuple[int, ...]:
        numbers = re.findall(r"\d+", path.name.split("-")[1])
        return tuple(int(n) for n in numbers)

    return sorted(cache.glob("homeassistant-*.whl"), key=version)


def _download(version: str | None, python: str, cache: Path) -> Path:
    spec = f"homeassistant=={version}" if version else "homeassistant"
    command = [
        sys.executable,
        "-m",
        "pip",
        "download",
        "--no-deps",
        "--only-binary=:all:",
        "--python-version",
        python,
        "--retries",
        "1",
        "--timeout",
        "30",
        "--quiet",
        spec,
        "-d",
        str(cache),
    ]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        lines = result.stderr.strip().splitlines()
        reason = lines[-1] if lines else "pip failed"
        if any(marker in result.stderr for marker in NETWORK_ERRORS):
            raise OfflineError(reason)
        raise DownloadError(f"pip download failed: {reason}")
    wheels = (
        [p for p in _cached_wheels(cache) if f"-{version}-" in p.name]
        if version
        else _cached_wheels(cache)
    )
    if not wheels:
        raise DownloadError(f"pip downloaded no wheel for {spec}")
    return wheels[-1]


def get_wheel(cache: Path, max_age_hours: float) -> tuple[Path, list[str]]:
    """Return the newest wheel (downloading it unless checked recently) and notes."""
    cache.mkdir(parents=True, exist_ok=True)
    stamp = cache / "latest.json"
    notes: list[str] = []
    with (cache / ".lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if (
            stamp.exists()
            and time.time() - stamp.stat().st_mtime < max_age_hours * 3600
        ):
            wheel = cache / json.loads(stamp.read_text())["wheel"]
            if wheel.exists():
                notes.append(
                    f"cached check from the last {max_age_hours:g} h (no network)"
                )
                return wheel, notes
        online = True
        try:
            try:
                version, requires = _latest_release()
            except (urllib.error.URLError, OSError, ValueError, KeyError) as err:
                notes.append(f"PyPI JSON API unavailable ({err}); asking pip")
                version, requires, online = None, None, False
            wheel = _download(version, _python_for(requires), cache)
        except OfflineError as err:
            if online:
                # PyPI answered, so this is no network problem: report it.
                raise DownloadError(str(err)) from err
            cached = _cached_wheels(cache)
            if not cached:
                raise
            notes.append(f"download failed ({err}); using the cached {cached[-1].name}")
            return cached[-1], notes
        stamp.write_text(json.dumps({"wheel": wheel.name}))
        for old in _cached_wheels(cache):
            if old != wheel:
                old.unlink()
        for old in cache.glob("result-*.json"):
            old.unlink()
        return wheel, notes


# Reading sources ---------------------------------------------------------------------


class Sources:
    """Python sources of the homeassistant package, from a wheel or a directory."""

    def __init__(
        self, wheel: Path | None = None, directory: Path | None = None
    ) -> None:
        """Read from a wheel (zip) or from a directory holding `homeassistant/`."""
        self._zip = zipfile.ZipFile(wheel) if wheel else None
        self._dir = directory
        self._names = set(self._zip.namelist()) if self._zip else None
        self._trees: dict[str, ast.Module | None] = {}

    def _read(self, path: str) -> str | None:
        if self._zip is not None and self._names is not None:
            return self._zip.read(path).decode("utf-8") if path in self._names else None
        if self._dir is None:
            return None
        file = self._dir / path
        return file.read_text("utf-8") if file.is_file() else None

    def path_of(self, module: str) -> str | None:
        """Return the file of a dotted module name, if it exists."""
        base = module.replace(".", "/")
        for candidate in (f"{base}.py", f"{base}/__init__.py"):
            if self._read(candidate) is not None:
                return candidate
        return None

    def tree(self, module: str) -> ast.Module | None:
        """Return the parsed module, None if it does not exist."""
        if module not in self._trees:
            path = self.path_of(module)
            source = self._read(path) if path else None
            self._trees[module] = parse(source, path) if source is not None else None
        return self._trees[module]

    def metadata(self) -> dict[str, str]:
        """Return Version and Requires-Python of the wheel."""
        if self._zip is None:
            return {}
        name = next(
            n for n in self._zip.namelist() if n.endswith(".dist-info/METADATA")
        )
        text = self._zip.read(name).decode("utf-8")
        return dict(
            re.findall(r"^(Version|Requires-Python): (.+)$", text, re.MULTILINE)
        )


# PEP 758 (Python 3.14): `except A, B:` without parentheses. Newer releases use it
# and this script may run on 3.13, whose parser needs the parentheses back.
PEP_758 = re.compile(
    r"^(\s*except\*?\s+)([A-Za-z_][\w.]*(?:\s*,\s*[A-Za-z_][\w.]*)+)\s*:",
    re.MULTILINE,
)
UNPARSEABLE: list[str] = []


def parse(source: str, path: str | None) -> ast.Module | None:
    """Parse Python source, also 3.14 syntax this interpreter may not know."""
    try:
        return ast.parse(source)
    except SyntaxError:
        pass
    try:
        return ast.parse(PEP_758.sub(r"\1(\2):", source))
    except SyntaxError:
        UNPARSEABLE.append(path or "?")
        return None


def _top_level(body: list[ast.stmt]) -> Iterator[ast.stmt]:
    """Yield module-level statements, also inside if/try/with blocks."""
    for node in body:
        yield node
        if isinstance(node, ast.If | ast.With):
            yield from _top_level(node.body)
            yield from _top_level(getattr(node, "orelse", []))
        elif isinstance(node, ast.Try):
            yield from _top_level(node.body)
            yield from _top_level(node.orelse)
            yield from _top_level(node.finalbody)
            for handler in node.handlers:
                yield from _top_level(handler.body)


def absolute(module: str, node: ast.ImportFrom, is_package: bool) -> str:
    """Resolve a (possibly relative) `from ... import` inside `module`."""
    if node.level == 0:
        return node.module or ""
    parts = module.split(".")
    if not is_package:
        parts = parts[:-1]
    if node.level > 1:
        parts = parts[: -(node.level - 1)]
    return ".".join([*parts, *([node.module] if node.module else [])])


@dataclass
class Definition:
    """Where a module-level name comes from."""

    kind: str  # "def", "import" or "module"
    node: ast.AST | None = None
    source: tuple[str, str] | None = None  # (module, name) for imports


_DEFINITIONS: dict[tuple[int, str], dict[str, Definition]] = {}


def definitions(sources: Sources, module: str) -> dict[str, Definition]:
    """Return the names a module defines or imports at top level (memoized)."""
    key = (id(sources), module)
    if key not in _DEFINITIONS:
        _DEFINITIONS[key] = _definitions(sources, module)
    return _DEFINITIONS[key]


def _definitions(sources: Sources, module: str) -> dict[str, Definition]:
    module_tree = sources.tree(module)
    if module_tree is None:
        return {}
    is_package = (sources.path_of(module) or "").endswith("__init__.py")
    names: dict[str, Definition] = {}
    for node in _top_level(module_tree.body):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names[node.name] = Definition("def", node)
        elif isinstance(node, ast.Assign | ast.AnnAssign | ast.AugAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                for name in ast.walk(target):
                    if isinstance(name, ast.Name):
                        names[name.id] = Definition("def", node)
        elif isinstance(node, ast.TypeAlias) and isinstance(node.name, ast.Name):
            names[node.name.id] = Definition("def", node)
        elif isinstance(node, ast.ImportFrom):
            source = absolute(module, node, is_package)
            for alias in node.names:
                names[alias.asname or alias.name] = Definition(
                    "import", node, (source, alias.name)
                )
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname:
                    names[alias.asname] = Definition("module", node, (alias.name, ""))
                else:
                    top = alias.name.split(".")[0]
                    names[top] = Definition("module", node, (top, ""))
    return names


# Checking names ----------------------------------------------------------------------


@dataclass
class Report:
    """Findings."""

    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    checked: int = 0
    unverifiable: int = 0


def lookup(sources: Sources, module: str, name: str) -> str:
    """Tell how `module` provides `name`: ok, deprecated, broken-reexport or missing."""
    names = definitions(sources, module)
    if name in names:
        definition = names[name]
        if definition.kind == "import" and definition.source is not None:
            source, original = definition.source
            if source.split(".")[0] == "homeassistant" and sources.tree(source):
                target = definitions(sources, source)
                if original not in target and not sources.path_of(
                    f"{source}.{original}"
                ):
                    return "broken-reexport"
        return "ok"
    if sources.path_of(f"{module}.{name}"):
        return "ok"
    if f"_DEPRECATED_{name}" in names:
        return "deprecated"
    return "missing"


def integration_modules() -> Iterator[tuple[str, Path, ast.Module]]:
    """Yield (dotted name, path, tree) of every module of the integration."""
    for path in sorted(INTEGRATION.rglob("*.py")):
        relative = path.relative_to(ROOT).with_suffix("")
        dotted = ".".join(relative.parts)
        yield dotted, path, ast.parse(path.read_text("utf-8"), filename=str(path))


def check_imports(sources: Sources, report: Report) -> None:
    """Check `from homeassistant.x import Y` and attributes of imported modules."""
    for _, path, module_tree in integration_modules():
        rel = path.relative_to(ROOT)
        aliases: dict[str, str] = {}
        for node in ast.walk(module_tree):
            if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                if node.module.split(".")[0] != "homeassistant":
                    continue
                if sources.tree(node.module) is None:
                    report.problems.append(
                        f"{rel}:{node.lineno}: module {node.module} is gone"
                    )
                    continue
                for alias in node.names:
                    report.checked += 1
                    state = lookup(sources, node.module, alias.name)
                    where = f"{rel}:{node.lineno}: {node.module}.{alias.name}"
                    if state == "missing":
                        report.problems.append(f"{where} no longer exists")
                    elif state == "broken-reexport":
                        report.problems.append(
                            f"{where} is re-exported from a module that lost it"
                        )
                    elif state == "deprecated":
                        report.warnings.append(f"{where} is only a deprecated alias")
                    if sources.path_of(f"{node.module}.{alias.name}"):
                        aliases[alias.asname or alias.name] = (
                            f"{node.module}.{alias.name}"
                        )
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.name.split(".")[0] != "homeassistant":
                        continue
                    report.checked += 1
                    if sources.tree(alias.name) is None:
                        report.problems.append(
                            f"{rel}:{node.lineno}: module {alias.name} is gone"
                        )
                    elif alias.asname:
                        aliases[alias.asname] = alias.name
        for node in ast.walk(module_tree):
            if (
                isinstance(node, ast.Attribute)
                and isinstance(node.value, ast.Name)
                and node.value.id in aliases
            ):
                report.checked += 1
                module = aliases[node.value.id]
                state = lookup(sources, module, node.attr)
                where = f"{rel}:{node.lineno}: {module}.{node.attr}"
                if state in ("missing", "broken-reexport"):
                    report.problems.append(f"{where} no longer exists")
                elif state == "deprecated":
                    report.warnings.append(f"{where} is only a deprecated alias")


# Checking class members ----------------------------------------------------------------


@dataclass(frozen=True)
class ClassRef:
    """A class: in the integration (`local`) or in homeassistant."""

    module: str
    name: str
    local: bool


class Resolver:
    """Resolve names to classes and collect class members, across both code bases."""

    def __init__(self, sources: Sources) -> None:
        """Resolve against `sources` (homeassistant) and the integration on disk."""
        self.sources = sources
        self.local = {dotted: tree for dotted, _, tree in integration_modules()}
        self._local_definitions: dict[str, dict[str, Definition]] = {}
        self._members: dict[
            ClassRef, tuple[dict[str, tuple[ClassRef, ast.expr | None]], bool]
        ] = {}

    def _tree(self, module: str, local: bool) -> ast.Module | None:
        return self.local.get(module) if local else self.sources.tree(module)

    def _definitions(self, module: str, local: bool) -> dict[str, Definition]:
        if not local:
            return definitions(self.sources, module)
        if module not in self._local_definitions:
            self._local_definitions[module] = self._read_local(module)
        return self._local_definitions[module]

    def _read_local(self, module: str) -> dict[str, Definition]:
        module_tree = self.local.get(module)
        if module_tree is None:
            return {}
        names: dict[str, Definition] = {}
        for node in _top_level(module_tree.body):
            if isinstance(node, ast.ClassDef):
                names[node.name] = Definition("def", node)
            elif isinstance(node, ast.TypeAlias) and isinstance(node.name, ast.Name):
                names[node.name.id] = Definition("def", node)
            elif isinstance(node, ast.ImportFrom):
                source = absolute(module, node, module.endswith("__init__"))
                for alias in node.names:
                    names[alias.asname or alias.name] = Definition(
                        "import", node, (source, alias.name)
                    )
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    key = alias.asname or alias.name.split(".")[0]
                    names[key] = Definition("module", node, (alias.name, ""))
        return names

    def _module_local(self, module: str) -> tuple[str, bool] | None:
        if module in self.local:
            return module, True
        if f"{module}.__init__" in self.local:
            return f"{module}.__init__", True
        if module.split(".")[0] == "homeassistant" and self.sources.tree(module):
            return module, False
        return None

    def resolve(
        self, module: str, local: bool, expr: ast.expr | None, depth: int = 0
    ) -> ClassRef | None:
        """Resolve a base/annotation expression to a class."""
        if expr is None or depth > MAX_DEPTH:
            return None
        if isinstance(expr, ast.Constant) and isinstance(expr.value, str):
            try:
                expr = ast.parse(expr.value, mode="eval").body
            except SyntaxError:
                return None
        if isinstance(expr, ast.Subscript):
            return self.resolve(module, local, expr.value, depth + 1)
        if isinstance(expr, ast.BinOp) and isinstance(expr.op, ast.BitOr):
            # `X | None`: the one side that is not None.
            sides = [
                s
                for s in (expr.left, expr.right)
                if not (isinstance(s, ast.Constant) and s.value is None)
            ]
            return (
                self.resolve(module, local, sides[0], depth + 1)
                if len(sides) == 1
                else None
            )
        if isinstance(expr, ast.Attribute) and isinstance(expr.value, ast.Name):
            definition = self._definitions(module, local).get(expr.value.id)
            if definition and definition.source:
                target = definition.source[0]
                if definition.kind == "import":
                    target = f"{target}.{definition.source[1]}"
                found = self._module_local(target)
                if found:
                    return self._named(found[0], found[1], expr.attr, depth + 1)
            return None
        if isinstance(expr, ast.Name):
            return self._named(module, local, expr.id, depth + 1)
        return None

    def _named(
        self, module: str, local: bool, name: str, depth: int
    ) -> ClassRef | None:
        definition = self._definitions(module, local).get(name)
        if definition is None or depth > MAX_DEPTH:
            return None
        if isinstance(definition.node, ast.ClassDef):
            return ClassRef(module, name, local)
        if isinstance(definition.node, ast.TypeAlias):
            return self.resolve(module, local, definition.node.value, depth + 1)
        if definition.kind == "import" and definition.source:
            found = self._module_local(definition.source[0])
            if found:
                return self._named(found[0], found[1], definition.source[1], depth + 1)
        return None

    def class_node(self, ref: ClassRef) -> ast.ClassDef | None:
        """Return a class's definition."""
        definition = self._definitions(ref.module, ref.local).get(ref.name)
        return (
            definition.node
            if definition and isinstance(definition.node, ast.ClassDef)
            else None
        )

    def members(
        self, ref: ClassRef
    ) -> tuple[dict[str, tuple[ClassRef, ast.expr | None]], bool]:
        """Return the members of a class and its ancestors, and whether all resolved.

        Members map to (owning class, annotation).
        """
        if ref not in self._members:
            self._members[ref] = self._collect_members(ref)
        return self._members[ref]

    def _collect_members(
        self, ref: ClassRef
    ) -> tuple[dict[str, tuple[ClassRef, ast.expr | None]], bool]:
        found: dict[str, tuple[ClassRef, ast.expr | None]] = {}
        complete = True
        todo, seen = [ref], set()
        while todo:
            current = todo.pop()
            if current in seen:
                continue
            seen.add(current)
            node = self.class_node(current)
            if node is None:
                complete = False
                continue
            for item, annotation in _class_members(node):
                found.setdefault(item, (current, annotation))
            for base in node.bases:
                base_expr = base.value if isinstance(base, ast.Subscript) else base
                if isinstance(base_expr, ast.Name) and base_expr.id in TRIVIAL_BASES:
                    continue
                resolved = self.resolve(current.module, current.local, base)
                if resolved is None:
                    complete = False
                else:
                    todo.append(resolved)
        return found, complete


def _class_members(node: ast.ClassDef) -> Iterator[tuple[str, ast.expr | None]]:
    """Yield names defined in a class body and `self.x` assigned in its methods."""
    for item in node.body:
        if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            yield (
                item.name,
                item.returns
                if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef)
                and _is_property(item)
                else None,
            )
        elif isinstance(item, ast.AnnAssign) and isinstance(item.target, ast.Name):
            yield item.target.id, item.annotation
        elif isinstance(item, ast.Assign):
            for target in item.targets:
                if isinstance(target, ast.Name):
                    yield target.id, None
    for func in node.body:
        if not isinstance(func, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        for stmt in ast.walk(func):
            if isinstance(stmt, ast.AnnAssign) and _is_self_attr(stmt.target):
                yield stmt.target.attr, stmt.annotation  # type: ignore[union-attr]
            elif isinstance(stmt, ast.Assign):
                for target in stmt.targets:
                    if _is_self_attr(target):
                        yield target.attr, None  # type: ignore[attr-defined]


def _is_property(func: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    return any(
        (isinstance(d, ast.Name) and d.id in ("property", "cached_property"))
        or (isinstance(d, ast.Attribute) and d.attr == "cached_property")
        for d in func.decorator_list
    )


def _is_self_attr(node: ast.expr) -> bool:
    return (
        isinstance(node, ast.Attribute)
        and isinstance(node.value, ast.Name)
        and node.value.id == "self"
    )


def _chain(node: ast.Attribute) -> tuple[ast.expr, list[str]]:
    """Split `a.b.c` into (a, ["b", "c"]); `super().x` keeps the call as root."""
    attrs: list[str] = []
    current: ast.expr = node
    while isinstance(current, ast.Attribute):
        attrs.insert(0, current.attr)
        current = current.value
    return current, attrs


def check_members(sources: Sources, report: Report) -> None:
    """Check attributes used on Home Assistant classes (through self and typed params)."""
    resolver = Resolver(sources)
    seen: set[tuple[str, int, str]] = set()
    for dotted, path, module_tree in integration_modules():
        rel = path.relative_to(ROOT)
        for cls in [n for n in ast.walk(module_tree) if isinstance(n, ast.ClassDef)]:
            own = ClassRef(dotted, cls.name, local=True)
            for func in cls.body:
                if isinstance(func, ast.FunctionDef | ast.AsyncFunctionDef):
                    _check_function(resolver, report, rel, dotted, func, own, seen)
        for func in module_tree.body:
            if isinstance(func, ast.FunctionDef | ast.AsyncFunctionDef):
                _check_function(resolver, report, rel, dotted, func, None, seen)


def _check_function(
    resolver: Resolver,
    report: Report,
    rel: Path,
    module: str,
    func: ast.FunctionDef | ast.AsyncFunctionDef,
    owner: ClassRef | None,
    seen: set[tuple[str, int, str]],
) -> None:
    typed: dict[str, ClassRef] = {}
    for arg in [*func.args.posonlyargs, *func.args.args, *func.args.kwonlyargs]:
        if arg.arg == "self" and owner is not None:
            typed["self"] = owner
        elif (ref := resolver.resolve(module, True, arg.annotation)) is not None:
            typed[arg.arg] = ref
    for node in ast.walk(func):
        if not isinstance(node, ast.Attribute) or not isinstance(node.ctx, ast.Load):
            continue
        root, attrs = _chain(node)
        if (
            isinstance(root, ast.Call)
            and isinstance(root.func, ast.Name)
            and root.func.id == "super"
            and owner
        ):
            cls_node = resolver.class_node(owner)
            bases = [
                resolver.resolve(module, True, b)
                for b in (cls_node.bases if cls_node else [])
            ]
            start = [b for b in bases if b is not None]
            if len(start) != len(bases):
                report.unverifiable += 1
                continue
            _walk_chain(resolver, report, rel, node, start, attrs, "super()", seen)
        elif isinstance(root, ast.Name) and root.id in typed:
            _walk_chain(
                resolver, report, rel, node, [typed[root.id]], attrs, root.id, seen
            )


def _walk_chain(
    resolver: Resolver,
    report: Report,
    rel: Path,
    node: ast.Attribute,
    classes: list[ClassRef],
    attrs: list[str],
    label: str,
    seen: set[tuple[str, int, str]],
) -> None:
    """Follow `x.a.b` through annotated members while the types are known."""
    for index, attr in enumerate(attrs):
        if attr.startswith("__"):
            return
        members: dict[str, tuple[ClassRef, ast.expr | None]] = {}
        complete = True
        for ref in classes:
            found, all_resolved = resolver.members(ref)
            for name, value in found.items():
                members.setdefault(name, value)
            complete &= all_resolved
        text = ".".join([label, *attrs[: index + 1]])
        key = (str(rel), node.lineno, text)
        if attr not in members:
            if key in seen:
                return
            seen.add(key)
            if complete and any(
                not ref.local for ref in _all_classes(resolver, classes)
            ):
                report.problems.append(f"{rel}:{node.lineno}: {text} no longer exists")
            else:
                report.unverifiable += 1
            return
        owner, annotation = members[attr]
        if key not in seen:
            seen.add(key)
            if not owner.local:
                report.checked += 1
        if index + 1 == len(attrs):
            return
        next_class = resolver.resolve(owner.module, owner.local, annotation)
        if next_class is None:
            return
        classes = [next_class]


def _all_classes(resolver: Resolver, classes: list[ClassRef]) -> list[ClassRef]:
    """Return the classes and their resolvable ancestors."""
    result: list[ClassRef] = []
    todo = list(classes)
    while todo:
        ref = todo.pop()
        if ref in result:
            continue
        result.append(ref)
        node = resolver.class_node(ref)
        resolved = [
            resolver.resolve(ref.module, ref.local, b)
            for b in (node.bases if node else [])
        ]
        todo.extend(r for r in resolved if r is not None)
    return result


# Portable forms ------------------------------------------------------------------------


def _is_type_checking(test: ast.expr) -> bool:
    """Tell whether an `if` test is `TYPE_CHECKING` (or `typing.TYPE_CHECKING`)."""
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def check_portable(report: Report) -> None:
    """Check the forms that work on old and new Home Assistant alike."""
    init = ast.parse((INTEGRATION / "__init__.py").read_text("utf-8"))
    for name in ("async_setup_entry", "async_unload_entry"):
        func = next(
            (
                n
                for n in init.body
                if isinstance(n, ast.AsyncFunctionDef) and n.name == name
            ),
            None,
        )
        if func is None:
            report.problems.append(f"__init__.py: no {name}")
        elif not (isinstance(func.returns, ast.Name) and func.returns.id == "bool"):
            report.problems.append(f"__init__.py: {name} is not annotated -> bool")
    future = 0
    for _, path, module_tree in integration_modules():
        rel = path.relative_to(ROOT)
        typing_only = {
            id(child)
            for node in ast.walk(module_tree)
            if isinstance(node, ast.If) and _is_type_checking(node.test)
            for statement in node.body
            for child in ast.walk(statement)
        }
        for node in ast.walk(module_tree):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
                for alias in node.names:
                    if alias.name == "voluptuous" and alias.asname != "vol":
                        report.problems.append(
                            f"{rel}:{node.lineno}: use `import voluptuous as vol`"
                        )
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
                future += node.module == "__future__"
                if node.module.split(".")[0] == "voluptuous":
                    report.problems.append(
                        f"{rel}:{node.lineno}: from voluptuous import ...; "
                        "use `import voluptuous as vol`"
                    )
            if id(node) not in typing_only and any(
                name.split(".")[0] == "probatio" for name in names
            ):
                report.problems.append(
                    f"{rel}:{getattr(node, 'lineno', 0)}: imports probatio; "
                    "use `import voluptuous as vol`"
                )
        for node in ast.walk(module_tree):
            if (
                isinstance(node, ast.Call)
                and getattr(node.func, "attr", "") == "async_unload_platforms_or_raise"
            ):
                report.problems.append(
                    f"{rel}:{node.lineno}: async_unload_platforms_or_raise exists only "
                    "from 2026.11; return await ...async_unload_platforms(...)"
                )
    if future:
        report.warnings.append(
            f"{future} module(s) use `from __future__ import annotations` "
            "(allowed, not needed on Python 3.14)"
        )


# Main --------------------------------------------------------------------------------


def run(sources: Sources) -> Report:
    """Run every check against `sources`."""
    report = Report()
    check_imports(sources, report)
    check_members(sources, report)
    check_portable(report)
    return report


def main(argv: list[str] | None = None) -> int:
    """Download (or reuse) the newest wheel, check, print a report."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--max-age", type=float, default=24.0, help="hours a check is reused"
    )
    parser.add_argument("--cache-dir", type=Path, default=CACHE)
    parser.add_argument("--wheel", type=Path, help="check this wheel instead")
    parser.add_argument(
        "--against", type=Path, help="check a directory holding homeassistant/"
    )
    parser.add_argument("--strict", action="store_true", help="warnings fail too")
    args = parser.parse_args(argv)

    notes: list[str] = []
    if args.against:
        sources = Sources(directory=args.against)
        label = f"homeassistant in {args.against}"
    else:
        wheel = args.wheel
        if wheel is None:
            try:
                wheel, notes = get_wheel(args.cache_dir, args.max_age)
            except OfflineError as err:
                print(f"OFFLINE: cannot download the homeassistant wheel: {err}")
                return EXIT_OFFLINE
            except DownloadError as err:
                print(f"PROBLEM: PyPI is reachable but the download failed: {err}")
                return EXIT_PROBLEMS
        sources = Sources(wheel=wheel)
        meta = sources.metadata()
        label = (
            f"homeassistant {meta.get('Version', '?')} "
            f"(Requires-Python {meta.get('Requires-Python', '?')}, {wheel.name})"
        )

    digest = _digest(label)
    result_file = args.cache_dir / f"result-{digest}.json"
    if not args.against and result_file.exists():
        cached = json.loads(result_file.read_text())
        print("\n".join([*cached["lines"], "  (result cached: same wheel, same code)"]))
        return int(cached["code"])

    report = run(sources)
    lines = [f"Checked against {label}"]
    lines += [f"  note: {note}" for note in notes]
    lines.append(
        f"  {report.checked} names and attributes checked, "
        f"{report.unverifiable} uses not statically resolvable (skipped)"
    )
    lines += [
        f"  WARNING {path} could not be parsed (newer syntax); its names count as missing"
        for path in UNPARSEABLE
    ]
    lines += [f"  WARNING {warning}" for warning in report.warnings]
    lines += [f"  PROBLEM {problem}" for problem in report.problems]
    code = EXIT_PROBLEMS if report.problems or (args.strict and report.warnings) else 0
    if code == 0:
        lines.append("  compatible")
    print("\n".join(lines))
    if not args.against:
        result_file.write_text(json.dumps({"code": code, "lines": lines}))
    return code


def _digest(label: str) -> str:
    """Hash what a result depends on: the wheel, this script and the integration."""
    digest = hashlib.sha256(label.encode())
    for path in [Path(__file__), *sorted(INTEGRATION.rglob("*.py"))]:
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


if __name__ == "__main__":
    os.umask(0o022)
    sys.exit(main())
