"""The API of a thing's parts (a session's objectives and agenda items, a decision's
options): list, add, change and remove, mounted by one call so each kind of part answers
the same way::

    part_api.add_routes(router, "/sessions/{session_id}/objectives/{objective_id}", _session,
                        (ObjectiveOut, ObjectiveIn, ObjectivePatch), listing=lambda s: s.objectives.all())

The names follow the app's own: ``actions.add_<part>(actor=, <parent>=, data=)``,
``actions.update_<part>(actor=, <part>=, data=)``, ``actions.remove_<part>(actor=, <part>=)``
and ``queries.get_<part>(actor, parent, id)`` in the app of ``lookup``, where <part> is the
part's id without ``_id``, unless ``part`` names it (``keyword`` is then still the id's).
The views are named and placed as hand-written ones would be (``list_objectives`` in
``heard.sessions.api``), so operation ids and URL names stay those of the app.
"""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Callable

from ninja import Router, Status

from .api import given, workspace_for


def _view(fn, name: str, module: str, params: dict):
    """``fn(request, **kwargs)`` with a signature ninja reads: path ids as int, ``payload``
    with its schema, ``workspace`` optional."""
    signature = [inspect.Parameter("request", inspect.Parameter.POSITIONAL_OR_KEYWORD)]
    for param, annotation in {**params, "workspace": str | None}.items():
        default = None if param == "workspace" else inspect.Parameter.empty
        signature.append(inspect.Parameter(param, inspect.Parameter.KEYWORD_ONLY, annotation=annotation, default=default))
    fn.__signature__ = inspect.Signature(signature)
    fn.__name__, fn.__qualname__, fn.__module__ = name, name, module
    return fn


def add_routes(router: Router, path: str, lookup: Callable, schemas: tuple, *, listing: Callable,
               part: str = "", keyword: str = "", update: bool = True) -> None:
    """Mount the routes of one kind of part. ``path`` ends with the part's id
    ("/decisions/{decision_id}/options/{option_id}"); ``lookup(request, id, workspace)``
    finds the parent the caller may see; ``schemas`` = (out, in, patch); ``listing(parent)``
    the parts in their order; ``part`` names the part where its id says less
    ("agenda_item" for ``{item_id}``). ``update=False`` leaves out the PATCH route."""
    many, one_id = path.rsplit("/", 1)
    parent_path, _ = many.rsplit("/", 1)
    parent_id = parent_path.rsplit("{", 1)[1].rstrip("}")
    part_id = one_id.strip("{}")
    parent_kw, part = parent_id.removesuffix("_id"), part or part_id.removesuffix("_id")
    keyword = keyword or part_id.removesuffix("_id")
    package = lookup.__module__.rsplit(".", 1)[0]
    out, create, patch = schemas

    def app(module: str):
        return importlib.import_module(f"{package}.{module}")

    def found(request, kwargs):
        parent = lookup(request, kwargs[parent_id], kwargs.get("workspace"))
        return getattr(app("queries"), f"get_{part}")(request.auth, parent, kwargs[part_id])

    def list_parts(request, **kwargs):
        return list(listing(lookup(request, kwargs[parent_id], kwargs.get("workspace"))))

    def add_part(request, **kwargs):
        parent = lookup(request, kwargs[parent_id], kwargs.get("workspace"))
        add = getattr(app("actions"), f"add_{part}")
        return Status(201, add(actor=request.auth, **{parent_kw: parent}, data=kwargs["payload"].model_dump()))

    def update_part(request, **kwargs):
        change = getattr(app("actions"), f"update_{part}")
        return change(actor=request.auth, **{keyword: found(request, kwargs)}, data=given(kwargs["payload"]))

    def remove_part(request, **kwargs):
        getattr(app("actions"), f"remove_{part}")(actor=request.auth, **{keyword: found(request, kwargs)})
        return Status(204, None)

    module = lookup.__module__
    ids = {parent_id: int}
    router.get(many, response=list[out])(_view(list_parts, f"list_{part}s", module, ids))
    router.post(many, response={201: out})(_view(add_part, f"add_{part}", module, {**ids, "payload": create}))
    if update:
        router.patch(path, response=out)(_view(update_part, f"update_{part}", module, {**ids, part_id: int, "payload": patch}))
    router.delete(path, response={204: None})(_view(remove_part, f"remove_{part}", module, {**ids, part_id: int}))


def add_thing_routes(router: Router, path: str, get: Callable, schemas: tuple, *, keyword: str = "", thing: str = "",
                     id_type: type = int, delete: str = "delete", docs: dict | None = None, module: str = "") -> None:
    """GET, PATCH and DELETE of one thing of a workspace at ``path`` ("/segments/{segment_id}"):
    ``get(actor, workspace, id)`` finds it in the workspace named by ``?workspace=``;
    ``actions.update_<thing>(actor=, <keyword>=, data=)`` changes the fields sent and
    ``actions.delete_<thing>(actor=, <keyword>=)`` deletes it, in the app of ``get``, where
    <thing> is the id without ``_id`` (and the keyword, unless ``keyword`` says). ``schemas``
    = (out, patch). The views are named ``get_<thing>``, ``update_<thing>``, ``delete_<thing>``
    in the app's ``api`` module, as hand-written ones would be. ``thing`` names it where the id
    does not ("/products/{slug}"), ``delete="archive"`` calls ``archive_<thing>`` instead, and
    ``docs`` gives a view its description ({"get": "...", "delete": "..."}); ``module`` is the
    router's module where it is not the app's ``api``."""
    thing_id = path.rsplit("{", 1)[1].rstrip("}")
    thing = thing or thing_id.removesuffix("_id")
    keyword = keyword or thing
    package = get.__module__.rsplit(".", 1)[0]
    out, patch = schemas

    def found(request, kwargs):
        return get(request.auth, workspace_for(request, kwargs.get("workspace")), kwargs[thing_id])

    def get_thing(request, **kwargs):
        return found(request, kwargs)

    def update_thing(request, **kwargs):
        change = getattr(importlib.import_module(f"{package}.actions"), f"update_{thing}")
        return change(actor=request.auth, **{keyword: found(request, kwargs)}, data=given(kwargs["payload"]))

    def delete_thing(request, **kwargs):
        remove = getattr(importlib.import_module(f"{package}.actions"), f"{delete}_{thing}")
        remove(actor=request.auth, **{keyword: found(request, kwargs)})
        return Status(204, None)

    docs = docs or {}
    module, ids = module or f"{package}.api", {thing_id: id_type}
    for view, doc in ((get_thing, docs.get("get")), (update_thing, docs.get("update")), (delete_thing, docs.get("delete"))):
        view.__doc__ = doc
    router.get(path, response=out)(_view(get_thing, f"get_{thing}", module, ids))
    router.patch(path, response=out)(_view(update_thing, f"update_{thing}", module, {**ids, "payload": patch}))
    router.delete(path, response={204: None})(_view(delete_thing, f"{delete}_{thing}", module, ids))
