"""The digest as a real message: headers (RFC 8058, RFC 3834, Message-ID), parts, language."""

import itertools
import re
from html.parser import HTMLParser

import pytest
import time_machine

from digests import services
from digests.periods import WEEKLY, current_period
from members import services as member_services
from tests.helpers import assert_email_contains, parse
from thementisch.models import OutgoingEmail

pytestmark = pytest.mark.django_db

UNSUBSCRIBE = re.compile(r"^<https://portal\.example\.org/digest/unsubscribe/[^>\s,]+/>$")


def _send(week, members, django_capture_on_commit_callbacks):
    period = current_period(WEEKLY, week.now)
    with django_capture_on_commit_callbacks(execute=True):
        services.compose_digests(period, [m.pk for m in members], now=week.now)


class _Structure(HTMLParser):
    def __init__(self):
        super().__init__()
        self.html_lang = None
        self.headings: list[int] = []
        self.images: list[dict] = []
        self.tags: set[str] = set()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.add(tag)
        if tag == "html":
            self.html_lang = attrs.get("lang")
        if re.fullmatch(r"h[1-6]", tag):
            self.headings.append(int(tag[1]))
        if tag == "img":
            self.images.append(attrs)


def test_digest_headers_follow_rfc_8058_and_mark_the_mail_as_automatic(
    week, mailoutbox, django_capture_on_commit_callbacks
):
    _send(week, [week.alma], django_capture_on_commit_callbacks)

    assert len(mailoutbox) == 1
    message = parse(mailoutbox[0])
    row = OutgoingEmail.objects.get(recipient=week.alma)
    # A header this long is folded; unfolded, the leading space is the fold's (RFC 5322 §2.2.3).
    assert UNSUBSCRIBE.match(message["List-Unsubscribe"].strip())
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message["Auto-Submitted"] == "auto-generated"
    assert message["Message-ID"] == row.message_id
    assert message["Message-ID"].endswith("@portal.example.org>")
    assert message["To"].addresses[0].addr_spec == "alma@example.com"


def test_digest_has_a_text_and_an_html_part_with_the_same_links(
    week, mailoutbox, django_capture_on_commit_callbacks
):
    _send(week, [week.alma], django_capture_on_commit_callbacks)

    message = parse(mailoutbox[0])
    assert message.get_content_type() == "multipart/alternative"
    assert [part.get_content_type() for part in message.iter_parts()] == [
        "text/plain",
        "text/html",
    ]
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    unsubscribe_url = message["List-Unsubscribe"].strip().strip("<>")
    barrier_url = f"https://portal.example.org/barriers/{week.aluminium_barrier.pk}/"
    for part in (text, html):
        assert unsubscribe_url in part
        assert "https://portal.example.org/members/me/#email-settings" in part
        assert barrier_url in part
    assert_email_contains(mailoutbox[0], "Aluminiumspäne gelten als Abfall")


def test_digest_html_is_simple_accessible_and_self_contained(
    week, mailoutbox, django_capture_on_commit_callbacks
):
    _send(week, [week.alma], django_capture_on_commit_callbacks)

    html = parse(mailoutbox[0]).get_body(("html",)).get_content()
    structure = _Structure()
    structure.feed(html)
    assert structure.html_lang == "de"
    assert structure.headings[0] == 1
    assert all(b - a <= 1 for a, b in itertools.pairwise(structure.headings))
    assert structure.images == []  # no images at all, so none from other hosts
    assert "table" in structure.tags
    assert not {"style", "link", "script"} & structure.tags  # inline CSS only


def test_digest_is_in_the_members_language(week, mailoutbox, django_capture_on_commit_callbacks):
    _send(week, [week.conrad, week.sina], django_capture_on_commit_callbacks)

    by_recipient = {parse(m)["To"].addresses[0].addr_spec: m for m in mailoutbox}
    english = parse(by_recipient["conrad@example.com"])
    german = parse(by_recipient["sina@example.com"])
    assert english["Subject"] == "Thementisch Metall: your weekly digest (03/02/2026–03/08/2026)"
    assert german["Subject"] == "Thementisch Metall: Ihr Wochenüberblick (02.03.2026–08.03.2026)"
    assert 'lang="en"' in english.get_body(("html",)).get_content()
    assert "Hello Conrad," in english.get_body(("plain",)).get_content()
    assert "New status: Forwarded to policy makers" in english.get_body(("plain",)).get_content()
    assert "Hallo Sina," in german.get_body(("plain",)).get_content()
    assert (
        "Neuer Status: An die Politik weitergeleitet" in german.get_body(("plain",)).get_content()
    )


def test_meeting_answer_links_are_the_meetings_signed_links(
    week, mailoutbox, django_capture_on_commit_callbacks, client
):
    _send(week, [week.ines], django_capture_on_commit_callbacks)

    text = parse(mailoutbox[0]).get_body(("plain",)).get_content()
    links = re.findall(r"https://portal\.example\.org(/meetings/rsvp/[^\s]+/)", text)
    assert len(links) == 3
    with time_machine.travel(week.now):
        response = client.get(links[0])
    assert response.status_code == 200
    assert "Plenum im März" in response.content.decode()


def test_instant_notification_mail_has_no_list_unsubscribe(
    member, mailoutbox, django_capture_on_commit_callbacks
):
    # MAIL-04: transactional mails are no subscription.
    with django_capture_on_commit_callbacks(execute=True):
        member_services.notify(member, kind="barrier_comment", title="Neuer Kommentar")

    message = parse(mailoutbox[0])
    assert message["List-Unsubscribe"] is None
    assert message["Auto-Submitted"] == "auto-generated"
