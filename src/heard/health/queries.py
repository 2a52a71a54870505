"""Every read of health: the snapshot's figures, flags, drill-downs, representation per
segment, and rotation suggestions for a session. All scoped by the actor's workspace role;
none scans a large table (figures come from the snapshot, lists are paginated and indexed).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from django.db.models import Max, Q
from django.urls import reverse
from django.utils import timezone

from heard.core import permissions
from heard.core.errors import HeardError

from .figures import BY_KEY, FIGURES
from .links import flag_url  # noqa: F401
from .models import Flag, HealthSnapshot, Rule

NOT_RECENTLY = timedelta(days=90)


# ---------------------------------------------------------------- figures

def snapshot(actor, product, *, series: bool = True) -> dict:
    """The product's figures as stored by the last refresh (see ``snapshot.compute`` for the
    shape), plus ``state``: "ready", "refreshing" (pending writes wait for the worker) or
    "counting" (never counted yet; a count was asked for). ``series=False`` reads the small
    page part instead (no weekly or monthly series; with ``flag_counts`` and ``recent_flags``)."""
    permissions.require(actor, product.workspace, "workspace.view")
    field = "figures" if series else "page"
    snap = HealthSnapshot.objects.filter(product=product).only(field, "computed_at").first()
    if snap is None or snap.computed_at is None or not getattr(snap, field):
        from .rollups import mark_span, waiting

        if not waiting(product.pk):
            mark_span(product.pk)
        return {"state": "counting", "figures": {}, "segments": [], "top_voices": [], "over_cap": [],
                "flag_counts": {rule: 0 for rule in Rule.values}, "recent_flags": []}
    data = dict(getattr(snap, field))
    from .rollups import waiting

    data["state"] = "refreshing" if waiting(product.pk) else "ready"
    return data


def figure(actor, product, key: str) -> dict:
    """One figure of the snapshot, or not_found (field "figure")."""
    if key not in BY_KEY:
        raise HeardError("not_found", f"Unknown figure “{key}”; choose one of: {', '.join(f.key for f in FIGURES)}.", "figure")
    data = snapshot(actor, product)
    found = data["figures"].get(key)
    if found is None:
        raise HeardError("not_ready", "The figures are still being counted; try again in a minute.", "figure")
    return {**found, "definition": definition(key), "window": data.get("window"), "computed_at": data.get("computed_at")}


def definition(key: str) -> dict:
    f = BY_KEY[key]
    return {"numerator": f.numerator, "denominator": f.denominator, "window": "the last 13 weeks, this week included; trend against the 13 weeks before",
            "counts": f.counts, "drill": f.drill}


def groups(data: dict) -> list[tuple[str, list[dict]]]:
    """The snapshot's figures grouped as docs/health.md groups them, in FIGURES order."""
    out: list[tuple[str, list[dict]]] = []
    for f in FIGURES:
        item = data.get("figures", {}).get(f.key)
        if item is None:
            continue
        if not out or out[-1][0] != f.group:
            out.append((f.group, []))
        out[-1][1].append(item)
    return out


def series(actor, product, key: str, period: str = "weekly") -> list[tuple[str, float | None]]:
    if period not in ("weekly", "monthly"):
        raise HeardError("invalid", "Period is weekly or monthly.", "period")
    return [tuple(p) for p in figure(actor, product, key)[period]]


# ---------------------------------------------------------------- flags

def flags(actor, product, rule: str = ""):
    permissions.require(actor, product.workspace, "workspace.view")
    qs = Flag.objects.filter(product=product)
    if rule:
        if rule not in Rule.values:
            raise HeardError("invalid", f"Unknown rule “{rule}”; choose one of: {', '.join(Rule.values)}.", "rule")
        qs = qs.filter(rule=rule)
    return qs


def flag_counts(actor, product) -> dict[str, int]:
    from django.db.models import Count

    counts = dict(flags(actor, product).values("rule").annotate(n=Count("id")).values_list("rule", "n"))
    return {rule: counts.get(rule, 0) for rule in Rule.values}


