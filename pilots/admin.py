"""The coordinator's admin for pilots: needs and applications inline, states via services."""

from django import forms
from django.contrib import admin, messages
from django.db.models import Count, Q
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from members.models import User
from thementisch.comments import CommentError, remove_comment

from . import services
from .models import PartnerNeed, PilotApplication, PilotComment, PilotEvent, PilotProject


class PilotAdminForm(forms.ModelForm):
    """The pilot's fields plus a state change that goes through `services.change_status`."""

    new_status = forms.ChoiceField(
        label=_("Change state to"),
        required=False,
        choices=[("", "–"), *PilotProject.Status.choices],
        help_text=_("Stored in the timeline with your name; partners are told."),
    )
    status_note = forms.CharField(
        label=_("Note for the timeline"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required when the pilot is discontinued."),
    )

    class Meta:
        model = PilotProject
        fields = [
            "title",
            "summary",
            "objectives",
            "strategy",
            "materials",
            "value_chain_stages",
            "trl_current",
            "trl_target",
            "funding_programme",
            "funding_other",
            "budget_range",
            "duration_months",
            "planned_start",
            "proposer",
            "organisation",
            "contact_person",
            "barriers",
            "is_demo",
        ]

    def clean(self):
        cleaned = super().clean()
        target = cleaned.get("new_status")
        if target and self.instance.pk:
            if target not in services.allowed_transitions(self.instance):
                self.add_error(
                    "new_status",
                    _("A pilot cannot go from “%(from)s” to “%(to)s”.")
                    % {
                        "from": self.instance.get_status_display(),
                        "to": PilotProject.Status(target).label,
                    },
                )
            elif (
                target == PilotProject.Status.DISCONTINUED
                and not (cleaned.get("status_note") or "").strip()
            ):
                self.add_error(
                    "status_note", _("Please say in a note why the pilot is discontinued.")
                )
        return cleaned


class PartnerNeedInline(admin.TabularInline):
    model = PartnerNeed
    extra = 0
    fields = ("role", "stage", "material", "description", "status", "filled_by", "filled_at")
    readonly_fields = ("filled_at",)
    autocomplete_fields = ("filled_by",)


class PilotApplicationInline(admin.TabularInline):
    model = PilotApplication
    extra = 0
    can_delete = False
    show_change_link = True
    fields = ("organisation", "need", "applicant", "status", "created_at", "decided_by")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


class PilotEventInline(admin.TabularInline):
    model = PilotEvent
    extra = 0
    can_delete = False
    fields = ("created_at", "actor", "kind", "from_status", "to_status", "note")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(PilotProject)
class PilotProjectAdmin(admin.ModelAdmin):
    form = PilotAdminForm
    list_display = (
        "title",
        "status",
        "organisation",
        "proposer",
        "open_needs",
        "pending_applications",
        "seeking_until",
        "is_demo",
    )
    list_filter = ("status", "strategy", "is_demo")
    list_select_related = ("organisation", "proposer")
    search_fields = ("title", "summary", "organisation__name")
    date_hierarchy = "created_at"
    autocomplete_fields = ("proposer", "organisation", "contact_person")
    raw_id_fields = ("barriers",)
    filter_horizontal = ("materials", "value_chain_stages")
    readonly_fields = (
        "status",
        "published_at",
        "seeking_until",
        "renewal_reminded_for",
        "created_at",
        "updated_at",
    )
    fieldsets = (
        (None, {"fields": ("title", "status", ("new_status", "status_note"))}),
        (
            _("Description"),
            {"fields": ("summary", "objectives", "strategy", "materials", "value_chain_stages")},
        ),
        (
            _("Readiness, funding, schedule"),
            {
                "fields": (
                    ("trl_current", "trl_target"),
                    ("funding_programme", "funding_other"),
                    "budget_range",
                    ("duration_months", "planned_start"),
                )
            },
        ),
        (
            _("People and links"),
            {"fields": ("proposer", "organisation", "contact_person", "barriers", "is_demo")},
        ),
        (
            _("Dates"),
            {
                "fields": (
                    "published_at",
                    "seeking_until",
                    "renewal_reminded_for",
                    "created_at",
                    "updated_at",
                )
            },
        ),
    )
    inlines = [PartnerNeedInline, PilotApplicationInline, PilotEventInline]
    actions = ["renew_listing"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # The user admin orders by an annotation of its own queryset; give the
        # person fields a plain queryset so the change form can be built.
        if db_field.name in ("proposer", "contact_person"):
            kwargs["queryset"] = User.objects.order_by("last_name", "first_name")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                open_need_count=Count(
                    "needs", filter=Q(needs__status=PartnerNeed.Status.OPEN), distinct=True
                ),
                pending_count=Count(
                    "applications",
                    filter=Q(applications__status=PilotApplication.Status.PENDING),
                    distinct=True,
                ),
            )
        )

    @admin.display(description=_("open needs"), ordering="open_need_count")
    def open_needs(self, obj):
        return obj.open_need_count

    @admin.display(description=_("pending applications"), ordering="pending_count")
    def pending_applications(self, obj):
        return obj.pending_count

    def save_model(self, request, obj, form, change):
        if not change and obj.proposer_id is None:
            obj.proposer = request.user
        super().save_model(request, obj, form, change)
        target = form.cleaned_data.get("new_status")
        if target and change:
            try:
                services.change_status(
                    obj,
                    by=request.user,
                    to_status=target,
                    note=form.cleaned_data.get("status_note", ""),
                )
            except services.PilotError as error:
                messages.error(request, str(error))

    @admin.action(description=_("Renew the search for partners (six months)"))
    def renew_listing(self, request, queryset):
        renewed = 0
        for pilot in queryset:
            try:
                services.renew_listing(pilot, by=request.user)
            except services.PilotError as error:
                messages.warning(request, f"{pilot}: {error}")
            else:
                renewed += 1
        messages.success(
            request,
            ngettext("%d search renewed.", "%d searches renewed.", renewed) % renewed,
        )


