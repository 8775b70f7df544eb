import itertools
import re

import pytest
from django.core.paginator import Paginator

from members import selectors
from members.models import OrganisationType, User
from tests.conftest import client_for
from tests.factories import OrganisationFactory, UserFactory, material, stage

pytestmark = pytest.mark.django_db


def names(response):
    return [member.get_full_name() for member in response.context["members"]]


def test_directory_lists_only_approved_visible_members(member_client, member):
    UserFactory(first_name="Hidden", last_name="Person", show_in_directory=False)
    UserFactory(first_name="Pending", last_name="Person", status="pending")
    UserFactory(first_name="Gone", last_name="Person", is_active=False)
    UserFactory(first_name="Vera", last_name="Verband")

    response = member_client.get("/members/")

    assert names(response) == ["Mira Schäfer", "Vera Verband"]


def test_directory_search_by_name_and_organisation(member_client):
    steel = OrganisationFactory(name="Westfalen Stahl AG")
    UserFactory(first_name="Stefan", last_name="Krämer", organisation=steel)
    UserFactory(first_name="Anna", last_name="Becker")

    assert names(member_client.get("/members/?q=westfalen")) == ["Stefan Krämer"]
    assert names(member_client.get("/members/?q=Becker")) == ["Anna Becker"]


def test_directory_filters_by_type_stage_and_material(member_client):
    institute = OrganisationFactory(name="Institut", kind=OrganisationType.RESEARCH)
    institute.value_chain_stages.add(stage("sekundaererzeugung"))
    researcher = UserFactory(first_name="Felix", last_name="Forscher", organisation=institute)
    interested = UserFactory(first_name="Ina", last_name="Interessiert")
    interested.materials.add(material("kupfer"))
    institute.materials.add(material("aluminium"))

    assert names(member_client.get("/members/?kind=research")) == ["Felix Forscher"]
    stage_pk = stage("sekundaererzeugung").pk
    assert names(member_client.get(f"/members/?stage={stage_pk}")) == ["Felix Forscher"]
    kupfer = material("kupfer").pk
    assert names(member_client.get(f"/members/?material={kupfer}")) == ["Ina Interessiert"]
    assert researcher.organisation == institute


def table_rows(response) -> list[list[str]]:
    """The cells of each body row of the page's table, as plain text."""
    body = response.content.decode().split("<tbody>")[1].split("</tbody>")[0]
    return [
        [" ".join(re.sub(r"<[^>]+>", " ", cell).split()) for cell in cells]
        for cells in (re.findall(r"<td[^>]*>(.*?)</td>", row, re.S) for row in body.split("<tr>"))
        if cells
    ]


def test_directory_rows_follow_every_change_of_what_they_show(member_client, member):
    """Rows come from the fragment cache: a change to any shown value is a new row."""
    association = OrganisationFactory(
        name="Metallverband", slug="metallverband", kind=OrganisationType.ASSOCIATION
    )
    vera = UserFactory(
        first_name="Vera", last_name="Verband", position="Referentin", organisation=association
    )
    member_row = ["Mira Schäfer", "–", member.organisation.name, "KMU"]
    response = member_client.get("/members/")
    assert table_rows(response) == [
        member_row,
        ["Vera Verband", "Referentin", "Metallverband", "Verband"],
    ]
    assert 'href="/organisations/metallverband/"' in response.content.decode()

    User.objects.filter(pk=vera.pk).update(first_name="Veronika", position="Leiterin Recht")
    association.name = "Verband der Metallrecycler"
    association.slug = "metallrecycler"
    association.kind = OrganisationType.RESEARCH
    association.save()

    response = member_client.get("/members/")
    assert table_rows(response) == [
        member_row,
        [
            "Veronika Verband",
            "Leiterin Recht",
            "Verband der Metallrecycler",
            "Forschungseinrichtung",
        ],
    ]
    assert 'href="/organisations/metallrecycler/"' in response.content.decode()

    User.objects.filter(pk=vera.pk).update(last_name="Anders", position="", organisation=None)

    assert table_rows(member_client.get("/members/")) == [
        ["Veronika Anders", "–", "–", "–"],
        member_row,
    ]


