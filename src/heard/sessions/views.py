"""Session pages: a calendar-like list, the plan of one session, editing, publishing,
the calendar downloads, the engagement model, the glossary and the note-taking page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from heard.core import inline, permissions
from heard.core.errors import HeardError
from heard.core.forms import save_or_show, submit
from heard.core.htmx import render_page
from heard.core.products import open_for_new
from heard.core.queries import scope
from heard.core.validation import time_zones
from heard.participation import subjects
from heard.participation import views as participation_views

from . import actions, calendar, notes, queries
from .forms import (
    AgendaItemForm,
    CommentForm,
    EngagementForm,
    GlossaryForm,
    NoteForm,
    ObjectiveForm,
    PreReadForm,
    SessionForm,
    local_input,
)
from .models import Channel


def _reader_tz(request) -> str:
    return getattr(request.user, "time_zone", "") or "UTC"


def _detail_url(ws, product, pk) -> str:
    return reverse("sessions:detail", kwargs={"ws": ws, "product": product, "pk": pk})


@login_required
def session_list(request, ws, product):
    workspace, product_obj = scope(request.user, ws, product)
    when = request.GET.get("when", "upcoming")
    upcoming = {"upcoming": True, "past": False}.get(when)
    channel = request.GET.get("channel", "").strip()
    items = list(queries.sessions(request.user, product_obj, upcoming=upcoming, channel=channel if channel in Channel.values else ""))
    engagement = queries.engagement_model(request.user, product_obj)
    for s in items:
        s.flags = queries.session_flags(s, engagement)
    return render_page(request, "sessions/list.html", {
        "workspace": workspace, "product": product_obj, "weeks": queries.by_week(items, _reader_tz(request)),
        "when": when, "channel": channel, "channels": Channel.choices, "reader_tz": _reader_tz(request),
        "can_edit": permissions.can(request.user, workspace, "sessions.edit"), "total": len(items),
    }, partial="results")


def _session_form_page(request, workspace, product, form, session=None, status=200):
    return render(request, "sessions/form.html", {
        "workspace": workspace, "product": product, "form": form, "session": session, "time_zones": sorted(time_zones()),
    }, status=status)


@login_required
@open_for_new
def session_create(request, ws, product):
    workspace, product_obj = scope(request.user, ws, product, "sessions.edit")
    initial = {"time_zone": _reader_tz(request), "channel": request.GET.get("channel", Channel.DEMO)}
    form = SessionForm(request.POST or None, initial=initial)
    return save_or_show(
        request, form, lambda: actions.create_session(actor=request.user, product=product_obj, data=form.action_data()),
        lambda status: _session_form_page(request, workspace, product_obj, form, status=status),
        message=lambda s: f"Planned “{s.title}”. Now add objectives, an agenda and participants.", to=lambda s: _detail_url(ws, product, s.pk),
    )


@login_required
def session_edit(request, ws, product, pk):
    workspace, product_obj = scope(request.user, ws, product, "sessions.edit")
    session = queries.get_session(request.user, product_obj, pk)
    initial = {
        "title": session.title, "channel": session.channel, "mode": session.mode, "time_zone": session.time_zone,
        "starts_at": local_input(session.starts_at, session.time_zone), "ends_at": local_input(session.ends_at, session.time_zone),
        "confidentiality": session.confidentiality, "location": session.location, "description": session.description,
        "recording_url": session.recording_url, "captions_url": session.captions_url,
    }
    form = SessionForm(request.POST or None, initial=initial)
    return save_or_show(
        request, form, lambda: actions.update_session(actor=request.user, session=session, data=form.action_data()),
        lambda status: _session_form_page(request, workspace, product_obj, form, session, status=status),
        message=lambda s: f"Saved “{session.title}”.", to=lambda s: _detail_url(ws, product, session.pk),
    )


def _detail(request, workspace, product, session, status=200, **forms):
    engagement = queries.engagement_model(request.user, product)
    flags = queries.session_flags(session, engagement)
    can_edit = permissions.can(request.user, workspace, "sessions.edit")
    forms.setdefault("objective_form", ObjectiveForm(product=product))
    forms.setdefault("agenda_form", AgendaItemForm(session=session))
    forms.setdefault("participant_form", participation_views.participant_form(subjects.kind_named("session"), workspace))
    forms.setdefault("pre_read_form", PreReadForm())
    forms.setdefault("comment_form", CommentForm(session=session))
    participants = list(session.participants.all())
    by_target = queries.flags_by_target(flags)
    for p in participants:
        p.notes = ["Over the invitation cap" for _ in by_target.get(f"participant:{p.pk}", [])]
    agenda = list(session.agenda_items.all())
    objectives = list(session.objectives.all())
    # Ids and hidden labels of the fields edited in place stay unique across the list.
    for n, o in enumerate(objectives, 1):
        o.inline_key, o.inline_what = f"objective-{o.pk}-", f"objective {n}"
    for n, i in enumerate(agenda, 1):
        i.inline_key, i.inline_what = f"agenda-{i.pk}-", f"agenda item {n}"
    return render(request, "sessions/detail.html", {
        "workspace": workspace, "product": product, "session": session, "engagement": engagement,
        "flags": flags,
        "objectives": objectives, "agenda": agenda, "agenda_minutes": sum(i.timebox_minutes for i in agenda),
        "pre_reads": session.pre_reads.all(),
        "late_pre_reads": queries.late_pre_read_ids(session, engagement), "reader_tz": _reader_tz(request),
        "plain_language": queries.plain_language_report(session) if can_edit and not session.is_published else None,
        "can_edit": can_edit, "can_comment": permissions.can(request.user, workspace, "feedback.record"),
        **participation_views.section_context(
            request, "session", workspace, product, session, participants=participants, can_edit=can_edit,
            wording={"add_help": f"At most {engagement.invitations_per_quarter} invitations per stakeholder per quarter; more warns."},
        ),
        **forms,
    }, status=status)


@login_required
def session_detail(request, ws, product, pk):
    workspace, product_obj = scope(request.user, ws, product)
    session = queries.get_session(request.user, product_obj, pk)
    return _detail(request, workspace, product_obj, session)


SESSION_INLINE = {"title": inline.Field(), "description": inline.Field(multiline=True, empty="No description yet.")}


@login_required
@require_POST
def session_inline(request, ws, product, pk):
    """Save the title or the description edited in place (the edit page is the way without JavaScript)."""
    workspace, product_obj, session = _load(request, ws, product, pk, "sessions.edit")
    return inline.save_field(
        request, SESSION_INLINE,
        lambda field, value: actions.update_session(actor=request.user, session=session, data={field: value}),
        lambda: queries.get_session(request.user, product_obj, pk),
    )


# The parts of a session edited in place or on their own small page: objectives and agenda items.
# kind -> (reader, form, the form's initial values, update action, what it is called, inline fields)
def _objective_initial(o):
    return {"question": o.question, "evidence_needed": o.evidence_needed, "outcome_kind": o.outcome_kind, "decision": str(o.decision_id or "")}


def _agenda_initial(i):
    return {"title": i.title, "timebox_minutes": i.timebox_minutes, "objective": str(i.objective_id or ""), "decision": str(i.decision_id or "")}


EDITABLE_PARTS = {
    "objectives": (
        queries.get_objective, lambda data, session: ObjectiveForm(data, product=session.product), _objective_initial,
        lambda actor, part, data: actions.update_objective(actor=actor, objective=part, data=data), "objective",
        {"question": inline.Field(), "evidence_needed": inline.Field(multiline=True, empty="No evidence named.")},
    ),
    "agenda": (
        queries.get_agenda_item, lambda data, session: AgendaItemForm(data, session=session), _agenda_initial,
        lambda actor, part, data: actions.update_agenda_item(actor=actor, item=part, data=data), "agenda item",
        {"title": inline.Field(), "timebox_minutes": inline.Field()},
    ),
}


@login_required
def part_edit(request, ws, product, pk, kind, part_pk):
    """Edit an objective or an agenda item on a page of its own: what the pencil on the
    session page opens without JavaScript (with it, the fields are edited in place)."""
    workspace, product_obj, session = _load(request, ws, product, pk, "sessions.edit")
    get, make_form, initial, update, noun, _ = EDITABLE_PARTS[kind]
    part = get(request.user, session, part_pk)
    form = make_form(request.POST if request.method == "POST" else None, session)
    form.initial = initial(part)
    if request.method == "POST":
        if submit(form, lambda: update(request.user, part, form.cleaned_data)):
            messages.success(request, f"Saved the {noun}.")
            return redirect(f"{_detail_url(ws, product, pk)}#{'objective' if kind == 'objectives' else 'agenda-item'}-{part.pk}")
    return render(request, "sessions/part_form.html", {
        "workspace": workspace, "product": product_obj, "session": session, "form": form, "noun": noun,
    }, status=400 if form.errors else 200)


@login_required
@require_POST
def part_inline(request, ws, product, pk, kind, part_pk):
    """Save one field of an objective or an agenda item edited in place on the session page."""
    workspace, product_obj, session = _load(request, ws, product, pk, "sessions.edit")
    get, _, _, update, _, fields = EDITABLE_PARTS[kind]
    part = get(request.user, session, part_pk)
    return inline.save_field(
        request, fields, lambda field, value: update(request.user, part, {field: value}),
        lambda: get(request.user, session, part_pk),
    )


def _load(request, ws, product, pk, capability):
    workspace, product_obj = scope(request.user, ws, product, capability)
    return workspace, product_obj, queries.get_session(request.user, product_obj, pk)


def register_participation_pages() -> None:
    """How the shared participation views find, show and word a session's page."""
    participation_views.register_pages("session", participation_views.Pages(
        load=_load, render=_detail, namespace="sessions", delete=(actions.delete_session, "session"), reader_time=True,
        comment_form=lambda data, workspace, session: CommentForm(data, session=session),
        about=lambda c: f"“{c.pre_read.title}”" if c.pre_read_id else "the session",
        parts={
            "objectives": (queries.get_objective, actions.remove_objective, "objective"),
            "agenda": (queries.get_agenda_item, actions.remove_agenda_item, "item"),
            "pre-reads": (queries.get_pre_read, actions.remove_pre_read, "pre_read"),
        },
        wording={
            "heading": "Participants", "caption": "Participants, their decision rights and attendance", "right": "Decision right",
            "nobody": "No one invited yet.", "add": "Invite someone", "add_button": "Invite", "comments": "Written comments",
        },
    ))


