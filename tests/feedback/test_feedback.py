import io
import json
import re

import pytest
from django.core.management import call_command

from heard.backlog import queries as backlog_queries
from heard.core.errors import HeardError
from heard.feedback import actions, queries
from heard.feedback.models import Feedback
from heard.stakeholders import actions as s_actions
from heard.stakeholders import queries as s_queries

SLOW = "The dashboard feels slow"
MEASURED = "Report generation takes five minutes for 100 records, exceeding the agreed target of two"


def record(product, actor=None, **data):
    data.setdefault("text", MEASURED)
    return actions.record_feedback(actor=actor, product=product, data=data)


# ---------------------------------------------------------------- recording

def test_recording_scores_marks_proxy_and_updates_last_heard(product, people, member):
    ada, bob = people["ada"], people["bob"]
    f = record(product, member("developer"), stakeholder=ada.email, channel="interview", said_at="2026-01-10", job="month-end closing")
    assert f.quality_score >= 75 and f.quality_hint
    assert f.is_proxy is False
    assert f.recorded_by == member("developer")
    ada.refresh_from_db()
    assert ada.last_heard_at == f.said_at
    assert [d.status for d in f.disposition_history.all()] == ["new"]
    assert record(product, stakeholder=str(bob.pk)).is_proxy is True
    assert record(product).is_proxy is True  # no stakeholder: the team speaking for users


def test_unknown_stakeholder_is_a_field_error(product, people):
    with pytest.raises(HeardError) as err:
        record(product, stakeholder="nobody@nowhere.example")
    assert err.value.field == "stakeholder"


def test_viewer_cannot_record_feedback_anywhere(product, member, client_as, api_as):
    with pytest.raises(HeardError) as err:
        record(product, member("viewer"))
    assert err.value.code == "forbidden"
    assert client_as("viewer").post("/w/acme/p/app/feedback/new/", {"text": MEASURED, "channel": "interview"}).status_code == 403
    response = api_as("viewer").post("/feedback", {"product": "app", "text": MEASURED})
    assert response.status_code == 403
    assert Feedback.objects.count() == 0


# ---------------------------------------------------------------- disposition

def test_disposition_rules_and_history(product, member):
    f = record(product)
    po = member("product_owner")
    with pytest.raises(HeardError) as err:
        actions.set_disposition(actor=po, feedback=f, status="declined")
    assert err.value.field == "reason"
    with pytest.raises(HeardError) as err:
        actions.set_disposition(actor=po, feedback=f, status="planned")
    assert err.value.field == "increment"
    with pytest.raises(HeardError):
        actions.set_disposition(actor=member("developer"), feedback=f, status="under_review")
    actions.set_disposition(actor=po, feedback=f, status="planned", increment="2026.2")
    actions.set_disposition(actor=po, feedback=f, status="declined", reason="Only one customer needs it; cost outweighs benefit.")
    history = list(queries.disposition_history(f))
    assert [h.status for h in history] == ["new", "planned", "declined"]
    assert history[1].increment == "2026.2" and history[2].by == po
    assert all(history[i].at <= history[i + 1].at for i in range(2))


def test_declined_without_reason_on_api_and_page(product, api_as, client_as):
    f = record(product)
    response = api_as("product_owner").post(f"/feedback/{f.pk}/disposition", {"status": "declined"})
    assert response.status_code == 400
    assert response.json()["error"]["field"] == "reason"
    page = client_as("product_owner").post(f"/w/acme/p/app/feedback/{f.pk}/disposition/", {"status": "declined", "reason": ""})
    assert page.status_code == 400
    assert "Give the reason it is declined" in page.content.decode()
    f.refresh_from_db()
    assert f.disposition == "new"


# ---------------------------------------------------------------- links and the trace

def test_link_weight_must_be_1_to_3_everywhere(product, backlog, api_as, client_as):
    f = record(product)
    with pytest.raises(HeardError) as err:
        actions.link_feedback(actor=None, feedback=f, backlog_item=backlog["item"], weight=5)
    assert err.value.field == "weight"
    response = api_as("developer").post(f"/feedback/{f.pk}/links", {"backlog_item": backlog["item"].pk, "weight": 5})
    assert response.status_code == 400 and response.json()["error"]["field"] == "weight"
    page = client_as("developer").post(f"/w/acme/p/app/feedback/{f.pk}/links/", {"target": "INV-7", "weight": "5"})
    assert page.status_code == 400 and "Weight must be 1, 2 or 3" in page.content.decode()
    with pytest.raises(HeardError):
        actions.link_feedback(actor=None, feedback=f, backlog_item=backlog["item"], criterion=backlog["criterion"])
    assert not f.links.exists()


