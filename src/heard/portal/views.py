"""Portal pages: thin views over portal.actions and portal.queries.

Only ``start``, ``link`` and ``sign_out`` work without a portal session; everything else is
``@portal_login_required`` and reads through ``queries`` scoped to ``request.stakeholder``.
"""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from heard.closure import actions as closure_actions
from heard.core.errors import HeardError
from heard.core.forms import submit
from heard.core.http import client_ip

from . import actions, queries
from .auth import current_stakeholder, portal_login_required, sign_in, sign_out
from .forms import CommentForm, FeedbackForm, SignInForm


def _safe_next(request, raw: str) -> str:
    if raw and raw.startswith("/portal/") and url_has_allowed_host_and_scheme(raw, allowed_hosts={request.get_host()}):
        return raw
    return "/portal/me/"


def start(request):
    if request.method == "GET" and current_stakeholder(request) is not None:
        return redirect("portal:home")
    form = SignInForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.request_link(email=form.cleaned_data["email"], ip=client_ip(request), base_url=request.build_absolute_uri("/"))
        except HeardError as exc:
            if exc.code == "rate_limited":
                return render(request, "portal/rate_limited.html", {"error": exc}, status=429)
            form.add_error("email", exc.message)
        else:
            return render(request, "portal/link_sent.html", {})
    return render(request, "portal/start.html", {"form": form, "next": request.GET.get("next", "")})


def link(request, token):
    """GET shows a button; POST signs in. Mail scanners that follow links must not burn them."""
    if request.method == "POST":
        try:
            person = actions.redeem_link(token)
        except HeardError as exc:
            return render(request, "portal/start.html", {"form": SignInForm(), "link_error": exc.message}, status=400)
        sign_in(request, person)
        return redirect(_safe_next(request, request.POST.get("next", "")))
    return render(request, "portal/link.html", {"token": token, "next": request.GET.get("next", "")})


@require_POST
def sign_out_view(request):
    sign_out(request)
    return render(request, "portal/signed_out.html", {})


@portal_login_required
def home(request):
    person = request.stakeholder
    return render(request, "portal/home.html", {
        "person": person,
        "feedback": list(queries.my_feedback(person)[:100]),
        "notes": list(queries.my_notes(person)),
        "enablement": list(queries.my_enablement(person)),
        "goals": queries.goals(person),
        "figures": list(queries.figures(person)),
        "invitations": queries.invitations(person),
        "programs": _programs_of(person),
    })


def _programs_of(person):
    from heard.programs.queries import programs_of

    return programs_of(person)


@portal_login_required
def feedback_detail(request, pk):
    item = queries.get_my_feedback(request.stakeholder, pk)
    return render(request, "portal/feedback.html", {"item": item, "trace": queries.trace(item), "brand": item.product})


@portal_login_required
def feedback_new(request):
    person = request.stakeholder
    products = list(queries.products(person))
    form = FeedbackForm(request.POST if request.method == "POST" else None, products=products)
    if request.method == "POST":
        def do():
            product = next((p for p in products if str(p.pk) == form.cleaned_data["product"]), None)
            return actions.give_feedback(stakeholder=person, product=product, text=form.cleaned_data["text"], job=form.cleaned_data["job"])

        item = submit(form, do)
        if item:
            messages.success(request, "Thank you. The team will consider it and you can follow it here.")
            return redirect("portal:feedback", pk=item.pk)
    return render(request, "portal/feedback_new.html", {"form": form})


@portal_login_required
def note(request, pk):
    person = request.stakeholder
    found = queries.get_my_note(person, pk)
    if request.method != "POST":
        closure_actions.record_note_opened(stakeholder=person, note=found)
    return _comment_page(request, obj=found, template="portal/note.html",
                         context={"note": found, "comments": queries.my_replies_to_note(person, found)},
                         comment=lambda body: actions.reply_to_note(stakeholder=person, note=found, body=body))


@require_POST
@portal_login_required
def note_acknowledge(request, pk):
    found = queries.get_my_note(request.stakeholder, pk)
    closure_actions.acknowledge_note(stakeholder=request.stakeholder, note=found)
    messages.success(request, "Thank you for letting us know you read it.")
    return redirect("portal:note", pk=found.pk)


@portal_login_required
def enablement(request, pk):
    found = queries.get_my_enablement(request.stakeholder, pk)
    closure_actions.record_enablement_opened(stakeholder=request.stakeholder, delivery=found)
    return render(request, "portal/enablement.html", {"delivery": found, "note": found.note, "brand": found.note.backlog_item.product})


@require_POST
@portal_login_required
def enablement_acknowledge(request, pk):
    found = queries.get_my_enablement(request.stakeholder, pk)
    closure_actions.acknowledge_enablement(stakeholder=request.stakeholder, delivery=found)
    messages.success(request, "Thank you for letting us know you read it.")
    return redirect("portal:enablement", pk=found.pk)


def _comment_page(request, *, obj, template, context, comment):
    form = CommentForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and submit(form, lambda: comment(form.cleaned_data["body"])):
        messages.success(request, "Thank you. Your comment reached the team.")
        return redirect(request.path)
    return render(request, template, {"form": form, "brand": _product_of(obj), **context}, status=400 if form.errors else 200)


def _product_of(obj):
    """The product a portal page is about, for its name, logo and accent colour."""
    for path in ("product", "cycle.product", "item.product", "session.product", "decision.product"):
        found = obj
        for part in path.split("."):
            found = getattr(found, part, None)
        if found is not None:
            return found
    return None


@portal_login_required
def pre_read(request, pk):
    person = request.stakeholder
    found = queries.get_pre_read(person, pk)
    return _comment_page(request, obj=found, template="portal/pre_read.html",
                         context={"pre_read": found, "comments": queries.my_comments_on_pre_read(person, found)},
                         comment=lambda body: actions.comment_on_pre_read(stakeholder=person, pre_read=found, body=body))


@portal_login_required
def criterion(request, pk):
    person = request.stakeholder
    found = queries.get_criterion(person, pk)
    return _comment_page(request, obj=found, template="portal/criterion.html",
                         context={"criterion": found, "comments": queries.my_comments_on_criterion(person, found)},
                         comment=lambda body: actions.comment_on_criterion(stakeholder=person, criterion=found, body=body))


@portal_login_required
def decision(request, pk):
    person = request.stakeholder
    found = queries.get_decision(person, pk)
    return _comment_page(request, obj=found, template="portal/decision.html",
                         context={"decision": found, "comments": queries.my_comments_on_decision(person, found)},
                         comment=lambda body: actions.comment_on_decision(stakeholder=person, decision=found, body=body))


def logo(request, product_id):
    """A product's logo for the portal and the team's pages (public: it is on show anyway)."""
    from django.http import Http404, HttpResponse

    from heard.core.models import Product

    found = Product.objects.filter(pk=product_id).exclude(logo_type="").only("logo", "logo_type").first()
    if found is None:
        raise Http404("No logo")
    response = HttpResponse(bytes(found.logo), content_type=found.logo_type)
    response["Cache-Control"] = "public, max-age=300"
    response["X-Content-Type-Options"] = "nosniff"
    return response