def _form_view(capability, form_name, make_form, do, success):
    return participation_views.form_view("session", capability, form_name, make_form, do, success)


objective_add = _form_view(
    "sessions.edit", "objective_form", lambda data, w, p, s: ObjectiveForm(data, product=p),
    lambda actor, form, s: actions.add_objective(actor=actor, session=s, data=form.cleaned_data), lambda o: "Objective added.",
)


agenda_add = _form_view(
    "sessions.edit", "agenda_form", lambda data, w, p, s: AgendaItemForm(data, session=s),
    lambda actor, form, s: actions.add_agenda_item(actor=actor, session=s, data=form.cleaned_data), lambda i: f"Agenda item “{i.title}” added.",
)


pre_read_add = _form_view(
    "sessions.edit", "pre_read_form", lambda data, w, p, s: PreReadForm(data),
    lambda actor, form, s: actions.add_pre_read(actor=actor, session=s, data=form.cleaned_data), lambda r: f"Pre-read “{r.title}” added.",
)


@login_required
@require_POST
def pre_read_share(request, ws, product, pk, part_pk):
    workspace, product_obj = scope(request.user, ws, product, "sessions.edit")
    session = queries.get_session(request.user, product_obj, pk)
    pre_read = queries.get_pre_read(request.user, session, part_pk)
    actions.share_pre_read(actor=request.user, pre_read=pre_read)
    messages.success(request, f"Recorded that “{pre_read.title}” was shared now.")
    return redirect(_detail_url(ws, product, pk))