@pytest.mark.parametrize(
    "change",
    [
        {"show_in_directory": False},
        {"status": "pending"},
        {"status": "rejected"},
        {"is_active": False},
    ],
)
def test_directory_row_disappears_when_the_member_is_no_longer_listed(member_client, change):
    vera = UserFactory(first_name="Vera", last_name="Verband")
    assert [row[0] for row in table_rows(member_client.get("/members/"))] == [
        "Mira Schäfer",
        "Vera Verband",
    ]

    User.objects.filter(pk=vera.pk).update(**change)

    assert [row[0] for row in table_rows(member_client.get("/members/"))] == ["Mira Schäfer"]


def test_directory_rows_are_kept_per_language(member):
    client = client_for(member)
    german = client.get("/members/")

    member.language = "en"
    member.save()
    english = client.get("/members/")

    assert table_rows(german)[0][3] == "KMU"
    assert table_rows(english)[0][3] == "SME"


@pytest.mark.parametrize("count", [1, 40])
def test_directory_query_count_does_not_grow(member_client, django_assert_num_queries, count):
    for _ in range(count):
        UserFactory()

    # session, user, count, page of members with organisations, stage and material options
    with django_assert_num_queries(6):
        response = member_client.get("/members/?kind=sme")
    assert response.status_code == 200


def test_organisation_page_shows_listed_people(member_client, organisation):
    UserFactory(first_name="Olga", last_name="Listed", organisation=organisation)
    UserFactory(
        first_name="Otto", last_name="Hidden", organisation=organisation, show_in_directory=False
    )

    response = member_client.get(f"/organisations/{organisation.slug}/")

    html = response.content.decode()
    assert "Olga Listed" in html
    assert "Otto Hidden" not in html


def test_unknown_organisation_is_404(member_client):
    assert member_client.get("/organisations/gibt-es-nicht/").status_code == 404


def test_unfiltered_directory_pages_are_those_of_the_orm(member, monkeypatch):
    """`directory_page` (SQL compiled once) gives the pages and rows `Paginator`
    and `directory_rows` give, for any page value, also past the prepared pages."""
    monkeypatch.setattr(selectors, "PREPARED_PAGES", 3)
    organisation = OrganisationFactory(name="Gießerei Hagen")
    for number in range(6):
        UserFactory(last_name=f"Name {number}", organisation=organisation if number % 2 else None)
    UserFactory(last_name="Versteckt", show_in_directory=False)

    values = [None, "", "1", "2", "3", "4", "99", "0", "-1", "x", "2.0"]
    for value, per_page in itertools.product(values, [2, 5]):
        page, rows = selectors.directory_page(value, per_page)
        expected = Paginator(selectors.directory_members(), per_page).get_page(value)
        assert (page.number, page.paginator.count, page.paginator.num_pages) == (
            expected.number,
            expected.paginator.count,
            expected.paginator.num_pages,
        )
        assert rows == list(page) == selectors.directory_rows(expected.object_list)
    assert page.paginator.count == 7


def test_unfiltered_directory_reads_run_as_kept_sql(member, django_assert_num_queries):
    """The count and the rows pass `PreparedQuery`'s checks (no ORM fallback)."""
    assert selectors._prepared_count()._compile(0) is not None
    assert selectors._prepared_page(1, 50)._compile(0) is not None
    with django_assert_num_queries(1):  # the rows with the count
        page, rows = selectors.directory_page(None, 50)
    assert page.paginator.count == len(rows) == 1


def test_directory_count_and_pages_follow_new_members(member_client, member):
    """The count line and the pagination are cached by the count and the page."""
    for number in range(49):
        UserFactory(last_name=f"Name {number:02}")
    html = member_client.get("/members/").content.decode()
    assert "50 Mitglieder" in html
    assert "Seite 1 von" not in html

    UserFactory(last_name="Zuletzt")
    html = member_client.get("/members/").content.decode()
    assert "51 Mitglieder" in html
    assert "Seite 1 von 2" in html
    second = member_client.get("/members/", {"page": "2"}).content.decode()
    assert "Seite 2 von 2" in second
    assert "Zuletzt" in second
