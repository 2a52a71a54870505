"""Demo programs: a pilot of the invoicing app that passed (ended, go confirmed), a beta
that breaks a guardrail (running), and a field-app pilot not yet decidable (too little
telemetry so far). Participants are demo stakeholders who consented to telemetry.

Idempotent: programs are found by product and name; telemetry rows carry natural keys,
so a second run adds nothing.
"""

from __future__ import annotations

import random
from datetime import timedelta

from django.utils import timezone

from . import actions
from .models import Program, ProgramStatus

# (product, name, kind, start offset in days, length, end it?, cohorts, thresholds, telemetry)
# telemetry: (metric, cohort, days, observations a day, successes a day) daily aggregates,
# or ("events", metric, cohort, n, low, high) single events with values in [low, high).
PROGRAMS = [
    ("invoicing", "Bank feed matching pilot", "pilot", -45, 30, True,
     "Suggests the matching open invoice for each bank payment.",
     [
         {"name": "Matches accepted", "metric": "match_accepted", "statistic": "rate", "direction": "at_least", "limit": 70, "minimum_sample": 1000},
         {"name": "Errors vs control", "metric": "error", "statistic": "rate", "direction": "at_most", "limit": 1,
          "comparison": "control", "minimum_sample": 1000, "is_guardrail": True},
     ],
     [("match_accepted", "Early adopters", 25, 200, 170), ("error", "Early adopters", 25, 200, 2), ("error", "Control", 25, 200, 2)]),
    ("invoicing", "New invoice PDF layout beta", "beta", -20, 30, False,
     "A clearer PDF layout with the due date and total first.",
     [
         {"name": "PDFs opened", "metric": "pdf_opened", "statistic": "rate", "direction": "at_least", "limit": 60, "minimum_sample": 500},
         {"name": "Render errors vs control", "metric": "render_error", "statistic": "rate", "direction": "at_most", "limit": 0.5,
          "comparison": "control", "minimum_sample": 1000, "is_guardrail": True},
     ],
     [("pdf_opened", "Early adopters", 15, 150, 105), ("render_error", "Early adopters", 15, 300, 9), ("render_error", "Control", 15, 300, 3)]),
    ("field-app", "Offline sync pilot", "pilot", -5, 30, False,
     "Syncs finished jobs in the background as soon as the tablet is online.",
     [
         {"name": "Syncs succeed", "metric": "sync_ok", "statistic": "rate", "direction": "at_least", "limit": 95, "minimum_sample": 200},
         {"name": "Sync time p95", "metric": "sync_seconds", "statistic": "p95", "direction": "at_most", "limit": 30, "minimum_sample": 500},
     ],
     [("sync_ok", "Early adopters", 5, 60, 58), ("events", "sync_seconds", "Early adopters", 150, 2.0, 35.0)]),
]


def _consenting(workspace, count: int, skip: int):
    from heard.stakeholders.models import Stakeholder

    people = (Stakeholder.objects.filter(workspace=workspace, erased_at__isnull=True, consents__purpose="telemetry", consents__withdrawn_at__isnull=True)
              .distinct().order_by("pk"))
    return list(people[skip:skip + count])


def _telemetry(program, specs, today) -> list[dict]:
    records = []
    for spec in specs:
        if spec[0] == "events":
            _, metric, cohort, n, low, high = spec
            rng = random.Random(f"{program.name}-{metric}")
            records += [{"event_id": f"demo-{i}", "metric": metric, "cohort": cohort,
                         "day": (program.starts_on + timedelta(days=i % max(1, (today - program.starts_on).days or 1))).isoformat(),
                         "value": round(rng.uniform(low, high), 2)} for i in range(n)]
            continue
        metric, cohort, days, n, successes = spec
        records += [{"metric": metric, "cohort": cohort, "day": (program.starts_on + timedelta(days=d)).isoformat(),
                     "value": successes, "count": n} for d in range(days)]
    return records


def load(workspace):
    today = timezone.localdate()
    for index, (slug, name, kind, offset, length, end, description, thresholds, telemetry) in enumerate(PROGRAMS):
        product = workspace.products.filter(slug=slug).first()
        if product is None or Program.objects.filter(product=product, name=name).exists():
            continue
        starts = today + timedelta(days=offset)
        program = actions.create_program(actor=None, product=product, data={
            "name": name, "kind": kind, "description": description, "starts_on": starts, "ends_on": starts + timedelta(days=length),
            "who_may_pause": "The product owner or the on-call lead, at once, if a participant's work is at risk.",
            "how_to_leave": "Tell your contact or support; the feature is switched off for you the same day and no further usage data is collected.",
        })
        early = actions.add_cohort(actor=None, program=program, data={"name": "Early adopters", "rollout_share": 10})
        control = actions.add_cohort(actor=None, program=program, data={"name": "Control", "is_control": True})
        for i, person in enumerate(_consenting(workspace, 6, index * 2)):
            actions.add_participant(actor=None, cohort=early if i % 3 else control, stakeholder=person.pk)
        for threshold in thresholds:
            actions.add_threshold(actor=None, program=program, data=threshold)
        actions.start_program(actor=None, program=program)
        actions.record_telemetry(actor=None, program=program, records=_telemetry(program, telemetry, today))
        if end:
            actions.end_program(actor=None, program=program)
            actions.confirm_outcome(actor=None, program=program, recommendation="go",
                                    message="We will switch bank feed matching on for everyone next month.")
    return Program.objects.filter(product__workspace=workspace, status__in=[ProgramStatus.RUNNING, ProgramStatus.ENDED]).count()
