"""The pilot pages: list, board, form, detail, applications, comments, search."""

import itertools
import re

import pytest
from django.core.paginator import Paginator
from django.urls import reverse
from django.utils import translation

from barriers.models import Barrier
from pilots import selectors
from pilots.models import PartnerNeed, PilotApplication, PilotComment, PilotProject
from pilots.permissions import visible_pilots
from tests.conftest import client_for
from tests.factories import OrganisationFactory, UserFactory, material, stage
from tests.pilots.factories import ApplicationFactory, NeedFactory, PilotFactory
from thementisch.models import Material

pytestmark = pytest.mark.django_db

Status = PilotProject.Status


def make_pilots(count: int) -> list[PilotProject]:
    pilots = []
    for number in range(count):
        pilot = PilotFactory(
            title=f"Pilot {number}",
            status=Status.SEEKING_PARTNERS if number % 2 else Status.RUNNING,
            strategy="R8",
        )
        pilot.materials.set([material("aluminium"), material("kupfer")])
        pilot.value_chain_stages.set([stage()])
        for _need in range(3):
            NeedFactory(pilot=pilot, stage=stage(), material=material())
        pilots.append(pilot)
    return pilots


# --- list and board ---------------------------------------------------------


@pytest.mark.parametrize("count", [1, 12])
def test_list_runs_a_fixed_number_of_queries(member_client, count, django_assert_num_queries):
    make_pilots(count)

    # session, user, rows with the count, materials and open needs of the rows (one
    # query), material and stage options
    with django_assert_num_queries(6):
        response = member_client.get("/pilots/")

    assert response.status_code == 200
    assert len(response.context["pilots"]) == count


@pytest.mark.parametrize("count", [1, 12])
def test_filtered_list_runs_a_fixed_number_of_queries(
    member_client, count, django_assert_num_queries
):
    make_pilots(count)
    params = {
        "q": "Pilot",
        "material": material().pk,
        "stage": stage().pk,
        "strategy": "R8",
        "open_needs": "on",
    }

    # as above, plus validating the chosen material and stage
    with django_assert_num_queries(9):
        response = member_client.get("/pilots/", params)

    assert response.status_code == 200
    assert len(response.context["pilots"]) == count


@pytest.mark.parametrize("count", [1, 12])
def test_board_runs_a_fixed_number_of_queries(member_client, count, django_assert_num_queries):
    make_pilots(count)

    # session, user, totals per state, ranked rows, their materials and open needs,
    # two option lists
    with django_assert_num_queries(8):
        response = member_client.get("/pilots/", {"view": "board"})

    columns = {column.status: column for column in response.context["columns"]}
    assert columns["running"].total + columns["seeking_partners"].total == count
    assert response.context["columns"][0].status == "idea"


def test_list_shows_open_need_count_and_filters(member_client):
    _aluminium, zinc = make_pilots(2)
    zinc.materials.set([material("zink")])
    zinc.needs.update(status=PartnerNeed.Status.FILLED)
    zinc.trl_current = 5
    zinc.summary = "Rückstände der Verzinkerei"
    zinc.save()

    rows = member_client.get("/pilots/").context["pilots"]
    assert {(p.title, p.open_needs) for p in rows} == {("Pilot 0", 3), ("Pilot 1", 0)}

    def titles(**params):
        return [p.title for p in member_client.get("/pilots/", params).context["pilots"]]

    assert titles(material=material("zink").pk) == ["Pilot 1"]
    assert titles(open_needs="on") == ["Pilot 0"]
    assert titles(status="running") == ["Pilot 0"]
    assert titles(trl="5") == ["Pilot 1"]
    assert titles(q="verzinkerei") == ["Pilot 1"]
    assert titles(strategy="R3") == []


def test_list_hides_drafts_of_others(member, peer):
    PilotFactory(title="Mein Entwurf", status=Status.DRAFT, proposer=member)
    PilotFactory(title="Fremder Entwurf", status=Status.DRAFT, proposer=peer)

    titles = [p.title for p in client_for(member).get("/pilots/").context["pilots"]]

    assert titles == ["Mein Entwurf"]