@login_required
def publish(request, ws, product, pk):
    """Before a session goes out: its flags and the plain-language check, then confirm."""
    workspace, product_obj = scope(request.user, ws, product, "sessions.edit")
    session = queries.get_session(request.user, product_obj, pk)
    if request.method == "POST":
        try:
            actions.publish_session(actor=request.user, session=session)
        except HeardError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, f"Published “{session.title}”.")
        return redirect(_detail_url(ws, product, pk))
    return render(request, "sessions/publish.html", {
        "workspace": workspace, "product": product_obj, "session": session,
        "flags": queries.session_flags(session), "plain_language": queries.plain_language_report(session),
    })


@login_required
def session_ics(request, ws, product, pk):
    workspace, product_obj = scope(request.user, ws, product)
    session = queries.get_session(request.user, product_obj, pk)
    body = calendar.session_calendar(session, base_url=request.build_absolute_uri("/"))
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="session-{session.pk}.ics"'
    return response


def feed(request, ws, product, token):
    """The product's subscribable calendar. No login: calendar clients cannot log in, so the
    secret link is the credential (reset it on the engagement page if it leaks)."""
    product_obj = queries.product_for_feed(token)
    if product_obj.slug != product or product_obj.workspace.slug != ws:
        raise HeardError("not_found", "This calendar feed does not exist or its link was reset.")
    body = calendar.product_calendar(product_obj, base_url=request.build_absolute_uri("/"))
    return HttpResponse(body, content_type="text/calendar; charset=utf-8")


