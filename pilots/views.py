"""Pages of the pilot projects: thin views over services, selectors and permissions."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.forms.utils import ErrorDict
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from members.permissions import member_required
from thementisch.comments import CommentError, CommentForm, edit_comment, remove_comment
from thementisch.fragments import render_each

from . import selectors, services
from .filters import PilotFilter
from .forms import ApplicationForm, DecisionForm, NeedFormSet, PilotForm, StatusForm, needs_from
from .models import PilotProject
from .permissions import (
    can_apply,
    can_comment,
    can_manage_pilot,
    can_withdraw,
    get_application_for,
    get_comment_for,
    get_pilot_for,
    visible_pilots,
)
from .services import PilotError
from .taxonomy import TRL, strategy_description

PAGE_SIZE = 25


# --- list and board ---------------------------------------------------------


@member_required
def pilot_list(request: HttpRequest) -> HttpResponse:
    """`/pilots/`: the filtered list, or the board by state with `?view=board`."""
    if request.GET.keys() - {"page"}:
        pilot_filter = PilotFilter(
            request.GET, queryset=visible_pilots(request.user), request=request
        )
        pilots = pilot_filter.qs
    else:
        # Nothing to filter: the form is built only when its cached markup is missing.
        pilot_filter = SimpleLazyObject(
            lambda: PilotFilter(
                request.GET or None, queryset=visible_pilots(request.user), request=request
            )
        )
        pilots = None
    context = {"filter": pilot_filter, "view": "list"}
    if pilots is None:
        # All pilots the member may see: the count and the page in SQL compiled once.
        page, rows = selectors.list_page(request.user, request.GET.get("page"), PAGE_SIZE)
    elif request.GET.get("view") == "board":
        context.update(view="board", columns=selectors.board_columns(pilots))
        return render(request, "pilots/board.html", context)
    else:
        page = Paginator(selectors.list_order(pilots), PAGE_SIZE).get_page(request.GET.get("page"))
        rows = selectors.pilot_rows(page.object_list)
    # One string for the table body (rows rendered by our template), no template loop.
    html = mark_safe("".join(render_each("pilots/_list_row.html", rows, tuple, name="pilot")))
    context.update(page=page, pilots=rows, rows=html)
    return render(request, "pilots/list.html", context)


# --- proposing and editing --------------------------------------------------


@member_required
def pilot_create(request: HttpRequest) -> HttpResponse:
    """`/pilots/new/`: propose a pilot, save it as a draft or publish it."""
    return _pilot_form_page(request, None)


@member_required
def pilot_edit(request: HttpRequest, pk: int) -> HttpResponse:
    pilot = get_pilot_for(request.user, pk, manage=True)
    return _pilot_form_page(request, pilot)


def _pilot_form_page(request: HttpRequest, pilot: PilotProject | None) -> HttpResponse:
    """One page for new and existing pilots.

    Buttons: save as draft, publish, save (published pilots); "search
    barriers" and "add a need row" re-render the form without saving, so the
    page works without JavaScript.
    """
    action = request.POST.get("action", "") if request.method == "POST" else ""
    data = request.POST if request.method == "POST" else None
    if action == "add_need":
        data = request.POST.copy()
        total = _int(data.get("needs-TOTAL_FORMS"), 0)
        data["needs-TOTAL_FORMS"] = str(min(total + 1, 30))
    instance = pilot or PilotProject()
    proposer = (pilot.proposer if pilot else None) or request.user
    form = PilotForm(data, instance=instance, proposer=proposer)
    formset = NeedFormSet(data, instance=instance, prefix="needs")
    if action in ("draft", "publish", "save"):
        if form.is_valid() and formset.is_valid():
            try:
                saved = _save_pilot(request, pilot, form, formset, publish=action == "publish")
            except PilotError as error:
                form.add_error(None, str(error))
            else:
                return redirect(saved)
    elif data is not None:
        _quiet(form)
        _quiet_formset(formset)
    if data is not None:
        selected = [_int(value, 0) for value in data.getlist("barriers")]
    else:
        selected = list(form.linked_barrier_ids)
    query = (data.get("barrier_q", "") if data is not None else "").strip()[:100]
    return render(
        request,
        "pilots/form.html",
        {
            "pilot": pilot,
            "form": form,
            "formset": formset,
            "barrier_query": query,
            "barrier_options": selectors.barrier_options(
                query, selected, allowed_ids=form.linked_barrier_ids
            ),
            "trl_levels": TRL.choices,
        },
    )


def _save_pilot(request, pilot, form, formset, *, publish: bool) -> PilotProject:
    needs = needs_from(formset)
    if pilot is None:
        pilot = services.create_pilot(
            proposer=request.user, data=form.cleaned_data, needs=needs, publish=publish
        )
        if publish:
            messages.success(request, _("Your pilot is published. All members can see it now."))
        else:
            messages.success(
                request, _("Your draft is saved. Only you and the coordination can see it.")
            )
        return pilot
    services.update_pilot(
        pilot, by=request.user, data=form.cleaned_data, needs=needs, publish=publish
    )
    if publish:
        messages.success(request, _("Your pilot is published. All members can see it now."))
    else:
        messages.success(request, _("The pilot has been saved."))
    return pilot


def _quiet(form) -> None:
    """Show a re-rendered form (search, extra row) without validation messages."""
    form._errors = ErrorDict()
    if not hasattr(form, "cleaned_data"):
        form.cleaned_data = {}


def _quiet_formset(formset) -> None:
    for form in formset.forms:
        _quiet(form)
    formset._errors = [ErrorDict() for _form in formset.forms]
    formset._non_form_errors = formset.error_class()


def _int(value, default: int) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


@member_required
def barrier_search(request: HttpRequest) -> HttpResponse:
    """htmx: the barrier checkboxes of the pilot form for a search query."""
    query = request.GET.get("barrier_q", "").strip()[:100]
    selected = [_int(value, 0) for value in request.GET.getlist("barriers")]
    allowed: set[int] = set()
    pilot_id = _int(request.GET.get("pilot"), 0)
    if pilot_id:
        pilot = visible_pilots(request.user).filter(pk=pilot_id).first()
        if pilot is not None and can_manage_pilot(request.user, pilot):
            allowed = set(pilot.barriers.values_list("pk", flat=True))
    return render(
        request,
        "pilots/_barrier_options.html",
        {
            "barrier_options": selectors.barrier_options(query, selected, allowed_ids=allowed),
            "barrier_query": query,
        },
    )


# --- the pilot page ---------------------------------------------------------


@member_required
def pilot_detail(request: HttpRequest, pk: int) -> HttpResponse:
    pilot = get_pilot_for(request.user, pk)
    return _render_detail(request, pilot)


def _render_detail(
    request: HttpRequest,
    pilot: PilotProject,
    *,
    status_form: StatusForm | None = None,
    comment_form: CommentForm | None = None,
) -> HttpResponse:
    user = request.user
    context = selectors.pilot_page(pilot, user)
    if context["manage"] and services.allowed_transitions(pilot):
        status_form = status_form or StatusForm(pilot=pilot)
    else:
        status_form = None
    if not can_comment(user, pilot):
        comment_form = None
    elif comment_form is None:
        comment_form = CommentForm()
    context.update(
        pilot=pilot,
        status_form=status_form,
        decision_form=DecisionForm(),
        can_apply=can_apply(user, pilot),
        strategy_description=strategy_description(pilot.strategy) if pilot.strategy else "",
        comment_form=comment_form,
        comment_url=reverse("pilots:comment", args=[pilot.pk]),
        edit_url_name="pilots:comment_edit",
        remove_url_name="pilots:comment_remove",
        hide_author_ids=set(),
        withdrawable={a.pk for a in context["applications"] if can_withdraw(user, a)},
    )
    return render(request, "pilots/detail.html", context)


@require_POST
@member_required
def pilot_status(request: HttpRequest, pk: int) -> HttpResponse:
    pilot = get_pilot_for(request.user, pk, manage=True)
    form = StatusForm(request.POST, pilot=pilot)
    if form.is_valid():
        try:
            services.change_status(
                pilot,
                by=request.user,
                to_status=form.cleaned_data["to_status"],
                note=form.cleaned_data["note"],
            )
        except PilotError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                _("The state is now: %(status)s.") % {"status": pilot.get_status_display()},
            )
            return redirect(pilot)
    return _render_detail(request, pilot, status_form=form)


@require_POST
@member_required
def pilot_publish(request: HttpRequest, pk: int) -> HttpResponse:
    pilot = get_pilot_for(request.user, pk, manage=True)
    try:
        services.publish_pilot(pilot, by=request.user)
    except PilotError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Your pilot is published. All members can see it now."))
    return redirect(pilot)


@require_POST
@member_required
def pilot_renew(request: HttpRequest, pk: int) -> HttpResponse:
    pilot = get_pilot_for(request.user, pk, manage=True)
    try:
        services.renew_listing(pilot, by=request.user)
    except PilotError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The search for partners is renewed for six months."))
    return redirect(pilot)


# --- applications -----------------------------------------------------------


@member_required
def pilot_apply(request: HttpRequest, pk: int) -> HttpResponse:
    """`/pilots/<id>/apply/`: apply on behalf of the member's organisation."""
    pilot = get_pilot_for(request.user, pk)
    if not can_apply(request.user, pilot):
        messages.error(request, _why_not_apply(request.user, pilot))
        return redirect(pilot)
    initial = {}
    need_id = _int(request.GET.get("need"), 0)
    if need_id:
        initial["need"] = need_id
    form = ApplicationForm(request.POST or None, pilot=pilot, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.apply_to_pilot(
                pilot,
                by=request.user,
                need=form.cleaned_data["need"],
                message=form.cleaned_data["message"],
            )
        except PilotError as error:
            form.add_error("need", str(error))
        else:
            messages.success(
                request,
                _("Your application is sent. The proposer decides and you will be told."),
            )
            return redirect(pilot)
    return render(
        request,
        "pilots/apply.html",
        {"pilot": pilot, "form": form, "organisation": request.user.organisation},
    )


def _why_not_apply(user, pilot: PilotProject) -> str:
    if not user.organisation_id:
        return _("You can apply only on behalf of an organisation. Please ask the coordination.")
    if pilot.is_closed:
        return _("This pilot is closed and takes no applications.")
    return _("Your organisation runs this pilot; applications come from other organisations.")


def _decide(request: HttpRequest, pk: int, operation) -> HttpResponse:
    application = get_application_for(request.user, pk)
    if not can_manage_pilot(request.user, application.pilot):
        raise PermissionDenied
    form = DecisionForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        application = operation(application, by=request.user, note=note)
    except PilotError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("The application of %(organisation)s is now: %(status)s.")
            % {
                "organisation": application.organisation.name,
                "status": application.get_status_display(),
            },
        )
    return redirect(application.pilot.get_absolute_url() + "#applications")