def test_trace_both_ways(product, backlog, people, client_as, api_as):
    f = record(product, stakeholder=people["cleo"].email, channel="demo", said_at="2026-02-03")
    before = f.quality_score
    link = actions.link_feedback(actor=None, feedback=f, criterion=backlog["criterion"], weight=3)
    f.refresh_from_db()
    assert f.quality_score > before  # linked: full decision relevance
    # item -> conversations
    rows = backlog_queries.conversations(None, backlog["item"])
    assert [(r["feedback"].pk, r["criterion"].pk, r["speakers"][0]["stakeholder"].name, r["speakers"][0]["channel"]) for r in rows] == [
        (f.pk, backlog["criterion"].pk, "Cleo Park", "Demo")]
    item_page = client_as("viewer").get(f"/w/acme/p/app/backlog/{backlog['item'].pk}/").content.decode()
    assert "Cleo Park" in item_page and "2026-02-03" in item_page and "Demo" in item_page
    api_rows = api_as("viewer").get(f"/backlog-items/{backlog['item'].pk}/conversations").json()
    assert api_rows[0]["speakers"][0]["stakeholder"]["name"] == "Cleo Park"
    # feedback -> what it influenced
    assert [link.target_item for link in queries.influenced(f)] == [backlog["item"]]
    feedback_page = client_as("viewer").get(f"/w/acme/p/app/feedback/{f.pk}/").content.decode()
    assert "Faster report generation" in feedback_page and "within 2 minutes" in feedback_page
    assert api_as("viewer").get(f"/feedback/{f.pk}").json()["links"][0]["criterion_id"] == backlog["criterion"].pk
    actions.unlink_feedback(actor=None, link=link)
    assert backlog_queries.conversations(None, backlog["item"]) == []


# ---------------------------------------------------------------- merging and similar items

def test_merge_keeps_every_speaker_channel_date_and_link(product, backlog, people, member):
    a = record(product, stakeholder=people["ada"].email, channel="interview", said_at="2026-01-05", text="Report generation takes five minutes for 100 records.")
    b = record(product, stakeholder=people["cleo"].email, channel="email", said_at="2026-01-20", text="Generating the monthly report takes 6 minutes.")
    actions.link_feedback(actor=None, feedback=a, backlog_item=backlog["item"], weight=1)
    actions.link_feedback(actor=None, feedback=b, backlog_item=backlog["item"], weight=3)
    actions.link_feedback(actor=None, feedback=b, criterion=backlog["criterion"], weight=2)
    merged = actions.merge_feedback(actor=member("product_owner"), product=product, items=[a.pk, b.pk])
    speakers = queries.speakers_of(merged)
    assert [(s["stakeholder"].name, s["channel"], s["said_at"].date().isoformat()) for s in speakers] == [
        ("Ada Lovelace", "Interview", "2026-01-05"), ("Cleo Park", "E-mail", "2026-01-20")]
    assert {(link.backlog_item_id, link.criterion_id, link.weight) for link in merged.links.all()} == {
        (backlog["item"].pk, None, 3), (None, backlog["criterion"].pk, 2)}
    assert "five minutes" in merged.text and "6 minutes" in merged.text
    a.refresh_from_db()
    assert a.merged_into == merged and a.disposition == "duplicate" and a.text.startswith("Report generation")
    # the item's conversations show the merged item once, with both speakers
    rows = backlog_queries.conversations(None, backlog["item"])
    assert {r["feedback"].pk for r in rows} == {merged.pk}
    assert {s["stakeholder"].name for r in rows for s in r["speakers"]} == {"Ada Lovelace", "Cleo Park"}
    # originals no longer listed by default, and cannot be merged twice
    assert list(queries.feedback_list(None, product)) == [merged]
    assert set(queries.feedback_list(None, product, merged="include")) == {a, b, merged}
    with pytest.raises(HeardError):
        actions.merge_feedback(actor=None, product=product, items=[a.pk, merged.pk])
    with pytest.raises(HeardError):
        actions.merge_feedback(actor=member("developer"), product=product, items=[merged.pk, record(product).pk])


def test_merge_through_the_api_and_the_page(product, api_as, client_as):
    a, b, c, d = (record(product, text=f"Report {n} takes too long to open") for n in "abcd")
    response = api_as("product_owner").post("/feedback/merges", {"product": "app", "items": [a.pk, b.pk]})
    assert response.status_code == 201
    assert sorted(response.json()["originals"]) == [a.pk, b.pk]
    page = client_as("product_owner").post(f"/w/acme/p/app/feedback/{c.pk}/merge/", {"items": f"{d.pk}", "text": "Reports open slowly"})
    assert page.status_code == 302
    assert Feedback.objects.get(pk=c.pk).merged_into.text == "Reports open slowly"
    bad = client_as("product_owner").post(f"/w/acme/p/app/feedback/{c.pk}/merge/", {"items": "999999"})
    assert bad.status_code == 400


