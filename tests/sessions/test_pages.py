from datetime import timedelta

from heard.core.models import User
from heard.sessions import actions
from heard.sessions.models import AgendaItem, Participant, Session
from heard.stakeholders import actions as stakeholder_actions


def base(workspace, product):
    return f"/w/{workspace.slug}/p/{product.slug}/sessions/"


def test_plan_a_demo_through_the_pages(client_as, workspace, product, customer, member, when):
    client = client_as("scrum_master")
    response = client.post(base(workspace, product) + "new/", {
        "title": "Sprint demo", "channel": "demo", "mode": "remote", "starts_at": "2027-04-01T15:00", "ends_at": "2027-04-01T16:00",
        "time_zone": "Europe/Berlin", "confidentiality": "",
    })
    session = Session.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/sessions/{session.pk}/")
    assert session.starts_at.isoformat() == "2027-04-01T13:00:00+00:00"
    url = base(workspace, product) + f"{session.pk}/"
    client.post(url + "objectives/", {"question": "Can a bookkeeper export a month in one go?", "outcome_kind": "validate_usability", "evidence_needed": "", "decision": ""})
    objective = session.objectives.get()
    client.post(url + "agenda/", {"title": "Try the export", "timebox_minutes": 30, "objective": str(objective.pk), "decision": ""})
    client.post(url + "agenda/", {"title": "Open chat", "timebox_minutes": 10, "objective": "", "decision": ""})
    client.post(url + "participants/", {"stakeholder": str(customer.pk), "user": "", "right": "advises"})
    client.post(url + "participants/", {"stakeholder": "", "user": str(member("product_owner").pk), "right": "decides"})
    client.post(url + "pre-reads/", {"title": "What changed", "url": "https://docs.example/x", "body": "", "shared_at": "2027-03-31T18:00"})
    page = client.get(url).content.decode()
    assert "Open chat" in page and "No outcome: serves no objective or decision" in page
    assert 'data-flag="late_pre_read"' in page and 'data-flag="agenda_item_without_outcome"' in page
    assert 'data-flag="no_decider"' not in page and 'data-flag="no_customer"' not in page
    assert "Plain language" in page
    # Attendance afterwards.
    participant = session.participants.get(stakeholder=customer)
    client.post(url + "attendance/", {f"attendance_{participant.pk}": "attended"})
    participant.refresh_from_db()
    assert participant.attendance == "attended"
    # Publishing shows the checks first, then publishes.
    assert "Flags" in client.get(url + "publish/").content.decode()
    client.post(url + "publish/")
    session.refresh_from_db()
    assert session.is_published


def test_bad_session_input_shows_field_errors_and_saves_nothing(client_as, workspace, product):
    response = client_as("scrum_master").post(base(workspace, product) + "new/", {
        "title": "Backwards", "channel": "demo", "mode": "remote", "starts_at": "2027-04-01T15:00", "ends_at": "2027-04-01T14:00", "time_zone": "Moon/Base",
    })
    assert response.status_code == 400
    form = response.context["form"]
    assert "time_zone" in form.errors
    assert not Session.objects.exists()
    response = client_as("scrum_master").post(base(workspace, product) + "new/", {
        "title": "Backwards", "channel": "demo", "mode": "remote", "starts_at": "2027-04-01T15:00", "ends_at": "2027-04-01T14:00", "time_zone": "UTC",
    })
    assert "ends_at" in response.context["form"].errors
    assert "must end after it starts" in response.content.decode()


def test_over_long_agenda_item_shows_a_field_error(client_as, workspace, product, session):
    response = client_as("scrum_master").post(base(workspace, product) + f"{session.pk}/agenda/", {"title": "All day", "timebox_minutes": 120, "objective": "", "decision": ""})
    assert response.status_code == 400
    assert "timebox_minutes" in response.context["agenda_form"].errors
    assert not AgendaItem.objects.exists()


