"""The cached parts of base.html (menu, account links, footer) follow who looks and where."""

import re

import pytest
from django.test import Client
from django.urls import reverse


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


def _csrf_tokens(html: str) -> set[str]:
    forms = re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    headers = re.findall(r'"X-CSRFToken": "([^"]+)"', html)
    return set(forms) | set(headers)


@pytest.mark.django_db
def test_cached_header_fills_in_each_requests_own_values_escaped(member, peer):
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    first.force_login(member)
    second.force_login(peer)
    first.get("/search/?q=Kupfer")  # the header is cached now

    html = second.get('/search/?q="><script>x</script>&page=2').content.decode()

    assert 'value="&quot;&gt;&lt;script&gt;x&lt;/script&gt;"' in html
    assert "<script>x</script>" not in html
    assert 'name="next" value="/search/?q=%22%3E%3Cscript%3Ex%3C/script%3E&amp;page=2"' in html
    tokens = _csrf_tokens(html)
    assert len(tokens) == 1  # the forms and the htmx header carry the same token
    assert "tmhole7" not in html
    # The token is this visitor's: the language switch posts with it.
    answer = second.post(
        reverse("members:set_language"),
        {"language": "en", "next": "/policy/", "csrfmiddlewaretoken": tokens.pop()},
    )
    assert answer.status_code == 302


@pytest.mark.django_db
def test_cached_header_without_a_search_shows_an_empty_box(member):
    client = Client()
    client.force_login(member)
    client.get("/search/?q=Kupfer")
    html = client.get("/policy/").content.decode()
    assert 'id="header-search" name="q" value=""' in html
    assert 'name="next" value="/policy/"' in html


def test_extends_finds_every_block_of_base_html_without_walking_its_cached_parts():
    """`{% extends %}` walks the base template's nodes for its blocks on every page; the
    cached header and footer (all of its links) are left out of that walk."""
    from django.template.defaulttags import URLNode
    from django.template.loader import get_template
    from django.template.loader_tags import BlockNode

    base = get_template("base.html").template
    blocks = {node.name for node in base.nodelist.get_nodes_by_type(BlockNode)}
    assert blocks == {"title", "extra_head", "content_class", "content", "extra_js"}
    assert not base.nodelist.get_nodes_by_type(URLNode)
