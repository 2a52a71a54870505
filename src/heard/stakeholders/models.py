from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone

from heard.core.models import Workspace, timestamps


class StakeholderKind(models.TextChoices):
    END_USER = "end_user", "End user"
    BUYER = "buyer", "Buyer"
    OPERATOR = "operator", "Operator"
    SUPPORT = "support", "Support staff"
    REGULATOR = "regulator", "Regulator"
    PARTNER = "partner", "Partner or vendor"
    INTERNAL_PROXY = "internal_proxy", "Internal proxy"


class ConsentPurpose(models.TextChoices):
    RECORDING = "recording", "Recording"
    QUOTING = "quoting", "Quoting"
    TELEMETRY = "telemetry", "Telemetry"
    CONTACT = "contact", "Contact"


class DisclosureKind(models.TextChoices):
    CONFLICT_OF_INTEREST = "conflict_of_interest", "Conflict of interest"
    INCENTIVE = "incentive", "Incentive"


class Segment(models.Model):
    """A slice of the customer base (enterprise, accessibility users, a region...).

    ``target_share`` is the share of voice the team aims for, in percent (0–100), or None.
    """

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="segments")
    slug = models.SlugField(max_length=60)
    name = models.CharField(max_length=120)
    description = models.TextField(blank=True)
    target_share = models.DecimalField(
        max_digits=5, decimal_places=2, null=True, blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    is_edge_case = models.BooleanField(default=False, help_text="A segment whose absence from a decision should be flagged.")

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["workspace", "slug"], name="segment_slug_unique_in_workspace")]

    def __str__(self):
        return self.name


class Organisation(models.Model):
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="organisations")
    name = models.CharField(max_length=200)
    segment = models.ForeignKey(Segment, on_delete=models.SET_NULL, null=True, blank=True, related_name="organisations")
    size_tier = models.CharField(max_length=60, blank=True, help_text="Size or revenue tier, e.g. '1000+ staff' or 'Tier 1'.")
    region = models.CharField(max_length=120, blank=True)
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(Lower("name"), "workspace", name="organisation_name_unique_in_workspace")]

    def __str__(self):
        return self.name


class Stakeholder(models.Model):
    """Someone whose voice counts: a customer, a buyer, a regulator, an internal proxy...

    Stakeholders never log in with a password; they use the portal by magic link.
    Erasure (``erased_at`` set) anonymises name, e-mail and free text but keeps the row,
    so counts and links stay intact.
    """

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="stakeholders")
    name = models.CharField(max_length=200)
    email = models.EmailField(blank=True, default="")
    organisation = models.ForeignKey(Organisation, on_delete=models.SET_NULL, null=True, blank=True, related_name="stakeholders")
    kind = models.CharField(max_length=20, choices=StakeholderKind.choices, default=StakeholderKind.END_USER)
    segments = models.ManyToManyField(Segment, blank=True, related_name="stakeholders")
    role_title = models.CharField(max_length=200, blank=True, help_text="Their job title or role, e.g. 'Head of finance'.")
    influence = models.PositiveSmallIntegerField(default=3, validators=[MinValueValidator(1), MaxValueValidator(5)])
    interest = models.PositiveSmallIntegerField(default=3, validators=[MinValueValidator(1), MaxValueValidator(5)])
    time_zone = models.CharField(max_length=64, default="UTC")
    language = models.CharField(max_length=35, default="en", help_text="A BCP 47 language tag, e.g. en, de, pt-BR.")
    accessibility_needs = models.TextField(blank=True)
    notes = models.TextField(blank=True)
    created_by_import = models.BooleanField(default=False)
    created_at, updated_at = timestamps()
    erased_at = models.DateTimeField(null=True, blank=True)
    # Kept current on write by the apps that record input (feedback, comments, tickets),
    # so "who has not been heard from" never scans the input tables.
    last_heard_at = models.DateTimeField(null=True, blank=True, db_index=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                Lower("email"), "workspace", name="stakeholder_email_unique_in_workspace", condition=~models.Q(email="")
            ),
            models.CheckConstraint(condition=models.Q(influence__gte=1, influence__lte=5), name="stakeholder_influence_1_5"),
            models.CheckConstraint(condition=models.Q(interest__gte=1, interest__lte=5), name="stakeholder_interest_1_5"),
        ]
        indexes = [models.Index(fields=["workspace", "kind"])]

    def __str__(self):
        return self.name

    @property
    def is_erased(self) -> bool:
        return self.erased_at is not None

    @property
    def zone(self):
        """Their time zone, for what heard shows or sends them (``timezone.override(person.zone)``);
        UTC when the stored name is unknown to this machine."""
        import zoneinfo

        try:
            return zoneinfo.ZoneInfo(self.time_zone or "UTC")
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            return zoneinfo.ZoneInfo("UTC")

    @property
    def is_proxy(self) -> bool:
        return self.kind == StakeholderKind.INTERNAL_PROXY


class Consent(models.Model):
    """Consent for one purpose, with the disclosure text the person saw.

    A consent is active while ``withdrawn_at`` is empty. A new grant after a withdrawal is a
    new row, so the history stays readable.
    """

    stakeholder = models.ForeignKey(Stakeholder, on_delete=models.CASCADE, related_name="consents")
    purpose = models.CharField(max_length=20, choices=ConsentPurpose.choices)
    disclosure_text = models.TextField()
    granted_at = models.DateTimeField(default=timezone.now)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["purpose", "-granted_at"]
        constraints = [
            models.UniqueConstraint(fields=["stakeholder", "purpose"], condition=models.Q(withdrawn_at__isnull=True), name="one_active_consent_per_purpose"),
        ]

    def __str__(self):
        state = "withdrawn" if self.withdrawn_at else "granted"
        return f"{self.get_purpose_display()} consent of {self.stakeholder} ({state})"

    @property
    def is_active(self) -> bool:
        return self.withdrawn_at is None


class Disclosure(models.Model):
    """A conflict of interest or an incentive, shown next to the person's input in decisions."""

    stakeholder = models.ForeignKey(Stakeholder, on_delete=models.CASCADE, related_name="disclosures")
    kind = models.CharField(max_length=30, choices=DisclosureKind.choices)
    description = models.TextField()
    declared_at = models.DateTimeField(default=timezone.now)
    ends_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-declared_at"]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.stakeholder}"
