from django.db import models
from django.utils import timezone

from heard.core.models import Product


class DecisionStatus(models.TextChoices):
    OPEN = "open", "Open"
    DECIDED = "decided", "Decided"
    SUPERSEDED = "superseded", "Superseded"
    ESCALATED = "escalated", "Escalated"


class Decision(models.Model):
    """A decision record: the question, and later its options, evidence, rights and outcome."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="decisions")
    question = models.CharField(max_length=300)
    status = models.CharField(max_length=20, choices=DecisionStatus.choices, default=DecisionStatus.OPEN)
    due_date = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return self.question
