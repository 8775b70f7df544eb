"""Our text dumper of arrays writes what psycopg's writes, and is the one in use."""

import pytest
from django.db import connection
from psycopg.adapt import PyFormat, Transformer
from psycopg.types.array import ListDumper as PsycopgListDumper

from thementisch.models import OutgoingEmail
from thementisch.postgres import ListDumper

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL only (psycopg adapters)"
)

VALUES = [
    ['say "hi"', "back\\slash", '\\"both\\"', "", "NULL", "null", "plain", None],
    ["{braces}", "a,b", " lead", "tab\there", "new\nline", "Grüße\u2028", '{"json": "x\\n"}'],
    [["nested", 'with "quote"'], ["", None]],
    [1, 2, 3],
    [],
    ['<p style="color:#1a4f8b;">' * 50],
]


def _dump(dumper_class, value) -> bytes:
    transformer = Transformer()
    dumper = dumper_class(list, transformer).upgrade(value, PyFormat.TEXT)
    return bytes(dumper.dump(value))


@pytest.mark.parametrize("value", VALUES)
def test_list_dumper_writes_the_bytes_psycopg_writes(value):
    assert _dump(ListDumper, value) == _dump(PsycopgListDumper, value)


@pytest.mark.django_db
def test_list_dumper_is_used_and_rows_read_back_unchanged():
    connection.ensure_connection()
    assert connection.connection.adapters.get_dumper(list, PyFormat.TEXT) is ListDumper
    texts = ['<a href="x">\\"</a>', 'JSON {"a": "b\\n"}', "", "NULL"]
    rows = [
        OutgoingEmail(
            key=f"dump:{n}",
            to_email="x@example.com",
            subject=text,
            body_text=text,
            body_html=text,
            parts=[{"content": text}],
            template="t",
        )
        for n, text in enumerate(texts)
    ]

    OutgoingEmail.objects.bulk_create(rows)

    stored = OutgoingEmail.objects.filter(key__startswith="dump:").order_by("key")
    assert [(r.subject, r.body_text, r.body_html, r.parts) for r in stored] == [
        (text, text, text, [{"content": text}]) for text in texts
    ]


@pytest.mark.django_db
def test_outbox_bodies_and_parts_are_compressed_with_lz4_where_postgresql_has_it():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT 'lz4' = ANY(enumvals) FROM pg_settings WHERE name = 'default_toast_compression'"
        )
        (has_lz4,) = cursor.fetchone()
        cursor.execute(
            "SELECT attname, attcompression FROM pg_attribute"
            " WHERE attrelid = 'thementisch_outgoingemail'::regclass"
            " AND attname IN ('body_text', 'body_html', 'parts') ORDER BY attname"
        )
        columns = cursor.fetchall()

    expected = "l" if has_lz4 else ""
    assert columns == [("body_html", expected), ("body_text", expected), ("parts", expected)]
