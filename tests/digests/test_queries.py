"""Composing costs a fixed number of queries, however many members get a digest."""

import pytest

from digests import services
from digests.content import load_content
from digests.periods import WEEKLY, current_period
from tests.factories import UserFactory, material

pytestmark = pytest.mark.django_db

# Members and their interests (5), taxonomies (2), new barriers with their
# materials and stages (3), barrier changes and endorsements (2; official
# answers one more in a week that has some), pilots with materials, stages
# and open needs (4), meetings and invitations (2), policy updates with
# materials, stages and follows (4), new organisations (1), pending
# notifications (1).
LOAD_QUERIES = 24
# + this edition's rows already there (1), a savepoint (2), insert (1), ids
# of the new rows (1), rows stored by this call (1), notifications marked (1).
COMPOSE_QUERIES = LOAD_QUERIES + 7


def _more_members(count: int) -> list[int]:
    ids = []
    for number in range(count):
        user = UserFactory(email=f"viele{number}@example.com")
        user.materials.set([material("aluminium")])
        ids.append(user.pk)
    return ids


@pytest.mark.parametrize("extra", [0, 30])
def test_loading_the_content_does_not_grow_with_the_members(week, extra, django_assert_num_queries):
    member_ids = [*week.member_ids, *_more_members(extra)]
    period = current_period(WEEKLY, week.now)

    with django_assert_num_queries(LOAD_QUERIES):
        content = load_content(period, member_ids, now=week.now)

    assert len(content.members) == 7 + extra


@pytest.mark.parametrize("extra", [0, 30])
def test_composing_and_queuing_does_not_grow_with_the_members(
    week, extra, django_assert_num_queries
):
    member_ids = [*week.member_ids, *_more_members(extra)]
    period = current_period(WEEKLY, week.now)

    with django_assert_num_queries(COMPOSE_QUERIES):
        result = services.compose_digests(period, member_ids, now=week.now)

    assert result.queued == 6 + extra
