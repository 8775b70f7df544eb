"""Sections joined from frames equal sections rendered with the member's own items."""

import pytest

from digests.content import digest_for, load_content
from digests.periods import WEEKLY, current_period
from digests.render import Renderer
from tests.digests.conftest import IN_WEEK
from tests.factories import material
from tests.pilots.factories import PilotFactory
from tests.policy.factories import PolicyItemFactory, PolicyUpdateFactory

pytestmark = pytest.mark.django_db


class PlainRenderer(Renderer):
    """Renders every listing section with the member's items themselves (the reference)."""

    def _listed(self, name, lists, context):
        return self._render(name, {**context, **lists})


@pytest.fixture
def longer_week(week):
    """The week with two more new aluminium pilots and more policy updates: lists of several."""
    for title in ("Aluminium-Kreislauf im Fahrzeugbau", "Späne & Krätze <Pilot>"):
        pilot = PilotFactory(title=title, status="active", published_at=IN_WEEK)
        pilot.materials.set([material("aluminium")])
    item = week.fiona.policy_follows.first().item
    PolicyUpdateFactory(item=item, title="Parlament stimmt „Schrott-VO“ zu", created_at=IN_WEEK)
    other = PolicyItemFactory(short_name="Alu-Strategie")
    other.materials.set([material("aluminium")])
    PolicyUpdateFactory(item=other, title="Konsultation eröffnet", created_at=IN_WEEK)
    PolicyUpdateFactory(item=other, title="Zweite Runde", created_at=IN_WEEK)
    return week


def test_digests_with_joined_sections_equal_digests_rendered_section_by_section(longer_week):
    week = longer_week
    period = current_period(WEEKLY, week.now)
    content = load_content(period, week.member_ids, now=week.now)
    digests = [digest_for(content, member) for member in content.members]
    shared, plain = Renderer(), PlainRenderer()

    for digest in digests + digests:  # the second round from the frames kept
        url = f"https://portal.example.org/digest/unsubscribe/{digest.member.pk}/"
        assert shared.render(digest, unsubscribe=url) == plain.render(digest, unsubscribe=url)

    # Lists of one and of several items, in both languages, were compared.
    alma = next(d for d in digests if d.member == week.alma)
    fiona = next(d for d in digests if d.member == week.fiona)
    assert len(alma.barriers) >= 2
    assert len(alma.pilots_new) >= 2
    assert len(alma.policy_other) >= 2
    assert len(fiona.policy_followed) >= 2
    assert {d.member.language for d in digests if d.has_news} == {"de", "en"}
    assert any(len(d.pilots_new) == 1 or len(d.barriers) == 1 for d in digests)
