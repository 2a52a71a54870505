"""Demo feedback: a few hundred items across channels and segments, from the demo
stakeholders, with dispositions and links to the demo backlog. Idempotent: each item has
an external id "demo-<product>-<n>"."""

from __future__ import annotations

import random
from datetime import timedelta

from django.utils import timezone

# (text, backlog key or "", criterion index or None, observed, expected)
SAYINGS = {
    "invoicing": [
        ("Report generation takes five minutes for 100 records, exceeding the agreed target of two.", "INV-101", 0, "", ""),
        ("The monthly report is slow.", "INV-101", None, "", ""),
        ("During closing we wait {n} minutes for the monthly report and cannot do anything else meanwhile.", "INV-101", 1, "", "Under 2 minutes"),
        ("The DATEV export rejects invoices with two VAT rates; our bookkeeper fixes {n} invoices by hand every month.", "INV-102", 0, "", ""),
        ("When the export fails we do not know which invoice caused it.", "INV-102", 1, "", ""),
        ("Payment reminders went out on Easter Monday; {n} customers complained.", "INV-103", 0, "", ""),
        ("Reminders on public holidays look careless.", "INV-103", None, "", ""),
        ("With NVDA the invoice PDF reads the total before the invoice number, and the due date is never announced.", "INV-104", 0, "Due date not announced", "Number, total, due date in that order"),
        ("Screen reader users cannot read the line-item table in the PDF.", "INV-104", 1, "", ""),
        ("Matching {n} bank payments a week to invoices takes our clerk about {m} hours.", "INV-105", 0, "", ""),
        ("Would love automatic bank reconciliation.", "INV-105", None, "", ""),
        ("Searching for a customer in 20 000 invoices now takes under a second — big improvement.", "INV-106", 0, "", ""),
        ("As a council we must receive XRechnung invoices from 2026; without it we cannot renew.", "INV-107", 0, "", "Valid XRechnung file"),
        ("Our Portuguese customers get dunning letters in English.", "INV-108", None, "", ""),
        ("The dashboard feels slow.", "", None, "", ""),
        ("Creating a quote needs {n} clicks; it should be three.", "", None, "", ""),
        ("The invoice editor loses unsaved line items after {n} minutes idle.", "", None, "", ""),
        ("I want a dark mode.", "", None, "", ""),
    ],
    "field-app": [
        ("Signatures captured in a basement without signal were gone after the app restarted; we lost {n} signed jobs last week.", "FLD-201", 0, "", ""),
        ("Offline signatures disappear sometimes.", "FLD-201", 1, "", ""),
        ("Uploading {n} photos over 3G fails halfway and starts again from the first photo.", "FLD-202", 0, "", "Resume where it stopped"),
        ("Photo upload is annoying on site.", "FLD-202", None, "", ""),
        ("The route plan for a day with 12 jobs takes {n} seconds to show; the target we agreed was 5.", "FLD-203", 0, "", ""),
        ("Dispatch waits for the route plan every morning.", "FLD-203", None, "", ""),
        ("At 200% text size the checklist items are cut off after {n} characters.", "FLD-204", 0, "", ""),
        ("Technicians with low vision cannot use the checklists.", "FLD-204", None, "", ""),
        ("Filling timesheets by hand takes each technician {n} minutes a day.", "FLD-205", None, "", ""),
        ("Scanning part barcodes saves us {n} minutes per job.", "FLD-206", 0, "", ""),
        ("The map view is clunky.", "", None, "", ""),
        ("Calendar sync doubles {n} appointments after a time-zone change.", "", None, "", ""),
        ("The app drains the battery by lunchtime.", "", None, "", ""),
    ],
}
CHANNELS = ["session_note", "interview", "demo", "support_ticket", "beta", "pilot", "telemetry_briefing", "written_comment", "email", "other"]
JOBS = ["closing the month", "sending this week's invoices", "preparing the VAT return", "visiting a customer site", "planning tomorrow's routes", "end-of-shift paperwork", ""]
ENVIRONMENTS = ["office laptop, Chrome", "tablet in the van, 3G", "basement plant room, no signal", "screen reader (NVDA) on Windows", "Android phone, 200% text", ""]
PER_PRODUCT = 160


def load(workspace):
    from heard.backlog.models import BacklogItem
    from heard.feedback import actions
    from heard.feedback.models import Feedback, FeedbackDisposition

    people = list(workspace.stakeholders.filter(erased_at__isnull=True).order_by("pk"))
    if not people:
        return
    now = timezone.now()
    for slug, sayings in SAYINGS.items():
        product = workspace.products.filter(slug=slug).first()
        if product is None:
            continue
        rng = random.Random(f"feedback-{slug}")
        items = {i.external_key: i for i in BacklogItem.objects.filter(product=product).prefetch_related("criteria")}
        existing = set(Feedback.objects.filter(product=product, source_key__startswith="demo-").values_list("source_key", flat=True))
        for n in range(PER_PRODUCT):
            text, key, crit, observed, expected = sayings[n % len(sayings)] if n < len(sayings) else rng.choice(sayings)
            person = rng.choice(people) if rng.random() < 0.92 else None
            said_at = now - timedelta(days=rng.randint(1, 360), hours=rng.randint(0, 10))
            external = f"demo-{slug}-{n}"
            rng_values = (rng.randint(3, 40), rng.randint(2, 9), rng.choice(CHANNELS), rng.choice(JOBS), rng.choice(ENVIRONMENTS), rng.random(), rng.randint(1, 3))
            if external in existing:
                continue
            num, m, channel, job, environment, roll, weight = rng_values
            feedback = actions.record_feedback(actor=None, product=product, data={
                "text": text.format(n=num, m=m), "stakeholder": str(person.pk) if person else "", "channel": channel,
                "said_at": said_at, "job": job, "environment": environment, "observed": observed, "expected": expected, "external_id": external,
            })
            item = items.get(key)
            if item is not None:
                criteria = list(item.criteria.all())
                if crit is not None and crit < len(criteria):
                    actions.link_feedback(actor=None, feedback=feedback, criterion=criteria[crit], weight=weight)
                else:
                    actions.link_feedback(actor=None, feedback=feedback, backlog_item=item, weight=weight)
            _dispose(actions, feedback, item, roll)
            # Spread the disposition history over time, as it happened (for latency figures).
            later = said_at + timedelta(days=int(3 + roll * 40))
            FeedbackDisposition.objects.filter(feedback=feedback).exclude(status="new").update(at=min(later, now))
            FeedbackDisposition.objects.filter(feedback=feedback, status="new").update(at=said_at)


def _dispose(actions, feedback, item, roll):
    if item is not None and item.status in ("done", "released"):
        actions.set_disposition(actor=None, feedback=feedback, status="already_done")
    elif item is not None and item.increment and roll < 0.7:
        actions.set_disposition(actor=None, feedback=feedback, status="planned", increment=item.increment)
    elif item is not None and roll < 0.85:
        actions.set_disposition(actor=None, feedback=feedback, status="if_time_remains")
    elif item is None and roll < 0.25:
        actions.set_disposition(actor=None, feedback=feedback, status="declined", reason="Few customers need it and it would delay the e-invoicing work required by law.")
    elif roll < 0.45:
        actions.set_disposition(actor=None, feedback=feedback, status="deferred")
    elif roll < 0.7:
        actions.set_disposition(actor=None, feedback=feedback, status="under_review")