@pytest.mark.parametrize("who", ["member", "coordinator"])
def test_unfiltered_pages_are_those_of_the_orm(who, member, peer, coordinator, monkeypatch):
    """`list_page` (SQL compiled once) gives the pages and rows `Paginator` and
    `pilot_rows` give, for any page value, also past the prepared pages."""
    monkeypatch.setattr(selectors, "PREPARED_PAGES", 3)
    viewer = {"member": member, "coordinator": coordinator}[who]
    PilotFactory(title="Eigener Entwurf", status=Status.DRAFT, proposer=member)
    PilotFactory(title="Fremder Entwurf", status=Status.DRAFT, proposer=peer)
    for number in range(6):
        pilot = PilotFactory(title=f"Pilot {number}", proposer=peer, trl_current=number or None)
        pilot.materials.set([material("zink"), material("kupfer")][: number % 3])
        NeedFactory.create_batch(number % 2, pilot=pilot)

    values = [None, "", "1", "2", "3", "4", "99", "0", "-1", "x", "2.0"]
    for value, per_page in itertools.product(values, [2, 5]):
        page, rows = selectors.list_page(viewer, value, per_page)
        pilots = selectors.list_order(visible_pilots(viewer))
        expected = Paginator(pilots, per_page).get_page(value)
        assert (page.number, page.paginator.count, page.paginator.num_pages) == (
            expected.number,
            expected.paginator.count,
            expected.paginator.num_pages,
        )
        assert rows == list(page) == selectors.pilot_rows(expected.object_list)
    assert page.paginator.count == (8 if who == "coordinator" else 7)


def test_unfiltered_reads_run_as_kept_sql(member, coordinator, django_assert_num_queries):
    """The count and the rows pass `PreparedQuery`'s checks (no ORM fallback)."""
    with django_assert_num_queries(2):  # no rows, so the count
        page, rows = selectors.list_page(member, None, 25)
    assert (page.number, page.paginator.count, rows) == (1, 0, [])
    PilotFactory()
    for viewer, user_id in [(member, (member.pk,)), (coordinator, ())]:
        coordinator_view = viewer == coordinator
        for query in (
            selectors._prepared_count(coordinator_view),
            selectors._prepared_page(coordinator_view, 1, 25),
        ):
            assert query._compile(len(user_id)) is not None
        with django_assert_num_queries(2):  # rows with the count, materials and needs
            page, rows = selectors.list_page(viewer, None, 25)
        assert page.paginator.count == len(rows) == 1


def test_list_pages_without_filters(member_client, peer):
    for number in range(27):
        PilotFactory(title=f"Pilot {number:02}", proposer=peer)

    first = member_client.get("/pilots/")
    second = member_client.get("/pilots/", {"page": "2"})
    past = member_client.get("/pilots/", {"page": "9"})

    assert [row[0].split()[1] for row in table_rows(first)][:2] == ["26", "25"]
    assert [row[0].split()[1] for row in table_rows(second)] == ["01", "00"]
    assert table_rows(past) == table_rows(second)
    assert "27 Pilotprojekte" in second.content.decode()
    assert "Seite 2 von 2" in second.content.decode()
    assert 'href="?page=1"' in second.content.decode()


def test_list_count_and_pages_follow_new_pilots(member_client, peer):
    """The count line and the pagination are cached by the count and the page."""
    PilotFactory.create_batch(25, proposer=peer)
    html = member_client.get("/pilots/").content.decode()
    assert "25 Pilotprojekte" in html
    assert "Seite 1 von" not in html

    PilotFactory(proposer=peer)
    html = member_client.get("/pilots/").content.decode()
    assert "26 Pilotprojekte" in html
    assert "Seite 1 von 2" in html
    assert 'href="?page=2"' in html


def test_mine_filter(member, peer):
    PilotFactory(title="Meiner", proposer=member)
    joined = PilotFactory(title="Mitgemacht", proposer=peer)
    ApplicationFactory(
        need=NeedFactory(pilot=joined),
        applicant=member,
        status=PilotApplication.Status.ACCEPTED,
    )
    PilotFactory(title="Fremd", proposer=peer)

    response = client_for(member).get("/pilots/", {"mine": "on"})

    assert sorted(p.title for p in response.context["pilots"]) == ["Meiner", "Mitgemacht"]


def table_rows(response) -> list[list[str]]:
    """The cells of each body row of the page's table, as plain text."""
    body = response.content.decode().split("<tbody>")[1].split("</tbody>")[0]
    return [
        [" ".join(re.sub(r"<[^>]+>", " ", cell).split()) for cell in cells]
        for cells in (re.findall(r"<td[^>]*>(.*?)</td>", row, re.S) for row in body.split("<tr>"))
        if cells
    ]