@login_required
def engagement(request, ws, product):
    workspace, product_obj = scope(request.user, ws, product)
    can_edit = permissions.can(request.user, workspace, "sessions.edit")
    model = queries.engagement_model(request.user, product_obj)
    initial = {
        "pre_read_lead_days": model.pre_read_lead_days, "default_confidentiality": model.default_confidentiality,
        "input_consideration_days": model.input_consideration_days, "invitations_per_quarter": model.invitations_per_quarter,
        **{f"cadence_{k}": v for k, v in model.cadence.items()},
    }
    form = EngagementForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        permissions.require(request.user, workspace, "sessions.edit")
        if submit(form, lambda: actions.update_engagement_model(actor=request.user, product=product_obj, data=form.action_data())):
            messages.success(request, "Engagement model saved.")
            return redirect("sessions:engagement", ws=ws, product=product)
        status = 400
    feed_url = request.build_absolute_uri(reverse("sessions:feed", kwargs={"ws": ws, "product": product, "token": model.feed_token})) if model.feed_token else ""
    return render(request, "sessions/engagement.html", {
        "workspace": workspace, "product": product_obj, "form": form, "model": model, "can_edit": can_edit,
        "cadence": queries.cadence_status(request.user, product_obj), "feed_url": feed_url,
    }, status=status)


@login_required
@require_POST
def feed_reset(request, ws, product):
    workspace, product_obj = scope(request.user, ws, product, "sessions.edit")
    enabled = request.POST.get("enabled", "1") == "1"
    actions.set_calendar_feed(actor=request.user, product=product_obj, enabled=enabled)
    messages.success(request, "New calendar link made; the old one no longer works." if enabled else "Calendar feed turned off.")
    return redirect("sessions:engagement", ws=ws, product=product)


@login_required
def glossary(request, ws, product):
    workspace, product_obj = scope(request.user, ws, product)
    can_edit = permissions.can(request.user, workspace, "glossary.edit")
    form = GlossaryForm(request.POST or None)
    status = 200
    if request.method == "POST":
        permissions.require(request.user, workspace, "glossary.edit")
        entry = submit(form, lambda: actions.set_glossary_term(actor=request.user, workspace=workspace, **form.cleaned_data))
        if entry:
            messages.success(request, f"Saved “{entry.term}”.")
            return redirect("sessions:glossary", ws=ws, product=product)
        status = 400
    from heard.core.plain_language import JARGON

    return render(request, "sessions/glossary.html", {
        "workspace": workspace, "product": product_obj, "form": form, "can_edit": can_edit,
        "terms": queries.glossary(request.user, workspace), "built_in": sorted(JARGON.items()),
    }, status=status)


@login_required
@require_POST
def glossary_delete(request, ws, product, term_pk):
    workspace, product_obj = scope(request.user, ws, product, "glossary.edit")
    entry = queries.get_glossary_term(request.user, workspace, term_pk)
    actions.delete_glossary_term(actor=request.user, entry=entry)
    messages.success(request, f"Removed “{entry.term}”.")
    return redirect("sessions:glossary", ws=ws, product=product)


@login_required
def session_notes(request, ws, product, pk):
    """Record feedback said in the session, one item after another, from the keyboard."""
    workspace, product_obj = scope(request.user, ws, product)
    session = queries.get_session(request.user, product_obj, pk)
    can_record = permissions.can(request.user, workspace, "feedback.record")
    speaker = request.GET.get("speaker", "")
    form = NoteForm(request.POST or None, session=session, initial={"stakeholder": speaker})
    status = 200
    if request.method == "POST":
        permissions.require(request.user, workspace, "feedback.record")
        item = submit(form, lambda: notes.record_note(actor=request.user, session=session, **form.cleaned_data))
        if item:
            messages.success(request, "Noted.")
            url = reverse("sessions:notes", kwargs={"ws": ws, "product": product, "pk": pk})
            return redirect(f"{url}?speaker={form.cleaned_data.get('stakeholder') or ''}#note-form")
        status = 400
    return render(request, "sessions/notes.html", {
        "workspace": workspace, "product": product_obj, "session": session, "form": form, "can_record": can_record,
        "items": notes.notes_of(request.user, session), "available": notes.available(), "reader_tz": _reader_tz(request),
    }, status=status)

