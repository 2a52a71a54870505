"""Forms only shape the input; actions.py holds the rules and names the field at fault."""

from django import forms

from .models import Comparison, Direction, ProgramKind, Recommendation, Statistic


class _Form(forms.Form):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class ProgramForm(_Form):
    name = forms.CharField(label="Name", max_length=200, error_messages={"required": "Name the program, e.g. “Faster invoice export pilot”."})
    kind = forms.ChoiceField(label="Kind", choices=ProgramKind.choices, initial=ProgramKind.PILOT)
    description = forms.CharField(label="What it tries (optional)", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    starts_on = forms.CharField(label="Starts on", widget=forms.DateInput(attrs={"type": "date"}),
                                error_messages={"required": "Give the first day (YYYY-MM-DD)."})
    ends_on = forms.CharField(label="Ends on", widget=forms.DateInput(attrs={"type": "date"}),
                              error_messages={"required": "Give the last day (YYYY-MM-DD)."})
    who_may_pause = forms.CharField(label="Who may pause it", required=False, widget=forms.Textarea(attrs={"rows": 2}),
                                    help_text="A safeguard: who may stop the program at once if it harms participants.")
    how_to_leave = forms.CharField(label="How participants leave", required=False, widget=forms.Textarea(attrs={"rows": 2}),
                                   help_text="What a participant does to leave, and what happens to their data.")
    backlog_items = forms.CharField(label="Backlog items (optional)", required=False,
                                    help_text="Their keys or numbers, separated by commas, e.g. INV-142, 31.")


class CohortForm(_Form):
    name = forms.CharField(label="Cohort name", max_length=120, error_messages={"required": "Name the cohort, e.g. “Early adopters”."})
    rollout_share = forms.CharField(label="Rollout share (%)", required=False, initial="0",
                                    help_text="Share of the segments' users who get the change, 0 to 100.")
    segments = forms.MultipleChoiceField(label="Segments", required=False, widget=forms.CheckboxSelectMultiple)
    is_control = forms.BooleanField(label="Control cohort (does not get the change)", required=False)

    def __init__(self, *args, segments=(), **kwargs):
        kwargs.setdefault("auto_id", "cohort_%s")
        super().__init__(*args, **kwargs)
        self.fields["segments"].choices = [(s.slug, s.name) for s in segments]


class ParticipantForm(_Form):
    cohort = forms.ChoiceField(label="Cohort")
    stakeholder = forms.ChoiceField(label="Stakeholder", help_text="Only people who consented to telemetry can take part.")

    def __init__(self, *args, cohorts=(), people=(), **kwargs):
        kwargs.setdefault("auto_id", "participant_%s")
        super().__init__(*args, **kwargs)
        self.fields["cohort"].choices = [(c.pk, str(c)) for c in cohorts]
        self.fields["stakeholder"].choices = [("", "Choose a person")] + [(p.pk, f"{p.name} ({p.email})" if p.email else p.name) for p in people]


class ThresholdForm(_Form):
    name = forms.CharField(label="Name", max_length=200, error_messages={"required": "Name the threshold, e.g. “Task completion”."})
    is_guardrail = forms.BooleanField(label="Guardrail (must not get worse)", required=False)
    metric = forms.CharField(label="Metric", max_length=60, help_text="As named in the telemetry, e.g. error, task_completed, latency_ms.",
                             error_messages={"required": "Name the metric as the telemetry calls it."})
    statistic = forms.ChoiceField(label="Statistic", choices=Statistic.choices)
    comparison = forms.ChoiceField(label="Compared with", choices=Comparison.choices)
    direction = forms.ChoiceField(label="Direction", choices=Direction.choices)
    limit = forms.CharField(label="Limit", help_text="For a rate in percent (80 = 80 %); for a comparison the allowed difference (2 = 2 points).",
                            error_messages={"required": "Give the limit, e.g. 80."})
    baseline_starts_on = forms.CharField(label="Baseline from (for a baseline comparison)", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    baseline_ends_on = forms.CharField(label="Baseline to", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    minimum_sample = forms.CharField(label="Minimum sample", initial="100", help_text="Observations needed in each group before a verdict.")

    def __init__(self, *args, locked=False, **kwargs):
        kwargs.setdefault("auto_id", "threshold_%s")
        super().__init__(*args, **kwargs)
        if locked:
            self.fields["reason"] = forms.CharField(
                label="Why it changes after the start", widget=forms.Textarea(attrs={"rows": 2}),
                help_text="The program is running, so its thresholds are locked: this change is recorded and shown with your name.",
                error_messages={"required": "Say why the threshold changes after the start."},
            )


class TelemetryImportForm(_Form):
    file = forms.FileField(label="Telemetry file", help_text="CSV or NDJSON (.ndjson, .jsonl), events or daily aggregates; see the guide for the columns.",
                           error_messages={"required": "Choose a file to import."})


class OutcomeForm(_Form):
    recommendation = forms.ChoiceField(label="Go / no-go", choices=Recommendation.choices, widget=forms.RadioSelect)
    message = forms.CharField(label="What participants are told (optional)", required=False, widget=forms.Textarea(attrs={"rows": 2}),
                              help_text="Shown in their closure note, e.g. “we will roll out to everyone in March”.")
    decision = forms.ChoiceField(label="Evidence on the decision", required=False)

    def __init__(self, *args, decisions=(), **kwargs):
        kwargs.setdefault("auto_id", "outcome_%s")
        super().__init__(*args, **kwargs)
        self.fields["decision"].choices = [("", "Open a new decision: roll it out to everyone?")] + [(d.pk, d.question[:120]) for d in decisions]
