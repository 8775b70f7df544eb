"""CSV and XLSX exports of the current selection (coordinator and ministry).

Rows come from masked barriers: an anonymous barrier shows "anonymous"
instead of person and organisation to everyone but the coordinator.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from thementisch.mail import absolute_url

from . import permissions
from .models import Barrier

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def headers() -> list[str]:
    return [
        _("Number"),
        _("Title"),
        _("Status"),
        _("Category"),
        _("Kind of need"),
        _("Level"),
        _("Root cause"),
        _("Materials"),
        _("Value-chain stages"),
        _("Regulation"),
        _("Severity"),
        _("Endorsing members"),
        _("Endorsing organisations"),
        _("Comments"),
        _("Submitted at"),
        _("Organisation"),
        _("Submitted by"),
        _("Logged for"),
        _("Forwarded to"),
        _("Answer requested by"),
        _("Link"),
    ]


def export_queryset(queryset: QuerySet[Barrier]) -> QuerySet[Barrier]:
    return queryset.select_related(
        "organisation", "author", "policy_item", "forwarded_to"
    ).prefetch_related("materials", "value_chain_stages")


def rows(queryset: QuerySet[Barrier], user) -> Iterator[list]:
    """One list of cell values per barrier, identities masked for `user`."""
    anonymous = _("anonymous")
    for barrier in export_queryset(queryset).iterator(chunk_size=500):
        barrier = permissions.mask_identity(barrier, user)
        hidden = barrier.identity_hidden
        forwarded = ""
        if barrier.forwarded_level:
            forwarded = barrier.get_forwarded_level_display()
            if barrier.forwarded_to:
                forwarded = f"{forwarded} – {barrier.forwarded_to}"
        on_behalf = barrier.get_on_behalf_display()
        if barrier.on_behalf_names:
            on_behalf = f"{on_behalf}: {barrier.on_behalf_names}"
        yield [
            barrier.pk,
            barrier.title,
            barrier.get_status_display(),
            barrier.get_category_display(),
            barrier.get_need_type_display(),
            barrier.get_level_display(),
            barrier.get_root_cause_display(),
            ", ".join(str(m) for m in barrier.materials.all()),
            ", ".join(str(s) for s in barrier.value_chain_stages.all()),
            barrier.regulation_label,
            barrier.get_severity_display(),
            barrier.endorsement_count,
            barrier.endorsing_organisation_count,
            barrier.comment_count,
            timezone.localtime(barrier.created_at).strftime("%d.%m.%Y"),
            anonymous if hidden else (barrier.organisation.name if barrier.organisation else ""),
            anonymous if hidden else (barrier.author.get_full_name() if barrier.author else ""),
            on_behalf,
            forwarded,
            barrier.answer_by.strftime("%d.%m.%Y") if barrier.answer_by else "",
            absolute_url(barrier.get_absolute_url()),
        ]


def _safe(value):
    """Neutralise spreadsheet formulas in text cells (CSV injection)."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def to_csv(table: Iterable[list]) -> bytes:
    """Semicolon-separated UTF-8 with BOM, as German spreadsheet programs expect."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(headers())
    for row in table:
        writer.writerow([_safe(value) for value in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def to_xlsx(table: Iterable[list]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Barriers")[:31])
    bold = Font(bold=True)
    header_cells = []
    for title in headers():
        cell = WriteOnlyCell(sheet, value=title)
        cell.font = bold
        header_cells.append(cell)
    sheet.append(header_cells)
    for row in table:
        sheet.append([_safe(value) for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
