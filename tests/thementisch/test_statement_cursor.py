"""`statement_cursor`: the hot pages' own SQL prepared once per connection."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.helpers import prepared_statements
from thementisch.prepared import statement_cursor

pytestmark = pytest.mark.django_db

SQL = "SELECT %s::int + 1, %s::text /* statement_cursor test */"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only")
def test_the_statement_is_prepared_once_and_answers_with_new_values():
    with statement_cursor() as cursor:
        cursor.execute(SQL, [1, "Kupfer"])
        assert cursor.fetchall() == [(2, "Kupfer")]
    with statement_cursor() as cursor:
        cursor.execute(SQL, [41, "Aluminium"])
        assert cursor.fetchall() == [(42, "Aluminium")]
    prepared = [s for s in prepared_statements() if "statement_cursor test" in s]
    assert len(prepared) == 1
    assert "$1" in prepared[0]  # the values travel apart from the text


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only")
def test_off_it_is_the_ordinary_cursor(settings):
    settings.DATABASE_PREPARED_STATEMENTS = False
    with statement_cursor() as cursor:
        cursor.execute(SQL.replace("test", "test off"), [1, "Zink"])
        assert cursor.fetchall() == [(2, "Zink")]
    assert not [s for s in prepared_statements() if "statement_cursor test off" in s]


def test_its_queries_are_counted_like_any_other():
    with CaptureQueriesContext(connection) as captured, statement_cursor() as cursor:
        cursor.execute("SELECT %s", [1])
        cursor.fetchall()
    assert len(captured) == 1
