"""One person, one page: everything heard holds on a stakeholder, newest first.

Like the inbox, this is a registry: each app contributes what it holds on a person in its
own ``person.py`` module (found by :func:`discover`), so the stakeholder app imports no
other app::

    from heard.stakeholders import person

    @person.register
    class FeedbackGiven(person.Part):
        kind, label, order = "feedback", "Feedback", 10

        def collect(self, stakeholder, *, limit):
            qs = Feedback.objects.filter(stakeholder=stakeholder)  # indexed by stakeholder
            return qs.count(), [person.Entry(...) for f in qs.order_by("-said_at")[:limit]]

Several parts may share a ``kind`` (session and decision comments are both "comments"):
the page counts and filters by kind. docs/stakeholders.md describes the page.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass
from datetime import datetime

from django.utils.module_loading import autodiscover_modules

from heard.core import permissions

from .models import Stakeholder

PER_PAGE = 50


@dataclass(frozen=True)
class Entry:
    """One thing heard holds on the person. ``status`` is its state in a word or two
    (a disposition, a decision right, "sent · opened"); ``product`` a product name, if any."""

    kind: str
    at: datetime | None
    title: str
    url: str = ""
    status: str = ""
    detail: str = ""
    product: str = ""


class Part:
    """A kind of thing an app holds on a person. ``collect`` returns (count, the newest
    ``limit`` entries) from queries indexed by the stakeholder."""

    kind: str = ""
    label: str = ""
    order: int = 100

    def collect(self, stakeholder: Stakeholder, *, limit: int) -> tuple[int, list[Entry]]:
        raise NotImplementedError


class QueryPart(Part):
    """A part read from one queryset: give ``rows(stakeholder)`` (filtered by the
    stakeholder, so an index serves it) or, for the usual one-field filter, ``model`` and
    ``holder`` (the field naming the stakeholder); ``newest`` (the ordering, newest first),
    ``related`` (for select_related) and ``entry(row)``."""

    model = None
    holder: str = ""
    newest: tuple[str, ...] = ("-pk",)
    related: tuple[str, ...] = ()

    def rows(self, stakeholder: Stakeholder):
        if self.model is None:
            raise NotImplementedError
        return self.model.objects.filter(**{self.holder: stakeholder})

    def entry(self, row) -> Entry:
        raise NotImplementedError

    def collect(self, stakeholder, *, limit):
        qs = self.rows(stakeholder)
        count = qs.count()
        if not (limit and count):
            return count, []
        return count, [self.entry(row) for row in qs.select_related(*self.related).order_by(*self.newest)[:limit]]


_parts: dict[str, Part] = {}
_discovered = False


def register(part):
    """Add a part (class or instance) to every person page; usable as a class decorator."""
    instance = part() if isinstance(part, type) else part
    if not instance.kind or not instance.label:
        raise ValueError("A person-page part needs a kind and a label.")
    _parts[f"{type(instance).__module__}.{type(instance).__name__}"] = instance
    return part


def parts() -> list[Part]:
    global _discovered
    if not _discovered:
        autodiscover_modules("person")
        _discovered = True
    return sorted(_parts.values(), key=lambda p: (p.order, p.kind))


@dataclass
class Timeline:
    entries: list[Entry]
    counts: list[tuple[str, str, int]]  # (kind, label, count), in page order
    total: int  # entries of the chosen kind (or all)
    page: int
    pages: int
    kind: str

    @property
    def everything(self) -> int:
        return sum(n for _, _, n in self.counts)

    @property
    def label(self) -> str:
        return next((label for k, label, _ in self.counts if k == self.kind), "")


def timeline(actor, stakeholder: Stakeholder, *, kind: str = "", page=1, per_page: int = PER_PAGE) -> Timeline:
    """The person's entries newest first, ``per_page`` at a time, optionally of one ``kind``
    (an unknown kind shows nothing), with the count of every kind."""
    permissions.require(actor, stakeholder.workspace, "workspace.view")
    try:
        page = max(1, int(page or 1))
    except (TypeError, ValueError):
        page = 1
    wanted = page * per_page
    counts: dict[str, list] = {}
    chosen: list[Entry] = []
    total = 0
    for part in parts():
        n, entries = part.collect(stakeholder, limit=wanted if (not kind or part.kind == kind) else 0)
        counts.setdefault(part.kind, [part.label, 0])[1] += n
        if not kind or part.kind == kind:
            total += n
            chosen += entries
    newest = heapq.nlargest(wanted, chosen, key=lambda e: e.at.timestamp() if e.at else float("-inf"))
    pages = max(1, -(-total // per_page))
    return Timeline(
        entries=newest[(page - 1) * per_page : page * per_page],
        counts=[(k, label, n) for k, (label, n) in counts.items()],
        total=total, page=page, pages=pages, kind=kind,
    )


# ---------------------------------------------------------------- the stakeholder app's own parts


@register
class Consents(Part):
    kind, label, order = "consents", "Consents and disclosures", 80

    def collect(self, stakeholder, *, limit):
        rows = list(stakeholder.consents.all())
        entries = []
        for c in rows:
            state = f"Withdrawn {c.withdrawn_at:%d %b %Y}" if c.withdrawn_at else "Active"
            entries.append(Entry("consents", c.withdrawn_at or c.granted_at, f"Consent to {c.get_purpose_display().lower()}", "#consents-h", state, c.disclosure_text[:160]))
        entries.sort(key=lambda e: e.at, reverse=True)
        return len(rows), entries[:limit]


@register
class Disclosures(Part):
    kind, label, order = "consents", "Consents and disclosures", 81

    def collect(self, stakeholder, *, limit):
        rows = sorted(stakeholder.disclosures.all(), key=lambda d: d.declared_at, reverse=True)
        return len(rows), [
            Entry("consents", d.declared_at, d.get_kind_display(), "#disclosures-h", "Declared", d.description[:160]) for d in rows[:limit]
        ]
