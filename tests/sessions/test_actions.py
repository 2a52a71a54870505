from datetime import timedelta

import pytest
from django.utils import timezone

from heard.core.errors import HeardError
from heard.core.models import AuditEvent
from heard.decisions.models import Decision
from heard.sessions import actions, queries
from heard.sessions.models import Comment, Participant, Session
from heard.stakeholders import actions as stakeholder_actions


def codes(session):
    return {f.code for f in queries.session_flags(session)}


def test_times_are_read_in_the_session_time_zone_and_stored_in_utc(product):
    session = actions.create_session(actor=None, product=product, data={
        "title": "Interview", "channel": "interview", "starts_at": "2027-03-05T14:30", "ends_at": "2027-03-05T15:15", "time_zone": "America/Sao_Paulo",
    })
    session.refresh_from_db()
    assert session.starts_at.isoformat() == "2027-03-05T17:30:00+00:00"
    assert session.length_minutes == 45
    assert session.time_zone == "America/Sao_Paulo"


def test_confidentiality_defaults_to_the_engagement_model(product, when):
    actions.update_engagement_model(actor=None, product=product, data={"default_confidentiality": "team"})
    session = actions.create_session(actor=None, product=product, data={"title": "T", "channel": "review", "starts_at": when, "ends_at": when + timedelta(hours=1)})
    assert session.confidentiality == "team"


@pytest.mark.parametrize("data, field", [
    ({"starts_at": "2027-01-01T10:00", "ends_at": "2027-01-01T09:00"}, "ends_at"),
    ({"starts_at": "2027-01-01T10:00", "ends_at": "2027-01-01T10:00"}, "ends_at"),
    ({"starts_at": "2027-01-01T10:00", "ends_at": "2027-01-01T11:00", "time_zone": "Mars/Olympus"}, "time_zone"),
    ({"starts_at": "soon", "ends_at": "2027-01-01T11:00"}, "starts_at"),
    ({"starts_at": "2027-01-01T10:00", "ends_at": "2027-01-01T11:00", "channel": "party"}, "channel"),
    ({"starts_at": "2027-01-01T10:00", "ends_at": "2027-01-01T11:00", "recording_url": "not a link"}, "recording_url"),
])
def test_bad_session_input_is_a_field_error_and_saves_nothing(product, data, field):
    payload = {"title": "Bad", "channel": "demo", **data}
    with pytest.raises(HeardError) as exc:
        actions.create_session(actor=None, product=product, data=payload)
    assert field in exc.value.errors
    assert not Session.objects.exists()


def test_agenda_timebox_beyond_the_session_length_is_a_field_error(session):
    actions.add_agenda_item(actor=None, session=session, data={"title": "Intro", "timebox_minutes": 40})
    with pytest.raises(HeardError) as exc:
        actions.add_agenda_item(actor=None, session=session, data={"title": "Too long", "timebox_minutes": 25})
    assert exc.value.field == "timebox_minutes"
    assert session.agenda_items.count() == 1


def test_shortening_a_session_below_its_agenda_is_refused(session):
    actions.add_agenda_item(actor=None, session=session, data={"title": "Intro", "timebox_minutes": 50})
    with pytest.raises(HeardError) as exc:
        actions.update_session(actor=None, session=session, data={"ends_at": (session.starts_at + timedelta(minutes=30)).isoformat()})
    assert exc.value.field == "ends_at"
    session.refresh_from_db()
    assert session.length_minutes == 60


def test_agenda_item_without_objective_or_decision_is_flagged(session, product):
    objective = actions.add_objective(actor=None, session=session, data={"question": "Does the export fit month-end?"})
    decision = Decision.objects.create(product=product, question="Ship the CSV export?")
    with_objective = actions.add_agenda_item(actor=None, session=session, data={"title": "Try it", "timebox_minutes": 10, "objective": objective.pk})
    with_decision = actions.add_agenda_item(actor=None, session=session, data={"title": "Decide", "timebox_minutes": 10, "decision": decision.pk})
    loose = actions.add_agenda_item(actor=None, session=session, data={"title": "Chat", "timebox_minutes": 10})
    flagged = [f.target for f in queries.session_flags(session) if f.code == "agenda_item_without_outcome"]
    assert flagged == [f"agenda_item:{loose.pk}"]
    assert with_objective.has_outcome and with_decision.has_outcome


