from pathlib import Path

import pytest
from django.core.management import call_command

from heard.stakeholders import actions
from heard.stakeholders.models import Organisation, Stakeholder

FIXTURE = Path(__file__).parent / "fixtures" / "stakeholders.csv"


@pytest.fixture
def segments(workspace):
    for name in ("Enterprise", "Public sector"):
        actions.create_segment(actor=None, workspace=workspace, data={"name": name})


def run_import(path, *extra):
    """Run `heard import stakeholders` and return (exit code, stdout, stderr)."""
    from io import StringIO

    out, err = StringIO(), StringIO()
    try:
        call_command("import", "stakeholders", str(path), "--workspace", "acme", "--no-progress", *extra, stdout=out, stderr=err)
        code = 0
    except SystemExit as exc:
        code = exc.code
    return code, out.getvalue(), err.getvalue()


def test_bad_rows_are_reported_with_line_and_reason_and_good_rows_kept(segments):
    code, out, err = run_import(FIXTURE)
    assert code == 1
    assert "4 created" in out and "5 rejected" in out
    # Line numbers are the file's own lines (header is line 1; a quoted newline spans two).
    assert "line 4 (segments): Unknown segment “nonexistent-segment”" in err
    assert "line 5 (email): The e-mail ada@example.com is already used on line 2 of this file." in err
    assert "line 6 (influence): Influence must be from 1 to 5, not 9." in err
    assert "line 7 (time_zone):" in err
    assert "line 10 (name): Name is required." in err
    names = set(Stakeholder.objects.values_list("name", flat=True))
    assert names == {"Ada Lovelace", "Grace Hopper", "Radia Perlman", "Barbara Liskov"}
    radia = Stakeholder.objects.get(name="Radia Perlman")
    assert radia.organisation.name == "Spanning Trees, Inc."
    assert radia.notes == 'Wrote about "STP",\nover two lines'
    grace = Stakeholder.objects.get(email="grace@example.com")
    assert sorted(s.slug for s in grace.segments.all()) == ["enterprise", "public-sector"]
    assert grace.created_by_import
    # Unknown organisations of good rows are created once.
    assert Organisation.objects.filter(name="Analytical Engines Ltd").count() == 1
    # ...and a rejected row leaves no organisation behind.
    assert not Organisation.objects.filter(name="NASA").exists()


def test_reimporting_the_same_file_adds_nothing(segments):
    run_import(FIXTURE)
    before = Stakeholder.objects.count()
    code, out, _ = run_import(FIXTURE)
    assert Stakeholder.objects.count() == before
    assert "0 created, 0 updated, 4 unchanged" in out
    assert code == 1  # the bad rows are still bad


def test_a_changed_row_updates_the_stakeholder(segments, tmp_path):
    path = tmp_path / "one.csv"
    path.write_text("name,email,influence\nAda,ada@example.com,2\n", encoding="utf-8")
    assert run_import(path)[0] == 0
    path.write_text("name,email,influence\nAda,ada@example.com,4\n", encoding="utf-8")
    code, out, _ = run_import(path)
    assert code == 0 and "1 updated" in out
    assert Stakeholder.objects.get().influence == 4


def test_column_mapping_and_semicolon_dialect(workspace, tmp_path):
    path = tmp_path / "export.csv"
    path.write_text("Full name;Mail;Zone\nLin Wei;lin@example.com;Asia/Shanghai\n", encoding="utf-8-sig")
    code, out, err = run_import(path, "--map", "Full name=name", "--map", "Mail=email", "--map", "Zone=time_zone")
    assert code == 0, err
    person = Stakeholder.objects.get()
    assert (person.name, person.email, person.time_zone) == ("Lin Wei", "lin@example.com", "Asia/Shanghai")


def test_missing_file_is_a_clear_error(workspace):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="No such file"):
        run_import("/nonexistent/file.csv")
