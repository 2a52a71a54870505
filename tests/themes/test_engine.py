"""Theme-mining engine: pure NumPy/scikit-learn, no Django or database needed."""

from __future__ import annotations

import random

import numpy as np
import pytest
from sklearn.metrics import normalized_mutual_info_score

from heard.themes import engine

TOPICS = {
    "login": [
        "I can't log in, the two-factor code never arrives",
        "the sms verification code is not coming so I cannot sign in",
        "login code missing, locked out of my account",
    ],
    "refund": [
        "still waiting for my refund for the cancelled order",
        "where is my refund, it was approved two weeks ago",
        "the money back never reached my bank account",
    ],
    "crash": [
        "the app crashes as soon as I open it",
        "application closes itself on startup after the update",
        "mobile app keeps crashing on launch",
    ],
    "export": [
        "exporting the report to csv fails with an error",
        "the csv export produces an empty spreadsheet file",
        "data export to excel times out",
    ],
}
NOISE = ["Hi team,", "Thanks, Alex", "This is urgent.", "Please help.", "Regards", ""]
SHARED = "account today again still problem since yesterday phone laptop update help".split()


def corpus(n: int, seed: int = 0) -> tuple[list[str], list[str]]:
    """Tickets mixing one topic phrase with shuffled topic and shared words, so that
    no two tickets are copies of a few templates (which real tickets never are)."""
    rng = random.Random(seed)
    texts, truth = [], []
    keys = list(TOPICS)
    pools = {k: " ".join(v).split() for k, v in TOPICS.items()}
    for _ in range(n):
        key = rng.choice(keys)
        words = rng.sample(pools[key], 6) + rng.sample(SHARED, 4)
        rng.shuffle(words)
        parts = [rng.choice(NOISE), rng.choice(TOPICS[key]), " ".join(words), rng.choice(NOISE)]
        texts.append(" ".join(p for p in parts if p))
        truth.append(key)
    return texts, truth


@pytest.fixture(scope="module")
def small():
    texts, truth = corpus(300)
    ids = [1000 + i for i in range(len(texts))]
    return texts, truth, ids, engine.mine_themes(texts, ids)


def test_mine_themes_recovers_topics(small):
    texts, truth, ids, fit = small
    assert 3 <= len(fit.themes) <= 8
    assert normalized_mutual_info_score(truth, fit.labels) > 0.8
    assert fit.labels.shape == (len(texts),)
    assert sum(t.size for t in fit.themes) == int((fit.labels >= 0).sum()) == len(texts)
    sizes = [t.size for t in fit.themes]
    assert sizes == sorted(sizes, reverse=True)


def test_theme_fields(small):
    texts, truth, ids, fit = small
    by_id = dict(zip(ids, range(len(ids)), strict=True))
    for theme, members in zip(fit.themes, fit.members(), strict=True):
        assert theme.label and " · " in theme.label
        assert theme.terms[0] in theme.label
        assert theme.centroid.dtype == np.float32
        assert abs(float(np.linalg.norm(theme.centroid)) - 1.0) < 1e-4
        assert 1 <= len(theme.representative_ids) <= engine.N_REPRESENTATIVES
        assert set(theme.representative_ids) <= set(members.tolist())
        assert all(fit.labels[by_id[r]] == theme.key for r in theme.representative_ids)
    assert fit.centroids.shape == (len(fit.themes), fit.embedder.dim)


def test_labels_are_distinctive_words(small):
    texts, truth, ids, fit = small
    words = " ".join(" ".join(t.terms) for t in fit.themes)
    for expected in ("refund", "csv", "crash"):
        assert expected in words
    for boiler in ("thanks", "hi", "please", "urgent"):
        assert boiler not in [w for t in fit.themes for w in t.label.split(" · ")]


def test_deterministic(small):
    texts, truth, ids, fit = small
    again = engine.mine_themes(texts, ids)
    assert np.array_equal(again.labels, fit.labels)
    assert [t.label for t in again.themes] == [t.label for t in fit.themes]


def test_empty_texts_are_unassigned():
    texts, _ = corpus(120, seed=3)
    texts[5] = ""
    texts[7] = "!!! ???"
    fit = engine.mine_themes(texts)
    assert fit.labels[5] == -1 and fit.labels[7] == -1
    assert (fit.labels[:5] >= 0).all()
    assert engine.mine_themes([]).themes == []


def test_min_and_max_theme_size():
    texts, _ = corpus(300, seed=4)
    fit = engine.mine_themes(texts, min_theme_size=40, max_themes=3)
    assert 1 <= len(fit.themes) <= 3
    assert all(t.size >= 40 for t in fit.themes)