def test_list_rows_follow_every_change_of_what_they_show(member_client, peer):
    """Rows come from the fragment cache: a change to any shown value is a new row."""
    organisation = OrganisationFactory(name="Hütte Nord")
    pilot = PilotFactory(
        title="Schlacke nutzen",
        proposer=peer,
        organisation=organisation,
        strategy="R8",
        trl_current=3,
        trl_target=5,
    )
    pilot.materials.set([material("zink")])
    need = NeedFactory(pilot=pilot)
    assert table_rows(member_client.get("/pilots/")) == [
        ["Schlacke nutzen Hütte Nord", "Idee", "R8", "Zink", "3 → 5", "1"]
    ]

    PilotProject.objects.filter(pk=pilot.pk).update(
        title="Schlacke verwerten",
        status=Status.RUNNING,
        strategy="R3",
        trl_current=4,
        trl_target=7,
    )
    organisation.name = "Hütte Süd"
    organisation.save()
    pilot.materials.set([material("blei"), material("aluminium")])
    need.status = PartnerNeed.Status.FILLED
    need.save()
    NeedFactory.create_batch(2, pilot=pilot)

    assert table_rows(member_client.get("/pilots/")) == [
        [
            "Schlacke verwerten Hütte Süd",
            "Läuft",
            "R3",
            "Aluminium und Aluminiumlegierungen, Blei",
            "4 → 7",
            "2",
        ]
    ]


def test_list_rows_follow_removed_organisation_materials_and_labels(member_client, peer):
    pilot = PilotFactory(title="Kupfer im Kreis", proposer=peer)
    pilot.materials.set([material("kupfer")])
    NeedFactory(pilot=pilot)
    assert table_rows(member_client.get("/pilots/")) == [
        [
            "Kupfer im Kreis " + peer.organisation.name,
            "Idee",
            "–",
            "Kupfer und Kupferlegierungen",
            "– → –",
            "1",
        ]
    ]

    PilotProject.objects.filter(pk=pilot.pk).update(organisation=None)
    pilot.materials.clear()
    PartnerNeed.objects.filter(pilot=pilot).delete()
    assert table_rows(member_client.get("/pilots/")) == [
        ["Kupfer im Kreis", "Idee", "–", "–", "– → –", "0"]
    ]

    pilot.materials.set([material("kupfer")])
    Material.objects.filter(slug="kupfer").update(label_de="Kupfer (Kathoden)")
    assert table_rows(member_client.get("/pilots/")) == [
        ["Kupfer im Kreis", "Idee", "–", "Kupfer", "– → –", "0"]
    ]
    Material.objects.filter(slug="kupfer").update(label_de="Rotkupfer")
    assert table_rows(member_client.get("/pilots/"))[0][3] == "Rotkupfer"


def test_list_rows_are_kept_per_language_and_link_to_the_pilot(member, peer):
    pilot = PilotFactory(title="Zink zurück", proposer=peer, status=Status.SEEKING_PARTNERS)
    pilot.materials.set([material("zink")])
    client = client_for(member)
    german = client.get("/pilots/")

    member.language = "en"
    member.save()
    english = client.get("/pilots/")

    assert table_rows(german)[0][1:4] == ["Partner gesucht", "–", "Zink"]
    assert table_rows(english)[0][1:4] == ["Seeking partners", "–", "Zinc"]
    assert f'href="/pilots/{pilot.pk}/"' in english.content.decode()


def test_list_row_disappears_when_the_pilot_becomes_a_draft(member_client, peer):
    pilot = PilotFactory(title="Bald Entwurf", proposer=peer)
    assert [row[0] for row in table_rows(member_client.get("/pilots/"))] == [
        "Bald Entwurf " + peer.organisation.name
    ]

    PilotProject.objects.filter(pk=pilot.pk).update(status=Status.DRAFT)

    assert "<tbody>" not in member_client.get("/pilots/").content.decode()


def test_list_head_follows_the_query_string(member_client):
    """View switch and filters are one cached fragment per language and query string."""
    PilotFactory(status=Status.RUNNING)
    member_client.get("/pilots/")

    html = member_client.get("/pilots/", {"status": "running", "page": "1"}).content.decode()

    assert 'href="?status=running&amp;view=board"' in html
    assert '<option value="running" selected>' in html


