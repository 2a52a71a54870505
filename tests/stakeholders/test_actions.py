import pytest

from heard.core.errors import HeardError
from heard.core.models import AuditEvent
from heard.stakeholders import actions, queries
from heard.stakeholders.models import Stakeholder


@pytest.fixture
def segment(workspace):
    return actions.create_segment(actor=None, workspace=workspace, data={"name": "Enterprise", "target_share": "30"})


def make(workspace, actor=None, **data):
    data.setdefault("name", "Ada Lovelace")
    return actions.create_stakeholder(actor=actor, workspace=workspace, data=data)


def test_create_stakeholder_records_fields_and_an_audit_event(workspace, owner, segment):
    person = make(workspace, owner, email="Ada@Example.com", kind="buyer", segments=["enterprise"], influence=5, interest=4, time_zone="Europe/London", language="en-GB")
    assert person.email == "ada@example.com"
    assert [s.slug for s in person.segments.all()] == ["enterprise"]
    event = AuditEvent.objects.get(verb="stakeholder.created", object_id=str(person.pk))
    assert event.actor == owner
    assert event.after["email"] == "ada@example.com"
    assert event.after["segments"] == ["enterprise"]


@pytest.mark.parametrize(
    ("data", "field", "words"),
    [
        ({"influence": 9}, "influence", "from 1 to 5"),
        ({"interest": 0}, "interest", "from 1 to 5"),
        ({"time_zone": "Mars/Olympus"}, "time_zone", "time zone"),
        ({"segments": ["nonexistent"]}, "segments", "Unknown segment"),
        ({"email": "not-an-address"}, "email", "not a valid e-mail"),
        ({"kind": "alien"}, "kind", "Unknown kind"),
        ({"language": "english please"}, "language", "language tag"),
        ({"name": "   "}, "name", "required"),
    ],
)
def test_bad_input_is_a_field_error_and_nothing_is_saved(workspace, data, field, words):
    with pytest.raises(HeardError) as caught:
        make(workspace, **data)
    errors = getattr(caught.value, "errors", {caught.value.field: caught.value.message})
    assert field in errors
    assert words in errors[field]
    assert not Stakeholder.objects.exists()


def test_several_bad_fields_are_reported_together(workspace):
    with pytest.raises(HeardError) as caught:
        make(workspace, influence=9, time_zone="Nowhere/Land")
    assert set(caught.value.errors) == {"influence", "time_zone"}


def test_duplicate_email_in_a_workspace_is_refused_case_insensitively(workspace, other_workspace):
    make(workspace, email="ada@example.com")
    with pytest.raises(HeardError) as caught:
        make(workspace, name="Someone else", email="ADA@example.com")
    assert caught.value.errors == {"email": "Another stakeholder in this workspace already uses ada@example.com."}
    # Another workspace may know the same person.
    make(other_workspace, email="ada@example.com")


def test_viewer_and_developer_may_not_edit_the_map(workspace, member):
    for role in ("viewer", "developer"):
        with pytest.raises(HeardError) as caught:
            make(workspace, member(role))
        assert caught.value.code == "forbidden"
    make(workspace, member("scrum_master"), email="ok@example.com")


def test_outsider_cannot_see_the_workspace(workspace, other_workspace):
    from heard.core.models import User

    outsider = User.objects.get(email="owner@globex.example")
    with pytest.raises(HeardError) as caught:
        queries.stakeholders(outsider, workspace)
    assert caught.value.code == "not_found"


def test_update_changes_only_given_fields_and_audits_before_and_after(workspace, owner):
    person = make(workspace, owner, email="a@example.com", influence=2)
    actions.update_stakeholder(actor=owner, stakeholder=person, data={"influence": 4})
    person.refresh_from_db()
    assert (person.influence, person.email) == (4, "a@example.com")
    event = AuditEvent.objects.get(verb="stakeholder.updated")
    assert (event.before["influence"], event.after["influence"]) == (2, 4)


