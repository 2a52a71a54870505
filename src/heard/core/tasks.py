"""Queue background work by name.

Tasks call actions; actions queue tasks. If an action imported its app's ``tasks`` module
the two would import each other, so actions name the task instead::

    from heard.core import tasks

    tasks.enqueue("tickets.run_ticket_import", job.pk, fmt)

``"APP.TASK"`` is the task ``TASK`` in ``heard/APP/tasks.py``. The name is checked at once
(a typo fails inside the action, whose transaction then rolls back); the job is queued
only when the current transaction commits, so a worker never looks for rows that are not
there yet, and nothing is queued for a change that was rolled back.
"""

from __future__ import annotations

from django.db import transaction
from django.utils.module_loading import import_string
from django_tasks.base import Task


def task_named(name: str) -> Task:
    """The task ``"APP.TASK"`` (``heard.APP.tasks.TASK``); ValueError when there is none."""
    app, dot, task_name = name.partition(".")
    if not dot or not app or not task_name:
        raise ValueError(f"Name a task as APP.TASK, not “{name}”.")
    try:
        found = import_string(f"heard.{app}.tasks.{task_name}")
    except ImportError:
        raise ValueError(f"There is no task “{name}” (heard/{app}/tasks.py, {task_name}).") from None
    if not isinstance(found, Task):
        raise ValueError(f"heard.{app}.tasks.{task_name} is not a task.")
    return found


def enqueue(name: str, *args, **kwargs) -> None:
    """Queue the task ``"APP.TASK"`` with ``args``/``kwargs`` once the current transaction
    commits (at once when none is open)."""
    found = task_named(name)
    transaction.on_commit(lambda: found.enqueue(*args, **kwargs))
