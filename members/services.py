"""Operations on members, organisations and notifications."""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from thementisch import mail
from thementisch.queue import enqueue_on_commit

from . import extensions
from .models import Notification, Organisation, User

NOTIFICATION_BUNDLE_MINUTES = 15


class MembershipError(Exception):
    """A membership decision that cannot be taken; the message says why."""


# --- organisations ----------------------------------------------------------


def unique_slug(name: str, *, model=Organisation, exclude_pk: int | None = None) -> str:
    base = slugify(name)[:180] or "organisation"
    slug, number = base, 2
    existing = model.objects.exclude(pk=exclude_pk)
    while existing.filter(slug=slug).exists():
        slug, number = f"{base}-{number}", number + 1
    return slug


def create_organisation(*, name: str, kind: str, **fields: Any) -> Organisation:
    """Create an organisation with a unique address (slug)."""
    name = " ".join(name.split())
    return Organisation.objects.create(name=name, kind=kind, slug=unique_slug(name), **fields)


# --- signup and approval ----------------------------------------------------


@transaction.atomic
def complete_signup(
    user: User,
    *,
    first_name: str,
    last_name: str,
    organisation: Organisation | None,
    new_organisation_name: str = "",
    new_organisation_kind: str = "",
    position: str = "",
    show_in_directory: bool = True,
    language: str | None = None,
) -> User:
    """Fill in a new account from the signup form: name, organisation, consent.

    Creates the organisation when the member named a new one. The account
    stays pending until a coordinator decides.
    """
    if organisation is None:
        organisation = create_organisation(name=new_organisation_name, kind=new_organisation_kind)
    user.first_name = first_name.strip()
    user.last_name = last_name.strip()
    user.organisation = organisation
    user.position = position.strip()
    user.show_in_directory = show_in_directory
    user.language = (language or translation.get_language() or "de")[:2]
    if user.language not in User.Language.values:
        user.language = User.Language.GERMAN
    user.privacy_consent_at = timezone.now()
    user.status = User.Status.PENDING
    user.role = User.Role.MEMBER
    user.save()
    return user


def coordinators():
    return User.objects.filter(
        is_active=True, status=User.Status.APPROVED, role=User.Role.COORDINATOR
    )


@transaction.atomic
def announce_pending_member(user: User) -> int:
    """Email every coordinator that `user` confirmed the address and waits.

    Called once the email address is confirmed. Idempotent per coordinator.
    Returns the number of coordinators told.
    """
    if user.status != User.Status.PENDING:
        return 0
    admin_url = mail.absolute_url(reverse("admin:members_user_change", args=[user.pk]))
    told = 0
    for coordinator in coordinators():
        mail.queue_email_to_user(
            coordinator,
            key=f"membership:pending:user:{user.pk}:coordinator:{coordinator.pk}",
            template="membership_pending",
            context={"member": user, "admin_url": admin_url},
            topic="membership",
        )
        told += 1
    return told


@transaction.atomic
def approve_member(user: User, *, by: User | None, role: str | None = None) -> User:
    """Approve a membership, optionally with a role, and email the member.

    Raises MembershipError for an account without confirmed signup data.
    """
    if user.status == User.Status.APPROVED and (role is None or role == user.role):
        return user
    user.status = User.Status.APPROVED
    user.status_changed_at = timezone.now()
    user.status_changed_by = by
    user.rejection_reason = ""
    user.is_active = True
    user.save(
        update_fields=[
            "status",
            "status_changed_at",
            "status_changed_by",
            "rejection_reason",
            "is_active",
        ]
    )
    if role is not None:
        set_role(user, role, by=by)
    mail.queue_email_to_user(
        user,
        key=f"membership:approved:user:{user.pk}:{user.status_changed_at:%Y%m%d%H%M%S}",
        template="membership_approved",
        context={"member": user, "login_url": mail.absolute_url(reverse("account_login"))},
        topic="membership",
    )
    return user


@transaction.atomic
def reject_member(user: User, *, by: User | None, reason: str = "") -> User:
    """Reject a membership: the account can no longer log in; the person is emailed."""
    if user.is_superuser:
        raise MembershipError(_("An administrator account cannot be rejected."))
    user.status = User.Status.REJECTED
    user.status_changed_at = timezone.now()
    user.status_changed_by = by
    user.rejection_reason = reason
    user.is_active = False
    user.is_staff = False
    user.save(
        update_fields=[
            "status",
            "status_changed_at",
            "status_changed_by",
            "rejection_reason",
            "is_active",
            "is_staff",
        ]
    )
    end_sessions(user)
    mail.queue_email_to_user(
        user,
        key=f"membership:rejected:user:{user.pk}:{user.status_changed_at:%Y%m%d%H%M%S}",
        template="membership_rejected",
        context={"member": user, "reason": reason},
        topic="membership",
    )
    return user