def test_similar_items_come_from_the_same_product(product, workspace):
    from heard.core import actions as core_actions

    other = core_actions.create_product(actor=None, workspace=workspace, slug="other", name="Other")
    mine = record(product, text="The DATEV export rejects invoices with two VAT rates")
    record(product, text="Technicians cannot upload photos offline")
    record(other, text="The DATEV export rejects invoices with two VAT rates")
    found = queries.similar_items(None, product, "DATEV export rejects invoices with several VAT rates")
    assert [s.feedback for s in found] == [mine]
    assert queries.similar_items(None, product, "completely unrelated words about weather") == []


def test_a_new_item_shows_on_its_own_page_the_similar_items_its_entry_form_listed(product, client_as):
    """Issue 10 defect: the entry form listed five similar items; the item's own page then said
    "None found", because its own words (rare: only it had them) were the ones searched for."""
    for customer in ("Acme", "Globex", "Initech", "Umbrella", "Hooli", "Stark"):
        record(product, text=f"{customer}: the DATEV export rejects invoices with two VAT rates")
    record(product, text="Technicians cannot upload photos offline")
    draft = "Since Tuesday the DATEV export rejects every invoice carrying mixed VAT rates, said Wernher"
    client = client_as("developer")
    preview = client.post("/w/acme/p/app/feedback/preview/", {"text": draft}, headers={"HX-Request": "true"})
    listed = set(re.findall(r"/feedback/(\d+)/", preview.content.decode()))
    assert len(listed) == 5
    response = client.post("/w/acme/p/app/feedback/new/", {"text": draft, "channel": "interview", "then": "detail"})
    page = client.get(response["Location"]).content.decode()
    similar = page[page.index('id="similar-h"'):]
    assert "None found" not in similar
    assert set(re.findall(r"/feedback/(\d+)/", similar)) >= listed


# ---------------------------------------------------------------- list filters

def test_list_filters_by_channel_segment_disposition_and_quality(product, people, client_as):
    good = record(product, stakeholder=people["ada"].email, channel="interview")
    vague = record(product, stakeholder=people["cleo"].email, channel="email", text=SLOW)
    actions.set_disposition(actor=None, feedback=vague, status="deferred")
    assert list(queries.feedback_list(None, product, channel="email")) == [vague]
    assert list(queries.feedback_list(None, product, segment="enterprise")) == [good]
    assert list(queries.feedback_list(None, product, disposition="deferred")) == [vague]
    assert list(queries.feedback_list(None, product, quality="high")) == [good]
    assert list(queries.feedback_list(None, product, quality="low")) == [vague]
    assert list(queries.feedback_list(None, product, quality="nonsense")) == []
    html = client_as("viewer").get("/w/acme/p/app/feedback/", {"quality": "low"}).content.decode()
    assert "feels slow" in html and "five minutes" not in html
    partial = client_as("viewer").get("/w/acme/p/app/feedback/", {"channel": "interview"}, headers={"HX-Request": "true"})
    assert "<html" not in partial.content.decode() and "five minutes" in partial.content.decode()


# ---------------------------------------------------------------- quick entry page

def test_quick_entry_without_javascript(product, people, client_as):
    client = client_as("developer")
    assert client.get("/w/acme/p/app/feedback/new/").status_code == 200
    response = client.post("/w/acme/p/app/feedback/new/", {"text": MEASURED, "stakeholder": str(people["ada"].pk), "channel": "interview"})
    assert response.status_code == 302 and f"stakeholder={people['ada'].pk}" in response["Location"]
    f = Feedback.objects.get()
    assert f.stakeholder == people["ada"] and f.quality_score >= 75
    bad = client.post("/w/acme/p/app/feedback/new/", {"text": "", "channel": "interview"})
    assert bad.status_code == 400 and "This field is required" in bad.content.decode()


