"""Decision pages: the list, one decision with its options, evidence, rights, flags and
disclosures; creating and editing; deciding, escalating and superseding; escalation forums."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from heard.core import inline, permissions
from heard.core.forms import save_or_show, submit
from heard.core.htmx import render_page
from heard.core.pagination import paginate
from heard.core.products import open_for_new
from heard.core.queries import scope
from heard.participation import subjects
from heard.participation import views as participation_views
from heard.themes.forms import link_to_theme_form

from . import actions, queries
from .forms import (
    CommentForm,
    DecideForm,
    DecisionForm,
    EscalateForm,
    EvidenceForm,
    ForumForm,
    OptionForm,
)
from .models import DecisionStatus


def _detail_url(ws, product, pk) -> str:
    return reverse("decisions:detail", kwargs={"ws": ws, "product": product, "pk": pk})


@login_required
def decision_list(request, ws, product):
    workspace, product_obj = scope(request.user, ws, product)
    status = request.GET.get("status", "").strip()
    status = status if status in DecisionStatus.values else ""
    q = request.GET.get("q", "").strip()
    page = paginate(queries.decisions(request.user, product_obj, status=status, q=q), request.GET.get("page"))
    return render_page(request, "decisions/list.html", {
        "workspace": workspace, "product": product_obj, "page": page, "status": status, "q": q,
        "statuses": DecisionStatus.choices, "products": workspace.products.active(),
        "can_edit": permissions.can(request.user, workspace, "decisions.edit"),
    }, partial="results")


def _form_page(request, workspace, product, form, decision=None, status=200):
    return render(request, "decisions/form.html", {"workspace": workspace, "product": product, "form": form, "decision": decision}, status=status)


@login_required
@open_for_new
def decision_create(request, ws, product):
    workspace, product_obj = scope(request.user, ws, product, "decisions.edit")
    initial = {"supersedes": request.GET.get("supersedes", "")}
    form = DecisionForm(request.POST if request.method == "POST" else None, product=product_obj, initial=initial)
    return save_or_show(
        request, form, lambda: actions.create_decision(actor=request.user, product=product_obj, data=form.action_data()),
        lambda status: _form_page(request, workspace, product_obj, form, status=status),
        message=lambda d: "Decision opened. Now add options, evidence and who holds which right.", to=lambda d: _detail_url(ws, product, d.pk),
    )


@login_required
def decision_edit(request, ws, product, pk):
    workspace, product_obj = scope(request.user, ws, product, "decisions.edit")
    decision = queries.get_decision(request.user, product_obj, pk)
    initial = {
        "question": decision.question, "context": decision.context, "criteria": "\n".join(decision.criteria),
        "due_date": decision.due_date.isoformat() if decision.due_date else "", "tie_break": decision.tie_break,
        "touches_compliance": decision.touches_compliance, "confidential": decision.confidential,
        "open_for_comment": decision.open_for_comment, "supersedes": str(decision.supersedes_id or ""),
    }
    form = DecisionForm(request.POST if request.method == "POST" else None, product=product_obj, exclude=decision, initial=initial)
    return save_or_show(
        request, form, lambda: actions.update_decision(actor=request.user, decision=decision, data=form.action_data()),
        lambda status: _form_page(request, workspace, product_obj, form, decision, status=status),
        message=lambda d: "Decision saved.", to=lambda d: _detail_url(ws, product, decision.pk),
    )


def _detail(request, workspace, product, decision, status=200, **forms):
    report = queries.decision_report(request.user, decision)
    forms.setdefault("option_form", OptionForm())
    forms.setdefault("evidence_form", EvidenceForm())
    forms.setdefault("participant_form", participation_views.participant_form(subjects.kind_named("decision"), workspace))
    forms.setdefault("decide_form", DecideForm(decision=decision))
    forms.setdefault("escalate_form", EscalateForm(workspace=workspace))
    forms.setdefault("comment_form", CommentForm(workspace=workspace))
    forms.setdefault("weigh_in_error", None)
    user = request.user
    can_edit = permissions.can(user, workspace, "decisions.edit")
    refusal = actions.decide_refusal(user, decision) if decision.is_open else None
    for p in report["participants"]:
        p.can_weigh_in = decision.is_open and (can_edit or p.user_id == user.pk)
    return render(request, "decisions/detail.html", {
        "workspace": workspace, "product": product, "decision": decision, **report,
        **participation_views.section_context(request, "decision", workspace, product, decision, participants=report["participants"], can_edit=can_edit and decision.is_open),
        "theme_links": queries.linked_themes(decision),
        "theme_link_form": link_to_theme_form(user, workspace, "decision", decision.pk),
        "can_edit": can_edit and decision.is_open,
        "can_decide": decision.is_open and refusal is None,
        # Someone whose role may decide but who does not hold this decision's right is told who does.
        "decide_note": refusal.message if refusal and permissions.can(user, workspace, "decisions.decide") else "",
        "can_escalate": can_edit and decision.status == DecisionStatus.OPEN,
        "can_supersede": can_edit and decision.status != DecisionStatus.SUPERSEDED,
        "can_comment": permissions.can(user, workspace, "feedback.record"),
        **forms,
    }, status=status)


INLINE_FIELDS = {"question": inline.Field(), "context": inline.Field(multiline=True, empty="No context written down yet.")}


@login_required
@require_POST
def decision_inline(request, ws, product, pk):
    """Save the question or the context edited in place on the decision's page (the edit
    page is the way without JavaScript)."""
    workspace, product_obj = scope(request.user, ws, product, "decisions.edit")
    decision = queries.get_decision(request.user, product_obj, pk)
    return inline.save_field(
        request, INLINE_FIELDS,
        lambda field, value: actions.update_decision(actor=request.user, decision=decision, data={field: value}),
        lambda: queries.get_decision(request.user, product_obj, pk),
    )


@login_required
def decision_detail(request, ws, product, pk):
    workspace, product_obj = scope(request.user, ws, product)
    return _detail(request, workspace, product_obj, queries.get_decision(request.user, product_obj, pk))


def _load(request, ws, product, pk, capability):
    workspace, product_obj = scope(request.user, ws, product, capability)
    return workspace, product_obj, queries.get_decision(request.user, product_obj, pk)


def register_participation_pages() -> None:
    """How the shared participation views find, show and word a decision's page."""
    participation_views.register_pages("decision", participation_views.Pages(
        load=_load, render=_detail, namespace="decisions", delete=(actions.delete_decision, "decision"),
        comment_form=lambda data, workspace, decision: CommentForm(data, workspace=workspace),
        parts={
            "options": (queries.get_option, actions.remove_option, "option"),
            "evidence": (queries.get_evidence, actions.remove_evidence, "evidence"),
        },
        wording={
            "heading": "Participants and decision rights", "caption": "Who decides, advises, contributes or is informed, and their advice",
            "right": "Right", "nobody": "No one has a decision right yet.", "add": "Add a person", "add_button": "Add person", "comments": "Comments",
        },
    ))


