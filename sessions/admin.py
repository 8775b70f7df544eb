"""The coordinator's meeting desk: plan, invite, follow the sending, take attendance."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Count, Q
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from members.models import User
from members.permissions import is_coordinator
from thementisch import mail

from . import exports, selectors, services
from .forms import AttendanceForm, DocumentAdminForm, MeetingAdminForm
from .models import AgendaItem, Document, Invitation, Meeting


class AgendaItemInline(admin.StackedInline):
    model = AgendaItem
    extra = 1
    fields = ("order", "time", "title", "speaker", "barrier", "pilot", "outcome")
    raw_id_fields = ("barrier", "pilot")


class DocumentInline(admin.StackedInline):
    model = Document
    form = DocumentAdminForm
    extra = 1
    fields = ("kind", "title", "file", "original_name", "uploaded_at")
    readonly_fields = ("original_name", "uploaded_at")


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    form = MeetingAdminForm
    list_display = ("title", "kind", "starts_at", "status", "invited", "confirmed", "waiting")
    list_filter = ("status", "kind")
    search_fields = ("title", "description", "venue")
    date_hierarchy = "starts_at"
    inlines = [AgendaItemInline, DocumentInline]
    raw_id_fields = ("audience_members",)
    readonly_fields = ("sending_progress", "answers_overview", "minutes_published_at", "sequence")
    actions = ["send_invitations", "send_update", "cancel_meetings", "send_minutes"]
    change_form_template = "admin/meetings/meeting/change_form.html"
    change_list_template = "admin/meetings/meeting/change_list.html"
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "kind",
                    "title",
                    "description",
                    ("starts_at", "ends_at"),
                    "venue",
                    "online_url",
                    ("capacity", "rsvp_deadline"),
                    "status",
                )
            },
        ),
        (
            _("Audience"),
            {
                "description": _(
                    "Everyone matching at least one of these is invited by the action "
                    "“Send invitations”. Running it again invites only those not yet invited."
                ),
                "fields": (
                    "audience_all_members",
                    "audience_organisation_kinds",
                    "audience_stages",
                    "audience_members",
                    "guest_emails",
                ),
            },
        ),
        (_("Reminders"), {"fields": ("reminder_days",)}),
        (_("Invitations and answers"), {"fields": ("sending_progress", "answers_overview")}),
        (_("After the meeting"), {"fields": ("minutes", "minutes_published_at", "sequence")}),
    )

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "audience_members":
            # The user admin orders by an annotation its own queryset adds;
            # the field gets its queryset here instead.
            kwargs["queryset"] = User.objects.filter(
                is_active=True, status=User.Status.APPROVED
            ).order_by("last_name", "first_name")
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                n_invited=Count("invitations"),
                n_yes=Count("invitations", filter=Q(invitations__response="yes")),
                n_waiting=Count("invitations", filter=Q(invitations__response="waitlisted")),
            )
        )

    @admin.display(description=_("invited"), ordering="n_invited")
    def invited(self, obj):
        return obj.n_invited

    @admin.display(description=_("attending"), ordering="n_yes")
    def confirmed(self, obj):
        return obj.n_yes

    @admin.display(description=_("waiting list"), ordering="n_waiting")
    def waiting(self, obj):
        return obj.n_waiting

    @admin.display(description=_("sending"))
    def sending_progress(self, obj):
        if not obj.pk:
            return "–"
        counts = mail.progress(obj.topic)
        labels = dict(mail.OutgoingEmail.Status.choices)
        outbox = reverse("admin:thementisch_outgoingemail_changelist") + f"?topic={obj.topic}"
        return format_html(
            '<span role="status">{}</span> · <a href="{}">{}</a>',
            format_html_join(
                " · ", "{}: <strong>{}</strong>", ((labels[s], n) for s, n in counts.items())
            ),
            outbox,
            _("outbox log"),
        )

    @admin.display(description=_("answers"))
    def answers_overview(self, obj):
        if not obj.pk:
            return "–"
        counts = selectors.response_counts(obj)
        labels = dict(Invitation.Response.choices)
        listing = reverse("admin:meetings_invitation_changelist") + f"?meeting__id__exact={obj.pk}"
        return format_html(
            '{} · {}: <strong>{}</strong> · <a href="{}">{}</a>',
            format_html_join(
                " · ",
                "{}: <strong>{}</strong>",
                ((labels[value], counts[value]) for value in Invitation.Response.values),
            ),
            _("invited"),
            counts["total"],
            listing,
            _("list with organisations"),
        )

    def save_model(self, request, obj, form, change):
        changed = set(form.changed_data)
        if not change:
            obj.created_by = request.user
            super().save_model(request, obj, form, change)
            return
        original = Meeting.objects.get(pk=obj.pk)
        cancel = "status" in changed and obj.status == Meeting.Status.CANCELLED
        if cancel:
            # Cancelling goes through the service: it emails everyone invited.
            obj.status = original.status
        if "capacity" in changed:
            obj.capacity = original.capacity
        super().save_model(request, obj, form, change)
        if "capacity" in changed:
            promoted = services.set_capacity(obj, form.cleaned_data["capacity"])
            if promoted:
                self.message_user(
                    request,
                    ngettext(
                        "%(count)d person moved up from the waiting list and is told.",
                        "%(count)d people moved up from the waiting list and are told.",
                        len(promoted),
                    )
                    % {"count": len(promoted)},
                    messages.SUCCESS,
                )
        if services.revise_meeting(obj, changed=changed) and not cancel:
            self.message_user(
                request,
                _(
                    "Time, place or title changed. Use the action “Send update” so that "
                    "everyone invited gets the new calendar entry."
                ),
                messages.WARNING,
            )
        if cancel:
            count = services.cancel_meeting(obj, by=request.user)
            self.message_user(
                request,
                ngettext(
                    "Meeting cancelled; %(count)d cancellation queued.",
                    "Meeting cancelled; %(count)d cancellations queued.",
                    count,
                )
                % {"count": count},
                messages.SUCCESS,
            )

    def save_formset(self, request, form, formset, change):
        if formset.model is Document:
            for document_form in formset.forms:
                upload = document_form.cleaned_data.get("file")
                if document_form.has_changed() and upload and hasattr(upload, "content_type"):
                    document_form.instance.original_name = upload.name
                    document_form.instance.size = upload.size
                    document_form.instance.uploaded_by = request.user
        super().save_formset(request, form, formset, change)
        if formset.model is AgendaItem:
            for item_form in formset.forms:
                item = item_form.instance
                if (
                    "outcome" in item_form.changed_data
                    and item.pk
                    and item_form not in getattr(formset, "deleted_forms", [])
                ):
                    services.record_outcome(item, outcome=item.outcome, by=request.user)

    # --- actions --------------------------------------------------------------

    @admin.action(description=_("Send invitations (only to those not yet invited)"))
    def send_invitations(self, request, queryset):
        for meeting in queryset:
            if meeting.status != Meeting.Status.PUBLISHED or meeting.is_past:
                self.message_user(
                    request,
                    _("“%(title)s”: only a published, upcoming meeting can be sent out.")
                    % {"title": meeting.title},
                    messages.ERROR,
                )
                continue
            new = services.create_invitations(meeting)
            services.request_invitations(meeting)
            self.message_user(
                request,
                _(
                    "“%(title)s”: invitations are being sent (%(new)d new invitees). "
                    "Its page here in the admin shows the progress."
                )
                % {"title": meeting.title, "new": new},
                messages.SUCCESS,
            )

    @admin.action(description=_("Send update to everyone invited"))
    def send_update(self, request, queryset):
        self._run(request, queryset, services.send_update, _("%(count)d update emails queued."))

    @admin.action(description=_("Cancel meeting and tell everyone invited"))
    def cancel_meetings(self, request, queryset):
        for meeting in queryset:
            count = services.cancel_meeting(meeting, by=request.user)
            self.message_user(
                request,
                _("“%(title)s” cancelled; %(count)d cancellations queued.")
                % {"title": meeting.title, "count": count},
                messages.SUCCESS,
            )

    @admin.action(description=_("Email the minutes to the participants"))
    def send_minutes(self, request, queryset):
        self._run(
            request,
            queryset,
            lambda meeting: services.publish_minutes(meeting, by=request.user),
            _("%(count)d minutes emails queued."),
        )

    def _run(self, request, queryset, operation, done):
        for meeting in queryset:
            try:
                count = operation(meeting)
            except services.MeetingError as error:
                self.message_user(request, f"“{meeting.title}”: {error}", messages.ERROR)
                continue
            self.message_user(
                request, f"“{meeting.title}”: " + done % {"count": count}, messages.SUCCESS
            )

    # --- attendance lists -------------------------------------------------------

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path(
                "<int:pk>/attendance/",
                view(self.attendance_view),
                name="meetings_meeting_attendance",
            ),
            path(
                "<int:pk>/attendance.csv",
                view(self.attendance_csv),
                name="meetings_meeting_attendance_csv",
            ),
            path(
                "<int:pk>/attendance.xlsx",
                view(self.attendance_xlsx),
                name="meetings_meeting_attendance_xlsx",
            ),
            path(
                "<int:pk>/sign-in-sheet/",
                view(self.sign_in_sheet),
                name="meetings_meeting_sign_in_sheet",
            ),
            *super().get_urls(),
        ]

    def _meeting(self, request, pk):
        if not (is_coordinator(request.user) and self.has_view_permission(request)):
            raise PermissionDenied
        return get_object_or_404(Meeting, pk=pk)

    def attendance_view(self, request, pk):
        meeting = self._meeting(request, pk)
        invitations = list(selectors.attendance_list(meeting))
        initial = [i.pk for i in invitations if i.attended]
        form = AttendanceForm(
            request.POST or None, invitations=invitations, initial={"attended": initial}
        )
        if request.method == "POST" and form.is_valid():
            try:
                count = services.mark_attendance(
                    meeting, attended_ids=form.cleaned_data["attended"]
                )
            except services.MeetingError as error:
                self.message_user(request, str(error), messages.ERROR)
            else:
                self.message_user(
                    request,
                    ngettext(
                        "Attendance saved: %(count)d person attended.",
                        "Attendance saved: %(count)d people attended.",
                        count,
                    )
                    % {"count": count},
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(request.path)
        return TemplateResponse(
            request,
            "admin/meetings/meeting/attendance.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "title": _("Attendance: %(title)s") % {"title": meeting.title},
                "meeting": meeting,
                "invitations": invitations,
                "attended_ids": set(initial),
                "form": form,
                "can_mark": meeting.starts_at <= timezone.now(),
            },
        )

    def attendance_csv(self, request, pk):
        meeting = self._meeting(request, pk)
        response = HttpResponse(
            exports.as_csv(selectors.attendance_list(meeting)),
            content_type="text/csv; charset=utf-8",
        )
        response["Content-Disposition"] = f'attachment; filename="teilnahme-{meeting.pk}.csv"'
        return response

    def attendance_xlsx(self, request, pk):
        meeting = self._meeting(request, pk)
        response = HttpResponse(
            exports.as_xlsx(selectors.attendance_list(meeting), title=meeting.title),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="teilnahme-{meeting.pk}.xlsx"'
        return response

    def sign_in_sheet(self, request, pk):
        meeting = self._meeting(request, pk)
        invitations = selectors.attendance_list(meeting).filter(
            response__in=[Invitation.Response.YES, Invitation.Response.MAYBE]
        )
        return TemplateResponse(
            request,
            "admin/meetings/meeting/sign_in_sheet.html",
            {"meeting": meeting, "invitations": invitations, "blank_rows": range(8)},
        )


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    """Who is invited, with organisation and answer; answers change only through the services."""

    list_display = (
        "display_name",
        "organisation",
        "address",
        "meeting",
        "response",
        "attended",
        "invited_at",
    )
    list_filter = ("response", "attended", "meeting")
    list_select_related = ("user", "user__organisation", "meeting")
    search_fields = ("user__email", "user__last_name", "email", "name", "meeting__title")
    readonly_fields = [f.name for f in Invitation._meta.fields]
    list_per_page = 200

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("name"))
    def display_name(self, obj):
        return obj.display_name

    @admin.display(description=_("organisation"))
    def organisation(self, obj):
        if obj.user_id and obj.user.organisation:
            return obj.user.organisation.name
        return _("guest") if obj.is_guest else "–"

    @admin.display(description=_("email"))
    def address(self, obj):
        return obj.address
