"""Queries compiled once: the same rows as the ORM, for any argument values."""

import pytest
from django.db import connection
from django.db.models import Value

from members.models import Organisation, User
from tests.factories import OrganisationFactory, UserFactory
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
