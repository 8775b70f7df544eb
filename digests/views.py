from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from members import services as member_services
from members.permissions import member_required

from . import selectors, services, tokens
from .forms import NotificationSettingsForm


def home(request: HttpRequest) -> HttpResponse:
    """`/`: the landing page, the pending notice, or the member's dashboard."""
    user = request.user
    if not user.is_authenticated:
        return render(request, "digests/landing.html")
    if not user.is_member:
        return render(request, "digests/pending.html", status=200 if user.is_pending else 403)
    return render(request, "digests/dashboard.html", selectors.dashboard_for(user))


@csrf_exempt  # RFC 8058: the one-click POST comes from the mail provider, without cookies
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """`/digest/unsubscribe/<token>/`: one-click unsubscribe from the digest, without login.

    GET shows what the link does and a button, and changes nothing (mail
    scanners open links). POST turns the digest off: idempotent, never a
    redirect. The signed token is the only authorisation; a bad one is a 404
    page that says so, and nothing changes.
    """
    try:
        member = tokens.read_token(token)
    except tokens.InvalidToken:
        return render(request, "digests/unsubscribe_invalid.html", status=404)
    with translation.override(member.language or translation.get_language()):
        if request.method == "POST":
            services.unsubscribe(member)
            return render(request, "digests/unsubscribe.html", {"member": member, "done": True})
        return render(request, "digests/unsubscribe.html", {"member": member, "done": False})


@member_required
@require_http_methods(["GET", "POST"])
def preferences(request: HttpRequest) -> HttpResponse:
    """`/digest/preferences/`: per kind of notification, immediately, digest only or off.

    The same form is a section of the profile page (/members/me/); this page
    shows it alone, with the errors when a choice was not valid.
    """
    form = NotificationSettingsForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        member_services.set_notification_modes(request.user, modes=form.modes())
        messages.success(request, _("Your notification settings have been saved."))
        return redirect(reverse("members:profile") + "#email-settings")
    return render(
        request,
        "digests/preferences.html",
        {"form": form, "section": {"form": form, "member": request.user}},
        status=400 if form.is_bound else 200,
    )
