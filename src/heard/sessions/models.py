from django.db import models
from django.utils import timezone

from heard.core.models import Product


class Channel(models.TextChoices):
    INTERVIEW = "interview", "Interview"
    DEMO = "demo", "Demo"
    WORKSHOP = "workshop", "Workshop"
    REFINEMENT = "refinement", "Refinement"
    REVIEW = "review", "Review"
    BETA_REVIEW = "beta_review", "Beta review"
    SUPPORT_REVIEW = "support_review", "Support review"
    TELEMETRY_BRIEFING = "telemetry_briefing", "Telemetry briefing"
    ASYNC_REVIEW = "async_review", "Asynchronous review"


class Session(models.Model):
    """A collaboration session with customers (interview, demo, workshop, ...)."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="sessions")
    title = models.CharField(max_length=200)
    channel = models.CharField(max_length=30, choices=Channel.choices)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-starts_at"]

    def __str__(self):
        return self.title
