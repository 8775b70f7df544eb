from django.contrib import admin, messages
from django.db.models import Count
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import mail
from .models import LegalInformation, Material, OutgoingEmail, ValueChainStage


@admin.register(ValueChainStage)
class ValueChainStageAdmin(admin.ModelAdmin):
    list_display = ("label_de", "label_en", "order", "slug")
    list_editable = ("order",)
    search_fields = ("label_de", "label_en", "slug")


@admin.register(Material)
class MaterialAdmin(admin.ModelAdmin):
    list_display = (
        "label_de",
        "label_en",
        "group",
        "is_primary",
        "crma_strategic",
        "crma_critical",
    )
    list_filter = ("is_primary", "group", "crma_strategic", "crma_critical")
    search_fields = ("label_de", "label_en", "slug")


@admin.register(OutgoingEmail)
class OutgoingEmailAdmin(admin.ModelAdmin):
    """The outbox log: what was queued, sent and failed, with the errors."""

    list_display = ("created_at", "subject", "to_email", "topic", "status", "attempts", "sent_at")
    list_filter = ("status", "template", "topic")
    search_fields = ("to_email", "subject", "key", "topic")
    date_hierarchy = "created_at"
    actions = ["resend"]
    readonly_fields = [field.name for field in OutgoingEmail._meta.fields]
    list_per_page = 100

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        # Progress at a glance: how many rows per status in the current filter.
        response = super().changelist_view(request, extra_context)
        changelist = getattr(response, "context_data", {}).get("cl")
        if changelist is not None:
            counts = dict(
                changelist.queryset.order_by()
                .values_list("status")
                .annotate(n=Count("pk"))
                .values_list("status", "n")
            )
            response.context_data["status_counts"] = [
                (label, counts.get(value, 0)) for value, label in OutgoingEmail.Status.choices
            ]
        return response

    @admin.action(description=_("Send failed emails again"))
    def resend(self, request, queryset):
        count = mail.resend(queryset)
        self.message_user(
            request,
            ngettext("%(count)d email queued again.", "%(count)d emails queued again.", count)
            % {"count": count},
            messages.SUCCESS,
        )


@admin.register(LegalInformation)
class LegalInformationAdmin(admin.ModelAdmin):
    list_display = ("operator_name", "city", "email", "updated_at")

    def has_add_permission(self, request):
        return not LegalInformation.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False
