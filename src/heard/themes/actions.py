"""Every change to support themes: mining runs, rename, merge, split, pin, links, and
turning a theme into feedback. Reads live in ``queries``.

How a run keeps identities (see docs/themes.md):

1. The product's tickets are read in chunks (subject + text).
2. The embedding space of the last run is reused (``ThemeRun.embedder``), so old and new
   centroids are comparable; the first run fits one.
3. *Held* themes (pinned, or merged/split by a person) keep their centroid and take the
   tickets whose similarity to it reaches the theme's ``hold_similarity``: their members,
   and new tickets that no other active theme is closer to.
4. The engine mines the remaining tickets. Each new cluster is matched one-to-one
   (Hungarian, cosine >= MATCH_THRESHOLD) to an existing theme, a retired one (which comes
   back) or a theme absorbed by a merge (its tickets then go to the merged theme).
   Matched themes keep id, name, links and feedback; unmatched clusters become new themes;
   active themes left without a match are retired (pinned ones never are).
5. Only memberships that changed are written (plain SQL in batches; an unchanged ticket's
   row is left as it is) and the rollups recomputed.

Actions are atomic (a run writes its result in one transaction), check ``themes.edit``,
write one audit event each and raise HeardError for bad input.
"""

from __future__ import annotations

import logging
import math
from collections import defaultdict
from collections.abc import Sequence
from datetime import date, timedelta

import numpy as np
from django.conf import settings
from django.db import connection, transaction
from django.db.models import Max, Min
from django.utils import timezone

from heard.core import audit, permissions, tasks
from heard.core.errors import HeardError
from heard.core.heartbeat import beating, stale_after, stale_filter, worker_label
from heard.core.models import Product
from heard.core.products import require_active
from heard.core.validation import as_id
from heard.tickets.models import Ticket

from . import embeddings, engine, textspace
from .models import RunStatus, Theme, ThemeLink, ThemeRun, ThemeStatus, ThemeTicket

log = logging.getLogger(__name__)

MATCH_THRESHOLD = 0.6  # centroid cosine for "the same theme as last run"
HOLD_QUANTILE = 0.05  # a held theme keeps tickets at least as close as its 5% least typical member ...
HOLD_FACTOR = 0.9  # ... with a 10% margin, so its membership does not shrink run after run
HOLD_FLOOR = 0.1
MIN_TO_MINE = 6  # fewer free tickets than this: no new themes this run
READ_CHUNK = 5_000
WRITE_BATCH = 2_000
SIMILARITY_TOLERANCE = 0.01  # a re-run rewrites a membership whose similarity moved by more than this (or whose theme changed)
STALE_RUN = timedelta(hours=2)  # a run "running" for longer than this crashed; another may start
MAX_SPLIT = 10

# Spike rule (docs/themes.md): a week is a spike when, against the median m of the
# SPIKE_WINDOW weeks before it (at least SPIKE_MIN_HISTORY of them), its count c has
# robust z = (c - m) / max(1.4826 * MAD, sqrt(max(m, 1))) >= SPIKE_Z, c >= SPIKE_MIN_COUNT
# and c >= SPIKE_RATIO * max(m, 1). The sqrt term is the Poisson spread, so a flat baseline
# (MAD 0) does not turn every extra ticket into a spike.
SPIKE_WINDOW = 8
SPIKE_MIN_HISTORY = 4
SPIKE_Z = 3.5
SPIKE_RATIO = 2.0
SPIKE_MIN_COUNT = 5
RECENT_WEEKS = 4
_EPOCH_MONDAY = date(1970, 1, 5)


# ---------------------------------------------------------------- pure figures

def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _week_index(day: date) -> int:
    return (day - _EPOCH_MONDAY).days // 7


def detect_spikes(counts: Sequence[int], start: date | None = None) -> list[dict]:
    """Weeks whose count is far above the theme's own baseline (rule above), oldest first.

    Each spike: ``week`` (Monday, ISO, when ``start`` is given), ``index``, ``count``,
    ``baseline`` (median of the weeks before), ``ratio`` (count / max(baseline, 1)) and ``z``.
    """
    spikes = []
    for i, count in enumerate(counts):
        history = np.asarray(counts[max(0, i - SPIKE_WINDOW):i], float)
        if len(history) < SPIKE_MIN_HISTORY or count < SPIKE_MIN_COUNT:
            continue
        median = float(np.median(history))
        mad = float(np.median(np.abs(history - median)))
        spread = max(1.4826 * mad, math.sqrt(max(median, 1.0)))
        z = (count - median) / spread
        ratio = count / max(median, 1.0)
        if z >= SPIKE_Z and ratio >= SPIKE_RATIO:
            spikes.append({
                "week": (start + timedelta(weeks=i)).isoformat() if start else None, "index": i, "count": int(count),
                "baseline": round(median, 1), "ratio": round(ratio, 1), "z": round(z, 1),
            })
    return spikes


def resolution_percentiles(hours: Sequence[float]) -> tuple[float | None, float | None]:
    """Median and 90th percentile (linear interpolation) of resolution times in hours."""
    if len(hours) == 0:
        return None, None
    median, p90 = np.percentile(np.asarray(hours, float), [50, 90])
    return round(float(median), 2), round(float(p90), 2)


# ---------------------------------------------------------------- helpers

def _user(actor):
    return actor if actor is not None and getattr(actor, "is_authenticated", False) else None


def _vec(blob) -> np.ndarray:
    return np.frombuffer(bytes(blob), dtype=np.float32).copy()


def _blob(vector: np.ndarray) -> bytes:
    return np.asarray(vector, np.float32).tobytes()


def ticket_text(subject: str, body: str) -> str:
    return f"{subject}\n{body}".strip()


_EMBEDDERS: dict[str, engine.Embedder] = {}


