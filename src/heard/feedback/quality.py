"""The feedback quality rubric: one place, documented, pinned by tests/feedback/test_quality.py.

``assess(...)`` scores a feedback item 0–100 as the sum of four named parts and names one
concrete hint for the weakest part. It is pure (no database), so the quick-entry page can
call it on every keystroke and the same numbers are stored on save.

Parts and their maximum points
------------------------------
specificity (35)
    Measurable facts. A *measurement* is a number (digits or a number word such as "five",
    "a dozen") followed by a unit or a counted noun: durations (seconds, minutes, hours,
    days…), sizes, money, percentages, or counts of things (records, invoices, clicks…).
    Two or more measurements: 35. One: 25. Only a bare number (no unit): 12. None: 0.
    Numbers in the *observed*, *expected* and *example* fields count too.
evidence (30)
    Observed versus target, and an example.
    observed (12): the *observed* field, or a measurement in the text (what they saw).
    target (12): the *expected* field, or the text names a target or expectation
    ("target", "expected", "should", "at most", "within", "instead of", "agreed"…).
    example (6): the *example* field, or the text gives one ("for example", "e.g.",
    "yesterday", "last week", an invoice/ticket number such as "INV-1042" or "#381").
decision relevance (20)
    Linked to a backlog item, an acceptance criterion, an objective or a decision: 20.
    Otherwise up to 15: the job they were doing or their constraints are recorded (8), and
    the text says what is at stake — a consequence such as "blocks", "cannot", "exceeds",
    "costs", "late", "lose", "deadline", "compliance" (7).
clarity (15)
    Starts at 15. Fewer than 6 words: −8 (fewer than 10: −3). More than 120 words: −5 (one
    observation per item). Each vague word ("feels", "somehow", "kind of", "stuff",
    "annoying", "bad", "better"…) −3, at most −9. Never below 0.

Score = the sum of the parts (0–100). Bands: low < 40, medium 40–69, high ≥ 70.

The hint is for the part that earned the smallest share of its maximum (ties go to the
order above: specificity first). Within a part, it names the first thing missing. When
every part is full, there is no hint.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

MAX_POINTS = {"specificity": 35, "evidence": 30, "relevance": 20, "clarity": 15}
PART_LABELS = {
    "specificity": "Specificity",
    "evidence": "Evidence",
    "relevance": "Decision relevance",
    "clarity": "Clarity",
}

NUMBER_WORDS = {
    "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
    "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen", "twenty", "thirty",
    "forty", "fifty", "sixty", "seventy", "eighty", "ninety", "hundred", "thousand", "million", "dozen",
    "half", "couple", "several", "a",
}
# "a" and "several" count only with a unit ("a minute", "several hours"); see _measurements.
WEAK_NUMBER_WORDS = {"a", "several", "couple"}

UNITS = (
    r"ms|milliseconds?|s|secs?|seconds?|mins?|minutes?|h|hrs?|hours?|days?|weeks?|months?|years?|"
    r"%|percent|per\s*cent|€|\$|£|eur|euros?|usd|dollars?|pounds?|kb|mb|gb|tb|km|m|kg|"
    r"records?|rows?|invoices?|items?|lines?|clicks?|taps?|steps?|screens?|pages?|times?|users?|customers?|"
    r"people|staff|technicians?|jobs?|visits?|photos?|forms?|fields?|reports?|tickets?|calls?|emails?|e-mails?|"
    r"requests?|errors?|crashes|attempts?|documents?|files?|orders?|payments?|quotes?|signatures?|sites?|devices?"
)
_NUMBER = r"(?:\d+(?:[.,]\d+)?|" + "|".join(sorted(NUMBER_WORDS, key=len, reverse=True)) + r")"
MEASUREMENT = re.compile(
    r"(?:[€$£]\s?\d+(?:[.,]\d+)?)|(?:\b" + _NUMBER + r"(?:[\s-]+(?:of\s+)?(?:the\s+)?(?:\w+\s+)?)??\s?(?:" + UNITS + r")\b)|(?:\d+(?:[.,]\d+)?\s?%)",
    re.IGNORECASE,
)
BARE_NUMBER = re.compile(r"\b(?:\d+(?:[.,]\d+)?|" + "|".join(sorted(NUMBER_WORDS - WEAK_NUMBER_WORDS, key=len, reverse=True)) + r")\b", re.IGNORECASE)
TARGET = re.compile(
    r"\b(target|expected|expect|expects|should|ought to|at most|at least|within|under \d|no more than|"
    r"instead of|agreed|goal|requirement|required|sla|limit|threshold|compared (?:to|with)|versus|vs\.?)\b",
    re.IGNORECASE,
)
EXAMPLE = re.compile(
    r"(\bfor example\b|\bfor instance\b|\be\.g\.|\bsuch as\b|\byesterday\b|\blast (?:week|month|time|friday|monday)\b|"
    r"\bthis morning\b|\b[A-Z]{2,}-\d+\b|#\d+)",
    re.IGNORECASE,
)
STAKES = re.compile(
    r"\b(block|blocks|blocked|blocking|cannot|can't|can not|unable|exceed|exceeds|exceeded|exceeding|cost|costs|"
    r"late|lose|loses|lost|losing|deadline|compliance|compliant|legal|law|audit|fine|fines|penalt\w*|churn|cancel|"
    r"overtime|risk|fails?|failing|wrong|missed|miss|delay\w*|waste\w*)\b",
    re.IGNORECASE,
)
VAGUE = re.compile(
    r"\b(feels?|felt|somehow|kind of|sort of|stuff|things?|annoying|bad|better|nicer|weird|clunky|"
    r"sometimes|a bit|quite|really|very|just)\b",
    re.IGNORECASE,
)
WORD = re.compile(r"[^\W_]+(?:['’-][^\W_]+)*", re.UNICODE)


@dataclass
class Assessment:
    """The result of the rubric: ``score`` (0–100), ``parts`` ({name: points}), ``hint`` and
    ``weakest`` (the part the hint is about, or "" when every part is full)."""

    score: int
    parts: dict[str, int]
    hint: str
    weakest: str
    notes: dict[str, list[str]] = field(default_factory=dict)

    @property
    def band(self) -> str:
        return "high" if self.score >= 70 else "medium" if self.score >= 40 else "low"

    def parts_list(self) -> list[dict]:
        """For templates: [{name, label, points, max}] in rubric order."""
        return [{"name": n, "label": PART_LABELS[n], "points": self.parts[n], "max": m} for n, m in MAX_POINTS.items()]


def _measurements(text: str) -> list[str]:
    found = []
    for match in MEASUREMENT.finditer(text):
        value = match.group(0).strip()
        first = value.split()[0].lower() if value.split() else ""
        # "a record" or "several pages" on their own are not measurements; "a minute" is.
        if first in WEAK_NUMBER_WORDS and not re.search(r"(second|minute|hour|day|week|month|year)", value, re.I):
            continue
        found.append(value)
    return found


def assess(
    text: str,
    *,
    observed: str = "",
    expected: str = "",
    example: str = "",
    job: str = "",
    constraints: str = "",
    environment: str = "",
    linked: bool = False,
) -> Assessment:
    """Score one feedback item. ``linked`` says whether it is linked to a backlog item,
    acceptance criterion, objective or decision."""
    text = text or ""
    evidence_text = " ".join(v for v in (observed, expected, example) if v)
    all_text = f"{text} {evidence_text}"
    notes: dict[str, list[str]] = {}

    measurements = _measurements(all_text)
    if len(measurements) >= 2:
        specificity = 35
    elif measurements:
        specificity = 25
    elif BARE_NUMBER.search(all_text):
        specificity = 12
    else:
        specificity = 0
    notes["specificity"] = measurements

    has_observed = bool(observed.strip()) or bool(_measurements(text))
    has_target = bool(expected.strip()) or bool(TARGET.search(text))
    has_example = bool(example.strip()) or bool(EXAMPLE.search(text))
    evidence = 12 * has_observed + 12 * has_target + 6 * has_example
    notes["evidence"] = [name for name, ok in (("observed", has_observed), ("target", has_target), ("example", has_example)) if ok]

    if linked:
        relevance = 20
    else:
        relevance = 8 * bool(job.strip() or constraints.strip()) + 7 * bool(STAKES.search(all_text))
    has_context = bool(job.strip() or constraints.strip() or environment.strip())

    words = WORD.findall(text)
    clarity = 15
    if len(words) < 6:
        clarity -= 8
    elif len(words) < 10:
        clarity -= 3
    if len(words) > 120:
        clarity -= 5
    vague = [m.group(0).lower() for m in VAGUE.finditer(text)]
    clarity -= min(9, 3 * len(vague))
    clarity = max(0, clarity)
    notes["clarity"] = vague

    parts = {"specificity": specificity, "evidence": evidence, "relevance": relevance, "clarity": clarity}
    score = max(0, min(100, sum(parts.values())))
    weakest = min(MAX_POINTS, key=lambda name: (parts[name] / MAX_POINTS[name], list(MAX_POINTS).index(name)))
    if parts[weakest] == MAX_POINTS[weakest]:
        return Assessment(score, parts, "", "", notes)
    hint = _hint(weakest, parts, has_observed=has_observed, has_target=has_target, has_example=has_example,
                 linked=linked, has_context=has_context, words=len(words), vague=vague, stakes=bool(STAKES.search(all_text)))
    return Assessment(score, parts, hint, weakest, notes)


def _hint(part: str, parts: dict, *, has_observed, has_target, has_example, linked, has_context, words, vague, stakes) -> str:
    if part == "specificity":
        if parts["specificity"] == 0:
            return "Add a measurement: how long it takes, how often, or for how many records (e.g. “8 seconds to open a 200-line invoice”), and the target."
        return "Add a second measurement, such as the target or how often it happens (e.g. “should take under 2 seconds”, “3 times a week”)."
    if part == "evidence":
        if not has_target:
            return "Add what they expected or the agreed target (e.g. “should take under 2 seconds”)."
        if not has_observed:
            return "Add what they actually observed, with a number (e.g. “took 40 seconds”)."
        return "Add one concrete example: an invoice or ticket number, a screen, the last time it happened."
    if part == "relevance":
        if not has_context:
            return "Add the job they were doing when it happened (e.g. “sending month-end invoices”), or link it to a backlog item."
        if not stakes:
            return "Say what is at stake for them (what it blocks, costs or delays), or link it to a backlog item."
        return "Link it to the backlog item or acceptance criterion it bears on."
    if words < 6:
        return "Write it as a full sentence: who was doing what, and what happened."
    if vague:
        return f"Replace vague words like “{vague[0]}” with what they saw or did."
    if words > 120:
        return "Split it up: one observation per feedback item."
    return "Write it as a full sentence: who was doing what, and what happened."
