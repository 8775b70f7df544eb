"""Pages of the barriers app. Each view: fetch with a permission check, validate
a form, call one service, message and redirect."""

from __future__ import annotations

from functools import cache
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from members.permissions import coordinator_required, member_required, ministry_required
from thementisch.comments import CommentError, CommentForm
from thementisch.files import serve_private_file
from thementisch.fragments import render_each

from . import charts, exports, listing, permissions, selectors, services
from .filters import BarrierFilter
from .forms import (
    BarrierForm,
    EndorseForm,
    EvidenceForm,
    MergeForm,
    ResponseForm,
    StatusForm,
)
from .models import Barrier, BarrierComment, EvidenceFile

PER_PAGE = 20


def _filtered(request: HttpRequest, queryset: QuerySet[Barrier] | None = None) -> BarrierFilter:
    if queryset is None:
        queryset = selectors.list_queryset(request.user)
    return BarrierFilter(request.GET, queryset=queryset, request=request)


def _list_row_key(row: selectors.ListRow) -> tuple:
    """Every value a row of the list shows (barriers/_list_row.html), for the fragment cache."""
    return (
        row.pk,
        row.title,
        # the highlighted title and snippet follow from these and the title
        row.search_text,
        row.description_hash,
        row.status,
        row.is_demo,
        row.category,
        row.level,
        tuple(row.materials),
        row.identity_hidden,
        row.organisation_name,
        row.author_name,
        row.created_at.isoformat(),
        row.endorsing_organisation_count,
        row.endorsement_count,
        row.comment_count,
    )


@member_required
def barrier_list(request: HttpRequest) -> HttpResponse:
    # The filter values are validated once per query string; the page's reads
    # are compiled once per shape (barriers.listing). The filter form is built
    # only when its cached HTML (barriers/list.html) is missing.
    selection = listing.selection(request)
    page = listing.list_page(
        selection, request.user, page=request.GET.get("page"), per_page=PER_PAGE
    )
    return render(
        request,
        "barriers/list.html",
        {
            "filter": SimpleLazyObject(lambda: _filtered(request)),
            "page": page,
            "barriers": page.object_list,
            "rows": render_each(
                "barriers/_list_row.html", page.object_list, _list_row_key, name="barrier"
            ),
            "search_text": selection.search_text,
            "can_export": permissions.can_export(request.user),
            "query_string": request.GET.urlencode(),
        },
    )


@member_required
def barrier_similar(request: HttpRequest) -> HttpResponse:
    """htmx fragment: barriers with a similar title, while the title is typed."""
    exclude = request.GET.get("exclude")
    similar = selectors.similar_barriers(
        request.user,
        request.GET.get("title", ""),
        exclude_pk=int(exclude) if exclude and exclude.isdigit() else None,
    )
    return render(request, "barriers/_similar.html", {"similar": similar, "live": True})


@member_required
def barrier_create(request: HttpRequest) -> HttpResponse:
    similar: list[Barrier] = []
    if request.method == "POST":
        form = BarrierForm(request.POST, request.FILES, user=request.user)
        if form.is_valid():
            if not request.POST.get("confirm_new"):
                similar = selectors.similar_barriers(request.user, form.cleaned_data["title"])
            if not similar:
                barrier = services.create_barrier(
                    author=request.user,
                    data=form.cleaned_data,
                    files=form.cleaned_data.get("evidence") or [],
                )
                messages.success(
                    request,
                    _(
                        "Thank you. Your barrier was submitted; the coordination will review "
                        "it and publish it for the members."
                    ),
                )
                return redirect(barrier)
    else:
        form = BarrierForm(user=request.user)
    return render(
        request,
        "barriers/form.html",
        {
            "form": form,
            "similar_before_saving": similar,
            "files_chosen": bool(request.FILES),
            "barrier": None,
        },
    )


@member_required
def barrier_edit(request: HttpRequest, pk: int) -> HttpResponse:
    barrier = permissions.get_barrier_for_user(request.user, pk)
    if not permissions.can_edit(request.user, barrier):
        raise PermissionDenied
    if request.method == "POST":
        form = BarrierForm(request.POST, request.FILES, instance=barrier, user=request.user)
        if form.is_valid():
            services.update_barrier(
                barrier,
                by=request.user,
                data=form.cleaned_data,
                files=form.cleaned_data.get("evidence") or [],
            )
            messages.success(request, _("Your changes were saved."))
            return redirect(barrier)
    else:
        form = BarrierForm(instance=barrier, user=request.user)
    return render(
        request,
        "barriers/form.html",
        {"form": form, "barrier": barrier, "similar_before_saving": [], "files_chosen": False},
    )


@cache
def _blank_form(form_class: type) -> Any:
    """One unbound form without initial values per process: the page renders it with
    `{% blank_form_fields %}`, which reads only its class, and nothing changes it."""
    return form_class()