# --- proposing --------------------------------------------------------------


def form_data(**overrides):
    data = {
        "title": "Aluminium aus Shredderschrott",
        "summary": "Wir sortieren legierungsgenau.",
        "objectives": "",
        "strategy": "R8",
        "materials": [material().pk],
        "value_chain_stages": [stage().pk],
        "trl_current": "5",
        "trl_target": "7",
        "funding_programme": "ressource_nrw",
        "funding_other": "",
        "budget_range": "500k_1m",
        "duration_months": "24",
        "planned_start": "2027-03-01",
        "contact_person": "",
        "barrier_q": "",
        "needs-TOTAL_FORMS": "3",
        "needs-INITIAL_FORMS": "0",
        "needs-MIN_NUM_FORMS": "0",
        "needs-MAX_NUM_FORMS": "30",
        "needs-0-role": "recycler",
        "needs-0-stage": stage().pk,
        "needs-0-material": material().pk,
        "needs-0-description": "Sortierte Knetlegierungen",
        "needs-0-status": "open",
        "needs-1-role": "research",
        "needs-1-stage": "",
        "needs-1-material": "",
        "needs-1-description": "",
        "needs-1-status": "open",
        "needs-2-role": "",
        "needs-2-stage": "",
        "needs-2-material": "",
        "needs-2-description": "",
        "needs-2-status": "open",
        "action": "draft",
    }
    data.update(overrides)
    return data


def test_propose_saves_a_draft_with_two_needs(member_client, member):
    response = member_client.post("/pilots/new/", form_data())

    pilot = PilotProject.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/pilots/{pilot.pk}/"
    assert pilot.status == Status.DRAFT
    assert pilot.proposer == member
    assert pilot.contact_person == member
    assert pilot.funding_programme == "ressource_nrw"
    assert [n.role for n in pilot.needs.order_by("pk")] == ["recycler", "research"]
    assert list(pilot.materials.all()) == [material()]


def test_propose_and_publish(member_client):
    member_client.post("/pilots/new/", form_data(action="publish"))

    assert PilotProject.objects.get().status == Status.SEEKING_PARTNERS


def test_bad_input_shows_german_messages_and_saves_nothing(member_client):
    response = member_client.post(
        "/pilots/new/",
        form_data(title="", trl_current="7", trl_target="4", funding_programme="other"),
    )

    assert response.status_code == 200
    form = response.context["form"]
    assert set(form.errors) == {"title", "trl_target", "funding_other"}
    html = response.content.decode()
    assert "Dieses Feld ist zwingend erforderlich." in html
    assert PilotProject.objects.count() == 0


def test_need_without_role_is_reported(member_client):
    response = member_client.post("/pilots/new/", form_data(**{"needs-2-material": material().pk}))

    assert response.status_code == 200
    assert response.context["formset"].errors[2] == {
        "role": ["Dieses Feld ist zwingend erforderlich."]
    }
    assert PilotProject.objects.count() == 0


def test_add_need_row_and_barrier_search_save_nothing(member_client, member):
    Barrier.objects.create(title="Abfallende für Aluminiumschrott", status="published")
    Barrier.objects.create(title="Verbringung dauert Monate", status="published")

    added = member_client.post("/pilots/new/", form_data(title="", action="add_need"))
    searched = member_client.post(
        "/pilots/new/", form_data(title="", action="search", barrier_q="Aluminium")
    )

    assert added.status_code == searched.status_code == 200
    assert len(added.context["formset"].forms) == 4
    assert "Dieses Feld ist zwingend erforderlich." not in added.content.decode()
    assert [b.title for b, _checked in searched.context["barrier_options"]] == [
        "Abfallende für Aluminiumschrott"
    ]
    assert PilotProject.objects.count() == 0


def test_barrier_picker_shows_published_titles_only_and_never_authors(member_client, peer):
    hidden_org = OrganisationFactory(name="Geheime Hütte GmbH")
    author = UserFactory(first_name="Anna", last_name="Anonym", organisation=hidden_org)
    anonymous = Barrier.objects.create(
        title="Aluminium anonym gemeldet",
        status="published",
        author=author,
        organisation=hidden_org,
        is_anonymous=True,
    )
    Barrier.objects.create(title="Aluminium in Prüfung", status="in_review")

    response = member_client.get(
        "/pilots/barrier-search/", {"barrier_q": "Aluminium"}, HTTP_HX_REQUEST="true"
    )

    html = response.content.decode()
    assert [b for b, _checked in response.context["barrier_options"]] == [anonymous]
    assert "Anonym" not in html
    assert "Geheime Hütte" not in html
    assert "in Prüfung" not in html


