"""Theme-mining speed and memory on generated support tickets.

    python bench/themes.py --rows 100000              # engine only; goal: <= 30 s
    python bench/themes.py --rows 1000000             # goal: <= 5 min, peak RSS <= 3 GB
    python bench/themes.py --rows 100000 --rerun      # through the app and the database, then a re-run
    python bench/themes.py --rows 100000 --rerun --database-url postgres://postgres@127.0.0.1:5432/heard_bench_themes

Generates tickets with `bench/gen_tickets.py` (bodies of 30-120 words, 20 underlying
issues, greetings, signatures, typos) and prints ONE JSON object.

Without --rerun: one full `heard.themes.engine.mine_themes` pass. Fields: rows, seconds
(mining only), generate_seconds, peak_rss_mb (whole process, generation included),
n_themes, and nmi against the generator's true issue as a sanity figure (the engine never
sees it).

With --rerun: everything goes through the app (`heard.themes.actions`, what `heard themes
mine` and the worker run) on a fresh database (SQLite in a temporary directory, or the
PostgreSQL database given, dropped and created afresh). The tickets are stored, a first run
mines them (first_run_seconds, first_run_peak_rss_mb, nmi of the stored memberships), then a
person fixes themes (rename the largest, merge the two smallest, pin the second largest:
fixes_seconds), 5% new tickets arrive (about new and old issues, created in the last four
weeks), and mining runs again (rerun_seconds, rerun_peak_rss_mb: the peak of the re-run
alone). Also: seconds per phase of each run (*_phases, from the progress a run reports) and
the seconds spent writing membership rows (*_membership_write_seconds). Checks: fixes_kept
(the renamed, merged and pinned themes kept id and name and are still active, the pinned one
still pinned, the absorbed one still merged into the merged theme), themes_before /
themes_after (active themes), and which membership rows the re-run wrote (rerun_memberships:
unchanged, moved, rescored, inserted, deleted; from the log of `heard.themes.actions`). Goals: a re-run costs no more than a first run; at 100 000 tickets
<= 30 s, at 1 000 000 <= 5 min, peak RSS <= 3 GB.
"""

from __future__ import annotations

import argparse
import logging
import shutil
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import _util
import gen_tickets

_util.use_src()

from sklearn.metrics import normalized_mutual_info_score  # noqa: E402


def engine_only(args) -> dict:
    from heard.themes import engine

    t0 = time.perf_counter()
    texts, topics = gen_tickets.generate(args.rows, args.seed)
    gen_seconds = time.perf_counter() - t0

    t0 = time.perf_counter()
    fit = engine.mine_themes(texts, random_state=args.seed)
    seconds = time.perf_counter() - t0
    return {
        "rows": args.rows,
        "seconds": round(seconds, 2),
        "generate_seconds": round(gen_seconds, 2),
        "peak_rss_mb": _util.peak_rss_mb(),
        "n_themes": len(fit.themes),
        "true_topics": len(set(topics)),
        "nmi": round(float(normalized_mutual_info_score(topics, fit.labels)), 4),
        "largest_themes": [f"{t.size}: {t.label}" for t in fit.themes[:5]],
    }


# ---------------------------------------------------------------- --rerun


def reset_peak_rss() -> bool:
    """Start a new peak-RSS measurement (Linux: writing 5 to clear_refs resets the high-water mark)."""
    try:
        with open("/proc/self/clear_refs", "w") as handle:
            handle.write("5")
        return True
    except OSError:
        return False


class MembershipLog(logging.Handler):
    """Keeps the numbers heard.themes.actions logs about the membership rows a run wrote."""

    def __init__(self):
        super().__init__(logging.INFO)
        self.last: dict = {}

    def emit(self, record):
        written = getattr(record, "memberships", None)
        if written is not None:
            self.last = dict(written)


class Phases:
    """Seconds per phase of a run, from the progress the run reports (heard.themes.actions._progress)."""

    def __init__(self, themes_module):
        self.module, self.original = themes_module, themes_module._progress
        self.current, self.started, self.seconds = None, None, {}
        themes_module._progress = self.progress

    def progress(self, run, **fields):
        if "phase" in fields:
            self.close()
            self.current, self.started = fields["phase"], time.perf_counter()
        self.original(run, **fields)

    def close(self):
        if self.current is not None:
            self.seconds[self.current] = round(self.seconds.get(self.current, 0) + time.perf_counter() - self.started, 2)
        self.current = None

    def take(self) -> dict:
        self.close()
        out, self.seconds = self.seconds, {}
        return out


