import json

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language

from thementisch.fragments import render_each
from thementisch.search import search_all

from . import extensions, services
from .filters import MemberFilter
from .forms import DeleteAccountForm, ProfileForm
from .models import Organisation, User
from .permissions import member_required
from .selectors import directory_members, directory_page, directory_rows

DIRECTORY_PAGE_SIZE = 50


@member_required
def directory(request: HttpRequest) -> HttpResponse:
    if request.GET.keys() - {"page"}:
        member_filter = MemberFilter(request.GET, queryset=directory_members())
        page = Paginator(member_filter.qs, DIRECTORY_PAGE_SIZE).get_page(request.GET.get("page"))
        members = directory_rows(page.object_list)
    else:
        # Nothing to filter: the form is built only when its cached markup is missing,
        # the count and the page are read with SQL compiled once.
        member_filter = SimpleLazyObject(
            lambda: MemberFilter(request.GET or None, queryset=directory_members())
        )
        page, members = directory_page(request.GET.get("page"), DIRECTORY_PAGE_SIZE)
    # One string for the table body (rows rendered by our template), no template loop.
    rows = mark_safe(
        "".join(render_each("members/_directory_row.html", members, tuple, name="member"))
    )
    return render(
        request,
        "members/directory.html",
        {"filter": member_filter, "page": page, "members": members, "rows": rows},
    )


@member_required
def organisation_detail(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = get_object_or_404(
        Organisation.objects.prefetch_related("value_chain_stages", "materials"), slug=slug
    )
    members = directory_members().filter(organisation=organisation)
    return render(
        request,
        "members/organisation_detail.html",
        {"organisation": organisation, "members": members},
    )


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    """The member's own profile and preferences (pending members too)."""
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        services.update_profile(request.user, data=form.cleaned_data)
        messages.success(request, _("Your profile has been saved."))
        return redirect("members:profile")
    sections = []
    for section in extensions.profile_sections:
        context = section.context(request) if section.context else {}
        sections.append((section.template, context))
    return render(
        request,
        "members/profile.html",
        {"form": form, "sections": sections, "member": request.user},
    )


@login_required
def export(request: HttpRequest) -> HttpResponse:
    """All personal data of the member as a JSON download."""
    data = services.export_personal_data(request.user)
    response = HttpResponse(
        json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
    filename = f"thementisch-daten-{timezone.localdate():%Y-%m-%d}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
def delete_account(request: HttpRequest) -> HttpResponse:
    form = DeleteAccountForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        user = request.user
        logout(request)
        services.delete_account(user)
        messages.success(request, _("Your account and your personal data have been deleted."))
        return redirect("/")
    return render(request, "members/delete_account.html", {"form": form})


@require_POST
@login_required
def renew_feed_token(request: HttpRequest) -> HttpResponse:
    services.renew_feed_token(request.user)
    messages.success(
        request,
        _("Your personal feed addresses were renewed. The old addresses no longer work."),
    )
    return redirect("members:profile")


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Switch the interface language; a logged-in member's choice is saved."""
    language = request.POST.get("language", "")
    if request.user.is_authenticated and language in User.Language.values:
        services.update_profile(request.user, data={"language": language})
    return django_set_language(request)


@member_required
def search(request: HttpRequest) -> HttpResponse:
    query = " ".join(request.GET.get("q", "").split())[:200]
    sections = search_all(request, query) if query else []
    return render(
        request,
        "members/search.html",
        {
            "query": query,
            "sections": sections,
            "found": any(section.results for section in sections),
        },
    )
