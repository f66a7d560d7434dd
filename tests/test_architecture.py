"""The shape of the code: apps import downward only (no cycle), no import hidden inside a function
to dodge one, no private name borrowed from another module.

Run as a script to print the app-level import graph: `python tests/test_architecture.py`.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "thidua"

# Lower layers first; an app may import only from apps before it in this list. `submissions`
# comes before `progress` (commitments feed the figures), `planimport` needs only campaigns.
LAYERS = [
    "core",
    "accounts",
    "units",
    "campaigns",
    "submissions",
    "progress",
    "practices",
    "initiatives",
    "commendation",
    "documents",
    "mailgateway",
    "planimport",
    "home",
    "api",
    "demo",
]
PROJECT_MODULES = {"settings", "urls", "wsgi", "asgi", "celery"}  # the project's own wiring, above every app


def _modules():
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE).with_suffix("").parts
        if "migrations" in parts:
            continue
        yield path, parts


def _imports(path: Path, parts: tuple[str, ...]):
    """(node, imported module, imported names) for every import of a `thidua` module."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = ["thidua", *parts[:-1]] if parts[-1] != "__init__" else ["thidua", *parts[:-1]]
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            module = node.module or ""
            if node.level:
                module = ".".join(package[: len(package) - node.level + 1] + ([module] if module else []))
            if module.startswith("thidua"):
                yield node, module, [alias.name for alias in node.names]
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("thidua"):
                    yield node, alias.name, []


def app_graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = defaultdict(set)
    for path, parts in _modules():
        app = parts[0] if len(parts) > 1 else "project"
        for _node, module, _names in _imports(path, parts):
            target = module.split(".")[1] if "." in module else "project"
            if target in PROJECT_MODULES:
                target = "project"
            if target != app:
                graph[app].add(target)
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Every elementary cycle's first occurrence, found by depth-first search."""
    found, seen = [], set()

    def visit(node, trail):
        for nxt in sorted(graph.get(node, ())):
            if nxt in trail:
                cycle = trail[trail.index(nxt) :]
                key = frozenset(cycle)
                if key not in seen:
                    seen.add(key)
                    found.append([*cycle, nxt])
            else:
                visit(nxt, [*trail, nxt])

    for start in sorted(graph):
        visit(start, [start])
    return found


def test_apps_import_downward_only():
    graph = app_graph()
    assert cycles(graph) == []
    upward = [
        (app, target)
        for app, targets in graph.items()
        for target in targets
        if app in LAYERS and target in LAYERS and LAYERS.index(target) > LAYERS.index(app)
    ]
    assert upward == [], "an app imports from a layer above it"
    assert not graph.get("core", set()) - {"core"}, "core imports no app"


def test_the_project_wiring_is_not_imported_by_apps():
    graph = app_graph()
    assert [app for app, targets in graph.items() if "project" in targets and app != "project"] == []


def test_no_import_inside_a_function_except_app_ready():
    """An import inside a function usually hides a cycle. AppConfig.ready() is where Django wants
    app registrations (jobs, hooks), so it is the one place allowed."""
    hidden = []
    for path, parts in _modules():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for function in ast.walk(tree):
            if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            if parts[-1] == "apps" and function.name == "ready":
                continue
            for node in ast.walk(function):
                if isinstance(node, ast.Import | ast.ImportFrom):
                    hidden.append(f"{'/'.join(parts)}.py:{node.lineno} in {function.name}()")
    assert hidden == []


def test_no_private_name_is_imported_from_another_module():
    borrowed = [
        f"{'/'.join(parts)}.py: {name} from {module}"
        for path, parts in _modules()
        for _node, module, names in _imports(path, parts)
        for name in names
        if name.startswith("_")
    ]
    assert borrowed == []


if __name__ == "__main__":
    graph = app_graph()
    for app in sorted(graph, key=lambda a: LAYERS.index(a) if a in LAYERS else len(LAYERS)):
        print(f"{app:12} → {', '.join(sorted(graph[app]))}")
    print("cycles:", cycles(graph) or "none")