def _render_detail(
    request: HttpRequest,
    barrier: Barrier,
    *,
    facts: tuple | None = None,
    comment_form=None,
    status: int = 200,
) -> HttpResponse:
    user = request.user
    context = selectors.detail_context(barrier, user, facts)
    can_comment = permissions.can_comment(user, barrier)
    context.update(
        {
            "barrier": barrier,
            "can_edit": permissions.can_edit(user, barrier),
            "can_endorse": permissions.can_endorse(user, barrier),
            "can_change_status": permissions.can_change_status(user, barrier),
            "can_merge": permissions.can_merge(user, barrier),
            "can_respond": permissions.can_respond(user, barrier),
            "can_add_evidence": permissions.can_add_evidence(user, barrier),
            "endorse_form": EndorseForm(initial={"note": context["own_endorsement_note"]})
            if context["own_endorsement"]
            else _blank_form(EndorseForm),
            "comment_form": (comment_form or _blank_form(CommentForm)) if can_comment else None,
            "comment_url": f"{barrier.get_absolute_url()}comments/",
        }
    )
    return render(request, "barriers/detail.html", context, status=status)


@member_required
def barrier_detail(request: HttpRequest, pk: int) -> HttpResponse:
    barrier, facts = selectors.detail_barrier(pk, request.user)
    barrier = permissions.checked_barrier(request.user, barrier)
    if barrier.status == Barrier.Status.MERGED:
        if barrier.merged_into_id:
            return redirect("barriers:detail", barrier.merged_into_id)
        raise Http404
    return _render_detail(request, barrier, facts=facts)


@member_required
@require_POST
def barrier_endorse(request: HttpRequest, pk: int) -> HttpResponse:
    barrier = permissions.get_barrier_for_user(request.user, pk)
    form = EndorseForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The note can be at most 500 characters long."))
        return redirect(barrier)
    try:
        services.endorse_barrier(barrier, by=request.user, note=form.cleaned_data["note"])
    except services.BarrierError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Thank you: your endorsement counts for this barrier."))
    return redirect(barrier)


@member_required
@require_POST
def barrier_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    barrier = permissions.get_barrier_for_user(request.user, pk)
    if services.withdraw_endorsement(barrier, by=request.user):
        messages.success(request, _("Your endorsement was withdrawn."))
    return redirect(barrier)


@member_required
@require_POST
def comment_add(request: HttpRequest, pk: int) -> HttpResponse:
    barrier = permissions.get_barrier_for_user(request.user, pk)
    if not permissions.can_comment(request.user, barrier):
        raise PermissionDenied
    form = CommentForm(request.POST)
    if not form.is_valid():
        return _render_detail(request, barrier, comment_form=form, status=400)
    comment = services.add_comment(barrier, by=request.user, body=form.cleaned_data["body"])
    messages.success(request, _("Your comment was posted."))
    return redirect(f"{barrier.get_absolute_url()}#comment-{comment.pk}")


def _comment_for(request: HttpRequest, pk: int) -> BarrierComment:
    comment = get_object_or_404(BarrierComment.objects.select_related("barrier"), pk=pk)
    if not permissions.can_view(request.user, comment.barrier):
        raise Http404
    return comment


@member_required
def comment_edit(request: HttpRequest, pk: int) -> HttpResponse:
    comment = _comment_for(request, pk)
    if not comment.can_be_edited_by(request.user):
        messages.error(request, _("Comments can be edited by their author for 15 minutes only."))
        return redirect(comment.barrier)
    form = CommentForm(request.POST or None, initial={"body": comment.body})
    if request.method == "POST" and form.is_valid():
        try:
            services.edit_barrier_comment(comment, by=request.user, body=form.cleaned_data["body"])
        except CommentError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Your comment was changed."))
        return redirect(f"{comment.barrier.get_absolute_url()}#comment-{comment.pk}")
    barrier = permissions.mask_identity(comment.barrier, request.user)
    return render(
        request,
        "barriers/comment_edit.html",
        {"form": form, "comment": comment, "barrier": barrier},
    )


@coordinator_required
@require_POST
def comment_remove(request: HttpRequest, pk: int) -> HttpResponse:
    comment = _comment_for(request, pk)
    try:
        services.remove_barrier_comment(comment, by=request.user)
    except CommentError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The comment was removed."))
    return redirect(comment.barrier)


@coordinator_required
def barrier_status(request: HttpRequest, pk: int) -> HttpResponse:
    barrier = permissions.get_barrier_for_user(request.user, pk)
    transitions = permissions.allowed_transitions(request.user, barrier)
    if not transitions:
        messages.error(request, _("The status of this barrier can no longer be changed."))
        return redirect(barrier)
    form = StatusForm(request.POST or None, transitions=transitions, barrier=barrier)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.change_status(
                barrier,
                by=request.user,
                to_status=data["to_status"],
                note=data["note"],
                reason=data["reason"],
                level=data["level"],
                ministry=data["ministry"],
                answer_by=data["answer_by"],
            )
        except services.BarrierError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The status was changed."))
            return redirect(barrier)
    return render(
        request,
        "barriers/status.html",
        {"form": form, "barrier": barrier},
        status=400 if form.errors else 200,
    )