def test_linking_barriers_and_showing_them_without_author(member_client):
    hidden_org = OrganisationFactory(name="Geheime Hütte GmbH")
    barrier = Barrier.objects.create(
        title="Abfallende unklar",
        status="forwarded",
        author=UserFactory(last_name="Anonym", organisation=hidden_org),
        organisation=hidden_org,
        is_anonymous=True,
    )

    member_client.post("/pilots/new/", form_data(barriers=[barrier.pk], action="publish"))
    pilot = PilotProject.objects.get()
    html = member_client.get(f"/pilots/{pilot.pk}/").content.decode()

    assert list(pilot.barriers.all()) == [barrier]
    assert list(barrier.pilots.all()) == [pilot]
    assert "Abfallende unklar" in html
    assert "Anonym" not in html
    assert "Geheime Hütte" not in html


def test_unpublished_barrier_is_refused_by_the_form(member_client):
    barrier = Barrier.objects.create(title="Eingereicht", status="submitted")

    response = member_client.post("/pilots/new/", form_data(barriers=[barrier.pk]))

    assert "barriers" in response.context["form"].errors
    assert PilotProject.objects.count() == 0


def test_edit_keeps_needs_and_marks_one_filled(member_client, member):
    pilot = PilotFactory(proposer=member, status=Status.SEEKING_PARTNERS)
    need = NeedFactory(pilot=pilot, role="recycler")
    data = form_data(
        action="save",
        **{
            "needs-TOTAL_FORMS": "1",
            "needs-INITIAL_FORMS": "1",
            "needs-0-id": need.pk,
            "needs-0-pilot": pilot.pk,
            "needs-0-role": "recycler",
            "needs-0-status": "filled",
        },
    )

    response = member_client.post(f"/pilots/{pilot.pk}/edit/", data)

    assert response.status_code == 302
    need.refresh_from_db()
    assert need.status == PartnerNeed.Status.FILLED
    pilot.refresh_from_db()
    assert pilot.status == Status.SEEKING_PARTNERS


# --- detail -----------------------------------------------------------------


def test_draft_is_visible_only_to_proposer_and_coordinator(member, peer, coordinator):
    draft = PilotFactory(proposer=member, status=Status.DRAFT)

    assert client_for(member).get(f"/pilots/{draft.pk}/").status_code == 200
    assert client_for(coordinator).get(f"/pilots/{draft.pk}/").status_code == 200
    assert client_for(peer).get(f"/pilots/{draft.pk}/").status_code == 404


@pytest.mark.parametrize("count", [1, 6])
def test_detail_runs_a_fixed_number_of_queries(member, count, django_assert_num_queries):
    pilot = PilotFactory(proposer=member, status=Status.SEEKING_PARTNERS, strategy="R8")
    pilot.materials.set([material()])
    pilot.barriers.set(
        [Barrier.objects.create(title=f"B{n}", status="published") for n in range(count)]
    )
    for number in range(count):
        need = NeedFactory(pilot=pilot, stage=stage(), material=material())
        ApplicationFactory(need=need)
        PilotComment.objects.create(pilot=pilot, author=UserFactory(), body=f"Kommentar {number}")
        org = OrganisationFactory()
        org.materials.set([material()])

    client = client_for(member)
    with django_assert_num_queries(13):
        response = client.get(f"/pilots/{pilot.pk}/")

    assert len(response.context["applications"]) == count
    assert len(response.context["matches"]) == min(count, 8)


def test_detail_shows_applications_only_to_managers_and_own_organisation(member, peer):
    pilot = PilotFactory(proposer=member, status=Status.SEEKING_PARTNERS)
    need = NeedFactory(pilot=pilot)
    own = ApplicationFactory(need=need, applicant=peer, message="Unsere Bewerbung")
    ApplicationFactory(need=need, message="Fremde Bewerbung")
    outsider = UserFactory()

    assert len(client_for(member).get(f"/pilots/{pilot.pk}/").context["applications"]) == 2
    assert client_for(peer).get(f"/pilots/{pilot.pk}/").context["applications"] == [own]
    html = client_for(outsider).get(f"/pilots/{pilot.pk}/").content.decode()
    assert "Bewerbung" not in html


