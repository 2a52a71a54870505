"""The page side of taking part, shared by every kind: the participants and comments
sections of a detail page, and the forms posted from them (invite, weigh in, attendance,
comment). A kind's detail page registers how it is found and shown (``register_pages``);
its urls.py mounts these views with ``participation.urls.patterns(kind)``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from heard.core.errors import HeardError
from heard.core.forms import submit

from . import actions, queries
from .forms import ParticipantForm
from .subjects import SubjectKind, kind_named


@dataclass(frozen=True)
class Pages:
    """How a kind's detail page is found, shown and worded.

    ``load(request, ws, product, pk, capability)`` -> (workspace, product, subject);
    ``render(request, workspace, product, subject, status=..., **forms)`` shows the page again
    (with the form that failed); ``namespace`` is the kind's URL namespace;
    ``comment_form(data, workspace, subject)`` builds its comment form; ``wording`` the words of
    the sections (see _participants.html and _comments.html).
    """

    load: Callable
    render: Callable
    namespace: str
    comment_form: Callable
    wording: dict = field(default_factory=dict)
    # What a comment is about, shown after its author ("on “Summary”"); None for no parts.
    about: Callable | None = None
    # Whether comment times are shown in the reader's zone (with a note saying so).
    reader_time: bool = False
    # Other parts of the thing its page removes: {url word: (get(actor, subject, pk), remove, keyword)}.
    parts: dict = field(default_factory=dict)
    # How the thing itself is deleted, from its page: (the delete action, its keyword).
    delete: tuple | None = None


PAGES: dict[str, Pages] = {}


def register_pages(kind: str, pages: Pages) -> None:
    PAGES[kind] = pages


def detail_url(pages: Pages, ws, product, pk) -> str:
    return reverse(f"{pages.namespace}:detail", kwargs={"ws": ws, "product": product, "pk": pk})


def _url(pages: Pages, name: str, ws: str, product: str, pk, **more) -> str:
    return reverse(f"{pages.namespace}:{name}", kwargs={"ws": ws, "product": product, "pk": pk, **more})


def section_context(request, kind_name: str, workspace, product, subject, *, participants: list, can_edit: bool, wording: dict | None = None) -> dict:
    """What _participants.html and _comments.html need, to merge into the detail page's
    context; ``wording`` adds to (or changes) the kind's words for this page."""
    kind, pages = kind_named(kind_name), PAGES[kind_name]
    ws, slug = workspace.slug, product.slug
    for p in participants:
        p.remove_url = _url(pages, "remove", ws, slug, subject.pk, kind="participants", part_pk=p.pk)
        p.notes = getattr(p, "notes", [])
        if kind.advice:
            p.can_weigh_in = getattr(p, "can_weigh_in", False)
            p.weigh_in_url = _url(pages, "weigh_in", ws, slug, subject.pk, part_pk=p.pk)
    comments = list(queries.comments(request.user, subject))
    for c in comments:
        c.about = pages.about(c) if pages.about else ""
    reader_tz = (getattr(request.user, "time_zone", "") or "UTC") if pages.reader_time else ""
    return {
        "participants": participants,
        "comments": comments,
        "participation": {
            "attendance": kind.attendance, "advice": kind.advice, "wording": pages.wording | (wording or {}),
            "add_url": _url(pages, "participant_add", ws, slug, subject.pk),
            "attendance_url": _url(pages, "attendance", ws, slug, subject.pk) if kind.attendance else "",
            "comment_url": _url(pages, "comment_add", ws, slug, subject.pk),
            "reader_tz": reader_tz, "comment_tz": reader_tz or timezone.get_current_timezone_name(),
        },
    }


def participant_form(kind: SubjectKind, workspace, data=None) -> ParticipantForm:
    return ParticipantForm(data, workspace=workspace, advice=kind.advice)


def sub_form_post(request, pages: Pages, ws, product, pk, capability, form_name, make_form, do, success):
    """The flow of every form on a detail page: on success back to the page (with the
    action's warnings), otherwise the page again with the errors next to the fields."""
    workspace, product_obj, subject = pages.load(request, ws, product, pk, capability)
    form = make_form(workspace, product_obj, subject)
    done = submit(form, lambda: do(form, subject))
    if done:
        for warning in getattr(done, "warnings", []):
            messages.warning(request, warning)
        messages.success(request, success(done))
        return redirect(detail_url(pages, ws, product, pk))
    return pages.render(request, workspace, product_obj, subject, status=400, **{form_name: form})


