"""Report import circles between the files of one app under src/heard/.

    python scripts/import_cycles.py          # exit 1 and list the circles if there are any

Every ``import`` counts, including those inside functions: a function-level import that
closes a circle still ties the two files together (each needs the other to change).
Imports across apps are not checked here; only files of one app (its top-level ``*.py``).
The way out of a circle: tasks call actions; actions enqueue tasks by name
(``heard.core.tasks.enqueue("app.task_name", ...)``), and a piece both sides need
gets a module of its own.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent / "src" / "heard"


def _imported_modules(tree: ast.AST, package: str, module: str) -> set[str]:
    """Full dotted names this module imports (``from .x import y`` may name module x.y)."""
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base_parts = f"{package}.{module}".split(".")[: -node.level]
                base = ".".join(base_parts + ([node.module] if node.module else []))
            else:
                base = node.module or ""
            names.add(base)
            names.update(f"{base}.{alias.name}" for alias in node.names)
    return names


def app_graph(app_dir: Path) -> dict[str, set[str]]:
    """{module: modules of the same app it imports} for the app's top-level files."""
    package = f"heard.{app_dir.name}"
    modules = {p.stem for p in app_dir.glob("*.py")}
    graph: dict[str, set[str]] = {}
    for path in sorted(app_dir.glob("*.py")):
        tree = ast.parse(path.read_text(), filename=str(path))
        imported = _imported_modules(tree, package, path.stem)
        graph[path.stem] = {
            name.removeprefix(package + ".").split(".")[0]
            for name in imported
            if name.startswith(package + ".") and name.removeprefix(package + ".").split(".")[0] in modules
        } - {path.stem, "__init__"}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in graph.get(node, ()):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def _path_through(graph: dict[str, set[str]], group: list[str]) -> list[str]:
    """One circle inside a group, for the message: a -> b -> a."""
    start = group[0]
    members = set(group)
    trail = [start]
    seen = {start}
    while True:
        nxt = sorted(m for m in graph[trail[-1]] if m in members)
        back = [m for m in nxt if m == start]
        if back and len(trail) > 1:
            return trail + [start]
        fresh = [m for m in nxt if m not in seen]
        if not fresh:
            return trail + [start]
        trail.append(fresh[0])
        seen.add(fresh[0])


def main() -> int:
    problems = []
    apps = [d for d in sorted(ROOT.iterdir()) if d.is_dir() and (d / "__init__.py").exists()]
    for app_dir in apps:
        graph = app_graph(app_dir)
        for group in cycles(graph):
            path = " -> ".join(f"{m}.py" for m in _path_through(graph, group))
            problems.append(f"{app_dir.name}: {path}")
    if problems:
        print("Import circles inside an app:")
        print("\n".join("  " + p for p in problems))
        return 1
    print(f"No import circle inside any of {len(apps)} apps.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
