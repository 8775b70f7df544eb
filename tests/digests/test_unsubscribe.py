"""`/digest/unsubscribe/<token>/`: GET changes nothing, POST unsubscribes (RFC 8058), bad tokens."""

import pytest
from django.test import Client

from digests.tokens import UnsubscribeLinks, make_token, unsubscribe_url
from members.models import User

pytestmark = pytest.mark.django_db


def _path(user) -> str:
    return unsubscribe_url(user).removeprefix("https://portal.example.org")


def test_get_shows_a_confirm_page_and_changes_nothing(member):
    response = Client().get(_path(member))

    member.refresh_from_db()
    assert response.status_code == 200
    assert member.digest_frequency == User.DigestFrequency.WEEKLY
    page = response.content.decode()
    assert '<form method="post">' in page
    assert "Überblick abbestellen" in page
    assert "mira@example.com" in page


def test_one_click_post_without_cookies_or_csrf_unsubscribes(member):
    client = Client(enforce_csrf_checks=True)

    response = client.post(_path(member), {"List-Unsubscribe": "One-Click"})

    member.refresh_from_db()
    assert response.status_code == 200
    assert member.digest_frequency == User.DigestFrequency.OFF
    assert "erhält den Überblick des Thementisch Metall nicht mehr" in response.content.decode()
    assert client.cookies.get("sessionid") is None


def test_post_is_idempotent_and_never_redirects(member):
    client = Client(enforce_csrf_checks=True)

    first = client.post(_path(member), {"List-Unsubscribe": "One-Click"})
    second = client.post(
        _path(member),
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )

    member.refresh_from_db()
    assert (first.status_code, second.status_code) == (200, 200)
    assert member.digest_frequency == User.DigestFrequency.OFF


def test_page_is_in_the_members_language(member):
    member.language = "en"
    member.save()

    response = Client().post(_path(member))

    assert "no longer gets the digest of the Thementisch Metall" in response.content.decode()


@pytest.mark.parametrize("method", ["get", "post"])
def test_bad_token_is_a_404_that_says_so_and_changes_nothing(member, method):
    token = make_token(member)
    tampered = token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB")

    response = getattr(Client(enforce_csrf_checks=True), method)(f"/digest/unsubscribe/{tampered}/")

    member.refresh_from_db()
    assert response.status_code == 404
    assert "Dieser Abmeldelink ist ungültig" in response.content.decode()
    assert "Es wurde nichts geändert." in response.content.decode()
    assert member.digest_frequency == User.DigestFrequency.WEEKLY


def test_token_is_bound_to_its_member(member, peer):
    # Another member's id with this member's signature part does not verify.
    own = make_token(member)
    other = make_token(peer)
    forged = other.split(":")[0] + ":" + ":".join(own.split(":")[1:])

    response = Client().post(f"/digest/unsubscribe/{forged}/")

    peer.refresh_from_db()
    assert response.status_code == 404
    assert peer.digest_frequency == User.DigestFrequency.WEEKLY


def test_token_stops_working_when_the_address_changes(member):
    path = _path(member)
    member.email = "neu@example.com"
    member.save()

    response = Client().post(path)

    member.refresh_from_db()
    assert response.status_code == 404
    assert member.digest_frequency == User.DigestFrequency.WEEKLY


def test_unsubscribe_works_for_a_logged_in_other_member_without_touching_them(member, peer):
    client = Client()
    client.force_login(peer)

    response = client.post(_path(member))

    member.refresh_from_db()
    peer.refresh_from_db()
    assert response.status_code == 200
    assert member.digest_frequency == User.DigestFrequency.OFF
    assert peer.digest_frequency == User.DigestFrequency.WEEKLY


def test_links_made_for_many_members_are_the_links_made_one_by_one(member, coordinator):
    links = UnsubscribeLinks()

    assert [links.url(user) for user in (member, coordinator)] == [
        unsubscribe_url(member),
        unsubscribe_url(coordinator),
    ]
