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


class FeedbackLinkForm(forms.Form):
    """Link a feedback item to this backlog item (or one of its criteria) from the item's page."""

    feedback = forms.CharField(label="Feedback", help_text="Type words to search, or its number.")
    criterion = forms.ChoiceField(required=False, label="Bears on", help_text="The whole item, or one acceptance criterion.")
    weight = forms.TypedChoiceField(coerce=int, initial=2, choices=[(1, "1 — touches it"), (2, "2 — shapes it"), (3, "3 — drives it")],
                                    help_text="How strongly this feedback bears on it.")

    def __init__(self, *args, item, **kwargs):
        kwargs.setdefault("auto_id", "link_%s")
        super().__init__(*args, **kwargs)
        self.fields["criterion"].choices = [("", "The whole item")] + [(str(c.pk), c.text[:90]) for c in item.criteria.all()]


class ImportForm(forms.Form):
    file = forms.FileField(label="CSV file", help_text="heard's columns (title, external_key, status, increment, description), or a Jira or GitHub issue export.")
