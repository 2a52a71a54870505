"""Turning dispositions and links into the words of a closure note.

``note_content(stakeholder, cycle, feedback_items)`` answers ``(subject, body, sections)``:
what we heard (their items, in their words), what will change (planned, already done),
what will not and why (declined, deferred, duplicate) and what is still open. Backlog
titles appear only when the team shared them (``SharedGoal``); otherwise the note says
"the work it fed into", so nothing team-only leaks through a generated draft.
"""

from __future__ import annotations

from django.utils import timezone

from heard.feedback.models import Disposition

WILL_CHANGE = {Disposition.PLANNED, Disposition.ALREADY_DONE}
WILL_NOT = {Disposition.DECLINED, Disposition.DEFERRED, Disposition.DUPLICATE}
SECTION_TITLES = {
    "heard": "What we heard",
    "will_change": "What will change",
    "will_not": "What will not change, and why",
    "open": "Still being considered",
}


# Other apps add to a person's note what they took part in beyond feedback (programs: "the
# pilot you took part in met 3 of 4 thresholds"), and name people to write to who gave no
# feedback in the cycle: name -> (lines_for(stakeholder, cycle), people_in(cycle) or None).
CONTRIBUTORS: dict[str, tuple] = {}
TAKING_PART = "What came of what you took part in"


def register_contributor(name: str, lines_for, people_in=None) -> None:
    CONTRIBUTORS[name] = (lines_for, people_in)


def contributed_lines(stakeholder, cycle) -> list[str]:
    return [line for lines_for, _ in CONTRIBUTORS.values() for line in lines_for(stakeholder, cycle)]


def contributed_people(cycle) -> list:
    return [person for _, people_in in CONTRIBUTORS.values() if people_in for person in people_in(cycle)]


def _short(text: str, limit: int = 90) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _latest_disposition(feedback):
    rows = sorted(feedback.disposition_history.all(), key=lambda d: (d.at, d.id))
    return rows[-1] if rows else None


def _shared_titles(feedback) -> list[str]:
    titles = []
    for link in feedback.links.all():
        item = link.criterion.item if link.criterion_id else link.backlog_item
        if item is not None and hasattr(item, "shared_goal") and item.title not in titles:
            titles.append(item.title)
    return titles


def outcome_of(feedback) -> dict:
    """What became of one item, in the customer's terms: the row used by notes and the portal.

    A merged original answers with the disposition of the item it was merged into.
    """
    effective = feedback.merged_into or feedback
    last = _latest_disposition(effective)
    status = effective.disposition
    increment = last.increment if last else ""
    reason = last.reason if last else ""
    titles = _shared_titles(effective)
    if status == Disposition.PLANNED:
        outcome = f"Planned for {increment}." if increment else "Planned."
    elif status == Disposition.ALREADY_DONE:
        outcome = "This is already done."
    elif status == Disposition.DECLINED:
        outcome = f"We will not do this. {reason}".strip()
    elif status == Disposition.DEFERRED:
        outcome = f"Not now: we have put this off. {reason}".strip()
    elif status == Disposition.DUPLICATE:
        outcome = "Someone asked for the same thing; we answer both together."
    elif status == Disposition.IF_TIME_REMAINS:
        outcome = "We will do this if time remains" + (f" in {increment}." if increment else ".")
    else:
        outcome = "We are still looking at this."
    if titles:
        outcome += " It feeds into: " + "; ".join(titles) + "."
    if status in WILL_CHANGE:
        section = "will_change"
    elif status in WILL_NOT:
        section = "will_not"
    else:
        section = "open"
    return {
        "feedback": feedback.pk, "said": feedback.text, "said_at": timezone.localdate(feedback.said_at).isoformat(),
        "status": status, "status_label": Disposition(status).label, "increment": increment, "reason": reason,
        "outcome": outcome, "section": section, "shared_items": titles,
    }


def note_content(stakeholder, cycle, feedback_items) -> tuple[str, str, dict]:
    with timezone.override(stakeholder.zone):  # the dates they read are their own days
        rows = [outcome_of(f) for f in feedback_items]
    sections: dict[str, list] = {"heard": [], "will_change": [], "will_not": [], "open": []}
    for row in rows:
        sections["heard"].append({"feedback": row["feedback"], "said": row["said"], "said_at": row["said_at"]})
        sections[row["section"]].append(row)
    product = cycle.product
    subject = f"What became of your feedback on {product.name} ({cycle.name})"
    first_name = stakeholder.name.split()[0] if stakeholder.name.strip() else "there"
    taking_part = contributed_lines(stakeholder, cycle)
    what = "what you told us about" if rows else "taking part in"
    lines = [
        f"Hello {first_name},",
        "",
        f"Thank you for {what} {product.name} between {cycle.starts_on:%d %B %Y} and {cycle.ends_on:%d %B %Y}. "
        "Here is what became of it.",
    ]
    if rows:
        lines += ["", SECTION_TITLES["heard"]]
        lines += [f"- “{_short(r['said'], 300)}” ({r['said_at']})" for r in sections["heard"]]
    for key in ("will_change", "will_not", "open"):
        if sections[key]:
            lines += ["", SECTION_TITLES[key]]
            lines += [f"- “{_short(r['said'])}”: {r['outcome']}" for r in sections[key]]
    if taking_part:
        sections["taking_part"] = taking_part
        lines += ["", TAKING_PART]
        lines += [f"- {line}" for line in taking_part]
    lines += ["", "Thank you for taking the time. You can reply in the portal at any time."]
    return subject, "\n".join(lines), sections
