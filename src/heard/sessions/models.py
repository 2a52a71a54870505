"""Collaboration sessions: the engagement model of a product, sessions with objectives,
agendas, participants and their decision rights, pre-reads, written comments, and the
workspace glossary used by plain-language checks.

Times are stored in UTC; each session keeps the IANA time zone it is held in, so it can be
shown in that zone, in the reader's zone, and exported to calendars with its zone.
"""

import secrets

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone

from heard.core.models import InOrder, Product, Workspace, member_who, timestamps
from heard.participation import models as participation
from heard.participation.models import Attendance, Right  # noqa: F401 (Attendance: the choices of sessions' attendance)


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


class Mode(models.TextChoices):
    LIVE = "live", "In person"
    REMOTE = "remote", "Remote (video call)"
    ASYNCHRONOUS = "asynchronous", "Asynchronous (in writing)"


class Confidentiality(models.TextChoices):
    OPEN = "open", "Open: may be shared outside the session"
    PARTICIPANTS = "participants", "Participants only"
    TEAM = "team", "Team only: not shared with customers"


class Cadence(models.TextChoices):
    WEEKLY = "weekly", "Weekly"
    FORTNIGHTLY = "fortnightly", "Every two weeks"
    MONTHLY = "monthly", "Monthly"
    QUARTERLY = "quarterly", "Quarterly"
    AS_NEEDED = "as_needed", "As needed"


CADENCE_DAYS = {"weekly": 7, "fortnightly": 14, "monthly": 31, "quarterly": 92}


class OutcomeKind(models.TextChoices):
    CLARIFY_FIT = "clarify_fit", "Clarify fit"
    VALIDATE_USABILITY = "validate_usability", "Validate usability"
    REDUCE_RISK = "reduce_risk", "Reduce risk"
    OTHER = "other", "Other"


# The decision rights and attendance of participants are participation's.
DecisionRight = Right


def new_feed_token() -> str:
    return secrets.token_urlsafe(24)


class EngagementModel(models.Model):
    """How a product's team meets its customers: cadence per channel, lead times, caps.

    ``cadence`` maps a channel value to a Cadence value, e.g. {"demo": "monthly"}.
    ``feed_token`` is the secret in the product's calendar-feed URL (calendar clients cannot
    log in); empty means the feed is off.
    """

    product = models.OneToOneField(Product, on_delete=models.CASCADE, related_name="engagement_model")
    cadence = models.JSONField(default=dict, blank=True)
    pre_read_lead_days = models.PositiveSmallIntegerField(default=2)
    default_confidentiality = models.CharField(max_length=20, choices=Confidentiality.choices, default=Confidentiality.PARTICIPANTS)
    input_consideration_days = models.PositiveSmallIntegerField(default=10, help_text="Within how many days the team considers input.")
    invitations_per_quarter = models.PositiveSmallIntegerField(default=3, help_text="How often one stakeholder may be invited per quarter.")
    feed_token = models.CharField(max_length=64, blank=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return f"Engagement model of {self.product}"


class Session(models.Model):
    """A collaboration session with customers (interview, demo, workshop, ...)."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="sessions")
    title = models.CharField(max_length=200)
    channel = models.CharField(max_length=30, choices=Channel.choices)
    mode = models.CharField(max_length=20, choices=Mode.choices, default=Mode.REMOTE)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    time_zone = models.CharField(max_length=64, default="UTC")
    description = models.TextField(blank=True)
    location = models.CharField(max_length=300, blank=True, help_text="A room, an address or a video-call link.")
    confidentiality = models.CharField(max_length=20, choices=Confidentiality.choices, default=Confidentiality.PARTICIPANTS)
    recording_url = models.URLField(max_length=500, blank=True)
    captions_url = models.URLField(max_length=500, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    created_by = member_who()
    created_at, updated_at = timestamps()

    class Meta:
        ordering = ["-starts_at"]
        indexes = [models.Index(fields=["product", "starts_at"])]
        constraints = [models.CheckConstraint(condition=models.Q(ends_at__gt=models.F("starts_at")), name="session_ends_after_start")]

    def __str__(self):
        return self.title

    @property
    def length_minutes(self) -> int:
        return int((self.ends_at - self.starts_at).total_seconds() // 60)

    @property
    def is_published(self) -> bool:
        return self.published_at is not None


class Objective(InOrder):
    """What a session must find out: a question, the evidence needed, the decision it informs."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="objectives")
    question = models.CharField(max_length=300)
    evidence_needed = models.TextField(blank=True)
    outcome_kind = models.CharField(max_length=30, choices=OutcomeKind.choices, default=OutcomeKind.CLARIFY_FIT)
    decision = models.ForeignKey("decisions.Decision", on_delete=models.SET_NULL, null=True, blank=True, related_name="session_objectives")
    position = models.PositiveSmallIntegerField(default=0)

    def __str__(self):
        return self.question


class AgendaItem(InOrder):
    """A timeboxed part of a session. It should serve an objective or a decision; one that
    serves neither has no outcome and is flagged."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="agenda_items")
    title = models.CharField(max_length=200)
    timebox_minutes = models.PositiveSmallIntegerField()
    objective = models.ForeignKey(Objective, on_delete=models.SET_NULL, null=True, blank=True, related_name="agenda_items")
    decision = models.ForeignKey("decisions.Decision", on_delete=models.SET_NULL, null=True, blank=True, related_name="agenda_items")
    position = models.PositiveSmallIntegerField(default=0)

    def __str__(self):
        return self.title

    @property
    def has_outcome(self) -> bool:
        return self.objective_id is not None or self.decision_id is not None


class Participant(participation.Participant):
    """A stakeholder or a team member in a session, with their decision right and attendance."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="participants")
    stakeholder = models.ForeignKey("stakeholders.Stakeholder", on_delete=models.CASCADE, null=True, blank=True, related_name="session_participations")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="session_participations")

    class Meta(participation.Participant.Meta):
        constraints = participation.participant_constraints("session")


class PreRead(models.Model):
    """Material participants read before a session; ``shared_at`` empty means not yet shared."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="pre_reads")
    title = models.CharField(max_length=200)
    url = models.URLField(max_length=500, blank=True)
    body = models.TextField(blank=True)
    shared_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self):
        return self.title


class Comment(participation.Comment):
    """Written, asynchronous input on a session or one of its pre-reads (see
    participation.actions.add_comment: the portal calls it with ``stakeholder=``)."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="comments")
    pre_read = models.ForeignKey(PreRead, on_delete=models.CASCADE, null=True, blank=True, related_name="comments")
    author_user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="session_comments")
    author_stakeholder = models.ForeignKey("stakeholders.Stakeholder", on_delete=models.CASCADE, null=True, blank=True, related_name="session_comments")


class GlossaryTerm(models.Model):
    """A workspace's own plain-language rule: ``term`` should read as ``plain``.

    An empty ``plain`` accepts the term (e.g. a word every customer of this product knows),
    which silences the built-in jargon list for it.
    """

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="glossary_terms")
    term = models.CharField(max_length=80)
    plain = models.CharField(max_length=200, blank=True)
    note = models.CharField(max_length=300, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["term"]
        constraints = [models.UniqueConstraint(Lower("term"), "workspace", name="glossary_term_unique_in_workspace")]

    def __str__(self):
        return self.term