class WriteTimer:
    """Seconds spent writing membership rows (heard.themes.actions.write_memberships)."""

    def __init__(self, themes_module):
        self.original, self.seconds = themes_module.write_memberships, 0.0
        themes_module.write_memberships = self.write

    def write(self, *args, **kwargs):
        started = time.perf_counter()
        try:
            return self.original(*args, **kwargs)
        finally:
            self.seconds += time.perf_counter() - started

    def take(self) -> float:
        out, self.seconds = round(self.seconds, 2), 0.0
        return out


def store_tickets(product, rows: int, seed: int, first_number: int, start: datetime, days: int) -> dict[int, str]:
    """Generated tickets into the database (plain batched INSERTs: loading is not what is
    measured), created evenly over ``days`` from ``start``, two in three solved. Returns the
    true issue by ticket number (the external id)."""
    from django.db import connection

    from heard.tickets.models import Ticket

    fields = ["product", "source", "external_id", "subject", "body", "status", "priority", "tags", "created_at",
              "solved_at", "content_hash", "imported_at", "requester_email", "requester_name"]
    meta = {name: Ticket._meta.get_field(name) for name in fields}
    columns = ", ".join(connection.ops.quote_name(meta[name].column) for name in fields)
    sql = f"INSERT INTO {connection.ops.quote_name(Ticket._meta.db_table)} ({columns}) VALUES ({', '.join(['%s'] * len(fields))})"
    imported = meta["imported_at"].get_db_prep_save(datetime.now(UTC), connection)
    tags = meta["tags"].get_db_prep_save([], connection)

    def when(value):
        return meta["created_at"].get_db_prep_save(value, connection)

    topics: dict[int, str] = {}
    batch = []
    span = days * 86400
    with connection.cursor() as cursor:
        for i, (body, key) in enumerate(gen_tickets.iter_tickets(rows, seed)):
            number = first_number + i
            created = start + timedelta(seconds=(i * 7919 % rows) * span // max(rows, 1))
            solved = created + timedelta(hours=1 + number % 97) if number % 3 else None
            batch.append((product.pk, "csv", str(number), "", body, "solved" if solved else "open", "", tags, when(created),
                          when(solved) if solved else None, f"{number:x}", imported, "", ""))
            topics[number] = key
            if len(batch) == 5000:
                cursor.executemany(sql, batch)
                batch.clear()
        if batch:
            cursor.executemany(sql, batch)
    return topics


def memberships_nmi(product, topics: dict[int, str]) -> float:
    from heard.themes.models import ThemeTicket

    rows = ThemeTicket.objects.filter(theme__product=product).values_list("ticket__external_id", "theme_id")
    owner = {int(number): theme for number, theme in rows.iterator(chunk_size=20_000)}
    truth = list(topics.values())
    found = [owner.get(number, -1) for number in topics]
    return round(float(normalized_mutual_info_score(truth, found)), 4)


def human_fixes(product) -> dict:
    """Rename the largest theme, merge the two smallest, pin the second largest."""
    from heard.themes import actions
    from heard.themes.models import Theme

    active = list(Theme.objects.filter(product=product, status="active").order_by("-size", "id"))
    if len(active) < 4:
        raise SystemExit(f"Only {len(active)} themes after the first run; need 4 for the fixes.")
    renamed, pinned = active[0], active[1]
    actions.rename_theme(actor=None, theme=renamed, name="Renamed by a person")
    merged = actions.merge_themes(actor=None, product=product, themes=[active[-1].pk, active[-2].pk], name="Merged by a person")
    actions.set_pinned(actor=None, theme=pinned, pinned=True)
    absorbed = [t.pk for t in (active[-1], active[-2]) if t.pk != merged.pk]
    return {"renamed": (renamed.pk, "Renamed by a person"), "merged": (merged.pk, "Merged by a person"),
            "pinned": (pinned.pk, pinned.name), "absorbed": absorbed}


def fixes_kept(fixes: dict) -> bool:
    from heard.themes.models import Theme

    for key in ("renamed", "merged", "pinned"):
        pk, name = fixes[key]
        theme = Theme.objects.filter(pk=pk).first()
        if theme is None or theme.name != name or theme.status != "active":
            return False
    pinned = Theme.objects.get(pk=fixes["pinned"][0])
    absorbed = Theme.objects.filter(pk__in=fixes["absorbed"])
    return pinned.pinned and all(t.status == "merged" and t.merged_into_id == fixes["merged"][0] for t in absorbed)


def with_rerun(args, workdir: Path) -> dict:
    import import_tickets  # the database set-up of the import benchmark

    import_tickets.setup_django(args.database_url, workdir)
    from heard.core import actions as core_actions
    from heard.themes import actions
    from heard.themes.models import Theme

    membership_log = MembershipLog()
    logging.getLogger("heard.themes.actions").addHandler(membership_log)
    logging.getLogger("heard.themes.actions").setLevel(logging.INFO)
    phases = Phases(actions)
    writes = WriteTimer(actions)

    workspace = core_actions.create_workspace(actor=None, slug="bench", name="Bench")
    product = core_actions.create_product(actor=None, workspace=workspace, slug="app", name="App")
    now = datetime.now(UTC).replace(microsecond=0)
    t0 = time.perf_counter()
    topics = store_tickets(product, args.rows, args.seed, 1, now - timedelta(days=365), 337)
    load_seconds = time.perf_counter() - t0

    t0 = time.perf_counter()
    first = actions.start_theme_run(actor=None, product=product, background=False)
    first_seconds = time.perf_counter() - t0
    assert first.status == "done", first.error
    first_phases = phases.take()
    first_write = writes.take()
    first_peak = _util.peak_rss_mb()
    nmi = memberships_nmi(product, topics)

    t0 = time.perf_counter()
    fixes = human_fixes(product)
    fixes_seconds = time.perf_counter() - t0
    themes_before = Theme.objects.filter(product=product, status="active").count()

    added = max(1, args.rows // 20)
    t0 = time.perf_counter()
    topics.update(store_tickets(product, added, args.seed + 1, args.rows + 1, now - timedelta(days=27), 27))
    add_seconds = time.perf_counter() - t0

    peak_before_rerun = _util.peak_rss_mb()
    separate_peak = reset_peak_rss()
    t0 = time.perf_counter()
    rerun = actions.start_theme_run(actor=None, product=product, background=False)
    rerun_seconds = time.perf_counter() - t0
    assert rerun.status == "done", rerun.error
    rerun_peak = _util.peak_rss_mb()
    return {
        "database": "postgresql" if args.database_url else "sqlite",
        "rows": args.rows,
        "load_seconds": round(load_seconds, 1),
        "first_run_seconds": round(first_seconds, 2),
        "first_run_peak_rss_mb": first_peak,
        "first_run_phases": first_phases,
        "first_run_membership_write_seconds": first_write,
        "nmi": nmi,
        "fixes_seconds": round(fixes_seconds, 2),
        "added_tickets": added,
        "add_seconds": round(add_seconds, 1),
        "rerun_seconds": round(rerun_seconds, 2),
        "rerun_peak_rss_mb": rerun_peak if separate_peak else None,
        "rerun_phases": phases.take(),
        "rerun_membership_write_seconds": writes.take(),
        "rerun_memberships": membership_log.last,
        "peak_rss_mb": max(peak_before_rerun, rerun_peak),
        "fixes_kept": fixes_kept(fixes),
        "themes_before": themes_before,
        "themes_after": Theme.objects.filter(product=product, status="active").count(),
        "rerun_added": rerun.themes_added,
        "rerun_kept": rerun.themes_kept,
        "rerun_retired": rerun.themes_retired,
        "rerun_unassigned": rerun.unassigned,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000, help="How many tickets to generate.")
    parser.add_argument("--seed", type=int, default=0, help="Seed of the ticket generator.")
    parser.add_argument("--rerun", action="store_true",
                        help="Go through the app and a database: first run, human fixes, 5%% new tickets, re-run.")
    parser.add_argument("--database-url", default=None,
                        help="With --rerun: use this PostgreSQL database (dropped and created afresh) instead of SQLite.")
    args = parser.parse_args()
    if not args.rerun:
        _util.print_json(engine_only(args))
        return
    workdir = Path(tempfile.mkdtemp(prefix="heard-bench-themes-"))
    try:
        _util.print_json(with_rerun(args, workdir))
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