# --- applications through the pages -----------------------------------------


def test_apply_page_preselects_the_need_and_sends(member, peer, django_capture_on_commit_callbacks):
    pilot = PilotFactory(proposer=member, status=Status.SEEKING_PARTNERS)
    need = NeedFactory(pilot=pilot)
    client = client_for(peer)

    page = client.get(f"/pilots/{pilot.pk}/apply/", {"need": need.pk})
    response = client.post(
        f"/pilots/{pilot.pk}/apply/", {"need": need.pk, "message": "Wir bringen Schrott mit."}
    )
    again = client.post(
        f"/pilots/{pilot.pk}/apply/", {"need": need.pk, "message": "Nochmal dasselbe."}
    )

    assert page.context["form"].initial["need"] == need.pk
    assert response.status_code == 302
    assert again.status_code == 200
    assert again.context["form"].errors["need"] == [
        "Ihre Organisation hat für diesen Partnerbedarf bereits eine offene Bewerbung."
    ]
    assert PilotApplication.objects.get().organisation == peer.organisation


def test_apply_needs_a_message(member, peer):
    pilot = PilotFactory(proposer=member)

    response = client_for(peer).post(f"/pilots/{pilot.pk}/apply/", {"need": "", "message": " "})

    assert response.status_code == 200
    assert "message" in response.context["form"].errors
    assert PilotApplication.objects.count() == 0


def test_own_organisation_is_sent_back_with_a_message(member):
    pilot = PilotFactory(proposer=member)
    colleague = UserFactory(organisation=member.organisation)

    response = client_for(colleague).get(f"/pilots/{pilot.pk}/apply/", follow=True)

    assert response.redirect_chain == [(f"/pilots/{pilot.pk}/", 302)]
    assert "Ihre Organisation leitet diesen Pilot" in response.content.decode()


def test_proposer_accepts_through_the_page(member, peer):
    pilot = PilotFactory(proposer=member, status=Status.SEEKING_PARTNERS)
    application = ApplicationFactory(need=NeedFactory(pilot=pilot), applicant=peer)

    denied = client_for(peer).post(f"/pilots/applications/{application.pk}/accept/")
    response = client_for(member).post(
        f"/pilots/applications/{application.pk}/accept/", {"note": "Willkommen"}, follow=True
    )

    assert denied.status_code == 403
    assert response.redirect_chain == [(f"/pilots/{pilot.pk}/#applications", 302)]
    assert [str(m) for m in response.context["messages"]] == [
        f"Die Bewerbung von {peer.organisation.name} ist jetzt: angenommen."
    ]
    application.refresh_from_db()
    assert (application.status, application.decision_note) == ("accepted", "Willkommen")


def test_decline_reopen_and_withdraw_through_the_pages(member, peer):
    pilot = PilotFactory(proposer=member, status=Status.SEEKING_PARTNERS)
    need = NeedFactory(pilot=pilot)
    application = ApplicationFactory(need=need, applicant=peer)
    proposer, applicant = client_for(member), client_for(peer)

    proposer.post(f"/pilots/applications/{application.pk}/decline/")
    assert applicant.post(f"/pilots/applications/{application.pk}/reopen/").status_code == 403
    proposer.post(f"/pilots/applications/{application.pk}/reopen/")
    applicant.post(f"/pilots/{pilot.pk}/apply/", {"need": need.pk, "message": "Zweiter Anlauf"})
    second = PilotApplication.objects.get(status="pending")
    assert proposer.post(f"/pilots/applications/{second.pk}/withdraw/").status_code == 403
    applicant.post(f"/pilots/applications/{second.pk}/withdraw/")

    assert sorted(PilotApplication.objects.values_list("status", flat=True)) == [
        "reopened",
        "withdrawn",
    ]


