"""The inbox: what needs a person now, on each product's home and summed on the workspace home.

The inbox is a registry of *sources*. Each app contributes its own sources in its own
``inbox.py`` module (found by :func:`discover`, like Django's admin modules), so a new app
adds lines without touching this file::

    from heard.core import inbox

    @inbox.register
    class OverdueDecisions(inbox.Source):
        key, order, title = "decisions.overdue", 10, "Decisions past their due date"
        good = "Every open decision is within its due date."

        def collect(self, actor, product, *, limit):
            qs = ...  # an indexed query; never a scan of a large table per view
            return inbox.Found(count=qs.count(), lines=[inbox.Line(...) for d in qs[:limit]])

A source's ``collect`` is called with an actor who may view the workspace (the inbox checks
that once) and must answer from indexed queries or rollups: the home is held to a p95 of
100 ms at 100 000 feedback items and a million tickets (``bench/home.py``). docs/home.md
describes the interface for other apps.
"""

from __future__ import annotations

import functools
import heapq
import operator
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Count
from django.utils.module_loading import autodiscover_modules

from . import permissions
from .models import Product, Workspace

PRODUCT = "product"
WORKSPACE = "workspace"

# Lines shown per section on a home; the count says how many there are in all.
DEFAULT_LIMIT = 10


@dataclass(frozen=True)
class Line:
    """One thing that needs a person: what it is, where to act on it, and when it became due
    or happened (lines are shown newest first). ``detail`` names who or what is waiting."""

    text: str
    url: str
    at: datetime | None = None
    detail: str = ""
    product: Product | None = field(default=None, compare=False)


@dataclass(frozen=True)
class Found:
    """What a source found for one product: how many in all, and the newest ``limit`` lines.
    ``more_url`` is the list where all of them can be worked through, if there is one."""

    count: int
    lines: list[Line]
    more_url: str = ""


class Source:
    """A kind of inbox line. Subclass, set the attributes, implement ``collect``, and
    register the class (or an instance) with :func:`register`.

    ``key``: unique, "<app>.<what>"; ``title``: the section heading; ``good``: the empty
    state, saying what good looks like; ``order``: position on the page (lower first);
    ``scope``: PRODUCT (collected per product, summed on the workspace home) or WORKSPACE
    (about the whole workspace, e.g. stakeholders: collected once, shown on both homes).
    """

    key: str = ""
    title: str = ""
    good: str = ""
    order: int = 100
    scope: str = PRODUCT

    def collect(self, actor, target, *, limit: int) -> Found:
        """``target`` is a Product (scope PRODUCT) or a Workspace (scope WORKSPACE)."""
        raise NotImplementedError

    def collect_many(self, actor, products: list, *, limit: int) -> tuple[dict[int, int], list[Line]]:
        """For the workspace home: {product id: count} and the newest ``limit`` lines across
        ``products`` (each line's ``product`` set). By default one ``collect`` per product; a
        source answers in fewer queries by overriding it."""
        counts: dict[int, int] = {}
        lines: list[Line] = []
        for product in products:
            found = self.collect(actor, product, limit=limit)
            counts[product.pk] = found.count
            lines += [ln if ln.product else _with_product(ln, product) for ln in found.lines]
        return counts, _newest_first(lines, limit)