def _form_view(capability, form_name, make_form, do, success):
    return participation_views.form_view("decision", capability, form_name, make_form, do, success)


option_add = _form_view(
    "decisions.edit", "option_form", lambda data, w, p, d: OptionForm(data),
    lambda actor, form, d: actions.add_option(actor=actor, decision=d, data=form.cleaned_data), lambda o: f"Option “{o.title}” added.",
)


evidence_add = _form_view(
    "decisions.edit", "evidence_form", lambda data, w, p, d: EvidenceForm(data),
    lambda actor, form, d: actions.add_evidence(actor=actor, decision=d, **form.cleaned_data), lambda e: f"Linked {e.get_kind_display().lower()} “{e.target}” as evidence.",
)


decide = _form_view(
    "workspace.view", "decide_form", lambda data, w, p, d: DecideForm(data, decision=d),
    lambda actor, form, d: actions.decide(actor=actor, decision=d, **form.cleaned_data), lambda d: f"Decided: {d.outcome.title}.",
)


escalate = _form_view(
    "decisions.edit", "escalate_form", lambda data, w, p, d: EscalateForm(data, workspace=w),
    lambda actor, form, d: actions.escalate(actor=actor, decision=d, **form.cleaned_data), lambda d: f"Escalated to {d.forum.name}; due by {d.escalation_deadline:%d %b %Y}.",
)


@login_required
def supersede(request, ws, product, pk):
    """Open the replacing decision (pre-filled), then the old one is marked superseded."""
    workspace, product_obj = scope(request.user, ws, product, "decisions.edit")
    decision = queries.get_decision(request.user, product_obj, pk)
    url = reverse("decisions:create", kwargs={"ws": ws, "product": product})
    return redirect(f"{url}?supersedes={decision.pk}")


# ---------------------------------------------------------------- escalation forums

@login_required
def forum_list(request, ws, product):
    workspace, product_obj = scope(request.user, ws, product)
    items = list(queries.forums(request.user, workspace))
    for forum in items:
        forum.waiting = list(queries.forum_decisions(request.user, forum))
    return render(request, "decisions/forums.html", {
        "workspace": workspace, "product": product_obj, "forums": items,
        "can_manage": permissions.can(request.user, workspace, "decisions.decide"),
    })


@login_required
def forum_edit(request, ws, product, forum_pk=None):
    workspace, product_obj = scope(request.user, ws, product, "decisions.decide")
    forum = queries.get_forum(request.user, workspace, forum_pk) if forum_pk else None
    initial = {}
    if forum:
        initial = {"name": forum.name, "description": forum.description, "final_authority": str(forum.final_authority_id),
                   "members": [str(m.pk) for m in forum.members.all()], "deadline_days": forum.deadline_days}
    form = ForumForm(request.POST if request.method == "POST" else None, workspace=workspace, initial=initial)
    if request.method == "POST":
        if forum:
            done = submit(form, lambda: actions.update_forum(actor=request.user, forum=forum, data=form.cleaned_data))
        else:
            done = submit(form, lambda: actions.create_forum(actor=request.user, workspace=workspace, data=form.cleaned_data))
        if done:
            messages.success(request, f"Saved the forum “{done.name}”.")
            return redirect("decisions:forums", ws=ws, product=product)
    return render(request, "decisions/forum_form.html", {"workspace": workspace, "product": product_obj, "form": form, "forum": forum},
                  status=400 if form.is_bound and form.errors else 200)

