"""Theme mining for support tickets: NumPy + scikit-learn only, no model downloads.

This module is independent of Django. It turns ticket texts into *themes* (groups of tickets
about the same pain) and gives the app what it needs to keep theme identities stable across
re-runs.

Quick use
---------
    from heard.themes import engine

    fit = engine.mine_themes(texts, ids)            # chooses the number of themes itself
    # engine="embeddings": sentence vectors, optional extra (embeddings.py)
    fit.labels                                      # np.ndarray[int], theme index per ticket, -1 = unassigned
    for theme in fit.themes:                        # sorted by size, largest first
        theme.key, theme.label, theme.terms, theme.size, theme.representative_ids, theme.centroid

    # Next week: keep identities. Either pin the embedding space so old centroids are
    # comparable ...
    fit2 = engine.mine_themes(texts2, ids2, embedder=fit.embedder)
    m = engine.match_themes([(t.key, t.centroid) for t in fit.themes], fit2.centroids)
    # ... or match on members, which works whatever the space:
    m = engine.match_themes_by_members({old_key: old_member_ids, ...}, fit2.members())
    m.mapping      # {current theme index: previous key} for themes that continue
    m.new          # current theme indices with no predecessor
    m.retired      # previous keys with no successor

    # Old themes' centroids in the *new* space, from their member tickets' texts:
    engine.group_centroids(fit2.embedder, {old_key: old_member_texts, ...})

    # Pinned themes: put tickets into fixed centroids (same embedder they were made with).
    labels, sims = engine.assign(fit.embedder, new_texts, centroids, min_similarity=0.2)

    # Curation: merge / split work on the member texts, so they need no stored state.
    merged = engine.describe_theme(fit.embedder, texts_a + texts_b, ids_a + ids_b)
    parts = engine.split_theme(fit.embedder, texts, ids, k=2)   # k=None: engine chooses

    # Persist the embedding space with the themes (e.g. in a BinaryField):
    blob = fit.embedder.to_bytes(); embedder = engine.Embedder.from_bytes(blob)

What it promises
----------------
* Deterministic for a given input order and `random_state`.
* The number of themes is chosen from the data (silhouette over a grid of k, preferring the
  smallest k within a small tolerance of the best), capped by `max_themes` and by
  `min_theme_size`; it never reads any ground truth.
* Every theme has at least `min_theme_size` members (smaller clusters are dissolved and
  their tickets moved to the nearest surviving theme). Tickets with no usable words get -1.
* Centroids are L2-normalised float32 vectors; cosine similarity is a dot product. They are
  only comparable between runs that share an `Embedder` (check `embedder.fingerprint`).
* Memory and time are bounded for large inputs: the embedding space and the clustering are
  fitted on a random sample of at most `fit_sample` tickets; all tickets are then embedded
  in chunks and assigned to the nearest centroid, and centroids are recomputed from all
  members. A million tickets take a few minutes on two cores and well under 3 GB.

How it works (and why)
----------------------
1. Tokens are lowercase words (one compiled regex, C speed). Each *word* is represented by
   its character 3-5-grams (IDF-weighted, like sklearn's ``char_wb``), which makes
   "arrive", "arrived", "arival" close; a document is the TF-IDF-weighted (sublinear tf)
   sum of its words' vectors. Because this is linear in the word counts, the LSA projection
   (TruncatedSVD) is folded into one dense word -> vector table: embedding any number of
   tickets is a sparse word-count matrix times that table, chunk by chunk. Character
   n-grams are only computed once per distinct word, never per ticket.
2. On the fit sample, each embedding is smoothed by averaging it with its nearest
   neighbours (twice). Short tickets share few words; neighbour averaging lets a ticket
   borrow the vocabulary of tickets saying the same thing, which sharpens clusters.
3. K-means (spherical: unit vectors) on the smoothed vectors, with k chosen as above.
4. Labels: class-based TF-IDF (c-TF-IDF) over unigrams and bigrams with stop words removed,
   counted once per ticket, so a term ranks high when many tickets of the theme use it and
   few tickets elsewhere do.
"""

from __future__ import annotations

import hashlib
import io
import json
import math
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import ClassVar

import numpy as np
from scipy import sparse
from scipy.optimize import linear_sum_assignment
from sklearn.cluster import KMeans
from sklearn.decomposition import TruncatedSVD
from sklearn.metrics import silhouette_score

from . import textspace
from .textspace import STOP_WORDS  # noqa: F401
from .textspace import label_terms as _label_terms
from .textspace import normalize_rows as _normalize_rows
from .textspace import tokens as _tokens

__all__ = [
    "Embedder",
    "Theme",
    "ThemeFit",
    "ThemeMatch",
    "assign",
    "describe_theme",
    "fit_embedder",
    "group_centroids",
    "load_embedder",
    "match_themes",
    "match_themes_by_members",
    "mine_themes",
    "split_theme",
]

