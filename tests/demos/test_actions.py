"""Demos, verdicts and sign-offs through their actions: the rules, the errors (each naming its
field), the audit trail and the roles."""

from datetime import timedelta

import pytest
from django.utils import timezone

from heard.core.errors import HeardError
from heard.core.models import AuditEvent
from heard.demos import actions, queries
from heard.demos.models import DemoVerdict, SignOff
from heard.feedback.models import Feedback
from heard.health.models import Flag, Rule

from .conftest import demonstration, make_world


def field_of(excinfo) -> str:
    return excinfo.value.field


@pytest.mark.django_db
def test_a_demo_names_an_items_criteria_each_in_a_scenario(world, member):
    added = actions.add_demonstrations(actor=member("scrum_master"), session=world.session, item="APP-1",
                                       scenario={"data_volume": "20 000 invoices", "device": "Phone", "connectivity": "offline", "assistive_technology": "VoiceOver"})
    assert [d.criterion for d in added] == [world.first, world.second]
    d = added[0]
    assert (d.device, d.connectivity, d.data_volume) == ("phone", "offline", "20 000 invoices")
    assert d.scenario_summary == "20 000 invoices · Phone · VoiceOver · Offline, reconnecting later"
    assert AuditEvent.objects.filter(verb="demo.criteria_added", object_id=str(world.session.pk)).count() == 1
    # Again: nothing new to add.
    with pytest.raises(HeardError) as exc:
        actions.add_demonstrations(actor=None, session=world.session, item=world.item)
    assert exc.value.code == "conflict" and field_of(exc) == "criteria"


@pytest.mark.django_db
def test_only_some_criteria_and_bad_input_names_the_field(world, product):
    only = actions.add_demonstrations(actor=None, session=world.session, item=world.item, criteria=[world.second.pk])
    assert [d.criterion for d in only] == [world.second]
    for kwargs, field in [({"item": "NOPE-9"}, "item"), ({"item": world.item, "criteria": ["abc"]}, "criteria"),
                          ({"item": world.item, "scenario": {"device": "toaster"}}, "device"),
                          ({"item": world.item, "scenario": {"connectivity": "pigeon"}}, "connectivity"),
                          ({"item": world.item, "scenario": {"data_volume": "x" * 201}}, "data_volume"),
                          ({"item": world.item, "scenario": {"colour": "red"}}, "colour"), ({"item": ""}, "item")]:
        with pytest.raises(HeardError) as exc:
            actions.add_demonstrations(actor=None, session=world.session, **kwargs)
        assert field_of(exc) == field, kwargs
    from heard.backlog import actions as backlog_actions

    bare = backlog_actions.create_item(actor=None, product=product, data={"title": "No criteria yet"})
    with pytest.raises(HeardError) as exc:
        actions.add_demonstrations(actor=None, session=world.session, item=bare)
    assert field_of(exc) == "item" and "no acceptance criteria" in exc.value.message


@pytest.mark.django_db
def test_only_demo_like_sessions_demonstrate(workspace, product):
    interview = make_world(workspace, product, channel="interview")
    with pytest.raises(HeardError) as exc:
        actions.add_demonstrations(actor=None, session=interview.session, item=interview.item)
    assert field_of(exc) == "session"


@pytest.mark.django_db
def test_verdicts_per_criterion_and_person_changed_not_duplicated(shown, member):
    dev = member("developer")
    d1 = demonstration(shown, shown.first)
    v = actions.record_verdict(actor=dev, demonstration=d1, stakeholder=shown.alice.pk, verdict="Partly fits", note="Fine for 100 records.")
    assert (v.verdict, v.criterion_text, v.recorded_by, v.from_portal) == ("partly_fits", shown.first.text, dev, False)
    first_time = v.recorded_at
    again = actions.record_verdict(actor=dev, demonstration=d1, stakeholder="alice@kestrel.example", verdict="fits")
    assert again.pk == v.pk and again.verdict == "fits" and again.recorded_at == first_time and again.updated_at >= first_time
    assert DemoVerdict.objects.count() == 1
    verbs = list(AuditEvent.objects.filter(verb__startswith="demo.verdict").order_by("id").values_list("verb", flat=True))
    assert verbs == ["demo.verdict_recorded", "demo.verdict_changed"]
    shown.alice.refresh_from_db()
    assert shown.alice.last_heard_at is not None


