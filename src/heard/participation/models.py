"""The shape of taking part: a person (a stakeholder or a team member) with a decision right
on something, and the written comments people leave on it.

These are abstract: each thing people take part in (a session, a decision, and next demos,
pilots and partner agreements) keeps its own participant and comment tables, with a real
foreign key to itself, built from these bases. Why one table per kind and not one generic
table: see docs/development.md, "Participation".

A concrete participant declares three foreign keys, each with its own related names: the
thing taken part in (``related_name="participants"``), ``stakeholder`` and ``user``; and takes
its constraints from ``participant_constraints``. A concrete comment declares the thing
(``related_name="comments"``), ``author_user`` and ``author_stakeholder``.
"""

from django.db import models
from django.utils import timezone

from heard.core.models import member_who


class Right(models.TextChoices):
    DECIDES = "decides", "Decides"
    ADVISES = "advises", "Advises"
    CONTRIBUTES = "contributes", "Contributes"
    INFORMED = "informed", "Informed"


def participant_constraints(subject: str, *, prefix: str = "") -> list:
    """A person is a stakeholder or a team member, never both, and takes part once."""
    return [
        models.CheckConstraint(
            condition=(models.Q(stakeholder__isnull=False, user__isnull=True) | models.Q(stakeholder__isnull=True, user__isnull=False)),
            name=f"{prefix}participant_is_stakeholder_xor_user",
        ),
        models.UniqueConstraint(fields=[subject, "stakeholder"], condition=models.Q(stakeholder__isnull=False), name=f"stakeholder_once_per_{subject}"),
        models.UniqueConstraint(fields=[subject, "user"], condition=models.Q(user__isnull=False), name=f"user_once_per_{subject}"),
    ]


class Attendance(models.TextChoices):
    NOT_RECORDED = "", "Not recorded"
    ATTENDED = "attended", "Attended"
    ABSENT = "absent", "Absent"


class Participant(models.Model):
    """A stakeholder or a team member taking part with a decision right.

    An adviser marked ``required`` must weigh in (``advice``, ``weighed_in_at``) before the
    thing can be settled, where its kind asks for advice; ``attendance`` is recorded
    afterwards where its kind meets. ``invited_at`` is when the person was added.
    """

    stakeholder = None  # declared by each kind, with its own related names
    user = None
    right = models.CharField(max_length=20, choices=Right.choices, default=Right.CONTRIBUTES)
    required = models.BooleanField(default=False, help_text="For advisers: the decision waits for their advice.")
    advice = models.TextField(blank=True)
    weighed_in_at = models.DateTimeField(null=True, blank=True)
    attendance = models.CharField(max_length=10, choices=Attendance.choices, blank=True, default="")
    invited_at = models.DateTimeField(default=timezone.now)

    class Meta:
        abstract = True
        ordering = ["pk"]

    def __str__(self):
        return f"{self.person_name} ({self.get_right_display()})"

    @property
    def person_name(self) -> str:
        return self.stakeholder.name if self.stakeholder_id else self.user.display_name

    @property
    def is_customer(self) -> bool:
        return self.stakeholder_id is not None and not self.stakeholder.is_proxy

    @property
    def has_weighed_in(self) -> bool:
        return self.weighed_in_at is not None


class Comment(models.Model):
    """Written input by a team member (``author_user``) or a stakeholder
    (``author_stakeholder``); ``recorded_by`` is the team member who typed in a stakeholder's
    words, if any (a comment sent from the portal has none)."""

    author_user = None  # declared by each kind, with its own related names
    author_stakeholder = None
    recorded_by = member_who()
    body = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        abstract = True
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"Comment by {self.author_name}"

    @property
    def author_name(self) -> str:
        if self.author_stakeholder_id:
            return self.author_stakeholder.name
        return self.author_user.display_name if self.author_user_id else "A former team member"