def flags_for(obj) -> list[Flag]:
    """The flags on one session, backlog item or decision (its page shows them)."""
    object_type = {"Session": "session", "BacklogItem": "backlog_item", "Decision": "decision"}[type(obj).__name__]
    found = list(Flag.objects.filter(object_type=object_type, object_id=str(obj.pk), product_id=obj.product_id))
    if object_type == "session":
        outcome = getattr(obj, "health_outcome", None) if hasattr(obj, "health_outcome") else None
        if outcome is not None:
            found += list(Flag.objects.filter(product_id=obj.product_id, rule=Rule.RITUAL, object_type="series", object_id=outcome.series_key))
    return found


# ---------------------------------------------------------------- drill-down

@dataclass
class Drill:
    """The items behind a figure: a heading, column names and rows of (cells, url)."""

    title: str
    columns: list[str]
    rows: list[tuple[list, str]] = field(default_factory=list)
    total: int = 0
    note: str = ""


def _window_start(now):
    from .weeks import day_start, week_of

    return day_start(week_of(now) - timedelta(weeks=12))


def drill(actor, product, key: str, *, limit: int = 50) -> Drill:
    """What stands behind figure ``key`` over the current window, newest or worst first."""
    from heard.feedback.models import Feedback

    data = figure(actor, product, key)
    now = timezone.now()
    start = _window_start(now)
    kw = {"ws": product.workspace.slug, "product": product.slug}

    def feedback_rows(qs, title, note=""):
        total = qs.count()
        rows = [([f.said_at.date().isoformat(), f.stakeholder.name if f.stakeholder_id else "(no stakeholder)", f.text[:120], f.get_disposition_display()],
                 reverse("feedback:detail", kwargs={**kw, "pk": f.pk})) for f in qs.select_related("stakeholder")[:limit]]
        return Drill(title, ["Said", "Who", "What", "Disposition"], rows, total, note)

    in_window = Feedback.objects.filter(product=product, said_at__gte=start, is_merge=False)
    if key in ("top_decile_share", "gini"):
        people = data_snapshot(product).get("top_voices", [])
        return Drill("Who gave the most input", ["Stakeholder", "Feedback items"],
                     [([p["name"], int(p["count"])], reverse("stakeholders:detail", kwargs={"ws": product.workspace.slug, "pk": p["stakeholder_id"]})) for p in people],
                     len(people))
    if key == "fatigue":
        people = data_snapshot(product).get("over_cap", [])
        return Drill("Stakeholders over the invitation cap", ["Stakeholder", "Invitations in 13 weeks"],
                     [([p["name"], int(p["count"])], reverse("stakeholders:detail", kwargs={"ws": product.workspace.slug, "pk": p["stakeholder_id"]})) for p in people],
                     len(people))
    if key in ("voice_gap", "seat_gap"):
        segs = [s for s in data_snapshot(product).get("segments", []) if s.get("target") is not None]
        share = "voice_share" if key == "voice_gap" else "seat_share"
        segs.sort(key=lambda s: (s[share] or 0) - s["target"])
        return Drill("Segments against their target", ["Segment", "Share", "Target", "Over (+) or under (−), points"],
                     [([s["name"], _pct(s[share]), _pct(s["target"]), _points((s[share] or 0) - s["target"])],
                       reverse("stakeholders:list", kwargs={"ws": product.workspace.slug}) + f"?segment={s['slug']}") for s in segs], len(segs))
    if key == "latency_disposition":
        due = now - timedelta(days=data["parts"].get("promise_days") or 10)
        return feedback_rows(in_window.filter(disposition="new", said_at__lt=due).order_by("said_at", "id"),
                             "Feedback past the promise without a disposition", "Oldest first.")
    if key == "latency_decision":
        return feedback_rows(in_window.filter(decision_evidence__isnull=False).distinct().order_by("-said_at"), "Feedback used as decision evidence")
    if key == "latency_closure":
        return feedback_rows(in_window.filter(closure_notes__status="sent").distinct().order_by("-said_at"), "Feedback reported in sent closure notes")
    if key == "kinds_heard":
        by_kind = data["parts"].get("by_kind", {})
        from heard.stakeholders.models import StakeholderKind

        return Drill("Feedback per kind of stakeholder", ["Kind", "Feedback items"],
                     [([StakeholderKind(k).label, int(n)], reverse("stakeholders:list", kwargs={"ws": product.workspace.slug}) + f"?kind={k}") for k, n in by_kind.items()], len(by_kind))
    if key == "proxy_share":
        items = list(flags(actor, product, Rule.PROXY_ONLY).filter(object_type="backlog_item")[:limit])
        qs = in_window.filter(is_proxy=True).order_by("-said_at")
        result = feedback_rows(qs, "Feedback from internal proxies", f"{len(items)} backlog item(s) rest only on proxy input: see the flags.")
        result.rows = [([f.at.date().isoformat(), "Backlog item", f.title, "proxy-only"], flag_url(f)) for f in items] + result.rows
        return result
    if key in ("superseded_share",):
        from heard.decisions.models import Decision

        qs = Decision.objects.filter(product=product, superseded_by__isnull=False, decided_at__gte=start).distinct().order_by("-decided_at")
        return Drill("Superseded decisions", ["Decided", "Question", "Status"],
                     [([d.decided_at.date().isoformat(), d.question, d.get_status_display()], reverse("decisions:detail", kwargs={**kw, "pk": d.pk})) for d in qs[:limit]], qs.count())
    if key == "criteria_after_sign_off":
        from heard.backlog.models import BacklogItem

        from .rollups import changed_after_judgement

        found = list(reversed(changed_after_judgement(product, start, now + timedelta(days=1))))
        titles = {i.pk: str(i) for i in BacklogItem.objects.filter(pk__in={item_id for _, item_id, _ in found[:limit]})}
        return Drill("Acceptance criteria changed after a verdict or sign-off", ["When", "Item"],
                     [([at.date().isoformat(), titles.get(item_id, "")], reverse("backlog:detail", kwargs={**kw, "pk": item_id})) for _, item_id, at in found[:limit]], len(found))
    if key == "reopened_share":
        from .models import BacklogEvent

        qs = BacklogEvent.objects.filter(product=product, kind="reopened", at__gte=start).select_related("backlog_item").order_by("-at")
        return Drill("Items reopened after release", ["When", "Item"],
                     [([e.at.date().isoformat(), str(e.backlog_item)], reverse("backlog:detail", kwargs={**kw, "pk": e.backlog_item_id})) for e in qs[:limit]], qs.count())
    if key in ("closure_reach", "notes_opened", "notes_acknowledged"):
        from heard.closure.models import ClosureCycle

        qs = ClosureCycle.objects.filter(product=product, ends_on__gte=start.date()).order_by("-ends_on")
        return Drill("Closure cycles ending in the window", ["Cycle", "Ends", "Status"],
                     [([c.name, c.ends_on.isoformat(), c.get_status_display()], reverse("closure:cycle", kwargs={**kw, "pk": c.pk})) for c in qs[:limit]], qs.count())
    if key == "pre_read_punctuality":
        from heard.sessions.models import PreRead

        lead = timedelta(days=data_snapshot(product).get("lead_days") or 2)
        late = [p for p in PreRead.objects.filter(session__product=product, session__starts_at__gte=start, session__starts_at__lte=now)
                .select_related("session").order_by("-session__starts_at")[:500]
                if p.shared_at is None or p.shared_at > p.session.starts_at - lead]
        return Drill("Late pre-reads", ["Session starts", "Pre-read", "Shared"],
                     [([p.session.starts_at.date().isoformat(), p.title, p.shared_at.date().isoformat() if p.shared_at else "never"],
                       reverse("sessions:detail", kwargs={**kw, "pk": p.session_id})) for p in late[:limit]], len(late))
    # sessions_changed
    qs = flags(actor, product, Rule.THEATRE)
    return Drill("Sessions whose feedback changed nothing", ["Session ended", "Session", "Evidence"],
                 [([f.at.date().isoformat(), f.title, f.evidence], flag_url(f)) for f in qs[:limit]], qs.count())


