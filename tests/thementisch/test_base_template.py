"""The cached parts of base.html (menu, account links, footer) follow who looks and where."""

import re

import pytest
from django.test import Client


def current_links(html: str) -> list[str]:
    return re.findall(r'aria-current="page">([^<]+)<', html)


@pytest.mark.django_db
def test_menu_marks_the_current_section_after_other_sections_were_shown(member):
    client = Client()
    client.force_login(member)
    for path in ("/", "/members/", "/members/me/", "/policy/"):
        client.get(path)
    assert current_links(client.get("/").content.decode()) == ["Mein Thementisch"]
    assert current_links(client.get("/members/").content.decode()) == ["Mitglieder"]
    assert current_links(client.get("/members/me/").content.decode()) == [
        "Mitglieder",
        "Mein Profil",
    ]
    assert current_links(client.get("/policy/").content.decode()) == ["Politik-Radar"]


@pytest.mark.django_db
def test_coordination_link_only_for_the_coordinator(member, coordinator):
    as_coordinator, as_member = Client(), Client()
    as_coordinator.force_login(coordinator)
    as_member.force_login(member)
    assert "/admin/" in as_coordinator.get("/policy/").content.decode()
    html = as_member.get("/policy/").content.decode()
    assert "/admin/" not in html
    assert "Abmelden" in html  # the logout form (with its token) is not cached


@pytest.mark.django_db
def test_anonymous_visitors_get_login_links_and_no_menu(member):
    client = Client()
    client.force_login(member)
    client.get("/accounts/login/")
    client.logout()
    html = Client().get("/accounts/login/").content.decode()
    assert "Registrieren" in html
    assert "Mein Thementisch" not in html
    assert "/members/me/" not in html


@pytest.mark.django_db
def test_menu_and_footer_in_the_viewers_language(member):
    client = Client()
    client.force_login(member)
    assert "Impressum" in client.get("/policy/").content.decode()
    member.language = "en"
    member.save(update_fields=["language"])
    client.cookies["django_language"] = "en"
    html = client.get("/policy/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Policy radar" in html
    assert "Imprint" in html


@pytest.mark.django_db
def test_search_box_keeps_the_query(member):
    client = Client()
    client.force_login(member)
    client.get("/search/?q=Kupfer")
    assert 'value="Schrott"' in client.get("/search/?q=Schrott").content.decode()
