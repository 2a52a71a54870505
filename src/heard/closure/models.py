"""Closing the loop: closure cycles and their per-stakeholder notes, enablement notes on
released backlog items, and what the team chose to share in the portal (increment goals
and product figures).

A note's life: draft (generated from dispositions and links) → reviewed (a person read and
edited it, the plain-language check ran) → sent (e-mailed and shown in the portal) or
skipped (not e-mailed, with the reason: no contact consent, no e-mail address, erased;
still shown in the portal unless the person was erased).
"""

from django.db import models
from django.utils import timezone

from heard.core.models import Product, member_who, timestamps


class CycleStatus(models.TextChoices):
    OPEN = "open", "Open"
    CLOSED = "closed", "Closed"


class NoteStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    REVIEWED = "reviewed", "Reviewed"
    SENT = "sent", "Sent"
    SKIPPED = "skipped", "Not e-mailed"


class ClosureCycle(models.Model):
    """A stretch of time (an increment, a quarter) at whose end every stakeholder who gave
    feedback in it hears what became of it."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="closure_cycles")
    name = models.CharField(max_length=60, help_text="E.g. the increment (2026.2) or a quarter (2026 Q2).")
    starts_on = models.DateField()
    ends_on = models.DateField()
    status = models.CharField(max_length=10, choices=CycleStatus.choices, default=CycleStatus.OPEN)
    closed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-ends_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["product", "name"], name="closure_cycle_name_unique_in_product"),
            models.CheckConstraint(condition=models.Q(ends_on__gte=models.F("starts_on")), name="closure_cycle_ends_after_start"),
        ]

    def __str__(self):
        return f"{self.product} · {self.name}"


class ClosureNote(models.Model):
    """What one stakeholder hears at the end of a cycle.

    ``sections`` keeps the generated, structured content (what we heard / will change /
    will not and why, each row naming the feedback it answers), so the portal can show the
    trace; ``body`` is the text a person reviewed and edited, which is what gets sent.
    """

    cycle = models.ForeignKey(ClosureCycle, on_delete=models.CASCADE, related_name="notes")
    stakeholder = models.ForeignKey("stakeholders.Stakeholder", on_delete=models.CASCADE, related_name="closure_notes")
    feedback = models.ManyToManyField("feedback.Feedback", blank=True, related_name="closure_notes")
    status = models.CharField(max_length=10, choices=NoteStatus.choices, default=NoteStatus.DRAFT)
    subject = models.CharField(max_length=200)
    body = models.TextField()
    sections = models.JSONField(default=dict, blank=True)
    edited = models.BooleanField(default=False, help_text="A person changed the generated text; redrafting leaves it alone.")
    readability_score = models.FloatField(null=True, blank=True)
    readability_label = models.CharField(max_length=40, blank=True)
    jargon = models.JSONField(default=list, blank=True)
    reviewed_by = member_who()
    reviewed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True, help_text="When it was e-mailed.")
    published_at = models.DateTimeField(null=True, blank=True, help_text="When it appeared in the portal.")
    skip_reason = models.CharField(max_length=200, blank=True)
    delivery_error = models.CharField(max_length=300, blank=True)
    opened_at = models.DateTimeField(null=True, blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    created_at, updated_at = timestamps()

    class Meta:
        ordering = ["stakeholder__name", "id"]
        constraints = [models.UniqueConstraint(fields=["cycle", "stakeholder"], name="one_closure_note_per_stakeholder_and_cycle")]

    def __str__(self):
        return f"Closure note for {self.stakeholder} ({self.cycle.name})"

    @property
    def is_published(self) -> bool:
        return self.published_at is not None


class NoteReply(models.Model):
    """A stakeholder's reply to their closure note, written in the portal. The reply is itself
    a feedback item (a written comment from them), so the team considers it like any other
    input; this row ties it to the note it answers, where the team sees it."""

    note = models.ForeignKey(ClosureNote, on_delete=models.CASCADE, related_name="replies")
    feedback = models.OneToOneField("feedback.Feedback", on_delete=models.CASCADE, related_name="note_reply")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"Reply to {self.note}"


class EnablementKind(models.TextChoices):
    CHANGE_NOTE = "change_note", "Change note"
    GUIDE = "guide", "Short guide"
    VIDEO = "video", "Video"


class EnablementNote(models.Model):
    """Help with something that shipped: a change note, a short guide or a video link,
    attached to a released backlog item and sent to the people whose feedback shaped it."""

    backlog_item = models.ForeignKey("backlog.BacklogItem", on_delete=models.CASCADE, related_name="enablement_notes")
    kind = models.CharField(max_length=20, choices=EnablementKind.choices, default=EnablementKind.CHANGE_NOTE)
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    url = models.URLField(max_length=500, blank=True, help_text="A link to the video or the full guide.")
    created_by = member_who()
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True, help_text="When it was last delivered.")

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return self.title


class EnablementDelivery(models.Model):
    """One enablement note to one stakeholder: e-mailed (or skipped, with why), opened, acknowledged."""

    note = models.ForeignKey(EnablementNote, on_delete=models.CASCADE, related_name="deliveries")
    stakeholder = models.ForeignKey("stakeholders.Stakeholder", on_delete=models.CASCADE, related_name="enablement_deliveries")
    published_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    skip_reason = models.CharField(max_length=200, blank=True)
    delivery_error = models.CharField(max_length=300, blank=True)
    opened_at = models.DateTimeField(null=True, blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["stakeholder__name", "id"]
        constraints = [models.UniqueConstraint(fields=["note", "stakeholder"], name="one_enablement_delivery_per_person")]

    def __str__(self):
        return f"{self.note} → {self.stakeholder}"


class SharedGoal(models.Model):
    """A backlog item whose title the team chose to show stakeholders as an increment goal."""

    backlog_item = models.OneToOneField("backlog.BacklogItem", on_delete=models.CASCADE, related_name="shared_goal")
    shared_by = member_who()
    shared_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return f"Shared: {self.backlog_item}"


class ShareKind(models.TextChoices):
    ADOPTION = "adoption", "Adoption"
    DEFECTS = "defects", "Defects"
    OTHER = "other", "Other"


class ProductShare(models.Model):
    """A figure about the product that the team chose to share with its stakeholders."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="shared_figures")
    kind = models.CharField(max_length=20, choices=ShareKind.choices, default=ShareKind.OTHER)
    label = models.CharField(max_length=120, help_text="E.g. 'Active customers this month'.")
    value = models.CharField(max_length=60, help_text="E.g. '1 240' or '3 open'.")
    note = models.CharField(max_length=300, blank=True)
    position = models.PositiveSmallIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self):
        return f"{self.label}: {self.value}"
