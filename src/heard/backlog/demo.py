"""Demo backlog: items with acceptance criteria for Fernhill Invoicing and Fernhill Field.
Idempotent: items are looked up by their external key."""

from __future__ import annotations

ITEMS = {
    "invoicing": [
        ("INV-101", "Generate monthly reports in under two minutes", "in_progress", "2026.2",
         "Month-end reports for 100+ records take five minutes or more; finance teams wait during closing.",
         ["When a clerk generates the monthly report for 100 records, it is ready within 2 minutes.",
          "While a report is being generated, the clerk can keep working and is told when it is ready."]),
        ("INV-102", "DATEV export accepts invoices with several VAT rates", "ready", "2026.2",
         "Exports with mixed VAT rates are rejected by DATEV.",
         ["When an invoice has two or more VAT rates, the DATEV export lists one line per rate and DATEV accepts the file.",
          "When an export fails, the bookkeeper sees which invoice failed and why, in plain words."]),
        ("INV-103", "No payment reminders on public holidays", "refined", "2026.3",
         "Reminders sent on public holidays annoy customers and get ignored.",
         ["When a reminder falls on a public holiday in the customer's region, it is sent on the next working day."]),
        ("INV-104", "Invoice PDFs readable with a screen reader", "ready", "2026.2",
         "Tagged PDFs so screen reader users can read totals and due dates.",
         ["When a screen reader user opens an invoice PDF, the reader announces the invoice number, total and due date in order.",
          "Every table in the PDF has header cells a screen reader announces."]),
        ("INV-105", "Bank feed reconciliation", "idea", "",
         "Match incoming payments from the bank feed to open invoices.",
         ["When a payment arrives with the invoice number in the reference, the invoice is marked paid without anyone touching it."]),
        ("INV-106", "Faster invoice search", "done", "2026.1",
         "Searching 20 000 invoices by customer name took 8 seconds.",
         ["When a clerk searches by customer name in 20 000 invoices, results appear within 1 second."]),
        ("INV-107", "E-invoicing (XRechnung) for public-sector customers", "refined", "2026.3",
         "Public-sector buyers must receive XRechnung invoices by law.",
         ["When the customer is a public authority, the invoice can be sent as a valid XRechnung file."]),
        ("INV-108", "Dunning letters in the customer's language", "idea", "", "", []),
    ],
    "field-app": [
        ("FLD-201", "Keep signatures when offline", "in_progress", "2026.2",
         "Signatures captured without signal are lost when the app restarts.",
         ["When a technician captures a signature without signal, it is kept on the device and sent when the connection returns.",
          "When the app restarts offline, captured signatures are still there."]),
        ("FLD-202", "Photo upload that survives weak connections", "ready", "2026.2",
         "Uploads of 10+ photos fail on weak 3G connections.",
         ["When a technician attaches 10 photos on a weak connection, every photo arrives, resuming where it stopped."]),
        ("FLD-203", "Route plan in under 5 seconds", "refined", "2026.3",
         "Dispatchers wait 20 seconds for a day's route plan of 12 jobs.",
         ["When a dispatcher opens a day with 12 jobs, the route plan shows within 5 seconds."]),
        ("FLD-204", "Large-text mode for checklists", "ready", "2026.2",
         "Technicians with low vision cannot read checklists at 200% zoom.",
         ["When text size is set to 200%, checklist items wrap and nothing is cut off."]),
        ("FLD-205", "Timesheets from job check-ins", "idea", "", "Fill timesheets from job start/stop times.", []),
        ("FLD-206", "Barcode scan for spare parts", "released", "2026.1", "Scan part barcodes instead of typing numbers.",
         ["When a technician scans a part barcode, the part is added to the job with its price."]),
    ],
}


def load(workspace):
    from heard.backlog import actions
    from heard.backlog.models import CriterionStatus

    people = list(workspace.stakeholders.filter(erased_at__isnull=True).exclude(kind="internal_proxy").order_by("pk"))
    for slug, items in ITEMS.items():
        product = workspace.products.filter(slug=slug).first()
        if product is None:
            continue
        for n, (key, title, status, increment, description, criteria) in enumerate(items):
            if product.backlog_items.filter(external_key=key).exists():
                continue
            item = actions.create_item(actor=None, product=product, data={
                "title": title, "external_key": key, "status": status, "increment": increment, "description": description})
            for i, text in enumerate(criteria):
                state = CriterionStatus.VERIFIED if status in ("done", "released") else CriterionStatus.AGREED if i == 0 and status != "idea" else CriterionStatus.DRAFT
                writers = [people[(n * 3 + i) % len(people)].pk, people[(n * 7 + i + 1) % len(people)].pk] if people else []
                actions.add_criterion(actor=None, item=item, data={"text": text, "status": state, "co_writers": writers})
