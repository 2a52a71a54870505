"""Demo support tickets: about 220 for the invoicing app (from Zendesk) and 160 for the
field app (from Freshdesk), over the last six months, with a few recurring pains and one
recent spike per product. Requesters are the demo stakeholders plus some new end users.

Idempotent: tickets are keyed by source and external id ("DEMO-<n>") and the content is
the same for the same day, so a second run adds and changes nothing.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from django.db import transaction
from django.utils import timezone

# product -> (source, [(subject, body, tags, weight, spike)])
PAINS = {
    "invoicing": ("zendesk", [
        ("Monthly report takes minutes to load", "During month-end closing the monthly report takes {n} minutes to load and we cannot do anything else meanwhile. It used to take seconds.", ["reports", "performance"], 5, False),
        ("DATEV export rejects invoices with two VAT rates", "The DATEV export fails for every invoice that mixes 7% and 19% VAT. Our bookkeeper fixes {n} invoices by hand each month.", ["export", "datev", "vat"], 4, False),
        ("Payment reminder sent on a public holiday", "Our payment reminders went out on a public holiday and {n} customers complained that it looks careless.", ["reminders"], 3, False),
        ("Screen reader does not announce the invoice total", "With NVDA the invoice PDF reads the total before the invoice number and never announces the due date.", ["accessibility", "pdf"], 2, False),
        ("Bank payments do not match invoices", "Matching {n} bank payments a week to open invoices takes our clerk hours. The suggested matches are often wrong.", ["bank", "reconciliation"], 4, False),
        ("Invoice PDF shows the wrong VAT rate", "The PDF for invoice INV-{n} shows 19% VAT although the item is set to 7%. Our customer refused to pay it.", ["vat", "pdf"], 3, True),
        ("Cannot log in after password reset", "After resetting my password the login page still says my password is wrong. I tried {n} times and now I am locked out.", ["login"], 2, False),
        ("Need XRechnung for public sector customers", "Our council customers require XRechnung e-invoices. Without it we lose {n} contracts next year.", ["e-invoicing", "public-sector"], 2, False),
    ]),
    "field-app": ("freshdesk", [
        ("Jobs do not sync after going back online", "When technicians come back online the jobs they finished offline do not sync. We lost {n} job reports this week.", ["sync", "offline"], 5, True),
        ("Photos disappear from offline forms", "Photos attached to a form while offline are gone after the next sync. The customer needs them for the warranty claim.", ["photos", "offline"], 4, False),
        ("Signature pad freezes on Android", "On Android tablets the signature pad freezes after the first stroke; the technician has to restart the app {n} times a day.", ["android", "signature"], 3, False),
        ("App drains the battery", "Since the last update the app drains a full battery in {n} hours even when it runs in the background.", ["battery", "performance"], 2, False),
        ("Job list is too small to read outdoors", "In sunlight the grey job list text is unreadable; please add a high-contrast mode.", ["accessibility", "contrast"], 2, False),
        ("Route planning ignores traffic", "The planned route sends technicians through the city centre at rush hour; each job starts {n} minutes late.", ["routes"], 2, False),
    ]),
}
NEW_REQUESTERS = [
    ("Marta Kowalski", "marta.kowalski@harbourclinic.example"), ("Tom Becker", "tom.becker@becker-bau.example"),
    ("Aisha Bello", "aisha.bello@lagosfreight.example"), ("Lucas Moreau", "lucas.moreau@atelier-moreau.example"),
    ("Ines Carvalho", "ines.carvalho@portocargo.example"), ("Kenji Watanabe", "kenji.watanabe@kyotofacilities.example"),
    ("Sofia Lindgren", "sofia.lindgren@nordvarme.example"), ("Raj Patel", "raj.patel@patelplumbing.example"),
]
COUNTS = {"invoicing": 220, "field-app": 160}
STATUSES = ["solved", "solved", "closed", "closed", "open", "pending"]
PRIORITIES = ["low", "normal", "normal", "high", "urgent"]


def load(workspace) -> str:
    from heard.tickets.actions import TicketImportReport, TicketWriter

    today = timezone.now().astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    people = list(workspace.stakeholders.exclude(email="").filter(erased_at__isnull=True, created_by_import=False).order_by("pk").values_list("name", "email"))
    people += NEW_REQUESTERS
    created = 0
    for product in workspace.products.filter(slug__in=PAINS).order_by("slug"):
        source, pains = PAINS[product.slug]
        tickets = list(_tickets(product.slug, pains, people, today))
        report = TicketImportReport(kind="tickets")
        with transaction.atomic():
            writer = TicketWriter(product, source, None)
            writer.write(tickets, report)
            writer.finish(report)
        created += report.created
    return f"{created} support tickets."


def _tickets(slug: str, pains: list, people: list, today: datetime):
    rnd = random.Random(f"support-{slug}")
    weights = [p[3] for p in pains]
    for n in range(1, COUNTS[slug] + 1):
        subject, body, tags, _, spike = rnd.choices(pains, weights=weights)[0]
        days_ago = rnd.randint(0, 180)
        if spike and rnd.random() < 0.5:
            days_ago = rnd.randint(0, 10)  # the recent surge the themes page should flag
        created = today - timedelta(days=days_ago, hours=rnd.randint(0, 23), minutes=rnd.randint(0, 59))
        status = rnd.choice(STATUSES)
        resolved = created + timedelta(hours=rnd.randint(1, 24 * 12)) if status in ("solved", "closed") else None
        if resolved and resolved > today:
            resolved, status = None, "open"
        name, email = rnd.choice(people)
        yield {
            "external_id": f"DEMO-{n}",
            "subject": subject,
            "body": body.format(n=rnd.randint(2, 40)),
            "status": status,
            "priority": rnd.choice(PRIORITIES),
            "tags": tags,
            "created_at": created,
            "updated_at": resolved or created,
            "solved_at": resolved if status == "solved" else None,
            "closed_at": resolved if status == "closed" else None,
            "requester_email": email.lower(),
            "requester_name": name,
        }
