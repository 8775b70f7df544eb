"""Journey: the coordinator plans and sends a meeting; a member answers by mail and on the page."""

from datetime import timedelta

import pytest
from django.utils import timezone

from sessions.models import Invitation, Meeting
from tests.browser.conftest import assert_accessible, log_in
from tests.helpers import links_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _assert_admin_accessible(page, context: str) -> None:
    """axe-core on an admin page; its own CSP reports are dropped, the page's are kept.

    While preloading the admin's stylesheets, the injected axe script (no URL)
    applies inline styles that the portal's CSP blocks; that is the checker,
    not the page, so the messages logged during the check are removed.
    """
    before = len(page.checks.console_errors)
    assert_accessible(page, context)
    del page.checks.console_errors[before:]


def _answer_link(message, label: str) -> str:
    for line in message.body.splitlines():
        if line.startswith(label + ":"):
            return links_in(line)[0]
    raise AssertionError(f"no answer link {label!r}")


def test_coordinator_sends_invitations_and_member_answers(page, coordinator, member, mailoutbox):
    start = timezone.localtime() + timedelta(days=12)

    # The coordinator creates and publishes the meeting in the admin.
    log_in(page, coordinator.email)
    page.goto("/admin/meetings/meeting/add/")
    _assert_admin_accessible(page, "admin: add meeting")
    page.select_option("#id_kind", "workshop")
    page.fill("#id_title", "Workshop Kupferkreislauf")
    page.fill("#id_description", "Wir sprechen über **Kupferschrott**.")
    page.fill("#id_starts_at_0", start.strftime("%d.%m.%Y"))
    page.fill("#id_starts_at_1", "10:00:00")
    page.fill("#id_ends_at_0", start.strftime("%d.%m.%Y"))
    page.fill("#id_ends_at_1", "13:00:00")
    page.fill("#id_venue", "Kupferhaus, Hamburger Str. 5, 44135 Dortmund")
    page.fill("#id_capacity", "20")
    page.select_option("#id_status", "published")
    page.check("#id_audience_all_members")
    page.fill("#id_agenda_items-0-title", "Begrüßung")
    page.click('input[name="_save"]')
    page.wait_for_selector(".messagelist .success")
    meeting = Meeting.objects.get(title="Workshop Kupferkreislauf")
    assert meeting.status == Meeting.Status.PUBLISHED
    assert meeting.created_by == coordinator

    # ... and sends the invitations with the admin action.
    _assert_admin_accessible(page, "admin: meeting list")
    page.check(f'input[name="_selected_action"][value="{meeting.pk}"]')
    page.select_option('select[name="action"]', "send_invitations")
    page.click('button[name="index"]')
    page.wait_for_selector(".messagelist")
    assert "Die Einladungen werden versendet" in page.locator(".messagelist").inner_text()
    page.goto(f"/admin/meetings/meeting/{meeting.pk}/change/")
    assert "gesendet: 2" in page.locator(".field-sending_progress").inner_text()
    _assert_admin_accessible(page, "admin: meeting with sending progress")

    # The member opens the "yes" link from the captured email, without logging in.
    invitation = next(m for m in mailoutbox if member.email in m.to[0])
    link = _answer_link(invitation, "Ja, ich nehme teil")
    page.context.clear_cookies()
    visitor = page
    visitor.goto(link.removeprefix("https://portal.example.org"))
    assert_accessible(visitor, "answer link confirm page")
    assert Invitation.objects.get(user=member).response == "pending"  # GET changes nothing
    visitor.get_by_role("button", name="Bestätigen: Ja, ich nehme teil").click()
    visitor.wait_for_selector(".alert-success")
    assert "Ihre Antwort wurde gespeichert: Zusage." in visitor.locator("main").inner_text()
    assert_accessible(visitor, "answer link done page")
    assert Invitation.objects.get(user=member).response == "yes"

    # Then the member changes the answer on the meeting page (htmx).
    log_in(page, member.email)
    page.goto("/")
    assert "Workshop Kupferkreislauf" in page.locator("#next-meetings-heading + ul").inner_text()
    assert_accessible(page, "dashboard with next meetings")
    page.goto(f"/meetings/{meeting.pk}/")
    assert_accessible(page, "meeting page")
    assert "Aktuelle Antwort: Zusage" in page.locator("#answer-panel").inner_text()
    page.locator("#answer-panel").get_by_role("button", name="Vielleicht").click()
    page.wait_for_selector("#answer-panel .alert-success")
    assert "Aktuelle Antwort: Vielleicht" in page.locator("#answer-panel").inner_text()
    assert Invitation.objects.get(user=member).response == "maybe"
    assert_accessible(page, "meeting page after answering")

    page.goto("/meetings/")
    assert "Ihre Antwort: Vielleicht" in page.locator("main").inner_text()
    assert_accessible(page, "meeting list")
