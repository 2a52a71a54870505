"""Decision records: the question, options, criteria, evidence, who holds which decision
right, the outcome with its rationale, escalation to a forum, and what a decision supersedes.

A decision is decided only through ``actions.decide``, which enforces the decision rights:
someone must hold the right to decide, every required adviser must have weighed in, and an
escalated decision is decided by its forum's final authority.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone

from heard.core.models import InOrder, Product, Workspace, member_who, timestamps
from heard.participation import models as participation
from heard.participation.models import Right


class DecisionStatus(models.TextChoices):
    OPEN = "open", "Open"
    DECIDED = "decided", "Decided"
    SUPERSEDED = "superseded", "Superseded"
    ESCALATED = "escalated", "Escalated"


OPEN_STATUSES = (DecisionStatus.OPEN, DecisionStatus.ESCALATED)


# The decision rights of participants are participation's.
DecisionRight = Right


class TieBreak(models.TextChoices):
    """How a tie between deciders (or between equally good options) is broken."""

    PRODUCT_OWNER = "product_owner", "The product owner has the casting vote"
    FINAL_AUTHORITY = "final_authority", "Escalate to the forum's final authority"
    CUSTOMER_IMPACT = "customer_impact", "The option that helps the most affected customers wins"
    LOWEST_RISK = "lowest_risk", "The option with the lowest risk wins"
    STATUS_QUO = "status_quo", "Keep things as they are until new evidence arrives"


class EscalationForum(models.Model):
    """Where decisions go when the people holding the right cannot settle them.

    ``final_authority`` decides escalated decisions; ``deadline_days`` after escalation the
    decision is due.
    """

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="escalation_forums")
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="escalation_forums")
    final_authority = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="final_authority_of")
    deadline_days = models.PositiveSmallIntegerField(default=10)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name", "pk"]
        constraints = [models.UniqueConstraint(fields=["workspace", "name"], name="forum_name_unique_in_workspace")]

    def __str__(self):
        return self.name


class Decision(models.Model):
    """A decision record: the question, options, evidence, rights, outcome and rationale."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="decisions")
    question = models.CharField(max_length=300)
    context = models.TextField(blank=True)
    criteria = models.JSONField(default=list, blank=True, help_text="What a good answer must satisfy, one text per criterion.")
    status = models.CharField(max_length=20, choices=DecisionStatus.choices, default=DecisionStatus.OPEN)
    due_date = models.DateField(null=True, blank=True)
    tie_break = models.CharField(max_length=30, choices=TieBreak.choices, default=TieBreak.PRODUCT_OWNER)
    # Flags
    confidential = models.BooleanField(default=False, help_text="Team only: never shown in the stakeholder portal.")
    open_for_comment = models.BooleanField(default=False, help_text="Stakeholders may comment from the portal.")
    touches_compliance = models.BooleanField(default=False, help_text="Touches privacy, safety or legal duties.")
    # Outcome
    outcome = models.ForeignKey("DecisionOption", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    rationale = models.TextField(blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = member_who()
    supersedes = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True, related_name="superseded_by")
    # Escalation
    forum = models.ForeignKey(EscalationForum, on_delete=models.SET_NULL, null=True, blank=True, related_name="decisions")
    escalation_reason = models.TextField(blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)
    escalation_deadline = models.DateField(null=True, blank=True)
    created_by = member_who()
    created_at, updated_at = timestamps()

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["product", "status"], name="decision_product_status")]

    def __str__(self):
        return self.question

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class DecisionOption(InOrder):
    """One answer to the question, with what it is worth, what it costs and what could go wrong."""

    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="options")
    title = models.CharField(max_length=200)
    value = models.TextField(blank=True)
    cost = models.TextField(blank=True)
    risk = models.TextField(blank=True)
    notes = models.TextField(blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    def __str__(self):
        return self.title


class EvidenceKind(models.TextChoices):
    FEEDBACK = "feedback", "Feedback"
    TICKET = "ticket", "Support ticket"
    BACKLOG_ITEM = "backlog_item", "Backlog item"
    PROGRAM = "program", "Program results"


# kind -> the DecisionEvidence field that holds the target. Themes and program results add a
# kind, a nullable FK and a row here.
EVIDENCE_FIELDS = {
    EvidenceKind.FEEDBACK: "feedback",
    EvidenceKind.TICKET: "ticket",
    EvidenceKind.BACKLOG_ITEM: "backlog_item",
    EvidenceKind.PROGRAM: "program_outcome",
}


class DecisionEvidence(models.Model):
    """What the decision rests on: a feedback item, a ticket or a backlog item, with a note."""

    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="evidence")
    kind = models.CharField(max_length=20, choices=EvidenceKind.choices)
    feedback = models.ForeignKey("feedback.Feedback", on_delete=models.CASCADE, null=True, blank=True, related_name="decision_evidence")
    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.CASCADE, null=True, blank=True, related_name="decision_evidence")
    backlog_item = models.ForeignKey("backlog.BacklogItem", on_delete=models.CASCADE, null=True, blank=True, related_name="decision_evidence")
    # A beta's or pilot's confirmed go / no-go (programs.ProgramOutcome).
    program_outcome = models.ForeignKey("programs.ProgramOutcome", on_delete=models.CASCADE, null=True, blank=True, related_name="decision_evidence")
    note = models.TextField(blank=True)
    added_by = member_who()
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["added_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(kind="feedback", feedback__isnull=False, ticket__isnull=True, backlog_item__isnull=True, program_outcome__isnull=True)
                    | models.Q(kind="ticket", feedback__isnull=True, ticket__isnull=False, backlog_item__isnull=True, program_outcome__isnull=True)
                    | models.Q(kind="backlog_item", feedback__isnull=True, ticket__isnull=True, backlog_item__isnull=False, program_outcome__isnull=True)
                    | models.Q(kind="program", feedback__isnull=True, ticket__isnull=True, backlog_item__isnull=True, program_outcome__isnull=False)
                ),
                name="evidence_kind_matches_target",
            ),
            models.UniqueConstraint(fields=["decision", "feedback"], condition=models.Q(feedback__isnull=False), name="feedback_once_per_decision"),
            models.UniqueConstraint(fields=["decision", "ticket"], condition=models.Q(ticket__isnull=False), name="ticket_once_per_decision"),
            models.UniqueConstraint(fields=["decision", "backlog_item"], condition=models.Q(backlog_item__isnull=False), name="backlog_item_once_per_decision"),
            models.UniqueConstraint(fields=["decision", "program_outcome"], condition=models.Q(program_outcome__isnull=False), name="program_outcome_once_per_decision"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.target}"

    @property
    def target(self):
        return getattr(self, EVIDENCE_FIELDS[self.kind])

    @property
    def stakeholder(self):
        """The stakeholder whose voice this evidence carries, if any."""
        if self.kind == EvidenceKind.FEEDBACK:
            return self.feedback.stakeholder
        if self.kind == EvidenceKind.TICKET:
            return self.ticket.requester
        return None


class DecisionParticipant(participation.Participant):
    """A team member or a stakeholder with a decision right on one decision; a required
    adviser must weigh in before the decision can be taken."""

    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="participants")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="decision_participations")
    stakeholder = models.ForeignKey("stakeholders.Stakeholder", on_delete=models.CASCADE, null=True, blank=True, related_name="decision_participations")

    class Meta(participation.Participant.Meta):
        constraints = participation.participant_constraints("decision", prefix="decision_")


class DecisionComment(participation.Comment):
    """Written input on a decision, by a team member or a stakeholder (from the portal where
    the decision is open for comment, or typed in by a team member: ``recorded_by``)."""

    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="comments")
    author_user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="decision_comments")
    author_stakeholder = models.ForeignKey("stakeholders.Stakeholder", on_delete=models.CASCADE, null=True, blank=True, related_name="decision_comments")
