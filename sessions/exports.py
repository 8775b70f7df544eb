"""Attendance lists for the coordinator: CSV and XLSX."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from .models import Invitation

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _safe(value: str) -> str:
    """Cells that a spreadsheet would run as a formula get a leading apostrophe."""
    return f"'{value}" if value.startswith(FORMULA_START) else value


def header() -> list[str]:
    return [
        _("Name"),
        _("Organisation"),
        _("Organisation type"),
        _("Email"),
        _("Guest"),
        _("Answer"),
        _("Attended"),
    ]


def rows(invitations: Iterable[Invitation]) -> list[list[str]]:
    result = []
    for invitation in invitations:
        organisation = invitation.user.organisation if invitation.user_id else None
        if invitation.attended is None:
            attended = ""
        else:
            attended = _("yes") if invitation.attended else _("no")
        result.append(
            [
                invitation.display_name,
                organisation.name if organisation else "",
                organisation.get_kind_display() if organisation else "",
                invitation.address,
                _("yes") if invitation.is_guest else _("no"),
                invitation.get_response_display(),
                attended,
            ]
        )
    return result


def as_csv(invitations: Iterable[Invitation]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(header())
    for row in rows(invitations):
        writer.writerow([_safe(cell) for cell in row])
    # A byte-order mark makes Excel read the umlauts as UTF-8.
    return "\ufeff" + buffer.getvalue()


def as_xlsx(invitations: Iterable[Invitation], *, title: str) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Attendance")[:31]
    sheet.append(header())
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows(invitations):
        sheet.append([_safe(cell) for cell in row])
    for column, width in zip("ABCDEFG", (30, 36, 24, 32, 8, 20, 10), strict=True):
        sheet.column_dimensions[column].width = width
    sheet.freeze_panes = "A2"
    workbook.properties.title = title
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