def test_state_change_form(member):
    pilot = PilotFactory(proposer=member, status=Status.SEEKING_PARTNERS)
    client = client_for(member)

    invalid = client.post(f"/pilots/{pilot.pk}/status/", {"to_status": "discontinued"})
    jump = client.post(f"/pilots/{pilot.pk}/status/", {"to_status": "completed"})
    valid = client.post(
        f"/pilots/{pilot.pk}/status/", {"to_status": "consortium_formed", "note": "Komplett"}
    )

    assert invalid.status_code == 200
    assert invalid.context["status_form"].errors["note"] == [
        "Bitte begründen Sie in einer Notiz, warum der Pilot eingestellt wird."
    ]
    assert "to_status" in jump.context["status_form"].errors
    assert valid.status_code == 302
    pilot.refresh_from_db()
    assert pilot.status == Status.CONSORTIUM_FORMED
    html = client.get(f"/pilots/{pilot.pk}/").content.decode()
    assert "Komplett" in html


def test_publish_and_renew_buttons(member):
    pilot = PilotFactory(proposer=member, status=Status.DRAFT, published_at=None)
    NeedFactory(pilot=pilot)
    client = client_for(member)

    client.post(f"/pilots/{pilot.pk}/publish/")
    pilot.refresh_from_db()
    first_until = pilot.seeking_until
    client.post(f"/pilots/{pilot.pk}/renew/")
    pilot.refresh_from_db()

    assert pilot.status == Status.SEEKING_PARTNERS
    assert pilot.seeking_until > first_until


# --- comments and search ----------------------------------------------------


def test_comment_add_edit_and_remove(member, peer, coordinator):
    pilot = PilotFactory(proposer=member)
    client = client_for(peer)

    client.post(f"/pilots/{pilot.pk}/comments/", {"body": "<script>x</script>Gute **Idee**"})
    comment = PilotComment.objects.get()
    html = client.get(f"/pilots/{pilot.pk}/").content.decode()
    assert "<strong>Idee</strong>" in html
    assert "<script>x" not in html

    assert client_for(member).get(f"/pilots/comments/{comment.pk}/edit/").status_code == 403
    client.post(f"/pilots/comments/{comment.pk}/edit/", {"body": "Geändert"})
    assert client_for(peer).post(f"/pilots/comments/{comment.pk}/remove/").status_code == 403
    client_for(coordinator).post(f"/pilots/comments/{comment.pk}/remove/")

    comment.refresh_from_db()
    assert comment.body == "Geändert"
    assert comment.removed_by == coordinator


def test_empty_comment_is_refused(member, peer):
    pilot = PilotFactory(proposer=member)

    response = client_for(peer).post(f"/pilots/{pilot.pk}/comments/", {"body": "   "})

    assert response.status_code == 200
    assert response.context["comment_form"].errors
    assert PilotComment.objects.count() == 0


def test_global_search_lists_pilots_beside_other_sections(member, peer):
    PilotFactory(title="Zinkasche aufbereiten", proposer=peer)
    PilotFactory(title="Zinkentwurf geheim", proposer=peer, status=Status.DRAFT)

    response = client_for(member).get("/search/", {"q": "Zink"})

    sections = {section.key: section for section in response.context["sections"]}
    assert [r.title for r in sections["pilots"].results] == ["Zinkasche aufbereiten"]
    assert "Zinkentwurf" not in response.content.decode()


def test_pilot_urls_are_named():
    assert reverse("pilots:list") == "/pilots/"
    assert reverse("pilots:create") == "/pilots/new/"
    assert reverse("pilots:detail", args=[7]) == "/pilots/7/"
    assert reverse("pilots:apply", args=[7]) == "/pilots/7/apply/"


def test_barrier_lists_only_published_pilots_through_the_reverse_relation(member):
    barrier = Barrier.objects.create(title="Hemmnis", status="published")
    published = PilotFactory(proposer=member)
    draft = PilotFactory(proposer=member, status=Status.DRAFT)
    published.barriers.add(barrier)
    draft.barriers.add(barrier)

    assert list(barrier.pilots.published()) == [published]


def test_pages_work_in_english(member):
    member.language = "en"
    member.save()
    pilot = PilotFactory(proposer=member, strategy="R8", funding_programme="ressource_nrw")
    NeedFactory(pilot=pilot, role="recycler", stage=stage(), material=material())
    client = client_for(member)

    # The member's language is activated per request; restore the default afterwards.
    with translation.override(None):
        detail = client.get(f"/pilots/{pilot.pk}/").content.decode()
        form = client.get("/pilots/new/").content.decode()

    assert "Partner needs" in detail
    assert "R8 – Recycle" in detail
    assert "Aluminium and aluminium alloys" in detail
    assert "Propose a pilot project" in form
    assert "Smarter product use and manufacture" in form
