"""/policy/ without filters reads its page with prepared queries: the same as the ORM path."""

import datetime
import itertools

import pytest
from django.db import connection
from django.utils import timezone

from policy import selectors
from policy.models import PolicyItem
from tests.factories import material
from tests.policy.factories import (
    PolicyFollowFactory,
    PolicyItemFactory,
    PolicyKeyDateFactory,
    PolicyUpdateFactory,
)

pytestmark = pytest.mark.django_db

PAGE = 20


def days(n: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=n)


@pytest.fixture
def items(member):
    """25 items: dated and rough key dates, running periods, past dates, updates,
    materials, some followed by `member`."""
    PolicyItem.objects.all().delete()
    year = timezone.localdate().year
    metals = [material("aluminium"), material("kupfer"), material("stahl")]
    created = []
    for number in range(25):
        item = PolicyItemFactory(title=f"Verordnung {number % 7}")
        if number % 3 == 0:
            PolicyKeyDateFactory(item=item, date=days(10 + number))
        if number % 4 == 0:
            PolicyKeyDateFactory(item=item, date=datetime.date(year, 1, 1), precision="year")
        if number % 5 == 0:
            PolicyKeyDateFactory(item=item, date=days(-40))
        if number % 6 == 0:
            PolicyKeyDateFactory(item=item, date=days(200), precision="month")
        for offset in range(number % 3):
            PolicyUpdateFactory(item=item, date=days(-offset - number))
        item.materials.add(*metals[: number % 4])
        if number % 2:
            PolicyFollowFactory(item=item, user=member)
        created.append(item)
    return created


def _orm_page(user, number: int) -> tuple:
    queryset = selectors.policy_items_for_list(user)
    page_items = list(queryset[(number - 1) * PAGE : number * PAGE])
    page_ids = [item.pk for item in page_items]
    dates = selectors.list_dates(page_ids)
    materials = selectors.material_labels_of(page_ids)
    for item in page_items:
        item.next_date = dates["next"].get(item.pk)
        item.material_labels = materials.get(item.pk, [])
    return queryset.count(), page_items, dates


def _shown(page_items, dates) -> tuple:
    rows = [
        (
            item.pk,
            item.title,
            item.slug,
            item.is_followed,
            item.update_count,
            item.last_update_on,
            item.material_labels,
            item.next_date and item.next_date.pk,
        )
        for item in page_items
    ]
    timeline = [
        [
            (d.pk, d.date, d.kind, d.label, d.item_slug, d.item_short_name, d.item_title)
            for d in found
        ]
        for found in (dates["dated"], dates["open"])
    ]
    return rows, timeline


@pytest.mark.parametrize("number", [1, 2])
def test_prepared_page_is_the_orm_page(items, member, number):
    total, page_items, dates = selectors.unfiltered_list_page(member, number, PAGE)
    orm_total, orm_items, orm_dates = _orm_page(member, number)

    assert total == orm_total == 25
    assert len(page_items) == (PAGE if number == 1 else 5)
    assert _shown(page_items, dates) == _shown(orm_items, orm_dates)
    assert any(item.is_followed for item in page_items)
    assert any(item.material_labels for item in page_items)
    assert dates["open"]


def test_prepared_page_for_another_viewer_has_their_follows(items, member, peer):
    _total, page_items, _dates = selectors.unfiltered_list_page(peer, 1, PAGE)

    assert not any(item.is_followed for item in page_items)


def test_a_page_past_the_end_is_none_and_the_list_shows_the_last_page(items, member_client):
    assert selectors.unfiltered_list_page(None, 3, PAGE) is None

    response = member_client.get("/policy/?page=3")

    assert response.status_code == 200
    assert response.context["page"].number == 2


def test_an_empty_radar_is_page_one_without_items(member, member_client):
    PolicyItem.objects.all().delete()

    assert selectors.unfiltered_list_page(member, 1, PAGE) == (
        0,
        [],
        {"next": {}, "dated": [], "open": []},
    )
    assert "Kein Politik-Eintrag passt" in member_client.get("/policy/").content.decode()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="only PostgreSQL runs kept SQL")
def test_the_reads_are_compiled_once_not_run_through_the_orm(items, member):
    selectors.unfiltered_list_page(member, 1, PAGE)
    today = timezone.localdate()

    for query in (
        selectors._unfiltered_page_query(today, 0, PAGE),
        selectors._unfiltered_dates_query(today, 10),
    ):
        assert query._compiled, "a column with a converter sends the query through the ORM"


@pytest.mark.parametrize(("count", "query"), list(itertools.product([1, 3], ["", "?page=1"])))
def test_unfiltered_list_query_count_does_not_grow(
    member_client, django_assert_num_queries, count, query
):
    PolicyItem.objects.all().delete()
    for number in range(count):
        item = PolicyItemFactory()
        item.materials.add(material("aluminium"), material("kupfer"))
        for offset in (-30, 20, 60):
            PolicyKeyDateFactory(item=item, date=days(offset + number))
        PolicyUpdateFactory(item=item)
    member_client.get(f"/policy/{query}")

    # session, user, the page's items (with their materials on PostgreSQL), the key dates.
    with django_assert_num_queries(4 if connection.vendor == "postgresql" else 5):
        response = member_client.get(f"/policy/{query}")

    assert len(response.context["items"]) == count


@pytest.mark.skipif(connection.vendor != "postgresql", reason="only PostgreSQL runs kept SQL")
@pytest.mark.parametrize("number", [1, 2])
def test_the_page_sql_reads_the_rows_of_the_page_queryset(items, member, peer, number):
    # Some items without any update, key date or material, ties in title and date.
    PolicyItemFactory(title="Verordnung 1")
    PolicyKeyDateFactory(item=PolicyItemFactory(title="Verordnung 2"), date=days(13))
    query = selectors._unfiltered_page_query(timezone.localdate(), (number - 1) * PAGE, PAGE)

    for user_id in (member.pk, peer.pk, 0):
        rows = query.rows(user_id)
        assert rows == list(query.build(user_id))
        assert len(rows) == (PAGE if number == 1 else 7)
    assert "LATERAL" in query._compiled[0]
