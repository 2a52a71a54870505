"""Synthetic but realistic feedback for the feedback benchmark: invoicing and field-service
sentences built from templates, so word frequencies look like real notes (a few very
common words, a long tail of rare ones)."""

from __future__ import annotations

import random
from datetime import timedelta

SUBJECTS = ["invoice", "quote", "payment reminder", "credit note", "VAT report", "DATEV export", "bank feed", "PDF", "dashboard",
            "job list", "offline form", "signature", "photo upload", "route plan", "timesheet", "customer portal", "search",
            "recurring invoice", "dunning letter", "SEPA mandate", "purchase order", "approval flow", "expense claim", "stock list",
            "work order", "checklist", "barcode scan", "map view", "calendar sync", "login", "two-factor prompt", "audit trail"]
PROBLEMS = ["takes {n} {unit} to load", "fails when there are more than {n} {thing}", "shows the wrong total for {n} {thing}",
            "is lost after {n} {unit} offline", "needs {n} clicks to reach", "times out after {n} {unit}", "duplicates {n} {thing}",
            "is hard to read with a screen reader", "does not remember the last filter", "cannot be exported to Excel",
            "rounds VAT differently from the tax office", "is slow on older Android phones", "ignores the customer's language",
            "sends reminders on public holidays", "breaks when the address has an umlaut", "hides the due date on small screens"]
UNITS = ["seconds", "minutes", "hours"]
THINGS = ["records", "invoices", "line items", "photos", "jobs", "customers", "pages", "attachments"]
TARGETS = ["", "", " The agreed target is {m} {unit}.", " They expected under {m} {unit}.", " It should take at most {m} {unit}."]
CONTEXT = ["during month-end closing", "on a customer site with no signal", "while onboarding a new client", "at the end of a shift",
           "when preparing the quarterly VAT return", "in the weekly dispatch meeting", "on a tablet in the van", ""]
VAGUE = ["The {s} feels slow.", "People don't like the {s}.", "The {s} is annoying sometimes.", "Could the {s} be better?"]
NAMES = ["Kestrel", "Northgate", "Pinecrest", "Aurora", "Lindenfeld", "Tidewater", "Casa Verde", "Mosaic"]


def sentence(rng: random.Random) -> str:
    subject = rng.choice(SUBJECTS)
    if rng.random() < 0.2:
        return rng.choice(VAGUE).format(s=subject)
    problem = rng.choice(PROBLEMS).format(n=rng.randint(2, 500), unit=rng.choice(UNITS), thing=rng.choice(THINGS))
    target = rng.choice(TARGETS).format(m=rng.randint(1, 30), unit=rng.choice(UNITS))
    context = rng.choice(CONTEXT)
    who = rng.choice(NAMES)
    return f"The {subject} {problem}{' ' + context if context else ''} at {who}.{target}".replace("  ", " ")


def generate(product, stakeholders, rows: int, *, seed: int = 7, batch: int = 2000, progress=None) -> None:
    """Insert ``rows`` feedback items into ``product`` the way an import would (bulk, scored, indexed)."""
    from django.db import transaction
    from django.utils import timezone

    from heard.feedback import actions, similar
    from heard.feedback.models import Disposition, Feedback, FeedbackChannel, FeedbackDisposition

    rng = random.Random(seed)
    channels = FeedbackChannel.values
    dispositions = Disposition.values
    now = timezone.now()
    done = 0
    while done < rows:
        items = []
        for _ in range(min(batch, rows - done)):
            person = rng.choice(stakeholders) if rng.random() < 0.9 else None
            f = Feedback(product=product, stakeholder=person, channel=rng.choice(channels), text=sentence(rng),
                         said_at=now - timedelta(minutes=rng.randint(0, 60 * 24 * 700)), disposition=rng.choice(dispositions))
            f.is_proxy = person is None or person.kind == "internal_proxy"
            actions._assess(f, linked=False)
            items.append(f)
        with transaction.atomic():
            Feedback.objects.bulk_create(items, batch_size=500)
            FeedbackDisposition.objects.bulk_create([FeedbackDisposition(feedback=f, status=f.disposition, at=f.said_at) for f in items], batch_size=1000)
            similar.index_items(items)
        done += len(items)
        if progress:
            progress(done)
