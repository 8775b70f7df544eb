"""The pages of the policy radar: list, filters, item page, follow, calendar."""

import datetime

import pytest
from django.utils import timezone

from barriers.models import Barrier
from policy.models import PolicyFollow, PolicyItem
from tests.factories import material, stage
from tests.policy.factories import (
    PolicyFollowFactory,
    PolicyItemFactory,
    PolicyKeyDateFactory,
    PolicyUpdateFactory,
)

pytestmark = pytest.mark.django_db


def days(n: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=n)


@pytest.fixture
def own_items():
    """Only the items of the test: the seeded reference items are removed."""
    PolicyItem.objects.all().delete()


# --- list ---------------------------------------------------------------------


def test_list_shows_items_with_their_next_date(member_client, own_items):
    item = PolicyItemFactory(short_name="CBAM", level="eu")
    PolicyKeyDateFactory(item=item, date=days(-10), label="Verabschiedung")
    PolicyKeyDateFactory(item=item, date=days(40), label="Zertifikatverkauf startet")

    response = member_client.get("/policy/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "CBAM" in html
    assert "Zertifikatverkauf startet" in html
    assert response.context["items"][0] == item


def test_list_orders_by_next_date_and_timeline_shows_next_milestones_first(
    member_client, own_items
):
    later = PolicyItemFactory(short_name="Später")
    sooner = PolicyItemFactory(short_name="Früher")
    without = PolicyItemFactory(short_name="Ohne Termin")
    PolicyKeyDateFactory(item=later, date=days(90), label="in neunzig Tagen")
    PolicyKeyDateFactory(item=sooner, date=days(5), label="in fünf Tagen")
    PolicyKeyDateFactory(item=sooner, date=days(-5), label="vorbei")

    response = member_client.get("/policy/")

    assert list(response.context["items"]) == [sooner, later, without]
    assert [d.label for d in response.context["timeline"]["dated"]] == [
        "in fünf Tagen",
        "in neunzig Tagen",
    ]


def test_dates_of_a_running_period_come_after_the_dated_ones(member_client, own_items):
    today = timezone.localdate()
    vague = PolicyItemFactory(short_name="Vage")
    PolicyKeyDateFactory(
        item=vague, date=today.replace(month=1, day=1), precision="year", label="dieses Jahr"
    )
    exact = PolicyItemFactory(short_name="Genau")
    PolicyKeyDateFactory(item=exact, date=days(400), label="übernächstes Jahr")

    response = member_client.get("/policy/")

    timeline = response.context["timeline"]
    assert [d.label for d in timeline["dated"]] == ["übernächstes Jahr"]
    assert [d.label for d in timeline["open"]] == ["dieses Jahr"]
    assert list(response.context["items"]) == [vague, exact]  # due by the end of this year
    assert "dieses Jahr" in response.content.decode()


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("level=bund", ["Bund"]),
        ("kind=strategy", ["Strategie"]),
        ("status=consultation", ["Strategie"]),
        ("q=schlacke", ["Bund"]),
        ("q=diwass", ["EU"]),  # found through the text of an update
    ],
)
def test_list_filters_and_search(member_client, own_items, query, expected):
    eu = PolicyItemFactory(short_name="EU", level="eu")
    PolicyItemFactory(short_name="Bund", level="bund", relevance="Regelt Schlacke.")
    PolicyItemFactory(
        short_name="Strategie", level="land_nrw", kind="strategy", status="consultation"
    )
    PolicyUpdateFactory(item=eu, body="Notifizierung über DIWASS")

    response = member_client.get(f"/policy/?{query}")

    assert [item.short_name for item in response.context["items"]] == expected


def test_list_filters_by_material_and_stage(member_client, own_items):
    aluminium = PolicyItemFactory(short_name="Alu")
    aluminium.materials.add(material("aluminium"))
    slag = PolicyItemFactory(short_name="Schlacke")
    slag.value_chain_stages.add(stage("nebenprodukte"))

    by_material = member_client.get(f"/policy/?material={material('aluminium').pk}")
    by_stage = member_client.get(f"/policy/?stage={stage('nebenprodukte').pk}")

    assert [i.short_name for i in by_material.context["items"]] == ["Alu"]
    assert [i.short_name for i in by_stage.context["items"]] == ["Schlacke"]


