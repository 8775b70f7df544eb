"""Atom 1.0 feeds of the coordinator's updates.

`/policy/feed/` is public and carries headlines only: the item, the update's
headline and date, and a link into the portal (members log in to read). The
coordinator's assessment is members-only content, so the full text is in the
personal feed `/policy/feed/<token>/`, whose secret address the member finds
on the profile and renews with "Renew secret key" (User.feed_token).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from thementisch.mail import absolute_url
from thementisch.markdown import markdown_to_text, render_markdown

from .models import PolicyUpdate
from .permissions import member_for_token
from .selectors import latest_updates

FEED_ENTRIES = 30


class AtomWithContent(Atom1Feed):
    """Atom 1.0 with an optional `<content type="html">` per entry."""

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        if item.get("content"):
            handler.addQuickElement("content", item["content"], {"type": "html"})


class PublicUpdatesFeed(Feed):
    """Latest updates as public summaries: headline, item, date; no assessment text."""

    feed_type = AtomWithContent
    author_name = "Thementisch Metall"

    def title(self) -> str:
        return _("Thementisch Metall – policy radar")

    def subtitle(self) -> str:
        return _("Updates on EU, federal and NRW regulation that matters for metals.")

    def link(self) -> str:
        return absolute_url(reverse("policy:list"))

    def feed_url(self) -> str:
        return absolute_url(reverse("policy:feed"))

    def feed_guid(self) -> str:
        return f"tag:{settings.MAIL_DOMAIN},2026:policy-updates"

    def items(self):
        return latest_updates(limit=FEED_ENTRIES)

    def item_title(self, update: PolicyUpdate) -> str:
        return f"{update.item}: {update.title}"

    def item_description(self, update: PolicyUpdate) -> str:
        item = update.item
        return escape(
            _("%(item)s (%(level)s, %(status)s). Members read the assessment in the portal.")
            % {
                "item": item.display_title,
                "level": item.get_level_display(),
                "status": item.get_status_display(),
            }
        )

    def item_link(self, update: PolicyUpdate) -> str:
        return absolute_url(update.get_absolute_url())

    def item_guid(self, update: PolicyUpdate) -> str:
        return f"tag:{settings.MAIL_DOMAIN},{update.created_at:%Y-%m-%d}:policy-update-{update.pk}"

    item_guid_is_permalink = False

    def item_pubdate(self, update: PolicyUpdate):
        return update.created_at

    def item_updateddate(self, update: PolicyUpdate):
        return update.created_at

    def item_categories(self, update: PolicyUpdate):
        return [update.item.get_level_display(), str(update.item)]


class PersonalUpdatesFeed(PublicUpdatesFeed):
    """The same entries with the full text, for one member (secret token in the URL)."""

    def get_object(self, request, token: str):
        return member_for_token(token)

    def feed_url(self, member) -> str:
        return absolute_url(reverse("policy:personal_feed", args=[member.feed_token]))

    def item_description(self, update: PolicyUpdate) -> str:
        return escape(Truncator(markdown_to_text(update.body)).chars(300))

    def item_extra_kwargs(self, update: PolicyUpdate) -> dict:
        return {"content": render_markdown(update.body)}
