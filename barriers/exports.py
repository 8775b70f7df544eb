"""CSV and XLSX exports of the current selection (coordinator and ministry).

Rows come from masked barriers: an anonymous barrier shows "anonymous"
instead of person and organisation to everyone but the coordinator.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Iterable, Iterator

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import get_language, pgettext
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
        pgettext("source of a barrier", "Regulation"),
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


EXPORT_FIELDS = (
    "pk",
    "title",
    "status",
    "category",
    "need_type",
    "level",
    "root_cause",
    "severity",
    "regulation_text",
    "policy_item__short_name",
    "policy_item__title",
    "endorsement_count",
    "endorsing_organisation_count",
    "comment_count",
    "created_at",
    "is_anonymous",
    "author_id",
    "author__first_name",
    "author__last_name",
    "organisation__name",
    "on_behalf",
    "on_behalf_names",
    "forwarded_level",
    "forwarded_to__name",
    "answer_by",
)


def _labels_by_barrier(through, column: str, ids: list[int]) -> dict[int, list[str]]:
    english = (get_language() or "de").startswith("en")
    label = f"{column}__label_en" if english else f"{column}__label_de"
    found: dict[int, list[str]] = defaultdict(list)
    rows = (
        through.objects.filter(barrier_id__in=ids)
        .order_by(f"{column}__order", f"{column}__slug")
        .values_list("barrier_id", label)
    )
    for barrier_id, text in rows:
        found[barrier_id].append(text)
    return found


def rows(queryset: QuerySet[Barrier], user, *, chunk: int = 2000) -> Iterator[list]:
    """One list of cell values per barrier; person and organisation of an
    anonymous barrier are replaced by "anonymous" unless `user` may see them
    (`permissions.identity_visible`). Plain values, no model instances: an
    export of 20,000 barriers stays fast."""
    anonymous = _("anonymous")
    labels = {
        name: {value: str(label) for value, label in Barrier._meta.get_field(name).choices}
        for name in (
            "status",
            "category",
            "need_type",
            "level",
            "root_cause",
            "severity",
            "on_behalf",
        )
    }
    site = absolute_url("")
    values = queryset.values(*EXPORT_FIELDS)
    offset = 0
    while True:
        batch = list(values[offset : offset + chunk])
        if not batch:
            return
        offset += chunk
        ids = [row["pk"] for row in batch]
        materials = _labels_by_barrier(Barrier.materials.through, "material", ids)
        stages = _labels_by_barrier(Barrier.value_chain_stages.through, "valuechainstage", ids)
        for row in batch:
            visible = permissions.identity_visible(
                user, is_anonymous=row["is_anonymous"], author_id=row["author_id"]
            )
            person = " ".join(
                part for part in (row["author__first_name"], row["author__last_name"]) if part
            )
            forwarded = labels["level"].get(row["forwarded_level"], "")
            if forwarded and row["forwarded_to__name"]:
                forwarded = f"{forwarded} – {row['forwarded_to__name']}"
            on_behalf = labels["on_behalf"].get(row["on_behalf"], "")
            if row["on_behalf_names"] and visible:
                on_behalf = f"{on_behalf}: {row['on_behalf_names']}"
            regulation = row["policy_item__short_name"] or row["policy_item__title"] or ""
            if row["regulation_text"]:
                regulation = "; ".join(p for p in (regulation, row["regulation_text"]) if p)
            yield [
                row["pk"],
                row["title"],
                labels["status"].get(row["status"], row["status"]),
                labels["category"].get(row["category"], row["category"]),
                labels["need_type"].get(row["need_type"], row["need_type"]),
                labels["level"].get(row["level"], row["level"]),
                labels["root_cause"].get(row["root_cause"], row["root_cause"]),
                ", ".join(materials.get(row["pk"], [])),
                ", ".join(stages.get(row["pk"], [])),
                regulation,
                labels["severity"].get(row["severity"], row["severity"]),
                row["endorsement_count"],
                row["endorsing_organisation_count"],
                row["comment_count"],
                timezone.localtime(row["created_at"]).strftime("%d.%m.%Y"),
                (row["organisation__name"] or "") if visible else anonymous,
                person if visible else anonymous,
                on_behalf,
                forwarded,
                row["answer_by"].strftime("%d.%m.%Y") if row["answer_by"] else "",
                f"{site}/barriers/{row['pk']}/",
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