def product_embedder(product: Product) -> engine.Embedder | None:
    """The embedding space of the product's last run that stored one (cached by fingerprint)."""
    run = (ThemeRun.objects.filter(product=product, status=RunStatus.DONE, embedder__isnull=False)
           .order_by("-finished_at", "-id").only("pk", "embedder_fingerprint").first())
    if run is None:
        return None
    cached = _EMBEDDERS.get(run.embedder_fingerprint)
    if cached is None:
        blob = ThemeRun.objects.filter(pk=run.pk).values_list("embedder", flat=True)[0]
        cached = engine.load_embedder(bytes(blob))
        if len(_EMBEDDERS) >= 4:
            _EMBEDDERS.pop(next(iter(_EMBEDDERS)))
        _EMBEDDERS[cached.fingerprint] = cached
    return cached


def _require_embedder(product: Product) -> engine.Embedder:
    embedder = product_embedder(product)
    if embedder is None:
        raise HeardError("conflict", "Run theme mining first; this product has no themes yet.")
    return embedder


def _members(theme: Theme) -> tuple[list[int], list[str]]:
    rows = (ThemeTicket.objects.filter(theme=theme).order_by("ticket_id")
            .values_list("ticket_id", "ticket__subject", "ticket__body"))
    ids, texts = [], []
    for ticket_id, subject, body in rows.iterator(chunk_size=READ_CHUNK):
        ids.append(ticket_id)
        texts.append(ticket_text(subject, body))
    return ids, texts


def _hold_similarity(similarities: np.ndarray) -> float:
    if len(similarities) == 0:
        return HOLD_FLOOR
    return max(HOLD_FLOOR, HOLD_FACTOR * float(np.quantile(similarities, HOLD_QUANTILE)))


def _describe(theme: Theme, description: engine.Theme, embedder: engine.Embedder) -> None:
    theme.label = description.label[:300]
    theme.terms = list(description.terms)
    theme.centroid = _blob(description.centroid)
    theme.embedder_fingerprint = embedder.fingerprint
    theme.representative_ids = [int(i) for i in description.representative_ids]
    theme.size = description.size


def _set_memberships(ticket_ids: Sequence[int], theme_ids: Sequence[int], similarities: Sequence[float]) -> None:
    """Point the given tickets at the given themes (rows exist: they are members already)."""
    _update_memberships(np.asarray(ticket_ids, np.int64), np.asarray(theme_ids, np.int64), np.asarray(similarities, np.float64))


# Membership writes use plain SQL in batches: the ORM's bulk_update builds a CASE per
# column and row, which is the slow part of a run over hundreds of thousands of tickets.

def _membership_table() -> str:
    return connection.ops.quote_name(ThemeTicket._meta.db_table)


def _row_batches(*columns: np.ndarray):
    """Rows of the columns' values, WRITE_BATCH at a time."""
    for start in range(0, len(columns[0]), WRITE_BATCH):
        yield list(zip(*(c[start : start + WRITE_BATCH].tolist() for c in columns), strict=True))


def _update_memberships(ticket_ids: np.ndarray, theme_ids: np.ndarray, similarities: np.ndarray) -> None:
    table = _membership_table()
    with connection.cursor() as cursor:
        for rows in _row_batches(theme_ids, similarities, ticket_ids):
            if connection.vendor == "postgresql":
                # One statement per batch; executemany would be one round trip per row.
                values = ", ".join(["(%s::bigint, %s::bigint, %s::double precision)"] * len(rows))
                cursor.execute(f"UPDATE {table} AS m SET theme_id = v.theme_id, similarity = v.similarity "
                               f"FROM (VALUES {values}) AS v(theme_id, similarity, ticket_id) WHERE m.ticket_id = v.ticket_id",
                               [x for row in rows for x in row])
            else:
                cursor.executemany(f"UPDATE {table} SET theme_id = %s, similarity = %s WHERE ticket_id = %s", rows)


def _insert_memberships(ticket_ids: np.ndarray, theme_ids: np.ndarray, similarities: np.ndarray) -> None:
    table = _membership_table()
    with connection.cursor() as cursor:
        for rows in _row_batches(ticket_ids, theme_ids, similarities):
            values = ", ".join(["(%s, %s, %s)"] * len(rows))
            cursor.execute(f"INSERT INTO {table} (ticket_id, theme_id, similarity) VALUES {values}", [x for row in rows for x in row])


def _delete_memberships(ticket_ids: np.ndarray) -> None:
    table = _membership_table()
    with connection.cursor() as cursor:
        for start in range(0, len(ticket_ids), WRITE_BATCH):
            chunk = ticket_ids[start:start + WRITE_BATCH].tolist()
            cursor.execute(f"DELETE FROM {table} WHERE ticket_id IN ({', '.join(['%s'] * len(chunk))})", chunk)


def _current_memberships(product: Product) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(ticket ids, theme ids, similarities) of the product's membership rows, by ticket id."""
    qs = ThemeTicket.objects.filter(theme__product=product).order_by("ticket_id").values_list("ticket_id", "theme_id", "similarity")
    sql, params = qs.query.sql_with_params()
    tickets, theme_ids, sims = [], [], []
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        while rows := cursor.fetchmany(READ_CHUNK * 4):
            columns = list(zip(*rows, strict=True))
            tickets.append(np.asarray(columns[0], np.int64))
            theme_ids.append(np.asarray(columns[1], np.int64))
            sims.append(np.asarray(columns[2], np.float64))
    if not tickets:
        return np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0, np.float64)
    return np.concatenate(tickets), np.concatenate(theme_ids), np.concatenate(sims)


