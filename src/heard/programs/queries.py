"""Reads of programs, scoped by the actor's workspace and role, and the judging of each
threshold against the telemetry (the statistics live in judging.py)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, F, Prefetch, QuerySet, Sum
from django.db.models.functions import Mod

from heard.core import permissions
from heard.core.errors import HeardError
from heard.core.models import Product
from heard.core.validation import as_id

from . import judging
from .judging import MET, NOT_MET, UNDECIDABLE, VERDICT_LABELS, Estimate
from .models import (
    Cohort,
    Comparison,
    Participant,
    Program,
    ProgramOutcome,
    ProgramStatus,
    Recommendation,
    Statistic,
    TelemetryDay,
    TelemetryRecord,
    Threshold,
    ThresholdChange,
)


def programs(actor, product: Product, *, status: str = "", kind: str = "") -> QuerySet[Program]:
    permissions.require(actor, product.workspace, "workspace.view")
    qs = product.programs.annotate(
        cohort_count=Count("cohorts", distinct=True), threshold_count=Count("thresholds", distinct=True),
        participant_count=Count("participants", distinct=True),
    )
    if status:
        qs = qs.filter(status=status)
    if kind:
        qs = qs.filter(kind=kind)
    return qs.order_by("-starts_on", "-id")


def get_program(actor, product: Product, pk) -> Program:
    permissions.require(actor, product.workspace, "workspace.view")
    program = product.programs.filter(pk=as_id(pk)).first() if as_id(pk) is not None else None
    if program is None:
        raise HeardError("not_found", "Program was not found.")
    return program


def program_by_id(actor, pk, capability: str = "workspace.view") -> Program:
    """A program named only by its id (the API's /programs/{id}, the CLI): not found unless
    the actor may see its workspace."""
    program = Program.objects.select_related("product__workspace").filter(pk=as_id(pk)).first() if as_id(pk) is not None else None
    if program is None:
        raise HeardError("not_found", "Program was not found.")
    try:
        permissions.require(actor, program.product.workspace, capability)
    except HeardError as exc:
        if exc.code == "not_found":
            raise HeardError("not_found", "Program was not found.") from None
        raise
    return program


def cohorts(program: Program) -> list[Cohort]:
    return list(program.cohorts.prefetch_related("segments").annotate(
        member_count=Count("participants", distinct=True),
    ))


def participants(program: Program) -> QuerySet[Participant]:
    return program.participants.select_related("stakeholder", "cohort").order_by("cohort__name", "stakeholder__name", "id")


def get_cohort(actor, program: Program, pk) -> Cohort:
    permissions.require(actor, program.product.workspace, "workspace.view")
    cohort = program.cohorts.filter(pk=as_id(pk)).first() if as_id(pk) is not None else None
    if cohort is None:
        raise HeardError("not_found", "Cohort was not found.")
    return cohort


def get_participant(actor, program: Program, pk) -> Participant:
    permissions.require(actor, program.product.workspace, "workspace.view")
    found = program.participants.select_related("stakeholder", "cohort").filter(pk=as_id(pk)).first() if as_id(pk) is not None else None
    if found is None:
        raise HeardError("not_found", "Participant was not found.")
    return found


def thresholds(program: Program) -> list[Threshold]:
    return list(program.thresholds.prefetch_related(Prefetch("changes", queryset=ThresholdChange.objects.order_by("changed_at", "id"))))


def get_threshold(actor, program: Program, pk) -> Threshold:
    permissions.require(actor, program.product.workspace, "workspace.view")
    found = program.thresholds.filter(pk=as_id(pk)).first() if as_id(pk) is not None else None
    if found is None:
        raise HeardError("not_found", "Threshold was not found.")
    return found


def outcomes(program: Program) -> QuerySet[ProgramOutcome]:
    return program.outcomes.select_related("decision", "confirmed_by")


def telemetry_counts(program: Program) -> list[dict]:
    """Days and observations per metric and cohort (the program page's telemetry summary),
    from the daily rollup."""
    return list(
        TelemetryDay.objects.filter(program=program).values("metric", "cohort__name")
        .annotate(days=Count("id"), observations=Sum("count")).order_by("metric", "cohort__name")
    )


def recount_rollup(program: Program) -> int:
    """Rebuild the program's daily rollup from its raw telemetry (after a restore, or to
    check it: the tests compare the two). Answers how many day rows it wrote."""
    from django.db import transaction

    rows = (TelemetryRecord.objects.filter(program=program).values("metric", "cohort_id", "day")
            .annotate(n=Sum("count"), t=Sum("total"), q=Sum("total_sq")))
    with transaction.atomic():
        TelemetryDay.objects.filter(program=program).delete()
        made = TelemetryDay.objects.bulk_create([
            TelemetryDay(program=program, metric=r["metric"], cohort_id=r["cohort_id"], day=r["day"], count=r["n"], total=r["t"], total_sq=r["q"])
            for r in rows
        ], batch_size=5000)
    return len(made)


# ---------------------------------------------------------------- judging

@dataclass
class Verdict:
    threshold: Threshold
    status: str
    estimate: Estimate | None
    n: int
    reference_n: int | None
    reason: str = ""

    @property
    def label(self) -> str:
        return VERDICT_LABELS[self.status]

    @property
    def unit(self) -> str:
        if self.threshold.statistic != Statistic.RATE:
            return ""
        return " points" if self.threshold.comparison != Comparison.ABSOLUTE else " %"

    def fmt(self, value: float | None) -> str:
        if value is None:
            return "—"
        sign = "+" if self.threshold.comparison != Comparison.ABSOLUTE and value > 0 else ""
        text = f"{value:.2f}" if abs(value) < 100 else f"{value:,.0f}"
        return f"{sign}{text}{self.unit}"

    @property
    def estimate_text(self) -> str:
        return self.fmt(self.estimate.value) if self.estimate else "—"

    @property
    def rule(self) -> str:
        t = self.threshold
        what = {Comparison.ABSOLUTE: t.get_statistic_display().lower(), Comparison.BASELINE: "change against the baseline",
                Comparison.CONTROL: "difference from the control cohort"}[t.comparison]
        limit = f"{t.limit:+g}" if t.comparison != Comparison.ABSOLUTE else f"{t.limit:g}"
        return f"{t.metric}: {what} {t.get_direction_display().lower()} {limit}{self.unit}"

    @property
    def interval(self) -> str:
        if self.estimate is None:
            return "—"
        return f"{self.fmt(self.estimate.low)} to {self.fmt(self.estimate.high)}"

    @property
    def chart(self) -> dict | None:
        """Positions (0–300 on a 320-wide SVG) of the interval, the estimate and the limit."""
        if self.estimate is None:
            return None
        e, limit = self.estimate, self.threshold.limit
        low, high = min(e.low, limit), max(e.high, limit)
        pad = (high - low) * 0.1 or abs(limit) * 0.1 or 1.0
        low, high = low - pad, high + pad

        def x(value: float) -> float:
            return round(10 + 300 * (value - low) / (high - low), 1)

        return {"low": x(e.low), "high": x(e.high), "value": x(e.value), "limit": x(limit)}

    def as_dict(self) -> dict:
        e = self.estimate
        return {
            "threshold": self.threshold.pk, "name": self.threshold.name, "rule": self.rule,
            "is_guardrail": self.threshold.is_guardrail, "status": self.status, "label": self.label,
            "value": e.value if e else None, "low": e.low if e else None, "high": e.high if e else None,
            "method": e.method if e else "", "confidence": judging.CONFIDENCE, "n": self.n,
            "reference_n": self.reference_n, "reason": self.reason,
        }


@dataclass
class Results:
    program: Program
    verdicts: list[Verdict] = field(default_factory=list)

    @property
    def met(self) -> int:
        return sum(1 for v in self.verdicts if v.status == MET)

    @property
    def suggestion(self) -> str:
        """No go when any threshold or guardrail is not met; go when all are met; otherwise
        keep it running until the undecided ones are decided."""
        if not self.verdicts:
            return Recommendation.EXTEND
        if any(v.status == NOT_MET for v in self.verdicts):
            return Recommendation.NO_GO
        if all(v.status == MET for v in self.verdicts):
            return Recommendation.GO
        return Recommendation.EXTEND

    @property
    def suggestion_label(self) -> str:
        return Recommendation(self.suggestion).label

    def counts(self) -> dict:
        return {s: sum(1 for v in self.verdicts if v.status == s) for s in (MET, NOT_MET, UNDECIDABLE)}


def _groups(program: Program, threshold: Threshold):
    """(filters for the judged group, filters for the reference or None)."""
    cohorts = list(program.cohorts.values_list("pk", "is_control"))
    treated = [pk for pk, control in cohorts if not control]
    control = [pk for pk, control in cohorts if control]
    during = {"day__gte": program.starts_on, "day__lte": program.ends_on}
    group = {"cohort_id__in": treated, **during}
    if threshold.comparison == Comparison.CONTROL:
        return group, {"cohort_id__in": control, **during}
    if threshold.comparison == Comparison.BASELINE:
        return group, {"cohort_id__in": treated, "day__gte": threshold.baseline_starts_on, "day__lte": threshold.baseline_ends_on}
    return group, None


def _sums(program: Program, metric: str, filters: dict) -> tuple[int, float, float]:
    # From the daily rollup: a few rows per cohort and day, however many events there are.
    row = TelemetryDay.objects.filter(program=program, metric=metric, **filters).aggregate(
        n=Sum("count"), total=Sum("total"), total_sq=Sum("total_sq"),
    )
    return int(row["n"] or 0), float(row["total"] or 0.0), float(row["total_sq"] or 0.0)


def _values(program: Program, metric: str, filters: dict) -> list[float]:
    qs = TelemetryRecord.objects.filter(program=program, metric=metric, count=1, **filters)
    n = qs.count()
    if n > judging.BOOTSTRAP_MAX_SAMPLE:
        step = -(-n // judging.BOOTSTRAP_MAX_SAMPLE)
        qs = qs.annotate(every=Mod(F("id"), step)).filter(every=0)
    return list(qs.values_list("total", flat=True))


def judge_threshold(program: Program, threshold: Threshold) -> Verdict:
    group, reference = _groups(program, threshold)
    minimum = threshold.minimum_sample
    if threshold.statistic == Statistic.P95:
        values = _values(program, threshold.metric, group)
        ref_values = _values(program, threshold.metric, reference) if reference is not None else None
        n, ref_n = len(values), (len(ref_values) if ref_values is not None else None)
    else:
        n, total, total_sq = _sums(program, threshold.metric, group)
        ref_n, ref_total, ref_total_sq = _sums(program, threshold.metric, reference) if reference is not None else (None, 0.0, 0.0)
    short = []
    if n < minimum:
        short.append(f"{n:,} of the {minimum:,} observations needed")
    if ref_n is not None and ref_n < minimum:
        where = "the control cohort" if threshold.comparison == Comparison.CONTROL else "the baseline period"
        short.append(f"{ref_n:,} of {minimum:,} in {where}")
    if short:
        return Verdict(threshold, UNDECIDABLE, None, n, ref_n, "Sample too small: " + "; ".join(short) + ".")
    if threshold.statistic == Statistic.RATE:
        if not 0 <= total <= n or (ref_n is not None and not 0 <= ref_total <= ref_n):
            return Verdict(threshold, UNDECIDABLE, None, n, ref_n, "The values are not 0 or 1 (successes beyond the count): this metric is not a rate.")
        estimate = judging.rate(total, n) if ref_n is None else judging.rate_difference(total, n, ref_total, ref_n)
    elif threshold.statistic == Statistic.MEAN:
        estimate = judging.mean(total, total_sq, n) if ref_n is None else judging.mean_difference(total, total_sq, n, ref_total, ref_total_sq, ref_n)
    else:
        estimate = judging.p95(values) if ref_values is None else judging.p95_difference(values, ref_values)
    status = judging.verdict(estimate, threshold.direction, threshold.limit)
    reason = "" if status != UNDECIDABLE else "The interval still straddles the limit: more data will tell."
    return Verdict(threshold, status, estimate, n, ref_n, reason)


def judge(actor, program: Program) -> Results:
    """Every threshold of the program judged against its telemetry so far."""
    permissions.require(actor, program.product.workspace, "workspace.view")
    results = Results(program)
    if program.status == ProgramStatus.DRAFT:
        return results
    for threshold in program.thresholds.all():
        results.verdicts.append(judge_threshold(program, threshold))
    return results


# ---------------------------------------------------------------- the portal

def programs_of(stakeholder) -> list[dict]:
    """What a participant sees in the portal: each program they take part in, their cohort
    and the shared results (the last confirmed outcome's verdicts); nothing about others."""
    rows = []
    for p in Participant.objects.filter(stakeholder=stakeholder).select_related("program__product", "cohort").order_by("-program__starts_on"):
        if p.program.status == ProgramStatus.DRAFT:
            continue
        outcome = p.program.outcomes.first()
        rows.append({"program": p.program, "cohort": p.cohort, "participant": p, "outcome": outcome})
    return rows


def my_program(stakeholder, pk):
    """A program the stakeholder takes part in (not a draft), or not found."""
    from heard.core.errors import not_found

    found = Participant.objects.filter(stakeholder=stakeholder, program_id=as_id(pk)).exclude(
        program__status=ProgramStatus.DRAFT).select_related("program__product", "cohort").first() if as_id(pk) is not None else None
    if found is None:
        raise not_found("The beta or pilot")
    return found


def participants_feedback(program, limit: int = 50):
    """Feedback given with the program as its context, newest first, and how many in all."""
    qs = program.feedback.select_related("stakeholder").order_by("-said_at", "-id")
    return list(qs[:limit]), qs.count()