def set_role(user: User, role: str, *, by: User | None = None) -> User:
    """Give an approved member a role; coordinators get the admin."""
    if role not in User.Role.values:
        raise MembershipError(_("Unknown role."))
    user.role = role
    is_coordinator = role == User.Role.COORDINATOR
    user.is_staff = is_coordinator
    # Coordinators run the whole admin; a createsuperuser account stays superuser.
    user.is_superuser = is_coordinator or (user.is_superuser and not by)
    user.save(update_fields=["role", "is_staff", "is_superuser"])
    return user


def end_sessions(user: User) -> None:
    """Log the user out everywhere (membership revoked, account deleted)."""
    from allauth.usersessions.models import UserSession

    for session in UserSession.objects.filter(user=user):
        session.end()


def purge_unconfirmed_signups(*, days: int = 14) -> int:
    """Delete accounts whose email was never confirmed within `days`. Returns the count."""
    cutoff = timezone.now() - timedelta(days=days)
    stale = User.objects.filter(
        status=User.Status.PENDING, date_joined__lt=cutoff, last_login__isnull=True
    ).exclude(emailaddress__verified=True)
    count = 0
    for user in stale:
        user.delete()
        count += 1
    return count


# --- profile and privacy ----------------------------------------------------


@transaction.atomic
def update_profile(user: User, *, data: dict[str, Any]) -> User:
    """Save the member's own profile fields and interests."""
    for field in (
        "first_name",
        "last_name",
        "position",
        "language",
        "show_in_directory",
        "digest_frequency",
    ):
        if field in data:
            setattr(user, field, data[field])
    user.save()
    if "materials" in data:
        user.materials.set(data["materials"])
    if "value_chain_stages" in data:
        user.value_chain_stages.set(data["value_chain_stages"])
    return user


def export_personal_data(user: User) -> dict[str, Any]:
    """Everything the portal stores about `user`, as JSON-ready data (Art. 15/20 GDPR)."""
    from allauth.account.models import EmailAddress
    from allauth.mfa.models import Authenticator

    organisation = user.organisation
    data: dict[str, Any] = {
        "exported_at": timezone.now().isoformat(),
        "account": {
            "email": user.email,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "position": user.position,
            "organisation": organisation.name if organisation else None,
            "role": user.role,
            "membership": user.status,
            "language": user.language,
            "show_in_directory": user.show_in_directory,
            "digest_frequency": user.digest_frequency,
            "notification_settings": user.notification_settings,
            "materials_of_interest": [m.slug for m in user.materials.all()],
            "value_chain_stages_of_interest": [s.slug for s in user.value_chain_stages.all()],
            "privacy_consent_at": _iso(user.privacy_consent_at),
            "date_joined": _iso(user.date_joined),
            "last_login": _iso(user.last_login),
            "membership_decided_at": _iso(user.status_changed_at),
        },
        "email_addresses": [
            {"email": a.email, "verified": a.verified, "primary": a.primary}
            for a in EmailAddress.objects.filter(user=user)
        ],
        "two_factor_methods": [
            {"type": a.type, "created_at": _iso(a.created_at)}
            for a in Authenticator.objects.filter(user=user)
        ],
        "notifications": [
            {
                "kind": n.kind,
                "title": n.title,
                "created_at": _iso(n.created_at),
                "emailed_at": _iso(n.emailed_at),
            }
            for n in user.notifications.all()
        ],
        "emails_sent": [
            {"subject": e.subject, "status": e.status, "created_at": _iso(e.created_at)}
            for e in mail.OutgoingEmail.objects.filter(recipient=user)
        ],
    }
    for key, exporter in sorted(extensions.exporters.items()):
        data[key] = exporter.function(user)
    return data


def _iso(value) -> str | None:
    return value.isoformat() if value else None


@transaction.atomic
def delete_account(user: User) -> None:
    """Delete the account and the personal data; contributions stay, authorless.

    Ends all sessions and removes outbox rows addressed to the member.
    """
    end_sessions(user)
    mail.OutgoingEmail.objects.filter(recipient=user).delete()
    mail.OutgoingEmail.objects.filter(to_email__iexact=user.email).delete()
    user.delete()