def write_memberships(product: Product, ticket_ids: np.ndarray, owner: np.ndarray, sims: np.ndarray) -> dict[str, int]:
    """Make the product's membership rows say ``owner`` (theme id per ticket, <= 0: none),
    writing only the difference: rows whose theme changed (moved) or whose similarity moved by
    more than SIMILARITY_TOLERANCE (rescored) are updated, new members inserted, former
    members deleted; every other row is left as it is. Returns the number of rows of each kind."""
    old_tickets, old_themes, old_sims = _current_memberships(product)
    assigned = np.flatnonzero(owner > 0)
    new_tickets = np.asarray(ticket_ids, np.int64)[assigned]
    new_themes = np.asarray(owner, np.int64)[assigned]
    new_sims = np.asarray(sims, np.float64)[assigned]
    order = np.argsort(new_tickets, kind="stable")
    new_tickets, new_themes, new_sims = new_tickets[order], new_themes[order], new_sims[order]

    at = np.searchsorted(old_tickets, new_tickets)
    found = at < len(old_tickets)
    found[found] = old_tickets[at[found]] == new_tickets[found]
    moved, rescored = np.zeros(len(found), bool), np.zeros(len(found), bool)
    moved[found] = old_themes[at[found]] != new_themes[found]
    rescored[found] = np.abs(old_sims[at[found]] - new_sims[found]) > SIMILARITY_TOLERANCE
    changed = moved | rescored
    gone = ~np.isin(old_tickets, new_tickets, assume_unique=True)

    _delete_memberships(old_tickets[gone])
    _update_memberships(new_tickets[changed], new_themes[changed], new_sims[changed])
    _insert_memberships(new_tickets[~found], new_themes[~found], new_sims[~found])
    return {"unchanged": int(found.sum() - changed.sum()), "moved": int(moved.sum()), "rescored": int((rescored & ~moved).sum()),
            "inserted": int((~found).sum()), "deleted": int(gone.sum())}


class _TermSets:
    """The label terms of each text, made while they are counted: a held theme can hold
    hundreds of thousands of tickets, and their term sets all at once take gigabytes."""

    def __init__(self, texts: list[str]):
        self.texts = texts

    def __len__(self) -> int:
        return len(self.texts)

    def __iter__(self):
        return (textspace.label_terms(textspace.tokens(text)) for text in self.texts)


def _held_words(embedder: engine.Embedder, texts: list[str]) -> tuple[str, list[str]]:
    """Label and terms of a held theme's tickets, worded as ``engine.describe_theme`` words
    them, without embedding the tickets (the theme keeps its centre)."""
    terms = list(engine._background_terms(embedder, _TermSets(texts)))
    return " · ".join(terms[:engine.LABEL_TERMS]) or "theme 1", terms


def _final_theme(theme: Theme, themes_by_id: dict[int, Theme]) -> Theme | None:
    seen = set()
    while theme is not None and theme.status == ThemeStatus.MERGED and theme.pk not in seen:
        seen.add(theme.pk)
        theme = themes_by_id.get(theme.merged_into_id)
    return theme


# ---------------------------------------------------------------- rollups

def refresh_rollups(product: Product, theme_ids: Sequence[int] | None = None) -> None:
    """Recompute size, weekly counts, spikes and resolution percentiles of active themes.

    Weeks start on Monday (UTC) and run from the product's first ticket to the current week,
    so every theme's series covers the same weeks.
    """
    themes = Theme.objects.filter(product=product, status=ThemeStatus.ACTIVE)
    if theme_ids is not None:
        themes = themes.filter(pk__in=list(theme_ids))
    themes = list(themes)
    if not themes:
        return
    bounds = Ticket.objects.filter(product=product).aggregate(first=Min("created_at"), last=Max("created_at"))
    today = timezone.now().date()
    first_week = week_start(bounds["first"].date()) if bounds["first"] else week_start(today)
    last_week = week_start(max(bounds["last"].date(), today) if bounds["last"] else today)
    n_weeks = _week_index(last_week) - _week_index(first_week) + 1
    base = _week_index(first_week)
    weeks: dict[int, list[int]] = defaultdict(list)
    hours: dict[int, list[float]] = defaultdict(list)
    rows = (ThemeTicket.objects.filter(theme__in=themes)
            .values_list("theme_id", "ticket__created_at", "ticket__solved_at", "ticket__closed_at"))
    for theme_id, created, solved, closed in rows.iterator(chunk_size=READ_CHUNK):
        weeks[theme_id].append(_week_index(created.date()) - base)
        resolved = solved or closed
        if resolved is not None and resolved >= created:
            hours[theme_id].append((resolved - created).total_seconds() / 3600)
    recent_from = n_weeks - RECENT_WEEKS
    for theme in themes:
        counts = np.bincount(np.asarray(weeks[theme.pk], np.int64), minlength=n_weeks)[:n_weeks] if weeks[theme.pk] else np.zeros(n_weeks, np.int64)
        theme.size = len(weeks[theme.pk])
        theme.weekly = {"start": first_week.isoformat(), "counts": [int(c) for c in counts]}
        theme.spikes = detect_spikes([int(c) for c in counts], first_week)
        recent = [s for s in theme.spikes if s["index"] >= recent_from]
        theme.latest_spike_ratio = recent[-1]["ratio"] if recent else None
        theme.resolved_count = len(hours[theme.pk])
        theme.resolution_median_hours, theme.resolution_p90_hours = resolution_percentiles(hours[theme.pk])
    Theme.objects.bulk_update(themes, ["size", "weekly", "spikes", "latest_spike_ratio", "resolved_count",
                                       "resolution_median_hours", "resolution_p90_hours", "updated_at"], batch_size=500)


# ---------------------------------------------------------------- runs