def form_view(kind_name: str, capability: str, form_name: str, make_form, do, success):
    """A view posting one form of a kind's detail page (add an option, decide, ...) through
    :func:`sub_form_post`: ``make_form(data, workspace, product, subject)`` builds the form,
    ``do(actor, form, subject)`` runs the action, ``success(result)`` says what happened."""

    @login_required
    @require_POST
    def view(request, ws, product, pk):
        return sub_form_post(
            request, PAGES[kind_name], ws, product, pk, capability, form_name,
            lambda w, p, s: make_form(request.POST, w, p, s), lambda form, s: do(request.user, form, s), success,
        )

    view.__name__ = view.__qualname__ = form_name.removesuffix("_form") + "_post"
    return view


@login_required
@require_POST
def participant_add(request, ws, product, pk, subject_kind):
    subject_kind, pages = kind_named(subject_kind), PAGES[subject_kind]
    return sub_form_post(
        request, pages, ws, product, pk, subject_kind.edit_capability, "participant_form",
        lambda w, p, s: participant_form(subject_kind, w, request.POST),
        lambda form, s: actions.add_participant(actor=request.user, subject=s, **form.cleaned_data),
        lambda p: f"{p.person_name} takes part ({p.get_right_display().lower()}{', required' if p.required else ''}).",
    )


@login_required
@require_POST
def comment_add(request, ws, product, pk, subject_kind):
    pages = PAGES[subject_kind]
    return sub_form_post(
        request, pages, ws, product, pk, "feedback.record", "comment_form",
        lambda w, p, s: pages.comment_form(request.POST, w, s),
        lambda form, s: actions.add_comment(actor=request.user, subject=s, **form.cleaned_data),
        lambda c: "Comment added.",
    )


@login_required
@require_POST
def attendance(request, ws, product, pk, subject_kind):
    """The roll call after the meeting: one select per participant, ``attendance_<id>``."""
    subject_kind, pages = kind_named(subject_kind), PAGES[subject_kind]
    workspace, product_obj, subject = pages.load(request, ws, product, pk, subject_kind.edit_capability)
    roll = {name.removeprefix("attendance_"): value for name, value in request.POST.items() if name.startswith("attendance_")}
    try:
        changed = actions.record_attendance(actor=request.user, subject=subject, attendance=roll)
    except HeardError as exc:
        if exc.code in ("forbidden", "not_found"):
            raise
        return pages.render(request, workspace, product_obj, subject, status=400, page_errors=[{"message": exc.message, "href": f"#id_{exc.field}"}])
    messages.success(request, f"Attendance recorded ({changed} changed).")
    return redirect(detail_url(pages, ws, product, pk))


@login_required
@require_POST
def weigh_in(request, ws, product, pk, part_pk, subject_kind):
    pages = PAGES[subject_kind]
    workspace, product_obj, subject = pages.load(request, ws, product, pk, "workspace.view")
    participant = queries.get_participant(request.user, subject, part_pk)
    try:
        actions.weigh_in(actor=request.user, participant=participant, advice=request.POST.get("advice", ""))
    except HeardError as exc:
        if exc.code in ("forbidden", "not_found"):
            raise
        error = {"pk": participant.pk, "message": exc.message, "advice": request.POST.get("advice", "")}
        return pages.render(request, workspace, product_obj, subject, status=400, weigh_in_error=error,
                            page_errors=[{"message": exc.message, "href": f"#advice-{participant.pk}"}])
    messages.success(request, f"Recorded the advice of {participant.person_name}.")
    return redirect(detail_url(pages, ws, product, pk))


@login_required
@require_POST
def remove_part(request, ws, product, pk, kind, part_pk, subject_kind):
    """Remove a participant, or another part the kind's page lists (``Pages.parts``), by the
    word in the URL: ``<pk>/<kind>/<part_pk>/remove/``."""
    subject_kind, pages = kind_named(subject_kind), PAGES[subject_kind]
    parts = {"participants": (queries.get_participant, actions.remove_participant, "participant"), **pages.parts}
    if kind not in parts:
        raise HeardError("not_found", "Page not found.")
    workspace, product_obj, subject = pages.load(request, ws, product, pk, subject_kind.edit_capability)
    getter, remover, keyword = parts[kind]
    part = getter(request.user, subject, part_pk)
    remover(actor=request.user, **{keyword: part})
    messages.success(request, f"Removed “{part}”.")
    return redirect(detail_url(pages, ws, product, pk))


@login_required
@require_POST
def delete_subject(request, ws, product, pk, subject_kind):
    """Delete the thing itself (a session, a decision; ``Pages.delete``) and go back to the
    kind's list."""
    subject_kind, pages = kind_named(subject_kind), PAGES[subject_kind]
    workspace, product_obj, subject = pages.load(request, ws, product, pk, subject_kind.edit_capability)
    delete, keyword = pages.delete
    delete(actor=request.user, **{keyword: subject})
    messages.success(request, f"Deleted “{subject}”.")
    return redirect(f"{pages.namespace}:list", ws=ws, product=product)
