"""Demo data for demos and sign-off: the sessions' demos name the acceptance criteria they
showed, in realistic scenarios; the customers who took part gave verdicts (one "does not
fit" became feedback on its criterion); one item was signed off by someone who took part and
once by a buyer never involved before (a last-minute sign-off); and one criterion was
reworded after it had been judged (the health figure "criteria changed after a demo
verdict or sign-off" counts it).

Idempotent: demonstrations, verdicts and sign-offs have natural keys (session and criterion,
demonstration and person, item and person); the reworded criterion is found by its old text.
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

# (product, session title, item key, scenario)
PLAN = [
    ("invoicing", "Sprint 41 demo: payment reminders", "INV-103",
     {"data_volume": "A customer in Bavaria with 40 open invoices, reminders due on 6 January (a public holiday there)", "device": "laptop", "connectivity": "broadband"}),
    ("invoicing", "Sprint 41 demo: payment reminders", "INV-101",
     {"data_volume": "A month-end of 100 records, as at Kestrel Logistics", "device": "desktop", "connectivity": "broadband"}),
    ("invoicing", "Sprint 43 demo: bookkeeping export", "INV-102",
     {"data_volume": "A month of 1 200 invoices, 80 of them with both 7 % and 19 % VAT", "device": "laptop", "connectivity": "broadband",
      "scenario_notes": "The file is imported into a real DATEV test client."}),
    ("invoicing", "Sprint 43 demo: bookkeeping export", "INV-104",
     {"data_volume": "A three-page invoice with 25 lines", "device": "desktop", "assistive_technology": "NVDA screen reader with Firefox",
      "connectivity": "broadband"}),
    ("field-app", "Sprint 12 demo: signatures on glass", "FLD-201",
     {"data_volume": "30 signatures in a day, 6 of them in a basement without signal", "device": "phone", "connectivity": "offline"}),
]

# Per demonstrated item, the verdicts of the session's stakeholder participants in order, per criterion.
VERDICTS = {
    "INV-103": [[("fits", "Exactly what we need in January."), ("partly_fits", "Also regional holidays, not only national ones."), ("fits", "")]],
    "INV-101": [[("partly_fits", "Two minutes is fine for 100 records, but at month-end we have 500."), ("fits", ""), ("cannot_judge", "I only run it quarterly.")],
                [("fits", "Being told when it is ready is great."), ("fits", ""), ("fits", "")]],
    "INV-102": [[("fits", "DATEV took the file."), ("does_not_fit", "Lines with 0 % VAT (exports to Switzerland) are still dropped."), ("fits", "")],
                [("partly_fits", "The reason is clear, but I cannot see which invoice without opening the log."), ("fits", ""), ("fits", "")]],
    "INV-104": [[("fits", "NVDA read number, total and due date in order."), ("cannot_judge", "I do not use a screen reader."), ("fits", "")],
                [("partly_fits", "The VAT table headers are read, the totals table has none."), ("cannot_judge", ""), ("fits", "")]],
}
# The verdict that also became feedback on its criterion: (item key, criterion number, participant number).
AS_FEEDBACK = {("INV-102", 1, 2)}

REWORDED = ("INV-101",
            "When a clerk generates the monthly report for 100 records, it is ready within 2 minutes.",
            "When a clerk generates the monthly report for 500 records, it is ready within 2 minutes.")


def load(workspace):
    from heard.health import rollups

    touched = set()
    for slug, title, key, scenario in PLAN:
        product = workspace.products.filter(slug=slug).first()
        session = product and product.sessions.filter(title=title).first()
        item = product and product.backlog_items.filter(external_key=key).first()
        if not (session and item and item.criteria.exists()):
            continue
        _demonstrate(session, item, scenario)
        if session.starts_at <= timezone.now() and key in VERDICTS:
            _verdicts(session, item, VERDICTS[key])
        touched.add(product)
    for product in touched:
        if product.slug == "invoicing":
            _sign_offs(workspace, product)
            _reword(product)
        _health_sign_off(workspace, product)
    for product in touched:
        rollups.rebuild(product)


def _demonstrate(session, item, scenario):
    from . import actions

    shown = set(session.demonstrations.values_list("criterion_id", flat=True))
    if not set(item.criteria.values_list("pk", flat=True)) - shown:
        return
    actions.add_demonstrations(actor=None, session=session, item=item, scenario=scenario)


def _verdicts(session, item, plan):
    from heard.feedback.models import Feedback

    from . import actions
    from .models import DemoVerdict

    people = [p.stakeholder for p in session.participants.select_related("stakeholder").order_by("pk") if p.stakeholder_id]
    demonstrations = list(session.demonstrations.filter(criterion__item=item).select_related("criterion").order_by("criterion__position", "criterion_id"))
    moment = session.starts_at + timedelta(minutes=35)
    for n, (demonstration, row) in enumerate(zip(demonstrations, plan, strict=False), start=1):
        for m, (person, (verdict, note)) in enumerate(zip(people, row, strict=False), start=1):
            if DemoVerdict.objects.filter(demonstration=demonstration, stakeholder=person).exists():
                continue
            found = actions.record_verdict(actor=None, demonstration=demonstration, stakeholder=person, verdict=verdict, note=note,
                                           as_feedback=(item.external_key, n, m) in AS_FEEDBACK)
            # Given during the demo, not now.
            DemoVerdict.objects.filter(pk=found.pk).update(recorded_at=moment, updated_at=moment)
            if found.feedback_id:
                Feedback.objects.filter(pk=found.feedback_id).update(said_at=moment)


def _sign_offs(workspace, product):
    from heard.health.detect import involvement

    from . import actions
    from .models import SignOff

    item = product.backlog_items.filter(external_key="INV-102").first()
    session = product.sessions.filter(title="Sprint 43 demo: bookkeeping export").first()
    if not (item and session):
        return
    attendee = session.participants.filter(stakeholder__isnull=False).exclude(attendance="absent").select_related("stakeholder").order_by("pk").first()
    if attendee and not SignOff.objects.filter(backlog_item=item, stakeholder=attendee.stakeholder).exists():
        actions.sign_off(actor=None, item=item, stakeholder=attendee.stakeholder, session=session, at=session.ends_at + timedelta(hours=2),
                         note="Accepted for our team after the demo.")
    if SignOff.objects.filter(backlog_item=item, last_minute=True).exists():
        return
    now = timezone.now()
    buyers = workspace.stakeholders.filter(erased_at__isnull=True, kind="buyer").order_by("pk")
    outsider = next((b for b in buyers if not involvement(item, b, at=now)), None)
    if outsider is not None:
        actions.sign_off(actor=None, item=item, stakeholder=outsider, at=now - timedelta(days=2),
                         note="Approved by procurement for the 2026.2 release.")


def _health_sign_off(workspace, product):
    """The health demo flags a last-minute sign-off of its reopened item by the first
    regulator through the rule alone; record the sign-off itself, so the flag has its row."""
    from heard.health.demo import REOPENED_ITEM

    from . import actions
    from .models import SignOff

    item = product.backlog_items.filter(title=REOPENED_ITEM.get(product.slug, "")).first()
    regulator = workspace.stakeholders.filter(erased_at__isnull=True, kind="regulator").order_by("pk").first()
    if item and regulator and not SignOff.objects.filter(backlog_item=item, stakeholder=regulator).exists():
        actions.sign_off(actor=None, item=item, stakeholder=regulator, at=timezone.now() - timedelta(days=6))


def _reword(product):
    from heard.backlog import actions as backlog_actions

    key, old, new = REWORDED
    item = product.backlog_items.filter(external_key=key).first()
    criterion = item and item.criteria.filter(text=old).first()
    if criterion is not None and criterion.demonstrations.filter(verdicts__isnull=False).exists():
        backlog_actions.update_criterion(actor=None, criterion=criterion, data={"text": new})
