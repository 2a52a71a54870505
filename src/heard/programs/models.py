"""Beta and pilot programs: cohorts of named participants, thresholds and guardrails
registered before the start, telemetry, and the go / no-go a person confirms.

A program is edited freely while it is a draft. Starting it locks its thresholds: a later
change goes through ``actions.change_threshold``, which needs a reason and leaves a
``ThresholdChange`` row, shown on the program page as a change after the start.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from heard.core.models import Product


class ProgramKind(models.TextChoices):
    BETA = "beta", "Beta"
    PILOT = "pilot", "Pilot"


class ProgramStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    RUNNING = "running", "Running"
    ENDED = "ended", "Ended"


class Program(models.Model):
    """A beta or a pilot of one product, about one or more backlog items."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="programs")
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=10, choices=ProgramKind.choices, default=ProgramKind.PILOT)
    description = models.TextField(blank=True)
    backlog_items = models.ManyToManyField("backlog.BacklogItem", blank=True, related_name="programs")
    starts_on = models.DateField()
    ends_on = models.DateField()
    status = models.CharField(max_length=10, choices=ProgramStatus.choices, default=ProgramStatus.DRAFT)
    who_may_pause = models.TextField(blank=True, help_text="Who may pause or stop the program, e.g. the on-call lead or any customer admin.")
    how_to_leave = models.TextField(blank=True, help_text="How a participant leaves, and what happens to them and their data.")
    started_at = models.DateTimeField(null=True, blank=True)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    ended_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-starts_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["product", "name"], name="program_name_unique_in_product"),
            models.CheckConstraint(condition=models.Q(ends_on__gte=models.F("starts_on")), name="program_ends_after_start"),
        ]

    def __str__(self):
        return self.name

    @property
    def thresholds_locked(self) -> bool:
        return self.status != ProgramStatus.DRAFT


class Cohort(models.Model):
    """A group of participants that gets the change (or, as the control cohort, does not)."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="cohorts")
    name = models.CharField(max_length=120)
    segments = models.ManyToManyField("stakeholders.Segment", blank=True, related_name="program_cohorts")
    rollout_share = models.DecimalField(
        max_digits=5, decimal_places=2, default=0, validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text="Share of the segments' users who get the change, in percent.",
    )
    is_control = models.BooleanField(default=False, help_text="The comparison group: it does not get the change.")

    class Meta:
        ordering = ["is_control", "name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["program", "name"], name="cohort_name_unique_in_program"),
            models.UniqueConstraint(fields=["program"], condition=models.Q(is_control=True), name="one_control_cohort_per_program"),
            models.CheckConstraint(condition=models.Q(rollout_share__gte=0, rollout_share__lte=100), name="cohort_rollout_share_0_100"),
        ]

    def __str__(self):
        return f"{self.name} (control)" if self.is_control else self.name


class Participant(models.Model):
    """A named stakeholder in one cohort of a program. They must hold telemetry consent to
    join; ``left_at`` is when they left (their telemetry until then stays)."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="participants")
    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="participants")
    stakeholder = models.ForeignKey("stakeholders.Stakeholder", on_delete=models.CASCADE, related_name="program_participations")
    joined_at = models.DateTimeField(default=timezone.now)
    left_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["stakeholder__name", "id"]
        constraints = [models.UniqueConstraint(fields=["program", "stakeholder"], name="one_participation_per_program")]

    def __str__(self):
        return f"{self.stakeholder} in {self.cohort}"


class Statistic(models.TextChoices):
    RATE = "rate", "Rate (share of events)"
    MEAN = "mean", "Mean"
    P95 = "p95", "95th percentile"


class Direction(models.TextChoices):
    AT_LEAST = "at_least", "At least"
    AT_MOST = "at_most", "At most"


class Comparison(models.TextChoices):
    ABSOLUTE = "absolute", "The value itself"
    BASELINE = "baseline", "Change against a baseline period"
    CONTROL = "control", "Difference from the control cohort"


