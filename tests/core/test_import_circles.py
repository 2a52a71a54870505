"""No two files of one app import each other, directly or round a longer circle.

Every ``import`` counts, also those inside functions (they still tie the two files together;
they only hide it until run time). Tasks call actions and actions queue tasks by name
(``heard.core.tasks.enqueue("app.task", ...)``), so neither imports the other both ways.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts"))
from import_cycles import SRC, circles, import_graph  # noqa: E402


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