def engine_choice(engine_name: str | None = None, source: str = "engine") -> str:
    """The engine to mine with: ``engine_name`` if given (``source`` names where it came from,
    e.g. "--engine"), else the HEARD_THEMES_ENGINE setting. HeardError when it is unknown or
    its extra is not installed."""
    if engine_name:
        return embeddings.check_engine(engine_name, source, "engine")
    return embeddings.check_engine(settings.HEARD_THEMES_ENGINE, "HEARD_THEMES_ENGINE", "engine")


def start_theme_run(*, actor, product: Product, background: bool = True, engine_name: str | None = None,
                    engine_source: str = "engine") -> ThemeRun:
    """Queue a mining run for the worker (``heard worker``), or run it now (``background=False``:
    the command line, the demo loader, tests). One run per product at a time. ``engine_name``
    ("default" or "embeddings") overrides the HEARD_THEMES_ENGINE setting."""
    permissions.require(actor, product.workspace, "themes.edit")
    require_active(product)
    engine_name = engine_choice(engine_name, engine_source)
    settle_interrupted_runs(product)  # a run whose worker died blocks nothing
    with transaction.atomic():
        busy = ThemeRun.objects.filter(product=product, status__in=[RunStatus.QUEUED, RunStatus.RUNNING],
                                       created_at__gte=timezone.now() - STALE_RUN).first()
        if busy is not None:
            raise HeardError("conflict", f"Theme mining is already running for {product.name} (run {busy.pk}); wait for it to finish.", "product")
        run = ThemeRun.objects.create(product=product, created_by=_user(actor), phase="Waiting for the worker")
        audit.record(actor=actor, workspace=product.workspace, verb="themes.run_started", target=run)
        if background:
            tasks.enqueue("themes.run_theme_mining_task", run.pk, engine_name)
    if not background:
        run = run_theme_mining(run, engine_name)
    return run


def settle_interrupted_runs(product: Product | None = None) -> int:
    """End as failed, with the reason, every run whose process stopped beating
    (core.heartbeat), so it blocks no other run; its themes stay as the last finished run
    left them. Returns how many were settled."""
    stale = ThemeRun.objects.filter(stale_filter([RunStatus.RUNNING]))
    if product is not None:
        stale = stale.filter(product=product)
    settled = 0
    for pk in stale.values_list("pk", flat=True):
        with transaction.atomic():
            run = ThemeRun.objects.select_for_update().defer("embedder").filter(pk=pk).filter(stale_filter([RunStatus.RUNNING])).first()
            if run is None:
                continue
            last = timezone.localtime(run.heartbeat_at or run.started_at).strftime("%Y-%m-%d %H:%M:%S %Z")
            error = (f"Interrupted: {run.worker or 'the process running it'} stopped at {last} "
                     f"(no heartbeat for over {int(stale_after().total_seconds())} s). Start another run.")
            _progress(run, status=RunStatus.FAILED, error=error, finished_at=timezone.now(), phase="Interrupted")
            audit.record(actor=None, workspace=run.product.workspace, verb="themes.run_interrupted", target=run, after={"worker": run.worker, "last_heartbeat": last})
            settled += 1
    return settled


def _progress(run: ThemeRun, **fields) -> None:
    for name, value in fields.items():
        setattr(run, name, value)
    ThemeRun.objects.filter(pk=run.pk).update(**fields)


def run_theme_mining(run: ThemeRun, engine_name: str | None = None) -> ThemeRun:
    """Do a queued run as the person who started it (their role is checked again), with the
    given engine (default: the HEARD_THEMES_ENGINE setting)."""
    product = run.product
    _progress(run, status=RunStatus.RUNNING, phase="Reading tickets", percent=1, started_at=timezone.now(), error="",
              heartbeat_at=timezone.now(), worker=worker_label())
    try:
        permissions.require(run.created_by, product.workspace, "themes.edit")
        with beating(run):
            _mine(run, engine_choice(engine_name))
    except HeardError as exc:
        _progress(run, status=RunStatus.FAILED, error=exc.message, finished_at=timezone.now())
    except Exception as exc:
        log.exception("theme run %s failed", run.pk)
        _progress(run, status=RunStatus.FAILED, error=f"{exc.__class__.__name__}: {exc}", finished_at=timezone.now())
        raise
    run.refresh_from_db()
    return run


def _read_tickets(run: ThemeRun) -> tuple[np.ndarray, list[str]]:
    qs = Ticket.objects.filter(product=run.product)
    total = qs.count()
    _progress(run, tickets=total)
    ids = np.zeros(total, np.int64)
    texts: list[str] = []
    rows = qs.order_by("pk").values_list("pk", "subject", "body")
    for i, (pk, subject, body) in enumerate(rows.iterator(chunk_size=READ_CHUNK)):
        if i >= total:  # tickets imported while we read wait for the next run
            break
        ids[i] = pk
        texts.append(ticket_text(subject, body))
        if (i + 1) % (READ_CHUNK * 10) == 0:
            _progress(run, percent=1 + int(24 * (i + 1) / max(total, 1)))
    return ids[: len(texts)], texts


def _space(run: ThemeRun, texts: list[str], engine_name: str = "default") -> tuple[engine.Embedder | None, bool]:
    embedder = product_embedder(run.product)
    # A change of engine starts a new space; held themes are carried over by their tickets.
    if embedder is not None and embedder.engine == engine_name:
        return embedder, False
    if not texts:
        return None, False
    rng = np.random.default_rng(0)
    sample = texts if len(texts) <= engine.FIT_SAMPLE else [texts[i] for i in np.sort(rng.choice(len(texts), engine.FIT_SAMPLE, replace=False))]
    if not any(textspace.tokens(t) for t in sample):
        return None, False
    return engine.fit_embedder(sample, engine=engine_name), True


