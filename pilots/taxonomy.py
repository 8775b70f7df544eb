"""Classifications of pilot projects: R-strategies, funding, TRL, partner roles, budget.

R-strategies and funding programmes come from the reference data
(`thementisch.reference`); their labels follow the active language. TRL,
partner roles and budget ranges are the portal's own lists, translated
through gettext.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from django.db import models
from django.utils.functional import lazy
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from thementisch.reference import section

OTHER_FUNDING = "other"


def _pick(german: str, english: str) -> str:
    if (get_language() or "de").startswith("en") and english:
        return english
    return german


bilingual = lazy(_pick, str)


def short_label(label: str) -> str:
    """A taxonomy label without its explanation in brackets ("Sortierung & Aufbereitung")."""
    return re.sub(r"\s*\(.*?\)\s*$", "", str(label)).strip()


# --- circular strategies (R0 … R9, Potting et al. 2017) ---------------------


@cache
def strategies() -> dict[str, dict[str, Any]]:
    return {entry["id"]: entry for entry in section("circular_strategies")}


def strategy_label(code: str) -> str:
    entry = strategies().get(code)
    if entry is None:
        return code
    return f"{code} – {_pick(entry['label_de'], entry['name_en'])}"


def strategy_choices() -> list[tuple[Any, Any]]:
    """R-strategies grouped as in the reference (smarter use, longer life, materials)."""
    groups = []
    for group in section("circular_strategy_groups"):
        options = [
            (code, bilingual(f"{code} – {entry['label_de']}", f"{code} – {entry['name_en']}"))
            for code, entry in strategies().items()
            if entry["group"] == group["id"]
        ]
        groups.append((bilingual(group["label_de"], group["label_en"]), options))
    return groups


def strategy_description(code: str) -> str:
    entry = strategies().get(code)
    return entry["description_de"] if entry else ""


# --- funding programmes -----------------------------------------------------

FUNDING_LEVELS = {
    "eu": _("European Union"),
    "bund": _("Federal government"),
    "land_nrw": _("North Rhine-Westphalia"),
}


@cache
def funding_programmes() -> dict[str, dict[str, Any]]:
    return {entry["id"]: entry for entry in section("funding_programmes")}


def funding_choices() -> list[tuple[Any, Any]]:
    """Programmes of the reference grouped by level, then "other programme"."""
    groups = []
    for level, level_label in FUNDING_LEVELS.items():
        options = [
            (key, bilingual(entry["name_de"], entry.get("name_en") or entry["name_de"]))
            for key, entry in funding_programmes().items()
            if entry.get("level") == level
        ]
        if options:
            groups.append((level_label, options))
    groups.append((OTHER_FUNDING, _("Other programme (name it below)")))
    return groups


def funding_label(key: str) -> str:
    entry = funding_programmes().get(key)
    if entry is None:
        return str(_("Other programme")) if key == OTHER_FUNDING else key
    return _pick(entry["name_de"], entry.get("name_en") or entry["name_de"])


# --- technology readiness level ---------------------------------------------


class TRL(models.IntegerChoices):
    """Technology readiness levels after the EU Horizon definition."""

    TRL1 = 1, _("TRL 1 – basic principles observed")
    TRL2 = 2, _("TRL 2 – technology concept formulated")
    TRL3 = 3, _("TRL 3 – experimental proof of concept")
    TRL4 = 4, _("TRL 4 – technology validated in the lab")
    TRL5 = 5, _("TRL 5 – technology validated in a relevant environment")
    TRL6 = 6, _("TRL 6 – technology demonstrated in a relevant environment")
    TRL7 = 7, _("TRL 7 – prototype demonstrated in an operational environment")
    TRL8 = 8, _("TRL 8 – system complete and qualified")
    TRL9 = 9, _("TRL 9 – system proven in an operational environment")


# --- partner roles ----------------------------------------------------------


class PartnerRole(models.TextChoices):
    """Who a pilot looks for; close to the reference's company roles."""

    SCRAP_SUPPLIER = "scrap_supplier", _("Scrap supplier")
    RECYCLER = "recycler", _("Recycler")
    SMELTER = "smelter", _("Smelter / remelter")
    SEMI_FINISHED = "semi_finished", _("Semi-finished products mill")
    FOUNDRY = "foundry", _("Foundry")
    PROCESSOR = "processor", _("Metal processor / supplier")
    END_USER = "end_user", _("End user / OEM")
    REMANUFACTURER = "remanufacturer", _("Repair / remanufacturing business")
    TECHNOLOGY_PROVIDER = "technology_provider", _("Technology / plant provider")
    IT_PROVIDER = "it_provider", _("IT and data service provider")
    RESEARCH = "research", _("Research partner")
    TESTING = "testing", _("Testing / certification body")
    LOGISTICS = "logistics", _("Logistics / waste management")
    ASSOCIATION = "association", _("Association / network")
    PUBLIC = "public", _("Public authority / municipality")
    FINANCE = "finance", _("Financing / insurance")
    OTHER = "other", _("Other partner")


class BudgetRange(models.TextChoices):
    UNDER_100K = "lt_100k", _("under €100,000")
    TO_500K = "100k_500k", _("€100,000 – €500,000")
    TO_1M = "500k_1m", _("€500,000 – €1 million")
    TO_5M = "1m_5m", _("€1 – 5 million")
    OVER_5M = "gt_5m", _("over €5 million")
    OPEN = "open", _("not yet known")
