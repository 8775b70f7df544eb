"""The coordinator's triage in the admin: filters, bulk status changes, merging."""

from datetime import timedelta

import pytest
from django.utils import timezone

from barriers.models import Barrier
from tests.factories import BarrierFactory

pytestmark = pytest.mark.django_db
URL = "/admin/barriers/barrier/"


def test_bulk_publish_goes_through_the_workflow(coordinator_client, member):
    in_review = BarrierFactory(author=member, status="in_review")
    submitted = BarrierFactory(author=member, status="submitted")

    response = coordinator_client.post(
        URL,
        {"action": "set_published", "_selected_action": [in_review.pk, submitted.pk]},
        follow=True,
    )

    assert response.status_code == 200
    in_review.refresh_from_db()
    submitted.refresh_from_db()
    assert (in_review.status, submitted.status) == ("published", "submitted")
    assert in_review.events.get().to_status == "published"
    messages = [str(m) for m in response.context["messages"]]
    assert any("übersprungen" in m for m in messages)


def test_merge_action_asks_for_the_target_then_merges(coordinator_client, member, peer):
    first = BarrierFactory(author=member, title="Erstes")
    second = BarrierFactory(author=peer, title="Zweites")

    ask = coordinator_client.post(
        URL, {"action": "merge_selected", "_selected_action": [first.pk, second.pk]}
    )
    assert ask.status_code == 200
    assert "Erstes" in ask.content.decode()

    coordinator_client.post(
        URL,
        {
            "action": "merge_selected",
            "_selected_action": [first.pk, second.pk],
            "apply": "1",
            "target": str(first.pk),
        },
    )
    second.refresh_from_db()
    assert (second.status, second.merged_into_id) == ("merged", first.pk)


def test_overdue_filter(coordinator_client, member):
    late = BarrierFactory(
        author=member,
        title="Zu spät",
        status="forwarded",
        answer_by=timezone.localdate() - timedelta(days=2),
    )
    BarrierFactory(
        author=member,
        title="Noch Zeit",
        status="forwarded",
        answer_by=timezone.localdate() + timedelta(days=30),
    )

    response = coordinator_client.get(URL, {"overdue": "yes"})

    assert list(response.context["cl"].result_list) == [late]
    assert Barrier.objects.count() == 2
