"""Ticket imports: every format parses, bad rows are reported with their line and the good
rows kept, re-imports add nothing and update changed tickets, requesters are matched."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.core.management import call_command

from heard.core.errors import HeardError
from heard.core.models import AuditEvent
from heard.stakeholders import actions as stakeholder_actions
from heard.stakeholders.models import Stakeholder
from heard.tickets.actions import import_tickets
from heard.tickets.models import ImportJob, Ticket

FIXTURES = Path(__file__).parent / "fixtures"


def run(product, name, fmt=None, mapping=None, actor=None):
    return import_tickets(actor=actor, product=product, path=str(FIXTURES / name), fmt=fmt, mapping=mapping)


def ticket(product, external_id):
    return Ticket.objects.get(product=product, external_id=external_id)


@pytest.mark.django_db
class TestFormats:
    def test_zendesk_json_export(self, product):
        report = run(product, "zendesk.json")
        assert (report.created, report.rejected) == (2, 2)
        t = ticket(product, "1001")
        assert t.source == "zendesk"
        assert t.subject == "Invoice PDF shows the wrong VAT rate"
        assert "shows 19% VAT" in t.body and "<p>" not in t.body
        assert t.status == "solved" and t.priority == "high"
        assert t.tags == ["vat", "pdf"]
        assert t.requester_email == "amara.okafor@kestrel.example"
        assert t.requester.name == "Amara Okafor"
        assert t.created_at == datetime(2024, 3, 4, 9, 15, tzinfo=UTC)
        assert t.solved_at == datetime(2024, 3, 5, 10, 30, tzinfo=UTC)
        closed = ticket(product, "1002")
        assert closed.created_at == datetime(2024, 3, 6, 13, 2, 11, tzinfo=UTC)  # +01:00 to UTC
        assert closed.closed_at == datetime(2024, 3, 9, 8, 0, tzinfo=UTC)
        assert "&amp;" not in closed.body and "Monday & they" in closed.body
        assert closed.requester_email == "ben.lee@pinecrest.example"
        problems = {p.line: p for p in report.problems}
        assert problems[3].field == "subject"
        assert problems[4].field == "created_at"

    def test_zendesk_incremental_ndjson(self, product):
        report = run(product, "zendesk-incremental.json")
        assert report.created == 3
        assert [p.line for p in report.problems] == [3]
        assert "JSON" in report.problems[0].message
        assert ticket(product, "2002").requester_email == "diego@tidewater.example"
        assert ticket(product, "2004").requester is None

    def test_zendesk_json_array(self, product):
        report = run(product, "zendesk-array.json")
        assert report.created == 2
        assert ticket(product, "3002").tags == ["accessibility", "screen-reader"]

    def test_freshdesk_csv(self, product):
        report = run(product, "freshdesk.csv")
        assert report.created == 2
        assert [(p.line, p.field) for p in report.problems] == [(5, "requester_email")]
        t = ticket(product, "5001")
        assert t.source == "freshdesk"
        assert t.body.startswith("The bank feed") and "Nothing since." in t.body
        assert t.tags == ["bank-feed", "sync"]
        assert t.solved_at == datetime(2024, 2, 1, 15, 30, tzinfo=UTC)
        assert t.closed_at == datetime(2024, 2, 3, 9, 0, tzinfo=UTC)
        assert t.requester.name == "Gustav Berg"

    def test_intercom_csv_keeps_the_opening_message(self, product):
        report = run(product, "intercom.csv")
        assert report.created == 2
        t = ticket(product, "7001")
        assert t.source == "intercom"
        assert t.body == "My jobs do not sync when I am back online"
        assert t.requester_email == "jun@brightsparks.example"
        assert t.closed_at == datetime(2024, 6, 1, 9, 30, tzinfo=UTC)
        assert t.tags == ["sync", "offline"]
        assert any("Skipped 1 message row" in note for note in report.notes)

    def test_jira_csv(self, product):
        report = run(product, "jira.csv")
        assert report.created == 2, report.problems
        t = ticket(product, "SUP-11")
        assert t.source == "jira"
        assert t.created_at == datetime(2024, 1, 5, 10, 22, tzinfo=UTC)
        assert t.solved_at == datetime(2024, 1, 6, 9, 0, tzinfo=UTC)
        assert t.tags == ["numbering", "audit"]  # Jira repeats the Labels column
        assert t.requester_name == "Lena Fischer" and t.requester is None
        assert ticket(product, "SUP-12").requester_email == "mateo@cityoflindenfeld.example"

    def test_plain_csv_with_a_column_mapping(self, product):
        mapping = {"Case number": "external_id", "Opened": "created_at", "Headline": "subject", "Customer text": "body", "Customer mail": "requester_email", "Topics": "tags"}
        report = run(product, "plain.csv", mapping=mapping)
        assert report.created == 2
        t = ticket(product, "C-1")
        assert t.source == "csv"
        assert t.tags == ["performance", "dashboard"]
        assert t.status == "open" and t.requester_email == "nadia@federal.example"

    def test_ndjson(self, product):
        report = run(product, "tickets.ndjson")
        assert report.created == 2
        assert ticket(product, "N-2").created_at == datetime(2024, 8, 2, 8, 0, tzinfo=UTC)  # Unix seconds
        assert ticket(product, "N-1").source == "ndjson"

    def test_mapping_to_an_unknown_field_is_refused(self, product):
        with pytest.raises(HeardError) as exc:
            run(product, "plain.csv", mapping={"Headline": "title"})
        assert exc.value.field == "file"
        assert "unknown field" in exc.value.message


@pytest.mark.django_db
def test_bad_rows_are_reported_with_their_line_and_good_rows_kept(product):
    report = run(product, "bad_rows.csv")
    assert sorted(Ticket.objects.filter(product=product).values_list("external_id", flat=True)) == ["B-1", "B-6", "B-9"]
    found = {(p.line, p.field) for p in report.problems}
    # B-6's subject spans two physical lines, so the rows after it are one line further down.
    assert found == {(3, "subject"), (4, "external_id"), (5, "created_at"), (6, None), (9, "requester_email"), (10, "created_at")}
    assert report.rejected == 6 and report.created == 3
    assert ticket(product, "B-6").subject == "Good ticket with a newline in the subject"


@pytest.mark.django_db
def test_reimport_adds_nothing_and_updates_changed_tickets(product, tmp_path):
    path = tmp_path / "export.csv"
    shutil.copy(FIXTURES / "freshdesk.csv", path)
    first = import_tickets(actor=None, product=product, path=str(path))
    second = import_tickets(actor=None, product=product, path=str(path))
    assert (second.created, second.updated, second.unchanged) == (0, 0, first.created)
    assert Ticket.objects.filter(product=product).count() == first.created
    path.write_text(path.read_text().replace("Bank feed stopped syncing", "Bank feed stopped syncing again"))
    third = import_tickets(actor=None, product=product, path=str(path))
    assert (third.created, third.updated, third.unchanged) == (0, 1, 1)
    assert ticket(product, "5001").subject == "Bank feed stopped syncing again"
    assert Stakeholder.objects.filter(workspace=product.workspace, created_by_import=True).count() == 2


@pytest.mark.django_db
def test_same_ids_from_another_source_are_other_tickets(product):
    run(product, "zendesk-array.json")
    run(product, "zendesk-array.json", fmt="ndjson")
    assert Ticket.objects.filter(product=product, external_id="3001").count() == 2


@pytest.mark.django_db
def test_requesters_are_matched_by_email_or_created_as_end_users(product):
    known = stakeholder_actions.create_stakeholder(actor=None, workspace=product.workspace, data={"name": "Amara O.", "email": "amara.okafor@KESTREL.example"})
    run(product, "zendesk.json")
    assert ticket(product, "1001").requester == known
    known.refresh_from_db()
    assert known.name == "Amara O." and not known.created_by_import
    assert known.last_heard_at == datetime(2024, 3, 4, 9, 15, tzinfo=UTC)
    created = Stakeholder.objects.get(workspace=product.workspace, email="ben.lee@pinecrest.example")
    assert created.created_by_import and created.kind == "end_user" and created.name == "Ben Lee"
    assert created.last_heard_at == datetime(2024, 3, 6, 13, 2, 11, tzinfo=UTC)


@pytest.mark.django_db
def test_last_heard_never_moves_back(product):
    person = stakeholder_actions.create_stakeholder(actor=None, workspace=product.workspace, data={"name": "Gustav", "email": "gustav@kestrel.example"})
    Stakeholder.objects.filter(pk=person.pk).update(last_heard_at=datetime(2025, 1, 1, tzinfo=UTC))
    run(product, "freshdesk.csv")
    person.refresh_from_db()
    assert person.last_heard_at == datetime(2025, 1, 1, tzinfo=UTC)


@pytest.mark.django_db
def test_one_audit_event_per_import(product):
    run(product, "freshdesk.csv")
    events = AuditEvent.objects.filter(workspace=product.workspace, verb="tickets.imported")
    assert events.count() == 1
    job = ImportJob.objects.get()
    assert events.get().object_id == str(job.pk)
    assert (job.status, job.created, job.rejected, job.rows_read) == ("done", 2, 1, 3)
    assert job.problems[0]["line"] == 5


@pytest.mark.django_db
def test_a_viewer_may_not_import(product, member):
    with pytest.raises(HeardError) as exc:
        run(product, "freshdesk.csv", actor=member("viewer"))
    assert exc.value.code == "forbidden"
    assert not Ticket.objects.exists()


@pytest.mark.django_db
def test_non_utf8_file_is_refused_with_a_reason(product, tmp_path):
    path = tmp_path / "latin1.csv"
    path.write_bytes("id,subject,created_at\n1,Caf\xe9 closed,2024-01-01\n".encode("latin-1"))
    with pytest.raises(HeardError) as exc:
        import_tickets(actor=None, product=product, path=str(path))
    assert "UTF-8" in exc.value.message


@pytest.mark.django_db
def test_erasing_a_requester_anonymises_their_tickets_and_reimport_leaves_them(product):
    run(product, "freshdesk.csv")
    person = Stakeholder.objects.get(email="gustav@kestrel.example")
    stakeholder_actions.erase_stakeholder(actor=None, stakeholder=person)
    t = ticket(product, "5001")
    assert (t.subject, t.body, t.requester_email) == ("(erased)", "", "")
    run(product, "freshdesk.csv")
    assert ticket(product, "5001").subject == "(erased)"


@pytest.mark.django_db
def test_cli_imports_and_prints_a_summary(product, capsys):
    call_command("import", "tickets", str(FIXTURES / "jira.csv"), "--product", "acme/app", "--no-progress")
    out = capsys.readouterr().out
    assert "2 created" in out
    assert Ticket.objects.filter(product=product, source="jira").count() == 2


@pytest.mark.django_db
def test_cli_exits_1_and_lists_bad_rows(product, capsys):
    with pytest.raises(SystemExit) as exc:
        call_command("import", "tickets", str(FIXTURES / "bad_rows.csv"), "--product", "acme/app", "--no-progress")
    assert exc.value.code == 1
    err = capsys.readouterr().err
    assert "line 5 (created_at)" in err


@pytest.mark.django_db
def test_large_files_read_by_a_second_process_give_the_same_result(product, monkeypatch):
    """Big files are parsed in a second process; its results must match the in-process path."""
    import heard.tickets.actions as support_actions

    in_process = run(product, "bad_rows.csv")
    in_process_rows = sorted(Ticket.objects.filter(product=product).values_list("external_id", "subject", "requester_email", "created_at"))
    Ticket.objects.filter(product=product).delete()
    monkeypatch.setattr(support_actions, "WORKER_MIN_BYTES", 0)
    monkeypatch.setattr("os.cpu_count", lambda: 2)
    real_reader, used = support_actions.read_prepared_in_worker, []

    def counting_reader(*args, **kwargs):
        used.append(args[0])
        return real_reader(*args, **kwargs)

    monkeypatch.setattr(support_actions, "read_prepared_in_worker", counting_reader)
    worker = run(product, "bad_rows.csv")
    assert used, "the second-process reader was not used"
    worker_rows = sorted(Ticket.objects.filter(product=product).values_list("external_id", "subject", "requester_email", "created_at"))
    assert worker_rows == in_process_rows
    assert [(p.line, p.field, p.message) for p in worker.problems] == [(p.line, p.field, p.message) for p in in_process.problems]
    assert (worker.created, worker.rejected) == (in_process.created, in_process.rejected)


def test_text_with_backslashes_tabs_and_line_breaks_is_stored_exactly(product, tmp_path):
    """On PostgreSQL new tickets travel as COPY text; every character must arrive as it was."""
    path = tmp_path / "tricky.csv"
    body = "Path C:\\Users\\nadia\\new\tfolder\nsecond line\r\nthird \\N line \\\\ done"
    path.write_text(
        "id,subject,description,created_at,requester_email,requester_name,tags\n"
        f'"T-""1"",{{x}}\\y","Tab\\there","{body}",2024-07-01T08:00:00Z,nadia@federal.example,"Nadia \\ Ruiz","a\\b,""quoted"""\n',
        encoding="utf-8",
    )
    report = run(product, str(path), fmt="csv")
    assert (report.created, report.rejected) == (1, 0), report.problems
    again = run(product, str(path), fmt="csv")  # the id is found again, quotes and all
    assert (again.created, again.updated, again.unchanged) == (0, 0, 1)
    stored = ticket(product, 'T-"1",{x}\\y')
    assert stored.body == body
    assert stored.subject == "Tab\\there"
    # A changed ticket is updated from the same prepared row: the text must survive that too.
    path.write_bytes(path.read_bytes().replace(b"Tab\\there", b"Tab\\there again"))
    changed = run(product, str(path), fmt="csv")
    assert (changed.created, changed.updated) == (0, 1)
    stored = ticket(product, 'T-"1",{x}\\y')
    assert stored.body == body
    assert stored.subject == "Tab\\there again"
    assert stored.requester_name == "Nadia \\ Ruiz"
    assert stored.tags == ["a\\b", '"quoted"']
    assert stored.requester.name == "Nadia \\ Ruiz"


def test_zendesk_side_loaded_users_give_tickets_their_requesters(product):
    """Zendesk's `?include=users` lists users after the tickets; tickets name only requester_id."""
    report = run(product, "zendesk-side-loaded.json")
    assert (report.created, report.rejected) == (3, 0)
    farah = ticket(product, "5001")
    assert farah.requester_email == "farah.haddad@tidewater.example"
    assert farah.requester_name == "Farah Haddad"
    assert farah.requester.name == "Farah Haddad"
    assert ticket(product, "5002").requester.email == "jun.sato@pinecrest.example"
    unknown = ticket(product, "5003")
    assert unknown.requester is None and unknown.requester_email == ""
