"""The runtime install (`pip install .`, what `make run` does) provides every package the service imports.

`make test` installs the dev extra on top, so a package imported by the service but only listed under
``[dev]`` (or only pulled in by a test tool) would pass every other test and still break `make run` on a
fresh machine. This test reads the imports of every non-test module and checks each third-party one is
provided by ``[project].dependencies`` or something they require.
"""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "misper"


def _service_modules() -> list[Path]:
    return [
        path
        for path in PACKAGE.rglob("*.py")
        if "tests" not in path.relative_to(PACKAGE).parts and path.name != "conftest.py"
    ]


def _optional_imports(tree: ast.AST) -> set[ast.AST]:
    """Imports inside ``try: ... except ImportError`` (an optional backend that says what to install,
    such as pyspark for ``misper link --backend spark``): the service runs without them."""
    guarded: set[ast.AST] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Try) and any(
            isinstance(h.type, ast.Name) and h.type.id in {"ImportError", "ModuleNotFoundError"}
            for h in node.handlers
        ):
            guarded.update(n for stmt in node.body for n in ast.walk(stmt))
    return guarded


def _top_level_imports(path: Path) -> set[str]:
    names: set[str] = set()
    tree = ast.parse(path.read_text(), filename=str(path))
    optional = _optional_imports(tree)
    for node in ast.walk(tree):
        if node in optional:
            continue
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


def _requirement_name(requirement: str) -> str:
    return re.split(r"[\s\[<>=!~;(]", requirement, maxsplit=1)[0].lower().replace("_", "-")


def _runtime_distributions() -> set[str]:
    """The base dependencies and, transitively, what they require (extras and markers aside)."""
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    pending = [_requirement_name(r) for r in pyproject["project"]["dependencies"]]
    seen: set[str] = set()
    while pending:
        name = pending.pop()
        if name in seen:
            continue
        seen.add(name)
        try:
            requires = metadata.requires(name) or []
        except metadata.PackageNotFoundError:
            continue
        pending.extend(_requirement_name(r) for r in requires if "extra ==" not in r)
    return seen


def test_every_service_import_comes_from_a_runtime_dependency():
    providers = metadata.packages_distributions()
    runtime = _runtime_distributions()
    missing: dict[str, set[str]] = {}
    for path in _service_modules():
        for name in _top_level_imports(path):
            if name in sys.stdlib_module_names or name == "misper":
                continue
            distributions = {d.lower().replace("_", "-") for d in providers.get(name, [])}
            if not distributions & runtime:
                missing.setdefault(name, set()).add(str(path.relative_to(ROOT)))
    assert not missing, f"imported by the service but not a runtime dependency: {missing}"
