from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from heard.core.models import Product, member_who, timestamps


class FeedbackChannel(models.TextChoices):
    SESSION_NOTE = "session_note", "Session note"
    INTERVIEW = "interview", "Interview"
    DEMO = "demo", "Demo"
    SUPPORT_TICKET = "support_ticket", "Support ticket"
    BETA = "beta", "Beta program"
    PILOT = "pilot", "Pilot"
    TELEMETRY_BRIEFING = "telemetry_briefing", "Telemetry briefing"
    WRITTEN_COMMENT = "written_comment", "Written comment"
    EMAIL = "email", "E-mail"
    OTHER = "other", "Other"


class Disposition(models.TextChoices):
    """What became of a feedback item, in words the customer can read."""

    NEW = "new", "New"
    UNDER_REVIEW = "under_review", "Under review"
    PLANNED = "planned", "Planned"
    IF_TIME_REMAINS = "if_time_remains", "If time remains"
    DEFERRED = "deferred", "Deferred"
    DECLINED = "declined", "Declined"
    DUPLICATE = "duplicate", "Duplicate"
    ALREADY_DONE = "already_done", "Already done"


class QualityBand(models.TextChoices):
    LOW = "low", "Low (under 40)"
    MEDIUM = "medium", "Medium (40–69)"
    HIGH = "high", "High (70 and over)"


QUALITY_BANDS = {"low": (0, 39), "medium": (40, 69), "high": (70, 100)}


class Feedback(models.Model):
    """What someone said about a product, through which channel, when, and in what context.

    ``is_proxy`` is set on every write: input with no stakeholder behind it, or from a
    stakeholder of kind internal proxy, is someone speaking *for* users.
    ``quality_*`` come from ``heard.feedback.quality.assess`` and are stored so lists can
    filter and sort by them. A merged item (``is_merge``) stands for its ``originals``; an
    original has ``merged_into`` set and stays readable.
    """

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="feedback")
    stakeholder = models.ForeignKey("stakeholders.Stakeholder", on_delete=models.SET_NULL, null=True, blank=True, related_name="feedback")
    recorded_by = member_who()
    session = models.ForeignKey("heard_sessions.Session", on_delete=models.SET_NULL, null=True, blank=True, related_name="feedback")
    # A beta or pilot the person took part in when they said it (their feedback "during the program").
    program = models.ForeignKey("programs.Program", on_delete=models.SET_NULL, null=True, blank=True, related_name="feedback")
    channel = models.CharField(max_length=30, choices=FeedbackChannel.choices, default=FeedbackChannel.SESSION_NOTE)
    said_at = models.DateTimeField(default=timezone.now)
    text = models.TextField()
    # The context they described.
    job = models.TextField(blank=True, help_text="The job they were doing.")
    constraints = models.TextField(blank=True, help_text="Their constraints (time, rules, budget, devices).")
    environment = models.TextField(blank=True, help_text="Their environment (place, device, connection, team).")
    # Optional evidence.
    observed = models.TextField(blank=True, help_text="What they observed.")
    expected = models.TextField(blank=True, help_text="What they expected, or the agreed target.")
    example = models.TextField(blank=True, help_text="A concrete example.")
    is_proxy = models.BooleanField(default=False)
    quality_score = models.PositiveSmallIntegerField(default=0)
    quality_parts = models.JSONField(default=dict, blank=True)
    quality_hint = models.CharField(max_length=300, blank=True)
    disposition = models.CharField(max_length=20, choices=Disposition.choices, default=Disposition.NEW)
    disposition_at = models.DateTimeField(default=timezone.now)
    is_merge = models.BooleanField(default=False)
    merged_into = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True, related_name="originals")
    # external_id from an import, or "sha:<content hash>", so re-running a file adds nothing.
    source_key = models.CharField(max_length=120, blank=True)
    created_at, updated_at = timestamps()

    class Meta:
        ordering = ["-said_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["product", "source_key"], condition=~models.Q(source_key=""), name="feedback_source_key_unique_in_product"),
            models.CheckConstraint(condition=models.Q(quality_score__lte=100), name="feedback_quality_0_100"),
        ]
        indexes = [
            # Covers every list filter, so counting a filtered list reads the index only.
            models.Index(fields=["product", "said_at", "channel", "disposition", "quality_score", "stakeholder", "merged_into"], name="feedback_list_covering"),
            # The same columns led by the most selective filters, so those scans are index-only too.
            models.Index(fields=["product", "channel", "said_at", "disposition", "quality_score", "stakeholder", "merged_into"], name="feedback_by_channel"),
            models.Index(fields=["product", "disposition", "said_at", "channel", "quality_score", "stakeholder", "merged_into"], name="feedback_by_disposition"),
            models.Index(fields=["product", "stakeholder", "said_at", "channel", "disposition", "quality_score", "merged_into"], name="feedback_by_stakeholder"),
            # The inbox's "no disposition past the promised time": counted and listed newest
            # first from this small index alone (only items still waiting are in it).
            models.Index(fields=["product", "said_at", "id"], name="feedback_awaiting_disposition",
                         condition=models.Q(disposition="new", merged_into__isnull=True)),
        ]
        verbose_name_plural = "feedback"

    def __str__(self):
        return f"#{self.pk}: {self.text[:60]}"

    @property
    def quality_band(self) -> str:
        for band, (low, high) in QUALITY_BANDS.items():
            if low <= self.quality_score <= high:
                return band
        return "low"