@admin.register(PilotApplication)
class PilotApplicationAdmin(admin.ModelAdmin):
    list_display = ("organisation", "pilot_link", "need", "status", "applicant", "created_at")
    list_filter = ("status",)
    list_select_related = ("organisation", "pilot", "need", "applicant")
    search_fields = ("organisation__name", "pilot__title", "applicant__email")
    readonly_fields = (
        "pilot",
        "need",
        "organisation",
        "applicant",
        "message",
        "status",
        "decided_by",
        "decided_at",
        "decision_note",
        "created_at",
    )
    actions = ["accept", "decline", "reopen"]

    def has_add_permission(self, request):
        return False

    @admin.display(description=_("pilot project"), ordering="pilot__title")
    def pilot_link(self, obj):
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:pilots_pilotproject_change", args=[obj.pilot_id]),
            obj.pilot,
        )

    def _run(self, request, queryset, operation, **kwargs):
        done = 0
        for application in queryset.select_related("pilot", "need", "organisation"):
            try:
                operation(application, by=request.user, **kwargs)
            except services.PilotError as error:
                messages.warning(request, f"{application}: {error}")
            else:
                done += 1
        messages.success(
            request,
            ngettext("%d application changed.", "%d applications changed.", done) % done,
        )

    @admin.action(description=_("Accept (the organisation joins the consortium)"))
    def accept(self, request, queryset):
        self._run(request, queryset, services.accept_application)

    @admin.action(description=_("Decline"))
    def decline(self, request, queryset):
        self._run(request, queryset, services.decline_application)

    @admin.action(description=_("Reopen (allow a new application)"))
    def reopen(self, request, queryset):
        self._run(request, queryset, services.reopen_application)


@admin.register(PilotComment)
class PilotCommentAdmin(admin.ModelAdmin):
    list_display = ("__str__", "pilot", "author", "created_at", "removed_at")
    list_filter = ("removed_at",)
    list_select_related = ("pilot", "author")
    search_fields = ("body", "pilot__title", "author__email")
    readonly_fields = ("pilot", "author", "created_at", "edited_at", "removed_at", "removed_by")
    actions = ["remove"]

    def has_add_permission(self, request):
        return False

    @admin.action(description=_("Remove (the text is kept for the record)"))
    def remove(self, request, queryset):
        for comment in queryset:
            try:
                remove_comment(comment, by=request.user)
            except CommentError as error:
                messages.warning(request, str(error))