class Threshold(models.Model):
    """A success threshold or a guardrail, registered before the start.

    ``limit`` is in the metric's unit; for a rate it is in percent (80 = 80 %), and for a
    comparison it is the allowed difference in percentage points ("rises by no more than 2
    points": at most 2). The judged value is the participants' cohorts pooled (control
    excluded), minus the reference (baseline period or control cohort) for comparisons.
    """

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="thresholds")
    name = models.CharField(max_length=200)
    metric = models.CharField(max_length=60, help_text="The metric's name in the telemetry, e.g. error, task_completed, latency_ms.")
    statistic = models.CharField(max_length=10, choices=Statistic.choices, default=Statistic.RATE)
    direction = models.CharField(max_length=10, choices=Direction.choices, default=Direction.AT_LEAST)
    limit = models.FloatField()
    comparison = models.CharField(max_length=10, choices=Comparison.choices, default=Comparison.ABSOLUTE)
    baseline_starts_on = models.DateField(null=True, blank=True)
    baseline_ends_on = models.DateField(null=True, blank=True)
    minimum_sample = models.PositiveIntegerField(default=100, help_text="Observations needed in each group before a verdict.")
    is_guardrail = models.BooleanField(default=False, help_text="A guardrail must hold; a threshold is what success means.")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["is_guardrail", "id"]
        constraints = [models.UniqueConstraint(fields=["program", "name"], name="threshold_name_unique_in_program")]

    def __str__(self):
        return self.name


class ThresholdChange(models.Model):
    """A change to a threshold after its program started: who, when, why, before and after."""

    threshold = models.ForeignKey(Threshold, on_delete=models.CASCADE, related_name="changes")
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    changed_by_label = models.CharField(max_length=254, default="system")
    changed_at = models.DateTimeField(default=timezone.now)
    reason = models.TextField()
    before = models.JSONField(default=dict)
    after = models.JSONField(default=dict)

    class Meta:
        ordering = ["changed_at", "id"]

    def __str__(self):
        return f"Change to {self.threshold} on {self.changed_at:%Y-%m-%d}"


class TelemetryRecord(models.Model):
    """One event, or one day's aggregate, of one metric for a participant or a cohort.

    Stored as sums so events and aggregates add up alike: an event is ``count=1,
    total=value``; an aggregate of n observations is ``count=n, total=sum`` (for a rate the
    number of successes) and ``total_sq`` the sum of squares (for a mean's spread). ``key``
    is the event's id, or the aggregate's natural key, unique per program and metric, so a
    file imported twice adds nothing.
    """

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="+", db_index=False)
    metric = models.CharField(max_length=60)
    key = models.CharField(max_length=100)
    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="+", db_index=False)
    participant = models.ForeignKey(Participant, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", db_index=False)
    day = models.DateField()
    count = models.PositiveIntegerField(default=1)
    total = models.FloatField()
    total_sq = models.FloatField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["program", "metric", "key"], name="telemetry_key_unique")]

    def __str__(self):
        return f"{self.metric} {self.key}"


class TelemetryDay(models.Model):
    """The rollup of TelemetryRecord per program, metric, cohort and day, kept current on
    write by the importer (only rows it really inserted count), so judging a rate or a mean
    sums a few hundred rows instead of millions. ``queries.recount_rollup`` rebuilds it."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="+", db_index=False)
    metric = models.CharField(max_length=60)
    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="+", db_index=False)
    day = models.DateField()
    count = models.BigIntegerField(default=0)
    total = models.FloatField(default=0)
    total_sq = models.FloatField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["program", "metric", "cohort", "day"], name="telemetry_day_unique")]

    def __str__(self):
        return f"{self.metric} {self.day}"


class Recommendation(models.TextChoices):
    GO = "go", "Go: roll out"
    NO_GO = "no_go", "No go: do not roll out"
    EXTEND = "extend", "Not yet: keep the program running"


class ProgramOutcome(models.Model):
    """A go / no-go a person confirmed, with the verdicts it rested on (a snapshot), the
    decision it is evidence on and what participants are told."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="outcomes")
    suggested = models.CharField(max_length=10, choices=Recommendation.choices)
    recommendation = models.CharField(max_length=10, choices=Recommendation.choices)
    verdicts = models.JSONField(default=list)
    met = models.PositiveIntegerField(default=0)
    judged = models.PositiveIntegerField(default=0)
    message = models.TextField(blank=True, help_text="What participants read, e.g. “we will roll out to everyone in March”.")
    decision = models.ForeignKey("decisions.Decision", on_delete=models.SET_NULL, null=True, blank=True, related_name="program_outcomes")
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    confirmed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-confirmed_at", "-id"]

    def __str__(self):
        return f"{self.program}: {self.get_recommendation_display()} ({self.met} of {self.judged} thresholds met)"
