"""Page forms. They only shape the input; the actions check it (one place for the rules)."""

from django import forms

from .models import TicketSource

FORMAT_CHOICES = [("", "Tell from the file")] + list(TicketSource.choices)


class TicketImportForm(forms.Form):
    file = forms.FileField(
        label="Export file",
        help_text="A Zendesk JSON export (or incremental NDJSON), a Freshdesk, Intercom or Jira Service Management CSV export, or a plain CSV / NDJSON file. UTF-8; .gz is fine.",
    )
    format = forms.ChoiceField(choices=FORMAT_CHOICES, required=False, label="Format")
    mapping = forms.CharField(
        required=False, label="Column mapping",
        widget=forms.Textarea(attrs={"rows": 3, "spellcheck": "false"}),
        help_text="Only for files whose columns heard does not recognise: one per line, COLUMN=FIELD, e.g. “Case number=external_id”. "
        "Fields: external_id, subject, body, status, priority, tags, created_at, updated_at, solved_at, closed_at, requester_email, requester_name.",
    )


class TicketFilterForm(forms.Form):
    q = forms.CharField(required=False, label="Search")
    status = forms.CharField(required=False)
    source = forms.ChoiceField(choices=[("", "Any source")] + list(TicketSource.choices), required=False)
    tag = forms.CharField(required=False)
    since = forms.DateField(required=False, label="Created from", widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(required=False, label="Created until", widget=forms.DateInput(attrs={"type": "date"}))
