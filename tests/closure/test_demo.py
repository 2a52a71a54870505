from heard.closure import demo
from heard.closure.models import ClosureCycle, ClosureNote, EnablementDelivery, ProductShare


def test_demo_closure_loads_once_with_reviewed_and_sent_notes(db):
    from io import StringIO

    from django.core.management import call_command

    call_command("demo", stdout=StringIO())
    from heard.core.models import Workspace

    workspace = Workspace.objects.get(slug="demo")
    from heard.health.demo import EARLIER_CYCLE

    # health's demo adds one earlier, closed cycle (a history for closure coverage).
    counts = (ClosureCycle.objects.exclude(name=EARLIER_CYCLE).count(), ClosureNote.objects.count(), ProductShare.objects.count(), EnablementDelivery.objects.count())
    assert counts[0] == 2 and counts[1] > 10 and counts[2] == 4
    statuses = set(ClosureNote.objects.values_list("status", flat=True))
    assert {"draft", "reviewed"} <= statuses and statuses & {"sent", "skipped"}
    demo.load(workspace)
    assert (ClosureCycle.objects.exclude(name=EARLIER_CYCLE).count(), ClosureNote.objects.count(), ProductShare.objects.count(), EnablementDelivery.objects.count()) == counts