def test_list_filter_only_followed(member_client, member, own_items):
    followed = PolicyItemFactory(short_name="Gefolgt")
    PolicyItemFactory(short_name="Nicht gefolgt")
    PolicyFollowFactory(item=followed, user=member)

    response = member_client.get("/policy/?following=on")

    assert [i.short_name for i in response.context["items"]] == ["Gefolgt"]


def test_list_bad_filter_value_shows_message_and_no_error(member_client):
    response = member_client.get("/policy/?level=mars&material=999999")

    assert response.status_code == 200
    html = response.content.decode()
    assert "Bitte eine gültige Auswahl treffen. mars ist keine gültige Auswahl." in html
    assert 'id="id_level_error"' in html


@pytest.mark.parametrize("count", [1, 3])
def test_list_query_count_does_not_grow(member_client, django_assert_num_queries, own_items, count):
    for number in range(count):
        item = PolicyItemFactory()
        item.materials.add(material("aluminium"), material("kupfer"))
        for offset in (-30, 20, 60):
            PolicyKeyDateFactory(item=item, date=days(offset + number))
        for _ in range(3):
            PolicyUpdateFactory(item=item)

    member_client.get("/policy/?sort=updated")  # warm the caches (taxonomy labels, filter form)

    # session, user, count, items (annotated), the key dates (the items' next
    # ones and the timeline), their materials.
    with django_assert_num_queries(6):
        response = member_client.get("/policy/?sort=updated")

    assert response.status_code == 200
    assert len(response.context["items"]) == count


def test_list_in_english_shows_english_texts(member, member_client):
    member.language = "en"
    member.save()

    response = member_client.get("/policy/?q=CRMA")

    html = response.content.decode()
    assert "Regulation (EU) 2024/1252 establishing a framework" in html
    assert "Policy radar" in html


# --- item page ----------------------------------------------------------------


def test_item_page_shows_updates_newest_first(member_client):
    item = PolicyItemFactory()
    PolicyUpdateFactory(item=item, title="Alt", date=days(-20))
    PolicyUpdateFactory(item=item, title="Neu", date=days(-1))
    PolicyUpdateFactory(item=item, title="Mittel", date=days(-10))

    response = member_client.get(f"/policy/{item.slug}/")

    assert response.status_code == 200
    assert [u.title for u in response.context["updates"]] == ["Neu", "Mittel", "Alt"]
    html = response.content.decode()
    assert html.index("Neu") < html.index("Mittel") < html.index("Alt")


def test_item_page_of_seeded_item_shows_relevance_key_dates_and_review_notice(member_client):
    response = member_client.get("/policy/eu_espr/")

    html = response.content.decode()
    assert response.status_code == 200
    assert "Ökodesign-Verordnung (ESPR)" in html
    assert "Digitalen Produktpass" in html
    assert "Erster ESPR-Arbeitsplan 2025–2030" in html
    assert "noch nicht vollständig geprüft" in html
    assert "nur aus Sekundärquellen" in html  # the details not yet checked


def test_verified_item_shows_no_review_notice(member_client):
    response = member_client.get("/policy/eu_crma/")

    assert "noch nicht vollständig geprüft" not in response.content.decode()


def test_item_page_in_english_uses_english_relevance(member, member_client):
    member.language = "en"
    member.save()

    response = member_client.get("/policy/eu_crma/")

    html = response.content.decode()
    assert "Defines strategic and critical raw materials" in html
    assert 'lang="de">Verabschiedung' in html  # German-only key date marked as German


def test_unknown_item_is_404(member_client):
    assert member_client.get("/policy/gibt-es-nicht/").status_code == 404


def test_item_page_lists_visible_barriers_that_name_it(member_client, member, peer):
    item = PolicyItemFactory()
    Barrier.objects.create(
        title="Abfallende für Alu-Schrott unklar",
        status="published",
        policy_item=item,
        author=member,
        organisation=member.organisation,
    )
    Barrier.objects.create(
        title="Anonymes Hemmnis",
        status="forwarded",
        policy_item=item,
        author=peer,
        organisation=peer.organisation,
        is_anonymous=True,
    )
    Barrier.objects.create(title="Noch in Prüfung", status="in_review", policy_item=item)
    Barrier.objects.create(title="Abgelehnt", status="rejected", policy_item=item)

    response = member_client.get(f"/policy/{item.slug}/")

    html = response.content.decode()
    assert "Abfallende für Alu-Schrott unklar" in html
    assert member.organisation.name in html
    assert "Anonymes Hemmnis" in html
    assert peer.organisation.name not in html
    assert "Paulsen" not in html
    assert "Noch in Prüfung" not in html
    assert "Abgelehnt" not in html


