"""The fixed lists a barrier is classified by.

Chosen as TextChoices, not taxonomy tables: the lists come from the working
group's reference file (`thementisch.reference`, sections
`barrier_categories` and `governance_levels`) and change only with a new
version of it; the code relies on them (workflow, statistics, the policy
brief, exports), so they belong next to the code. The values are the
reference ids, the labels English msgids with the reference's German labels
as translations, and `tests/barriers/test_choices.py` checks that both
still match the reference. Materials and value-chain stages, which the
coordinator may extend, stay tables (`thementisch.Material`,
`thementisch.ValueChainStage`).
"""

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from thementisch import reference


class Category(models.TextChoices):
    """The reference's barrier categories (what kind of obstacle it is)."""

    LEGAL = "rechtlich_regulatorisch", _("Legal / regulatory")
    ADMINISTRATION = "verwaltung_vollzug", _("Administration & enforcement")
    TECHNICAL = "technisch", _("Technical")
    MARKET = "wirtschaftlich_markt", _("Economic / market")
    DATA = "informationen_daten", _("Information & data")
    INFRASTRUCTURE = "infrastruktur_logistik", _("Infrastructure & logistics")
    COOPERATION = "organisatorisch_kooperation", _("Organisational / cooperation")
    FINANCING = "finanzierung_foerderung", _("Financing & funding")
    SKILLS = "qualifikation_fachkraefte", _("Skills & workforce")
    STANDARDS = "normung_standards", _("Standardisation & standards")


class Subcategory(models.TextChoices):
    """Finer topics of the legal and the administrative category."""

    END_OF_WASTE = "abfallende", _("End-of-waste status")
    BY_PRODUCT = "nebenprodukt", _("By-product status")
    SHIPMENT = "abfallverbringung", _("Waste shipment")
    REACH_CLP = "reach_clp", _("REACH/CLP for recovered substances")
    CONSTRUCTION_MATERIALS = "ersatzbaustoffe", _("Secondary construction materials (slags, sands)")
    PERMITTING = "genehmigung", _("Plant permitting")
    PRODUCT_LAW = "produktrecht", _("Product and ecodesign law")
    TRADE = "handel_zoll", _("Trade and customs law")
    PERMIT_DURATION = "genehmigungsdauer", _("Duration of permitting")
    NOTIFICATION = "notifizierung_verbringung", _("Notification and shipment procedures")
    ENFORCEMENT = "vollzugsunterschiede", _("Inconsistent enforcement")
    DOCUMENTATION = "dokumentation", _("Documentation burden")


SUBCATEGORY_PARENT = {
    sub["id"]: category["id"]
    for category in reference.section("barrier_categories")
    for sub in category.get("subcategories", [])
}


class NeedType(models.TextChoices):
    """What is needed to overcome the barrier (the issue's list of need types)."""

    REGULATORY = "regulatory", _("Regulatory / legal change")
    RESEARCH = "research", _("Research need")
    IMPLEMENTATION = "implementation", _("Implementation need")
    MARKET = "market", _("Market / economic conditions")
    DATA = "data", _("Data and information")
    INFRASTRUCTURE = "infrastructure", _("Infrastructure")
    STANDARDISATION = "standardisation", _("Standardisation")
    FINANCING = "financing", _("Financing")
    SKILLS = "skills", _("Skills")


class GovernanceLevel(models.TextChoices):
    """The reference's governance levels a barrier is addressed to."""

    EU = "eu", _("European Union")
    FEDERAL = "bund", _("Federal level (Germany)")
    NRW = "land_nrw", _("State of North Rhine-Westphalia")
    MUNICIPAL = "kommune", _("Municipality / district")
    STANDARDS = "normung", _("Standardisation bodies")
    INDUSTRY = "branche", _("Industry self-regulation")


class RootCause(models.TextChoices):
    """Where the barrier comes from: the five causes of the European
    Commission's single-market barrier analysis, plus "not sure"."""

    RULE = "rule", _("The rule itself")
    TRANSPOSITION = "transposition", _("How the rule is transposed")
    ENFORCEMENT = "enforcement", _("How the rule is enforced")
    ADMINISTRATION = "administration", _("Administrative capacity or practice")
    MARKET = "market", _("Market or business environment")
    UNKNOWN = "unknown", _("Not sure")


class Severity(models.IntegerChoices):
    MINOR = 1, _("Minor – annoying, but we manage")
    NOTICEABLE = 2, _("Noticeable – costs time and money")
    SERIOUS = 3, _("Serious – stops projects or investments")
    CRITICAL = 4, _("Critical – threatens sites or whole material flows")


class OnBehalf(models.TextChoices):
    OWN = "own", _("For my own organisation")
    NAMED = "named", _("On behalf of named member companies")
    SEVERAL = "several", _("On behalf of several member companies (unnamed)")


def category_descriptions() -> dict[str, str]:
    """The reference's description of each category, in the active language."""
    english = (get_language() or "de").startswith("en")
    return {
        category["id"]: category["description_en" if english else "description_de"]
        for category in reference.section("barrier_categories")
    }
