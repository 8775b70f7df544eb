"""Policy radar in a real browser: the coordinator adds an update in the admin, a following
member sees it on the item page; follow by htmx; every page visited is axe-clean."""

import datetime
import re

import pytest
from playwright.sync_api import expect

from policy.models import PolicyFollow, PolicyItem, PolicyUpdate
from tests.browser.conftest import assert_accessible, log_in
from tests.factories import CoordinatorFactory, UserFactory
from tests.policy.factories import PolicyItemFactory, PolicyKeyDateFactory, PolicyUpdateFactory

# Whether the seeded reference items are still there depends on the order of
# transactional tests (each flushes the database), so each test builds its own.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def espr():
    """An item like the seeded ESPR entry, with key dates, an update and a review notice."""
    PolicyItem.objects.all().delete()
    item = PolicyItemFactory(
        short_name="Ökodesign-Verordnung (ESPR)",
        title="Verordnung (EU) 2024/1781 über Ökodesign-Anforderungen",
        slug="eu_espr",
        relevance="Ermöglicht Anforderungen an den **Rezyklatanteil**.",
        needs_review=True,
        unverified_details="Indikative Termine nur aus Sekundärquellen",
    )
    PolicyKeyDateFactory(
        item=item, label="Indikativ: delegierter Rechtsakt Stahl", needs_review=True
    )
    PolicyKeyDateFactory(
        item=item, date=datetime.date(2024, 7, 18), kind="in_force", label="Inkrafttreten"
    )
    PolicyKeyDateFactory(
        item=item,
        date=datetime.date(2027, 1, 1),
        precision="year",
        kind="milestone",
        label="Indikativ: delegierter Rechtsakt Aluminium",
    )
    PolicyUpdateFactory(
        item=item, title="Arbeitsplan veröffentlicht", date=datetime.date(2025, 4, 16)
    )
    return item


def log_out(page) -> None:
    page.goto("/")
    page.get_by_role("button", name="Abmelden").click()
    expect(page.get_by_role("button", name="Abmelden")).to_have_count(0)


def assert_admin_accessible(page, context: str) -> None:
    """axe-clean; CSP reports caused by axe's own probing of admin forms are not the page's.

    Running axe on any Django admin change form makes Chromium report blocked
    inline styles (the page itself loads without one; checked before axe runs).
    """
    before = list(page.checks.console_errors)
    assert [e for e in before if "Content Security Policy" in e] == []
    assert_accessible(page, context)
    page.checks.console_errors[:] = before


def test_coordinator_adds_update_and_following_member_sees_it(page, mailoutbox):
    coordinator = CoordinatorFactory(email="koordination@example.com", first_name="Konrad")
    member = UserFactory(email="mira@example.com", first_name="Mira")
    item = espr()
    PolicyFollow.objects.create(item=item, user=member)

    log_in(page, coordinator.email)
    page.goto(f"/admin/policy/policyitem/{item.pk}/change/")
    assert_admin_accessible(page, "admin change page of a policy item")
    # One update exists (form 0); the empty form for a new one comes after it.
    page.locator("#id_updates-1-title").fill("Delegierter Rechtsakt Stahl veröffentlicht")
    page.locator("#id_updates-1-body").fill("Die Anforderungen an **Rezyklatanteile** stehen fest.")
    page.get_by_role("button", name="Sichern und weiter bearbeiten").click()
    expect(page.locator(".messagelist")).to_contain_text("erfolgreich geändert")
    expect(page.locator("#id_updates-0-title")).to_have_value(
        "Delegierter Rechtsakt Stahl veröffentlicht"
    )  # newest first in the inline
    assert_admin_accessible(page, "admin change page after saving")
    update = PolicyUpdate.objects.get(item=item, title__startswith="Delegierter")
    assert update.author == coordinator
    log_out(page)

    log_in(page, member.email)
    page.get_by_role("link", name="Politik-Radar", exact=True).first.click()
    expect(page).to_have_url(re.compile(r"/policy/$"))
    assert_accessible(page, "policy list")
    page.get_by_role("link", name="Ökodesign-Verordnung (ESPR)").first.click()
    heading = page.get_by_role("heading", name="Delegierter Rechtsakt Stahl veröffentlicht")
    expect(heading).to_be_visible()
    expect(page.locator(f"#update-{update.pk} strong")).to_have_text("Rezyklatanteile")
    assert_accessible(page, "policy item page with the new update")

    addresses = [message.to[0] for message in mailoutbox]
    assert len(addresses) == 1
    assert "mira@example.com" in addresses[0]


def test_member_unfollows_and_follows_with_htmx(page):
    member = UserFactory(email="mira@example.com")
    PolicyItem.objects.all().delete()
    item = PolicyItemFactory(short_name="CBAM", slug="eu_cbam")
    PolicyFollow.objects.create(item=item, user=member)

    log_in(page, member.email)
    page.goto("/policy/eu_cbam/")
    page.get_by_role("button", name="Nicht mehr folgen").click()

    expect(page.get_by_role("button", name="Diesem Eintrag folgen")).to_be_visible()
    expect(page.locator("#follow-status")).to_have_text("Sie folgen diesem Eintrag nicht mehr.")
    assert not PolicyFollow.objects.filter(item=item, user=member).exists()
    assert page.locator(".messages").count() == 0  # swapped in place, no reload
    assert_accessible(page, "policy item page after unfollowing")

    page.get_by_role("button", name="Diesem Eintrag folgen").click()

    expect(page.get_by_role("button", name="Nicht mehr folgen")).to_be_visible()
    assert PolicyFollow.objects.filter(item=item, user=member).exists()


@pytest.mark.parametrize(
    "path",
    ["/policy/?level=eu&q=Rezyklat", "/policy/calendar/?year=2027", "/policy/eu_espr/", "/"],
)
def test_policy_pages_are_accessible(page, path):
    member = UserFactory(email="mira@example.com")
    PolicyFollow.objects.create(item=espr(), user=member)

    log_in(page, member.email)
    page.goto(path)

    assert page.locator("main#main").count() == 1
    assert_accessible(page, path)