# --- settings shared by every corpus (no per-dataset switches) ---------------------------
DIMENSIONS = 200  # LSA dimensions
CHAR_NGRAMS = (3, 5)
FIT_SAMPLE = 15_000  # tickets used to fit the clustering (and vocabulary/IDF)
SVD_SAMPLE = 5_000  # tickets used to find the LSA basis: enough for 200 directions, and the
# randomized SVD's cost grows with rows x distinct char n-grams
CHUNK = 20_000  # tickets embedded at once when assigning (bounds memory)
SMOOTH_NEIGHBOURS = 10
SMOOTH_ROUNDS = 2
K_GRID_POINTS = 12
K_SELECT_SAMPLE = 3_000  # tickets used to score each candidate k
K_TOLERANCE = 0.1  # accept the smallest k whose silhouette is within 10% of the best
DEFAULT_MAX_THEMES = 200
N_REPRESENTATIVES = 5
LABEL_TERMS = 3

def _char_ngrams(word: str) -> list[str]:
    # Same padding as sklearn's char_wb: n-grams of " word ", so word starts/ends count.
    padded = f" {word} "
    lo, hi = CHAR_NGRAMS
    out = []
    for n in range(lo, hi + 1):
        out.extend(padded[i : i + n] for i in range(len(padded) - n + 1))
    return out


# --- embedding space ----------------------------------------------------------------------
@dataclass
class Embedder:
    """Fitted text -> unit vector map (see module docstring, step 1).

    Holds only arrays and word lists, so it pickles and serialises (`to_bytes`) compactly.
    """

    engine: ClassVar[str] = "default"  # the optional engine's embedder says "embeddings"

    words: list[str]
    word_idf: np.ndarray  # (V,) float32
    word_vectors: np.ndarray  # (V, d) float32: char-n-gram vector of each word, projected
    char_ngrams: list[str]
    char_idf: np.ndarray  # (C,) float32
    char_components: np.ndarray  # (C, d) float32: to project out-of-vocabulary words
    oov_idf: float
    # Background term document-frequencies (fit sample) for labelling single themes.
    label_terms: list[str] = field(default_factory=list)
    label_df: np.ndarray = field(default_factory=lambda: np.zeros(0, np.float32))
    n_fit_docs: int = 0
    _word_index: dict[str, int] | None = field(default=None, repr=False, compare=False)
    _char_index: dict[str, int] | None = field(default=None, repr=False, compare=False)
    _label_index: dict[str, int] | None = field(default=None, repr=False, compare=False)

    @property
    def dim(self) -> int:
        return int(self.word_vectors.shape[1])

    @property
    def fingerprint(self) -> str:
        """Stable id of this space: centroids are comparable only under equal fingerprints."""
        h = hashlib.sha256()
        h.update("\n".join(self.words[:2000]).encode())
        h.update(np.ascontiguousarray(self.word_vectors[:2000]).tobytes())
        return h.hexdigest()[:16]

    def word_index(self) -> dict[str, int]:
        if self._word_index is None:
            self._word_index = {w: i for i, w in enumerate(self.words)}
        return self._word_index

    def char_index(self) -> dict[str, int]:
        if self._char_index is None:
            self._char_index = {g: i for i, g in enumerate(self.char_ngrams)}
        return self._char_index

    def label_index(self) -> dict[str, int]:
        if self._label_index is None:
            self._label_index = {t: i for i, t in enumerate(self.label_terms)}
        return self._label_index

    def _oov_vectors(self, new_words: list[str]) -> np.ndarray:
        """Project words unseen at fit time through their character n-grams (typos,
        new product names), so they still contribute instead of being dropped."""
        cidx = self.char_index()
        rows, cols = [], []
        for r, w in enumerate(new_words):
            for g in _char_ngrams(w):
                j = cidx.get(g)
                if j is not None:
                    rows.append(r)
                    cols.append(j)
        m = sparse.csr_matrix(
            (np.ones(len(rows), np.float32), (rows, cols)),
            shape=(len(new_words), len(self.char_ngrams)),
        )
        m = m.multiply(self.char_idf[None, :]).tocsr()
        norms = np.sqrt(np.asarray(m.multiply(m).sum(axis=1)).ravel())
        norms[norms == 0] = 1.0
        m = sparse.diags((1.0 / norms).astype(np.float32)) @ m
        return np.asarray(m @ self.char_components, dtype=np.float32)

    def iter_transform(
        self, texts: Sequence[str], chunk: int = CHUNK, keep_tokens: bool = False
    ) -> Iterator[tuple[int, np.ndarray, list[list[str]] | None]]:
        """Yield (start, unit vectors of texts[start:start+chunk], tokens or None).

        Rows of tickets with no words are all zero."""
        base = self.word_index()
        n_base = len(self.words)
        # Out-of-vocabulary words get ids after the fitted ones, for this call only.
        extra: dict[str, int] = {}
        extra_vecs: list[np.ndarray] = []

        for start in range(0, len(texts), chunk):
            part = texts[start : start + chunk]
            toks_list = [_tokens(t) for t in part]
            lengths = np.fromiter((len(t) for t in toks_list), np.int64, len(toks_list))
            flat = [w for toks in toks_list for w in toks]
            get = base.get
            ids = [get(w, -1) for w in flat]
            new_words = []
            for i, (w, j) in enumerate(zip(flat, ids, strict=True)):
                if j < 0:
                    k = extra.get(w)
                    if k is None:
                        k = n_base + len(extra)
                        extra[w] = k
                        new_words.append(w)
                    ids[i] = k
            if new_words:
                extra_vecs.append(self._oov_vectors(new_words))
            table = self.word_vectors
            if extra_vecs:
                table = np.vstack([self.word_vectors, *extra_vecs])
                # Keep one stacked table so later chunks do not re-stack everything.
                extra_vecs = [table[n_base:]]
            idf = np.concatenate(
                [self.word_idf, np.full(table.shape[0] - n_base, self.oov_idf, np.float32)]
            )
            rows = np.repeat(np.arange(len(part), dtype=np.int32), lengths)
            x = sparse.csr_matrix(
                (np.ones(len(ids), np.float32), (rows, np.asarray(ids, np.int32))),
                shape=(len(part), table.shape[0]),
            )
            x.sum_duplicates()
            # Sublinear tf (1 + log tf) times idf, as in sklearn's TfidfTransformer.
            x.data = (1.0 + np.log(x.data)) * idf[x.indices]
            z = np.asarray(x @ table, dtype=np.float32)
            yield start, _normalize_rows(z), (toks_list if keep_tokens else None)

    # Unit vectors (n, dim) float32 for `texts`.
    transform = textspace.transform

    # --- persistence ---
    def to_bytes(self) -> bytes:
        buf = io.BytesIO()
        meta = {"oov_idf": self.oov_idf, "n_fit_docs": self.n_fit_docs}
        np.savez_compressed(
            buf,
            meta=np.frombuffer(json.dumps(meta).encode(), np.uint8),
            words=np.frombuffer("\n".join(self.words).encode(), np.uint8),
            char_ngrams=np.frombuffer("\x00".join(self.char_ngrams).encode(), np.uint8),
            label_terms=np.frombuffer("\n".join(self.label_terms).encode(), np.uint8),
            word_idf=self.word_idf,
            word_vectors=self.word_vectors,
            char_idf=self.char_idf,
            char_components=self.char_components,
            label_df=self.label_df,
        )
        return buf.getvalue()

    @classmethod
    def from_bytes(cls, blob: bytes) -> Embedder:
        z = np.load(io.BytesIO(blob))

        def text(key: str, sep: str) -> list[str]:
            s = z[key].tobytes().decode()
            return s.split(sep) if s else []

        meta = json.loads(z["meta"].tobytes().decode())
        return cls(
            words=text("words", "\n"),
            word_idf=z["word_idf"],
            word_vectors=z["word_vectors"],
            char_ngrams=text("char_ngrams", "\x00"),
            char_idf=z["char_idf"],
            char_components=z["char_components"],
            oov_idf=float(meta["oov_idf"]),
            label_terms=text("label_terms", "\n"),
            label_df=z["label_df"],
            n_fit_docs=int(meta["n_fit_docs"]),
        )


