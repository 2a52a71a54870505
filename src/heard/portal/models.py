"""Magic-link sign-in for stakeholders: single-use link tokens (only a hash is stored) and
sign-in requests kept for rate limiting."""

import hashlib

from django.db import models
from django.utils import timezone


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class PortalLinkToken(models.Model):
    """A magic link. Valid until ``expires_at``, once; the raw token is only in the e-mail."""

    stakeholder = models.ForeignKey("stakeholders.Stakeholder", on_delete=models.CASCADE, related_name="portal_tokens")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"Portal link for stakeholder #{self.stakeholder_id}"

    @property
    def is_usable(self) -> bool:
        return self.used_at is None and self.expires_at > timezone.now()


class PortalSignInRequest(models.Model):
    """One request for a link, known address or not, so both can be rate-limited alike."""

    email = models.CharField(max_length=254, db_index=True)
    ip = models.CharField(max_length=45, db_index=True)
    at = models.DateTimeField(default=timezone.now, db_index=True)

    def __str__(self):
        return f"{self.email} from {self.ip} at {self.at:%Y-%m-%d %H:%M}"