class FeedbackDisposition(models.Model):
    """One change of disposition, kept forever so the time from hearing to answering can be measured."""

    feedback = models.ForeignKey(Feedback, on_delete=models.CASCADE, related_name="disposition_history")
    status = models.CharField(max_length=20, choices=Disposition.choices)
    increment = models.CharField(max_length=60, blank=True)
    reason = models.TextField(blank=True)
    at = models.DateTimeField(default=timezone.now)
    by = member_who()
    by_label = models.CharField(max_length=254, blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.get_status_display()} at {self.at:%Y-%m-%d}"


class FeedbackLink(models.Model):
    """Feedback influencing a backlog item or one of its acceptance criteria (exactly one), weight 1–3."""

    feedback = models.ForeignKey(Feedback, on_delete=models.CASCADE, related_name="links")
    backlog_item = models.ForeignKey("backlog.BacklogItem", on_delete=models.CASCADE, null=True, blank=True, related_name="feedback_links")
    criterion = models.ForeignKey("backlog.AcceptanceCriterion", on_delete=models.CASCADE, null=True, blank=True, related_name="feedback_links")
    weight = models.PositiveSmallIntegerField(default=2, validators=[MinValueValidator(1), MaxValueValidator(3)])
    created_at = models.DateTimeField(default=timezone.now)
    created_by = member_who()

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(backlog_item__isnull=False, criterion__isnull=True) | models.Q(backlog_item__isnull=True, criterion__isnull=False)),
                name="feedback_link_one_target",
            ),
            models.CheckConstraint(condition=models.Q(weight__gte=1, weight__lte=3), name="feedback_link_weight_1_3"),
            models.UniqueConstraint(fields=["feedback", "backlog_item"], condition=models.Q(backlog_item__isnull=False), name="feedback_link_unique_item"),
            models.UniqueConstraint(fields=["feedback", "criterion"], condition=models.Q(criterion__isnull=False), name="feedback_link_unique_criterion"),
        ]

    def __str__(self):
        return f"{self.feedback_id} → {self.target}"

    @property
    def target(self):
        return self.criterion if self.criterion_id else self.backlog_item

    @property
    def target_item(self):
        """The backlog item, directly or through the criterion."""
        return self.criterion.item if self.criterion_id else self.backlog_item


class FeedbackTerm(models.Model):
    """Inverted index for similar-item suggestions: one row per (feedback, hashed term).

    Kept on write by ``heard.feedback.similar``; ``term`` is a signed 64-bit hash of a
    normalised word, so the index is compact and the same on SQLite and PostgreSQL.
    """

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="+")
    feedback = models.ForeignKey(Feedback, on_delete=models.CASCADE, related_name="+")
    term = models.BigIntegerField()

    class Meta:
        indexes = [models.Index(fields=["product", "term", "feedback"], name="feedback_term_lookup")]

    def __str__(self):
        return f"term {self.term} of #{self.feedback_id}"


class FeedbackTermStat(models.Model):
    """How many feedback items of a product contain a term (document frequency), kept on write."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="+")
    term = models.BigIntegerField()
    doc_count = models.IntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["product", "term"], name="feedback_term_stat_unique")]
        indexes = [models.Index(fields=["product", "doc_count"], name="feedback_term_stat_df")]

    def __str__(self):
        return f"term {self.term}: {self.doc_count} items"
