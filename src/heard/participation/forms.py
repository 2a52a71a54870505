"""Page forms for taking part. They only shape the input; the actions check it."""

from django import forms

from .models import Right


def _stakeholder_label(s) -> str:
    return f"{s.name} ({s.get_kind_display()}{', ' + s.organisation.name if s.organisation else ''})"


class ParticipantForm(forms.Form):
    stakeholder = forms.ChoiceField(required=False, help_text="A customer or other stakeholder…")
    user = forms.ChoiceField(required=False, label="Team member", help_text="…or a team member.")
    right = forms.ChoiceField(choices=Right.choices, initial=Right.CONTRIBUTES, label="Decision right")
    required = forms.BooleanField(required=False, label="Required adviser: the decision waits for their advice")

    def __init__(self, *args, workspace, advice: bool = False, **kwargs):
        # Several forms share a detail page; distinct ids keep each label on its field.
        kwargs.setdefault("auto_id", "participant_%s")
        super().__init__(*args, **kwargs)
        people = workspace.stakeholders.filter(erased_at__isnull=True).select_related("organisation").order_by("name")
        self.fields["stakeholder"].choices = [("", "— none —")] + [(str(s.pk), _stakeholder_label(s)) for s in people]
        members = workspace.memberships.select_related("user").order_by("user__name", "user__email")
        self.fields["user"].choices = [("", "— none —")] + [(str(m.user_id), f"{m.user.display_name} ({m.get_role_display()})") for m in members]
        if advice:
            # Where advice is asked for, people are mostly added to give it.
            self.fields["right"].initial = Right.ADVISES
        else:
            del self.fields["required"]


class CommentForm(forms.Form):
    """``stakeholders``: (id, name) of whom a team member may type in a comment for;
    ``parts``: {field: (label, choices)} for what the comment may be about."""

    body = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), label="Comment")
    stakeholder = forms.ChoiceField(required=False, label="On behalf of", help_text="Leave empty to comment as yourself.")

    def __init__(self, *args, stakeholders, myself: str = "— myself —", parts: dict | None = None, **kwargs):
        kwargs.setdefault("auto_id", "comment_%s")
        super().__init__(*args, **kwargs)
        self.fields["stakeholder"].choices = [("", myself)] + [(str(pk), name) for pk, name in stakeholders]
        for name, (label, choices) in (parts or {}).items():
            self.fields[name] = forms.ChoiceField(required=False, label=label, choices=choices)
            self.order_fields(["body", *parts, "stakeholder"])
