"""The coordinator's triage: filters, bulk status changes and merging, all through services."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import services
from .models import (
    Barrier,
    BarrierComment,
    BarrierEvent,
    Endorsement,
    EvidenceFile,
    OfficialResponse,
    Responsibility,
)

S = Barrier.Status


class OverdueFilter(admin.SimpleListFilter):
    title = _("answer overdue")
    parameter_name = "overdue"

    def lookups(self, request, model_admin):
        return [("yes", _("Overdue")), ("soon", _("Due within 14 days"))]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        if self.value() == "yes":
            return queryset.filter(status=S.FORWARDED, answer_by__lt=today)
        if self.value() == "soon":
            return queryset.filter(
                status=S.FORWARDED,
                answer_by__gte=today,
                answer_by__lte=today + timezone.timedelta(days=14),
            )
        return queryset


class EventInline(admin.TabularInline):
    model = BarrierEvent
    extra = 0
    can_delete = False
    fields = ["created_at", "actor", "kind", "from_status", "to_status", "note"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


class EvidenceInline(admin.TabularInline):
    model = EvidenceFile
    extra = 0
    fields = ["original_name", "size", "uploaded_by", "created_at"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


class ResponseInline(admin.StackedInline):
    model = OfficialResponse
    extra = 0
    fields = ["author", "organisation", "body", "created_at"]
    readonly_fields = ["author", "organisation", "created_at"]

    def has_add_permission(self, request, obj=None):
        return False


def _status_action(to_status: str, label):
    def action(modeladmin, request: HttpRequest, queryset: QuerySet[Barrier]):
        changed, skipped = services.bulk_change_status(
            list(queryset), by=request.user, to_status=to_status
        )
        modeladmin.message_user(
            request,
            ngettext("%(count)d barrier changed.", "%(count)d barriers changed.", changed)
            % {"count": changed},
            messages.SUCCESS,
        )
        if skipped:
            modeladmin.message_user(
                request,
                ngettext(
                    "%(count)d barrier skipped: this step is not possible from its status.",
                    "%(count)d barriers skipped: this step is not possible from their status.",
                    skipped,
                )
                % {"count": skipped},
                messages.WARNING,
            )

    action.__name__ = f"set_{to_status}"
    action.short_description = label
    return action


@admin.register(Barrier)
class BarrierAdmin(admin.ModelAdmin):
    list_display = [
        "pk",
        "title",
        "status",
        "category",
        "level",
        "endorsing_organisation_count",
        "endorsement_count",
        "comment_count",
        "is_anonymous",
        "answer_by",
        "overdue",
        "demo_label",
        "created_at",
    ]
    list_display_links = ["pk", "title"]
    list_filter = [
        "status",
        OverdueFilter,
        "category",
        "need_type",
        "level",
        "root_cause",
        "is_anonymous",
        "is_demo",
        "organisation__kind",
    ]
    search_fields = ["title", "description", "organisation__name", "author__email"]
    list_select_related = ["organisation"]
    list_per_page = 50
    show_full_result_count = False
    date_hierarchy = "created_at"
    autocomplete_fields = ["organisation"]
    raw_id_fields = ["author", "policy_item"]
    filter_horizontal = ["materials", "value_chain_stages"]
    readonly_fields = [
        "status",
        "status_changed_at",
        "merged_into",
        "forwarded_level",
        "forwarded_to",
        "forwarded_at",
        "answer_by",
        "answered_at",
        "rejection_reason",
        "endorsement_count",
        "endorsing_organisation_count",
        "comment_count",
        "created_at",
        "updated_at",
        "demo_key",
    ]
    fieldsets = [
        (None, {"fields": ["title", "description", "proposed_solution", "impact", "severity"]}),
        (
            _("Classification"),
            {
                "fields": [
                    "category",
                    "subcategory",
                    "need_type",
                    "level",
                    "root_cause",
                    "materials",
                    "value_chain_stages",
                    "policy_item",
                    "regulation_text",
                ]
            },
        ),
        (
            _("Submitter"),
            {
                "fields": [
                    "author",
                    "organisation",
                    "is_anonymous",
                    "on_behalf",
                    "on_behalf_names",
                    "is_demo",
                    "demo_key",
                ]
            },
        ),
        (
            _("Workflow (change on the barrier page or with the list actions)"),
            {
                "fields": [
                    "status",
                    "status_changed_at",
                    "rejection_reason",
                    "merged_into",
                    "forwarded_level",
                    "forwarded_to",
                    "forwarded_at",
                    "answer_by",
                    "answered_at",
                    "endorsement_count",
                    "endorsing_organisation_count",
                    "comment_count",
                    "created_at",
                    "updated_at",
                ]
            },
        ),
    ]
    inlines = [ResponseInline, EvidenceInline, EventInline]
    actions = [
        _status_action(S.IN_REVIEW, _("Set selected barriers to “In review”")),
        _status_action(S.PUBLISHED, _("Publish selected barriers")),
        _status_action(S.DEFERRED, _("Defer selected barriers")),
        _status_action(S.RESOLVED, _("Mark selected barriers as resolved")),
        "merge_selected",
    ]

    @admin.display(description=_("overdue"), boolean=True)
    def overdue(self, barrier: Barrier) -> bool:
        return barrier.is_overdue

    @admin.display(description=_("demo content"), ordering="is_demo")
    def demo_label(self, barrier: Barrier) -> str:
        return str(_("Demo")) if barrier.is_demo else ""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # The member admin orders by an annotation that a plain choice list lacks.
        if db_field.name == "author":
            kwargs["queryset"] = db_field.related_model.objects.all()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change:
            services.record_event(obj, actor=request.user, kind="edited")

    @admin.action(description=_("Merge selected barriers into one of them"))
    def merge_selected(self, request: HttpRequest, queryset: QuerySet[Barrier]):
        barriers = list(queryset.exclude(status__in=[S.MERGED, S.REJECTED]).order_by("pk"))
        if len(barriers) < 2:
            self.message_user(
                request,
                _("Select at least two barriers that are neither merged nor rejected."),
                messages.ERROR,
            )
            return None
        target_pk = request.POST.get("target")
        if request.POST.get("apply") and target_pk:
            target = next((b for b in barriers if str(b.pk) == target_pk), None)
            if target is None:
                self.message_user(request, _("Please choose the target."), messages.ERROR)
                return None
            merged = 0
            for source in barriers:
                if source.pk == target.pk:
                    continue
                try:
                    services.merge_barriers(
                        source, into=target, by=request.user, note=request.POST.get("note", "")
                    )
                except services.BarrierError as error:
                    self.message_user(request, f"#{source.pk}: {error}", messages.ERROR)
                else:
                    merged += 1
            self.message_user(
                request,
                ngettext(
                    "%(count)d barrier merged into #%(target)d.",
                    "%(count)d barriers merged into #%(target)d.",
                    merged,
                )
                % {"count": merged, "target": target.pk},
                messages.SUCCESS,
            )
            return None
        return TemplateResponse(
            request,
            "admin/barriers/barrier/merge.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Merge barriers"),
                "barriers": barriers,
                "opts": self.model._meta,
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            },
        )


@admin.register(Endorsement)
class EndorsementAdmin(admin.ModelAdmin):
    list_display = ["barrier", "user", "organisation", "created_at"]
    list_select_related = ["barrier", "user", "organisation"]
    search_fields = ["barrier__title", "user__email", "organisation__name"]
    raw_id_fields = ["barrier", "user", "organisation"]


@admin.register(BarrierComment)
class BarrierCommentAdmin(admin.ModelAdmin):
    list_display = ["barrier", "author", "created_at", "removed_at", "hide_author"]
    list_filter = ["removed_at", "hide_author"]
    list_select_related = ["barrier", "author"]
    search_fields = ["body", "barrier__title"]
    raw_id_fields = ["barrier", "author", "removed_by"]


@admin.register(Responsibility)
class ResponsibilityAdmin(admin.ModelAdmin):
    list_display = ["organisation", "level"]
    list_filter = ["level"]
    autocomplete_fields = ["organisation"]