def _incidence(groups: Iterable[tuple[int, Iterable[str]]], n_rows: int) -> tuple[sparse.csr_matrix, list[str]]:
    """How often each row holds each term: a float32 (n_rows, terms) matrix from ``groups``
    of (row, terms), and the terms in column order (the order they were first seen)."""
    index: dict[str, int] = {}
    rows, cols = [], []
    for row, terms in groups:
        for term in terms:
            j = index.get(term)
            if j is None:
                j = index[term] = len(index)
            rows.append(row)
            cols.append(j)
    matrix = sparse.csr_matrix((np.ones(len(rows), np.float32), (rows, cols)), shape=(n_rows, len(index)))
    matrix.sum_duplicates()
    return matrix, list(index)


def fit_embedder(texts: Sequence[str], *, random_state: int = 0, engine: str = "default"):
    """Fit the embedding space on `texts` (callers sample large corpora first).

    engine="embeddings" returns the optional engine's `embeddings.SentenceEmbedder` (same
    interface, sentence vectors from a packaged model) instead of an LSA space."""
    if engine != "default":
        from . import embeddings

        embeddings.check_engine(engine, "engine")
        return embeddings.fit_embedder(texts)
    tokens = [_tokens(t) for t in texts]
    n = len(tokens)
    counts, words = _incidence(enumerate(tokens), n)
    if not words:
        raise ValueError("no words in the texts")
    df = np.bincount(counts.indices, minlength=len(words))
    word_idf = (np.log((1.0 + n) / (1.0 + df)) + 1.0).astype(np.float32)

    # Word -> character n-gram incidence, computed once per distinct word.
    w2c, char_ngrams = _incidence(((i, _char_ngrams(w)) for i, w in enumerate(words)), len(words))
    # Document frequency of each char n-gram = docs containing any word that has it.
    present = counts.copy()
    present.data[:] = 1.0
    w2c_bin = w2c.copy()
    w2c_bin.data[:] = 1.0
    doc_chars = present @ w2c_bin
    char_df = np.bincount(doc_chars.indices, minlength=len(char_ngrams))
    del doc_chars
    char_idf = (np.log((1.0 + n) / (1.0 + char_df)) + 1.0).astype(np.float32)
    e = w2c.multiply(char_idf[None, :]).tocsr()
    enorm = np.sqrt(np.asarray(e.multiply(e).sum(axis=1)).ravel())
    enorm[enorm == 0] = 1.0
    e = (sparse.diags((1.0 / enorm).astype(np.float32)) @ e).tocsr()

    tfidf = counts.copy()
    tfidf.data = (1.0 + np.log(tfidf.data)) * word_idf[tfidf.indices]
    x = (tfidf @ e).tocsr()
    xnorm = np.sqrt(np.asarray(x.multiply(x).sum(axis=1)).ravel())
    xnorm[xnorm == 0] = 1.0
    x = sparse.diags((1.0 / xnorm).astype(np.float32)) @ x
    if x.shape[0] > SVD_SAMPLE:
        rows_svd = np.random.default_rng(random_state).choice(x.shape[0], SVD_SAMPLE, False)
        x = x[np.sort(rows_svd)]
    # Drop n-gram columns unused by the SVD rows: they get no weight anyway, and the
    # randomized range finder's QR is O(columns x d^2).
    used = np.flatnonzero(np.bincount(x.indices, minlength=x.shape[1]))
    x = x[:, used]
    d = max(1, min(DIMENSIONS, x.shape[0] - 1, x.shape[1] - 1))
    svd = TruncatedSVD(d, random_state=random_state, n_iter=3)
    svd.fit(x)
    char_components = np.zeros((e.shape[1], d), np.float32)
    char_components[used] = svd.components_.T
    word_vectors = np.asarray(e @ char_components, dtype=np.float32)

    # Background document frequencies of label terms (for describe_theme).
    term_df: dict[str, int] = {}
    for toks in tokens:
        for t in _label_terms(toks):
            term_df[t] = term_df.get(t, 0) + 1
    kept = [t for t, c in term_df.items() if c >= 2]
    return Embedder(
        words=words,
        word_idf=word_idf,
        word_vectors=word_vectors,
        char_ngrams=char_ngrams,
        char_idf=char_idf,
        char_components=char_components,
        oov_idf=float(math.log(1.0 + n) + 1.0),
        label_terms=kept,
        label_df=np.array([term_df[t] for t in kept], np.float32),
        n_fit_docs=n,
    )