@pytest.mark.django_db
def test_verdict_rules_name_their_field(shown):
    d1 = demonstration(shown, shown.first)
    cases = [
        ({"stakeholder": shown.outsider.pk, "verdict": "fits"}, "stakeholder"),  # not taking part
        ({"stakeholder": 999999, "verdict": "fits"}, "stakeholder"),
        ({"stakeholder": "", "verdict": "fits"}, "stakeholder"),
        ({"stakeholder": shown.alice.pk, "verdict": "maybe"}, "verdict"),
        ({"stakeholder": shown.alice.pk, "verdict": ""}, "verdict"),
        ({"stakeholder": shown.alice.pk, "verdict": "fits", "note": "x" * 5001}, "note"),
        ({"stakeholder": shown.alice.pk, "verdict": "fits", "note": "Good", "as_feedback": True}, "as_feedback"),
        ({"stakeholder": shown.alice.pk, "verdict": "does_not_fit", "note": "", "as_feedback": True}, "note"),
    ]
    for kwargs, field in cases:
        with pytest.raises(HeardError) as exc:
            actions.record_verdict(actor=None, demonstration=d1, **kwargs)
        assert field_of(exc) == field, kwargs
    assert not DemoVerdict.objects.exists()


@pytest.mark.django_db
def test_no_verdict_before_the_demo_starts(workspace, product):
    later = make_world(workspace, product, starts=timezone.now() + timedelta(days=2))
    [d, _] = actions.add_demonstrations(actor=None, session=later.session, item=later.item)
    with pytest.raises(HeardError) as exc:
        actions.record_verdict(actor=None, demonstration=d, stakeholder=later.alice.pk, verdict="fits")
    assert "has not started" in exc.value.message and field_of(exc) == "verdict"


@pytest.mark.django_db
def test_does_not_fit_becomes_feedback_on_the_criterion_in_one_step(shown, member):
    d1 = demonstration(shown, shown.first)
    v = actions.record_verdict(actor=member("product_owner"), demonstration=d1, stakeholder=shown.bob.pk, verdict="does not fit",
                               note="At month-end we have 500 records.", as_feedback=True)
    feedback = Feedback.objects.get(pk=v.feedback_id)
    assert (feedback.text, feedback.stakeholder, feedback.channel, feedback.session) == ("At month-end we have 500 records.", shown.bob, "demo", shown.session)
    assert "Demo scenario: 100 records" in feedback.environment
    assert [link.criterion for link in feedback.links.all()] == [shown.first]
    # Saving the verdict again keeps the one feedback item.
    actions.record_verdict(actor=None, demonstration=d1, stakeholder=shown.bob.pk, verdict="partly", note="Still 500.", as_feedback=True)
    assert Feedback.objects.filter(stakeholder=shown.bob).count() == 1


@pytest.mark.django_db
def test_roles(shown, member, other_workspace):
    d1 = demonstration(shown, shown.first)
    with pytest.raises(HeardError) as exc:
        actions.record_verdict(actor=member("viewer"), demonstration=d1, stakeholder=shown.alice.pk, verdict="fits")
    assert exc.value.code == "forbidden"
    with pytest.raises(HeardError) as exc:
        actions.add_demonstrations(actor=member("developer"), session=shown.session, item=shown.item)
    assert exc.value.code == "forbidden"
    from heard.core.models import User

    stranger = User.objects.get(email="owner@globex.example")
    with pytest.raises(HeardError) as exc:
        actions.sign_off(actor=stranger, item=shown.item, stakeholder=shown.alice.pk)
    assert exc.value.code == "not_found"


@pytest.mark.django_db
def test_a_sign_off_by_someone_never_involved_is_flagged(shown, member):
    involved = actions.sign_off(actor=member("developer"), item=shown.item, stakeholder=shown.alice.pk, session=shown.session.pk)
    assert not involved.last_minute and involved.involvement == ["took part in a demo of it"]
    assert not Flag.objects.filter(rule=Rule.LAST_MINUTE_SIGN_OFF).exists()
    outsider = actions.sign_off(actor=member("developer"), item=shown.item, stakeholder="Olga Outsider", note="Procurement approves.")
    assert outsider.last_minute and outsider.involvement == []
    flag = Flag.objects.get(rule=Rule.LAST_MINUTE_SIGN_OFF, object_type="backlog_item", object_id=str(shown.item.pk))
    assert "Olga Outsider" in flag.evidence
    assert AuditEvent.objects.filter(verb="backlog_item.signed_off").count() == 2
    with pytest.raises(HeardError) as exc:
        actions.sign_off(actor=None, item=shown.item, stakeholder=shown.outsider.pk)
    assert exc.value.code == "conflict" and field_of(exc) == "stakeholder"
    # The demo's and the item's readers see the flag.
    board = queries.board(None, shown.session)
    assert [f.rule for f in board["items"][0].flags] == [Rule.LAST_MINUTE_SIGN_OFF]