# --- notifications ----------------------------------------------------------


def notify(
    recipient: User,
    *,
    kind: str,
    title: Any,
    body: Any = "",
    url: str = "",
    key: str | None = None,
) -> Notification | None:
    """Tell one member about something that concerns them.

    `title` and `body` may be lazy translations (format_lazy): they are
    rendered in the recipient's language. Stored first; mailed after commit
    unless the member chose digest or off for `kind`. A repeated `key`
    returns None and changes nothing. Nobody is notified of their own action
    by the callers' choice, not here.
    """
    if not recipient.is_active or recipient.status != User.Status.APPROVED:
        return None
    if key and Notification.objects.filter(key=key).exists():
        return None
    with translation.override(recipient.language or settings.LANGUAGE_CODE):
        notification = Notification.objects.create(
            recipient=recipient,
            kind=kind,
            key=key,
            title=str(title)[:300],
            body=str(body),
            url=url,
        )
    if recipient.notification_mode(kind) == Notification.Mode.INSTANT:
        from .tasks import deliver_notifications_task

        enqueue_on_commit(deliver_notifications_task, recipient.pk)
    return notification


@transaction.atomic
def deliver_notifications(user: User, *, now=None) -> int:
    """Mail the member's new instant notifications as one message.

    Bundles: if a notification mail went out less than
    NOTIFICATION_BUNDLE_MINUTES ago, waits for the beat task. Kinds set to
    digest or off are left for the digest. Returns how many were mailed.
    """
    now = now or timezone.now()
    pending = list(
        Notification.objects.select_for_update()
        .filter(recipient=user, emailed_at__isnull=True, digested_at__isnull=True)
        .order_by("created_at")
    )
    instant = [n for n in pending if user.notification_mode(n.kind) == Notification.Mode.INSTANT]
    if not instant or not user.is_approved:
        return 0
    window = timedelta(minutes=NOTIFICATION_BUNDLE_MINUTES)
    last = (
        Notification.objects.filter(recipient=user, emailed_at__isnull=False)
        .order_by("-emailed_at")
        .values_list("emailed_at", flat=True)
        .first()
    )
    if last is not None and now - last < window:
        return 0
    mail.queue_email_to_user(
        user,
        key=f"notify:user:{user.pk}:{instant[0].pk}",
        template="notifications",
        context={
            "member": user,
            "notifications": instant,
            "profile_url": mail.absolute_url(reverse("members:profile")),
        },
        topic="notifications",
    )
    Notification.objects.filter(pk__in=[n.pk for n in instant]).update(emailed_at=now)
    return len(instant)


def deliver_due_notifications() -> int:
    """Mail the bundles that waited for the 15-minute window (beat, every minute).

    Only members with pending notifications of a kind they want immediately
    are looked at: those kept for the digest (or switched off) wait without
    costing a query per member and minute.
    """
    pending = (
        Notification.objects.filter(emailed_at__isnull=True, digested_at__isnull=True)
        .values_list("recipient_id", "kind")
        .distinct()
    )
    kinds: dict[int, set[str]] = {}
    for recipient_id, kind in pending:
        kinds.setdefault(recipient_id, set()).add(kind)
    mailed = 0
    for user in User.objects.filter(pk__in=list(kinds)):
        if any(
            user.notification_mode(kind) == Notification.Mode.INSTANT for kind in kinds[user.pk]
        ):
            mailed += deliver_notifications(user)
    return mailed


def set_notification_modes(user: User, *, modes: dict[str, str]) -> User:
    """Save how the member wants each kind of notification: instant, digest or off.

    Kinds not in `modes` keep their setting. Pending notifications of a kind
    switched to "immediately" go out with the next bundle (beat, every minute).
    Raises ValueError for an unknown mode.
    """
    for kind, mode in modes.items():
        if mode not in Notification.Mode.values:
            raise ValueError(f"unknown notification mode {mode!r} for {kind!r}")
    user.notification_settings = {**(user.notification_settings or {}), **modes}
    user.save(update_fields=["notification_settings"])
    return user


def renew_feed_token(user: User) -> str:
    """Replace the member's secret feed token; old calendar/feed URLs stop working."""
    user.feed_token = secrets.token_urlsafe(24)
    user.save(update_fields=["feed_token"])
    return user.feed_token
