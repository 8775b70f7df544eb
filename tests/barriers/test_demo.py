"""The demo data: the reference's example barriers over the workflow, idempotent."""

import io

import pytest

from barriers import demo
from barriers.models import Barrier, BarrierComment, Endorsement, OfficialResponse
from members import demo as members_demo

pytestmark = pytest.mark.django_db


def test_seed_creates_the_example_barriers_once():
    out = io.StringIO()
    members_demo.seed(scale=0, stdout=out)

    demo.seed(scale=0, stdout=out)
    demo.seed(scale=0, stdout=out)

    barriers = Barrier.objects.filter(is_demo=True)
    assert barriers.count() == 12
    statuses = set(barriers.values_list("status", flat=True))
    assert {"submitted", "in_review", "published", "forwarded", "answered", "merged"} <= statuses
    assert barriers.filter(is_anonymous=True).count() == 1
    merged = barriers.get(status="merged")
    assert merged.merged_into.status == "published"
    assert barriers.filter(status="forwarded", answer_by__isnull=False).count() == 2
    response = OfficialResponse.objects.get()
    assert response.author.email == "ministerium@example.org"
    assert response.barrier.status == "answered"
    assert Endorsement.objects.exists()
    assert BarrierComment.objects.exists()
    for barrier in barriers:
        assert barrier.endorsement_count == barrier.endorsements.count()


def test_scale_adds_bulk_barriers_with_counters():
    out = io.StringIO()
    members_demo.seed(scale=1, stdout=out)

    demo.seed(scale=1, stdout=out)

    bulk = Barrier.objects.filter(demo_key__startswith="bench-")
    assert bulk.count() == demo.BARRIERS_PER_UNIT
    assert Endorsement.objects.filter(barrier__in=bulk).count() == demo.ENDORSEMENTS_PER_UNIT
    comments = BarrierComment.objects.filter(barrier__in=bulk).count()
    assert abs(comments - demo.COMMENTS_PER_UNIT) <= 40
    sample = bulk.order_by("pk").first()
    assert sample.endorsement_count == sample.endorsements.count()
