"""misper's apps import each other downwards only, in the layers docs/architecture.md draws.

Every import between two apps is read with ``ast`` from the service's code: at module level and inside
functions, ``import misper.x`` and ``from misper.x import y`` alike. An app's tests and migrations are left
out (a test may build any data it needs). An app may import from the apps in lower layers, never from an
app in its own layer or above it; so the app graph has no cycle.

The imports that break the rule today are listed in ``ALLOWED``, one line an importing module and the app
it reaches up to. The list only shrinks: an import that is not on it fails the test, and so does a line of
it that no longer happens (take it off the list).
"""

from __future__ import annotations

import ast
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "misper"

# Lowest first. ``core`` holds shared helpers and errors and ``risk`` the engine with no Django in it;
# ``web`` the shared UI (layout, GOV.UK widgets, the form-page base). ``cli`` is ``misper/cli.py``.
LAYERS: tuple[tuple[str, ...], ...] = (
    ("core", "risk"),
    ("accounts",),
    ("audit",),
    ("web",),
    ("people",),
    ("episodes",),
    ("notifications",),
    ("partners", "learning", "incidents"),
    ("analytics",),
    ("demo",),
    ("national",),
    ("config", "cli"),
)
LAYER_OF = {app: n for n, apps in enumerate(LAYERS) for app in apps}

# Imports against the layers that have yet to go: "importing module -> app it imports from".
ALLOWED: frozenset[str] = frozenset(
    {
        "misper.accounts.checks -> config",
        "misper.accounts.forms -> web",
        "misper.accounts.services -> audit",
        "misper.accounts.signin -> audit",
        "misper.accounts.sso.providers -> audit",
        "misper.accounts.sso.services -> audit",
        "misper.accounts.views -> web",
        "misper.audit.forms -> web",
        "misper.audit.retention.selectors -> episodes",
        "misper.audit.retention.selectors -> people",
        "misper.audit.retention.services -> episodes",
        "misper.audit.retention.services -> learning",
        "misper.audit.retention.services -> national",
        "misper.audit.retention.services -> partners",
        "misper.audit.retention.services -> people",
        "misper.audit.retention.views -> web",
        "misper.audit.reveal -> episodes",
        "misper.audit.reveal -> partners",
        "misper.audit.selectors -> episodes",
        "misper.audit.selectors -> people",
        "misper.episodes.action_views -> learning",
        "misper.episodes.api -> learning",
        "misper.episodes.api -> partners",
        "misper.episodes.api_reviews -> learning",
        "misper.episodes.documents -> partners",
        "misper.episodes.forms -> learning",
        "misper.episodes.grading -> learning",
        "misper.episodes.reasons -> partners",
        "misper.episodes.schemas -> partners",
        "misper.episodes.selectors -> partners",
        "misper.episodes.services -> notifications",
        "misper.episodes.services -> partners",
        "misper.episodes.services_work -> notifications",
        "misper.episodes.views -> incidents",
        "misper.episodes.views -> learning",
        "misper.episodes.views -> partners",
        "misper.learning.selectors -> partners",
        "misper.notifications.sweep -> partners",
        "misper.people.api_concern -> partners",
        "misper.people.concern -> partners",
        "misper.people.concern_pages -> partners",
        "misper.people.detail -> episodes",
        "misper.people.detail -> partners",
        "misper.people.flags -> partners",
        "misper.people.selectors -> episodes",
        "misper.people.selectors -> partners",
        "misper.web.management.commands.serve -> config",
        "misper.web.views -> episodes",
    }
)


def _modules() -> Iterator[tuple[str, Path]]:
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE).with_suffix("").parts
        if "tests" in parts or "migrations" in parts or parts[-1] == "conftest":
            continue
        if parts[-1] == "__init__":
            parts = parts[:-1]
        if parts:
            yield ".".join(("misper", *parts)), path


def _app(module: str) -> str:
    return module.split(".")[1]


def _imported_apps(tree: ast.AST) -> Iterator[str]:
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module] if node.module != "misper" else [f"misper.{a.name}" for a in node.names]
        else:
            continue
        for name in names:
            if name.startswith("misper.") and _app(name) in LAYER_OF:
                yield _app(name)


def import_edges() -> dict[tuple[str, str], set[str]]:
    """Every app-to-app import: (importing app, imported app) → the importing modules."""
    edges: dict[tuple[str, str], set[str]] = defaultdict(set)
    for module, path in _modules():
        source = _app(module)
        for target in _imported_apps(ast.parse(path.read_text(), str(path))):
            if target != source:
                edges[source, target].add(module)
    return edges


def violations() -> set[str]:
    """The imports that go sideways or up the layers, as "module -> app"."""
    return {
        f"{module} -> {target}"
        for (source, target), modules in import_edges().items()
        if LAYER_OF[target] >= LAYER_OF[source]
        for module in modules
    }


def test_every_app_has_a_layer():
    apps = {p.name for p in PACKAGE.iterdir() if (p / "__init__.py").exists()} | {"cli"}
    assert apps == set(LAYER_OF)


def test_apps_import_only_from_lower_layers():
    new = sorted(violations() - ALLOWED)
    assert new == [], (
        "an app imports from its own layer or above (docs/architecture.md): move the shared piece down"
    )


def test_the_allowed_list_only_shrinks():
    gone = sorted(ALLOWED - violations())
    assert gone == [], "these imports are gone: take them off ALLOWED"
