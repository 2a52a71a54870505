"""Inbox lines from closing the loop: closure notes drafted but not yet reviewed."""

from __future__ import annotations

from django.db.models import Count, Max
from django.urls import reverse

from heard.core import inbox

from .models import ClosureCycle, ClosureNote, NoteStatus


@inbox.register
class DraftNotes(inbox.Source):
    key, order, title = "closure.drafts", 20, "Closure notes drafted but not reviewed"
    good = "Every drafted closure note has been read by a person; none is waiting for review."

    def collect(self, actor, product, *, limit):
        drafts = ClosureNote.objects.filter(cycle__product=product, status=NoteStatus.DRAFT)
        per_cycle = list(drafts.values("cycle_id").annotate(n=Count("id"), newest=Max("created_at")).order_by("-newest", "-cycle_id"))
        if not per_cycle:
            return inbox.Found(0, [])
        cycles = {c.pk: c for c in ClosureCycle.objects.filter(pk__in=[r["cycle_id"] for r in per_cycle[:limit]])}
        ws, slug = product.workspace.slug, product.slug
        lines = [
            inbox.Line(
                f"Cycle {cycles[r['cycle_id']].name}: {r['n']} note{'s' if r['n'] != 1 else ''} to review",
                reverse("closure:cycle", kwargs={"ws": ws, "product": slug, "pk": r["cycle_id"]}),
                r["newest"],
                "Read and edit each note, then mark it reviewed; only reviewed notes are sent.",
            )
            for r in per_cycle[:limit]
        ]
        return inbox.Found(sum(r["n"] for r in per_cycle), lines)
