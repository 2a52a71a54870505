"""Build a product's health snapshot from its week rows: every figure's current value
(the last 13 weeks, this week included), the value of the 13 weeks before (the trend), a
weekly series over 26 weeks and a monthly series over 24 months (a week counts in the month
its Monday falls in), and representation per segment.
"""

from __future__ import annotations

import math
from collections import defaultdict
from datetime import date, datetime, timedelta

import numpy as np
from django.utils import timezone

from .figures import BY_KEY, FIGURES
from .models import HealthSnapshot, WeekCount, WeekPeople
from .weeks import CUSTOMER_KINDS, week_of

WINDOW = 13
WEEKS = 26
MONTHS = 24
HISTORY = 118  # weeks of rows read: 24 months plus a 13-week look-back for fatigue
PER_PERSON = ("voice", "seat")


# ---------------------------------------------------------------- statistics (NumPy)

def gini(values) -> float | None:
    """Gini coefficient of non-negative amounts (0 equal, towards 1 concentrated)."""
    x = np.sort(np.asarray([v for v in values if v > 0], dtype=float))
    n = x.size
    if n == 0:
        return None
    ranks = np.arange(1, n + 1)
    return float(2.0 * np.dot(ranks, x) / (n * x.sum()) - (n + 1.0) / n)


def top_decile_share(values) -> float | None:
    """Percent of the total held by the top 10 % (rounded up) of the positive amounts."""
    x = np.sort(np.asarray([v for v in values if v > 0], dtype=float))[::-1]
    if x.size == 0:
        return None
    k = math.ceil(x.size / 10)
    return float(100.0 * x[:k].sum() / x.sum())


def percentile(histogram: dict[int, float], q: float) -> float | None:
    """The q-th percentile of bucketed days (the bucket's value; the inverted CDF, so it is
    always a value that occurs)."""
    if not histogram:
        return None
    buckets = np.array(sorted(histogram), dtype=float)
    counts = np.array([histogram[b] for b in sorted(histogram)], dtype=int)
    if counts.sum() == 0:
        return None
    return float(np.percentile(np.repeat(buckets, counts), q, method="inverted_cdf"))


def _ratio(num: float, den: float) -> float | None:
    return 100.0 * num / den if den else None


# ---------------------------------------------------------------- the rows

