"""The health figures: what each one is, in the words docs/health.md uses.

``FIGURES`` is the one list pages, the API, the CLI, CSV export and the docs test iterate.
Each figure's value over a set of weeks is computed in ``snapshot``; these entries only say
what it is and which way is better.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Figure:
    key: str
    group: str
    title: str
    unit: str  # "%", "days", "points", "" (a count or an index)
    better: str  # "up", "down" or "" (neither is better in itself)
    numerator: str
    denominator: str
    counts: str
    drill: str = ""  # what the drill-down lists


FIGURES: list[Figure] = [
    Figure("voice_gap", "Participation equity", "Largest shortfall of voice against a segment's target", "points", "down",
           "the target share minus the segment's share of feedback, for the segment furthest below its target (0 when none is below)",
           "feedback items from stakeholders (a person in two segments counts in both)",
           "segments with a target share; a segment's share is its feedback divided by all attributed feedback",
           "the feedback of the segment furthest below its target"),
    Figure("seat_gap", "Participation equity", "Largest shortfall of session seats against a segment's target", "points", "down",
           "the target share minus the segment's share of session seats, for the segment furthest below its target",
           "stakeholder seats in sessions starting in the weeks counted",
           "every stakeholder invited to a session (a participant row) is one seat",
           "the sessions of the weeks counted"),
    Figure("top_decile_share", "Participation equity", "Share of input from the top 10 % of stakeholders", "%", "down",
           "feedback items from the 10 % of contributing stakeholders (rounded up) who gave the most",
           "all feedback items from stakeholders",
           "stakeholders with at least one feedback item in the weeks counted",
           "the stakeholders who gave the most input"),
    Figure("gini", "Participation equity", "Gini coefficient of input across stakeholders", "", "down",
           "the Gini coefficient of feedback items per contributing stakeholder (0: everyone equally, 1: one person gave everything)",
           "stakeholders with at least one feedback item",
           "feedback items from stakeholders, said in the weeks counted",
           "the stakeholders who gave the most input"),
    Figure("kinds_heard", "Participation equity", "Kinds of stakeholder heard", "", "up",
           "how many of the six customer kinds (end users, buyers, operators, support staff, regulators, partners) gave feedback",
           "six",
           "feedback from stakeholders of that kind; internal proxies are not a customer kind",
           "feedback per kind"),
    Figure("latency_disposition", "Latency", "Days from feedback to its first disposition (median)", "days", "down",
           "days from when it was said to its first disposition other than New; the median (p90 beside it)",
           "feedback items said in the weeks counted that have a disposition",
           "whole days up to 90, whole weeks after that, a year or more as 365; share within the engagement model's "
           "“considered within” promise counts every item of weeks old enough for the promise to have fallen due",
           "feedback past the promise without a disposition, oldest first"),
    Figure("latency_decision", "Latency", "Days from feedback to a decision it is evidence in (median)", "days", "down",
           "days from when it was said to the first time it was added as evidence to a decision",
           "feedback items said in the weeks counted that are evidence in a decision",
           "as for the first disposition",
           "feedback that is evidence in a decision"),
    Figure("latency_closure", "Latency", "Days from feedback to a closure note reporting it (median)", "days", "down",
           "days from when it was said to the sending of the first closure note that reports it",
           "feedback items said in the weeks counted that a sent closure note reports",
           "notes with status Sent; skipped notes do not count",
           "feedback reported in sent closure notes"),
    Figure("superseded_share", "Rework", "Decisions superseded within 90 days", "%", "down",
           "decisions taken in the weeks counted that a later decision superseded within 90 days of being taken",
           "decisions taken (decided) in the weeks counted",
           "a decision counts in the week it was taken",
           "superseded decisions"),
    Figure("reopened_share", "Rework", "Items reopened after release", "%", "down",
           "backlog items moved out of Released in the weeks counted",
           "backlog items moved to Released in the weeks counted",
           "status changes seen from the moment the health app is installed (no earlier history exists)",
           "items reopened after release"),
    Figure("criteria_after_sign_off", "Rework", "Acceptance criteria changed after a demo verdict or sign-off", "", "down",
           "acceptance criteria whose text changed after a demo verdict on them or a sign-off of their item",
           "none (a count)",
           "a criterion counts once in each week its text changed after its first verdict or its item's first sign-off "
           "(see docs/demos.md)",
           "criteria changed after a verdict or sign-off"),
    Figure("closure_reach", "Closure coverage", "Stakeholders who heard back", "%", "up",
           "stakeholders who gave feedback in a closure cycle and were sent a note for that cycle",
           "stakeholders who gave feedback within the cycle's dates",
           "cycles ending in the weeks counted",
           "closure cycles"),
    Figure("notes_opened", "Closure coverage", "Sent notes opened", "%", "up",
           "sent closure notes the stakeholder opened", "sent closure notes",
           "notes of cycles ending in the weeks counted", "closure cycles"),
    Figure("notes_acknowledged", "Closure coverage", "Sent notes acknowledged", "%", "up",
           "sent closure notes the stakeholder acknowledged", "sent closure notes",
           "notes of cycles ending in the weeks counted", "closure cycles"),
    Figure("pre_read_punctuality", "Pre-read punctuality", "Pre-reads shared on time", "%", "up",
           "pre-reads shared at least the engagement model's lead time before their session started",
           "pre-reads of sessions that started in the weeks counted",
           "a pre-read never shared counts as late once its session started",
           "late pre-reads"),
    Figure("fatigue", "Fatigue", "Stakeholders invited more often than the cap", "", "down",
           "stakeholders invited to more sessions in 13 weeks than the engagement model's invitations per quarter",
           "none (a count; the mean invitations per invited stakeholder is beside it)",
           "each weekly point looks at the 13 weeks ending with that week",
           "stakeholders over the cap"),
    Figure("proxy_share", "Proxy share", "Feedback only from internal proxies", "%", "down",
           "feedback items from an internal proxy or with no stakeholder behind them",
           "all feedback items said in the weeks counted",
           "merge records are not counted (their originals are)",
           "backlog items whose linked feedback came only from proxies, then proxy feedback"),
    Figure("sessions_changed", "Influence", "Sessions whose feedback changed something", "%", "up",
           "sessions whose feedback got a Planned or Already done disposition, a link to the backlog, or became decision evidence",
           "sessions starting in the weeks counted",
           "the same test as the listening-as-theatre rule",
           "sessions flagged as listening as theatre"),
]

BY_KEY = {f.key: f for f in FIGURES}
