"""Small, realistic ticket sets for theme tests: a few pains, each said in several ways."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from heard.tickets.models import Ticket

PAINS = {
    "vat": [
        "Invoice PDF shows the wrong VAT rate of {n}% although the item is set to 7%",
        "Wrong VAT rate printed on invoice, customer refuses to pay the {n} euro difference",
        "VAT rate on the invoice is wrong again, 19% instead of reduced rate",
    ],
    "sync": [
        "Jobs do not sync after the technician goes back online, lost {n} job reports",
        "Offline jobs never sync to the office when the tablet reconnects",
        "Sync fails after reconnecting, finished jobs missing from the schedule",
    ],
    "login": [
        "Cannot log in after password reset, locked out after {n} attempts",
        "Password reset link expired and login still fails",
        "Login says my password is wrong right after I reset the password",
    ],
    "export": [
        "DATEV export rejects invoices with two tax codes, bookkeeper fixes {n} by hand",
        "The accounting export to DATEV fails with an error for mixed tax codes",
        "DATEV export file is rejected by our accountant software",
    ],
    "battery": [
        "App drains the battery in {n} hours since the last update",
        "Battery drain is terrible, phone dies before lunch with the app in background",
        "Huge battery usage by the app running in the background",
    ],
}
EXTRA = ["Please help.", "This is urgent for us.", "Thanks in advance.", "We are a small team.", "It happened twice today.", ""]


def make_tickets(product, counts: dict[str, int], *, start: int = 0, seed: int = 1, now: datetime | None = None,
                 days: int = 120, recent: dict[str, int] | None = None, resolve_hours: dict[str, list[int]] | None = None,
                 requesters: list | None = None) -> list[Ticket]:
    """Create tickets: ``counts[pain]`` spread over ``days``; ``recent[pain]`` more in the last 5 days.

    ``resolve_hours[pain]`` cycles through resolution times for that pain's tickets."""
    rnd = random.Random(seed)
    now = now or datetime.now(UTC)
    rows, n = [], start
    plan = [(pain, False) for pain, c in counts.items() for _ in range(c)]
    plan += [(pain, True) for pain, c in (recent or {}).items() for _ in range(c)]
    for i, (pain, is_recent) in enumerate(plan):
        n += 1
        text = rnd.choice(PAINS[pain]).format(n=rnd.randint(2, 40))
        created = now - timedelta(days=rnd.randint(0, 4) if is_recent else rnd.randint(6, days), hours=rnd.randint(0, 23))
        hours = (resolve_hours or {}).get(pain)
        solved = created + timedelta(hours=hours[i % len(hours)]) if hours else None
        requester = requesters[i % len(requesters)] if requesters else None
        rows.append(Ticket(
            product=product, source="csv", external_id=f"T-{n}", subject=text.split(",")[0][:80], body=f"{text}. {rnd.choice(EXTRA)}",
            status="solved" if solved else "open", created_at=created, solved_at=solved, content_hash=f"h{n}",
            requester=requester, requester_email=requester.email if requester else "",
        ))
    return Ticket.objects.bulk_create(rows)