def test_participant_from_another_workspace_cannot_be_invited_on_the_page(client_as, workspace, product, session, other_workspace):
    outsider = stakeholder_actions.create_stakeholder(actor=None, workspace=other_workspace, data={"name": "Outsider"})
    response = client_as("scrum_master").post(base(workspace, product) + f"{session.pk}/participants/", {"stakeholder": str(outsider.pk), "user": "", "right": "decides"})
    assert response.status_code == 400
    assert "stakeholder" in response.context["participant_form"].errors
    assert not Participant.objects.exists()


def test_viewers_see_but_cannot_change(client_as, workspace, product, session):
    viewer = client_as("viewer")
    assert viewer.get(base(workspace, product)).status_code == 200
    page = viewer.get(base(workspace, product) + f"{session.pk}/").content.decode()
    assert "Demo of the export" in page and "Add an objective" not in page
    assert viewer.get(base(workspace, product) + "new/").status_code == 403
    assert viewer.post(base(workspace, product) + f"{session.pk}/objectives/", {"question": "Q", "outcome_kind": "other"}).status_code == 403
    assert not session.objectives.exists()


def test_outsiders_get_not_found(client, workspace, product, session, other_workspace):
    from tests.conftest import PASSWORD

    assert client.login(username="owner@globex.example", password=PASSWORD)
    assert client.get(base(workspace, product) + f"{session.pk}/").status_code == 404


def test_list_groups_sessions_by_week_in_the_reader_time_zone(client_as, workspace, product, member):
    owner = member("owner")
    User.objects.filter(pk=owner.pk).update(time_zone="Pacific/Auckland")
    actions.create_session(actor=None, product=product, data={"title": "Late Sunday call", "channel": "interview", "starts_at": "2027-03-07T20:00", "ends_at": "2027-03-07T21:00", "time_zone": "UTC"})
    page = client_as("owner").get(base(workspace, product) + "?when=all").content.decode()
    # 20:00 UTC on Sunday is Monday morning in Auckland, so it falls in the week of Monday 8 March.
    assert "Week of Monday 8 March 2027" in page and "Late Sunday call" in page


def test_comments_show_in_the_reader_time_zone(client_as, workspace, product, session, member):
    comment = actions.add_comment(actor=member("developer"), session=session, body="Noted")
    User.objects.filter(email="viewer@acme.example").update(time_zone="Asia/Kolkata")
    page = client_as("viewer").get(base(workspace, product) + f"{session.pk}/").content.decode()
    local = comment.created_at + timedelta(hours=5, minutes=30)
    assert local.strftime("%H:%M") in page and "Asia/Kolkata" in page


def test_engagement_model_and_glossary_pages(client_as, workspace, product):
    po = client_as("product_owner")
    url = base(workspace, product) + "engagement/"
    data = {"pre_read_lead_days": 3, "default_confidentiality": "open", "input_consideration_days": 7, "invitations_per_quarter": 2, "cadence_demo": "monthly"}
    assert po.post(url, data).status_code == 302
    product.refresh_from_db()
    assert product.engagement_model.cadence == {"demo": "monthly"} and product.engagement_model.pre_read_lead_days == 3
    assert po.post(url, {**data, "invitations_per_quarter": 0}).status_code == 400
    assert po.post(base(workspace, product) + "engagement/feed/", {"enabled": "1"}).status_code == 302
    assert "/sessions/feed/" in po.get(url).content.decode()
    glossary = base(workspace, product) + "glossary/"
    assert po.post(glossary, {"term": "kpi", "plain": "measure"}).status_code == 403
    owner = client_as("owner")
    assert owner.post(glossary, {"term": "kpi", "plain": "measure"}).status_code == 302
    assert "measure" in owner.get(glossary).content.decode()


def test_the_list_filters_answer_htmx_with_the_results_only(client_as, workspace, product, session):
    response = client_as("viewer").get(base(workspace, product) + "?when=upcoming&channel=demo", headers={"HX-Request": "true"})
    text = response.content.decode()
    assert response.status_code == 200 and "<html" not in text and 'id="results"' in text and "Demo of the export" in text
    assert "Demo of the export" not in client_as("viewer").get(base(workspace, product) + "?when=past").content.decode()
