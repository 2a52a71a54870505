"""`heard demo` gives demos with verdicts, a verdict turned feedback, one last-minute sign-off
and a criterion reworded after it was judged; running it twice adds nothing."""

from io import StringIO

import pytest
from django.core.management import call_command

from heard.demos.models import Demonstration, DemoVerdict, SignOff


def counts():
    return (Demonstration.objects.count(), DemoVerdict.objects.count(), SignOff.objects.count(), DemoVerdict.objects.filter(feedback__isnull=False).count())


@pytest.mark.django_db
def test_the_demo_has_demos_verdicts_and_one_last_minute_sign_off():
    call_command("demo", stdout=StringIO())
    first = counts()
    call_command("demo", stdout=StringIO())
    assert counts() == first
    shown, verdicts, sign_offs, as_feedback = first
    assert shown >= 8 and verdicts >= 20 and sign_offs == 4 and as_feedback == 1
    # One at a demo by a buyer never involved, and the health demo's flags on the reopened items.
    assert SignOff.objects.filter(last_minute=True).count() == 3
    assert SignOff.objects.filter(last_minute=True, session__isnull=True, backlog_item__external_key="INV-102").count() == 1
    from heard.health.models import Flag, Rule

    flagged = set(Flag.objects.filter(rule=Rule.LAST_MINUTE_SIGN_OFF).values_list("object_id", flat=True))
    assert flagged == {str(s.backlog_item_id) for s in SignOff.objects.filter(last_minute=True)}
    assert set(DemoVerdict.objects.values_list("verdict", flat=True)) == {"fits", "partly_fits", "does_not_fit", "cannot_judge"}
    from heard.demos.queries import changed_after_judgement

    reworded = changed_after_judgement(Demonstration.objects.values_list("criterion_id", flat=True))
    assert len(reworded) == 1
    # Demos are planned with a scenario, including assistive technology and weak connections.
    assert Demonstration.objects.exclude(assistive_technology="").exists() and Demonstration.objects.filter(connectivity="offline").exists()