def _centroid_for(theme: Theme, embedder: engine.Embedder) -> np.ndarray | None:
    """A theme's centroid in ``embedder``'s space (recomputed from its tickets if it was made in another)."""
    if theme.centroid and theme.embedder_fingerprint == embedder.fingerprint:
        return _vec(theme.centroid)
    _ids, texts = _members(theme)
    if not texts:
        return None
    return engine.group_centroids(embedder, {theme.pk: texts})[theme.pk]


def _current_owner(product: Product, ids: np.ndarray) -> np.ndarray:
    """The stored theme of each ticket in ``ids`` (0: none)."""
    tickets, theme_ids, _sims = _current_memberships(product)
    if len(tickets) == 0:
        return np.zeros(len(ids), np.int64)
    at = np.minimum(np.searchsorted(tickets, ids), len(tickets) - 1)
    return np.where(tickets[at] == ids, theme_ids[at], 0)


def _hold_tickets(embedder, texts, held_vecs, rivals, current, owner, sims) -> None:
    """Give each held theme its tickets among its members and the tickets in no theme (new
    ones): those at least as close to its centre as its threshold that are its members
    already, or that no other active theme of the last run is closer to. (Without the second
    condition a broad pinned theme takes every new ticket above its threshold, even those that
    plainly belong to another theme.) Tickets of other themes are left to the mining, so
    only held members and new tickets are embedded here."""
    centres = np.stack([v for _, v in held_vecs] + rivals).astype(np.float32)
    centres /= np.maximum(np.linalg.norm(centres, axis=1, keepdims=True), 1e-12)
    n_held = len(held_vecs)
    hold = np.array([t.hold_similarity or HOLD_FLOOR for t, _ in held_vecs], np.float32)
    theme_ids = np.array([t.pk for t, _ in held_vecs], np.int64)
    offered = np.flatnonzero((current == 0) | np.isin(current, theme_ids))
    for start, z, _ in embedder.iter_transform([texts[i] for i in offered]):
        part = offered[start:start + len(z)]
        s = z @ centres.T
        best = np.argmax(s[:, :n_held], axis=1)
        sim = s[np.arange(len(z)), best]
        keep = (np.linalg.norm(z, axis=1) > 0) & (sim >= hold[best])
        if rivals:
            closest = sim >= s[:, n_held:].max(axis=1)
            keep &= closest | (current[part] == theme_ids[best])
        owner[part[keep]] = theme_ids[best[keep]]
        sims[part[keep]] = sim[keep]


def _mine(run: ThemeRun, engine_name: str = "default") -> None:
    product = run.product
    ids, texts = _read_tickets(run)
    _progress(run, phase="Preparing the word space", percent=25)
    embedder, fresh = _space(run, texts, engine_name)
    n = len(texts)
    all_themes = {t.pk: t for t in Theme.objects.filter(product=product)}
    held = [t for t in all_themes.values() if t.status == ThemeStatus.ACTIVE and t.is_held]
    owner = np.full(n, -1, np.int64)  # theme id per ticket
    sims = np.zeros(n, np.float32)
    labels_of: dict[int, engine.Theme] = {}
    cluster_centroid: dict[int, list[tuple[int, np.ndarray]]] = defaultdict(list)
    new_themes: list[Theme] = []

    if embedder is not None and held:
        _progress(run, phase="Keeping pinned and fixed themes", percent=35)
        held_vecs = [(t, _centroid_for(t, embedder)) for t in held]
        held_vecs = [(t, v) for t, v in held_vecs if v is not None]
        if held_vecs:
            rivals = [_vec(t.centroid) for t in all_themes.values() if t.status == ThemeStatus.ACTIVE and not t.is_held
                      and t.centroid and t.embedder_fingerprint == embedder.fingerprint]
            _hold_tickets(embedder, texts, held_vecs, rivals, _current_owner(product, ids), owner, sims)

    free = np.flatnonzero(owner < 0)
    fit = None
    if embedder is not None and len(free) >= MIN_TO_MINE:
        _progress(run, phase="Finding themes", percent=45)
        fit = engine.mine_themes([texts[i] for i in free], ids[free], embedder=embedder)

    _progress(run, phase="Matching themes to the last run", percent=75)
    if fit is not None and fit.themes:
        candidates, key_theme = [], {}
        for theme in all_themes.values():
            target = _final_theme(theme, all_themes)
            if target is None or target.status == ThemeStatus.MERGED or not theme.centroid:
                continue
            # A theme made in another space (the engine was switched, or the stored space
            # was lost) is placed by its tickets in this one, so it keeps its identity.
            vector = _centroid_for(theme, embedder)
            if vector is None:
                continue
            candidates.append((theme.pk, vector))
            key_theme[theme.pk] = target
        match = engine.match_themes(candidates, fit.centroids, threshold=MATCH_THRESHOLD)
        for index, cluster in enumerate(fit.themes):
            members = free[fit.labels == index]
            if index in match.mapping:
                theme = key_theme[match.mapping[index]]
            else:
                theme = Theme(product=product, name=cluster.label[:200], created_by_run=run)
                new_themes.append(theme)
                theme.pk = -1 - len(new_themes)  # placeholder until saved (-1 means no theme)
            owner[members] = theme.pk
            sims[members] = fit.similarities[fit.labels == index]
            labels_of.setdefault(theme.pk, cluster)
            cluster_centroid[theme.pk].append((len(members), cluster.centroid))

    _progress(run, phase="Saving themes", percent=85)
    with transaction.atomic():
        _save_run(run, all_themes, new_themes, ids, texts, owner, sims, labels_of, cluster_centroid, embedder, fresh)
        _progress(run, phase="Counting weeks and resolution times", percent=92)
        refresh_rollups(product)
        _progress(run, status=RunStatus.DONE, phase="Done", percent=100, finished_at=timezone.now())
        audit.record(actor=run.created_by, workspace=product.workspace, verb="themes.mined", target=run, after={
            "tickets": run.tickets, "added": run.themes_added, "grown": run.themes_grown, "kept": run.themes_kept,
            "retired": run.themes_retired, "unassigned": run.unassigned,
        })


