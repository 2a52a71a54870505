"""Anti-pattern detection: each rule names what fired, the evidence and what to do.

Flags are recomputed by ``rollups.refresh`` for the sessions of the recounted weeks (and
those whose grace period ran out since), for the series they belong to, and product-wide
for proxy-only items and decisions. Pages read ``Flag`` rows; nothing here runs per view.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta

from django.urls import reverse

from .models import Flag, Rule, SessionOutcome
from .weeks import _spans, day_start

RITUAL_OCCURRENCES = 3  # a series whose last 3 occurrences changed nothing is a ritual
MATURING_DAYS = 21  # re-check sessions whose grace period ran out this recently


def _session_url(product, session_id) -> str:
    return reverse("sessions:detail", kwargs={"ws": product.workspace.slug, "product": product.slug, "pk": session_id})


def _replace(product, rule: str, object_type: str, object_ids, new: list[Flag]) -> None:
    ids = [str(i) for i in object_ids]
    for start in range(0, len(ids), 500):
        Flag.objects.filter(product=product, rule=rule, object_type=object_type, object_id__in=ids[start : start + 500]).delete()
    Flag.objects.bulk_create(new, batch_size=1000)


def _affected_sessions(product, weeks, now: datetime, grace: timedelta) -> list[int]:
    from heard.sessions.models import Session

    ids = set(Session.objects.filter(product=product, ends_at__gt=now - grace - timedelta(days=MATURING_DAYS), ends_at__lte=now - grace)
              .values_list("id", flat=True))
    for first, length in _spans(weeks, longest=10_000):
        start, end = day_start(first), day_start(first + timedelta(weeks=length))
        ids |= set(Session.objects.filter(product=product, starts_at__gte=start, starts_at__lt=end).values_list("id", flat=True))
    return sorted(ids)


def theatre_flags(product, session_ids, *, now: datetime, grace: timedelta) -> list[Flag]:
    """Listening as theatre: a session that ended at least the engagement model's
    "considered within" days ago, had feedback, and none of it changed anything."""
    from heard.sessions.models import Session

    flags = []
    for start in range(0, len(session_ids), 500):
        part = session_ids[start : start + 500]
        rows = SessionOutcome.objects.filter(session_id__in=part, feedback_count__gt=0, changed=False, ends_at__lte=now - grace)
        titles = dict(Session.objects.filter(pk__in=[r.session_id for r in rows]).values_list("pk", "title"))
        for r in rows:
            flags.append(_theatre_flag(product, r.session_id, r.feedback_count, r.ends_at, titles.get(r.session_id, ""), now=now, grace=grace))
    return flags


def _theatre_flag(product, session_id, feedback_count, ends_at, title, *, now: datetime, grace: timedelta) -> Flag:
    return Flag(
        product=product, rule=Rule.THEATRE, object_type="session", object_id=str(session_id), title=title,
        evidence=(f"{feedback_count} feedback item{'s' if feedback_count != 1 else ''} recorded; {grace.days} days after the "
                  "session none has a Planned or Already done disposition, a link to the backlog, or is evidence in a decision."),
        advice=("Give each item a disposition, link what matters to the backlog or a decision, or tell the participants why "
                "nothing changes. If this keeps happening, sharpen the session's objectives or invite different people."),
        at=ends_at, detected_at=now,
    )


def agenda_flags(product, session_ids, *, now: datetime) -> list[Flag]:
    """Agendas without outcomes: agenda items that serve neither an objective nor a decision."""
    from heard.sessions.models import AgendaItem

    loose: dict[int, list] = defaultdict(list)
    starts = {}
    for start in range(0, len(session_ids), 500):
        for sid, title, session_title, starts_at in AgendaItem.objects.filter(
            session_id__in=session_ids[start : start + 500], objective__isnull=True, decision__isnull=True
        ).values_list("session_id", "title", "session__title", "session__starts_at"):
            loose[sid].append(title)
            starts[sid] = (session_title, starts_at)
    return [
        Flag(product=product, rule=Rule.AGENDA_WITHOUT_OUTCOME, object_type="session", object_id=str(sid), title=starts[sid][0],
             evidence=f"{len(titles)} agenda item{'s' if len(titles) != 1 else ''} serve no objective or decision: " + "; ".join(f"“{t}”" for t in titles[:5]),
             advice="Point each agenda item at an objective or a decision, or drop it; an item with no outcome takes participants' time for nothing.",
             at=starts[sid][1], detected_at=now)
        for sid, titles in loose.items()
    ]


def ritual_flags(product, series_keys, *, now: datetime, grace: timedelta) -> list[Flag]:
    """Rituals without influence: a recurring session whose last occurrences changed nothing."""
    by_key: dict[str, list] = defaultdict(list)
    keys = sorted(series_keys)
    for start in range(0, len(keys), 500):
        for row in (SessionOutcome.objects.filter(product=product, series_key__in=keys[start : start + 500], ends_at__lte=now - grace)
                    .order_by("series_key", "-ends_at").values_list("series_key", "session_id", "ends_at", "changed", "session__title")):
            if len(by_key[row[0]]) < RITUAL_OCCURRENCES:
                by_key[row[0]].append(row)
    flags = []
    for key, rows in by_key.items():
        if len(rows) < RITUAL_OCCURRENCES or any(r[3] for r in rows):
            continue
        flags.append(Flag(
            product=product, rule=Rule.RITUAL, object_type="series", object_id=key, title=rows[0][4],
            evidence=(f"The last {len(rows)} occurrences ({', '.join(r[2].date().isoformat() for r in reversed(rows))}) led to no change: "
                      "no feedback from them was planned or done, linked to the backlog, or used as decision evidence."),
            advice="Prune this recurring session, meet less often, or change who takes part and what it must find out.",
            at=rows[0][2], detected_at=now,
        ))
    return flags


def proxy_flags(product, *, now: datetime) -> list[Flag]:
    """Proxy-only input: a backlog item or decision whose only customer evidence came from
    internal proxies (or from nobody in particular)."""
    from heard.backlog.models import BacklogItem
    from heard.decisions.models import Decision, DecisionEvidence
    from heard.feedback.models import FeedbackLink

    items: dict[int, list[int]] = defaultdict(lambda: [0, 0])  # [customer, proxy]
    for item_id, is_proxy in FeedbackLink.objects.filter(backlog_item__product=product).values_list("backlog_item_id", "feedback__is_proxy"):
        items[item_id][1 if is_proxy else 0] += 1
    for item_id, is_proxy in FeedbackLink.objects.filter(criterion__item__product=product).values_list("criterion__item_id", "feedback__is_proxy"):
        items[item_id][1 if is_proxy else 0] += 1
    decisions: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for decision_id, kind, fb_proxy, requester_id, requester_kind in DecisionEvidence.objects.filter(decision__product=product).exclude(kind="backlog_item").values_list(
        "decision_id", "kind", "feedback__is_proxy", "ticket__requester_id", "ticket__requester__kind"
    ):
        if kind == "program":
            proxy = False  # a program's results are measured on its customer participants
        else:
            proxy = fb_proxy if kind == "feedback" else (requester_id is None or requester_kind == "internal_proxy")
        decisions[decision_id][1 if proxy else 0] += 1
    flags = []
    only_items = [i for i, (customer, proxy) in items.items() if proxy and not customer]
    for item in BacklogItem.objects.filter(pk__in=only_items):
        n = items[item.pk][1]
        flags.append(Flag(product=product, rule=Rule.PROXY_ONLY, object_type="backlog_item", object_id=str(item.pk), title=str(item),
                          evidence=f"All {n} linked feedback item{'s' if n != 1 else ''} came from internal proxies or had no stakeholder; no customer was heard on it.",
                          advice="Before committing, hear from the people it is for: invite them to a session, or ask for written comments in the portal.",
                          at=item.updated_at, detected_at=now))
    only_decisions = [i for i, (customer, proxy) in decisions.items() if proxy and not customer]
    for decision in Decision.objects.filter(pk__in=only_decisions):
        n = decisions[decision.pk][1]
        flags.append(Flag(product=product, rule=Rule.PROXY_ONLY, object_type="decision", object_id=str(decision.pk), title=decision.question,
                          evidence=f"All {n} piece{'s' if n != 1 else ''} of customer evidence came from internal proxies or from no one in particular.",
                          advice="Add evidence from the customers affected (feedback, tickets, a session) before deciding, or say in the rationale why none was possible.",
                          at=decision.decided_at or decision.created_at, detected_at=now))
    return flags


def _all_flags(product, *, now: datetime, grace: timedelta) -> None:
    """Every session's flags at once (a rebuild): whole-product queries and deletes instead
    of lists of ids."""
    from heard.sessions.models import AgendaItem

    theatre = []
    for sid, n, ends_at, title in (SessionOutcome.objects.filter(product=product, feedback_count__gt=0, changed=False, ends_at__lte=now - grace)
                                   .values_list("session_id", "feedback_count", "ends_at", "session__title").iterator(chunk_size=5000)):
        theatre.append(_theatre_flag(product, sid, n, ends_at, title, now=now, grace=grace))
    Flag.objects.filter(product=product, rule=Rule.THEATRE, object_type="session").delete()
    Flag.objects.bulk_create(theatre, batch_size=1000)
    loose_ids = list(AgendaItem.objects.filter(session__product=product, objective__isnull=True, decision__isnull=True)
                     .values_list("session_id", flat=True).distinct())
    Flag.objects.filter(product=product, rule=Rule.AGENDA_WITHOUT_OUTCOME, object_type="session").delete()
    Flag.objects.bulk_create(agenda_flags(product, sorted(loose_ids), now=now), batch_size=1000)
    keys = set(SessionOutcome.objects.filter(product=product).order_by().values_list("series_key", flat=True).distinct())
    _replace(product, Rule.RITUAL, "series", keys, ritual_flags(product, keys, now=now, grace=grace))


def refresh_flags(product, weeks, *, now: datetime, model, everything: bool = False) -> None:
    grace = timedelta(days=model.input_consideration_days)
    if everything:
        _all_flags(product, now=now, grace=grace)
        Flag.objects.filter(product=product, rule=Rule.PROXY_ONLY).delete()
        Flag.objects.bulk_create(proxy_flags(product, now=now), batch_size=1000)
        return
    sessions = _affected_sessions(product, weeks, now, grace)
    _replace(product, Rule.THEATRE, "session", sessions, theatre_flags(product, sessions, now=now, grace=grace))
    _replace(product, Rule.AGENDA_WITHOUT_OUTCOME, "session", sessions, agenda_flags(product, sessions, now=now))
    keys = set()
    for start in range(0, len(sessions), 500):
        keys |= set(SessionOutcome.objects.filter(session_id__in=sessions[start : start + 500]).values_list("series_key", flat=True))
    _replace(product, Rule.RITUAL, "series", keys, ritual_flags(product, keys, now=now, grace=grace))
    Flag.objects.filter(product=product, rule=Rule.PROXY_ONLY).delete()
    Flag.objects.bulk_create(proxy_flags(product, now=now), batch_size=1000)


# ---------------------------------------------------------------- last-minute sign-off

# Other apps add ways of being involved: ``fn(item, stakeholder, at) -> [phrases]`` (the
# demos app: a seat in a demo of the item that started before ``at``).
INVOLVEMENT_SOURCES: list = []


def involvement(item, stakeholder, *, at: datetime | None = None) -> list[str]:
    """How a stakeholder was involved with a backlog item before signing it off: feedback
    linked to it or its criteria, a seat in a session whose feedback is linked to it,
    co-writing one of its criteria, or what ``INVOLVEMENT_SOURCES`` find. Empty: never involved."""
    from django.db.models import Q

    from heard.feedback.models import FeedbackLink
    from heard.sessions.models import Participant

    ways = []
    links = FeedbackLink.objects.filter(Q(backlog_item=item) | Q(criterion__item=item))
    if links.filter(feedback__stakeholder=stakeholder).exists():
        ways.append("gave feedback linked to it")
    sessions = links.exclude(feedback__session__isnull=True).values("feedback__session_id")
    if Participant.objects.filter(stakeholder=stakeholder, session_id__in=sessions).exists():
        ways.append("took part in a session whose feedback shaped it")
    if item.criteria.filter(co_writers=stakeholder).exists():
        ways.append("co-wrote its acceptance criteria")
    for source in INVOLVEMENT_SOURCES:
        ways += source(item, stakeholder, at)
    return ways


def last_minute_sign_off(item, stakeholder, *, at: datetime) -> Flag | None:
    """The rule for sign-offs and demo verdicts (they arrive with a later issue, which calls
    this when one is recorded): a sign-off by someone never involved with the item before is
    flagged. Returns the saved flag, or None when they were involved."""
    if involvement(item, stakeholder, at=at):
        return None
    flag, _ = Flag.objects.update_or_create(
        product=item.product, rule=Rule.LAST_MINUTE_SIGN_OFF, object_type="backlog_item", object_id=str(item.pk),
        defaults={
            "title": str(item), "at": at,
            "evidence": f"{stakeholder.name} signed it off without any earlier involvement: no feedback on it, no session about it, "
                        "and not a co-writer of its acceptance criteria.",
            "advice": "Involve the people who will sign off from the start: invite them to refine the criteria or to the demo before the sign-off.",
        },
    )
    # The snapshot counts flags for the Health page: have the worker count this one.
    from .refresh_requests import request_refresh

    request_refresh(item.product_id)
    return flag
