from django.db import models
from django.utils import timezone

from heard.core.models import Product


class BacklogStatus(models.TextChoices):
    IDEA = "idea", "Idea"
    REFINED = "refined", "Refined"
    READY = "ready", "Ready"
    IN_PROGRESS = "in_progress", "In progress"
    DONE = "done", "Done"
    RELEASED = "released", "Released"


class CriterionStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    AGREED = "agreed", "Agreed"
    VERIFIED = "verified", "Verified"


class BacklogItem(models.Model):
    """A piece of work on a product's backlog. ``external_key`` is the Jira or GitHub issue
    key it mirrors (e.g. ``INV-142`` or ``#381``), unique per product when set, so imports
    can match rows to items."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="backlog_items")
    title = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    status = models.CharField(max_length=20, choices=BacklogStatus.choices, default=BacklogStatus.IDEA)
    increment = models.CharField(max_length=60, blank=True, help_text="The increment (release, sprint) it is planned for, e.g. 2026.2.")
    external_key = models.CharField(max_length=60, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["product", "external_key"], condition=~models.Q(external_key=""), name="backlog_external_key_unique_in_product"),
        ]
        indexes = [models.Index(fields=["product", "status"])]

    def __str__(self):
        return f"{self.external_key} {self.title}".strip() if self.external_key else self.title


class AcceptanceCriterion(models.Model):
    """One behaviour the item must show, in plain words ("Given…, when…, then…" or a
    sentence a customer would recognise), with the stakeholders who co-wrote it."""

    item = models.ForeignKey(BacklogItem, on_delete=models.CASCADE, related_name="criteria")
    text = models.TextField()
    status = models.CharField(max_length=20, choices=CriterionStatus.choices, default=CriterionStatus.DRAFT)
    co_writers = models.ManyToManyField("stakeholders.Stakeholder", blank=True, related_name="co_written_criteria")
    position = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self):
        return self.text[:80]