def load_embedder(blob: bytes):
    """The embedder saved by `to_bytes` of either engine."""
    with np.load(io.BytesIO(blob)) as z:
        kind = z["kind"].tobytes().decode() if "kind" in z.files else "default"
    if kind == "default":
        return Embedder.from_bytes(blob)
    from . import embeddings

    return embeddings.SentenceEmbedder.from_bytes(blob)


# --- results ------------------------------------------------------------------------------
@dataclass
class Theme:
    key: int  # index in ThemeFit.themes (largest theme = 0); stable only within one fit
    label: str  # e.g. "reset link · password · expired"
    terms: list[str]  # distinctive terms, best first
    size: int
    representative_ids: list  # ids of the tickets closest to the centroid
    centroid: np.ndarray  # (dim,) float32, unit length


@dataclass
class ThemeFit:
    labels: np.ndarray  # (n,) int: theme key per ticket, -1 = unassigned
    similarities: np.ndarray  # (n,) float32: cosine to own theme centroid (0 if -1)
    themes: list[Theme]
    ids: np.ndarray  # ticket ids as given (or 0..n-1)
    embedder: Embedder | None  # None only when no ticket had a word (then no themes)
    silhouettes: dict[int, float]  # k -> silhouette score seen while choosing k

    @property
    def centroids(self) -> np.ndarray:
        """(n_themes, dim) float32, row i = themes[i].centroid."""
        if not self.themes:
            return np.zeros((0, self.embedder.dim if self.embedder else 0), np.float32)
        return np.stack([t.centroid for t in self.themes])

    def members(self) -> list[np.ndarray]:
        """Ticket ids of each theme, in theme order."""
        order = np.argsort(self.labels, kind="stable")
        sorted_labels = self.labels[order]
        out = []
        for t in self.themes:
            lo, hi = np.searchsorted(sorted_labels, [t.key, t.key + 1])
            out.append(self.ids[order[lo:hi]])
        return out


@dataclass
class ThemeMatch:
    mapping: dict[int, object]  # current theme index -> previous key (continuing themes)
    similarity: dict[int, float]  # current theme index -> match score
    new: list[int]  # current theme indices with no predecessor
    retired: list  # previous keys with no successor


