from django.core import mail


def test_closure_api_round_trip(world, api_as, django_capture_on_commit_callbacks):
    po = api_as("product_owner")
    r = po.post("/closure-cycles", {"product": "app", "name": "2026 Q3", "starts_on": "2026-07-01", "ends_on": "2026-06-01"}, workspace="acme")
    assert r.status_code == 400 and r.json()["error"]["field"] == "ends_on"
    r = po.post(f"/closure-cycles/{world.cycle.pk}/close", workspace="acme")
    assert r.status_code == 200 and r.json()["summary"].startswith("4 drafted")
    notes = po.get("/closure-notes", workspace="acme", product="app", cycle="2026.2").json()
    assert notes["total"] == 4
    alice = next(n for n in notes["items"] if n["stakeholder_name"] == "Alice Archer")
    r = po.patch(f"/closure-notes/{alice['id']}", {"body": ""}, workspace="acme")
    assert r.status_code == 400 and r.json()["error"]["field"] == "body"
    r = po.patch(f"/closure-notes/{alice['id']}", {"reviewed": True}, workspace="acme")
    assert r.json()["status"] == "reviewed" and r.json()["readability_label"]
    dev = api_as("developer")
    assert dev.post(f"/closure-cycles/{world.cycle.pk}/send", workspace="acme").status_code == 403
    with django_capture_on_commit_callbacks(execute=True):
        r = po.post(f"/closure-cycles/{world.cycle.pk}/send", workspace="acme")
    assert r.json()["summary"].startswith("1 sent") and len(mail.outbox) == 1
    assert po.get("/closure-notes/999999", workspace="acme").status_code == 404
