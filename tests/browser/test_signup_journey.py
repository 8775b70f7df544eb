"""A new member's way in, in Chromium: signup, confirmation, approval, dashboard."""

import re

import pytest
from playwright.sync_api import expect

from members.models import User
from tests.browser.conftest import assert_accessible, log_in
from tests.factories import CoordinatorFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_signup_confirm_approve_dashboard(page, mailoutbox):
    CoordinatorFactory(email="koordination@example.com", first_name="Konrad")

    page.goto("/")
    assert_accessible(page, "landing")
    page.get_by_role("link", name="Mitglied werden").first.click()
    assert_accessible(page, "signup")
    page.get_by_label("E-Mail").fill("nora@example.com")
    page.get_by_label("Vorname").fill("Nora")
    page.get_by_label("Nachname").fill("Neumann")
    page.get_by_label("Neue Organisation: Name").fill("Ruhr Gießerei GmbH")
    page.get_by_label("Neue Organisation: Typ").select_option("sme")
    page.locator("#id_password1").fill("ein-langes-passwort-2026")
    page.locator("#id_password2").fill("ein-langes-passwort-2026")
    page.get_by_label("Ich habe die Datenschutzerklärung gelesen").check()
    page.get_by_role("button", name="Registrieren").click()
    page.wait_for_url("**/accounts/confirm-email/")
    assert_accessible(page, "verification sent")

    confirmation = next(m for m in mailoutbox if m.to == ["Nora Neumann <nora@example.com>"])
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", confirmation.body).group(0)
    page.goto(link.replace("https://portal.example.org", ""))
    assert_accessible(page, "confirm email")
    page.get_by_role("button", name="Bestätigen").click()
    page.wait_for_url("**/")
    expect(page.get_by_role("heading", name="Danke für Ihre Registrierung")).to_be_visible()
    assert_accessible(page, "pending")
    page.get_by_role("button", name="Abmelden").click()

    log_in(page, "koordination@example.com")
    page.goto("/admin/members/user/")
    assert_accessible(page, "admin member list")
    row = page.get_by_role("row").filter(has_text="nora@example.com")
    row.get_by_role("checkbox").check()
    page.locator("select[name=action]").select_option("approve_as_member")
    page.get_by_role("button", name="Ausführen").click()
    expect(page.get_by_text("1 Mitglied freigegeben.")).to_be_visible()
    assert User.objects.get(email="nora@example.com").status == User.Status.APPROVED
    page.goto("/")
    page.get_by_role("button", name="Abmelden").click()

    log_in(page, "nora@example.com", "ein-langes-passwort-2026")
    page.wait_for_url("**/")
    expect(page.get_by_role("heading", name="Mein Thementisch")).to_be_visible()
    assert_accessible(page, "dashboard")
