"""Small hot reads compiled to SQL once per process, then run with new values.

Django compiles a queryset to SQL every time it runs it. For the handful of
small reads a busy page makes on every request, compiling costs more than
the database: the comments of a barrier by foreign key take ~0.8 ms through
the ORM and ~0.3 ms as the same SQL run directly. A `PreparedQuery` builds its
queryset once with placeholder values, keeps the SQL and the parameter list,
and later runs that SQL with the placeholders replaced:

    COMMENTS = PreparedQuery(
        lambda barrier_id: BarrierComment.objects.filter(barrier_id=barrier_id)
        .values_list("pk", "body")
    )
    rows = COMMENTS.rows(barrier.pk)  # [(pk, body), ...]

The queryset must be a `values_list()` without `flat` (rows are tuples) and
take each argument as a plain parameter (an id or number the ORM passes
through unchanged). Only PostgreSQL runs the kept SQL, and only when the ORM
would not convert any column after reading it (then the driver returns the
same Python values the ORM does). Otherwise the queryset runs through the
ORM, with the same result.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from functools import cache
from typing import Any

from django.conf import settings
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db import connection as default_connection
from django.db import connections, models
from django.db.models import Model, QuerySet
from django.db.models.base import ModelState

# Values no real parameter has; each stands for one argument while compiling.
PLACEHOLDERS = (-917_000_001, -917_000_002, -917_000_003, -917_000_004)


class AsRead(models.Field):
    """Output field for a count that is read as the driver returns it (an int).

    Django reads `Count(...)` through the integer field's converter, and a
    column with a converter keeps `PreparedQuery` on the ORM path; with
    `output_field=AsRead()` the count has none and the kept SQL can run.
    """


class PreparedQuery:
    """`build(*arguments)` gives the queryset; `sql` (optional) is SQL written by hand
    that PostgreSQL runs instead: (the SQL with `%s` parameters, their values), where
    `PLACEHOLDERS[n]` stands for argument n. It must read the same rows as the
    queryset, as the driver returns them (a test compares them); elsewhere the
    queryset runs."""

    def __init__(
        self,
        build: Callable[..., QuerySet],
        *,
        using: str = "default",
        sql: tuple[str, list[Any]] | None = None,
    ) -> None:
        self.build = build
        self.using = using
        self.sql = sql
        self._compiled: tuple[str, list[int]] | bool | None = False  # False: not yet

    def _compile(self, arity: int) -> tuple[str, list[int]] | None:
        if self.sql is not None:
            sql, params = self.sql
        else:
            queryset = self.build(*PLACEHOLDERS[:arity])
            compiler = queryset.query.get_compiler(using=self.using)
            sql, params = compiler.as_sql()
            if compiler.get_converters([column for column, _sql, _alias in compiler.select]):
                return None  # a column the ORM converts after reading: always use the ORM
        slots = [PLACEHOLDERS.index(p) if p in PLACEHOLDERS[:arity] else None for p in params]
        if {slot for slot in slots if slot is not None} != set(range(arity)):
            raise ValueError("every argument must reach the SQL as a parameter")
        # The constants of the query are written into its text, so that PostgreSQL
        # plans a prepared statement once (a generic plan) when its plan does not
        # depend on the arguments: with the constants as parameters too (a date,
        # the precisions of /policy/'s query) it kept planning it on every run.
        sql = _with_constants(sql, params, slots, connections[self.using])
        return sql, [slot for slot in slots if slot is not None]

    def rows(self, *values: Any) -> list[tuple]:
        """The rows of the query for these argument values."""
        connection = connections[self.using]
        if connection.vendor != "postgresql":
            return list(self.build(*values))
        if self._compiled is False:
            self._compiled = self._compile(len(values))
        if self._compiled is None:
            return list(self.build(*values))
        sql, slots = self._compiled
        params = [values[slot] for slot in slots]
        with statement_cursor(connection) as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        if connection.queries_logged:  # logged with its values, as Django logs a query
            connection.queries_log[-1]["sql"] = connection.ops.compose_sql(sql, params)
        return rows


# A parameter of Django's SQL, or an escaped percent sign.
_PARAMETER = re.compile(r"(%%|%s)")


def _with_constants(sql: str, params: list[Any], slots: list[int | None], connection) -> str:
    """`sql` with its constants (the `params` without a slot) written in as literals,
    as the driver writes values when it binds on the client; the arguments stay `%s`."""
    values = iter(zip(slots, params, strict=True))
    parts = []
    for part in _PARAMETER.split(sql):
        if part == "%s":
            slot, value = next(values)
            if slot is None:
                part = connection.ops.compose_sql("%s", [value]).replace("%", "%%")
        parts.append(part)
    return "".join(parts)


def model_instance(
    model: type[Model], columns: Sequence[str], values: Sequence, using: str
) -> Model:
    """A model instance read from the database with these columns (attribute names;
    the others deferred), as `Model.from_db` builds it, without running `__init__`
    (a fifth of the time). For rows the hot pages read with their own SQL: no
    model here has `pre_init`/`post_init` receivers or its own `from_db`."""
    instance = model.__new__(model)
    instance.__dict__.update(zip(columns, values, strict=True))
    instance._state = ModelState()
    instance._state.adding = False
    instance._state.db = using
    return instance


def statement_cursor(connection=default_connection):
    """A cursor whose statements PostgreSQL parses and plans once per connection.

    For the hand-written and kept SQL of the hot pages, which run with the same
    text and new values on every request: planning them again each time costs
    more than running them. On PostgreSQL with psycopg 3 the statements go to
    the server with their values apart and are prepared on first use (psycopg
    keeps up to 100 per connection); elsewhere, or with
    `DATABASE_PREPARED_STATEMENTS` off (for a pooler in transaction mode without
    prepared-statement support), it is the ordinary cursor.
    """
    if connection.vendor != "postgresql" or not settings.DATABASE_PREPARED_STATEMENTS:
        return connection.cursor()
    connection.ensure_connection()
    cursor_class = _preparing_cursor_class()
    if cursor_class is None:  # psycopg2
        return connection.cursor()
    return connection._prepare_cursor(cursor_class(connection.connection))


@cache
def _preparing_cursor_class() -> type | None:
    """Django's server-binding cursor that asks psycopg to prepare every statement
    (None with psycopg2). Imported on first use: only PostgreSQL needs it."""
    from django.db.backends.postgresql import base

    if not base.is_psycopg3:
        return None

    class PreparingCursor(base.ServerBindingCursor):
        def execute(self, query, params=None, *, prepare=None, binary=None):
            return super().execute(query, params, prepare=True, binary=binary)

    return PreparingCursor


def counted_page(
    number: Any,
    per_page: int,
    *,
    page_rows: Callable[[int], list[tuple]],
    count: Callable[[], int],
    slice_rows: Callable[[int, int], list[tuple]],
    prepared_pages: int,
) -> tuple[Paginator, int, list[tuple]]:
    """The page `Paginator.get_page(number)` would show, for a list whose first
    `prepared_pages` pages are prepared queries whose rows end with the total count.

    `page_rows(n)` reads page n (rows ending with the count; empty past the end),
    `count()` the total, `slice_rows(start, stop)` the rows of a deeper page.
    Returns the paginator (its count set), the page number and the page's rows
    without the count: one query for a page that exists, two past the end.
    """
    paginator = Paginator((), per_page)
    try:
        wanted = int(number)
    except (TypeError, ValueError):
        wanted = 1  # as `get_page`: not a number is the first page
    if 1 <= wanted <= prepared_pages:
        values = page_rows(wanted)
        if values:
            paginator.count = values[0][-1]
            return paginator, wanted, [row[:-1] for row in values]
    # No such page (or an empty list): the count decides which page `get_page` shows.
    paginator.count = count()
    try:
        number = paginator.validate_number(number)
    except PageNotAnInteger:
        number = 1
    except EmptyPage:
        number = paginator.num_pages
    if not paginator.count:
        return paginator, number, []
    if number <= prepared_pages:
        return paginator, number, [row[:-1] for row in page_rows(number)]
    start = (number - 1) * per_page
    return paginator, number, list(slice_rows(start, start + per_page))
