from django.db import models
from django.utils import timezone

from heard.core.models import BackgroundJob, JobStatus, Product, Workspace


class TicketSource(models.TextChoices):
    ZENDESK = "zendesk", "Zendesk"
    FRESHDESK = "freshdesk", "Freshdesk"
    INTERCOM = "intercom", "Intercom"
    JIRA = "jira", "Jira Service Management"
    CSV = "csv", "CSV file"
    NDJSON = "ndjson", "NDJSON file"


class Ticket(models.Model):
    """A support ticket (or conversation) imported from a help desk.

    A ticket is identified by its product, source and the help desk's own id, so importing
    the same export again updates tickets instead of adding them. ``content_hash`` covers
    every imported value and tells the importer whether a row changed. Times are in UTC.
    """

    # Product and requester are references the importer checks a batch at a time rather than
    # database foreign keys, which PostgreSQL checks row by row: at a million tickets those
    # checks cost as much as storing the rows. See tickets/references.py for how an import
    # and a deletion of a stakeholder or product are kept from crossing. Django still applies
    # on_delete (CASCADE, SET_NULL) when either is deleted.
    # The product has no index of its own: the unique (product, source, external_id) and the
    # (product, created_at) indexes both start with it.
    product = models.ForeignKey(
        Product, on_delete=models.CASCADE, related_name="tickets", db_index=False, db_constraint=False
    )
    source = models.CharField(max_length=20, choices=TicketSource.choices)
    external_id = models.CharField(max_length=100, help_text="The help desk's own id or key, e.g. 4711 or SUP-123.")
    requester = models.ForeignKey(
        "stakeholders.Stakeholder", on_delete=models.SET_NULL, null=True, blank=True, related_name="tickets",
        db_constraint=False,
    )
    requester_email = models.CharField(max_length=254, blank=True, default="")
    requester_name = models.CharField(max_length=200, blank=True, default="")
    subject = models.CharField(max_length=500, blank=True, default="")
    body = models.TextField(blank=True, default="")
    status = models.CharField(max_length=40, blank=True, default="")
    priority = models.CharField(max_length=40, blank=True, default="")
    tags = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField(null=True, blank=True, help_text="Last change in the help desk.")
    solved_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    content_hash = models.CharField(max_length=32)
    imported_at = models.DateTimeField(default=timezone.now)
    # Which import last wrote this ticket: a plain pointer, without a database constraint or
    # index, because every import rewrites it in bulk and nothing looks tickets up by it.
    last_import = models.ForeignKey(
        "ImportJob", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", db_constraint=False, db_index=False
    )
    # Set when the requester was erased: the ticket still counts, and imports leave it alone.
    erased_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["product", "source", "external_id"], name="ticket_unique_per_source"),
        ]
        indexes = [models.Index(fields=["product", "created_at"], name="ticket_product_created")]

    def __str__(self):
        return f"#{self.external_id} {self.subject}"[:300]

    @property
    def resolved_at(self):
        """When the ticket was solved, or else closed; None while it is open."""
        return self.solved_at or self.closed_at

    @property
    def time_to_resolution(self):
        resolved = self.resolved_at
        return resolved - self.created_at if resolved else None


# An import's status is a background job's (core.models.JobStatus); the name stays for callers.
ImportStatus = JobStatus


class ImportJob(BackgroundJob):
    """One import of a ticket file, from the command line, the API or the upload page.

    Progress counters are written after every batch, so a page or an API client can watch
    a background import. ``problems`` holds the first rejected rows (line, field, message).
    """

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="ticket_imports")
    kind = models.CharField(max_length=30, default="tickets")
    format = models.CharField(max_length=20, choices=TicketSource.choices)
    file_path = models.CharField(max_length=500, help_text="The file as given, or where the upload was stored.")
    file_name = models.CharField(max_length=255, blank=True, default="")
    file_size = models.BigIntegerField(null=True, blank=True)
    mapping = models.JSONField(default=dict, blank=True)
    rows_read = models.PositiveBigIntegerField(default=0)
    bytes_read = models.PositiveBigIntegerField(default=0)
    created = models.PositiveBigIntegerField(default=0)
    updated = models.PositiveBigIntegerField(default=0)
    unchanged = models.PositiveBigIntegerField(default=0)
    rejected = models.PositiveBigIntegerField(default=0)
    requesters_created = models.PositiveIntegerField(default=0)
    problems = models.JSONField(default=list, blank=True)
    notes = models.JSONField(default=list, blank=True)

    def __str__(self):
        return f"Ticket import {self.pk} ({self.file_name or self.file_path})"

    @property
    def percent(self) -> int | None:
        """Share of the file read so far (by bytes), when the size is known."""
        if self.status == ImportStatus.DONE:
            return 100
        if not self.file_size:
            return None
        return min(99, int(100 * self.bytes_read / self.file_size))
