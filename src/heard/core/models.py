import hashlib
import secrets

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone

from .roles import ROLE_CHOICES

slug_validator = RegexValidator(
    r"^[a-z0-9][a-z0-9-]*$", "Use lowercase letters, digits and hyphens, starting with a letter or digit."
)


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, email, password=None, **extra):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save(using=self._db)
        return user

    def create_superuser(self, email, password=None, **extra):
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A team member. Stakeholders are not users: they reach the portal by magic link."""

    email = models.EmailField(unique=True)
    name = models.CharField(max_length=200, blank=True)
    time_zone = models.CharField(max_length=64, default="UTC")
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False)
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()
    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    def __str__(self):
        return self.name or self.email

    @property
    def display_name(self) -> str:
        return self.name or self.email


def member_who():
    """The team member who did something (created, reviewed, decided it): kept as history
    when they leave (the link is cleared, the row stays); no reverse accessor on User."""
    return models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")


def timestamps():
    """``created_at, updated_at = timestamps()``: when a row was made (settable, for
    imports and demo data) and last saved."""
    return models.DateTimeField(default=timezone.now), models.DateTimeField(auto_now=True)


class InOrder(models.Model):
    """The parts of a thing listed as placed (a session's agenda, a decision's options): by
    their ``position`` (a field the part defines), then as added."""

    class Meta:
        abstract = True
        ordering = ["position", "pk"]


class Workspace(models.Model):
    slug = models.SlugField(max_length=60, unique=True, validators=[slug_validator])
    name = models.CharField(max_length=200)
    created_at = models.DateTimeField(default=timezone.now)
    setup_finished_at = models.DateTimeField(
        null=True, blank=True, help_text="When an owner finished or skipped the first-run steps; empty while the workspace is fresh."
    )

    def __str__(self):
        return self.name


class ProductQuerySet(models.QuerySet):
    def active(self):
        """Products that are not archived: the ones navigation and lists offer."""
        return self.filter(archived_at__isnull=True)


# Accent colours a team may give its product in the portal: a fixed palette, so every one
# meets AA in light and dark (heard.css .accent-<name>, checked by tests/core/test_design.py).
class Accent(models.TextChoices):
    BLUE = "blue", "Blue"
    TEAL = "teal", "Teal"
    GREEN = "green", "Green"
    PURPLE = "purple", "Purple"
    MAGENTA = "magenta", "Magenta"
    ORANGE = "orange", "Orange"
    RED = "red", "Red"
    SLATE = "slate", "Slate"


class Product(models.Model):
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="products")
    slug = models.SlugField(max_length=60, validators=[slug_validator])
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    archived_at = models.DateTimeField(
        null=True, blank=True, help_text="Archived products leave navigation and lists; their history stays readable by URL."
    )
    accent = models.CharField(max_length=20, choices=Accent.choices, default=Accent.BLUE, help_text="The product's colour in the stakeholder portal.")
    logo = models.BinaryField(blank=True, default=b"", help_text="A small PNG, JPEG, GIF or WebP shown in the portal.")
    logo_type = models.CharField(max_length=20, blank=True)

    objects = ProductQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["workspace", "slug"], name="product_slug_unique_in_workspace")]
        ordering = ["name"]

    def __str__(self):
        return self.name

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None


class Membership(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=20, choices=ROLE_CHOICES)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "workspace"], name="one_membership_per_workspace")]

    def __str__(self):
        return f"{self.user} in {self.workspace} as {self.get_role_display()}"


class Invitation(models.Model):
    """An owner's invitation for someone who already has an account to join their workspace.

    Adding an existing person is their choice, not the owner's: nothing of the workspace
    answers to them (and nothing of theirs, such as their API tokens, is visible to its
    owners) until they accept. Someone new gets an account and a membership at once instead,
    since they have nothing elsewhere to protect (core.actions.invite_member).
    """

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="invitations")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="invitations")
    role = models.CharField(max_length=20, choices=ROLE_CHOICES)
    invited_by = member_who()
    created_at = models.DateTimeField(default=timezone.now)
    accepted_at = models.DateTimeField(null=True, blank=True)
    declined_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "user"], name="one_pending_invitation_per_person",
                condition=models.Q(accepted_at__isnull=True, declined_at__isnull=True, cancelled_at__isnull=True),
            ),
        ]

    def __str__(self):
        return f"Invitation of {self.user} to {self.workspace} as {self.get_role_display()}"

    @property
    def is_pending(self) -> bool:
        return self.accepted_at is None and self.declined_at is None and self.cancelled_at is None


def _hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class TokenScope(models.TextChoices):
    READ = "read", "Read (GET only)"
    WRITE = "write", "Read and write"


class ApiToken(models.Model):
    """A bearer token for the JSON API. Only its SHA-256 is stored; the raw value is shown once.

    A token belongs to one workspace: it acts there with its person's role, and answers "not
    found" about every other workspace, even ones its person belongs to (heard.core.permissions
    enforces it for every route). ``scope`` read refuses every change; ``expires_at`` ends it.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    workspace = models.ForeignKey(
        Workspace, on_delete=models.CASCADE, null=True, blank=True, related_name="api_tokens",
        help_text="The one workspace the token works in. Empty only on revoked tokens (see the constraint).",
    )
    name = models.CharField(max_length=100, default="cli")
    prefix = models.CharField(max_length=12)
    key_hash = models.CharField(max_length=64, unique=True)
    scope = models.CharField(max_length=10, choices=TokenScope.choices, default=TokenScope.WRITE)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(null=True, blank=True, help_text="After this the token answers 401; empty: it does not expire.")
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(workspace__isnull=False) | models.Q(revoked_at__isnull=False),
                name="live_api_token_has_a_workspace",
            ),
        ]

    def __str__(self):
        return f"API token {self.prefix}… ({self.name})"

    @classmethod
    def new_raw_key(cls) -> str:
        return "hrd_" + secrets.token_urlsafe(32)

    @staticmethod
    def hash(raw: str) -> str:
        return _hash_token(raw)

    @property
    def is_expired(self) -> bool:
        return self.expires_at is not None and self.expires_at <= timezone.now()

    @property
    def is_read_only(self) -> bool:
        return self.scope == TokenScope.READ


class AuditEvent(models.Model):
    """One row per state change: who did what to which object, before and after."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="audit_events", null=True)
    actor = member_who()
    actor_label = models.CharField(max_length=254, help_text="Who acted, kept even if the user is deleted.")
    verb = models.CharField(max_length=80, db_index=True)
    object_type = models.CharField(max_length=80, db_index=True)
    object_id = models.CharField(max_length=64, db_index=True)
    object_repr = models.CharField(max_length=300)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["workspace", "object_type", "object_id"])]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.verb} {self.object_repr}"


class JobStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"


class BackgroundJob(models.Model):
    """What every piece of background work a person starts records (a ticket import, a theme
    run): its status, who started it, when it started and finished, and why it failed. The
    worker writes progress to the row, so a page or an API client can watch it."""

    status = models.CharField(max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED)
    error = models.TextField(blank=True, default="")
    created_by = models.ForeignKey("core.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True, help_text="Stamped every few seconds by the process running the job (core.heartbeat).")
    worker = models.CharField(max_length=200, blank=True, default="", help_text="host:pid of the process that ran it last.")

    class Meta:
        abstract = True
        ordering = ["-created_at", "-id"]

    @property
    def is_finished(self) -> bool:
        return self.status in (JobStatus.DONE, JobStatus.FAILED)