@coordinator_required
def barrier_merge(request: HttpRequest, pk: int) -> HttpResponse:
    barrier = permissions.get_barrier_for_user(request.user, pk)
    if not permissions.can_merge(request.user, barrier):
        messages.error(request, _("This barrier cannot be merged."))
        return redirect(barrier)
    form = MergeForm(request.POST or None, source=barrier)
    if request.method == "POST" and form.is_valid():
        try:
            target = services.merge_barriers(
                barrier,
                into=form.cleaned_data["target"],
                by=request.user,
                note=form.cleaned_data["note"],
            )
        except services.BarrierError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The barriers were merged."))
            return redirect(target)
    candidates = selectors.similar_barriers(request.user, barrier.title, exclude_pk=barrier.pk)
    return render(
        request,
        "barriers/merge.html",
        {"form": form, "barrier": barrier, "candidates": candidates},
        status=400 if form.errors else 200,
    )


@ministry_required
def barrier_respond(request: HttpRequest, pk: int) -> HttpResponse:
    barrier = permissions.get_barrier_for_user(request.user, pk)
    if not permissions.can_respond(request.user, barrier):
        raise PermissionDenied
    form = ResponseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.respond_to_barrier(barrier, by=request.user, body=form.cleaned_data["body"])
        except services.BarrierError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Your official response was published."))
            return redirect(f"{barrier.get_absolute_url()}#responses")
    return render(
        request,
        "barriers/respond.html",
        {"form": form, "barrier": barrier},
        status=400 if form.errors else 200,
    )


@member_required
def evidence_add(request: HttpRequest, pk: int) -> HttpResponse:
    barrier = permissions.get_barrier_for_user(request.user, pk)
    if not permissions.can_add_evidence(request.user, barrier):
        raise PermissionDenied
    form = EvidenceForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        services.add_evidence(barrier, by=request.user, files=form.cleaned_data["evidence"])
        messages.success(request, _("The files were added."))
        return redirect(f"{barrier.get_absolute_url()}#evidence")
    return render(
        request,
        "barriers/evidence_form.html",
        {"form": form, "barrier": barrier},
        status=400 if form.errors else 200,
    )


@member_required
def evidence_download(request: HttpRequest, pk: int, file_pk: int) -> HttpResponse:
    barrier = permissions.get_barrier_for_user(request.user, pk)
    if not permissions.can_download_evidence(request.user, barrier):
        raise Http404
    evidence = get_object_or_404(EvidenceFile, pk=file_pk, barrier_id=barrier.pk)
    return serve_private_file(evidence.file, evidence.original_name)


@member_required
@require_POST
def evidence_remove(request: HttpRequest, pk: int, file_pk: int) -> HttpResponse:
    barrier = permissions.get_barrier_for_user(request.user, pk)
    evidence = get_object_or_404(EvidenceFile, pk=file_pk, barrier_id=barrier.pk)
    try:
        services.remove_evidence(evidence, by=request.user)
    except services.BarrierError as error:
        raise PermissionDenied from error
    messages.success(request, _("The file was removed."))
    return redirect(f"{barrier.get_absolute_url()}#evidence")


def _export(request: HttpRequest):
    if not permissions.can_export(request.user):
        raise PermissionDenied
    filterset = _filtered(request)
    return exports.rows(filterset.qs, request.user)


@ministry_required
def export_csv(request: HttpRequest) -> HttpResponse:
    content = exports.to_csv(_export(request))
    response = HttpResponse(content, content_type="text/csv; charset=utf-8")
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="hemmnisse-{stamp}.csv"'
    return response


@ministry_required
def export_xlsx(request: HttpRequest) -> HttpResponse:
    content = exports.to_xlsx(_export(request))
    response = HttpResponse(
        content,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="hemmnisse-{stamp}.xlsx"'
    return response


@member_required
def barrier_stats(request: HttpRequest) -> HttpResponse:
    data = selectors.statistics(request.user)
    funnel = [(label, reached, count) for label, count, reached in data["funnel"]]
    return render(
        request,
        "barriers/stats.html",
        {
            "data": data,
            "category_chart": charts.bar_chart(data["categories"]),
            "funnel_chart": charts.bar_chart(funnel),
            "trend_chart": charts.column_chart(data["trend"]),
            "heatmap": charts.heatmap(data["heatmap"]["rows"], data["heatmap"]["materials"]),
        },
    )


@member_required
def policy_brief(request: HttpRequest) -> HttpResponse:
    filterset = _filtered(request)
    groups = selectors.policy_brief(request.user, filterset.qs)
    return render(
        request,
        "barriers/brief.html",
        {"groups": groups, "today": timezone.localdate(), "filter": filterset},
    )


@ministry_required
def forwarded_list(request: HttpRequest) -> HttpResponse:
    barriers = permissions.mask_all(selectors.forwarded_worklist(request.user)[:200], request.user)
    return render(
        request,
        "barriers/forwarded.html",
        {"barriers": barriers, "today": timezone.localdate()},
    )
