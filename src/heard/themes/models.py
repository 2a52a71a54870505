"""Themes: recurring pains found in a product's support tickets by heard.themes.engine and
kept by heard.themes.actions. Ids, names, links and human fixes survive re-runs."""

from django.db import models
from django.utils import timezone

from heard.core.models import BackgroundJob, JobStatus, Product, timestamps
from heard.tickets.models import Ticket


class ThemeStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    RETIRED = "retired", "Retired"
    MERGED = "merged", "Merged into another theme"


# A run's status is a background job's (core.models.JobStatus); the name stays for callers.
RunStatus = JobStatus


class ThemeRun(BackgroundJob):
    """One run of theme mining over a product's tickets.

    ``embedder`` is the engine's embedding space (``Embedder.to_bytes()``); the next run
    reuses it so the centroids of old and new themes can be compared. Progress is written
    while the run works so a page or an API client can watch it.
    """

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="theme_runs")
    phase = models.CharField(max_length=80, blank=True, default="")
    percent = models.PositiveSmallIntegerField(default=0)
    tickets = models.PositiveBigIntegerField(default=0)
    themes_added = models.PositiveIntegerField(default=0)
    themes_grown = models.PositiveIntegerField(default=0)
    themes_kept = models.PositiveIntegerField(default=0)
    themes_retired = models.PositiveIntegerField(default=0)
    unassigned = models.PositiveBigIntegerField(default=0)
    embedder = models.BinaryField(null=True, blank=True, editable=False)
    embedder_fingerprint = models.CharField(max_length=64, blank=True, default="")

    def __str__(self):
        return f"Theme run {self.pk} of {self.product}"


class Theme(models.Model):
    """A group of tickets about the same pain.

    ``name`` is what people call it (the engine's label at first; a re-run never changes
    it); ``label`` and ``terms`` are the engine's distinctive words, refreshed by each run.
    ``pinned`` and ``curated`` (merged or split by a person) themes are *held*: a re-run
    keeps their centroid and their own tickets whose similarity still reaches
    ``hold_similarity``, and gives them a new ticket only when no other theme of the last
    run is closer (it never takes tickets that other themes hold). ``weekly``, ``spikes`` and the resolution figures are rollups,
    recomputed whenever membership changes.
    """

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="themes")
    name = models.CharField(max_length=200)
    label = models.CharField(max_length=300, blank=True, default="")
    terms = models.JSONField(default=list, blank=True)
    status = models.CharField(max_length=10, choices=ThemeStatus.choices, default=ThemeStatus.ACTIVE)
    pinned = models.BooleanField(default=False)
    curated = models.BooleanField(default=False, help_text="Merged or split by a person; re-runs keep it apart.")
    hold_similarity = models.FloatField(null=True, blank=True)
    merged_into = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True, related_name="absorbed")
    split_from = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True, related_name="split_parts")
    created_by_run = models.ForeignKey(ThemeRun, on_delete=models.SET_NULL, null=True, blank=True, related_name="themes_created")
    last_run = models.ForeignKey(ThemeRun, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    size = models.PositiveIntegerField(default=0)
    representative_ids = models.JSONField(default=list, blank=True)
    centroid = models.BinaryField(null=True, blank=True, editable=False)
    embedder_fingerprint = models.CharField(max_length=64, blank=True, default="")
    # Rollups: {"start": "YYYY-MM-DD" (a Monday), "counts": [tickets created per week]}.
    weekly = models.JSONField(default=dict, blank=True)
    spikes = models.JSONField(default=list, blank=True)
    latest_spike_ratio = models.FloatField(null=True, blank=True, help_text="Ratio of the latest flagged week if it is among the last four weeks.")
    resolved_count = models.PositiveIntegerField(default=0)
    resolution_median_hours = models.FloatField(null=True, blank=True)
    resolution_p90_hours = models.FloatField(null=True, blank=True)
    feedback = models.ForeignKey("feedback.Feedback", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at, updated_at = timestamps()
    retired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-size", "id"]
        indexes = [models.Index(fields=["product", "status", "size"], name="theme_product_status")]

    def __str__(self):
        return self.name

    @property
    def is_held(self) -> bool:
        return self.pinned or self.curated

    @property
    def recent_spike(self) -> dict | None:
        return self.spikes[-1] if self.latest_spike_ratio is not None and self.spikes else None


class ThemeTicket(models.Model):
    """A ticket's theme (one per ticket) and how close it is to the theme's centre (cosine)."""

    ticket = models.OneToOneField(Ticket, on_delete=models.CASCADE, related_name="theme_membership")
    theme = models.ForeignKey(Theme, on_delete=models.CASCADE, related_name="memberships")
    similarity = models.FloatField(default=0.0)

    class Meta:
        indexes = [models.Index(fields=["theme", "similarity"], name="theme_ticket_by_theme")]

    def __str__(self):
        return f"{self.ticket_id} in {self.theme_id}"


class ThemeLink(models.Model):
    """A theme informing a backlog item or a decision (exactly one), weight 1–3 like feedback links."""

    theme = models.ForeignKey(Theme, on_delete=models.CASCADE, related_name="links")
    backlog_item = models.ForeignKey("backlog.BacklogItem", on_delete=models.CASCADE, null=True, blank=True, related_name="theme_links")
    decision = models.ForeignKey("decisions.Decision", on_delete=models.CASCADE, null=True, blank=True, related_name="theme_links")
    weight = models.PositiveSmallIntegerField(default=2)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey("core.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(backlog_item__isnull=False, decision__isnull=True) | models.Q(backlog_item__isnull=True, decision__isnull=False)),
                name="theme_link_one_target",
            ),
            models.CheckConstraint(condition=models.Q(weight__gte=1, weight__lte=3), name="theme_link_weight_1_3"),
            models.UniqueConstraint(fields=["theme", "backlog_item"], condition=models.Q(backlog_item__isnull=False), name="theme_link_unique_item"),
            models.UniqueConstraint(fields=["theme", "decision"], condition=models.Q(decision__isnull=False), name="theme_link_unique_decision"),
        ]

    def __str__(self):
        return f"{self.theme_id} → {self.target}"

    @property
    def target(self):
        return self.backlog_item if self.backlog_item_id else self.decision
