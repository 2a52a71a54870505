"""A product with a pilot ready to start: two cohorts (one control) with consenting
participants and two thresholds."""

from datetime import date

import pytest

from heard.programs import actions
from heard.stakeholders import actions as stakeholder_actions


def consenting(workspace, name: str, email: str, consent: bool = True):
    person = stakeholder_actions.create_stakeholder(actor=None, workspace=workspace, data={"name": name, "email": email})
    if consent:
        stakeholder_actions.grant_consent(actor=None, stakeholder=person, purpose="telemetry", disclosure_text="We count errors and timings while you use the pilot.")
    return person


@pytest.fixture
def people(workspace):
    return [consenting(workspace, f"Person {i}", f"p{i}@example.com") for i in range(4)]


@pytest.fixture
def pilot(product, people):
    program = actions.create_program(actor=None, product=product, data={
        "name": "Faster invoices", "kind": "pilot", "starts_on": "2026-03-01", "ends_on": "2026-03-31",
        "who_may_pause": "The on-call lead", "how_to_leave": "Ask support; your telemetry stops that day.",
    })
    treated = actions.add_cohort(actor=None, program=program, data={"name": "Early", "rollout_share": "20"})
    control = actions.add_cohort(actor=None, program=program, data={"name": "Control", "is_control": True})
    actions.add_participant(actor=None, cohort=treated, stakeholder=people[0].pk)
    actions.add_participant(actor=None, cohort=treated, stakeholder=people[1].pk)
    actions.add_participant(actor=None, cohort=control, stakeholder=people[2].pk)
    actions.add_threshold(actor=None, program=program, data={
        "name": "Task completion", "metric": "task_completed", "statistic": "rate", "direction": "at_least", "limit": "80", "minimum_sample": "50",
    })
    actions.add_threshold(actor=None, program=program, data={
        "name": "Errors vs control", "metric": "error", "statistic": "rate", "direction": "at_most", "limit": "2",
        "comparison": "control", "minimum_sample": "200", "is_guardrail": True,
    })
    program.treated, program.control = treated, control
    return program


DAY = date(2026, 3, 5)
