"""Collaboration health: rollups kept current on write, a snapshot per product that pages
read, the anti-pattern flags found, and the backlog events no other table keeps.

How the pieces fit (docs/health.md has the definitions of every figure):

- A write of a counted row (feedback, a disposition, a seat, a pre-read, evidence, a
  closure note, a decision, a backlog status) marks the *week* it belongs to as pending
  (``PendingWeek``), in the writer's transaction, and asks for a refresh after the commit.
- ``heard.health.rollups.refresh`` (a task, run by the worker within seconds) recounts each
  pending week from raw rows with indexed, week-bounded queries into ``WeekCount`` rows,
  re-evaluates the flags, and rebuilds the product's ``HealthSnapshot`` from the week rows.
- Pages, the API and the CLI read the snapshot (one row) and ``Flag`` rows; they never scan.
"""

from django.db import models
from django.utils import timezone

from heard.core.models import Product


class WeekCount(models.Model):
    """One number of one week (Monday 00:00 UTC) of one product: ``metric`` names what is
    counted, ``dim`` the slice (a segment id, a stakeholder kind, a stakeholder id, a
    latency bucket in days), or "" for the whole."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="+")
    week = models.DateField()
    metric = models.CharField(max_length=40)
    dim = models.CharField(max_length=40, blank=True, default="")
    value = models.FloatField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["product", "metric", "week", "dim"], name="health_week_count_unique")]
        indexes = [models.Index(fields=["product", "week"], name="health_week_count_week")]

    def __str__(self):
        return f"{self.metric}[{self.dim}] {self.week}: {self.value}"


class WeekPeople(models.Model):
    """How much each stakeholder counted in one week of one product: ``counts`` maps a
    stakeholder id to a number (``metric`` "voice": feedback items; "seat": invitations).
    One row per week keeps concentration and fatigue cheap to recount and to read."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="+")
    week = models.DateField()
    metric = models.CharField(max_length=20)
    counts = models.JSONField(default=dict)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["product", "metric", "week"], name="health_week_people_unique")]

    def __str__(self):
        return f"{self.metric} {self.week}: {len(self.counts)} people"


class PendingWeek(models.Model):
    """A week whose counts must be redone because a row in it was written."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="+")
    week = models.DateField()
    marked_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["product", "week"], name="health_pending_week_unique")]

    def __str__(self):
        return f"{self.product_id} {self.week}"


class HealthSnapshot(models.Model):
    """Every figure of one product, ready to show: current values, trends, weekly and
    monthly series (``figures``), and representation per segment."""

    product = models.OneToOneField(Product, on_delete=models.CASCADE, related_name="health_snapshot")
    figures = models.JSONField(default=dict, blank=True)
    # What the Health page and the figures list read, kept small so a page view decodes a
    # few kilobytes: the figures without their series, representation without weekly
    # shares, and the flags (counts per rule and the most recent), counted at refresh.
    page = models.JSONField(default=dict, blank=True)
    computed_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"Health of {self.product}"


class RefreshRequest(models.Model):
    """Set (``requested_at``) while pending weeks of a product wait for the worker, so a
    burst of writes enqueues one refresh. A row of its own: writers update it often, and
    the snapshot's large row must not be rewritten each time."""

    product = models.OneToOneField(Product, on_delete=models.CASCADE, related_name="+")
    requested_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"Refresh of {self.product_id}: {self.requested_at}"


class Rule(models.TextChoices):
    THEATRE = "theatre", "Listening as theatre"
    PROXY_ONLY = "proxy_only", "Proxy-only input"
    LAST_MINUTE_SIGN_OFF = "last_minute_sign_off", "Last-minute sign-off"
    AGENDA_WITHOUT_OUTCOME = "agenda_without_outcome", "Agenda without outcomes"
    RITUAL = "ritual", "Ritual without influence"


class Flag(models.Model):
    """One anti-pattern found on one object (a session, a backlog item, a decision, or a
    session series, whose ``object_id`` is its series key), with the evidence and the advice."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="health_flags")
    rule = models.CharField(max_length=30, choices=Rule.choices)
    object_type = models.CharField(max_length=30)
    object_id = models.CharField(max_length=200)
    title = models.CharField(max_length=300)
    evidence = models.TextField()
    advice = models.TextField()
    at = models.DateTimeField(help_text="When the thing flagged happened (the session, the last occurrence, the decision).")
    detected_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at", "-id"]
        constraints = [models.UniqueConstraint(fields=["product", "rule", "object_type", "object_id"], name="health_flag_unique")]
        indexes = [
            models.Index(fields=["product", "rule", "at"], name="health_flag_rule"),
            models.Index(fields=["product", "at"], name="health_flag_recent"),
            models.Index(fields=["object_type", "object_id"], name="health_flag_object"),
        ]

    def __str__(self):
        return f"{self.get_rule_display()}: {self.title}"


class SessionOutcome(models.Model):
    """What one session led to, recounted with its week: how much feedback, and whether any
    of it changed something (a planned or done disposition, a link to the backlog, decision
    evidence). ``series_key`` groups the occurrences of a recurring session."""

    session = models.OneToOneField("heard_sessions.Session", on_delete=models.CASCADE, related_name="health_outcome")
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="+")
    series_key = models.CharField(max_length=200)
    ends_at = models.DateTimeField()
    feedback_count = models.PositiveIntegerField(default=0)
    changed = models.BooleanField(default=False)

    class Meta:
        indexes = [models.Index(fields=["product", "series_key", "ends_at"], name="health_outcome_series")]

    def __str__(self):
        return f"Outcome of session {self.session_id}"


class BacklogEventKind(models.TextChoices):
    RELEASED = "released", "Released"
    REOPENED = "reopened", "Reopened after release"
    CRITERION_CHANGED = "criterion_changed", "Acceptance criterion changed"


class BacklogEvent(models.Model):
    """A backlog change no other table remembers: an item released, reopened after its
    release, or an acceptance criterion's text changed (the data for "criteria changed after
    a demo verdict or sign-off", counted once sign-offs exist)."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="+")
    backlog_item = models.ForeignKey("backlog.BacklogItem", on_delete=models.CASCADE, related_name="health_events")
    criterion = models.ForeignKey("backlog.AcceptanceCriterion", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    kind = models.CharField(max_length=20, choices=BacklogEventKind.choices)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["product", "kind", "at"], name="health_backlog_event")]

    def __str__(self):
        return f"{self.get_kind_display()}: item {self.backlog_item_id}"
