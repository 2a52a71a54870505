import pytest

from tests.closure.world import build_world

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(autouse=True)
def _tasks_run_at_once(settings):
    # Sign-in e-mails go out from a background task; here it runs when enqueued (after the
    # request's commit), so tests read it in mail.outbox. One test runs the real worker.
    settings.TASKS = IMMEDIATE


@pytest.fixture
def world(workspace, product, other_workspace):
    return build_world(workspace, product, other_workspace)
