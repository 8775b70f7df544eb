"""Turning member digests into outbox rows: text and HTML in the member's language.

A section looks the same for every member who gets the same items (the new
barriers for the same interests, the same policy updates, the new
organisations): it is rendered once per language and reused, which keeps
10,000 digests fast. Only what is personal (greeting, meetings with the
member's own answer links, notifications, unsubscribe link) is rendered per
member.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.template import engines
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from sessions.tokens import answer_urls
from thementisch import mail
from thementisch.models import OutgoingEmail

from .content import MemberDigest
from .tokens import unsubscribe_url

TEMPLATE = "digest"


@dataclass
class Section:
    name: str
    html: SafeString
    text: str


class Renderer:
    """Renders digests; remembers shared sections per language while it lives."""

    def __init__(self, *, preview: bool = False):
        # A preview (admin, test digest to the coordinator) must not carry the
        # member's working answer links: buttons lead to the meeting page.
        self.preview = preview
        self.memo: dict[tuple, Section] = {}
        self.text_engine = engines["text"]
        self.site_url = settings.SITE_URL

    def _render(self, name: str, context: dict[str, Any]) -> Section:
        context = {"site_url": self.site_url, **context}
        html = render_to_string(f"emails/digest/_{name}.html", context)
        text = self.text_engine.get_template(f"emails/digest/_{name}.txt").render(context)
        # Rendered by our own template with autoescaping on.
        return Section(name, mark_safe(html), text.strip())

    def _shared(self, name: str, key: tuple, context: dict[str, Any]) -> Section:
        memo_key = (name, get_language(), key)
        section = self.memo.get(memo_key)
        if section is None:
            section = self.memo[memo_key] = self._render(name, context)
        return section

    def sections(self, digest: MemberDigest) -> list[Section]:
        """The member's sections in reading order (only those with items)."""
        sections = []
        if digest.changes:
            key = tuple(
                (change.barrier.pk, change.role, tuple(event.pk for event in change.events))
                for change in digest.changes
            )
            sections.append(self._shared("changes", key, {"changes": digest.changes}))
        if digest.meetings:
            entries = []
            for entry in digest.meetings:
                links = self._answer_links(entry) if entry.answers_open else None
                entries.append({"entry": entry, "answer_urls": links})
            sections.append(self._render("meetings", {"entries": entries}))
        if digest.notifications:
            sections.append(self._render("notifications", {"notifications": digest.notifications}))
        if digest.barriers:
            key = (
                tuple(barrier.pk for barrier in digest.barriers),
                digest.barriers_more,
                digest.interests.source,
            )
            context = {
                "barriers": digest.barriers,
                "more": digest.barriers_more,
                "everything": digest.interests.everything,
                "list_url": self.site_url + reverse("barriers:list"),
            }
            sections.append(self._shared("barriers", key, context))
        if digest.pilots_fit or digest.pilots_new:
            key = (
                tuple((fit.pilot.pk, tuple(fit.reasons)) for fit in digest.pilots_fit),
                tuple(pilot.pk for pilot in digest.pilots_new),
                digest.pilots_more,
            )
            context = {
                "fits": digest.pilots_fit,
                "new": digest.pilots_new,
                "more": digest.pilots_more,
                "list_url": self.site_url + reverse("pilots:list"),
            }
            sections.append(self._shared("pilots", key, context))
        if digest.policy_followed or digest.policy_other:
            key = (
                tuple(update.pk for update in digest.policy_followed),
                tuple(update.pk for update in digest.policy_other),
                digest.policy_more,
            )
            context = {
                "followed": digest.policy_followed,
                "other": digest.policy_other,
                "more": digest.policy_more,
                "list_url": self.site_url + reverse("policy:list"),
            }
            sections.append(self._shared("policy", key, context))
        if digest.organisations:
            key = (tuple(org.pk for org in digest.organisations), digest.organisations_more)
            context = {
                "organisations": digest.organisations,
                "more": digest.organisations_more,
                "list_url": self.site_url + reverse("members:directory"),
            }
            sections.append(self._shared("organisations", key, context))
        return sections

    def _answer_links(self, entry) -> dict[str, str]:
        if self.preview:
            page = self.site_url + entry.meeting.get_absolute_url()
            return {"yes": page, "maybe": page, "no": page}
        return answer_urls(entry.invitation)

    def context(self, digest: MemberDigest, *, unsubscribe_for=None) -> dict[str, Any]:
        """The context of `templates/emails/digest/` for one member."""
        return {
            "member": digest.member,
            "period": digest.period,
            "digest": digest,
            "sections": self.sections(digest),
            "unsubscribe_url": unsubscribe_url(unsubscribe_for or digest.member),
            "preferences_url": mail.absolute_url(reverse("members:profile")) + "#email-settings",
            "is_preview": self.preview,
        }

    def row(
        self, digest: MemberDigest, *, key: str, to=None, topic: str = "", subject_prefix=""
    ) -> OutgoingEmail:
        """The outbox row of a digest (not saved): to the member, or to `to` for a test."""
        recipient = to or digest.member
        language = digest.member.language or settings.LANGUAGE_CODE
        with translation.override(language):
            context = self.context(digest, unsubscribe_for=recipient)
        subject, text, html = mail.render_email(TEMPLATE, context, language)
        return mail.build_email(
            key=key,
            to=recipient.email,
            to_name=recipient.get_full_name(),
            recipient=recipient,
            template=TEMPLATE,
            language=language,
            topic=topic or digest.period.topic,
            headers=unsubscribe_headers(context["unsubscribe_url"]),
            rendered=(f"{subject_prefix}{subject}", text, html),
        )


def unsubscribe_headers(url: str) -> dict[str, str]:
    """RFC 2369 / RFC 8058: one HTTPS URI in angle brackets, and the one-click POST."""
    return {
        "List-Unsubscribe": f"<{url}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        "List-Id": f"Thementisch Metall digest <digest.{settings.MAIL_DOMAIN}>",
    }
