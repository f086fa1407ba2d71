"""The client is a standalone library: no Home Assistant imports, typed."""

import ast
from pathlib import Path

API = Path(__file__).parents[2] / "custom_components" / "esp_rainmaker" / "api"


def test_no_homeassistant_import() -> None:
    """No module of api/ imports homeassistant, directly or relatively beyond the package."""
    offenders = []
    for path in sorted(API.rglob("*.py")):
        tree = ast.parse(path.read_text(), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                if node.level > 1:
                    offenders.append(f"{path.name}: relative import outside api/")
                names = [node.module or ""]
            else:
                continue
            offenders += [
                f"{path.name}: {name}"
                for name in names
                if name.split(".")[0] == "homeassistant"
            ]
    assert offenders == []


def test_typed_package() -> None:
    """The package ships a py.typed marker."""
    assert (API / "py.typed").is_file()