def test_consent_is_granted_with_its_disclosure_and_withdrawn(workspace, owner):
    person = make(workspace, owner)
    consent = actions.grant_consent(actor=owner, stakeholder=person, purpose="recording", disclosure_text="We record for notes.")
    assert queries.has_active_consent(person, "recording")
    with pytest.raises(HeardError) as caught:
        actions.grant_consent(actor=owner, stakeholder=person, purpose="recording", disclosure_text="again")
    assert caught.value.code == "conflict"
    actions.withdraw_consent(actor=owner, consent=consent)
    assert not queries.has_active_consent(person, "recording")
    # History is kept: a new grant is a new row.
    actions.grant_consent(actor=owner, stakeholder=person, purpose="recording", disclosure_text="We record again.")
    assert person.consents.count() == 2


def test_consent_needs_a_known_purpose_and_the_text_shown(workspace, owner):
    person = make(workspace, owner)
    with pytest.raises(HeardError) as caught:
        actions.grant_consent(actor=owner, stakeholder=person, purpose="marketing", disclosure_text="")
    assert set(caught.value.errors) == {"purpose", "disclosure_text"}


def test_segment_target_share_must_be_a_percentage(workspace):
    with pytest.raises(HeardError) as caught:
        actions.create_segment(actor=None, workspace=workspace, data={"name": "SMB", "target_share": "140"})
    assert caught.value.field == "target_share"


def test_erasure_anonymises_but_keeps_links_and_counts(workspace, owner, segment):
    person = make(workspace, owner, email="ada@example.com", segments=["enterprise"], notes="Prefers calls at 9", accessibility_needs="Screen reader")
    actions.grant_consent(actor=owner, stakeholder=person, purpose="contact", disclosure_text="We e-mail you.")
    actions.add_disclosure(actor=owner, stakeholder=person, kind="incentive", description="Gift card from Ada's employer")
    actions.erase_stakeholder(actor=owner, stakeholder=person, reason="request #12")
    person.refresh_from_db()
    assert person.is_erased
    assert "Ada" not in person.name and person.email == "" and person.notes == "" and person.accessibility_needs == ""
    assert [s.slug for s in person.segments.all()] == ["enterprise"]  # links intact
    assert workspace.stakeholders.count() == 1  # counts intact
    assert not queries.has_active_consent(person, "contact")
    assert "Ada" not in person.disclosures.get().description
    erased = AuditEvent.objects.get(verb="stakeholder.erased")
    assert "ada" not in str(erased.after).lower()


def test_export_holds_everything_about_the_person(workspace, owner):
    person = make(workspace, owner, email="ada@example.com")
    actions.grant_consent(actor=owner, stakeholder=person, purpose="quoting", disclosure_text="We may quote you.")
    data = queries.export_stakeholder(owner, person)
    assert data["stakeholder"]["email"] == "ada@example.com"
    assert data["consents"][0]["disclosure_text"] == "We may quote you."
    assert [e["verb"] for e in data["audit_events"]] == ["stakeholder.created"]


def test_influence_grid_places_people_in_cells_and_quadrants(workspace):
    make(workspace, name="High both", influence=5, interest=5)
    make(workspace, name="Low both", influence=1, interest=2)
    grid = queries.influence_grid(None, workspace)
    assert [p.name for p in grid["cells"][(5, 5)]] == ["High both"]
    assert [p.name for p in grid["quadrants"]["manage_closely"]] == ["High both"]
    assert [p.name for p in grid["quadrants"]["monitor"]] == ["Low both"]


def test_not_heard_from_uses_last_heard_at(workspace, segment):
    from datetime import timedelta

    from django.utils import timezone

    recent = make(workspace, name="Recent", segments=["enterprise"])
    silent = make(workspace, name="Silent", kind="buyer", segments=["enterprise"])
    Stakeholder.objects.filter(pk=recent.pk).update(last_heard_at=timezone.now() - timedelta(days=3))
    Stakeholder.objects.filter(pk=silent.pk).update(last_heard_at=timezone.now() - timedelta(days=200))
    result = queries.not_heard_from(None, workspace, days=30)
    assert [p.name for p in result["people"]] == ["Silent"]
    assert list(result["by_kind"]) == ["Buyer"]
    assert [p.name for p in result["by_segment"]["Enterprise"]] == ["Silent"]