def data_snapshot(product) -> dict:
    snap = HealthSnapshot.objects.filter(product=product).first()
    return snap.figures if snap else {}


def _pct(v) -> str:
    return "–" if v is None else f"{v:.1f} %"


def _points(v) -> str:
    return "–" if v is None else f"{v:+.1f}"


# ---------------------------------------------------------------- representation

def representation(actor, workspace) -> list[dict]:
    """Per product, the share of voice and of seats of each segment against its target
    (from the snapshots), for the segments page."""
    permissions.require(actor, workspace, "workspace.view")
    out = []
    for snap in HealthSnapshot.objects.filter(product__workspace=workspace, computed_at__isnull=False).select_related("product").order_by("product__name"):
        out.append({"product": snap.product, "segments": snap.figures.get("segments", []), "computed_at": snap.computed_at})
    return out


# ---------------------------------------------------------------- rotation

@dataclass
class Suggestion:
    stakeholder: object
    reason: str


@dataclass
class Rotation:
    """Who to ask next for a session: people over-used (consider swapping them out) and
    people from segments below their seat target who were never or not recently invited."""

    over_used: list[Suggestion]
    invite: list[Suggestion]
    under_segments: list[dict]


def rotation_suggestions(actor, session, *, per_segment: int = 3) -> Rotation:
    """Suggestions that respect contact consent (only people who consent to be contacted)
    and the engagement model's invitation cap per quarter."""
    from heard.sessions.actions import invitations_this_quarter
    from heard.sessions.models import Participant
    from heard.stakeholders.models import Stakeholder

    product = session.product
    permissions.require(actor, product.workspace, "workspace.view")
    from .weeks import engagement

    cap = engagement(product).invitations_per_quarter
    over = []
    for p in Participant.objects.filter(session=session, stakeholder__isnull=False).select_related("stakeholder"):
        n = invitations_this_quarter(p.stakeholder, product, session.starts_at)
        if n > cap:
            over.append(Suggestion(p.stakeholder, f"invited to {n} sessions this quarter (cap {cap})"))
    segments = [s for s in data_snapshot(product).get("segments", []) if s.get("target") is not None and (s.get("seat_share") or 0) < s["target"]]
    segments.sort(key=lambda s: (s.get("seat_share") or 0) - s["target"])
    invite = []
    taken = set(Participant.objects.filter(session=session, stakeholder__isnull=False).values_list("stakeholder_id", flat=True))
    for seg in segments:
        candidates = (
            Stakeholder.objects.filter(workspace=product.workspace, segments__pk=seg["id"], erased_at__isnull=True,
                                       consents__purpose="contact", consents__withdrawn_at__isnull=True)
            .exclude(pk__in=taken)
            .annotate(last_invited=Max("session_participations__session__starts_at", filter=Q(session_participations__session__product=product)))
            .filter(Q(last_invited__isnull=True) | Q(last_invited__lt=session.starts_at - NOT_RECENTLY))
            .order_by("last_invited", "name")
            .distinct()
        )
        found = 0
        for person in candidates[: per_segment * 4]:
            if invitations_this_quarter(person, product, session.starts_at) >= cap:
                continue
            when = "never invited" if person.last_invited is None else f"last invited {person.last_invited.date().isoformat()}"
            share = seg.get("seat_share") or 0
            invite.append(Suggestion(person, f"{seg['name']}: {share:.0f} % of seats against a {seg['target']:.0f} % target; {when}"))
            taken.add(person.pk)
            found += 1
            if found >= per_segment:
                break
    return Rotation(over, invite, segments)
