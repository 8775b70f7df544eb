"""Turning member digests into outbox rows: text and HTML in the member's language.

Most of a digest looks the same for every member who gets the same items: a
barrier's row, the section of new barriers for the same interests, the policy
updates, the new organisations, and the frame of the mail around the
sections. Each is rendered once per language and reused, which keeps 10,000
digests fast. What is personal (the greeting's name, the member's own answer
links, the unsubscribe link) goes into marked places afterwards; the
notifications section is rendered per member.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.template import engines
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from sessions.tokens import ANSWERS, answer_urls
from thementisch import mail
from thementisch.models import OutgoingEmail

from .content import MemberDigest
from .tokens import UnsubscribeLinks

TEMPLATE = "digest"


# Marks for what differs between members in parts rendered once for many.
# NUL never occurs in rendered text, so a mark cannot collide with content.
NAME = "\x00name\x00"
SECTIONS = "\x00sections\x00"
UNSUBSCRIBE = "\x00unsubscribe\x00"


def _item(key: str, number: int) -> str:
    """The mark of stand-in item `number` (1 or 2) of the list `key` in a section frame."""
    return f"\x00item:{key}:{number}\x00"


def _join_items(rendered: str, key: str, items: list[str]) -> str:
    """`rendered` with `items` where its two stand-ins of list `key` are.

    What the template put between the two stand-ins goes between the items:
    the loop writes the same around every item.
    """
    first, second = _item(key, 1), _item(key, 2)
    start = rendered.index(first)
    end = rendered.index(second, start)
    between = rendered[start + len(first) : end]
    return rendered[:start] + between.join(items) + rendered[end + len(second) :]


def _answer_placeholder(meeting_id: int, answer: str) -> str:
    """The mark where the member's own answer link for `meeting_id` goes."""
    return f"\x00answer:{meeting_id}:{answer}\x00"


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
        self.frames: dict[tuple, tuple[str, str, str]] = {}
        self.list_frames: dict[tuple, Section] = {}
        self.preferences_url = mail.absolute_url(reverse("members:profile")) + "#email-settings"
        self.list_urls = {
            name: settings.SITE_URL + reverse(view)
            for name, view in [
                ("barriers", "barriers:list"),
                ("pilots", "pilots:list"),
                ("policy", "policy:list"),
                ("organisations", "members:directory"),
            ]
        }
        self.unsubscribe_urls = UnsubscribeLinks()
        # The language of the sections being rendered (set by `sections`).
        self.language = settings.LANGUAGE_CODE
        self.text_engine = engines["text"]
        self.site_url = settings.SITE_URL

    def _render(self, name: str, context: dict[str, Any]) -> Section:
        context = {"site_url": self.site_url, **context}
        html = render_to_string(f"emails/digest/_{name}.html", context)
        text = self.text_engine.get_template(f"emails/digest/_{name}.txt").render(context)
        # Rendered by our own template with autoescaping on.
        return Section(name, mark_safe(html.strip()), text.strip())

    def _shared(self, name: str, key: tuple, context: Callable[[], dict[str, Any]]) -> Section:
        """Render `name` once per language for `key`; `context` is only called then."""
        memo_key = (name, self.language, key)
        section = self.memo.get(memo_key)
        if section is None:
            section = self.memo[memo_key] = self._render(name, context())
        return section

    def _items(self, name: str, objects, key=lambda obj: obj.pk, variable: str = "") -> list:
        """One fragment per object (a barrier row, a pilot row, ...), rendered once per language."""
        variable = variable or name
        return [self._shared(name, (key(obj),), lambda obj=obj: {variable: obj}) for obj in objects]

    def _listed(
        self, name: str, lists: dict[str, list[Section]], context: dict[str, Any]
    ) -> Section:
        """A section that lists rendered items (new barriers, pilots, policy updates).

        Its template is rendered once per language and shape (which lists
        have items, the other values) with two stand-in items per list; the
        member's items then go where the stand-ins are, joined by what the
        template put between the two. So a section of any items costs no
        rendering (members' item lists differ more often than they match).
        """
        shape = (
            name,
            self.language,
            tuple((key, bool(items)) for key, items in lists.items()),
            tuple(sorted(context.items())),
        )
        frame = self.list_frames.get(shape)
        if frame is None:
            stand_ins = {
                key: [Section(name, mark_safe(_item(key, n)), _item(key, n)) for n in (1, 2)]
                if items
                else []
                for key, items in lists.items()
            }
            frame = self.list_frames[shape] = self._render(name, {**context, **stand_ins})
        html, text = str(frame.html), frame.text
        for key, items in lists.items():
            if items:
                html = _join_items(html, key, [str(item.html) for item in items])
                text = _join_items(text, key, [item.text for item in items])
        # Rendered by our own templates with autoescaping on.
        return Section(name, mark_safe(html), text)

    def sections(self, digest: MemberDigest) -> list[Section]:
        """The member's sections in reading order (only those with items), in the language."""
        self.language = get_language()
        sections = []
        if digest.changes:
            key = tuple(
                (change.barrier.pk, change.role, tuple(event.pk for event in change.events))
                for change in digest.changes
            )
            sections.append(self._shared("changes", key, lambda: {"changes": digest.changes}))
        if digest.meetings:
            sections.append(self._meetings(digest))
        if digest.notifications:
            sections.append(self._render("notifications", {"notifications": digest.notifications}))
        if digest.barriers:
            sections.append(
                self._listed(
                    "barriers",
                    {"items": self._items("barrier", digest.barriers)},
                    {
                        "more": digest.barriers_more,
                        "everything": digest.interests.everything,
                        "list_url": self.list_urls["barriers"],
                    },
                )
            )
        if digest.pilots_fit or digest.pilots_new:
            sections.append(
                self._listed(
                    "pilots",
                    {
                        "fits": self._items(
                            "pilot_fit",
                            digest.pilots_fit,
                            key=lambda fit: (fit.pilot.pk, tuple(fit.reasons)),
                            variable="fit",
                        ),
                        "new": self._items("pilot", digest.pilots_new),
                    },
                    {
                        "more": digest.pilots_more,
                        "list_url": self.list_urls["pilots"],
                    },
                )
            )
        if digest.policy_followed or digest.policy_other:
            sections.append(
                self._listed(
                    "policy",
                    {
                        "followed": self._items("update", digest.policy_followed),
                        "other": self._items("update", digest.policy_other),
                    },
                    {
                        "more": digest.policy_more,
                        "list_url": self.list_urls["policy"],
                    },
                )
            )
        if digest.organisations:
            key = (tuple(org.pk for org in digest.organisations), digest.organisations_more)
            sections.append(
                self._shared(
                    "organisations",
                    key,
                    lambda: {
                        "organisations": digest.organisations,
                        "more": digest.organisations_more,
                        "list_url": self.list_urls["organisations"],
                    },
                )
            )
        return sections

    def _meetings(self, digest: MemberDigest) -> Section:
        """The member's meetings: shared fragments, then the member's own answer links filled in."""

        def key_of(entry) -> tuple:
            return (entry.meeting.pk, entry.invitation.response, entry.answers_open)

        def context() -> dict[str, Any]:
            items = []
            for entry in digest.meetings:
                placeholders = (
                    {answer: _answer_placeholder(entry.meeting.pk, answer) for answer in ANSWERS}
                    if entry.answers_open
                    else None
                )
                items.append(
                    self._shared(
                        "meeting",
                        key_of(entry),
                        lambda entry=entry, urls=placeholders: {
                            "meeting": entry.meeting,
                            "invitation": entry.invitation,
                            "answer_urls": urls,
                        },
                    )
                )
            return {"items": items}

        section = self._shared("meetings", tuple(key_of(e) for e in digest.meetings), context)
        html, text = str(section.html), section.text
        for entry in digest.meetings:
            if entry.answers_open:
                for answer, url in self._answer_links(entry).items():
                    placeholder = _answer_placeholder(entry.meeting.pk, answer)
                    html = html.replace(placeholder, escape(url))
                    text = text.replace(placeholder, url)
        # The URLs are signed tokens (URL-safe characters), escaped above.
        return Section("meetings", mark_safe(html), text)

    def _answer_links(self, entry) -> dict[str, str]:
        if self.preview:
            page = self.site_url + entry.meeting.get_absolute_url()
            return dict.fromkeys(ANSWERS, page)
        return answer_urls(entry.invitation)

    def _context(
        self,
        digest: MemberDigest,
        *,
        first_name: str,
        full_name: str,
        sections_html: str,
        sections_text: str,
        unsubscribe: str,
    ) -> dict[str, Any]:
        """The context of `templates/emails/digest/`."""
        return {
            "member": {"first_name": first_name, "full_name": full_name},
            "period": digest.period,
            "everything": digest.interests.everything,
            # Our own sections, rendered with autoescaping on.
            "sections_html": mark_safe(sections_html),
            "sections_text": sections_text,
            "unsubscribe_url": unsubscribe,
            "preferences_url": self.preferences_url,
            "is_preview": self.preview,
        }

    def _frame(self, digest: MemberDigest, language: str) -> tuple[str, str, str]:
        """Subject, text and HTML around the sections, with marks where the member's parts go.

        The same for every member of one language and edition: rendered once.
        """
        key = (language, digest.period, bool(digest.member.first_name), digest.interests.everything)
        frame = self.frames.get(key)
        if frame is None:
            context = self._context(
                digest,
                first_name=NAME if digest.member.first_name else "",
                full_name="",
                sections_html=SECTIONS,
                sections_text=SECTIONS,
                unsubscribe=UNSUBSCRIBE,
            )
            frame = self.frames[key] = mail.render_email(TEMPLATE, context, language)
        return frame

    def render(self, digest: MemberDigest, *, unsubscribe: str) -> tuple[str, str, str]:
        """Subject, text and HTML of the member's digest."""
        language = digest.member.language or settings.LANGUAGE_CODE
        with translation.override(language):
            sections = self.sections(digest)
        sections_html = "\n".join(section.html for section in sections)
        sections_text = "\n\n".join(section.text for section in sections)
        first_name = digest.member.first_name
        if self.preview:
            context = self._context(
                digest,
                first_name=first_name,
                full_name=digest.member.get_full_name(),
                sections_html=sections_html,
                sections_text=sections_text,
                unsubscribe=unsubscribe,
            )
            return mail.render_email(TEMPLATE, context, language)
        subject, text, html = self._frame(digest, language)
        html = (
            html.replace(NAME, escape(first_name))
            .replace(UNSUBSCRIBE, escape(unsubscribe))
            .replace(SECTIONS, sections_html)
        )
        text = (
            text.replace(NAME, first_name)
            .replace(UNSUBSCRIBE, unsubscribe)
            .replace(SECTIONS, sections_text)
        )
        return subject, text, html

    def row(
        self, digest: MemberDigest, *, key: str, to=None, topic: str = "", subject_prefix=""
    ) -> OutgoingEmail:
        """The outbox row of a digest (not saved): to the member, or to `to` for a test."""
        recipient = to or digest.member
        url = self.unsubscribe_urls.url(recipient)
        subject, text, html = self.render(digest, unsubscribe=url)
        return mail.build_email(
            key=key,
            to=recipient.email,
            to_name=recipient.get_full_name(),
            recipient=recipient,
            template=TEMPLATE,
            language=digest.member.language or settings.LANGUAGE_CODE,
            topic=topic or digest.period.topic,
            headers=unsubscribe_headers(url),
            rendered=(f"{subject_prefix}{subject}", text, html),
        )


def unsubscribe_headers(url: str) -> dict[str, str]:
    """RFC 2369 / RFC 8058: one HTTPS URI in angle brackets, and the one-click POST."""
    return {
        "List-Unsubscribe": f"<{url}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        "List-Id": f"Thementisch Metall digest <digest.{settings.MAIL_DOMAIN}>",
    }
