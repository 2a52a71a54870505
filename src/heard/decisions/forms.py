"""Page forms. They only shape the input; the actions check it (one place for the rules).

Several forms share the decision page, so each has its own ``auto_id`` prefix to keep every
label on its own field.
"""

from django import forms

from heard.participation import forms as participation

from .models import DecisionStatus, EvidenceKind, TieBreak


class DecisionForm(forms.Form):
    # Not required here: the action reports every bad field at once, in words a person can act on.
    question = forms.CharField(required=False, max_length=300, help_text="What must be decided, as a question.")
    context = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 4}), help_text="Background a reader needs.")
    criteria = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}), help_text="What a good answer must satisfy; one per line.")
    due_date = forms.CharField(required=False, label="Due date", widget=forms.DateInput(attrs={"type": "date"}))
    tie_break = forms.ChoiceField(choices=TieBreak.choices, initial=TieBreak.PRODUCT_OWNER, label="Tie-break rule", help_text="How a tie is broken.")
    touches_compliance = forms.BooleanField(required=False, label="Touches privacy, safety or legal duties (a regulator or compliance stakeholder should be heard)")
    confidential = forms.BooleanField(required=False, label="Confidential: team only, never shown in the stakeholder portal")
    open_for_comment = forms.BooleanField(required=False, label="Open for comment: stakeholders may comment from the portal")
    supersedes = forms.ChoiceField(required=False, label="Supersedes", help_text="The earlier decision this one replaces; it is marked superseded.")

    def __init__(self, *args, product, exclude=None, **kwargs):
        super().__init__(*args, **kwargs)
        qs = product.decisions.exclude(status=DecisionStatus.SUPERSEDED)
        if exclude is not None:
            qs = qs.exclude(pk=exclude.pk)
        self.fields["supersedes"].choices = [("", "— nothing —")] + [(str(d.pk), f"#{d.pk} {d.question} ({d.get_status_display().lower()})") for d in qs.order_by("-created_at")[:200]]

    def action_data(self) -> dict:
        return dict(self.cleaned_data)


class OptionForm(forms.Form):
    title = forms.CharField(max_length=200, label="Option")
    value = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}), help_text="What it is worth, and to whom.")
    cost = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
    risk = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}), help_text="What could go wrong.")
    notes = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "option_%s")
        super().__init__(*args, **kwargs)


class EvidenceForm(forms.Form):
    # Program results are linked from the program page, where their go / no-go is confirmed.
    kind = forms.ChoiceField(choices=[c for c in EvidenceKind.choices if c[0] != EvidenceKind.PROGRAM], label="Kind of evidence")
    ref = forms.CharField(label="Item", help_text="Type words to search, or its number; for a ticket also the help-desk id, for a backlog item its key (e.g. INV-142).")
    note = forms.CharField(required=False, label="Why it matters", widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "evidence_%s")
        super().__init__(*args, **kwargs)


class DecideForm(forms.Form):
    outcome = forms.ChoiceField(required=False, label="Chosen option", widget=forms.RadioSelect)
    rationale = forms.CharField(required=False, label="Rationale: because …", widget=forms.Textarea(attrs={"rows": 3}), help_text="Why this option; customers may read it, so write plainly.")

    def __init__(self, *args, decision, **kwargs):
        kwargs.setdefault("auto_id", "decide_%s")
        super().__init__(*args, **kwargs)
        self.fields["outcome"].choices = [(str(o.pk), o.title) for o in decision.options.all()]


class EscalateForm(forms.Form):
    forum = forms.ChoiceField(required=False, label="Escalation forum")
    reason = forms.CharField(required=False, label="Why escalate", widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, workspace, **kwargs):
        kwargs.setdefault("auto_id", "escalate_%s")
        super().__init__(*args, **kwargs)
        self.fields["forum"].choices = [("", "— choose —")] + [(str(f.pk), f"{f.name} (final authority: {f.final_authority.display_name})") for f in workspace.escalation_forums.select_related("final_authority")]


class CommentForm(participation.CommentForm):
    """As oneself, or typed in on behalf of any stakeholder of the workspace."""

    def __init__(self, *args, workspace, **kwargs):
        people = workspace.stakeholders.filter(erased_at__isnull=True).order_by("name").values_list("pk", "name")
        super().__init__(*args, stakeholders=list(people), **kwargs)


class ForumForm(forms.Form):
    name = forms.CharField(max_length=200)
    description = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
    final_authority = forms.ChoiceField(label="Final authority", help_text="The team member who settles escalated decisions.")
    members = forms.MultipleChoiceField(required=False, widget=forms.CheckboxSelectMultiple)
    deadline_days = forms.IntegerField(min_value=1, max_value=365, initial=10, label="Deadline (days after escalation)")

    def __init__(self, *args, workspace, **kwargs):
        super().__init__(*args, **kwargs)
        members = [(str(m.user_id), f"{m.user.display_name} ({m.get_role_display()})") for m in workspace.memberships.select_related("user").order_by("user__name", "user__email")]
        self.fields["final_authority"].choices = [("", "— choose —")] + members
        self.fields["members"].choices = members