def _save_run(run, all_themes, new_themes, ids, texts, owner, sims, labels_of, cluster_centroid, embedder, fresh) -> None:
    product = run.product
    placeholder = {}
    for theme in new_themes:
        old_key = theme.pk
        theme.pk = None
        description = labels_of[old_key]
        _describe(theme, description, embedder)
        theme.last_run = run
        theme.save()
        placeholder[old_key] = theme.pk
    if placeholder:
        # New themes stand as -2, -3, ... in ``owner`` until saved (-1: no theme).
        saved = np.array([placeholder[-2 - i] for i in range(len(placeholder))], np.int64)
        owner = owner.copy()
        pending = owner <= -2
        owner[pending] = saved[-owner[pending] - 2]
        labels_of = {placeholder.get(k, k): v for k, v in labels_of.items()}
        cluster_centroid = {placeholder.get(k, k): v for k, v in cluster_centroid.items()}

    order = np.argsort(owner, kind="stable")
    sorted_owner = owner[order]
    kept = grown = retired = 0
    now = timezone.now()
    for theme in list(all_themes.values()):
        if theme.status == ThemeStatus.MERGED:
            continue
        lo, hi = np.searchsorted(sorted_owner, [theme.pk, theme.pk + 1])
        members = order[lo:hi]
        if len(members) == 0:
            if theme.status == ThemeStatus.ACTIVE and not theme.pinned:
                theme.status, theme.retired_at, theme.size = ThemeStatus.RETIRED, now, 0
                theme.save(update_fields=["status", "retired_at", "size", "updated_at"])
                retired += 1
            continue
        kept += 1
        grown += int(len(members) > theme.size)
        if theme.is_held and theme.status == ThemeStatus.ACTIVE:
            # A person fixed this theme: its centre stays; words and examples follow its tickets.
            label, terms = _held_words(embedder, [texts[i] for i in members])
            theme.label, theme.terms = label[:300], terms
            theme.representative_ids = [int(i) for i in ids[members[np.argsort(-sims[members], kind="stable")[:engine.N_REPRESENTATIVES]]]]
        else:
            parts = cluster_centroid[theme.pk]
            centroid = sum(size * vec for size, vec in parts)
            theme.centroid = _blob(centroid / (np.linalg.norm(centroid) or 1.0))
            theme.embedder_fingerprint = embedder.fingerprint
            cluster = labels_of[theme.pk]
            theme.label, theme.terms = cluster.label[:300], list(cluster.terms)
            theme.representative_ids = [int(i) for i in ids[members[np.argsort(-sims[members], kind="stable")[:engine.N_REPRESENTATIVES]]]]
        theme.status, theme.retired_at, theme.last_run = ThemeStatus.ACTIVE, None, run
        theme.size = len(members)
        theme.save()

    written = write_memberships(product, ids, owner, sims)
    log.info("theme run %s memberships: %s", run.pk, written, extra={"memberships": written})
    run.themes_added, run.themes_kept, run.themes_grown, run.themes_retired = len(new_themes), kept, grown, retired
    run.unassigned = int(len(owner) - np.count_nonzero(owner > 0))
    update = {"themes_added": run.themes_added, "themes_kept": kept, "themes_grown": grown, "themes_retired": retired,
              "unassigned": run.unassigned, "embedder_fingerprint": embedder.fingerprint if embedder else ""}
    if fresh:
        update["embedder"] = embedder.to_bytes()
    _progress(run, **update)


# ---------------------------------------------------------------- curation

def _require_active(theme: Theme, field: str | None = None) -> None:
    if theme.status != ThemeStatus.ACTIVE:
        raise HeardError("conflict", f"“{theme.name}” is {theme.get_status_display().lower()}; only active themes can be changed.", field)


@transaction.atomic
def rename_theme(*, actor, theme: Theme, name: str) -> Theme:
    """Give a theme the name people use; re-runs never change it."""
    permissions.require(actor, theme.product.workspace, "themes.edit")
    name = str(name or "").strip()
    if not name:
        raise HeardError("invalid", "Give the theme a name.", "name")
    if len(name) > 200:
        raise HeardError("invalid", "A name has at most 200 characters.", "name")
    if name == theme.name:
        return theme
    before = {"name": theme.name}
    theme.name = name
    theme.save(update_fields=["name", "updated_at"])
    audit.record(actor=actor, workspace=theme.product.workspace, verb="theme.renamed", target=theme, before=before, after={"name": name})
    return theme


@transaction.atomic
def set_pinned(*, actor, theme: Theme, pinned: bool) -> Theme:
    """Pin a theme so re-runs keep it as it is (its tickets stay; it is never retired), or unpin it."""
    permissions.require(actor, theme.product.workspace, "themes.edit")
    _require_active(theme, "pinned")
    pinned = bool(pinned)
    if pinned == theme.pinned:
        return theme
    theme.pinned = pinned
    if pinned and theme.hold_similarity is None:
        sims = np.fromiter(ThemeTicket.objects.filter(theme=theme).values_list("similarity", flat=True), np.float32)
        theme.hold_similarity = _hold_similarity(sims)
    theme.save(update_fields=["pinned", "hold_similarity", "updated_at"])
    audit.record(actor=actor, workspace=theme.product.workspace, verb="theme.pinned" if pinned else "theme.unpinned", target=theme,
                 before={"pinned": not pinned}, after={"pinned": pinned})
    return theme


