"""Queries compiled once: the same rows as the ORM, for any argument values."""

import datetime

import pytest
from django.db import connection
from django.db.models import Value

from members.models import Organisation, User
from tests.factories import OrganisationFactory, UserFactory
from tests.helpers import prepared_statements
from thementisch.prepared import PreparedQuery

pytestmark = pytest.mark.django_db


def members_of(organisation_id):
    return (
        User.objects.filter(organisation_id=organisation_id)
        .order_by("pk")
        .values_list("pk", "email", "date_joined")
    )


def test_rows_match_the_orm_for_each_argument(django_assert_num_queries):
    first, second = OrganisationFactory(), OrganisationFactory()
    UserFactory.create_batch(2, organisation=first)
    UserFactory(organisation=second)
    query = PreparedQuery(members_of)

    for organisation in (first, second, first):
        with django_assert_num_queries(1):
            rows = query.rows(organisation.pk)
        assert rows == list(members_of(organisation.pk))
    assert query.rows(-1) == []


def test_an_argument_used_twice_and_constants_of_the_query():
    organisation = OrganisationFactory(name="Gießerei Hagen")
    UserFactory(organisation=organisation, first_name="")
    UserFactory(organisation=organisation, first_name="Erika")

    def build(organisation_id):
        named = User.objects.filter(organisation_id=organisation_id).exclude(first_name="")
        names = Organisation.objects.filter(pk=organisation_id)
        return named.values_list("email", Value("person")).union(
            names.values_list("name", Value("organisation")), all=True
        )

    query = PreparedQuery(build)
    assert sorted(query.rows(organisation.pk)) == sorted(build(organisation.pk))
    assert len(query.rows(organisation.pk)) == 2


def test_columns_the_orm_converts_are_read_through_the_orm():
    user = UserFactory(notification_settings={"digest": "weekly"})
    query = PreparedQuery(
        lambda pk: User.objects.filter(pk=pk).values_list("notification_settings")
    )

    assert query.rows(user.pk) == [({"digest": "weekly"},)]
    if connection.vendor == "postgresql":
        assert query._compiled is None


def test_an_argument_that_does_not_reach_the_sql_is_refused():
    query = PreparedQuery(lambda pk: User.objects.filter(pk=1).values_list("pk"))

    if connection.vendor == "postgresql":
        with pytest.raises(ValueError, match="parameter"):
            query.rows(5)


def test_constants_are_written_into_the_statement_and_the_arguments_sent():
    organisation = OrganisationFactory(name="100% Recycling")
    UserFactory(organisation=organisation, first_name="Erika")
    UserFactory(organisation=organisation, first_name="50%")

    def build(organisation_id):
        return (
            User.objects.filter(organisation_id=organisation_id, first_name__in=["50%", "Erika"])
            .exclude(first_name__contains="%s")
            .order_by("first_name")
            .values_list("first_name", Value("100% Recycling"))
        )

    query = PreparedQuery(build)
    assert query.rows(organisation.pk) == list(build(organisation.pk))
    assert query.rows(organisation.pk) == [("50%", "100% Recycling"), ("Erika", "100% Recycling")]
    if connection.vendor == "postgresql":
        sql, slots = query._compiled
        assert "'Erika'" in sql
        assert slots == [0]


def test_a_list_argument_even_empty():
    users = UserFactory.create_batch(2)

    def build(ids):
        return User.objects.filter(pk__in=ids).order_by("pk").values_list("pk")

    if connection.vendor != "postgresql":
        return
    from django.db.models import BooleanField
    from django.db.models.expressions import RawSQL

    def build_any(ids):
        condition = RawSQL('"members_user"."id" = ANY(%s)', (ids,), output_field=BooleanField())
        return User.objects.filter(condition).order_by("pk").values_list("pk")

    query = PreparedQuery(build_any)
    assert query.rows([user.pk for user in users]) == list(build([user.pk for user in users]))
    assert query.rows([users[0].pk, 2**40]) == [(users[0].pk,)]
    assert query.rows([]) == []


def test_postgresql_keeps_the_statement_prepared_and_django_logs_it(
    django_assert_num_queries,
):
    if connection.vendor != "postgresql":
        return
    organisation = OrganisationFactory()
    UserFactory(organisation=organisation)
    query = PreparedQuery(members_of)

    with django_assert_num_queries(1) as captured:
        rows = query.rows(organisation.pk)
    assert rows == list(members_of(organisation.pk))
    # Logged with its values, as Django logs its own queries.
    assert f"= {organisation.pk} ORDER BY" in captured.captured_queries[0]["sql"]
    assert any('"members_user"."organisation_id" = $1' in s for s in prepared_statements())


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only")
def test_a_query_with_constants_settles_on_one_generic_plan():
    """Constants (here a date) are in the statement's text, not parameters: PostgreSQL
    plans the statement once instead of on every run."""
    organisation = OrganisationFactory()
    UserFactory(organisation=organisation)
    since = datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC)
    query = PreparedQuery(
        lambda organisation_id: User.objects.filter(
            organisation_id=organisation_id, date_joined__gte=since, is_active=True
        ).values_list("pk", "email")
    )

    for _ in range(8):
        assert len(query.rows(organisation.pk)) == 1
    assert "'2020-01-01" in query._compiled[0]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT generic_plans FROM pg_prepared_statements WHERE statement LIKE %s",
            ["%date_joined\" >= '2020-01-01%"],
        )
        assert cursor.fetchall()[0][0] >= 1


def test_a_query_without_arguments_and_percent_signs_in_its_constants():
    OrganisationFactory(name="100% Sekundärrohstoff")
    OrganisationFactory(name="Gießerei Hagen")

    def build():
        return (
            Organisation.objects.filter(name__contains="%")
            .order_by("pk")
            .values_list("name", Value("50%"))
        )

    query = PreparedQuery(build)
    assert query.rows() == list(build()) == [("100% Sekundärrohstoff", "50%")]
