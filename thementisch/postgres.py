"""A faster text dumper for arrays on PostgreSQL connections (psycopg 3).

Django's `bulk_create` on PostgreSQL sends each column as one array
(`INSERT ... SELECT * FROM UNNEST(%s::text[], ...)`), and with client-side
binding (Django's default) psycopg writes each array as text, escaping every
double quote and backslash of each element with a regular-expression
substitution, one Python call per character found. Outbox rows are HTML and
JSON full of quotes: for 10,000 digests that was millions of calls, most of
the time of storing them. `ListDumper` writes the same bytes with two
`bytes.replace` calls (tests/thementisch/test_postgres.py compares both).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from psycopg.types.array import ListDumper as PsycopgListDumper


class ListDumper(PsycopgListDumper):
    """psycopg's text ListDumper, escaping elements with bytes.replace instead of re.sub."""

    def _dump_list(
        self,
        obj: list[Any],
        tokens: list[Any],
        needs_quotes: Callable[[Any], object],
    ) -> None:
        # psycopg 3.3's ListDumper._dump_list, but for the escaping.
        if not obj:
            tokens.append(b"{}")
            return

        dump = self.sub_dumper.dump if self.sub_dumper else self._dump_item
        delimiter = self.delimiter
        tokens.append(b"{")
        for item in obj:
            if item is None:
                tokens.append(b"NULL")
            elif isinstance(item, list):
                self._dump_list(item, tokens, needs_quotes)
            elif (ad := dump(item)) is None:
                tokens.append(b"NULL")
            else:
                if needs_quotes(ad):
                    # What re.sub(rb'(["\\])', rb"\\\1", ad) gives: backslashes
                    # first, so the ones added before quotes stay single.
                    ad = bytes(ad).replace(b"\\", b"\\\\").replace(b'"', b'\\"')
                    ad = b'"' + ad + b'"'
                tokens.append(ad)

            tokens.append(delimiter)

        tokens[-1] = b"}"


def register_adapters(sender: Any, connection: Any, **kwargs: Any) -> None:
    """On each new PostgreSQL connection (signal `connection_created`): use our ListDumper."""
    if connection.vendor != "postgresql":
        return
    connection.connection.adapters.register_dumper(list, ListDumper)
