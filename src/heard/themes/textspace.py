"""What both theme engines share (``engine`` and ``embeddings``): how a ticket's text splits
into words, which words are too common to label a theme, the label terms of a ticket, and
unit vectors. Independent of Django, like the engines."""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

_TOKEN = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
# Greeting/sign-off words are frequent in every theme; c-TF-IDF already ranks them low,
# listing them keeps them out of labels of small themes too.
# sklearn's list also holds content words that matter in tickets ("top up", "bill",
# "system", "name"...); those are put back.
_CONTENT_WORDS = {
    "top",
    "bill",
    "fire",
    "system",
    "name",
    "detail",
    "find",
    "fill",
    "move",
    "show",
    "interest",
    "call",
    "full",
    "empty",
    "found",
    "front",
    "back",
    "side",
    "part",
    "put",
    "amount",
    "first",
    "last",
    "next",
    "cry",
    "computer",
    "con",
    "de",
    "give",
    "go",
    "keep",
    "made",
    "take",
    "see",
    "seem",
    "thick",
    "thin",
    "mill",
    "describe",
}
STOP_WORDS = (frozenset(ENGLISH_STOP_WORDS) - _CONTENT_WORDS) | {
    "does",
    "did",
    "doing",
    "done",
    "i'd",
    "i'll",
    "i'm",
    "i've",
    "you're",
    "there's",
    "hi",
    "hello",
    "hey",
    "dear",
    "thanks",
    "thank",
    "regards",
    "cheers",
    "best",
    "kind",
    "please",
    "pls",
    "team",
    "support",
    "sent",
    "iphone",
    "just",
    "ve",
    "ll",
    "don",
    "didn",
    "doesn",
    "isn",
    "wasn",
    "hasn",
    "haven",
    "won",
    "can't",
    "don't",
    "it's",
    "doesn't",
    "didn't",
    "isn't",
    "hasn't",
    "haven't",
    "won't",
    "wasn't",
    "let",
    "know",
    "need",
    "want",
    "tried",
    "help",
    "able",
    "get",
    "got",
    "still",
}


def tokens(text: str) -> list[str]:
    return _TOKEN.findall(text.lower())


def normalize_rows(a: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(a, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    a /= norms
    return a


def label_terms(toks: list[str]) -> set[str]:
    """Unigrams and bigrams for labels: stop words removed first, so "card hasn't
    arrived" yields "card arrived"."""
    words = [t for t in toks if t not in STOP_WORDS and len(t) > 2 and not t[0].isdigit()]
    terms = set(words)
    terms.update(f"{a} {b}" for a, b in zip(words, words[1:], strict=False) if a != b)
    return terms


def transform(embedder, texts: Sequence[str]) -> np.ndarray:
    """Unit vectors (n, dim) float32 for `texts`, gathered from ``embedder.iter_transform``.
    Both engines' embedders use it as their ``transform`` method."""
    out = np.zeros((len(texts), embedder.dim), np.float32)
    for start, z, _ in embedder.iter_transform(texts):
        out[start : start + len(z)] = z
    return out
