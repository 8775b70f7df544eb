import pytest

from members.models import OrganisationType
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
