"""Reads of demos, verdicts and sign-offs: for team members scoped by workspace and role,
for the portal scoped to the signed-in stakeholder (``my_*``: only demos they take part in,
never team-only sessions, never another person's verdicts)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Count, Prefetch, Q, QuerySet

from heard.core import permissions
from heard.core.errors import HeardError
from heard.core.models import Product
from heard.core.validation import as_id

from .models import Demonstration, DemoVerdict, SignOff, VerdictChoice

TEAM_ONLY = "team"


def _missing(what: str) -> HeardError:
    return HeardError("not_found", f"{what} was not found.")


# ---------------------------------------------------------------- demo sessions

def demo_sessions(actor, product: Product, *, q: str = "") -> QuerySet:
    """Demo sessions and any other session that demonstrates criteria, newest first, with counts."""
    from heard.sessions.models import Session

    permissions.require(actor, product.workspace, "workspace.view")
    qs = (Session.objects.filter(product=product).filter(Q(channel="demo") | Q(demonstrations__isnull=False)).distinct()
          .annotate(criteria_count=Count("demonstrations", distinct=True), verdict_count=Count("demonstrations__verdicts", distinct=True),
                    item_count=Count("demonstrations__criterion__item", distinct=True)))
    if q:
        qs = qs.filter(title__icontains=q.strip())
    return qs.order_by("-starts_at", "-pk")


def get_demo(actor, product: Product, pk):
    from heard.sessions.models import Session

    permissions.require(actor, product.workspace, "workspace.view")
    found = Session.objects.select_related("product__workspace").filter(product=product, pk=as_id(pk)).first() if as_id(pk) else None
    if found is None:
        raise _missing("Session")
    return found


def get_demonstration(actor, session, pk) -> Demonstration:
    permissions.require(actor, session.product.workspace, "workspace.view")
    found = Demonstration.objects.select_related("session__product__workspace", "criterion__item").filter(session=session, pk=as_id(pk)).first() if as_id(pk) else None
    if found is None:
        raise _missing("Demonstrated criterion")
    return found


def demonstration_for_criterion(actor, session, criterion_ref, field: str = "criterion") -> Demonstration:
    """The demonstration of a criterion (by its id) in a session, or a field error."""
    permissions.require(actor, session.product.workspace, "workspace.view")
    found = Demonstration.objects.select_related("session__product__workspace", "criterion__item").filter(
        session=session, criterion_id=as_id(criterion_ref)).first() if as_id(criterion_ref) else None
    if found is None:
        raise HeardError("invalid", f"Criterion “{str(criterion_ref)[:40]}” is not demonstrated in this session.", field)
    return found


def get_verdict(actor, session, pk) -> DemoVerdict:
    permissions.require(actor, session.product.workspace, "workspace.view")
    found = DemoVerdict.objects.select_related("demonstration__session__product__workspace", "stakeholder").filter(
        demonstration__session=session, pk=as_id(pk)).first() if as_id(pk) else None
    if found is None:
        raise _missing("Verdict")
    return found


def demonstrations(session) -> list[Demonstration]:
    return list(session.demonstrations.select_related("criterion__item").prefetch_related(
        Prefetch("verdicts", queryset=DemoVerdict.objects.select_related("stakeholder", "feedback"))).order_by("criterion__item_id", "position", "id"))


def verdicts(actor, session) -> QuerySet:
    permissions.require(actor, session.product.workspace, "workspace.view")
    return (DemoVerdict.objects.filter(demonstration__session=session)
            .select_related("stakeholder", "demonstration__criterion__item", "feedback").order_by("demonstration__criterion__item_id", "demonstration__position", "stakeholder__name", "id"))


def stakeholder_participants(session) -> list:
    return [p for p in session.participants.select_related("stakeholder").order_by("pk") if p.stakeholder_id]


@dataclass
class CriterionRow:
    demonstration: Demonstration
    cells: list  # one per participating stakeholder: (participant, DemoVerdict or None)
    changed_after: bool = False


@dataclass
class ItemBlock:
    item: object
    rows: list[CriterionRow] = field(default_factory=list)
    sign_offs: list = field(default_factory=list)
    flags: list = field(default_factory=list)


def board(actor, session) -> dict:
    """The demo page: each item demonstrated with its criteria, and for each criterion the
    verdict of each participating stakeholder (None: not given); the items' sign-offs and
    health flags (a last-minute sign-off shows here as on the item's page)."""
    from heard.health.queries import flags_for

    permissions.require(actor, session.product.workspace, "workspace.view")
    people = stakeholder_participants(session)
    shown = demonstrations(session)
    changed = changed_after_judgement({d.criterion_id for d in shown})
    blocks: dict[int, ItemBlock] = {}
    for d in shown:
        block = blocks.setdefault(d.criterion.item_id, ItemBlock(item=d.criterion.item))
        mine = {v.stakeholder_id: v for v in d.verdicts.all()}
        block.rows.append(CriterionRow(d, [(p, mine.get(p.stakeholder_id)) for p in people], d.criterion_id in changed))
    for s in SignOff.objects.filter(backlog_item_id__in=list(blocks)).select_related("stakeholder", "session").order_by("at", "pk"):
        blocks[s.backlog_item_id].sign_offs.append(s)
    for block in blocks.values():
        block.flags = flags_for(block.item)
    return {"people": people, "items": list(blocks.values()), "counts": verdict_counts(shown)}


def verdict_counts(shown) -> dict:
    counts = {v: 0 for v in VerdictChoice.values}
    for d in shown:
        for v in d.verdicts.all():
            counts[v.verdict] += 1
    return counts


# ---------------------------------------------------------------- a backlog item's verdicts over time

def changed_after_judgement(criterion_ids) -> dict[int, list[datetime]]:
    """For each criterion whose text changed after its first verdict (or its item's first
    sign-off): the moments of those changes, oldest first."""
    from django.db.models import Min

    from heard.backlog.models import AcceptanceCriterion
    from heard.health.models import BacklogEvent

    ids = list(criterion_ids)
    if not ids:
        return {}
    first = dict(DemoVerdict.objects.filter(demonstration__criterion_id__in=ids).order_by().values("demonstration__criterion_id")
                 .annotate(first=Min("recorded_at")).values_list("demonstration__criterion_id", "first"))
    items = dict(AcceptanceCriterion.objects.filter(pk__in=ids).values_list("pk", "item_id"))
    signed = dict(SignOff.objects.filter(backlog_item_id__in=set(items.values())).order_by().values("backlog_item_id")
                  .annotate(first=Min("at")).values_list("backlog_item_id", "first"))
    out: dict[int, list[datetime]] = defaultdict(list)
    for criterion_id, at in BacklogEvent.objects.filter(criterion_id__in=ids, kind="criterion_changed").order_by("at", "id").values_list("criterion_id", "at"):
        judged = [t for t in (first.get(criterion_id), signed.get(items.get(criterion_id))) if t is not None]
        if judged and min(judged) < at:
            out[criterion_id].append(at)
    return dict(out)


def item_verdicts(actor, item) -> dict:
    """What the item page shows: per criterion its verdicts oldest first (with the demo and
    the wording judged) and whether its text changed after a verdict or sign-off; and the
    item's sign-offs."""
    permissions.require(actor, item.product.workspace, "workspace.view")
    criteria = list(item.criteria.all())
    changed = changed_after_judgement([c.pk for c in criteria])
    by_criterion: dict[int, list] = defaultdict(list)
    for v in (DemoVerdict.objects.filter(demonstration__criterion__item=item)
              .select_related("stakeholder", "demonstration__session", "feedback").order_by("recorded_at", "id")):
        by_criterion[v.demonstration.criterion_id].append(v)
    rows = [{"criterion": c, "number": n, "verdicts": by_criterion.get(c.pk, []), "changed_at": changed.get(c.pk, [])}
            for n, c in enumerate(criteria, start=1)]
    sign_offs = list(item.sign_offs.select_related("stakeholder", "session").order_by("at", "pk"))
    return {"rows": rows, "sign_offs": sign_offs, "any": bool(by_criterion) or bool(sign_offs),
            "demos": list(demo_sessions_of_item(item))}


def demo_sessions_of_item(item):
    from heard.sessions.models import Session

    return Session.objects.filter(demonstrations__criterion__item=item).distinct().order_by("starts_at", "pk")


def sign_offs(actor, item) -> QuerySet:
    permissions.require(actor, item.product.workspace, "workspace.view")
    return item.sign_offs.select_related("stakeholder", "session").order_by("at", "pk")


def demo_involvement(item, stakeholder, at) -> list[str]:
    """Involvement source for the last-minute sign-off rule: a seat (not marked absent) in
    a demo of the item that started before ``at``."""
    from heard.sessions.models import Participant

    seats = Participant.objects.filter(stakeholder=stakeholder, session__demonstrations__criterion__item=item).exclude(attendance="absent")
    if at is not None:
        seats = seats.filter(session__starts_at__lt=at)
    return ["took part in a demo of it"] if seats.exists() else []


# ---------------------------------------------------------------- the portal

def my_demos(stakeholder) -> QuerySet:
    """Demo sessions the stakeholder takes part in that demonstrate something (not team-only)."""
    from heard.sessions.models import Session

    ids = Session.objects.filter(participants__stakeholder=stakeholder, product__workspace_id=stakeholder.workspace_id,
                                 demonstrations__isnull=False).exclude(confidentiality=TEAM_ONLY).values("pk")
    return Session.objects.filter(pk__in=ids).select_related("product").order_by("-starts_at", "-pk")


def get_my_demo(stakeholder, pk):
    found = my_demos(stakeholder).filter(pk=as_id(pk) or -1).first()
    if found is None:
        raise _missing("Demo")
    return found


def get_my_demonstration(stakeholder, pk) -> Demonstration:
    found = Demonstration.objects.select_related("session__product__workspace", "criterion__item").filter(
        pk=as_id(pk) or -1, session__in=my_demos(stakeholder)).first()
    if found is None:
        raise _missing("Demonstrated criterion")
    return found


def my_board(stakeholder, session) -> list[dict]:
    """The portal's demo page: per item its criteria with the person's own verdict (or None)."""
    shown = list(session.demonstrations.select_related("criterion__item").order_by("criterion__item_id", "position", "id"))
    mine = {v.demonstration_id: v for v in DemoVerdict.objects.filter(stakeholder=stakeholder, demonstration__session=session)}
    signed = set(SignOff.objects.filter(stakeholder=stakeholder, backlog_item_id__in={d.criterion.item_id for d in shown}).values_list("backlog_item_id", flat=True))
    items: dict[int, dict] = {}
    for d in shown:
        entry = items.setdefault(d.criterion.item_id, {"item": d.criterion.item, "rows": [], "signed_off": d.criterion.item_id in signed})
        entry["rows"].append({"demonstration": d, "verdict": mine.get(d.pk)})
    return list(items.values())


def my_open_verdicts(stakeholder) -> list[dict]:
    """For the portal's overview: each of their demos with how many criteria wait for their verdict."""
    out = []
    for session in my_demos(stakeholder)[:20]:
        total = session.demonstrations.count()
        given = DemoVerdict.objects.filter(stakeholder=stakeholder, demonstration__session=session).count()
        out.append({"session": session, "total": total, "given": given, "open": total - given})
    return out