class QuerySource(Source):
    """A source read from one queryset: give ``rows(product)`` (an indexed filter),
    ``newest`` (its ordering, newest first), ``related`` (for select_related),
    ``line(row, product)`` and, if there is a list to work through them all, ``more(product)``."""

    newest: tuple[str, ...] = ("-pk",)
    related: tuple[str, ...] = ()

    def rows(self, product):
        raise NotImplementedError

    def line(self, row, product) -> Line:
        raise NotImplementedError

    def more(self, product) -> str:
        return ""

    def collect(self, actor, product, *, limit):
        qs = self.rows(product)
        count = qs.count()
        lines = [self.line(row, product) for row in qs.select_related(*self.related).order_by(*self.newest)[:limit]] if (count and limit) else []
        return Found(count, lines, self.more(product))

    def collect_many(self, actor, products, *, limit):
        # The counts: one grouped query over all products (each product's part an index range).
        # The lines: each product's newest ``limit`` read through its own index, then merged. One
        # query over all products ordered newest first would sort every matching row instead
        # (an OR of index ranges has no single order): 17 000 rows at 100 000 feedback items.
        if not products:
            return {}, []
        qs = functools.reduce(operator.or_, (self.rows(p) for p in products))
        counts = dict(qs.order_by().values_list("product_id").annotate(n=Count("pk")))
        lines: list[Line] = []
        for product in products if limit else ():
            if counts.get(product.pk):
                rows = self.rows(product).select_related(*self.related).order_by(*self.newest)[:limit]
                lines += [_with_product(self.line(row, product), product) for row in rows]
        return counts, _newest_first(lines, limit)


_registry: dict[str, Source] = {}
_discovered = False


def register(source):
    """Add a source (a Source subclass or instance) to every inbox. Usable as a class
    decorator; registering the same key again replaces the earlier source."""
    instance = source() if isinstance(source, type) else source
    if not instance.key or not instance.title:
        raise ValueError("An inbox source needs a key and a title.")
    if instance.scope not in (PRODUCT, WORKSPACE):
        raise ValueError(f"Inbox source {instance.key}: scope must be inbox.PRODUCT or inbox.WORKSPACE.")
    _registry[instance.key] = instance
    return source


def unregister(key: str) -> None:
    _registry.pop(key, None)


def discover() -> None:
    """Import every installed app's ``inbox`` module once, so its sources register."""
    global _discovered
    if not _discovered:
        autodiscover_modules("inbox")
        _discovered = True


def sources() -> list[Source]:
    discover()
    return sorted(_registry.values(), key=lambda s: (s.order, s.key))


@dataclass
class Section:
    """One source's part of an inbox, ready for a page, the API or the CLI."""

    key: str
    title: str
    good: str
    count: int
    lines: list[Line]
    more_url: str = ""
    scope: str = PRODUCT
    # Products whose count is above zero (workspace home), with their counts.
    by_product: list[tuple[Product, int]] = field(default_factory=list)

    @property
    def anchor(self) -> str:
        return "inbox-" + self.key.replace(".", "-").replace("_", "-")

    @property
    def shown_all(self) -> bool:
        return len(self.lines) >= self.count


@dataclass
class Inbox:
    workspace: Workspace
    product: Product | None
    sections: list[Section]

    @property
    def total(self) -> int:
        return sum(s.count for s in self.sections)

    @property
    def waiting(self) -> list[Section]:
        return [s for s in self.sections if s.count]

    @property
    def clear(self) -> list[Section]:
        return [s for s in self.sections if not s.count]


def _newest_first(lines, limit: int) -> list[Line]:
    dated = [ln for ln in lines if ln.at is not None]
    undated = [ln for ln in lines if ln.at is None]
    return (heapq.nlargest(limit, dated, key=lambda ln: ln.at) + undated)[:limit]


def product_inbox(actor, product: Product, *, limit: int = DEFAULT_LIMIT) -> Inbox:
    """Everything that needs a person on one product, each source a section."""
    permissions.require(actor, product.workspace, "workspace.view")
    sections = []
    for source in sources():
        found = source.collect(actor, product if source.scope == PRODUCT else product.workspace, limit=limit)
        lines = [ln if ln.product else _with_product(ln, product if source.scope == PRODUCT else None) for ln in found.lines]
        sections.append(Section(source.key, source.title, source.good, found.count, _newest_first(lines, limit), found.more_url, source.scope))
    return Inbox(product.workspace, product, sections)


