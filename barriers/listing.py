"""The reads of `/barriers/`, compiled to SQL once per shape of the request.

Every view of the list builds the same few querysets: the filters
(BarrierFilter), the page's rows and the bounded count
(`selectors.list_querysets`). Django compiles them to SQL on every request,
which costs several times what PostgreSQL needs to answer them. Here the
SQL is built once per *shape* (the viewer's role, which filters are set, the
sort, the page) through the very same filter set and selectors, with
stand-in values in place of the filter values and the viewer's id, and kept;
later requests of that shape run the kept SQL with their own values
(`thementisch.prepared` does the same for fixed queries).

The validated filter values of a query string are kept in the cache for
five minutes (as long as the cached filter form and the taxonomy labels):
the filter form is built only when they are not known yet or when its HTML
is not cached.

Only PostgreSQL runs the kept SQL, and only when the ORM would not convert a
column after reading it; otherwise the list runs through the ORM.

A search of several words reads the page's ids and its rows apart: the ids
with a plan made for the words searched (how many barriers they match
decides the best plan), the rows by those ids with one prepared statement.
Planning the two together cost PostgreSQL more than running them. A search
of one word reads its ids in the order of an index (`BarrierSearchTerm`),
the same plan for every word, so its rows come with them in one prepared
statement, as in an unsearched list.
"""

from __future__ import annotations

import copy
import functools
import hashlib
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.db import connections
from django.db.models import BooleanField, Model, QuerySet
from django.db.models.expressions import RawSQL
from django.http import HttpRequest

from members.permissions import is_coordinator, is_member
from thementisch.prepared import statement_cursor

from . import permissions, selectors
from .filters import BarrierFilter

SELECTION_SECONDS = 300  # as the cached filter form (barriers/list.html) and taxonomy labels
MAX_KEPT = 500  # compiled shapes kept per process (then started afresh)
USER_STANDIN = -917_100_000
# Stand-ins for filter values while compiling: never a real id, choice or search text.
INT_STANDINS = tuple(-917_100_001 - index for index in range(16))
IDS_STANDIN = [-917_100_099]
STR_STANDINS = tuple(f"tmstandin{index}x" for index in range(16))  # no spaces: kept as is


@dataclass(frozen=True)
class Selection:
    """The validated filters of a request: (name, value) of each one set."""

    values: tuple[tuple[str, Any], ...]
    search_text: str

    def cleaned(self) -> dict[str, Any]:
        return dict(self.values)


_compiled: dict[tuple, Any] = {}


def _selection_key(request: HttpRequest) -> str:
    query = sorted((name, values) for name, values in request.GET.lists() if name != "page")
    digest = hashlib.sha1(repr(query).encode(), usedforsecurity=False).hexdigest()
    return f"barriers:list-selection:{digest}"


def selection(request: HttpRequest) -> Selection:
    """The filter values of `request` as BarrierFilter validates them (invalid ones left out)."""
    key = _selection_key(request)
    found = cache.get(key)
    if found is None:
        filterset = BarrierFilter(request.GET, queryset=None, request=request)
        filterset.form.is_valid()  # invalid filters are left out, as BarrierFilter.qs does
        found = Selection(
            values=tuple(
                (name, value.pk if isinstance(value, Model) else value)
                for name, value in filterset.form.cleaned_data.items()
                if value not in ([], (), {}, "", None)
            ),
            search_text=filterset.search_text,
        )
        cache.set(key, found, SELECTION_SECONDS)
    return found


def _viewer_shape(user) -> tuple:
    """What of the viewer decides the SQL (not its values): the role."""
    return (is_coordinator(user), is_member(user), permissions.can_filter_by_submitter(user))


def _shape(selection_: Selection, user, number: int, per_page: int) -> tuple:
    parts = []
    for name, value in selection_.values:
        if isinstance(value, bool) or name == "sort":
            parts.append((name, value))  # decides the SQL itself
        elif name == "q":
            parts.append((name, selectors.is_one_word(value)))  # one word: another table
        else:
            parts.append((name, type(value).__name__))
    return (_viewer_shape(user), tuple(parts), number, per_page)


def _arguments(selection_: Selection, user) -> list[Any]:
    """The values the kept SQL of this selection takes: the viewer's id, then each filter value."""
    values = [user.pk]
    for name, value in selection_.values:
        if isinstance(value, bool) or name == "sort":
            continue
        values.append(selectors._clean_search_text(value) if name == "q" else value)
    return values


def _querysets(selection_: Selection, user, *, number: int, per_page: int):
    """The row and count querysets of `list_querysets` for this selection."""
    filterset = BarrierFilter(None, queryset=None, request=None)
    filterset.user = user
    filterset.form.cleaned_data = selection_.cleaned()
    queryset = filterset.filter_queryset(permissions.visible_barriers(user))
    return selectors.list_querysets(
        queryset,
        count_queryset=filterset.count_queryset,
        search_text=selection_.search_text,
        offset=(number - 1) * per_page,
        limit=per_page + 1,
        ranked=filterset.ranked_matches(),
    )


