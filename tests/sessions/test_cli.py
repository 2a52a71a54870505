from io import StringIO

import pytest
from django.core.management import CommandError, call_command


def test_sessions_list_shows_sessions_and_flags(session, product):
    out = StringIO()
    call_command("sessions", "list", "--product", "acme/app", stdout=out)
    text = out.getvalue()
    assert "Demo of the export" in text and "Europe/Berlin" in text and "no_decider" in text


def test_sessions_list_upcoming_leaves_past_sessions_out(session, product):
    from datetime import timedelta

    from django.utils import timezone

    from heard.sessions import actions

    past = timezone.now() - timedelta(days=3)
    actions.create_session(actor=None, product=product, data={"title": "Last week", "channel": "review", "starts_at": past, "ends_at": past + timedelta(hours=1)})
    out = StringIO()
    call_command("sessions", "list", "--product", "acme/app", "--upcoming", stdout=out)
    assert "Demo of the export" in out.getvalue() and "Last week" not in out.getvalue()


def test_unknown_product_is_a_clear_error(db):
    with pytest.raises(CommandError, match="No product"):
        call_command("sessions", "list", "--product", "acme/nothing")