def test_decision_and_objective_must_belong_to_the_session(session, product, workspace):
    from heard.core import actions as core_actions

    other_product = core_actions.create_product(actor=None, workspace=workspace, slug="other", name="Other")
    foreign = Decision.objects.create(product=other_product, question="Elsewhere")
    with pytest.raises(HeardError) as exc:
        actions.add_objective(actor=None, session=session, data={"question": "Q", "decision": foreign.pk})
    assert exc.value.field == "decision"
    with pytest.raises(HeardError) as exc:
        actions.add_agenda_item(actor=None, session=session, data={"title": "T", "timebox_minutes": 5, "objective": 999999})
    assert exc.value.field == "objective"


def test_no_decider_and_no_customer_flags(session, customer, proxy, member):
    assert {"no_decider", "no_customer"} <= codes(session)
    actions.add_participant(actor=None, session=session, stakeholder=proxy.pk, right="advises")
    assert "no_customer" in codes(session), "an internal proxy is not a customer"
    actions.add_participant(actor=None, session=session, user=member("product_owner").pk, right="decides")
    assert "no_decider" not in codes(session)
    actions.add_participant(actor=None, session=session, stakeholder=customer.pk, right="contributes")
    assert "no_customer" not in codes(session)


def test_participant_from_another_workspace_is_refused(session, other_workspace):
    outsider = stakeholder_actions.create_stakeholder(actor=None, workspace=other_workspace, data={"name": "Outsider"})
    with pytest.raises(HeardError) as exc:
        actions.add_participant(actor=None, session=session, stakeholder=outsider.pk, right="decides")
    assert exc.value.field == "stakeholder"
    with pytest.raises(HeardError) as exc:
        actions.add_participant(actor=None, session=session, user="owner@globex.example", right="decides")
    assert exc.value.field == "user"
    assert not Participant.objects.exists()


def test_participant_is_a_stakeholder_or_a_team_member_not_both(session, customer, member):
    with pytest.raises(HeardError) as exc:
        actions.add_participant(actor=None, session=session, stakeholder=customer.pk, user=member("owner").pk)
    assert exc.value.field == "stakeholder"
    with pytest.raises(HeardError):
        actions.add_participant(actor=None, session=session)


def test_inviting_over_the_quarterly_cap_warns_and_flags(product, customer, when):
    actions.update_engagement_model(actor=None, product=product, data={"invitations_per_quarter": 1})
    first = actions.create_session(actor=None, product=product, data={"title": "One", "channel": "interview", "starts_at": when, "ends_at": when + timedelta(hours=1)})
    second = actions.create_session(actor=None, product=product, data={"title": "Two", "channel": "interview", "starts_at": when + timedelta(hours=2), "ends_at": when + timedelta(hours=3)})
    assert actions.add_participant(actor=None, session=first, stakeholder=customer.pk).warnings == []
    warned = actions.add_participant(actor=None, session=second, stakeholder=customer.pk)
    assert warned.pk and "at most 1" in warned.warnings[0]
    assert "over_invitation_cap" in codes(second)


def test_late_pre_reads_are_flagged_against_the_lead_time(session, product):
    actions.update_engagement_model(actor=None, product=product, data={"pre_read_lead_days": 2})
    on_time = actions.add_pre_read(actor=None, session=session, data={"title": "Early", "shared_at": session.starts_at - timedelta(days=3)})
    late = actions.add_pre_read(actor=None, session=session, data={"title": "Late", "shared_at": session.starts_at - timedelta(days=1)})
    unshared = actions.add_pre_read(actor=None, session=session, data={"title": "Not yet"})
    assert queries.late_pre_read_ids(session) == {late.pk}
    assert on_time.pk not in queries.late_pre_read_ids(session)
    # An unshared pre-read becomes late once the deadline has passed.
    actions.update_engagement_model(actor=None, product=product, data={"pre_read_lead_days": 10})
    assert unshared.pk in queries.late_pre_read_ids(session)


def test_attendance_is_recorded_afterwards(session, customer, member):
    p = actions.add_participant(actor=None, session=session, stakeholder=customer.pk)
    q = actions.add_participant(actor=None, session=session, user=member("developer").pk)
    assert actions.record_attendance(actor=None, session=session, attendance={p.pk: "attended", q.pk: "absent"}) == 2
    p.refresh_from_db()
    assert p.attendance == "attended"
    with pytest.raises(HeardError):
        actions.record_attendance(actor=None, session=session, attendance={p.pk: "maybe"})


def test_a_stakeholder_comment_counts_as_hearing_from_them(session, customer, member):
    pre_read = actions.add_pre_read(actor=None, session=session, data={"title": "Summary"})
    comment = actions.add_comment(actor=member("scrum_master"), session=session, body="Please add a cost-centre column.", pre_read=pre_read.pk, stakeholder=customer.pk)
    customer.refresh_from_db()
    assert customer.last_heard_at == comment.created_at
    assert comment.author_stakeholder == customer and comment.recorded_by == member("scrum_master")
    # The portal will call the same action without a team member.
    portal = actions.add_comment(actor=None, session=session, body="From the portal.", stakeholder=customer.pk)
    assert portal.author_name == "Ada Customer" and portal.recorded_by is None