@pytest.mark.django_db
def test_co_writers_and_feedback_givers_are_involved(shown, workspace):
    from heard.backlog import actions as backlog_actions
    from heard.feedback import actions as feedback_actions

    from .conftest import person

    writer, speaker = person(workspace, "Wanda Writer", "w@x.example"), person(workspace, "Sam Speaker", "s@x.example")
    backlog_actions.update_criterion(actor=None, criterion=shown.second, data={"co_writers": [writer.pk]})
    said = feedback_actions.record_feedback(actor=None, product=shown.item.product, data={"text": "Reports are slow.", "stakeholder": str(speaker.pk)})
    feedback_actions.link_feedback(actor=None, feedback=said, backlog_item=shown.item)
    assert not actions.sign_off(actor=None, item=shown.item, stakeholder=writer.pk).last_minute
    assert not actions.sign_off(actor=None, item=shown.item, stakeholder=speaker.pk).last_minute


@pytest.mark.django_db
def test_sign_off_input_names_its_field(shown):
    for kwargs, field in [({"stakeholder": ""}, "stakeholder"), ({"stakeholder": "nobody"}, "stakeholder"),
                          ({"stakeholder": shown.alice.pk, "at": "2026-02-30"}, "at"),
                          ({"stakeholder": shown.alice.pk, "at": (timezone.now() + timedelta(days=3)).isoformat()}, "at"),
                          ({"stakeholder": shown.alice.pk, "session": "x"}, "session"),
                          ({"stakeholder": shown.alice.pk, "note": "n" * 5001}, "note")]:
        with pytest.raises(HeardError) as exc:
            actions.sign_off(actor=None, item=shown.item, **kwargs)
        assert field_of(exc) == field, kwargs
    assert not SignOff.objects.exists()


@pytest.mark.django_db
def test_a_demonstration_with_verdicts_stays(shown, member):
    d1 = demonstration(shown, shown.first)
    actions.record_verdict(actor=None, demonstration=d1, stakeholder=shown.alice.pk, verdict="fits")
    with pytest.raises(HeardError) as exc:
        actions.remove_demonstration(actor=member("owner"), demonstration=d1)
    assert exc.value.code == "conflict"
    actions.remove_verdict(actor=member("developer"), verdict=d1.verdicts.get())
    actions.remove_demonstration(actor=member("owner"), demonstration=d1)
    assert list(shown.session.demonstrations.values_list("criterion_id", flat=True)) == [shown.second.pk]


@pytest.mark.django_db
def test_the_item_shows_verdicts_over_time_and_marks_a_reworded_criterion(shown, workspace, product):
    from heard.backlog import actions as backlog_actions
    from heard.demos.models import Demonstration

    d1 = demonstration(shown, shown.first)
    actions.record_verdict(actor=None, demonstration=d1, stakeholder=shown.alice.pk, verdict="partly_fits", note="500 records, please.")
    DemoVerdict.objects.update(recorded_at=timezone.now() - timedelta(days=3))
    backlog_actions.update_criterion(actor=None, criterion=shown.first, data={"text": "When a clerk runs the report for 500 records, it is ready within 2 minutes."})
    from heard.sessions import actions as session_actions

    later = session_actions.create_session(actor=None, product=product, data={
        "title": "Sprint 10 demo", "channel": "demo", "starts_at": (timezone.now() - timedelta(minutes=30)).isoformat(),
        "ends_at": (timezone.now() + timedelta(minutes=30)).isoformat(), "time_zone": "UTC"})
    session_actions.add_participant(actor=None, session=later, stakeholder=shown.alice.pk)
    actions.add_demonstrations(actor=None, session=later, item=shown.item, criteria=[shown.first.pk])
    actions.record_verdict(actor=None, demonstration=Demonstration.objects.get(session=later), stakeholder=shown.alice.pk, verdict="fits")
    data = queries.item_verdicts(None, shown.item)
    row = data["rows"][0]
    assert [v.verdict for v in row["verdicts"]] == ["partly_fits", "fits"]
    assert [v.demonstration.session.title for v in row["verdicts"]] == ["Sprint 9 demo", "Sprint 10 demo"]
    assert row["verdicts"][0].criterion_text != shown.first.text != "" and row["verdicts"][1].criterion_text == shown.first.text
    assert len(row["changed_at"]) == 1 and data["rows"][1]["changed_at"] == []


@pytest.mark.django_db
def test_erasure_and_export_of_a_person(shown, member):
    from heard.stakeholders import actions as stakeholder_actions

    d1 = demonstration(shown, shown.first)
    actions.record_verdict(actor=None, demonstration=d1, stakeholder=shown.alice.pk, verdict="fits", note="Alice likes it.")
    actions.sign_off(actor=None, item=shown.item, stakeholder=shown.alice.pk, note="Signed by Alice.")
    section, data = actions.export_person_demos(shown.alice)
    assert section == "demos" and data["verdicts"][0]["note"] == "Alice likes it." and data["sign_offs"][0]["note"] == "Signed by Alice."
    stakeholder_actions.erase_stakeholder(actor=member("owner"), stakeholder=shown.alice)
    verdict = DemoVerdict.objects.get()
    assert verdict.note == "" and verdict.verdict == "fits" and SignOff.objects.get().note == ""
