"""Demos and sign-off: what a demo session demonstrates (acceptance criteria, each in a
realistic scenario), the verdict each participating stakeholder gives on each criterion, and
the sign-off of a backlog item by a stakeholder.

A session is a demo when it demonstrates at least one criterion (``Demonstration``); only
sessions of the channels in ``DEMO_CHANNELS`` may. Verdicts keep the wording of the criterion
they judged (``criterion_text``), so a criterion whose text changed afterwards is visible.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone

DEMO_CHANNELS = ("demo", "review", "beta_review")


class VerdictChoice(models.TextChoices):
    FITS = "fits", "Fits"
    PARTLY_FITS = "partly_fits", "Partly fits"
    DOES_NOT_FIT = "does_not_fit", "Does not fit"
    CANNOT_JUDGE = "cannot_judge", "Cannot judge"


# Verdicts that offer to become feedback on the criterion in the same step.
FEEDBACK_VERDICTS = (VerdictChoice.PARTLY_FITS, VerdictChoice.DOES_NOT_FIT)


class Device(models.TextChoices):
    NOT_STATED = "", "Not stated"
    DESKTOP = "desktop", "Desktop computer"
    LAPTOP = "laptop", "Laptop"
    TABLET = "tablet", "Tablet"
    PHONE = "phone", "Phone"
    OTHER = "other", "Other (see notes)"


class Connectivity(models.TextChoices):
    NOT_STATED = "", "Not stated"
    BROADBAND = "broadband", "Office or home broadband"
    MOBILE = "mobile", "Good mobile data (4G/5G)"
    WEAK = "weak", "Weak or patchy connection (3G, rural)"
    OFFLINE = "offline", "Offline, reconnecting later"


class Demonstration(models.Model):
    """One acceptance criterion shown in one demo session, in a realistic scenario: how much
    data, on which device, with which assistive technology, over which connection."""

    session = models.ForeignKey("heard_sessions.Session", on_delete=models.CASCADE, related_name="demonstrations")
    criterion = models.ForeignKey("backlog.AcceptanceCriterion", on_delete=models.CASCADE, related_name="demonstrations")
    data_volume = models.CharField(max_length=200, blank=True, help_text="How much data, e.g. “20 000 invoices” or “12 jobs in a day”.")
    device = models.CharField(max_length=20, choices=Device.choices, blank=True, default="")
    assistive_technology = models.CharField(max_length=200, blank=True, help_text="e.g. “NVDA screen reader”, “200 % zoom”, “switch access”; empty for none.")
    connectivity = models.CharField(max_length=20, choices=Connectivity.choices, blank=True, default="")
    scenario_notes = models.TextField(blank=True)
    position = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["position", "id"]
        constraints = [models.UniqueConstraint(fields=["session", "criterion"], name="demo_criterion_once_per_session")]
        indexes = [models.Index(fields=["criterion", "session"], name="demo_by_criterion")]

    def __str__(self):
        return f"Criterion {self.criterion_id} in session {self.session_id}"

    @property
    def has_scenario(self) -> bool:
        return any((self.data_volume, self.device, self.assistive_technology, self.connectivity, self.scenario_notes))

    @property
    def scenario_summary(self) -> str:
        """The scenario in one line ("20 000 invoices · Phone · NVDA · Weak connection")."""
        parts = [self.data_volume, self.get_device_display() if self.device else "", self.assistive_technology,
                 self.get_connectivity_display() if self.connectivity else "", self.scenario_notes]
        return " · ".join(p for p in parts if p)


class DemoVerdict(models.Model):
    """A stakeholder's verdict on one demonstrated criterion, with a note. ``recorded_at`` is
    when it was first given, ``updated_at`` its last change; ``criterion_text`` the wording
    judged. ``recorded_by`` is the team member who typed it in; ``from_portal`` is set when
    the stakeholder gave it in the portal themselves.
    ``feedback`` is the feedback item recorded from it in the same step, if any."""

    demonstration = models.ForeignKey(Demonstration, on_delete=models.CASCADE, related_name="verdicts")
    stakeholder = models.ForeignKey("stakeholders.Stakeholder", on_delete=models.CASCADE, related_name="demo_verdicts")
    verdict = models.CharField(max_length=20, choices=VerdictChoice.choices)
    note = models.TextField(blank=True)
    criterion_text = models.TextField()
    feedback = models.ForeignKey("feedback.Feedback", on_delete=models.SET_NULL, null=True, blank=True, related_name="demo_verdicts")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    from_portal = models.BooleanField(default=False, help_text="Given by the stakeholder in the portal.")
    recorded_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["recorded_at", "id"]
        constraints = [models.UniqueConstraint(fields=["demonstration", "stakeholder"], name="demo_verdict_once_per_person")]
        indexes = [models.Index(fields=["stakeholder", "recorded_at"], name="demo_verdict_by_person")]

    def __str__(self):
        return f"{self.get_verdict_display()} by {self.stakeholder_id}"


class SignOff(models.Model):
    """A stakeholder accepted a backlog item: who, when, optionally at which demo.
    ``last_minute`` is set when they had never been involved with the item before (the
    health rule ``last_minute_sign_off`` flagged it)."""

    backlog_item = models.ForeignKey("backlog.BacklogItem", on_delete=models.CASCADE, related_name="sign_offs")
    stakeholder = models.ForeignKey("stakeholders.Stakeholder", on_delete=models.CASCADE, related_name="sign_offs")
    session = models.ForeignKey("heard_sessions.Session", on_delete=models.SET_NULL, null=True, blank=True, related_name="sign_offs")
    note = models.TextField(blank=True)
    at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    last_minute = models.BooleanField(default=False)
    involvement = models.JSONField(default=list, blank=True, help_text="How they had been involved before signing off.")

    class Meta:
        ordering = ["at", "id"]
        constraints = [models.UniqueConstraint(fields=["backlog_item", "stakeholder"], name="sign_off_once_per_person")]
        indexes = [models.Index(fields=["stakeholder", "at"], name="sign_off_by_person")]

    def __str__(self):
        return f"Sign-off of item {self.backlog_item_id} by {self.stakeholder_id}"
