"""Pages: logging with suggestions, list queries, markdown, files, exports."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from barriers import services
from barriers.models import Barrier, EvidenceFile
from tests.conftest import client_for
from tests.factories import BarrierFactory, material, stage

pytestmark = pytest.mark.django_db


def _form(**overrides):
    data = {
        "title": "Abfallende für Aluminiumschrott ungeklärt",
        "description": "Abnehmer und Behörden beurteilen die Ware unterschiedlich, das kostet.",
        "category": "rechtlich_regulatorisch",
        "subcategory": "abfallende",
        "need_type": "regulatory",
        "level": "eu",
        "root_cause": "rule",
        "severity": "3",
        "materials": [material("aluminium").pk],
        "value_chain_stages": [stage().pk],
    }
    data.update(overrides)
    return data


def test_log_barrier_redirects_to_its_page(member_client, member):
    response = member_client.post("/barriers/new/", _form())

    barrier = Barrier.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/barriers/{barrier.pk}/"
    assert barrier.author == member
    assert list(barrier.materials.values_list("slug", flat=True)) == ["aluminium"]


def test_bad_input_changes_nothing_and_says_why(member_client):
    response = member_client.post(
        "/barriers/new/",
        _form(title="Kurz", description="", subcategory="dokumentation", severity="9"),
    )

    assert response.status_code == 200
    assert Barrier.objects.count() == 0
    form = response.context["form"]
    assert set(form.errors) == {"title", "description", "subcategory", "severity"}
    assert "mindestens 10 Zeichen" in form.errors["title"][0]


def test_similar_barrier_is_suggested_before_saving(member_client, peer):
    existing = BarrierFactory(author=peer, title="Abfallende für Aluminiumschrott ungeklärt")

    response = member_client.post("/barriers/new/", _form())

    assert response.status_code == 200
    assert Barrier.objects.count() == 1
    assert response.context["similar_before_saving"] == [existing]
    assert existing.get_absolute_url() in response.content.decode()

    confirmed = member_client.post("/barriers/new/", _form(confirm_new="1"))
    assert confirmed.status_code == 302
    assert Barrier.objects.count() == 2


def test_similar_fragment_while_typing(member_client, peer):
    BarrierFactory(author=peer, title="Abfallende für Aluminiumschrott ungeklärt")
    BarrierFactory(author=peer, title="Fachkräftemangel in der Demontage")

    response = member_client.get("/barriers/similar/", {"title": "Aluminiumschrott Abfallende"})

    text = response.content.decode()
    assert "Abfallende für Aluminiumschrott ungeklärt" in text
    assert "Fachkräftemangel" not in text


def test_association_logs_on_behalf_of_named_companies(member):
    member.organisation.kind = "association"
    member.organisation.save()
    client = client_for(member)

    missing = client.post("/barriers/new/", _form(on_behalf="named", confirm_new="1"))
    assert "on_behalf_names" in missing.context["form"].errors

    client.post(
        "/barriers/new/",
        _form(on_behalf="named", on_behalf_names="Muster Guss GmbH", confirm_new="1"),
    )
    barrier = Barrier.objects.get()
    assert (barrier.on_behalf, barrier.on_behalf_names) == ("named", "Muster Guss GmbH")
    assert "Muster Guss GmbH" in client.get(barrier.get_absolute_url()).content.decode()


def test_markdown_is_sanitised(member, peer):
    barrier = BarrierFactory(
        author=member,
        description=(
            "**fett** <script>alert('x')</script> <img src=x onerror=alert(1)> "
            "[Klick](javascript:alert(2)) <a href='#' onclick='alert(3)'>a</a>"
        ),
    )
    services.add_comment(
        barrier,
        by=peer,
        body="<script>steal()</script> [link](javascript:evil()) <b onmouseover=x>",
    )

    text = client_for(peer).get(barrier.get_absolute_url()).content.decode()

    assert "<strong>fett</strong>" in text
    for bad in [
        "<script>alert",
        "onerror",
        "javascript:",
        "onclick",
        "<script>steal",
        "onmouseover",
    ]:
        assert bad not in text


@pytest.mark.parametrize(("rows", "count"), [(20, 0), (2000, 1)])
@pytest.mark.parametrize("search", ["", "Hemmnis"])
def test_list_query_count_does_not_grow(rows, count, search, member, django_assert_num_queries):
    barriers = Barrier.objects.bulk_create(
        Barrier(title=f"Hemmnis {n}", description="Text", status="published", author=member)
        for n in range(rows)
    )
    aluminium = material("aluminium")
    Barrier.materials.through.objects.bulk_create(
        Barrier.materials.through(barrier_id=b.pk, material_id=aluminium.pk) for b in barriers
    )
    client = client_for(member)
    url = f"/barriers/?sort=endorsed&q={search}"

    # session, user, page rows with their material ids (with a search: the
    # page's ids, then its rows), the bounded count (none when the first page
    # holds every match); the first time also the taxonomy labels (two) and the
    # choices of the material, stage and regulation filters, which are then
    # cached, and with a search the highlighted headlines of the rows (read
    # only for rows not yet cached)
    searched = bool(search)
    with django_assert_num_queries(3 + searched + count + 5 + searched):
        client.get(url)
    with django_assert_num_queries(3 + searched + count):
        response = client.get(url)

    assert response.status_code == 200
    assert len(response.context["barriers"]) == 20
    assert "Hemmnis" in response.context["barriers"][0].title


def test_list_filters_and_sorts(member, peer):
    BarrierFactory(author=peer, title="Wenig unterstützt", category="technisch")
    popular = BarrierFactory(
        author=peer, title="Viel unterstützt", category="technisch", endorsing_organisation_count=5
    )
    BarrierFactory(author=peer, title="Andere Kategorie", category="normung_standards")

    response = client_for(member).get("/barriers/", {"category": "technisch", "sort": "endorsed"})

    assert [b.title for b in response.context["barriers"]] == [popular.title, "Wenig unterstützt"]


def test_merged_barrier_redirects_to_target(member_client, member, coordinator):
    source, target = BarrierFactory(author=member), BarrierFactory(author=member)
    services.merge_barriers(source, into=target, by=coordinator)

    response = member_client.get(source.get_absolute_url())

    assert response.status_code == 302
    assert response["Location"] == target.get_absolute_url()


def test_evidence_upload_checks_content_and_serves_to_members(member, peer):
    barrier = BarrierFactory(author=member, status="submitted")
    client = client_for(member)
    fake = SimpleUploadedFile("beleg.pdf", b"<html>kein pdf</html>")

    refused = client.post(f"/barriers/{barrier.pk}/files/", {"evidence": [fake]})
    assert refused.status_code == 400
    assert "passt nicht" in refused.content.decode() or "Endung" in refused.content.decode()
    assert EvidenceFile.objects.count() == 0

    pdf = SimpleUploadedFile("Gutachten Schlacke.pdf", b"%PDF-1.4 Gutachten")
    client.post(f"/barriers/{barrier.pk}/files/", {"evidence": [pdf]})
    evidence = EvidenceFile.objects.get()
    assert not evidence.file.name.endswith("Gutachten Schlacke.pdf")

    download = client.get(evidence.get_absolute_url())
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert "attachment" in download["Content-Disposition"]
    assert client_for(peer).get(evidence.get_absolute_url()).status_code == 404


def test_csv_export_follows_the_filter(ministry_user, member):
    BarrierFactory(author=member, title="=HYPERLINK(1) Technik", category="technisch")
    BarrierFactory(author=member, title="Normen fehlen", category="normung_standards")

    response = client_for(ministry_user).get("/barriers/export.csv", {"category": "technisch"})

    assert response["Content-Disposition"].startswith('attachment; filename="hemmnisse-')
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:3] == ["Nummer", "Titel", "Status"]
    assert [row[1] for row in rows[1:]] == ["'=HYPERLINK(1) Technik"]


def test_xlsx_export_opens(coordinator, member):
    BarrierFactory(author=member, title="Schlacke als Abfall")

    response = client_for(coordinator).get("/barriers/export.xlsx")

    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.cell(row=2, column=2).value == "Schlacke als Abfall"


def test_stats_page_has_svg_charts_and_tables(member):
    barrier = BarrierFactory(author=member, category="technisch")
    barrier.materials.add(material("kupfer"))
    barrier.value_chain_stages.add(stage())

    text = client_for(member).get("/barriers/stats/").content.decode()

    assert text.count("<svg") == 4
    assert text.count("<table") == 4
    assert 'style="' not in text


def test_brief_groups_by_level_most_endorsed_first(member):
    BarrierFactory(author=member, title="Zweitens", level="eu", endorsing_organisation_count=1)
    BarrierFactory(author=member, title="Erstens", level="eu", endorsing_organisation_count=4)
    BarrierFactory(author=member, title="Eingereicht", level="eu", status="submitted")

    response = client_for(member).get("/barriers/brief/")

    groups = response.context["groups"]
    assert [g.level for g in groups] == ["eu"]
    assert [b.title for b in groups[0].categories[0].barriers] == ["Erstens", "Zweitens"]
    assert groups[0].categories[0].total == 2


def test_dashboard_shows_my_and_endorsed_barriers(member, peer):
    mine = BarrierFactory(author=member, title="Mein Hemmnis")
    other = BarrierFactory(author=peer, title="Fremdes Hemmnis")
    services.endorse_barrier(other, by=member)

    response = client_for(member).get("/")

    assert response.context["barriers_mine"] == [mine]
    assert response.context["barriers_endorsed"] == [other]
    assert "Fremdes Hemmnis" in response.content.decode()


def test_comment_with_bad_input_is_refused(member_client, barrier):
    response = member_client.post(f"/barriers/{barrier.pk}/comments/", {"body": "  "})

    assert response.status_code == 400
    assert barrier.comments.count() == 0


def test_pilots_in_draft_are_not_shown(member, barrier):
    from pilots.models import PilotProject

    shown = PilotProject.objects.create(title="Sortierpilot", status="idea")
    hidden = PilotProject.objects.create(title="Entwurfspilot", status="draft")
    shown.barriers.add(barrier)
    hidden.barriers.add(barrier)

    response = client_for(member).get(barrier.get_absolute_url())

    assert [p.title for p in response.context["pilots"]] == ["Sortierpilot"]


def test_ministry_sees_only_barriers_forwarded_to_it(ministry_user, coordinator, member):
    from datetime import timedelta

    from django.utils import timezone

    mine = BarrierFactory(author=member, title="An dieses Ministerium")
    other = BarrierFactory(author=member, title="An den Bund")
    answer_by = timezone.localdate() + timedelta(days=10)
    services.change_status(
        mine,
        by=coordinator,
        to_status="forwarded",
        level="land_nrw",
        ministry=ministry_user.organisation,
        answer_by=answer_by,
    )
    services.change_status(
        other, by=coordinator, to_status="forwarded", level="bund", answer_by=answer_by
    )

    response = client_for(ministry_user).get("/barriers/forwarded/")

    assert [b.title for b in response.context["barriers"]] == ["An dieses Ministerium"]


def test_list_filters_by_material_and_stage_without_loading_them(
    member, peer, django_assert_num_queries
):
    aluminium, copper = material("aluminium"), material("kupfer")
    sorting = stage()
    wanted = BarrierFactory(author=peer, title="Aluminium in der Sortierung")
    wanted.materials.add(aluminium)
    wanted.value_chain_stages.add(sorting)
    other = BarrierFactory(author=peer, title="Kupfer in der Sortierung")
    other.materials.add(copper)
    other.value_chain_stages.add(sorting)
    client = client_for(member)
    url = f"/barriers/?material={aluminium.pk}&stage={sorting.pk}"
    client.get(url)

    # session, user, rows with their material ids: the chosen ids are checked
    # against the cached taxonomy, not loaded
    with django_assert_num_queries(3):
        response = client.get(url)

    assert [b.title for b in response.context["barriers"]] == [wanted.title]
    form = response.context["filter"].form  # built only now: its HTML was cached
    assert form.is_valid()
    assert form.cleaned_data["material"] == aluminium.pk


@pytest.mark.parametrize("value", ["999999", "abc", "-1"])
def test_list_ignores_an_unknown_material(value, member, peer):
    BarrierFactory(author=peer, title="Aluminium in der Sortierung")

    response = client_for(member).get("/barriers/", {"material": value})

    assert response.status_code == 200
    assert "material" in response.context["filter"].form.errors
    assert [b.title for b in response.context["barriers"]] == ["Aluminium in der Sortierung"]


def test_list_heading_links_follow_the_viewers_export_right(member, coordinator):
    # The heading and the filter form are cached per query string: the links
    # only some roles get must not be served to the others.
    url = "/barriers/?category=technisch"
    assert 'href="/barriers/forwarded/"' not in client_for(member).get(url).content.decode()
    assert 'href="/barriers/forwarded/"' in client_for(coordinator).get(url).content.decode()
    assert 'href="/barriers/forwarded/"' not in client_for(member).get(url).content.decode()
