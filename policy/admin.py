"""The coordinator manages the radar here: items with key dates and updates inline.

A new update saved in the inline goes through `services.add_update`, so its
followers are notified exactly once; editing an existing update notifies
nobody.
"""

from django import forms
from django.contrib import admin, messages
from django.db import models
from django.db.models import Count
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import services
from .models import PolicyFollow, PolicyItem, PolicyKeyDate, PolicyUpdate


class PolicyKeyDateInline(admin.StackedInline):
    model = PolicyKeyDate
    extra = 0
    classes = ["collapse"]
    fields = ("date", "precision", "kind", "label", "label_en", "needs_review")


class PolicyUpdateInline(admin.StackedInline):
    model = PolicyUpdate
    extra = 1
    fields = ("date", "title", "body", "author", "created_at")
    readonly_fields = ("author", "created_at")
    ordering = ("-date", "-created_at")
    verbose_name = _("update")
    verbose_name_plural = _("updates (newest first; a new one is sent to the followers)")


@admin.register(PolicyItem)
class PolicyItemAdmin(admin.ModelAdmin):
    list_display = (
        "__str__",
        "level",
        "kind",
        "status",
        "status_as_of",
        "needs_review",
        "update_count",
        "follower_count",
    )
    list_filter = ("needs_review", "level", "kind", "status", "verification", "is_demo")
    search_fields = ("title", "title_en", "short_name", "reference", "import_key")
    prepopulated_fields = {"slug": ("short_name",)}
    readonly_fields = ("import_key", "created_at", "updated_at")
    inlines = [PolicyUpdateInline, PolicyKeyDateInline]
    formfield_overrides = {
        models.URLField: {"assume_scheme": "https"},
        # Checkboxes instead of the two-list widget: labelled, no inline styles (CSP).
        models.ManyToManyField: {"widget": forms.CheckboxSelectMultiple},
    }
    actions = ["mark_reviewed"]
    fieldsets = (
        (None, {"fields": ("short_name", "title", "title_en", "slug", "reference", "source_url")}),
        (_("Classification"), {"fields": ("level", "kind", "status", "status_as_of")}),
        (
            _("Texts"),
            {"fields": ("summary", "summary_en", "relevance", "relevance_en")},
        ),
        (_("Concerns"), {"fields": ("materials", "value_chain_stages")}),
        (
            _("Review"),
            {"fields": ("needs_review", "verification", "unverified_details")},
        ),
        (_("Record"), {"fields": ("import_key", "is_demo", "created_at", "updated_at")}),
    )

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                num_updates=Count("updates", distinct=True),
                num_followers=Count("follows", distinct=True),
            )
        )

    @admin.display(description=_("updates"), ordering="num_updates")
    def update_count(self, obj: PolicyItem) -> int:
        return obj.num_updates

    @admin.display(description=_("followers"), ordering="num_followers")
    def follower_count(self, obj: PolicyItem) -> int:
        return obj.num_followers

    @admin.action(description=_("Mark selected as reviewed"))
    def mark_reviewed(self, request, queryset):
        count = services.mark_reviewed(queryset)
        self.message_user(
            request,
            ngettext(
                "%(count)d item marked as reviewed.", "%(count)d items marked as reviewed.", count
            )
            % {"count": count},
            messages.SUCCESS,
        )

    def save_formset(self, request, form, formset, change):
        if formset.model is not PolicyUpdate:
            super().save_formset(request, form, formset, change)
            return
        for obj in formset.save(commit=False):
            if obj.pk is None:
                # New updates are published through the service: followers are told once.
                update = services.add_update(
                    form.instance,
                    title=obj.title,
                    body=obj.body,
                    date=obj.date,
                    author=request.user,
                )
                obj.pk, obj.created_at, obj.author = update.pk, update.created_at, update.author
            else:
                obj.save()
        for obj in formset.deleted_objects:
            obj.delete()
        formset.save_m2m()


@admin.register(PolicyFollow)
class PolicyFollowAdmin(admin.ModelAdmin):
    list_display = ("item", "user", "created_at")
    list_filter = ("item",)
    search_fields = ("item__short_name", "item__title", "user__email")
    list_select_related = ("item", "user")
    readonly_fields = ("item", "user", "created_at")

    def has_add_permission(self, request):
        return False