def test_large_corpus_path_samples_then_assigns():
    texts, truth = corpus(600, seed=5)
    fit = engine.mine_themes(texts, fit_sample=200)
    assert normalized_mutual_info_score(truth, fit.labels) > 0.8
    assert (fit.labels >= 0).all()
    assert fit.embedder.n_fit_docs == 200


def test_match_themes_by_centroid():
    rng = np.random.default_rng(0)
    old = engine._normalize_rows(rng.normal(size=(4, 16)).astype(np.float32))
    prev = [("a", old[0]), ("b", old[1]), ("c", old[2]), ("d", old[3])]
    noisy = engine._normalize_rows(old + 0.05 * rng.normal(size=old.shape).astype(np.float32))
    fresh = engine._normalize_rows(rng.normal(size=(1, 16)).astype(np.float32))
    # current: c, a, (new), b  -- d retired
    current = np.vstack([noisy[2], noisy[0], fresh[0], noisy[1]])
    m = engine.match_themes(prev, current, threshold=0.8)
    assert m.mapping == {0: "c", 1: "a", 3: "b"}
    assert m.new == [2]
    assert m.retired == ["d"]
    assert all(s > 0.8 for s in m.similarity.values())
    # Mapping input works too; nothing previous -> everything new.
    assert engine.match_themes(dict(prev), current).mapping[1] == "a"
    assert engine.match_themes([], current).new == [0, 1, 2, 3]


def test_match_themes_by_members():
    prev = {"x": [1, 2, 3, 4], "y": [5, 6, 7, 8], "z": [9, 10]}
    current = [[5, 6, 7, 11], [1, 2, 3, 4, 12], [20, 21]]
    m = engine.match_themes_by_members(prev, current, threshold=0.3)
    assert m.mapping == {0: "y", 1: "x"}
    assert m.new == [2]
    assert m.retired == ["z"]


def test_rerun_with_pinned_embedder_keeps_identities(small):
    texts, truth, ids, fit = small
    more, _ = corpus(200, seed=9)
    fit2 = engine.mine_themes(more, embedder=fit.embedder, random_state=1)
    m = engine.match_themes([(t.key, t.centroid) for t in fit.themes], fit2.centroids)
    assert len(m.mapping) >= min(len(fit.themes), len(fit2.themes)) - 1
    # Old themes re-expressed in a re-fitted space, from their member texts.
    fit3 = engine.mine_themes(more, random_state=1)
    members = {t.key: [texts[i] for i in np.flatnonzero(fit.labels == t.key)] for t in fit.themes}
    cents = engine.group_centroids(fit3.embedder, members)
    m3 = engine.match_themes(cents, fit3.centroids)
    assert len(m3.mapping) >= min(len(fit.themes), len(fit3.themes)) - 1


def test_assign_to_pinned_centroids(small):
    texts, truth, ids, fit = small
    new = ["my refund has not arrived yet", "the app crashes on launch", "zzz qqq"]
    labels, sims = engine.assign(fit.embedder, new, fit.centroids, min_similarity=0.1)
    refund = next(t.key for t in fit.themes if "refund" in " ".join(t.terms))
    crash = next(t.key for t in fit.themes if "crash" in " ".join(t.terms))
    assert labels[0] == refund and labels[1] == crash
    assert labels[2] == -1 and sims[2] == 0.0
    assert sims[0] > 0.1


def test_split_and_merge(small):
    texts, truth, ids, fit = small
    pick = [i for i, t in enumerate(truth) if t in ("refund", "export")]
    sub_texts = [texts[i] for i in pick]
    lab, parts = engine.split_theme(fit.embedder, sub_texts, [ids[i] for i in pick], k=2)
    assert len(parts) == 2 and sum(p.size for p in parts) == len(pick)
    assert normalized_mutual_info_score([truth[i] for i in pick], lab) > 0.9
    labels = " | ".join(p.label for p in parts)
    assert "refund" in labels and ("csv" in labels or "export" in labels)
    merged = engine.describe_theme(fit.embedder, sub_texts, [ids[i] for i in pick])
    assert merged.size == len(pick)
    assert set(merged.representative_ids) <= {ids[i] for i in pick}
    assert abs(float(np.linalg.norm(merged.centroid)) - 1.0) < 1e-4
    auto_lab, auto_parts = engine.split_theme(fit.embedder, sub_texts, k=None)
    assert len(auto_parts) >= 2


def test_embedder_round_trip(small):
    texts, truth, ids, fit = small
    blob = fit.embedder.to_bytes()
    back = engine.Embedder.from_bytes(blob)
    assert back.fingerprint == fit.embedder.fingerprint
    probe = texts[:20] + ["a typo'd tciket about refnd"]
    assert np.allclose(back.transform(probe), fit.embedder.transform(probe), atol=1e-6)
    assert back.label_terms == fit.embedder.label_terms
