"""Theme-mining speed and memory on generated support tickets.

    python bench/themes.py --rows 100000      # goal: <= 30 s
    python bench/themes.py --rows 1000000     # goal: <= 5 min, peak RSS <= 3 GB

Generates tickets with `bench/gen_tickets.py` (bodies of 30-120 words, 20 underlying
issues, greetings, signatures, typos), runs one full `heard.support.engine.mine_themes`
pass and prints ONE JSON object: rows, seconds (mining only), generate_seconds, peak_rss_mb
(whole process, generation included), n_themes, and nmi against the generator's true issue
as a sanity figure (the engine never sees it).
"""

from __future__ import annotations

import argparse
import time

import _util
import gen_tickets

_util.use_src()

from sklearn.metrics import normalized_mutual_info_score  # noqa: E402

from heard.support import engine  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    t0 = time.perf_counter()
    texts, topics = gen_tickets.generate(args.rows, args.seed)
    gen_seconds = time.perf_counter() - t0

    t0 = time.perf_counter()
    fit = engine.mine_themes(texts, random_state=args.seed)
    seconds = time.perf_counter() - t0

    _util.print_json(
        {
            "rows": args.rows,
            "seconds": round(seconds, 2),
            "generate_seconds": round(gen_seconds, 2),
            "peak_rss_mb": _util.peak_rss_mb(),
            "n_themes": len(fit.themes),
            "true_topics": len(set(topics)),
            "nmi": round(float(normalized_mutual_info_score(topics, fit.labels)), 4),
            "largest_themes": [f"{t.size}: {t.label}" for t in fit.themes[:5]],
        }
    )


if __name__ == "__main__":
    main()