def test_live_preview_shows_score_hint_and_similar(product, client_as):
    record(product, text="Report generation takes forever for large customers")
    response = client_as("developer").post("/w/acme/p/app/feedback/preview/", {"text": SLOW.replace("dashboard", "report generation")}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert response.status_code == 200 and "<html" not in html
    assert "Quality:" in html and "Add a measurement" in html
    assert "Report generation takes forever" in html


# ---------------------------------------------------------------- API

def test_api_create_list_get_update_delete(product, people, api_as):
    api = api_as("product_owner")
    created = api.post("/feedback", {"product": "app", "text": SLOW, "stakeholder": people["ada"].email, "channel": "beta", "said_at": "2026-03-01T10:00:00Z"})
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["quality_band"] == "low" and "measurement" in body["quality_hint"] and body["stakeholder"]["name"] == "Ada Lovelace"
    listed = api.get("/feedback", product="app", channel="beta")
    assert listed.json()["total"] == 1
    patched = api.patch(f"/feedback/{body['id']}", {"text": MEASURED})
    assert patched.json()["quality_band"] == "high"
    assert api.post("/feedback", {"product": "app", "text": "x", "stakeholder": "ghost@nowhere.example"}).json()["error"]["field"] == "stakeholder"
    assert api.post("/feedback", {"product": "app", "text": "x", "channel": "carrier pigeon"}).status_code == 400
    assert api.post("/feedback/score", {"text": SLOW}).json()["weakest"] == "specificity"
    assert api.get("/feedback/similar", product="app", text=MEASURED).json()[0]["feedback"]["id"] == body["id"]
    assert api.delete(f"/feedback/{body['id']}").status_code == 204
    assert api.get(f"/feedback/{body['id']}").status_code == 404


def test_api_does_not_leak_other_workspaces(product, other_workspace):
    from heard.core import actions as core_actions
    from heard.core.models import User

    from ..conftest import ApiClient

    f = record(product)
    outsider = ApiClient(core_actions.issue_token(actor=None, user=User.objects.get(email="owner@globex.example")))
    assert outsider.get(f"/feedback/{f.pk}").status_code == 404
    assert outsider.get(f"/feedback/{f.pk}", workspace="acme").status_code == 404


# ---------------------------------------------------------------- import

CSV = """text,stakeholder,channel,said_at,external_id
Report generation takes five minutes for 100 records,ada@kestrel.example,interview,2026-01-10,T-1
The dashboard feels slow,nobody@nowhere.example,email,2026-01-11,T-2
Photo upload fails after 3 attempts on site,,support_ticket,2026-01-12,T-3
Missing date is fine,cleo@city.example,carrier pigeon,,T-4
"""


def test_import_reports_bad_lines_keeps_good_rows_and_is_idempotent(product, people, tmp_path):
    path = tmp_path / "feedback.csv"
    path.write_text(CSV)
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(SystemExit) as exit_:
        call_command("import", "feedback", str(path), "--product", "acme/app", "--no-progress", stdout=out, stderr=err)
    assert exit_.value.code == 1
    assert "2 created" in out.getvalue() and "2 rejected" in out.getvalue()
    assert "line 3 (stakeholder)" in err.getvalue() and "line 5 (channel)" in err.getvalue()
    assert Feedback.objects.count() == 2
    people["ada"].refresh_from_db()
    assert people["ada"].last_heard_at.date().isoformat() == "2026-01-10"
    with pytest.raises(SystemExit):
        call_command("import", "feedback", str(path), "--product", "acme/app", "--no-progress", stdout=(out := io.StringIO()), stderr=io.StringIO())
    assert "0 created" in out.getvalue() and "2 unchanged" in out.getvalue()
    assert Feedback.objects.count() == 2


def test_json_import_without_ids_is_idempotent_by_content(product, people, tmp_path):
    path = tmp_path / "feedback.json"
    path.write_text(json.dumps([{"text": "Reminders go out on public holidays", "stakeholder": "Cleo Park", "channel": "email", "said_at": "2026-02-01"},
                                {"text": "Exports take 40 seconds", "said_at": "2026-02-02"}]))
    call_command("import", "feedback", str(path), "--product", "app", "--no-progress", stdout=io.StringIO(), stderr=io.StringIO())
    call_command("import", "feedback", str(path), "--product", "app", "--no-progress", stdout=io.StringIO(), stderr=io.StringIO())
    assert Feedback.objects.count() == 2
    assert Feedback.objects.filter(stakeholder=people["cleo"]).count() == 1


def test_import_page_shows_rejected_lines(product, people, client_as):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("f.csv", CSV.encode(), content_type="text/csv")
    response = client_as("developer").post("/w/acme/p/app/feedback/import/", {"file": upload})
    html = response.content.decode()
    assert response.status_code == 400
    assert "Unknown stakeholder" in html and "2 created" in html


# ---------------------------------------------------------------- personal data

def test_erasure_scrubs_name_and_email_but_keeps_the_rest(product, people, member):
    ada = people["ada"]
    mine = record(product, stakeholder=ada.email, text="Ada Lovelace says exports take 40 seconds; write to ada@kestrel.example")
    other = record(product, stakeholder=people["cleo"].email, text="Cleo agrees with Ada Lovelace about the 40 seconds")
    exported = s_queries.export_stakeholder(member("owner"), ada)
    assert [row["id"] for row in exported["feedback"]] == [mine.pk]
    s_actions.erase_stakeholder(actor=member("owner"), stakeholder=ada)
    mine.refresh_from_db()
    other.refresh_from_db()
    assert "Lovelace" not in mine.text and "ada@kestrel" not in mine.text and "exports take 40 seconds" in mine.text
    assert other.text == "Cleo agrees with [erased] about the 40 seconds"
    assert mine.stakeholder_id == ada.pk  # the count and links stay
