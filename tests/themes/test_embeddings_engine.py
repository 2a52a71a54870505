"""The optional embeddings engine, seen from an install without its extra (PyTorch and the
packaged model are not in the project's test environment, and `make test` must never need
them): whoever asks for it gets a clear error naming the option or setting and the install
command, never an ImportError; the setting and the option are read.

The extra itself is measured by ``bench/themes_quality.py --engine embeddings`` in an
environment that has it (see docs/themes.md)."""

from __future__ import annotations

import html
import sys
from io import StringIO

import numpy as np
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from heard.core.errors import HeardError
from heard.themes import actions, embeddings, engine
from heard.themes.models import RunStatus, ThemeRun
from heard.themes.tasks import run_theme_mining_task
from tests.themes.theme_data import make_tickets

INSTALL = "pip install 'heard[embeddings]'"


@pytest.fixture
def without_extra(monkeypatch):
    """An environment where the extra's modules cannot be imported (None in sys.modules is
    Python's own "not importable" marker), so these tests say the same wherever they run."""
    for name in embeddings.REQUIRED_MODULES:
        monkeypatch.setitem(sys.modules, name, None)
    assert embeddings.missing_modules() == list(embeddings.REQUIRED_MODULES)


def test_the_setting_defaults_to_the_default_engine():
    from heard import settings as heard_settings

    assert heard_settings.HEARD_THEMES_ENGINE == "default"
    assert actions.engine_choice() == "default"


def test_asking_for_embeddings_through_the_setting_names_it_and_the_install(product, owner, settings, without_extra):
    settings.HEARD_THEMES_ENGINE = "embeddings"
    with pytest.raises(HeardError) as err:
        actions.start_theme_run(actor=owner, product=product)
    message = err.value.message
    assert "HEARD_THEMES_ENGINE=embeddings" in message and INSTALL in message and "torch" in message
    assert err.value.field == "engine" and err.value.status == 400
    assert not ThemeRun.objects.filter(product=product).exists()


def test_an_unknown_engine_in_the_setting_is_refused(product, owner, settings):
    settings.HEARD_THEMES_ENGINE = "bert"
    with pytest.raises(HeardError) as err:
        actions.start_theme_run(actor=owner, product=product, background=False)
    assert "HEARD_THEMES_ENGINE must be one of default, embeddings" in err.value.message
    assert "“bert”" in err.value.message


def test_the_engine_option_overrides_the_setting(product, owner, settings, without_extra):
    settings.HEARD_THEMES_ENGINE = "embeddings"
    make_tickets(product, {"vat": 12, "sync": 12})
    run = actions.start_theme_run(actor=owner, product=product, background=False, engine_name="default")
    assert run.status == RunStatus.DONE and run.themes_added >= 2
    stored = ThemeRun.objects.filter(pk=run.pk).values_list("embedder", flat=True)[0]
    assert isinstance(engine.load_embedder(bytes(stored)), engine.Embedder)


def test_the_command_line_option_gives_the_install_command(product, without_extra):
    with pytest.raises(CommandError) as err:
        call_command("themes", "mine", "--product", "acme/app", "--engine", "embeddings", stdout=StringIO())
    assert "--engine=embeddings needs the optional extra" in str(err.value) and INSTALL in str(err.value)
    assert not ThemeRun.objects.filter(product=product).exists()


def test_the_command_line_refuses_an_unknown_engine(product):
    with pytest.raises(CommandError) as err:
        call_command("themes", "mine", "--product", "acme/app", "--engine", "gpt", stdout=StringIO())
    assert "--engine must be one of default, embeddings" in str(err.value)


def test_the_command_line_runs_the_default_engine_when_asked(product, settings, without_extra):
    settings.HEARD_THEMES_ENGINE = "embeddings"
    make_tickets(product, {"vat": 12, "sync": 12})
    out = StringIO()
    call_command("themes", "mine", "--product", "acme/app", "--engine", "default", stdout=out)
    assert "24 tickets:" in out.getvalue() and "new themes" in out.getvalue()


def test_a_queued_run_fails_with_the_reason_when_the_worker_lacks_the_extra(product, owner, without_extra):
    # Started where the extra is installed, run by a worker where it is not.
    run = ThemeRun.objects.create(product=product, created_by=owner)
    result = run_theme_mining_task.call(run.pk, "embeddings")
    run.refresh_from_db()
    assert result["status"] == RunStatus.FAILED == run.status
    assert INSTALL in run.error and "embeddings" in run.error


def test_a_queued_run_reads_the_setting_in_the_worker(product, owner, settings, without_extra):
    run = ThemeRun.objects.create(product=product, created_by=owner)
    settings.HEARD_THEMES_ENGINE = "embeddings"
    run_theme_mining_task.call(run.pk)
    run.refresh_from_db()
    assert run.status == RunStatus.FAILED and "HEARD_THEMES_ENGINE=embeddings" in run.error


def test_the_api_answers_a_missing_extra_with_a_field_error(product, api_as, settings, without_extra):
    settings.HEARD_THEMES_ENGINE = "embeddings"
    response = api_as("owner").post("/theme-runs", {"product": "app"})
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["field"] == "engine" and INSTALL in error["message"]


def test_the_run_button_shows_what_to_install(product, client_as, settings, without_extra):
    settings.HEARD_THEMES_ENGINE = "embeddings"
    client = client_as("owner")
    page = client.post("/w/acme/p/app/support/themes/run/", follow=True)
    assert page.status_code == 200 and INSTALL in html.unescape(page.content.decode())
    assert not ThemeRun.objects.filter(product=product).exists()


def test_themes_stored_by_the_embeddings_engine_explain_what_is_missing(without_extra):
    # A product mined with the extra, opened where it was since removed: its stored space
    # loads, and using it (merge, split, re-run) says what to install instead of crashing.
    stored = embeddings.SentenceEmbedder(model_version="0.1.0", label_terms=["card", "refund"],
                                         label_df=np.array([3, 2], np.float32), n_fit_docs=5).to_bytes()
    space = engine.load_embedder(stored)
    assert space.engine == "embeddings" and space.label_terms == ["card", "refund"]
    assert space.fingerprint == embeddings.SentenceEmbedder(model_version="0.1.0").fingerprint
    with pytest.raises(HeardError) as err:
        space.transform(["my card has not arrived"])
    assert INSTALL in err.value.message


def test_the_engine_library_refuses_the_extra_without_an_import_error(without_extra):
    with pytest.raises(HeardError) as err:
        engine.mine_themes(["card lost", "card stolen", "refund please"] * 4, engine="embeddings")
    assert INSTALL in err.value.message
