from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm
from django.db import models
from django.db.models import Case, IntegerField, Value, When
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import services
from .models import Notification, Organisation, User


class UserCreationForm(AdminUserCreationForm):
    class Meta:
        model = User
        fields = ("email",)


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (sent to the person)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    add_form = UserCreationForm
    ordering = ("-date_joined",)
    list_display = (
        "email",
        "full_name",
        "organisation",
        "organisation_type",
        "status",
        "role",
        "suggested_role_display",
        "date_joined",
    )
    list_filter = ("status", "role", "organisation__kind", "is_demo", "is_active")
    list_select_related = ("organisation",)
    search_fields = ("email", "first_name", "last_name", "organisation__name")
    readonly_fields = (
        "status_changed_at",
        "status_changed_by",
        "privacy_consent_at",
        "last_login",
        "date_joined",
    )
    autocomplete_fields = ("organisation",)
    filter_horizontal = ("materials", "value_chain_stages", "groups", "user_permissions")
    actions = ["approve_as_member", "approve_as_ministry", "reject"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (
            _("Person"),
            {"fields": ("first_name", "last_name", "position", "organisation", "language")},
        ),
        (
            _("Membership"),
            {
                "fields": (
                    "status",
                    "role",
                    "rejection_reason",
                    "status_changed_at",
                    "status_changed_by",
                    "privacy_consent_at",
                )
            },
        ),
        (
            _("Preferences"),
            {
                "fields": (
                    "show_in_directory",
                    "digest_frequency",
                    "notification_settings",
                    "materials",
                    "value_chain_stages",
                )
            },
        ),
        (
            _("Access"),
            {
                "classes": ("collapse",),
                "fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions"),
            },
        ),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)

    def get_ordering(self, request):
        # Pending members first: they are what the coordinator has to act on.
        # An expression, not an annotation, so every queryset of users (also
        # the choices of user fields in other admins) can be ordered by it.
        pending_first = Case(
            When(status=User.Status.PENDING, then=Value(0)),
            default=Value(1),
            output_field=IntegerField(),
        )
        return [pending_first.asc(), "-date_joined"]

    @admin.display(description=_("name"), ordering="last_name")
    def full_name(self, obj: User) -> str:
        return obj.get_full_name()

    @admin.display(description=_("organisation type"), ordering="organisation__kind")
    def organisation_type(self, obj: User) -> str:
        return obj.organisation.get_kind_display() if obj.organisation else "–"

    @admin.display(description=_("suggested role"))
    def suggested_role_display(self, obj: User) -> str:
        return User.Role(obj.suggested_role).label

    def save_model(self, request, obj, form, change):
        if not change:
            super().save_model(request, obj, form, change)
            return
        changed = set(form.changed_data)
        new_status, new_role = obj.status, obj.role
        if "status" in changed or "role" in changed:
            # Decisions go through the services (emails, sessions, staff flag).
            original = User.objects.get(pk=obj.pk)
            obj.status, obj.role = original.status, original.role
        super().save_model(request, obj, form, change)
        if "status" in changed:
            if new_status == User.Status.APPROVED:
                services.approve_member(obj, by=request.user)
            elif new_status == User.Status.REJECTED:
                services.reject_member(obj, by=request.user, reason=obj.rejection_reason)
            else:
                obj.status = new_status
                obj.save(update_fields=["status"])
        if "role" in changed:
            services.set_role(obj, new_role, by=request.user)

    def _approve(self, request, queryset, role: str) -> None:
        count = 0
        for user in queryset:
            services.approve_member(user, by=request.user, role=role)
            count += 1
        self.message_user(
            request,
            ngettext("%(count)d member approved.", "%(count)d members approved.", count)
            % {"count": count},
            messages.SUCCESS,
        )

    @admin.action(description=_("Approve selected as members"))
    def approve_as_member(self, request, queryset):
        self._approve(request, queryset, User.Role.MEMBER)

    @admin.action(description=_("Approve selected as ministry members"))
    def approve_as_ministry(self, request, queryset):
        self._approve(request, queryset, User.Role.MINISTRY)

    @admin.action(description=_("Reject selected"))
    def reject(self, request, queryset):
        if "apply" in request.POST:
            form = RejectForm(request.POST)
            if form.is_valid():
                count = 0
                for user in queryset:
                    try:
                        services.reject_member(
                            user, by=request.user, reason=form.cleaned_data["reason"]
                        )
                    except services.MembershipError as error:
                        self.message_user(request, f"{user}: {error}", messages.ERROR)
                        continue
                    count += 1
                self.message_user(
                    request,
                    ngettext("%(count)d member rejected.", "%(count)d members rejected.", count)
                    % {"count": count},
                    messages.SUCCESS,
                )
                return None
        else:
            form = RejectForm()
        return TemplateResponse(
            request,
            "admin/members/reject_confirmation.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Reject memberships"),
                "form": form,
                "queryset": queryset,
                "opts": self.model._meta,
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            },
        )


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = ("name", "kind", "city", "created_at", "is_demo")
    list_filter = ("kind", "is_demo", "value_chain_stages")
    search_fields = ("name", "city")
    prepopulated_fields = {"slug": ("name",)}
    filter_horizontal = ("value_chain_stages", "materials")


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("title", "recipient", "kind", "created_at", "emailed_at", "digested_at")
    list_filter = ("kind",)
    search_fields = ("title", "recipient__email")
    list_select_related = ("recipient",)
    readonly_fields = [f.name for f in Notification._meta.fields]

    def has_add_permission(self, request):
        return False
