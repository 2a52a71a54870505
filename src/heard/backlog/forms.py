from django import forms

from .models import BacklogStatus, CriterionStatus


class BacklogItemForm(forms.Form):
    title = forms.CharField(max_length=300)
    description = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 4}))
    status = forms.ChoiceField(choices=BacklogStatus.choices, initial=BacklogStatus.IDEA)
    increment = forms.CharField(required=False, help_text="The release or sprint it is planned for, e.g. 2026.2.")
    external_key = forms.CharField(required=False, label="Jira or GitHub key", help_text="E.g. INV-142 or #381.")


class CriterionForm(forms.Form):
    text = forms.CharField(label="Acceptance criterion", widget=forms.Textarea(attrs={"rows": 2}),
                           help_text="In plain behavioural terms: “When …, then …”, words the customer would recognise.")
    status = forms.ChoiceField(choices=CriterionStatus.choices, initial=CriterionStatus.DRAFT)
    co_writers = forms.MultipleChoiceField(required=False, label="Co-written with", widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, workspace, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["co_writers"].choices = [(str(p.pk), p.name) for p in workspace.stakeholders.filter(erased_at__isnull=True).order_by("name")]


class ImportForm(forms.Form):
    file = forms.FileField(label="CSV file", help_text="heard's columns (title, external_key, status, increment, description), or a Jira or GitHub issue export.")
