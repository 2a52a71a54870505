"""No two files of one app import each other, directly or round a longer circle.

Every ``import`` counts, also those inside functions (they still tie the two files together;
they only hide it until run time). Tasks call actions and actions queue tasks by name
(``heard.core.tasks.enqueue("app.task", ...)``), so neither imports the other both ways.
"""

from __future__ import annotations

import ast
from pathlib import Path

import heard

SRC = Path(heard.__file__).parent


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


def test_no_app_has_an_import_circle():
    graph = import_graph(SRC)
    assert "heard.tickets.actions" in graph and "heard.themes.engine" in graph  # it read the tree
    found = circles(graph)
    assert found == [], "Import circles inside an app (break them: move the shared part into its own module, " \
        "or queue tasks by name with heard.core.tasks.enqueue):\n" + "\n".join(" <-> ".join(c) for c in found)


def test_a_circle_through_a_function_level_import_is_found(tmp_path):
    app = tmp_path / "pkg" / "shop"
    (app / "management" / "commands").mkdir(parents=True)
    for name in ("pkg/__init__.py", "pkg/shop/__init__.py", "pkg/shop/management/__init__.py", "pkg/shop/management/commands/__init__.py"):
        (tmp_path / name).write_text("")
    (app / "actions.py").write_text("from .models import Order\n\ndef place():\n    from .tasks import send\n    send.enqueue()\n")
    (app / "tasks.py").write_text("def send():\n    from pkg.shop import actions\n")
    (app / "models.py").write_text("Order = object\n")
    (app / "management" / "commands" / "ship.py").write_text("from ...models import Order\nfrom pkg.shop import models\n")
    (tmp_path / "pkg" / "urls.py").write_text("from pkg.shop import actions\n")
    graph = import_graph(tmp_path / "pkg")
    assert graph["pkg.shop.management.commands.ship"] == {"pkg.shop.models"}
    assert graph["pkg.urls"] == set()  # another app: not a circle inside one
    assert circles(graph) == [["pkg.shop.actions", "pkg.shop.tasks"]]