def _standins(selection_: Selection, user) -> tuple[Selection, Any, list[Any]]:
    """The selection and viewer with stand-ins for every value (in `_arguments` order)."""
    viewer = copy.copy(user)
    viewer.pk = USER_STANDIN
    standins: list[Any] = [USER_STANDIN]
    values = []
    ints, strs = iter(INT_STANDINS), iter(STR_STANDINS)
    search_text = ""
    for name, value in selection_.values:
        if isinstance(value, bool) or name == "sort":
            values.append((name, value))
            continue
        standin = next(ints) if isinstance(value, int) else next(strs)
        if name == "q":
            if not selectors.is_one_word(value):
                standin = f"{standin} {standin}"  # words, as the text stood for
            search_text = standin
        values.append((name, standin))
        standins.append(standin)
    return Selection(values=tuple(values), search_text=search_text), viewer, standins


def _compile(queryset: QuerySet, standins: list[Any], using: str, *, count: bool = False):
    compiler = queryset.query.get_compiler(using=using)
    sql, params = compiler.as_sql()
    if not count and compiler.get_converters([c for c, _sql, _alias in compiler.select]):
        return None  # a column the ORM converts after reading
    slots = []
    for param in params:
        slot = None
        for index, standin in enumerate(standins):
            if type(param) is type(standin) and param == standin:
                slot = index
        if slot is None and (param in INT_STANDINS or "tmstandin" in str(param)):
            return None  # a value changed on its way into the SQL: keep the ORM
        slots.append((slot, None if slot is not None else param))
    if count:
        sql = f"SELECT COUNT(*) FROM ({sql}) subquery"  # noqa: S608 -- compiled SQL only
    return sql, slots


def _kept(shape: tuple, selection_: Selection, user, number: int, per_page: int, using: str):
    """(rows or ids SQL, count SQL, searched, split) of this shape, compiled on first use;
    `split`: the ids SQL, planned for the words searched, then the rows by id."""
    if shape not in _compiled:
        standin_selection, viewer, standins = _standins(selection_, user)
        rows, count, searched, ids = _querysets(
            standin_selection, viewer, number=number, per_page=per_page
        )
        split = ids is not None
        rows_sql = _compile(ids if split else rows, standins, using)
        count_sql = _compile(count, standins, using, count=True)
        if split and _searched_rows_sql(using) is None:
            rows_sql = None
        if len(_compiled) >= MAX_KEPT:
            _compiled.clear()
        kept = (rows_sql, count_sql, searched, split)
        _compiled[shape] = kept if rows_sql and count_sql else None
    return _compiled[shape]


@functools.cache
def _searched_rows_sql(using: str):
    """The kept SQL of `selectors.searched_rows` for a list of ids (its one argument)."""
    picked = RawSQL('"barriers_barrier"."id" = ANY(%s)', (IDS_STANDIN,), BooleanField())
    columns = selectors._list_columns(postgres=True)
    return _compile(
        selectors.searched_rows(picked).values_list(*columns, "description_hash"),
        [IDS_STANDIN],
        using,
    )


def _run(connection, compiled, arguments: list[Any], *, prepare: bool = True) -> list[tuple]:
    """The rows of kept SQL, prepared (planned once per connection) unless `prepare`
    is off."""
    sql, slots = compiled
    with statement_cursor(connection) if prepare else connection.cursor() as cursor:
        cursor.execute(sql, [arguments[slot] if slot is not None else p for slot, p in slots])
        return cursor.fetchall()


def _searched_page_rows(connection, ids_sql, arguments: list[Any]) -> list[tuple]:
    """The rows of a page of search results: its ids, planned for the words searched
    (not prepared), then its rows by those ids (prepared), in the order of the ids."""
    ids = [pk for (pk,) in _run(connection, ids_sql, arguments, prepare=False)]
    if not ids:
        return []
    rows = _run(connection, _searched_rows_sql(connection.alias), [ids])
    position = {pk: index for index, pk in enumerate(ids)}
    return sorted(rows, key=lambda row: position[row[0]])


def list_page(
    selection_: Selection, user, *, page: Any, per_page: int, using: str = "default"
) -> selectors.CheapPage:
    """One page of `/barriers/` for `user` (what `selectors.list_page` returns)."""
    number = selectors._page_number(page)
    connection = connections[using]
    kept = None
    if connection.vendor == "postgresql":
        kept = _kept(
            _shape(selection_, user, number, per_page), selection_, user, number, per_page, using
        )
    if kept is None:
        rows, count, searched, _ids = _querysets(selection_, user, number=number, per_page=per_page)
        return selectors.page_of_rows(
            list(rows),
            user,
            number=number,
            per_page=per_page,
            searched=searched,
            search_text=selectors._clean_search_text(selection_.search_text),
            count=count.count,
        )
    rows_sql, count_sql, searched, split = kept
    arguments = _arguments(selection_, user)
    rows = (
        _searched_page_rows(connection, rows_sql, arguments)
        if split
        else _run(connection, rows_sql, arguments)
    )
    return selectors.page_of_rows(
        rows,
        user,
        number=number,
        per_page=per_page,
        searched=searched,
        search_text=selectors._clean_search_text(selection_.search_text),
        count=lambda: _run(connection, count_sql, arguments, prepare=not split)[0][0],
    )
