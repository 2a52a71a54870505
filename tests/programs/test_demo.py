from heard.programs import demo, queries
from heard.programs.models import Program, TelemetryRecord


def test_demo_programs_pass_fail_and_wait_and_load_once(db):
    from heard import demo as whole_demo

    # The team and the stakeholder map are all the programs demo needs (the whole demo is slow).
    workspace = whole_demo._team()
    whole_demo._stakeholder_map(workspace)
    demo.load(workspace)
    suggestions = {p.name: queries.judge(None, p).suggestion for p in Program.objects.filter(product__workspace=workspace)}
    assert suggestions == {"Bank feed matching pilot": "go", "New invoice PDF layout beta": "no_go", "Offline sync pilot": "extend"}
    beta = Program.objects.get(name="New invoice PDF layout beta")
    broken = [v for v in queries.judge(None, beta).verdicts if v.status == "not_met"]
    assert [v.threshold.is_guardrail for v in broken] == [True]
    counts = (Program.objects.count(), TelemetryRecord.objects.count())
    demo.load(workspace)
    assert (Program.objects.count(), TelemetryRecord.objects.count()) == counts
