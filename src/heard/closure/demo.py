"""Demo closure work: per product, a closed cycle over the last quarter whose notes are
partly reviewed and partly sent, shared increment goals and figures, and an enablement
note on a released item. Idempotent: the cycle is looked up by name, figures by label,
enablement notes by title."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

CYCLE = "Last quarter"
FIGURES = {
    "invoicing": [("adoption", "Customers invoicing with us this month", "1 240", "Up from 1 105 last quarter."),
                  ("defects", "Open defects reported by customers", "14", "3 of them severe.")],
    "field-app": [("adoption", "Technicians using the app each week", "3 870", ""),
                  ("defects", "Open defects reported by customers", "9", "")],
}
GUIDE = ("guide", "{title}: a two-minute guide", "You asked for this, and it has shipped. Open a job, tap the new button and follow the steps. "
         "Tell us in the portal if anything is unclear.", "https://example.com/guides/{key}")


def load(workspace):
    from heard.closure import actions
    from heard.closure.models import EnablementNote, ProductShare

    today = timezone.localdate()
    for product in workspace.products.order_by("slug"):
        for kind, label, value, note in FIGURES.get(product.slug, []):
            if not ProductShare.objects.filter(product=product, label=label).exists():
                actions.save_figure(actor=None, product=product, data={"kind": kind, "label": label, "value": value, "note": note})
        for item in product.backlog_items.exclude(increment="").exclude(status="idea").order_by("external_key", "id")[:4]:
            actions.set_goal_shared(actor=None, backlog_item=item, shared=True)
        released = product.backlog_items.filter(status="released").order_by("external_key", "id").first()
        if released is not None:
            kind, title, body, url = GUIDE
            title = title.format(title=released.title)
            if not EnablementNote.objects.filter(backlog_item=released, title=title).exists():
                note = actions.create_enablement_note(actor=None, backlog_item=released, data={
                    "kind": kind, "title": title, "body": body, "url": url.format(key=(released.external_key or released.pk))})
                actions.send_enablement_note(actor=None, note=note)
        if product.closure_cycles.filter(name=CYCLE).exists():
            continue
        cycle = actions.create_cycle(actor=None, product=product, data={"name": CYCLE, "starts_on": today - timedelta(days=90), "ends_on": today})
        actions.close_cycle(actor=None, cycle=cycle)
        notes = list(cycle.notes.select_related("stakeholder").order_by("stakeholder__name", "id"))
        reviewed = notes[: max(1, len(notes) // 2)]
        for note in reviewed:
            actions.review_note(actor=None, note=note)
        # Send a few, so the portal has notes to show; the rest wait for a person to review them.
        actions.send_notes(actor=None, cycle=cycle, notes=reviewed[: max(1, len(reviewed) // 3)])
