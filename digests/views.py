from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from . import selectors


def home(request: HttpRequest) -> HttpResponse:
    """`/`: the landing page, the pending notice, or the member's dashboard."""
    user = request.user
    if not user.is_authenticated:
        return render(request, "digests/landing.html")
    if not user.is_member:
        return render(request, "digests/pending.html", status=200 if user.is_pending else 403)
    return render(request, "digests/dashboard.html", selectors.dashboard_for(user))