def _theme_ids(refs) -> list[int]:
    out = []
    for ref in refs or []:
        ref = ref.pk if isinstance(ref, Theme) else ref
        try:
            out.append(int(ref))
        except (TypeError, ValueError):
            raise HeardError("invalid", f"“{ref}” is not a theme number.", "themes") from None
    return sorted(set(out))


@transaction.atomic
def merge_themes(*, actor, product: Product, themes, name: str = "") -> Theme:
    """Merge two or more active themes into the largest one, which keeps its id, name (unless
    ``name`` is given), links and feedback. Members are unioned, links moved (highest weight
    wins), words recomputed; the others are marked merged into it. Re-runs keep the result."""
    permissions.require(actor, product.workspace, "themes.edit")
    ids = _theme_ids(themes)
    if len(ids) < 2:
        raise HeardError("invalid", "Choose at least two themes to merge.", "themes")
    found = list(Theme.objects.select_for_update().filter(product=product, pk__in=ids))
    missing = set(ids) - {t.pk for t in found}
    if missing:
        raise HeardError("invalid", f"Theme {min(missing)} was not found in {product.name}.", "themes")
    for theme in found:
        _require_active(theme, "themes")
    name = str(name or "").strip()
    if len(name) > 200:
        raise HeardError("invalid", "A name has at most 200 characters.", "name")
    embedder = _require_embedder(product)
    found.sort(key=lambda t: (-t.size, t.pk))
    target, others = found[0], found[1:]
    before = {"themes": [audit.snapshot(t, ["id", "name", "size", "label"]) for t in found]}

    ThemeTicket.objects.filter(theme__in=others).update(theme=target)
    for link in ThemeLink.objects.filter(theme__in=others):
        twin = ThemeLink.objects.filter(theme=target, backlog_item_id=link.backlog_item_id, decision_id=link.decision_id).first()
        if twin is None:
            link.theme = target
            link.save(update_fields=["theme"])
        else:
            twin.weight = max(twin.weight, link.weight)
            twin.save(update_fields=["weight"])
            link.delete()
    member_ids, texts = _members(target)
    described = engine.describe_theme(embedder, texts, member_ids)
    _describe(target, described, embedder)
    similarities = embedder.transform(texts) @ described.centroid
    _set_memberships(member_ids, [target.pk] * len(member_ids), similarities)
    target.curated = True
    target.hold_similarity = _hold_similarity(similarities)
    target.pinned = target.pinned or any(t.pinned for t in others)
    target.feedback_id = target.feedback_id or next((t.feedback_id for t in others if t.feedback_id), None)
    if name:
        target.name = name
    target.save()
    Theme.objects.filter(merged_into__in=others).update(merged_into=target)
    for other in others:
        other.status, other.merged_into, other.size, other.pinned = ThemeStatus.MERGED, target, 0, False
        other.save(update_fields=["status", "merged_into", "size", "pinned", "updated_at"])
    refresh_rollups(product, [target.pk])
    target.refresh_from_db()
    audit.record(actor=actor, workspace=product.workspace, verb="theme.merged", target=target, before=before,
                 after={"into": target.pk, "merged": [t.pk for t in others], "name": target.name, "label": target.label, "size": target.size})
    return target


def _split_k(raw) -> int:
    try:
        k = int(raw)
    except (TypeError, ValueError):
        raise HeardError("invalid", "Say into how many themes to split (2 to 10).", "k") from None
    if not 2 <= k <= MAX_SPLIT:
        raise HeardError("invalid", f"A theme splits into 2 to {MAX_SPLIT} themes, not {k}.", "k")
    return k


@transaction.atomic
def split_theme(*, actor, theme: Theme, k=2) -> list[Theme]:
    """Split a theme into ``k`` by the words of its tickets. The original keeps the largest
    part, its id, name, links and feedback; the other parts become new themes. Re-runs keep
    the parts apart. Returns the parts, the original first."""
    product = theme.product
    permissions.require(actor, product.workspace, "themes.edit")
    k = _split_k(k)
    _require_active(theme, "k")
    member_ids, texts = _members(theme)
    if len(member_ids) < 2 * k:
        raise HeardError("invalid", f"“{theme.name}” has {len(member_ids)} tickets; splitting into {k} needs at least {2 * k}.", "k")
    embedder = _require_embedder(product)
    labels, parts = engine.split_theme(embedder, texts, member_ids, k=k)
    z = embedder.transform(texts)
    results = [theme]
    for part in parts[1:]:
        name = part.label[:200] if part.label != theme.name else f"{part.label[:190]} (part)"
        results.append(Theme(product=product, name=name, split_from=theme, created_by_run=theme.last_run, last_run=theme.last_run))
    theme_ids, similarities = [0] * len(member_ids), np.zeros(len(member_ids), np.float32)
    for index, (part, result) in enumerate(zip(parts, results, strict=True)):
        _describe(result, part, embedder)
        rows = np.flatnonzero(labels == index)
        part_sims = z[rows] @ part.centroid
        result.curated = True
        result.hold_similarity = _hold_similarity(part_sims)
        result.save()
        for row, sim in zip(rows, part_sims, strict=True):
            theme_ids[row], similarities[row] = result.pk, sim
    _set_memberships(member_ids, theme_ids, similarities)
    refresh_rollups(product, [r.pk for r in results])
    for result in results:
        result.refresh_from_db()
    audit.record(actor=actor, workspace=product.workspace, verb="theme.split", target=theme,
                 after={"k": k, "parts": [{"id": r.pk, "name": r.name, "size": r.size} for r in results]})
    return results


# ---------------------------------------------------------------- links

