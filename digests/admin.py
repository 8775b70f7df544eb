"""The coordinator's view of the digest: runs with their progress, and a preview of any
member's digest (HTML and text) with a test digest to themself."""

from urllib.parse import urlencode

from django.contrib import admin, messages
from django.db.models import Count, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce, Concat
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from thementisch.models import OutgoingEmail

from . import services
from .forms import PreviewForm
from .models import DigestRun


def _count(status: str):
    rows = (
        OutgoingEmail.objects.filter(
            topic=Concat(Value("digest:"), OuterRef("edition")), status=status
        )
        .order_by()
        .values("topic")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(rows), 0)


@admin.register(DigestRun)
class DigestRunAdmin(admin.ModelAdmin):
    """Editions of the digest: who they are for, how many went out. Read-only."""

    list_display = (
        "edition",
        "frequency",
        "period_start",
        "members",
        "queued",
        "sent_count",
        "failed_count",
        "completed_at",
    )
    list_filter = ("frequency",)
    readonly_fields = [field.name for field in DigestRun._meta.fields]
    change_list_template = "admin/digests/digestrun/change_list.html"

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                sent=_count(OutgoingEmail.Status.SENT), failed=_count(OutgoingEmail.Status.FAILED)
            )
        )

    @admin.display(description=_("sent"), ordering="sent")
    def sent_count(self, run):
        return run.sent

    @admin.display(description=_("failed"), ordering="failed")
    def failed_count(self, run):
        return run.failed

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("preview/", view(self.preview_view), name="digests_digestrun_preview"),
            path(
                "preview/html/",
                view(self.preview_html_view),
                name="digests_digestrun_preview_html",
            ),
            path(
                "preview/send/",
                view(require_POST(self.send_test_view)),
                name="digests_digestrun_send_test",
            ),
            *super().get_urls(),
        ]

    def _allowed(self, request) -> None:
        # The preview shows a member's personal digest: coordinators only.
        if not request.user.is_coordinator:
            raise Http404

    def preview_view(self, request):
        """A member's current digest, HTML (in a frame) and text, and the test-digest button."""
        self._allowed(request)
        form = PreviewForm(request.GET or None)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Preview a member's digest"),
            "form": form,
        }
        if form.is_valid():
            member = form.cleaned_data["member"]
            digest, row = services.preview_digest(
                member, viewer=request.user, frequency=form.cleaned_data["frequency"] or None
            )
            query = urlencode({"member": member.email, "frequency": form.cleaned_data["frequency"]})
            context.update(
                member=member,
                digest=digest,
                row=row,
                html_url=reverse("admin:digests_digestrun_preview_html") + "?" + query,
            )
        return TemplateResponse(request, "admin/digests/digestrun/preview.html", context)

    def preview_html_view(self, request):
        """The HTML part alone, for the preview frame."""
        self._allowed(request)
        form = PreviewForm(request.GET)
        if not form.is_valid():
            raise Http404
        _digest, row = services.preview_digest(
            form.cleaned_data["member"],
            viewer=request.user,
            frequency=form.cleaned_data["frequency"] or None,
        )
        response = HttpResponse(row.body_html)
        # An email needs inline styles; this response is only the preview
        # frame of the admin: no scripts, sandboxed, framed by the admin alone.
        response._csp_replace = {
            "default-src": ["'none'"],
            "style-src": ["'unsafe-inline'"],
            "img-src": ["'self'", "data:"],
            "frame-ancestors": ["'self'"],
            "sandbox": ["allow-popups", "allow-popups-to-escape-sandbox"],
        }
        response["X-Frame-Options"] = "SAMEORIGIN"
        return response

    def send_test_view(self, request):
        """Queue the previewed member's digest to the coordinator's own address."""
        self._allowed(request)
        form = PreviewForm(request.POST)
        back = reverse("admin:digests_digestrun_preview")
        if not form.is_valid():
            self.message_user(
                request,
                " ".join(form.errors.get("member", [])) or _("Please check the form."),
                messages.ERROR,
            )
            return HttpResponseRedirect(back)
        member = form.cleaned_data["member"]
        services.send_test_digest(
            member, to=request.user, frequency=form.cleaned_data["frequency"] or None
        )
        self.message_user(
            request,
            _("A test digest of %(member)s is on its way to %(email)s.")
            % {"member": member.get_full_name() or member.email, "email": request.user.email},
            messages.SUCCESS,
        )
        query = urlencode({"member": member.email, "frequency": form.cleaned_data["frequency"]})
        return HttpResponseRedirect(f"{back}?{query}")