def test_barrier_links_to_its_page_once_barrier_pages_exist(member_client):
    from django.urls import NoReverseMatch, reverse

    item = PolicyItemFactory()
    barrier = Barrier.objects.create(
        title="Verlinktes Hemmnis", status="published", policy_item=item
    )

    html = member_client.get(f"/policy/{item.slug}/").content.decode()

    try:
        url = reverse("barriers:detail", args=[barrier.pk])
    except NoReverseMatch:  # barrier pages come with the barriers app
        assert '<span class="fw-semibold">Verlinktes Hemmnis</span>' in html
    else:
        assert f'href="{url}"' in html


def test_barrier_endorsement_count_is_shown_when_barriers_have_it(member_client):
    item = PolicyItemFactory()
    barrier = Barrier.objects.create(title="Hemmnis", status="published", policy_item=item)
    has_count = hasattr(barrier, "endorsement_count")

    html = member_client.get(f"/policy/{item.slug}/").content.decode()

    if has_count:
        Barrier.objects.filter(pk=barrier.pk).update(endorsement_count=4)
        html = member_client.get(f"/policy/{item.slug}/").content.decode()
        assert "4 Unterstützungen" in html
    else:
        assert "Unterstützung" not in html


# --- follow -------------------------------------------------------------------


def test_follow_without_javascript_redirects_back(member_client, member):
    item = PolicyItemFactory()

    response = member_client.post(f"/policy/{item.slug}/follow/")

    assert response.status_code == 302
    assert response["Location"] == f"/policy/{item.slug}/"
    assert PolicyFollow.objects.filter(item=item, user=member).exists()
    page = member_client.get(f"/policy/{item.slug}/").content.decode()
    assert "Sie folgen diesem Eintrag jetzt." in page
    assert "Nicht mehr folgen" in page


def test_unfollow_with_htmx_returns_the_button(member_client, member):
    item = PolicyItemFactory()
    PolicyFollowFactory(item=item, user=member)

    response = member_client.post(f"/policy/{item.slug}/unfollow/", HTTP_HX_REQUEST="true")

    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="follow-box"' in html
    assert "Diesem Eintrag folgen" in html
    assert 'hx-swap-oob="true"' in html
    assert not PolicyFollow.objects.filter(item=item, user=member).exists()


def test_follow_needs_post(member_client):
    item = PolicyItemFactory()

    assert member_client.get(f"/policy/{item.slug}/follow/").status_code == 405
    assert not PolicyFollow.objects.exists()


# --- calendar -----------------------------------------------------------------


def test_calendar_page_groups_dates_by_month(member_client):
    response = member_client.get("/policy/calendar/?year=2027")

    html = response.content.decode()
    assert response.status_code == 200
    assert "Februar 2027" in html
    assert "Batteriepass" in html
    assert "Indikativ: delegierter Rechtsakt Aluminium" in html  # known only to the year
    assert response.context["year"] == 2027


def test_calendar_page_rejects_a_bad_year_with_a_message(member_client):
    response = member_client.get("/policy/calendar/?year=3000")

    assert response.status_code == 200
    assert "kleiner oder gleich 2100" in response.content.decode()
    assert response.context["year"] == timezone.localdate().year


def test_calendar_page_only_followed(member_client, member):
    PolicyFollowFactory(item=PolicyItem.objects.get(slug="eu_cbam"), user=member)

    response = member_client.get("/policy/calendar/?year=2027&followed=on")

    html = response.content.decode()
    assert "Start des Zertifikatverkaufs" in html
    assert "Batteriepass" not in html


def test_key_date_summary_leaves_out_a_later_amendment_proposal(member_client):
    response = member_client.get("/policy/eu_crma/")

    assert [d.kind for d in response.context["milestones"]] == ["adopted", "in_force"]
