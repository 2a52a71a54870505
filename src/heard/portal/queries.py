"""Everything a stakeholder may read in the portal, and nothing else.

Every function takes the signed-in stakeholder and starts from what belongs to them; a
``get_*`` for something outside that set raises not_found (never forbidden, so the portal
does not confirm that another person's item exists). Team-only things never appear: who
recorded or disposed an item, team-only sessions, unshared backlog titles, other people's
input or comments.
"""

from __future__ import annotations

from django.db.models import Q

from heard.closure.drafting import outcome_of
from heard.closure.models import ClosureNote, EnablementDelivery, ProductShare, SharedGoal
from heard.core.errors import HeardError

TEAM_ONLY = "team"


def _missing(what: str) -> HeardError:
    return HeardError("not_found", f"{what} was not found.")


def _pk(raw) -> int:
    try:
        return int(raw)
    except (TypeError, ValueError):
        return -1


# ---------------------------------------------------------------- feedback

def my_feedback(stakeholder):
    from heard.feedback.models import Feedback

    return (Feedback.objects.filter(stakeholder=stakeholder, is_merge=False, product__workspace_id=stakeholder.workspace_id)
            .select_related("product", "merged_into").order_by("-said_at", "-id"))


def get_my_feedback(stakeholder, pk):
    found = my_feedback(stakeholder).filter(pk=_pk(pk)).prefetch_related(
        "disposition_history", "links__backlog_item__shared_goal", "links__criterion__item__shared_goal",
        "merged_into__disposition_history", "merged_into__links__backlog_item__shared_goal", "merged_into__links__criterion__item__shared_goal",
    ).first()
    if found is None:
        raise _missing("Feedback")
    return found


def trace(feedback) -> dict:
    """What became of one item: its outcome, the history of its disposition (without who on
    the team set it) and what it influenced (shared titles only)."""
    effective = feedback.merged_into or feedback
    history = [{"status": d.get_status_display(), "increment": d.increment, "reason": d.reason, "at": d.at}
               for d in sorted(effective.disposition_history.all(), key=lambda d: (d.at, d.id))]
    influenced = []
    for link in effective.links.all():
        item = link.criterion.item if link.criterion_id else link.backlog_item
        shared = hasattr(item, "shared_goal")
        influenced.append({
            "title": item.title if shared else "A piece of planned work (not shared by the team)",
            "status": item.get_status_display(), "increment": item.increment,
            "criterion": bool(link.criterion_id),
        })
    return {"outcome": outcome_of(feedback), "history": history, "influenced": influenced, "merged": feedback.merged_into_id is not None}


# ---------------------------------------------------------------- notes

def my_notes(stakeholder):
    return (ClosureNote.objects.filter(stakeholder=stakeholder, published_at__isnull=False)
            .select_related("cycle__product").order_by("-published_at", "-id"))


def get_my_note(stakeholder, pk):
    found = my_notes(stakeholder).filter(pk=_pk(pk)).first()
    if found is None:
        raise _missing("Note")
    return found


def my_enablement(stakeholder):
    return (EnablementDelivery.objects.filter(stakeholder=stakeholder)
            .select_related("note__backlog_item__product").order_by("-published_at", "-id"))


def get_my_enablement(stakeholder, pk):
    found = my_enablement(stakeholder).filter(pk=_pk(pk)).first()
    if found is None:
        raise _missing("Note")
    return found


# ---------------------------------------------------------------- what the team shares

def products(stakeholder):
    return stakeholder.workspace.products.active().order_by("name")


def get_product(stakeholder, pk):
    found = products(stakeholder).filter(pk=_pk(pk)).first()
    if found is None:
        raise _missing("Product")
    return found


