"""Policy items and updates in the global search."""

import pytest

from tests.conftest import client_for
from tests.policy.factories import PolicyItemFactory, PolicyUpdateFactory

pytestmark = pytest.mark.django_db


def test_search_finds_items_and_updates(member_client):
    item = PolicyItemFactory(short_name="Ersatzbaustoffe", relevance="Schlacken als Baustoff")
    PolicyUpdateFactory(
        item=item, title="Novelle angekündigt", body="Schlacken werden leichter verwertbar"
    )

    response = member_client.get("/search/?q=Schlacken")

    section = next(s for s in response.context["sections"] if s.key == "policy")
    titles = [result.title for result in section.results]
    assert "Ersatzbaustoffe" in titles
    assert "Novelle angekündigt" in titles
    assert section.more_url == "/policy/?q=Schlacken"
    html = response.content.decode()
    assert "<mark>Schlacken</mark>" in html


def test_search_snippet_is_escaped(member_client):
    PolicyItemFactory(short_name="XSS", relevance="<script>alert(1)</script> Rezyklat")

    html = member_client.get("/search/?q=Rezyklat").content.decode()

    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;" in html


def test_search_section_is_not_given_to_pending_members(pending_user):
    from policy.search import search_policy

    request = type("Request", (), {"user": pending_user})()

    assert search_policy(request, "CRMA") is None


def test_search_by_ministry_member_works(ministry_user):
    response = client_for(ministry_user).get("/search/?q=CRMA")

    assert any(s.key == "policy" and s.results for s in response.context["sections"])
