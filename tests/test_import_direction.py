"""Imports go one way: config → leaderboard → contests → training → people →
realtime, uploads (DESIGN.md). Every import statement of every app is read,
those inside functions and migrations too, and an import against the
direction fails here with its file and line.

realtime and uploads import no app, and not each other either: sockets and
untrusted files have nothing to say to each other, and keeping them apart
means either can be lifted out alone.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# Each app may import the apps after it, never one before it; apps of the
# same rank may not import each other.
RANKS = {
    "config": 0,
    "leaderboard": 1,
    "contests": 2,
    "training": 3,
    "people": 4,
    "realtime": 5,
    "uploads": 5,
}
# Calls that import a module named by a string (apps.py, settings).
IMPORTING_CALLS = {"import_module", "__import__", "import_string"}


@dataclass(frozen=True)
class Edge:
    source: str  # the file, relative to the checkout
    line: int
    importer: str  # the app the file belongs to
    imported: str  # the app it imports

    def __str__(self) -> str:
        return f"{self.source}:{self.line}: {self.importer} imports {self.imported}"


def allowed(importer: str, imported: str) -> bool:
    return importer == imported or RANKS[importer] < RANKS[imported]


def app_edges(path: Path, app: str, source: str | None = None) -> list[Edge]:
    """Every import of another app by the module at ``path`` in ``app``."""
    text = path.read_text() if source is None else source
    tree = ast.parse(text, filename=str(path))
    where = str(path.relative_to(ROOT)) if path.is_absolute() else str(path)
    edges = []
    for node in ast.walk(tree):
        for module in imported_modules(node):
            top = module.split(".")[0]
            if top in RANKS and top != app:
                edges.append(Edge(where, node.lineno, app, top))
    return edges


def imported_modules(node: ast.AST) -> list[str]:
    """The absolute modules one node imports (a relative import stays inside
    its own app, so it names none)."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if isinstance(node, ast.ImportFrom):
        if node.level or node.module is None:
            return []
        return [node.module]
    if isinstance(node, ast.Call) and node.args:
        function = node.func
        name = getattr(function, "id", None) or getattr(function, "attr", None)
        first = node.args[0]
        if name in IMPORTING_CALLS and isinstance(first, ast.Constant):
            return [first.value] if isinstance(first.value, str) else []
    return []


def every_edge() -> list[Edge]:
    edges = []
    for app in RANKS:
        files = sorted((ROOT / app).rglob("*.py"))
        assert files, f"no Python files under {app}/"
        for path in files:
            edges.extend(app_edges(path, app))
    return edges


def test_no_app_imports_against_the_direction():
    edges = every_edge()
    # The walk must see the imports that hold the project together, or it
    # would pass by reading nothing.
    seen = {(edge.importer, edge.imported) for edge in edges}
    assert {("config", "leaderboard"), ("leaderboard", "contests")} <= seen
    assert {("contests", "training"), ("training", "people")} <= seen
    assert {("people", "realtime"), ("training", "uploads")} <= seen
    against = [str(edge) for edge in edges if not allowed(edge.importer, edge.imported)]
    assert not against, "imports against config → leaderboard → contests → " + (
        "training → people → realtime, uploads:\n" + "\n".join(against)
    )


@pytest.mark.parametrize(
    ("app", "source", "against"),
    [
        ("training", "def f():\n    from contests.models import Contest\n", True),
        ("people", "import leaderboard.models\n", True),
        ("realtime", "from people import models\n", True),
        ("realtime", "from uploads import images\n", True),
        ("uploads", "import realtime.hub\n", True),
        (
            "people",
            "from importlib import import_module\nimport_module('config')\n",
            True,
        ),
        ("contests", "from realtime import hub\nfrom training import models\n", False),
        (
            "realtime",
            "from . import hub\nfrom .live import render_per_language\n",
            False,
        ),
    ],
)
def test_it_sees_each_kind_of_import(app, source, against):
    edges = app_edges(Path(app) / "example.py", app, source)
    assert edges or not against
    assert any(not allowed(e.importer, e.imported) for e in edges) is against


def kind_imports(path: Path) -> list[tuple[int, str]]:
    """(line, module) of every import of ``contests.kinds...`` in ``path``."""
    tree = ast.parse(path.read_text(), filename=str(path))
    return [
        (node.lineno, module)
        for node in ast.walk(tree)
        for module in imported_modules(node)
        if module == "contests.kinds" or module.startswith("contests.kinds.")
    ]


def test_the_engine_knows_no_kind_and_kinds_know_no_other_kind():
    """Inside contests: the engine reaches kinds only through its registry
    (which imports each kind's package to register it), and a kind's package
    imports the engine, never another kind. contests/models/ gathers each
    kind's options table, and contests/views.py offers the quiz's form."""
    engine = ROOT / "contests" / "engine"
    registry = engine / "registry.py"
    found = []
    for path in sorted(engine.rglob("*.py")):
        if path != registry:
            found += [
                f"{path.relative_to(ROOT)}:{n}: {m}" for n, m in kind_imports(path)
            ]
    kinds = ROOT / "contests" / "kinds"
    for package in sorted(p for p in kinds.iterdir() if p.is_dir()):
        own = f"contests.kinds.{package.name}"
        for path in sorted(package.rglob("*.py")):
            found += [
                f"{path.relative_to(ROOT)}:{n}: {m}"
                for n, m in kind_imports(path)
                if m != own and not m.startswith(own + ".")
            ]
    assert (kinds / "quiz" / "kind.py").exists()  # the walk reads something
    assert kind_imports(kinds / "quiz" / "kind.py")  # and sees a kind's imports
    assert not found, "the engine or a kind imports a kind:\n" + "\n".join(found)