class Rows:
    """The week rows of one product, indexed for the sums figures need."""

    def __init__(self, product, first: date, last: date):
        self.agg: dict[tuple[str, str], dict[date, float]] = defaultdict(dict)
        self.dims: dict[str, set[str]] = defaultdict(set)
        qs = WeekCount.objects.filter(product=product, week__gte=first)
        for metric, dim, week, value in qs.values_list("metric", "dim", "week", "value"):
            self.agg[metric, dim][week] = value
            self.dims[metric].add(dim)
        self.person_index: dict[str, dict[str, int]] = {}
        self.person: dict[str, np.ndarray] = {}
        self.first = first
        self.n_weeks = (last - first).days // 7 + 1
        for metric in PER_PERSON:
            weeks = list(WeekPeople.objects.filter(product=product, metric=metric, week__gte=first, week__lte=last).values_list("week", "counts"))
            index: dict[str, int] = {}
            for _, counts in weeks:
                for key in counts:
                    index.setdefault(key, len(index))
            matrix = np.zeros((self.n_weeks, max(len(index), 1)))
            for week, counts in weeks:
                if counts:
                    cols = np.fromiter((index[k] for k in counts), dtype=np.int64, count=len(counts))
                    matrix[(week - first).days // 7, cols] = np.fromiter(counts.values(), dtype=float, count=len(counts))
            self.person_index[metric] = index
            self.person[metric] = matrix

    def total(self, metric: str, weeks, dim: str = "") -> float:
        series = self.agg.get((metric, dim), {})
        return sum(series.get(w, 0.0) for w in weeks)

    def histogram(self, metric: str, weeks) -> dict[int, float]:
        hist: dict[int, float] = {}
        for dim in self.dims.get(metric, ()):
            n = self.total(metric, weeks, dim)
            if n:
                hist[int(dim)] = n
        return hist

    def per_person(self, metric: str, weeks) -> np.ndarray:
        rows = [(w - self.first).days // 7 for w in weeks]
        rows = [r for r in rows if 0 <= r < self.n_weeks]
        if not rows:
            return np.zeros(0)
        return self.person[metric][rows].sum(axis=0)


# ---------------------------------------------------------------- figure values

class Context:
    def __init__(self, product, now: datetime, model, segments):
        self.product = product
        self.now = now
        self.promise = model.input_consideration_days
        self.cap = model.invitations_per_quarter
        self.lead = model.pre_read_lead_days
        self.segments = segments  # [(id, slug, name, target or None)]
        self.this_week = week_of(now)
        self.rows = Rows(product, self.this_week - timedelta(weeks=HISTORY - 1), self.this_week)


def _gap(ctx: Context, weeks, metric: str, den_metric: str) -> tuple[float | None, dict]:
    den = ctx.rows.total(den_metric, weeks)
    shares, worst = {}, None
    for sid, _slug, _name, target in ctx.segments:
        share = _ratio(ctx.rows.total(metric, weeks, str(sid)), den)
        shares[sid] = share
        if target is not None and den:
            short = max(0.0, target - (share or 0.0))
            worst = short if worst is None else max(worst, short)
    return (worst if den else None), {"shares": shares, "denominator": den}


def _latency(ctx: Context, weeks, metric: str) -> tuple[float | None, dict]:
    hist = ctx.rows.histogram(metric, weeks)
    parts = {"median": percentile(hist, 50), "p90": percentile(hist, 90), "items": sum(hist.values())}
    if metric == "lat_disp":
        due = [w for w in weeks if w + timedelta(days=7 + ctx.promise) <= ctx.now.date()]
        due_hist = ctx.rows.histogram(metric, due)
        parts["within_promise"] = _ratio(sum(n for b, n in due_hist.items() if b <= ctx.promise), ctx.rows.total("fb", due))
        parts["promise_days"] = ctx.promise
    return parts["median"], parts


def _fatigue(ctx: Context, end_week: date) -> tuple[float | None, dict]:
    weeks = [end_week - timedelta(weeks=n) for n in range(WINDOW)]
    seats = ctx.rows.per_person("seat", weeks)
    invited = seats[seats > 0]
    if invited.size == 0:
        return 0.0, {"mean": None, "invited": 0}
    return float((invited > ctx.cap).sum()), {"mean": float(invited.mean()), "max": float(invited.max()), "invited": int(invited.size), "cap": ctx.cap}


def value(ctx: Context, key: str, weeks: list[date]) -> tuple[float | None, dict]:
    """The value of figure ``key`` over ``weeks`` and its parts (what is shown beside it)."""
    r = ctx.rows
    if key == "voice_gap":
        return _gap(ctx, weeks, "fb_seg", "fb_known")
    if key == "seat_gap":
        return _gap(ctx, weeks, "seat_seg", "seats")
    if key in ("top_decile_share", "gini"):
        amounts = r.per_person("voice", weeks)
        fn = top_decile_share if key == "top_decile_share" else gini
        return fn(amounts), {"stakeholders": int((amounts > 0).sum())}
    if key == "kinds_heard":
        counts = {k: r.total("fb_kind", weeks, k) for k in CUSTOMER_KINDS}
        return float(sum(1 for n in counts.values() if n)), {"by_kind": counts}
    if key == "latency_disposition":
        return _latency(ctx, weeks, "lat_disp")
    if key == "latency_decision":
        return _latency(ctx, weeks, "lat_dec")
    if key == "latency_closure":
        return _latency(ctx, weeks, "lat_close")
    if key == "criteria_after_sign_off":
        return r.total("criteria_after_judgement", weeks), {"changed_criteria": r.total("criterion_changed", weeks)}
    if key == "fatigue":
        return _fatigue(ctx, max(weeks))
    num, den = RATIOS[key]
    n, d = r.total(num, weeks), r.total(den, weeks)
    return _ratio(n, d), {"numerator": n, "denominator": d}


RATIOS = {
    "superseded_share": ("superseded_90", "decided"),
    "reopened_share": ("reopened", "released"),
    "closure_reach": ("closure_reached", "closure_voices"),
    "notes_opened": ("notes_opened", "notes_sent"),
    "notes_acknowledged": ("notes_acked", "notes_sent"),
    "pre_read_punctuality": ("preread_on_time", "preread"),
    "proxy_share": ("fb_proxy", "fb"),
    "sessions_changed": ("sessions_changed", "sessions"),
}


# ---------------------------------------------------------------- trends and text

def _fmt(v: float | None, unit: str) -> str:
    if v is None:
        return "no data"
    if unit == "%":
        return f"{v:.1f} %"
    if unit == "points":
        return f"{v:.1f} points"
    if unit == "days":
        return f"{v:.0f} days"
    return f"{v:.2f}" if v != int(v) else f"{int(v)}"


def trend(current: float | None, previous: float | None, better: str) -> dict:
    """Arrow, change and verdict between two windows."""
    if current is None or previous is None:
        return {"change": None, "direction": "none", "arrow": "–", "verdict": ""}
    change = round(current - previous, 2)
    if abs(change) < 0.05:
        return {"change": 0.0, "direction": "flat", "arrow": "→", "verdict": "unchanged"}
    direction = "up" if change > 0 else "down"
    verdict = "" if not better else ("better" if direction == better else "worse")
    return {"change": change, "direction": direction, "arrow": "↑" if change > 0 else "↓", "verdict": verdict}


def summary(fig, current, previous, t: dict) -> str:
    text = f"{fig.title}: {_fmt(current, fig.unit)} over the last {WINDOW} weeks"
    if t["direction"] in ("up", "down"):
        change = _fmt(abs(t["change"]), "points" if fig.unit == "%" else fig.unit)
        text += f", {t['direction']} {change} from {_fmt(previous, fig.unit)} in the {WINDOW} weeks before"
        if t["verdict"]:
            text += f" ({t['verdict']})"
    elif t["direction"] == "flat":
        text += f", unchanged from the {WINDOW} weeks before"
    return text + "."


def _months(this_week: date) -> list[tuple[str, list[date]]]:
    """The last 24 months, oldest first, each with the weeks whose Monday falls in it."""
    y, m = this_week.year, this_week.month
    keys = []
    for _ in range(MONTHS):
        keys.append((y, m))
        y, m = (y - 1, 12) if m == 1 else (y, m - 1)
    keys.reverse()
    out = []
    for y, m in keys:
        first = date(y, m, 1)
        monday = first + timedelta(days=(7 - first.weekday()) % 7)
        weeks = []
        while monday.month == m and monday <= this_week:
            weeks.append(monday)
            monday += timedelta(weeks=1)
        out.append((f"{y:04d}-{m:02d}", weeks))
    return out


def _segments(product):
    from heard.stakeholders.models import Segment

    return [(s.pk, s.slug, s.name, float(s.target_share) if s.target_share is not None else None)
            for s in Segment.objects.filter(workspace_id=product.workspace_id).order_by("name")]


def compute(product, *, now: datetime, model) -> dict:
    """Every figure of the product as JSON-safe data (what the snapshot stores)."""
    ctx = Context(product, now, model, _segments(product))
    this = ctx.this_week
    window = [this - timedelta(weeks=n) for n in range(WINDOW)]
    before = [this - timedelta(weeks=WINDOW + n) for n in range(WINDOW)]
    weekly_weeks = [this - timedelta(weeks=n) for n in reversed(range(WEEKS))]
    months = _months(this)
    figures = {}
    for fig in FIGURES:
        current, parts = value(ctx, fig.key, window)
        previous, _ = value(ctx, fig.key, before)
        t = trend(current, previous, fig.better)
        weekly = [[w.isoformat(), value(ctx, fig.key, [w])[0]] for w in weekly_weeks]
        # Fatigue's monthly point looks at the 13 weeks ending with the month's last week.
        monthly = [[label, value(ctx, fig.key, weeks)[0] if weeks else None] for label, weeks in months]
        figures[fig.key] = {
            "key": fig.key, "group": fig.group, "title": fig.title, "unit": fig.unit, "better": fig.better,
            "value": current, "previous": previous, **t, "summary": summary(fig, current, previous, t),
            "parts": _json_parts(parts), "weekly": weekly, "monthly": monthly,
        }
    return {
        "computed_at": now.isoformat(),
        "window": {"first_week": min(window).isoformat(), "last_week": this.isoformat(), "weeks": WINDOW},
        "promise_days": ctx.promise, "cap": ctx.cap, "lead_days": ctx.lead,
        "figures": figures,
        "segments": _representation(ctx, window, before, weekly_weeks),
        "top_voices": _top(ctx, "voice", window, 20),
        "over_cap": [p for p in _top(ctx, "seat", window, 200) if p["count"] > ctx.cap],
    }


def _json_parts(parts: dict) -> dict:
    out = {}
    for k, v in parts.items():
        if isinstance(v, dict):
            out[k] = {str(a): b for a, b in v.items()}
        elif isinstance(v, (np.floating, np.integer)):
            out[k] = v.item()
        else:
            out[k] = v
    return out


def _representation(ctx: Context, window, before, weekly_weeks) -> list[dict]:
    r = ctx.rows
    fb, seats = r.total("fb_known", window), r.total("seats", window)
    fb_before, seats_before = r.total("fb_known", before), r.total("seats", before)
    out = []
    for sid, slug, name, target in ctx.segments:
        voice = _ratio(r.total("fb_seg", window, str(sid)), fb)
        seat = _ratio(r.total("seat_seg", window, str(sid)), seats)
        out.append({
            "id": sid, "slug": slug, "name": name, "target": target,
            "voice_share": voice, "seat_share": seat,
            "voice_before": _ratio(r.total("fb_seg", before, str(sid)), fb_before),
            "seat_before": _ratio(r.total("seat_seg", before, str(sid)), seats_before),
            "voice_gap": None if target is None or voice is None else voice - target,
            "seat_gap": None if target is None or seat is None else seat - target,
            "voice_items": r.total("fb_seg", window, str(sid)), "seats": r.total("seat_seg", window, str(sid)),
            "weekly_voice": [[w.isoformat(), _ratio(r.total("fb_seg", [w], str(sid)), r.total("fb_known", [w]))] for w in weekly_weeks],
            "weekly_seats": [[w.isoformat(), _ratio(r.total("seat_seg", [w], str(sid)), r.total("seats", [w]))] for w in weekly_weeks],
        })
    return out


def _top(ctx: Context, metric: str, window, limit: int) -> list[dict]:
    from heard.stakeholders.models import Stakeholder

    amounts = ctx.rows.per_person(metric, window)
    if amounts.size == 0:
        return []
    ids = {i: d for d, i in ctx.rows.person_index[metric].items()}
    order = [i for i in np.argsort(-amounts, kind="stable")[:limit] if amounts[i] > 0]
    people = dict(Stakeholder.objects.filter(pk__in=[int(ids[i]) for i in order]).values_list("pk", "name"))
    return [{"stakeholder_id": int(ids[i]), "name": people.get(int(ids[i]), "?"), "count": float(amounts[i])} for i in order]


def build(product, *, now: datetime | None = None, model=None) -> HealthSnapshot:
    from .weeks import engagement

    now = now or timezone.now()
    data = compute(product, now=now, model=model or engagement(product))
    snap, _ = HealthSnapshot.objects.get_or_create(product=product)
    snap.figures = data
    snap.page = page_view(product, data)
    snap.computed_at = now
    snap.save(update_fields=["figures", "page", "computed_at"])
    return snap


RECENT_FLAGS = 10


def page_view(product, data: dict) -> dict:
    """The part of the snapshot a Health page view needs: no series, and the flags counted
    here (at refresh) rather than per view."""
    from django.db.models import Count

    from .links import flag_url
    from .models import Flag, Rule

    counts = dict(Flag.objects.filter(product=product).order_by().values("rule").annotate(n=Count("id")).values_list("rule", "n"))
    recent = [
        {"rule": f.rule, "rule_title": f.get_rule_display(), "title": f.title, "evidence": f.evidence, "at": f.at.isoformat(), "url": flag_url(f)}
        for f in Flag.objects.filter(product=product).select_related("product__workspace").order_by("-at", "-id")[:RECENT_FLAGS]
    ]
    return {
        **{k: v for k, v in data.items() if k not in ("figures", "segments")},
        "figures": {k: {n: v for n, v in f.items() if n not in ("weekly", "monthly")} for k, f in data["figures"].items()},
        "segments": [{n: v for n, v in s.items() if n not in ("weekly_voice", "weekly_seats")} for s in data["segments"]],
        "flag_counts": {rule: counts.get(rule, 0) for rule in Rule.values},
        "recent_flags": recent,
    }


__all__ = ["BY_KEY", "build", "compute", "gini", "percentile", "top_decile_share", "trend"]
