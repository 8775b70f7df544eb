import json

import pytest

from tests.policy.factories import PolicyFollowFactory, PolicyItemFactory

pytestmark = pytest.mark.django_db


def test_export_lists_followed_items(member, member_client, peer):
    PolicyFollowFactory(item=PolicyItemFactory(short_name="Meins"), user=member)
    PolicyFollowFactory(item=PolicyItemFactory(short_name="Fremd"), user=peer)

    data = json.loads(member_client.get("/members/me/export/").content)

    assert [f["item"] for f in data["policy"]["following"]] == ["Meins"]