def goals(stakeholder) -> list[dict]:
    """Shared increment goals per product: [{product, increments: [(increment, [titles])]}]."""
    rows = (SharedGoal.objects.filter(backlog_item__product__workspace_id=stakeholder.workspace_id)
            .select_related("backlog_item__product").order_by("backlog_item__product__name", "backlog_item__increment", "backlog_item__title"))
    out: dict[int, dict] = {}
    for goal in rows:
        item = goal.backlog_item
        entry = out.setdefault(item.product_id, {"product": item.product, "increments": {}})
        entry["increments"].setdefault(item.increment or "Not yet planned", []).append(
            {"title": item.title, "status": item.get_status_display(), "increment": item.increment})
    return [{"product": e["product"], "increments": list(e["increments"].items())} for e in out.values()]


def figures(stakeholder):
    return ProductShare.objects.filter(product__workspace_id=stakeholder.workspace_id).select_related("product").order_by("product__name", "position", "id")


# ---------------------------------------------------------------- invitations to comment

def open_pre_reads(stakeholder):
    """Shared pre-reads of sessions they take part in, unless the session is team-only."""
    from heard.sessions.models import PreRead

    return (PreRead.objects.filter(session__participants__stakeholder=stakeholder, shared_at__isnull=False,
                                   session__product__workspace_id=stakeholder.workspace_id)
            .exclude(session__confidentiality=TEAM_ONLY).select_related("session__product").distinct().order_by("-shared_at", "-id"))


def get_pre_read(stakeholder, pk):
    found = open_pre_reads(stakeholder).filter(pk=_pk(pk)).first()
    if found is None:
        raise _missing("Pre-read")
    return found


def open_criteria(stakeholder):
    """Draft acceptance criteria they co-wrote, or of items (or criteria) their feedback shaped."""
    from heard.backlog.models import AcceptanceCriterion

    mine = Q(co_writers=stakeholder) | Q(feedback_links__feedback__stakeholder=stakeholder) | Q(item__feedback_links__feedback__stakeholder=stakeholder)
    ids = AcceptanceCriterion.objects.filter(mine, status="draft", item__product__workspace_id=stakeholder.workspace_id).values("pk")
    return AcceptanceCriterion.objects.filter(pk__in=ids).select_related("item__product").order_by("item__product__name", "item_id", "position", "id")


def get_criterion(stakeholder, pk):
    found = open_criteria(stakeholder).filter(pk=_pk(pk)).first()
    if found is None:
        raise _missing("Acceptance criterion")
    return found


def _decision_queries():
    try:
        from heard.decisions import queries
    except ImportError:
        return None
    return queries if hasattr(queries, "open_for_comment") else None


def open_decisions(stakeholder) -> list:
    """Decisions open for their comment, as the decisions app defines it (never confidential ones)."""
    queries = _decision_queries()
    if queries is None:
        return []
    return list(queries.open_for_comment(stakeholder))


def get_decision(stakeholder, pk):
    found = next((d for d in open_decisions(stakeholder) if d.pk == _pk(pk)), None)
    if found is None:
        raise _missing("Decision")
    return found


def my_replies_to_note(stakeholder, note):
    """The person's replies to their own note: the feedback items they are."""
    from heard.feedback.models import Feedback

    return Feedback.objects.filter(note_reply__note=note, stakeholder=stakeholder).order_by("created_at", "id")


def my_comments_on_pre_read(stakeholder, pre_read):
    return pre_read.comments.filter(author_stakeholder=stakeholder).order_by("created_at", "id")


def my_comments_on_criterion(stakeholder, criterion):
    """Their comments on a criterion: the feedback they gave through the portal, linked to it."""
    from heard.feedback.models import Feedback

    return Feedback.objects.filter(stakeholder=stakeholder, links__criterion=criterion).order_by("said_at", "id")


def my_comments_on_decision(stakeholder, decision):
    return decision.comments.filter(author_stakeholder=stakeholder).order_by("created_at", "pk")


def invitations(stakeholder) -> dict:
    return {
        "pre_reads": list(open_pre_reads(stakeholder)),
        "criteria": list(open_criteria(stakeholder)),
        "decisions": open_decisions(stakeholder),
    }