def workspace_inbox(actor, workspace: Workspace, *, limit: int = DEFAULT_LIMIT, products=None) -> Inbox:
    """The workspace home: each product source summed over ``products`` (default: all of the
    workspace's products), with the newest lines across them; workspace sources once."""
    permissions.require(actor, workspace, "workspace.view")
    products = list(workspace.products.filter(archived_at__isnull=True) if products is None else products)
    sections = []
    for source in sources():
        if source.scope == WORKSPACE:
            found = source.collect(actor, workspace, limit=limit)
            sections.append(Section(source.key, source.title, source.good, found.count, _newest_first(found.lines, limit), found.more_url, WORKSPACE))
            continue
        counts, lines = source.collect_many(actor, products, limit=limit)
        by_product = [(p, counts[p.pk]) for p in products if counts.get(p.pk)]
        sections.append(Section(source.key, source.title, source.good, sum(n for _, n in by_product), _newest_first(lines, limit), "", PRODUCT, by_product))
    return Inbox(workspace, None, sections)


def _with_product(line: Line, product: Product | None) -> Line:
    if product is None:
        return line
    return Line(line.text, line.url, line.at, line.detail, product)


def as_dict(inbox: Inbox) -> dict:
    """The inbox as JSON-safe data (API and ``heard inbox --json``)."""
    return {
        "workspace": inbox.workspace.slug,
        "product": inbox.product.slug if inbox.product else None,
        "total": inbox.total,
        "sections": [
            {
                "key": s.key, "title": s.title, "good": s.good, "count": s.count, "scope": s.scope, "more_url": s.more_url,
                "by_product": [{"product": p.slug, "count": n} for p, n in s.by_product],
                "lines": [
                    {"text": ln.text, "detail": ln.detail, "url": ln.url, "at": ln.at.isoformat() if ln.at else None,
                     "product": ln.product.slug if ln.product else None}
                    for ln in s.lines
                ],
            }
            for s in inbox.sections
        ],
    }


# ------------------------------------------------------------------ the homes' short memory
# Counting every source costs 20-45 ORM queries: 100-200 ms at 100 000 feedback items, most
# of it Python building and compiling queries rather than the database. A home is read far
# more often than anything on it changes, so the pages keep each inbox for up to a minute,
# keyed by the workspace's newest audit event. Every change a person makes is an audit event
# (actions record one each), so it shows on the next view; what only the clock or background
# work changes (a due date passing, a theme spike, an anti-pattern flag) shows within
# REMEMBER_SECONDS. The API and `heard inbox` always count afresh.
REMEMBER_SECONDS = 60


def _workspace_version(workspace: Workspace) -> int:
    from .models import AuditEvent

    # Indexed: the newest event of the workspace, read backwards from its index.
    return AuditEvent.objects.filter(workspace=workspace).order_by("-id").values_list("id", flat=True).first() or 0


def _remembered(key: str, workspace: Workspace, build):
    import time

    from django.core.cache import cache

    key = f"heard:inbox:{key}:{_workspace_version(workspace)}:{int(time.time() // REMEMBER_SECONDS)}"
    found = cache.get(key)
    if found is None:
        found = build()
        cache.set(key, found, REMEMBER_SECONDS)
    return found


def product_home_inbox(actor, product: Product) -> Inbox:
    """The product home's inbox, remembered for a moment (see above); per person, since
    what a role may see differs."""
    permissions.require(actor, product.workspace, "workspace.view")
    return _remembered(f"p{product.pk}:u{actor.pk}", product.workspace, lambda: product_inbox(actor, product))


def workspace_home_inbox(actor, workspace: Workspace, products) -> Inbox:
    """The workspace home's inbox, remembered for a moment (see above)."""
    permissions.require(actor, workspace, "workspace.view")
    products = list(products)
    key = f"w{workspace.pk}:u{actor.pk}:" + ",".join(str(p.pk) for p in products)
    return _remembered(key, workspace, lambda: workspace_inbox(actor, workspace, products=products))