@require_POST
@member_required
def application_accept(request: HttpRequest, pk: int) -> HttpResponse:
    return _decide(request, pk, services.accept_application)


@require_POST
@member_required
def application_decline(request: HttpRequest, pk: int) -> HttpResponse:
    return _decide(request, pk, services.decline_application)


@require_POST
@member_required
def application_reopen(request: HttpRequest, pk: int) -> HttpResponse:
    application = get_application_for(request.user, pk)
    if not can_manage_pilot(request.user, application.pilot):
        raise PermissionDenied
    try:
        services.reopen_application(application, by=request.user)
    except PilotError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("%(organisation)s may apply again.")
            % {"organisation": application.organisation.name},
        )
    return redirect(application.pilot.get_absolute_url() + "#applications")


@require_POST
@member_required
def application_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    application = get_application_for(request.user, pk)
    if not can_withdraw(request.user, application):
        raise PermissionDenied
    try:
        services.withdraw_application(application, by=request.user)
    except PilotError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Your application is withdrawn."))
    return redirect(application.pilot)


# --- comments ---------------------------------------------------------------


@require_POST
@member_required
def comment_add(request: HttpRequest, pk: int) -> HttpResponse:
    pilot = get_pilot_for(request.user, pk)
    if not can_comment(request.user, pilot):
        raise PermissionDenied
    form = CommentForm(request.POST)
    if form.is_valid():
        comment = services.add_comment(pilot, by=request.user, body=form.cleaned_data["body"])
        messages.success(request, _("Your comment is published."))
        return redirect(pilot.get_absolute_url() + f"#comment-{comment.pk}")
    return _render_detail(request, pilot, comment_form=form)


@member_required
def comment_edit(request: HttpRequest, pk: int) -> HttpResponse:
    comment = get_comment_for(request.user, pk)
    if not comment.can_be_edited_by(request.user):
        raise PermissionDenied
    form = CommentForm(request.POST or None, initial={"body": comment.body})
    if request.method == "POST" and form.is_valid():
        try:
            edit_comment(comment, by=request.user, body=form.cleaned_data["body"])
        except CommentError as error:
            form.add_error("body", str(error))
        else:
            messages.success(request, _("Your comment has been changed."))
            return redirect(comment.pilot.get_absolute_url() + f"#comment-{comment.pk}")
    return render(request, "pilots/comment_edit.html", {"form": form, "comment": comment})


@require_POST
@member_required
def comment_remove(request: HttpRequest, pk: int) -> HttpResponse:
    comment = get_comment_for(request.user, pk)
    if not comment.can_be_removed_by(request.user):
        raise PermissionDenied
    remove_comment(comment, by=request.user)
    messages.success(request, _("The comment was removed."))
    return redirect(comment.pilot.get_absolute_url() + f"#comment-{comment.pk}")
