"""The digest's pages in a real browser: one-click unsubscribe and the notification settings."""

import re

import pytest
from playwright.sync_api import expect

from digests.tokens import make_token
from members.models import Notification, User
from tests.browser.conftest import assert_accessible, log_in
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_unsubscribe_from_the_link_in_the_mail(page):
    member = UserFactory(email="leser@example.com", first_name="Lea")

    page.goto(f"/digest/unsubscribe/{make_token(member)}/")
    expect(page.get_by_role("heading", name="Überblick abbestellen")).to_be_visible()
    assert_accessible(page, "unsubscribe: confirm")
    member.refresh_from_db()
    assert member.digest_frequency == User.DigestFrequency.WEEKLY

    page.get_by_role("button", name="Überblick abbestellen").click()
    expect(page.get_by_role("status")).to_contain_text("erhält den Überblick")
    assert_accessible(page, "unsubscribe: done")
    member.refresh_from_db()
    assert member.digest_frequency == User.DigestFrequency.OFF


def test_a_broken_unsubscribe_link_says_so(page):
    member = UserFactory(email="leser@example.com")

    response = page.goto(f"/digest/unsubscribe/{make_token(member)}x/")

    assert response.status == 404
    expect(page.get_by_role("alert")).to_contain_text("Dieser Abmeldelink ist ungültig")
    assert_accessible(page, "unsubscribe: invalid link")


def test_member_chooses_per_kind_on_the_profile(page):
    member = UserFactory(email="mira@example.com", first_name="Mira")
    log_in(page, member.email)

    page.goto("/members/me/")
    section = page.locator("#email-settings")
    expect(
        section.get_by_role("heading", name="E-Mail: Benachrichtigungen und Überblick")
    ).to_be_visible()
    assert_accessible(page, "profile with notification settings")

    group = section.get_by_role("group", name="Hemmnisse: neue Kommentare zu Ihren Hemmnissen")
    group.get_by_label("Nur im Überblick").check()
    section.get_by_role("group", name=re.compile("^Updates zu Politik-Einträgen")).get_by_label(
        "Aus"
    ).check()
    section.get_by_role("button", name="Benachrichtigungseinstellungen speichern").click()

    page.wait_for_url(re.compile(r"/members/me/"))
    expect(
        page.get_by_text("Ihre Benachrichtigungseinstellungen wurden gespeichert.")
    ).to_be_visible()
    assert_accessible(page, "profile after saving")
    member.refresh_from_db()
    assert member.notification_mode("barrier_comment") == Notification.Mode.DIGEST
    assert member.notification_mode("policy_update") == Notification.Mode.OFF
    assert member.notification_mode("pilot_comment") == Notification.Mode.INSTANT
