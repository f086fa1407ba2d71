"""No module of the repository imports itself through others, `TYPE_CHECKING` included."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# The repository's packages: the integration, the emulator, the scripts and tests.
PACKAGES = ("custom_components", "rainmaker_emulator", "scripts", "tests")


def module_names() -> dict[str, Path]:
    """Map every module of the repository's packages to its file."""
    modules = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            modules[".".join(parts)] = path
    return modules


def imports(module: str, is_package: bool, source: str, known: set[str]) -> set[str]:
    """Return the modules of `known` that `source` imports, wherever the import is.

    Imports under `if TYPE_CHECKING:` and inside functions count. Importing a
    submodule (`import pkg.a`, `from pkg import a`) does not count as importing its
    parent package: Python runs the parent's `__init__` first, but that is no
    cycle of the code's making.
    """
    package = module if is_package else module.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.rsplit(".", node.level - 1)[0]
                origin = f"{base}.{node.module}" if node.module else base
            else:
                origin = node.module or ""
            submodules = {f"{origin}.{alias.name}" for alias in node.names} & known
            found |= submodules
            if len(submodules) < len(node.names):
                found.add(origin)  # names defined in `origin` itself
    return (found & known) - {module}


def import_graph() -> dict[str, set[str]]:
    """Map every module of the repository to the repository's modules it imports."""
    modules = module_names()
    return {
        module: imports(
            module, path.name == "__init__.py", path.read_text(), set(modules)
        )
        for module, path in modules.items()
    }


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """Return one import cycle as a path of modules, or None."""
    done: set[str] = set()
    stack: list[str] = []

    def visit(module: str) -> list[str] | None:
        if module in stack:
            return [*stack[stack.index(module) :], module]
        if module in done:
            return None
        stack.append(module)
        for imported in sorted(graph[module]):
            if (cycle := visit(imported)) is not None:
                return cycle
        stack.pop()
        done.add(module)
        return None

    for module in sorted(graph):
        if (cycle := visit(module)) is not None:
            return cycle
    return None


def test_the_import_graph_has_no_cycle() -> None:
    """No module of the repository imports itself through others."""
    graph = import_graph()
    assert graph["rainmaker_emulator.state"] >= {
        "rainmaker_emulator.devices",
        "rainmaker_emulator.nodes",
    }
    assert graph["custom_components.esp_rainmaker.switch"] >= {
        "custom_components.esp_rainmaker.coordinator",
        "custom_components.esp_rainmaker.hubs",
    }
    assert "tests.conftest" in graph
    assert find_cycle(graph) is None, " -> ".join(find_cycle(graph) or [])


def test_every_kind_of_import_is_seen() -> None:
    """Absolute, relative, submodule, TYPE_CHECKING and function-level imports count."""
    known = {"pkg", "pkg.a", "pkg.b", "pkg.c", "pkg.sub", "pkg.sub.d", "pkg.sub.e"}
    source = """
from typing import TYPE_CHECKING
import pkg.a
from . import b
from .sub import e
if TYPE_CHECKING:
    from .c import Thing
def later():
    from pkg.sub.d import other
"""
    assert imports("pkg.x", False, source, known) == {
        "pkg.a",
        "pkg.b",
        "pkg.c",
        "pkg.sub.d",
        "pkg.sub.e",
    }
    package = "from . import d\nfrom .e import y\nfrom .. import c, NAME"
    assert imports("pkg.sub", True, package, known) == {
        "pkg",
        "pkg.c",
        "pkg.sub.d",
        "pkg.sub.e",
    }
    assert imports("pkg.sub.d", False, "from ..c import z", known) == {"pkg.c"}


def test_a_cycle_is_found() -> None:
    """The search reports a cycle, TYPE_CHECKING or not, as the path that closes it."""
    known = {"pkg", "pkg.a", "pkg.b"}
    graph = {
        "pkg.a": imports("pkg.a", False, "from .b import x", known),
        "pkg.b": imports(
            "pkg.b",
            False,
            "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from .a import y",
            known,
        ),
        "pkg": set(),
    }
    assert find_cycle(graph) == ["pkg.a", "pkg.b", "pkg.a"]