def test_viewers_cannot_plan_or_comment(session, member):
    with pytest.raises(HeardError) as exc:
        actions.add_objective(actor=member("viewer"), session=session, data={"question": "Q"})
    assert exc.value.code == "forbidden"
    with pytest.raises(HeardError):
        actions.add_comment(actor=member("viewer"), session=session, body="Hi")
    assert not Comment.objects.exists()


def test_developers_comment_but_do_not_plan(session, member):
    actions.add_comment(actor=member("developer"), session=session, body="Can we show the offline mode too?")
    with pytest.raises(HeardError):
        actions.create_session(actor=member("developer"), product=session.product, data={"title": "x", "channel": "demo", "starts_at": "2027-01-01T10:00", "ends_at": "2027-01-01T11:00"})


def test_only_owners_edit_the_glossary(workspace, member):
    with pytest.raises(HeardError):
        actions.set_glossary_term(actor=member("product_owner"), workspace=workspace, term="kpi", plain="measure")
    entry = actions.set_glossary_term(actor=member("owner"), workspace=workspace, term="kpi", plain="measure")
    again = actions.set_glossary_term(actor=member("owner"), workspace=workspace, term="KPI", plain="measure of success")
    assert entry.pk == again.pk and again.plain == "measure of success"


def test_each_action_writes_an_audit_event(session):
    before = AuditEvent.objects.count()
    actions.add_objective(actor=None, session=session, data={"question": "Q?"})
    actions.publish_session(actor=None, session=session)
    verbs = list(AuditEvent.objects.order_by("-pk").values_list("verb", flat=True)[:2])
    assert AuditEvent.objects.count() == before + 2 and verbs == ["session.published", "objective.added"]
    with pytest.raises(HeardError):
        actions.publish_session(actor=None, session=session)


def test_erasing_a_stakeholder_blanks_their_comments(session, customer):
    actions.add_comment(actor=None, session=session, body="My private view", stakeholder=customer.pk)
    stakeholder_actions.erase_stakeholder(actor=None, stakeholder=customer)
    assert Comment.objects.get().body == "(erased)"


def test_cadence_status_marks_an_overdue_channel(product):
    actions.update_engagement_model(actor=None, product=product, data={"cadence": {"demo": "monthly", "interview": "as_needed"}})
    past = timezone.now() - timedelta(days=60)
    actions.create_session(actor=None, product=product, data={"title": "Old demo", "channel": "demo", "starts_at": past, "ends_at": past + timedelta(hours=1)})
    rows = {r["channel"]: r for r in queries.cadence_status(None, product)}
    assert rows["demo"]["overdue"] is True
    assert rows["interview"]["overdue"] is False
    with pytest.raises(HeardError) as exc:
        actions.update_engagement_model(actor=None, product=product, data={"cadence": {"demo": "hourly"}})
    assert exc.value.field == "cadence.demo"


def test_a_person_export_includes_their_sessions_and_comments(session, customer):
    from heard.stakeholders.queries import export_stakeholder

    actions.add_participant(actor=None, session=session, stakeholder=customer.pk, right="advises")
    actions.add_comment(actor=None, session=session, body="Written input", stakeholder=customer.pk)
    data = export_stakeholder(None, customer)
    assert data["sessions"]["participations"][0]["right"] == "advises"
    assert data["sessions"]["comments"][0]["body"] == "Written input"


def test_demo_season_is_idempotent_and_shows_each_flag(workspace, customer, proxy):
    from heard.core import actions as core_actions
    from heard.sessions import demo

    for slug in ("invoicing", "field-app"):
        core_actions.create_product(actor=None, workspace=workspace, slug=slug, name=slug)
    demo.load(workspace)
    count = Session.objects.count()
    demo.load(workspace)
    assert Session.objects.count() == count == len(demo.SEASON)
    seen = set()
    for session in Session.objects.all():
        seen |= codes(session)
    assert {"late_pre_read", "agenda_item_without_outcome", "no_customer"} <= seen


def test_the_api_calendar_endpoint_answers_icalendar(api_as, session):
    from icalendar import Calendar

    response = api_as("viewer").get(f"/sessions/{session.pk}/calendar.ics")
    assert response.status_code == 200
    assert Calendar.from_ical(response.content).walk("VEVENT")[0].decoded("DTSTART") == session.starts_at
