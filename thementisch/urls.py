"""The URL map; apps are included by dotted path, so this module imports none."""

from allauth.account.decorators import secure_admin_login
from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from . import views

admin.site.site_header = "Thementisch Metall – Koordination"
admin.site.site_title = "Thementisch Metall"
admin.site.index_title = "Koordination"
# The admin logs in through allauth: its rate limits and two-factor apply.
admin.site.login = secure_admin_login(admin.site.login)

urlpatterns = [
    path("", include("digests.urls")),
    path("", include("members.urls")),
    path("barriers/", include("barriers.urls")),
    path("pilots/", include("pilots.urls")),
    path("meetings/", include("sessions.urls")),
    path("policy/", include("policy.urls")),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
    path("imprint/", views.imprint, name="imprint"),
    path("privacy/", views.privacy, name="privacy"),
    path("accessibility/", views.accessibility, name="accessibility"),
    path("healthz", views.healthz, name="healthz"),
]

if settings.BENCH:
    # The benchmark floor view, only in benchmark runs (make bench).
    urlpatterns.append(path("bench/", include("digests.bench_urls")))

handler403 = "thementisch.views.permission_denied"
handler404 = "thementisch.views.page_not_found"
handler500 = "thementisch.views.server_error"
