"""Plain-language checks for anything the team sends to customers.

Agendas, objectives, pre-reads, acceptance criteria and closure notes all go through
``check(text, workspace=None)``, which answers a ``PlainLanguageCheck``: a readability
score (Flesch reading ease, via textstat), a school-grade estimate, a label a person can act
on, and the jargon found with a plainer word for each.

Jargon comes from the built-in ``JARGON`` list plus the workspace glossary (owners edit it;
``GlossaryTerm`` lives in the sessions app so core needs no migration). A glossary entry
with a plain word overrides the built-in suggestion; one with no plain word accepts the term.

    result = check("We will leverage the API to facilitate onboarding.", workspace)
    result.score, result.label, result.jargon  # 12.3, "Very hard to read", [("leverage", "use"), ...]
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from textstat.textstat import textstatistics

# textstat's plain "en" counts syllables with NLTK's CMU dictionary and downloads it at run
# time when missing; a server must never do that. With a region tag it uses Pyphen's
# bundled English hyphenation dictionary and the same English Flesch formula.
_readability = textstatistics()
_readability.set_lang("en-GB")

# term -> plainer words. Lower case; matched as whole words, case-insensitively.
JARGON: dict[str, str] = {
    "leverage": "use",
    "utilise": "use",
    "utilize": "use",
    "utilisation": "use",
    "facilitate": "help, run",
    "synergy": "working together",
    "synergies": "benefits of working together",
    "deliverable": "result",
    "deliverables": "results",
    "bandwidth": "time",
    "circle back": "come back to",
    "touch base": "talk",
    "going forward": "from now on",
    "in order to": "to",
    "prior to": "before",
    "commence": "start",
    "endeavour": "try",
    "ascertain": "find out",
    "paradigm": "model, way of working",
    "holistic": "whole",
    "actionable": "practical",
    "granular": "detailed",
    "ideate": "come up with ideas",
    "ideation": "coming up with ideas",
    "low-hanging fruit": "quick wins",
    "stakeholder alignment": "agreement",
    "alignment": "agreement",
    "mvp": "first usable version",
    "kpi": "measure of success",
    "kpis": "measures of success",
    "okr": "goal",
    "okrs": "goals",
    "api": "connection between systems",
    "ux": "how it feels to use",
    "ui": "screens",
    "saas": "online service",
    "onboarding": "getting started",
    "backlog": "list of planned work",
    "sprint": "work cycle (usually two weeks)",
    "epic": "large piece of work",
    "user story": "need, described from a user's view",
    "acceptance criteria": "what must be true when it is done",
    "deprecate": "phase out",
    "deprecated": "being phased out",
    "eta": "expected time",
    "asap": "as soon as you can",
    "roadmap": "plan",
    "scalable": "able to grow",
    "robust": "reliable",
    "seamless": "smooth",
    "best-in-class": "very good",
    "operationalise": "put into practice",
    "operationalize": "put into practice",
    "stakeholders": "people involved",
    "persona": "typical user",
    "personas": "typical users",
    "workflow": "steps",
    "workflows": "steps",
    "iterate": "improve step by step",
    "iteration": "version",
    "pain point": "problem",
    "pain points": "problems",
    "value proposition": "what it offers you",
}

# Flesch reading ease bands: (lowest score, label, is it fine to send?)
BANDS = [
    (80, "Easy to read", True),
    (60, "Plain", True),
    (50, "Fairly hard to read", False),
    (30, "Hard to read", False),
    (float("-inf"), "Very hard to read", False),
]
TARGET_SCORE = 60
MIN_WORDS_FOR_SCORE = 3


@dataclass(frozen=True)
class JargonHit:
    term: str
    suggestion: str
    count: int = 1

    def __iter__(self):  # lets callers unpack ``term, suggestion = hit``
        return iter((self.term, self.suggestion))


@dataclass
class PlainLanguageCheck:
    """The result of ``check``. ``score`` is None for text too short to score."""

    text: str
    words: int
    score: float | None
    grade: float | None
    label: str
    jargon: list[JargonHit] = field(default_factory=list)

    @property
    def readable(self) -> bool:
        return self.score is None or self.score >= TARGET_SCORE

    @property
    def ok(self) -> bool:
        """Fine to send: readable and free of jargon."""
        return self.readable and not self.jargon

    def as_dict(self) -> dict:
        return {
            "words": self.words,
            "score": self.score,
            "grade": self.grade,
            "label": self.label,
            "ok": self.ok,
            "jargon": [{"term": h.term, "suggestion": h.suggestion, "count": h.count} for h in self.jargon],
        }


def glossary_for(workspace) -> dict[str, str]:
    """The jargon list as the workspace sees it: built-in terms, overridden by its glossary."""
    terms = dict(JARGON)
    if workspace is None:
        return terms
    from heard.sessions.models import GlossaryTerm

    for term, plain in GlossaryTerm.objects.filter(workspace=workspace).values_list("term", "plain"):
        key = term.strip().lower()
        if plain.strip():
            terms[key] = plain.strip()
        else:
            terms.pop(key, None)
    return terms


def _pattern(term: str) -> re.Pattern:
    return re.compile(r"(?<![\w-])" + re.escape(term).replace(r"\ ", r"\s+") + r"(?![\w-])", re.IGNORECASE)


def find_jargon(text: str, terms: dict[str, str]) -> list[JargonHit]:
    """Jargon in ``text``, longest terms first so "user story" wins over "story"."""
    hits: list[JargonHit] = []
    remaining = text
    for term in sorted(terms, key=len, reverse=True):
        pattern = _pattern(term)
        found = pattern.findall(remaining)
        if found:
            hits.append(JargonHit(term=term, suggestion=terms[term], count=len(found)))
            # Blank what matched so shorter terms inside it are not counted twice.
            remaining = pattern.sub(" ", remaining)
    return sorted(hits, key=lambda h: text.lower().find(h.term.split()[0]))


def _label(score: float | None) -> str:
    if score is None:
        return "Too short to score"
    return next(label for low, label, _ in BANDS if score >= low)


def check(text: str, workspace=None, *, terms: dict[str, str] | None = None) -> PlainLanguageCheck:
    """Score ``text`` and list its jargon. Pass ``terms`` (from ``glossary_for``) when
    checking many texts of one workspace, to read the glossary once."""
    text = (text or "").strip()
    words = _readability.lexicon_count(text) if text else 0
    if words >= MIN_WORDS_FOR_SCORE:
        # Flesch can run past 0 and 100; the ends mean the same to a reader.
        score = min(100.0, max(0.0, round(float(_readability.flesch_reading_ease(text)), 1)))
        grade = round(float(_readability.flesch_kincaid_grade(text)), 1)
    else:
        score = grade = None
    if terms is None:
        terms = glossary_for(workspace)
    return PlainLanguageCheck(text=text, words=words, score=score, grade=grade, label=_label(score), jargon=find_jargon(text, terms) if text else [])


def check_many(texts: list[tuple[str, str]], workspace=None) -> list[tuple[str, PlainLanguageCheck]]:
    """Check several labelled texts (label, text) against one glossary read."""
    terms = glossary_for(workspace)
    return [(label, check(text, terms=terms)) for label, text in texts if (text or "").strip()]