# --- clustering helpers -------------------------------------------------------------------
def _smooth(z: np.ndarray, neighbours: int, rounds: int) -> np.ndarray:
    """Average each vector with its nearest neighbours (self included), `rounds` times."""
    n = len(z)
    m = min(neighbours, n)
    if m < 2:
        return z.copy()
    idx = np.empty((n, m), np.int32)
    step = max(1, 20_000_000 // max(n, 1))  # ~80 MB similarity block
    for s in range(0, n, step):
        sims = z[s : s + step] @ z.T
        idx[s : s + step] = np.argpartition(-sims, m - 1, axis=1)[:, :m]
    out = z
    for _ in range(rounds):
        out = _normalize_rows(out[idx].mean(axis=1))
    return out.astype(np.float32, copy=False)


def _kmeans(z: np.ndarray, k: int, random_state: int, n_init: int = 1, max_iter: int = 100):
    # float64 on purpose: sklearn's k-means++ seeding computes float32 distances through a
    # slow chunked upcast path; the float64 path is several times faster here.
    return KMeans(n_clusters=k, n_init=n_init, max_iter=max_iter, random_state=random_state).fit(
        z.astype(np.float64)
    )


def _choose_k(
    z: np.ndarray, zs: np.ndarray, k_max: int, rng: np.random.Generator, random_state: int
) -> tuple[int, dict[int, float]]:
    """Pick k by silhouette (cosine, on the raw vectors) of k-means on the smoothed ones.

    Silhouette of text clusters tends to plateau once k is about right and then creep up
    slowly as clusters fragment; taking the smallest k within K_TOLERANCE of the best keeps
    themes broad enough to be read as one pain each."""
    n = len(z)
    if k_max < 2 or n < 6:
        return 1, {}
    sub = rng.choice(n, min(n, K_SELECT_SAMPLE), replace=False)
    k_max = min(k_max, len(sub) // 8)
    if k_max < 2:
        return 1, {}
    dist = 1.0 - z[sub] @ z[sub].T
    np.clip(dist, 0.0, 2.0, out=dist)
    np.fill_diagonal(dist, 0.0)
    grid = np.unique(np.round(np.geomspace(2, k_max, K_GRID_POINTS)).astype(int))
    scores: dict[int, float] = {}
    for k in grid:
        lab = _kmeans(zs[sub], int(k), random_state, max_iter=50).labels_
        if len(np.unique(lab)) < 2:
            continue
        scores[int(k)] = float(silhouette_score(dist, lab, metric="precomputed"))
    if not scores:
        return 1, {}
    best = max(scores.values())
    floor = best - K_TOLERANCE * abs(best)
    return min(k for k, s in scores.items() if s >= floor), scores


def _ctfidf_labels(
    term_sets: list[set[str]], labels: np.ndarray, n_themes: int, top: int = 10
) -> list[list[str]]:
    """Class-based TF-IDF over per-ticket term sets; returns the top terms per theme."""
    counts, terms = _incidence(((lab, t) for lab, t in zip(labels, term_sets, strict=True) if lab >= 0), n_themes)
    if not terms:
        return [[] for _ in range(n_themes)]
    tf = counts.toarray()
    return _rank_terms(tf, tf.sum(axis=0), terms, top)


def _rank_terms(tf: np.ndarray, background: np.ndarray, names: list[str], top: int):
    # c-TF-IDF (Grootendorst 2022): tf normalised per class x log(1 + A / f_t), where A is
    # the average number of term occurrences per class and f_t the term's total frequency.
    totals = tf.sum(axis=1, keepdims=True)
    totals[totals == 0] = 1.0
    a = max(float(background.sum()) / max(len(tf), 1), 1.0)
    weight = (tf / totals) * np.log1p(a / np.maximum(background, 1.0))[None, :]
    weight[tf < 2] = 0.0  # a term from a single ticket is an anecdote, not a theme
    out = []
    for row in weight:
        order = np.argsort(-row)[: top * 3]
        chosen: list[str] = []
        for j in order:
            if row[j] <= 0 or len(chosen) >= top:
                break
            term = names[j]
            parts = term.split(" ")
            # Skip a word already shown inside a chosen bigram, and a bigram whose words
            # are both already shown: labels should add information with every term.
            if len(parts) == 1 and any(term in c.split(" ") for c in chosen):
                continue
            if len(parts) == 2 and all(p in chosen for p in parts):
                continue
            chosen.append(term)
        out.append(chosen)
    return out


def _representatives(sims: np.ndarray, members: np.ndarray, ids: np.ndarray, r: int) -> list:
    if len(members) == 0:
        return []
    s = sims[members]
    top = np.argsort(-s, kind="stable")[:r]
    return [_py(ids[members[i]]) for i in top]


def _py(v):
    return v.item() if isinstance(v, np.generic) else v


# --- public API ---------------------------------------------------------------------------
def mine_themes(
    texts: Sequence[str],
    ids: Sequence | None = None,
    *,
    random_state: int = 0,
    min_theme_size: int | None = None,
    max_themes: int = DEFAULT_MAX_THEMES,
    embedder: Embedder | None = None,
    fit_sample: int = FIT_SAMPLE,
    n_representatives: int = N_REPRESENTATIVES,
    engine: str = "default",
) -> ThemeFit:
    """Group `texts` into themes; the number of themes is chosen from the data.

    ids: one per text (any hashable, e.g. ticket primary keys); default 0..n-1.
    min_theme_size: default max(3, n // 1000).
    embedder: reuse a previous run's space so centroids stay comparable; default fits one.
    engine: which space to fit when no embedder is given: "default" (LSA, this module) or
    "embeddings" (the optional sentence-embedding extra, see embeddings.py).
    """
    n = len(texts)
    ids_arr = np.arange(n) if ids is None else np.asarray(ids)
    if len(ids_arr) != n:
        raise ValueError("ids and texts differ in length")
    if min_theme_size is None:
        min_theme_size = max(3, n // 1000)
    rng = np.random.default_rng(random_state)
    if n > fit_sample:
        sample = np.sort(rng.choice(n, fit_sample, replace=False))
        sample_texts = [texts[i] for i in sample]
    else:
        sample = np.arange(n)
        sample_texts = list(texts)
    if embedder is None:
        if not any(_tokens(t) for t in sample_texts):
            # Nothing to learn from (no tickets, or none with a word): no themes.
            return ThemeFit(
                np.full(n, -1, np.int64), np.zeros(n, np.float32), [], ids_arr, None, {}
            )
        embedder = fit_embedder(sample_texts, random_state=random_state, engine=engine)

    z_fit = np.zeros((len(sample), embedder.dim), np.float32)
    token_lists: list[list[str]] = []
    for start, z, toks in embedder.iter_transform(sample_texts, keep_tokens=True):
        z_fit[start : start + len(z)] = z
        token_lists.extend(toks)
    has_words = np.linalg.norm(z_fit, axis=1) > 0
    usable = np.flatnonzero(has_words)

    # The smallest theme allowed, in fit-sample units.
    min_fit = max(2, math.ceil(min_theme_size * len(sample) / n))
    k_max = min(max_themes, len(usable) // min_fit)
    zu = z_fit[usable]
    own_clustering = getattr(embedder, "cluster", None)  # the embeddings engine has its own
    if own_clustering is not None:
        fit_lab, silhouettes = own_clustering(zu, k_max=k_max, random_state=random_state)
    else:
        zs = _smooth(zu, SMOOTH_NEIGHBOURS, SMOOTH_ROUNDS)
        k, silhouettes = _choose_k(zu, zs, k_max, rng, random_state)
        if k > 1:
            km = _kmeans(zs, k, random_state, n_init=2)
            fit_lab = km.labels_.astype(np.int64)
        else:
            fit_lab = np.zeros(len(usable), np.int64)

    # Centroids in the raw space (what new tickets will be compared against), then
    # dissolve undersized clusters into their nearest surviving neighbour.
    def centroids_of(lab: np.ndarray, kk: int) -> np.ndarray:
        c = np.zeros((kk, embedder.dim), np.float32)
        np.add.at(c, lab, zu)
        return _normalize_rows(c)

    kk = int(fit_lab.max()) + 1
    for _ in range(3):
        sizes = np.bincount(fit_lab, minlength=kk)
        keep = np.flatnonzero(sizes >= min_fit)
        if len(keep) == kk or len(keep) == 0:
            break
        cent = centroids_of(fit_lab, kk)[keep]
        remap = np.full(kk, -1)
        remap[keep] = np.arange(len(keep))
        fit_lab = remap[fit_lab]
        lost = fit_lab < 0
        fit_lab[lost] = np.argmax(zu[lost] @ cent.T, axis=1)
        kk = len(keep)
    cent = centroids_of(fit_lab, kk)

    labels = np.full(n, -1, np.int64)
    sims = np.zeros(n, np.float32)
    if n == len(sample):
        labels[usable] = fit_lab
        sims[usable] = np.einsum("ij,ij->i", zu, cent[fit_lab])
    else:
        # Large corpus: embed everything chunk by chunk, nearest centroid, and one more
        # centroid update from all members (the sample only fixed the starting point).
        sums = np.zeros_like(cent)

        def nearest(rows: np.ndarray, z: np.ndarray) -> None:
            s = z @ cent.T
            lab = np.argmax(s, axis=1)
            ok = np.linalg.norm(z, axis=1) > 0
            lab[~ok] = -1
            labels[rows] = lab
            sims[rows] = np.where(ok, s[np.arange(len(z)), lab], 0.0)
            np.add.at(sums, lab[ok], z[ok])

        # The sample is already embedded; only the rest goes through the tokeniser.
        nearest(sample, z_fit)
        rest = np.setdiff1d(np.arange(n), sample, assume_unique=True)
        rest_texts = [texts[i] for i in rest]
        for start, z, _ in embedder.iter_transform(rest_texts):
            nearest(rest[start : start + len(z)], z)
        del rest_texts
        cent = _normalize_rows(sums)
        # Similarities to the updated centroids would need a second pass over the texts;
        # the ranking of representatives barely changes, so keep the first-pass ones.

    # Order themes by size (key 0 = largest) so keys are meaningful to a reader.
    sizes = np.bincount(labels[labels >= 0], minlength=kk)
    order = np.argsort(-sizes, kind="stable")
    rank = np.empty(kk, np.int64)
    rank[order] = np.arange(kk)
    labels = np.where(labels >= 0, rank[np.maximum(labels, 0)], -1)
    cent = cent[order]
    sizes = sizes[order]

    fit_labels_ranked = labels[sample]
    term_sets = [_label_terms(t) for t in token_lists]
    top_terms = _ctfidf_labels(term_sets, fit_labels_ranked, kk)

    sort_idx = np.argsort(labels, kind="stable")
    sorted_labels = labels[sort_idx]
    themes = []
    for key in range(kk):
        lo, hi = np.searchsorted(sorted_labels, [key, key + 1])
        members = sort_idx[lo:hi]
        terms = top_terms[key]
        themes.append(
            Theme(
                key=key,
                label=" · ".join(terms[:LABEL_TERMS]) or f"theme {key + 1}",
                terms=terms,
                size=int(sizes[key]),
                representative_ids=_representatives(sims, members, ids_arr, n_representatives),
                centroid=cent[key].astype(np.float32),
            )
        )
    return ThemeFit(labels, sims, themes, ids_arr, embedder, silhouettes)


def assign(
    embedder: Embedder,
    texts: Sequence[str],
    centroids: np.ndarray,
    *,
    min_similarity: float = 0.0,
) -> tuple[np.ndarray, np.ndarray]:
    """Nearest pinned centroid for each text: (labels, cosine similarities).

    labels[i] is a row index of `centroids`, or -1 when the best similarity is below
    `min_similarity` (or the text has no words). Centroids must come from this embedder."""
    c = _normalize_rows(np.asarray(centroids, np.float32).copy())
    labels = np.full(len(texts), -1, np.int64)
    sims = np.zeros(len(texts), np.float32)
    if len(c) == 0:
        return labels, sims
    for start, z, _ in embedder.iter_transform(texts):
        s = z @ c.T
        lab = np.argmax(s, axis=1)
        best = s[np.arange(len(z)), lab]
        ok = (best >= min_similarity) & (np.linalg.norm(z, axis=1) > 0)
        labels[start : start + len(z)] = np.where(ok, lab, -1)
        sims[start : start + len(z)] = np.where(ok, best, 0.0)
    return labels, sims


def group_centroids(
    embedder: Embedder, groups: Mapping[object, Sequence[str]]
) -> dict[object, np.ndarray]:
    """Centroid (unit, float32) of each group of texts in `embedder`'s space.

    Use it to bring the previous run's themes into a new space: pass each old theme's
    member ticket texts, then `match_themes` against the new fit's centroids."""
    out = {}
    for key, texts in groups.items():
        z = embedder.transform(texts)
        c = z.sum(axis=0, keepdims=True)
        out[key] = _normalize_rows(c)[0]
    return out


def match_themes(
    previous: Iterable[tuple[object, np.ndarray]] | Mapping[object, np.ndarray],
    current: np.ndarray | Sequence[np.ndarray],
    *,
    threshold: float = 0.6,
) -> ThemeMatch:
    """One-to-one matching of current themes to previous ones by centroid cosine.

    Hungarian assignment maximising total similarity; pairs below `threshold` are not
    matched (that old theme is retired, the new one is new). Both sides must be in the same
    embedding space (same embedder, or old centroids recomputed with `group_centroids`)."""
    items = list(previous.items()) if isinstance(previous, Mapping) else list(previous)
    keys = [k for k, _ in items]
    cur = np.asarray(current, np.float32)
    if cur.ndim == 1:
        cur = cur.reshape(1, -1) if cur.size else cur.reshape(0, 0)
    if not items or len(cur) == 0:
        return ThemeMatch({}, {}, list(range(len(cur))), keys)
    prev = _normalize_rows(np.stack([np.asarray(c, np.float32) for _, c in items]).copy())
    cur = _normalize_rows(cur.copy())
    return _match(prev @ cur.T, keys, threshold)


def match_themes_by_members(
    previous: Mapping[object, Collection],
    current: Sequence[Collection],
    *,
    threshold: float = 0.3,
) -> ThemeMatch:
    """One-to-one matching by member overlap (Jaccard of ticket id sets).

    Independent of the embedding space, so it works across re-fitted embedders. Tickets
    that exist in only one run (new or deleted) just lower the Jaccard a little; a ticket
    is assumed to belong to one current theme (as `ThemeFit.members()` gives)."""
    keys = list(previous)
    prev_sets = [set(_py(v) for v in previous[k]) for k in keys]
    cur_sets = [set(_py(v) for v in c) for c in current]
    score = np.zeros((len(keys), len(cur_sets)), np.float32)
    # Invert one side so the cost is proportional to total membership, not |prev|*|cur|.
    owner: dict[object, int] = {}
    for j, s in enumerate(cur_sets):
        for t in s:
            owner[t] = j
    for i, s in enumerate(prev_sets):
        inter = np.bincount([owner[t] for t in s if t in owner], minlength=len(cur_sets)).astype(
            np.float32
        )
        union = len(s) + np.array([len(c) for c in cur_sets], np.float32) - inter
        score[i] = inter / np.maximum(union, 1.0)
    return _match(score, keys, threshold)


def _match(score: np.ndarray, keys: list, threshold: float) -> ThemeMatch:
    n_cur = score.shape[1]
    if score.size == 0:
        return ThemeMatch({}, {}, list(range(n_cur)), list(keys))
    rows, cols = linear_sum_assignment(-score)
    mapping, sim = {}, {}
    for r, c in zip(rows, cols, strict=True):
        if score[r, c] >= threshold:
            mapping[int(c)] = keys[r]
            sim[int(c)] = float(score[r, c])
    matched_prev = set(mapping.values())
    return ThemeMatch(
        mapping=mapping,
        similarity=sim,
        new=[j for j in range(n_cur) if j not in mapping],
        retired=[k for k in keys if k not in matched_prev],
    )


def describe_theme(
    embedder: Embedder,
    texts: Sequence[str],
    ids: Sequence | None = None,
    *,
    key: int = 0,
    n_representatives: int = N_REPRESENTATIVES,
) -> Theme:
    """A Theme for an arbitrary group of tickets (e.g. the union of two merged themes).

    The label contrasts the group with the embedder's fit corpus."""
    ids_arr = np.arange(len(texts)) if ids is None else np.asarray(ids)
    z = embedder.transform(texts)
    cent = _normalize_rows(z.sum(axis=0, keepdims=True))[0]
    sims = z @ cent
    terms = _background_terms(embedder, [_label_terms(_tokens(t)) for t in texts])
    return Theme(
        key=key,
        label=" · ".join(terms[:LABEL_TERMS]) or f"theme {key + 1}",
        terms=terms,
        size=len(texts),
        representative_ids=_representatives(
            sims, np.arange(len(texts)), ids_arr, n_representatives
        ),
        centroid=cent.astype(np.float32),
    )


def _background_terms(embedder: Embedder, term_sets: list[set[str]], top: int = 10):
    index = embedder.label_index()
    tf = np.zeros((1, len(embedder.label_terms)), np.float32)
    for terms in term_sets:
        for t in terms:
            j = index.get(t)
            if j is not None:
                tf[0, j] += 1
    # Rescale background frequencies to this group's size so "A / f_t" keeps its meaning.
    scale = max(len(term_sets), 1) / max(embedder.n_fit_docs, 1)
    return _rank_terms(tf, np.maximum(embedder.label_df * scale, tf[0]), embedder.label_terms, top)[
        0
    ]


def split_theme(
    embedder: Embedder,
    texts: Sequence[str],
    ids: Sequence | None = None,
    *,
    k: int | None = 2,
    random_state: int = 0,
    n_representatives: int = N_REPRESENTATIVES,
) -> tuple[np.ndarray, list[Theme]]:
    """Split one theme's tickets into k sub-themes (k=None: chosen like mine_themes).

    Returns (sub-theme index per text, sub-themes largest first). Labels are c-TF-IDF
    between the sub-themes, so they say what distinguishes them."""
    n = len(texts)
    ids_arr = np.arange(n) if ids is None else np.asarray(ids)
    z = embedder.transform(texts)
    if k is None:
        rng = np.random.default_rng(random_state)
        zs = _smooth(z, SMOOTH_NEIGHBOURS, SMOOTH_ROUNDS)
        k, _ = _choose_k(z, zs, max(2, n // 10), rng, random_state)
    else:
        zs = z
    k = max(1, min(int(k), n))
    lab = _kmeans(zs, k, random_state, n_init=4).labels_ if k > 1 else np.zeros(n, int)
    sizes = np.bincount(lab, minlength=k)
    order = np.argsort(-sizes, kind="stable")
    rank = np.empty(k, np.int64)
    rank[order] = np.arange(k)
    lab = rank[lab]
    cent = np.zeros((k, z.shape[1]), np.float32)
    np.add.at(cent, lab, z)
    cent = _normalize_rows(cent)
    sims = np.einsum("ij,ij->i", z, cent[lab])
    terms = _ctfidf_labels([_label_terms(_tokens(t)) for t in texts], lab, k)
    themes = []
    for key in range(k):
        members = np.flatnonzero(lab == key)
        themes.append(
            Theme(
                key=key,
                label=" · ".join(terms[key][:LABEL_TERMS]) or f"theme {key + 1}",
                terms=terms[key],
                size=len(members),
                representative_ids=_representatives(sims, members, ids_arr, n_representatives),
                centroid=cent[key],
            )
        )
    return lab, themes
