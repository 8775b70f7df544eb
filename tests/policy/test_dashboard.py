"""The member's dashboard shows the next key dates and news of followed items."""

import datetime

import pytest
from django.utils import timezone

from tests.policy.factories import (
    PolicyFollowFactory,
    PolicyItemFactory,
    PolicyKeyDateFactory,
    PolicyUpdateFactory,
)

pytestmark = pytest.mark.django_db


def test_dashboard_shows_next_key_dates(member_client):
    item = PolicyItemFactory(short_name="Morgen-VO")
    PolicyKeyDateFactory(
        item=item, date=timezone.localdate() + datetime.timedelta(days=1), label="Frist endet"
    )

    response = member_client.get("/")

    html = response.content.decode()
    assert "Politik-Radar: nächste Termine" in html
    assert "Morgen-VO" in html
    assert response.context["policy"]["next_dates"][0].label == "Frist endet"


def test_dashboard_shows_updates_of_followed_items(member_client, member):
    followed = PolicyItemFactory(short_name="Gefolgt")
    PolicyFollowFactory(item=followed, user=member)
    PolicyUpdateFactory(item=followed, title="Neu bei Gefolgt")
    PolicyUpdateFactory(title="Neu bei anderem Eintrag")

    html = member_client.get("/").content.decode()

    assert "Neu bei Gefolgt" in html
    assert "Neu bei anderem Eintrag" not in html
