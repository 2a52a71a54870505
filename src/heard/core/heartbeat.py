"""Heartbeats for background work, so a job whose process died is never left "running".

A job model (a ticket import, a theme-mining run) has ``status``, ``heartbeat_at``,
``worker``, ``error`` and ``finished_at``. Whoever runs the job wraps the work in
``beating(job)``: a thread of that process stamps ``heartbeat_at`` every
``HEARTBEAT_SECONDS`` until the work ends. When the process is killed (``kill -9``, a crash,
a lost machine) the stamps stop; ``stale_filter()`` then finds the job once its last beat is
older than ``settings.HEARD_JOB_STALE_SECONDS`` (60 s by default), and the job's app decides
to resume it (imports are idempotent) or to end it as failed with the reason.

Apps register their reaper with ``@reaper`` in their tasks.py; ``reap_all()`` runs every one. The worker calls
it on a timer, and pages, the API and "start another run" call their app's reaper before
they read, so the answer is right even when no worker runs.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.db import close_old_connections, connections
from django.db.models import Q
from django.utils import timezone

log = logging.getLogger("heard.heartbeat")

HEARTBEAT_SECONDS = 10.0
_reapers: list[Callable[[], int]] = []


def worker_label() -> str:
    """Which process runs a job: host and pid (shown on the job's page)."""
    return f"{socket.gethostname()}:{os.getpid()}"


def stale_after() -> timedelta:
    return timedelta(seconds=getattr(settings, "HEARD_JOB_STALE_SECONDS", 60))


def stale_filter(running_statuses) -> Q:
    """Jobs in one of ``running_statuses`` whose process stopped beating (or never did)."""
    cutoff = timezone.now() - stale_after()
    never_beat = Q(heartbeat_at__isnull=True) & Q(started_at__lt=cutoff)
    return Q(status__in=list(running_statuses)) & (Q(heartbeat_at__lt=cutoff) | never_beat)


class beating:
    """``with beating(job):`` stamps ``job.heartbeat_at`` from a thread until the block ends.

    The thread uses its own database connection, so a beat is written even while the work
    holds a long transaction on its own connection (on SQLite it waits for the work's next
    commit, which comes about once a second).
    """

    def __init__(self, job, interval: float | None = None):
        self.model = type(job)
        self.pk = job.pk
        self.interval = interval if interval is not None else getattr(settings, "HEARD_HEARTBEAT_SECONDS", HEARTBEAT_SECONDS)
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._run, name=f"heartbeat-{self.model.__name__}-{self.pk}", daemon=True)

    def beat(self) -> None:
        self.model.objects.filter(pk=self.pk).update(heartbeat_at=timezone.now(), worker=worker_label())

    def _run(self) -> None:
        try:
            while not self.stopped.wait(self.interval):
                try:
                    self.beat()
                except Exception:  # a busy database must not end the work; the next beat retries
                    log.warning("heartbeat of %s %s failed", self.model.__name__, self.pk, exc_info=True)
        finally:
            connections.close_all()

    def __enter__(self):
        self.beat()
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stopped.set()
        self.thread.join(self.interval + 5)
        return False


def reaper(fn: Callable[[], int]) -> Callable[[], int]:
    """Register ``fn()``: it settles its app's stale jobs and answers how many it settled."""
    _reapers.append(fn)
    return fn


def _load_task_modules() -> None:
    """Each app's tasks.py registers the reaper of the jobs it runs."""
    import importlib

    from django.apps import apps

    for config in apps.get_app_configs():
        if config.name.startswith("heard."):
            try:
                importlib.import_module(f"{config.name}.tasks")
            except ModuleNotFoundError as exc:
                if exc.name != f"{config.name}.tasks":
                    raise


def reap_all() -> int:
    """Settle every app's stale jobs (the worker runs this every few seconds)."""
    _load_task_modules()
    settled = 0
    for fn in list(_reapers):
        try:
            settled += fn()
        except Exception:
            log.exception("reaper %s failed", getattr(fn, "__name__", fn))
    return settled


class ReaperThread(threading.Thread):
    """Runs ``reap_all`` every ``interval`` seconds in the worker process."""

    def __init__(self, interval: float = 15.0):
        super().__init__(name="heard-reaper", daemon=True)
        self.interval = interval
        self.stopped = threading.Event()

    def run(self) -> None:
        while not self.stopped.wait(self.interval):
            close_old_connections()
            settled = reap_all()
            if settled:
                log.warning("settled %s interrupted job(s)", settled)