def _weight(raw) -> int:
    try:
        weight = int(raw)
    except (TypeError, ValueError):
        raise HeardError("invalid", "Weight must be 1 (touches it), 2 (shapes it) or 3 (drives it).", "weight") from None
    if weight not in (1, 2, 3):
        raise HeardError("invalid", f"Weight must be 1, 2 or 3, not {weight}.", "weight")
    return weight


def _link_target(product: Product, backlog_item, decision):
    from heard.backlog.models import BacklogItem
    from heard.decisions.models import Decision

    given = [x for x in (backlog_item, decision) if x not in (None, "")]
    if len(given) != 1:
        raise HeardError("invalid", "Link to exactly one thing: a backlog item or a decision.", "backlog_item" if not given else "decision")
    if backlog_item not in (None, ""):
        ref = backlog_item.pk if isinstance(backlog_item, BacklogItem) else backlog_item
        item = BacklogItem.objects.filter(product=product, pk=as_id(ref)).first() if as_id(ref) is not None else None
        if item is None:
            raise HeardError("invalid", f"Unknown backlog item “{backlog_item}” for this product.", "backlog_item")
        return item, None
    ref = decision.pk if isinstance(decision, Decision) else decision
    found = Decision.objects.filter(product=product, pk=as_id(ref)).first() if as_id(ref) is not None else None
    if found is None:
        raise HeardError("invalid", f"Unknown decision “{decision}” for this product.", "decision")
    return None, found


@transaction.atomic
def link_theme(*, actor, theme: Theme, backlog_item=None, decision=None, weight=2) -> ThemeLink:
    """Link a theme to a backlog item or a decision (ids or objects), weight 1–3; linking the
    same target again changes the weight."""
    product = theme.product
    permissions.require(actor, product.workspace, "themes.edit")
    weight = _weight(weight)
    item, found = _link_target(product, backlog_item, decision)
    link = ThemeLink.objects.filter(theme=theme, backlog_item=item, decision=found).first()
    if link is not None:
        before = audit.snapshot(link)
        link.weight = weight
        link.save(update_fields=["weight"])
        audit.record(actor=actor, workspace=product.workspace, verb="theme.link_updated", target=link, before=before, after=audit.snapshot(link))
        return link
    link = ThemeLink.objects.create(theme=theme, backlog_item=item, decision=found, weight=weight, created_by=_user(actor))
    audit.record(actor=actor, workspace=product.workspace, verb="theme.linked", target=link, after=audit.snapshot(link))
    return link


@transaction.atomic
def unlink_theme(*, actor, link: ThemeLink) -> None:
    workspace = link.theme.product.workspace
    permissions.require(actor, workspace, "themes.edit")
    audit.delete_with_event(actor=actor, workspace=workspace, target=link, verb="theme.unlinked")


# ---------------------------------------------------------------- feedback

@transaction.atomic
def turn_into_feedback(*, actor, theme: Theme):
    """Turn a theme into feedback on the support channel, keeping who said what.

    A feedback item has one speaker, so each distinct requester gets an item of their own
    (their tickets' subjects, dated by their latest ticket); with two or more requesters
    these are merged into one item that stands for them all (the feedback app's merge keeps
    every original and its speaker). Tickets without a requester are counted in the text.
    Returns the item that stands for the theme; it is remembered on the theme.
    """
    from heard.core.importing import ImportReport
    from heard.feedback import actions as feedback_actions
    from heard.feedback.models import Feedback

    product = theme.product
    permissions.require(actor, product.workspace, "themes.edit")
    permissions.require(actor, product.workspace, "feedback.dispose")
    _require_active(theme)
    if theme.feedback_id:
        raise HeardError("conflict", f"“{theme.name}” was already turned into feedback #{theme.feedback_id}.")
    by_person: dict[int, list] = defaultdict(list)
    anonymous = 0
    rows = (ThemeTicket.objects.filter(theme=theme).select_related("ticket__requester")
            .order_by("ticket__created_at", "ticket_id"))
    for row in rows.iterator(chunk_size=READ_CHUNK):
        person = row.ticket.requester
        if person is None or person.erased_at is not None:
            anonymous += 1
        else:
            by_person[person.pk].append(row.ticket)
    if not by_person:
        raise HeardError("conflict", f"No ticket of “{theme.name}” has a known requester, so there is nobody to attribute feedback to.")
    data = []
    for person_id, tickets in by_person.items():
        subjects = list(dict.fromkeys(t.subject or t.body[:120] for t in tickets))
        data.append((len(data) + 1, {
            "stakeholder": person_id, "channel": "support_ticket", "said_at": tickets[-1].created_at,
            "text": f"{theme.name}: " + "; ".join(subjects[:5]) + (f" (and {len(subjects) - 5} more)" if len(subjects) > 5 else ""),
            "example": "\n".join(f"Ticket #{t.external_id}: {t.body[:300]}" for t in tickets[:3]),
            "external_id": f"theme-{theme.pk}-requester-{person_id}",
        }))
    report = ImportReport(kind="feedback")
    feedback_actions.record_feedback_batch(actor=actor, product=product, rows=data, report=report)
    items = list(Feedback.objects.filter(product=product, source_key__in=[d["external_id"] for _, d in data]).order_by("said_at", "pk"))
    if len(items) == 1:
        result = items[0]
    else:
        text = (f"Support theme “{theme.name}”: {theme.size} tickets from {len(items)} requesters"
                + (f" and {anonymous} without a known requester" if anonymous else "") + f". Distinctive words: {', '.join(theme.terms[:6])}.")
        result = feedback_actions.merge_feedback(actor=actor, product=product, items=items, text=text)
    theme.feedback = result
    theme.save(update_fields=["feedback", "updated_at"])
    audit.record(actor=actor, workspace=product.workspace, verb="theme.turned_into_feedback", target=theme,
                 after={"feedback": result.pk, "requesters": len(items), "without_requester": anonymous})
    return result
