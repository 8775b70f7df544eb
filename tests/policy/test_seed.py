"""The data migration seeds the real items of the reference data."""

import datetime

import pytest

from policy.models import PolicyItem, PolicyKeyDate
from thementisch.reference import section

pytestmark = pytest.mark.django_db


def test_every_reference_item_is_seeded_with_its_key_as_address():
    keys = {entry["id"] for entry in section("policy_items")}

    seeded = set(PolicyItem.objects.exclude(import_key=None).values_list("import_key", flat=True))

    assert seeded == keys
    assert len(keys) == 23
    assert PolicyItem.objects.get(import_key="eu_crma").slug == "eu_crma"


def test_unverified_and_partially_verified_items_need_review():
    expected = {
        entry["id"] for entry in section("policy_items") if entry["verification"] != "verified"
    }

    flagged = set(PolicyItem.objects.filter(needs_review=True).values_list("import_key", flat=True))

    assert flagged == expected
    assert "eu_ets_revision" in flagged  # unverified
    assert "eu_espr" in flagged  # partially verified
    assert "eu_crma" not in flagged


def test_item_fields_are_mapped():
    item = PolicyItem.objects.get(import_key="eu_crma")

    assert item.title.startswith("Verordnung (EU) 2024/1252")
    assert item.title_en.startswith("Regulation (EU) 2024/1252")
    assert item.short_name == "Critical Raw Materials Act (CRMA)"
    assert item.level == "eu"
    assert item.kind == "regulation"
    assert item.status == "in_force"
    assert item.status_as_of == datetime.date(2025, 12, 1)
    assert item.relevance.startswith("Legt strategische und kritische Rohstoffe fest")
    assert item.relevance_en.startswith("Defines strategic and critical raw materials")
    assert "nicht im Einzelnen geprüft" in item.unverified_details
    assert {m.slug for m in item.materials.all()} >= {"aluminium", "kupfer"}


def test_types_and_states_of_the_reference_are_kept():
    assert PolicyItem.objects.get(import_key="eu_resourceeu").kind == "action_plan"
    assert PolicyItem.objects.get(import_key="eu_clean_industrial_deal").kind == "communication"
    assert PolicyItem.objects.get(import_key="eu_circular_economy_act").kind == (
        "planned_legislation"
    )
    assert PolicyItem.objects.get(import_key="nrw_leitstelle_ce").status == "institution"
    assert PolicyItem.objects.get(import_key="eu_elv_regulation").status == "political_agreement"
    assert PolicyItem.objects.get(import_key="de_krwg").status_as_of is None  # "unverified"


def test_key_dates_keep_their_precision():
    def key_date(key: str, label: str) -> PolicyKeyDate:
        return PolicyKeyDate.objects.get(item__import_key=key, label__startswith=label)

    half = key_date("nrw_ce_strategie", "Geplanter Kabinettsbeschluss")
    quarter = key_date("eu_aluminium_scrap_measure", "Angekündigter Verordnungsvorschlag")
    year = key_date("eu_circular_economy_act", "Geplante Vorlage")
    month = key_date("nrw_leitstelle_ce", "Einrichtung der Leitstelle")

    assert (half.precision, half.date, half.date_end) == (
        "half",
        datetime.date(2026, 1, 1),
        datetime.date(2026, 6, 30),
    )
    assert (quarter.precision, quarter.date_end) == ("quarter", datetime.date(2026, 6, 30))
    assert (year.precision, year.date_end) == ("year", datetime.date(2026, 12, 31))
    assert (month.precision, month.date_end) == ("month", datetime.date(2025, 9, 30))
    assert PolicyKeyDate.objects.count() == sum(
        len(entry["key_dates"]) for entry in section("policy_items")
    )


def test_key_dates_marked_unverified_are_flagged_and_cleaned():
    battery = PolicyKeyDate.objects.get(item__import_key="eu_battery_regulation", date="2023-08-17")
    shipment = PolicyKeyDate.objects.get(item__import_key="eu_waste_shipment", date="2026-05-21")

    assert battery.needs_review is True
    assert battery.label == "Inkrafttreten"
    assert battery.kind == "in_force"
    assert shipment.needs_review is False
    assert shipment.kind == "applies_from"
    assert not PolicyKeyDate.objects.filter(label__contains="unverified").exists()
