"""Report import circles between the files of one app under src/heard/ (`make lint` runs it).

    python scripts/import_cycles.py          # exit 1 and list the circles if there are any

Every ``import`` counts, also those inside functions (they still tie the two files together;
they only hide it until run time). An app is a direct sub-package of heard, with its
migrations, commands and template tags. The way out of a circle: tasks call actions; actions
enqueue tasks by name (``heard.core.tasks.enqueue("app.task_name", ...)``), and a piece both
sides need gets a module of its own. tests/core/test_import_circles.py uses the same finder.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

SRC = Path(__file__).resolve().parent.parent / "src" / "heard"


def _module_name(root: Path, path: Path) -> str:
    parts = list(path.relative_to(root.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imported(tree: ast.AST, module: str, is_package: bool, known: set[str]) -> set[str]:
    """Modules ``module`` imports anywhere in its file (top level, functions, classes)."""
    package = module if is_package else module.rpartition(".")[0]
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{base}.{node.module}" if node.module else base
            else:
                base = node.module or ""
            # `from . import actions` names a module; `from .models import Ticket` a name in one.
            subs = {f"{base}.{alias.name}" for alias in node.names} & known
            found.update(subs or {base})
    return found


def import_graph(root: Path) -> dict[str, set[str]]:
    """{module: modules of the same app it imports} for the package at ``root``. An app is a
    direct sub-package (``heard.tickets``, with its migrations, commands and template tags);
    the package's own top-level files form one more."""
    files = {_module_name(root, p): p for p in root.rglob("*.py")}
    known = set(files)
    top = root.name

    def app_of(name: str) -> str:
        parts = name.split(".")
        return ".".join(parts[:2]) if len(parts) > 2 or (len(parts) == 2 and (root / parts[1]).is_dir()) else top

    graph = {}
    for name, path in files.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        targets = _imported(tree, name, path.name == "__init__.py", known)
        graph[name] = {t for t in targets if t in known and t != name and app_of(t) == app_of(name)}
    return graph


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Each group of modules that reach each other through imports (Tarjan's strongly
    connected components of more than one module), as a sorted list."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph.get(node, ())):
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
    return sorted(found)


def main() -> int:
    found = circles(import_graph(SRC))
    if found:
        print("Import circles inside an app (move the shared part into its own module, or queue tasks by name):")
        print("\n".join("  " + " <-> ".join(group) for group in found))
        return 1
    apps = [d for d in SRC.iterdir() if d.is_dir() and (d / "__init__.py").exists()]
    print(f"No import circle inside any of {len(apps)} apps.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
