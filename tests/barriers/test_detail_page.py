"""The barrier page: a fixed number of queries, and cached rows (comments, timeline,
endorsers' notes) that show every change made after the page was shown once."""

import re
from datetime import timedelta

import pytest
from django.core.cache import caches
from django.db import connection
from django.utils import timezone, translation
from django.utils.html import escape

from barriers import services
from barriers.models import Barrier, BarrierComment, BarrierEvent, Endorsement, EvidenceFile
from members.models import Organisation, User
from policy.models import PolicyItem
from tests.conftest import client_for
from tests.factories import BarrierFactory, UserFactory, material, stage
from tests.policy.factories import PolicyItemFactory
from thementisch.comments import EDIT_WINDOW

pytestmark = pytest.mark.django_db


def page(client, barrier) -> str:
    response = client.get(barrier.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def comment_html(text: str, comment) -> str:
    """The markup of one comment on the page."""
    start = text.index(f'id="comment-{comment.pk}"')
    return text[start : text.index("</article>", start)]


@pytest.fixture
def barrier(member):
    return BarrierFactory(author=member, title="Schrottexport bremst Sekundärrohstoffe")


@pytest.mark.parametrize("count", [1, 12])
def test_page_runs_a_fixed_number_of_queries(
    count, barrier, member, peer, coordinator, django_assert_num_queries
):
    barrier.materials.set([material("aluminium"), material("stahl")])
    barrier.value_chain_stages.set([stage()])
    for index in range(count):
        author = UserFactory()
        services.add_comment(barrier, by=author, body=f"Kommentar {index}")
        services.endorse_barrier(barrier, by=author, note=f"Notiz {index}")
        services.record_event(barrier, actor=coordinator, kind="note", note=f"Eintrag {index}")
    client = client_for(peer)
    client.get(barrier.get_absolute_url())  # the rows are cached; queries are the same

    # session, user, barrier (with submitter, organisation, regulation, own
    # endorsement, material and stage ids, and which further lists exist),
    # timeline, comments, endorsers' notes (each list read only where it exists)
    with django_assert_num_queries(6):
        text = page(client, barrier)

    assert f"Kommentar {count - 1}" in text
    assert f"Notiz {count - 1}" in text
    assert f"Eintrag {count - 1}" in text


def test_responses_evidence_and_pilots_are_loaded_when_they_exist(
    barrier, member, peer, coordinator, ministry_user, django_assert_num_queries
):
    from pilots.models import PilotProject

    services.change_status(
        barrier,
        by=coordinator,
        to_status="forwarded",
        level="land_nrw",
        ministry=ministry_user.organisation,
        answer_by=timezone.localdate() + timedelta(days=5),
    )
    services.respond_to_barrier(barrier, by=ministry_user, body="Wir prüfen das.")
    EvidenceFile.objects.create(barrier=barrier, file="x.pdf", original_name="Gutachten.pdf")
    PilotProject.objects.create(title="Sortierpilot", status="idea").barriers.add(barrier)
    client = client_for(peer)
    client.get(barrier.get_absolute_url())

    # session, user, barrier, timeline (no comments nor endorsers' notes to
    # read), official responses, evidence, pilots
    with django_assert_num_queries(7):
        text = page(client, barrier)

    assert "Wir prüfen das." in text
    assert "Gutachten.pdf" in text
    assert "Sortierpilot" in text


def test_merged_or_hidden_barriers(member, peer, coordinator):
    target = BarrierFactory(author=member)
    merged = BarrierFactory(author=member, status="merged", merged_into=target)
    in_review = BarrierFactory(author=member, status="in_review")

    response = client_for(peer).get(merged.get_absolute_url())
    assert response.status_code == 302
    assert response["Location"] == target.get_absolute_url()
    assert client_for(peer).get(in_review.get_absolute_url()).status_code == 404
    assert client_for(member).get(in_review.get_absolute_url()).status_code == 200
    assert client_for(peer).get("/barriers/999999/").status_code == 404


def test_page_shows_materials_and_stages_in_the_taxonomy_order(barrier, peer):
    barrier.materials.set([material("stahl"), material("aluminium")])
    barrier.value_chain_stages.set([stage()])
    materials = sorted(barrier.materials.all(), key=lambda m: (-m.is_primary, m.order, m.slug))

    text = page(client_for(peer), barrier)

    assert escape(", ".join(str(m) for m in materials)) in text
    assert escape(str(stage())) in text


def test_own_endorsement_and_its_note_are_shown(barrier, peer):
    client = client_for(peer)
    assert "Betrifft uns auch" in page(client, barrier)

    services.endorse_barrier(barrier, by=peer, note="")
    text = page(client, barrier)
    assert "Sie unterstützen dieses Hemmnis." in text
    assert f"/barriers/{barrier.pk}/endorse/withdraw/" in text


# --- comments: every shown value changes the row --------------------------------------


def test_comment_rows_show_every_change(barrier, member, peer):
    client = client_for(member)
    comment = services.add_comment(barrier, by=peer, body="Erste Fassung")
    page(client, barrier)

    BarrierComment.objects.filter(pk=comment.pk).update(
        body="Zweite **Fassung**", edited_at=timezone.now()
    )
    row = comment_html(page(client, barrier), comment)
    assert "Zweite <strong>Fassung</strong>" in row
    assert "bearbeitet" in row

    User.objects.filter(pk=peer.pk).update(first_name="Petra", last_name="Neu")
    assert "Petra Neu" in comment_html(page(client, barrier), comment)

    User.objects.filter(pk=peer.pk).update(first_name="", last_name="", email="p@example.org")
    assert "p@example.org" in comment_html(page(client, barrier), comment)

    Organisation.objects.filter(pk=peer.organisation_id).update(name="Neue Hütte AG")
    assert "Neue Hütte AG" in comment_html(page(client, barrier), comment)

    User.objects.filter(pk=peer.pk).update(organisation=None)
    assert "Neue Hütte AG" not in comment_html(page(client, barrier), comment)

    BarrierComment.objects.filter(pk=comment.pk).update(author=None)
    assert "ehemaliges Mitglied" in comment_html(page(client, barrier), comment)

    BarrierComment.objects.filter(pk=comment.pk).update(removed_at=timezone.now())
    row = comment_html(page(client, barrier), comment)
    assert "von der Koordination entfernt" in row
    assert "Zweite" not in row

    later = timezone.now() - timedelta(days=3)
    BarrierComment.objects.filter(pk=comment.pk).update(created_at=later)
    row = comment_html(page(client, barrier), comment)
    assert f'datetime="{timezone.localtime(later).isoformat()}"' in row


def test_comment_list_shows_added_comments_after_it_was_shown(barrier, member, peer):
    """The discussion is one fragment: a new comment is a new key, the others stay."""
    client = client_for(member)
    first = services.add_comment(barrier, by=peer, body="Erster Beitrag")
    page(client, barrier)

    second = services.add_comment(barrier, by=member, body="Zweiter Beitrag")
    text = page(client, barrier)

    assert "Erster Beitrag" in comment_html(text, first)
    assert "Zweiter Beitrag" in comment_html(text, second)
    assert f"/barriers/comments/{second.pk}/edit/" in comment_html(text, second)
    assert f"/barriers/comments/{first.pk}/edit/" not in comment_html(text, first)
    assert '<span class="badge text-bg-secondary">2</span>' in text


def test_comment_edit_link_follows_author_and_time(barrier, member, peer):
    comment = services.add_comment(barrier, by=peer, body="Meine Erfahrung")
    edit = f"/barriers/comments/{comment.pk}/edit/"

    assert edit in comment_html(page(client_for(peer), barrier), comment)
    assert edit not in comment_html(page(client_for(member), barrier), comment)

    BarrierComment.objects.filter(pk=comment.pk).update(
        created_at=timezone.now() - EDIT_WINDOW - timedelta(minutes=1)
    )
    assert edit not in comment_html(page(client_for(peer), barrier), comment)


def test_comment_remove_button_only_for_the_coordinator(barrier, member, peer, coordinator):
    comment = services.add_comment(barrier, by=peer, body="Meine Erfahrung")
    remove = f'formaction="/barriers/comments/{comment.pk}/remove/"'

    member_page = page(client_for(member), barrier)
    assert remove not in member_page
    assert 'id="comment-remove-form"' not in member_page

    coordinator_page = page(client_for(coordinator), barrier)
    assert remove in comment_html(coordinator_page, comment)
    assert 'id="comment-remove-form"' in coordinator_page
    assert 'form="comment-remove-form"' in comment_html(coordinator_page, comment)


def test_comment_remove_button_posts_with_the_csrf_token(barrier, peer, coordinator):
    from django.test import Client

    comment = services.add_comment(barrier, by=peer, body="Zu entfernen")
    client = Client(enforce_csrf_checks=True)
    client.force_login(coordinator)
    text = page(client, barrier)
    form = text[text.index('id="comment-remove-form"') :]
    token = form.split('name="csrfmiddlewaretoken" value="', 1)[1].split('"', 1)[0]

    response = client.post(
        f"/barriers/comments/{comment.pk}/remove/", {"csrfmiddlewaretoken": token}
    )

    assert response.status_code == 302
    comment.refresh_from_db()
    assert comment.removed_at is not None


def test_anonymous_submitter_comment_hides_its_author_except_for_the_coordinator(
    member, peer, coordinator
):
    barrier = BarrierFactory(author=member, is_anonymous=True)
    comment = services.add_comment(barrier, by=member, body="Vom Einreicher")
    assert BarrierComment.objects.get(pk=comment.pk).hide_author

    row = comment_html(page(client_for(peer), barrier), comment)
    assert "die einreichende Person" in row
    assert "Mira" not in row
    assert "Schäfer" not in row
    assert "Mira Schäfer" in comment_html(page(client_for(coordinator), barrier), comment)

    # No longer anonymous: the name appears for the member who saw it hidden.
    BarrierComment.objects.filter(pk=comment.pk).update(hide_author=False)
    assert "Mira Schäfer" in comment_html(page(client_for(peer), barrier), comment)


def test_comment_rows_follow_the_language(barrier, member, peer):
    member.language = "en"
    member.save()
    comment = services.add_comment(barrier, by=peer, body="Text")
    BarrierComment.objects.filter(pk=comment.pk).update(edited_at=timezone.now())

    assert "bearbeitet" in comment_html(page(client_for(peer), barrier), comment)
    assert "edited" in comment_html(page(client_for(member), barrier), comment)


# --- timeline --------------------------------------------------------------------------------


def timeline(text: str) -> str:
    start = text.index('<ol class="timeline">')
    return text[start : text.index("</ol>", start)]


def test_timeline_rows_show_every_change(barrier, member, peer, coordinator):
    client = client_for(peer)
    event = services.record_event(
        barrier, actor=coordinator, kind="status", from_status="submitted", to_status="in_review"
    )
    assert "Konrad Koordinator" in timeline(page(client, barrier))

    BarrierEvent.objects.filter(pk=event.pk).update(note="Bitte Belege nachreichen")
    assert "Bitte Belege nachreichen" in timeline(page(client, barrier))

    BarrierEvent.objects.filter(pk=event.pk).update(to_status="published")
    assert "<strong>Veröffentlicht</strong>" in timeline(page(client, barrier))

    User.objects.filter(pk=coordinator.pk).update(first_name="Karla")
    assert "Karla Koordinator" in timeline(page(client, barrier))

    BarrierEvent.objects.filter(pk=event.pk).update(actor=None)
    assert "das Portal" in timeline(page(client, barrier))

    BarrierEvent.objects.filter(pk=event.pk).update(kind="merged_from")
    assert "Ein anderes Hemmnis wurde hierhin zusammengeführt" in timeline(page(client, barrier))

    later = timezone.now() - timedelta(days=5)
    BarrierEvent.objects.filter(pk=event.pk).update(created_at=later)
    assert timezone.localtime(later).isoformat() in timeline(page(client, barrier))


def test_timeline_hides_the_anonymous_submitter(member, peer, coordinator):
    barrier = BarrierFactory(author=member)
    services.record_event(barrier, actor=member, kind="edited")
    assert "Mira Schäfer" in timeline(page(client_for(peer), barrier))

    type(barrier).objects.filter(pk=barrier.pk).update(is_anonymous=True)
    text = timeline(page(client_for(peer), barrier))
    assert "Mira Schäfer" not in text
    assert "die einreichende Person" in text
    assert "Mira Schäfer" in timeline(page(client_for(coordinator), barrier))


# --- endorsers' notes ---------------------------------------------------------------------------


def notes(text: str) -> str:
    start = text.index('id="notes-heading"')
    return text[start : text.index("</section>", start)]


def test_endorsement_note_rows_show_every_change(barrier, member, peer):
    client = client_for(member)
    endorsement = services.endorse_barrier(barrier, by=peer, note="Betrifft unsere Gießerei")
    assert "Betrifft unsere Gießerei" in notes(page(client, barrier))

    Endorsement.objects.filter(pk=endorsement.pk).update(note="Auch im Werk Hagen")
    assert "Auch im Werk Hagen" in notes(page(client, barrier))

    User.objects.filter(pk=peer.pk).update(last_name="Peters")
    assert "Peter Peters" in notes(page(client, barrier))

    Organisation.objects.filter(pk=endorsement.organisation_id).update(name="Hagener Guss")
    assert "Hagener Guss" in notes(page(client, barrier))

    Endorsement.objects.filter(pk=endorsement.pk).update(organisation=None)
    assert "Hagener Guss" not in notes(page(client, barrier))

    Endorsement.objects.filter(pk=endorsement.pk).update(user=None)
    assert "ehemaliges Mitglied" in notes(page(client, barrier))

    Endorsement.objects.filter(pk=endorsement.pk).update(note="")
    assert 'id="notes-heading"' not in page(client, barrier)


def test_rows_are_rendered_once(barrier, member, peer, monkeypatch):
    services.add_comment(barrier, by=peer, body="Einmal")
    client = client_for(member)
    page(client, barrier)
    from django.template import Template

    rendered = []
    original = Template.render

    def counting(self, context):
        rendered.append(self.origin.template_name if self.origin else None)
        return original(self, context)

    monkeypatch.setattr(Template, "render", counting)
    with translation.override("de"):
        page(client, barrier)
    assert "_comment.html" not in rendered


# --- the barrier's own facts: title, badges, facts list, description --------------------


def _label(barrier, field: str) -> str:
    with translation.override("de"):
        return escape(str(getattr(barrier, f"get_{field}_display")()))


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("category", "verwaltung_vollzug"),
        ("need_type", "research"),
        ("level", "land_nrw"),
        ("root_cause", "rule"),
        ("severity", 4),
        ("status", "in_review"),
    ],
)
def test_fact_labels_show_every_change(barrier, member, field, value):
    client = client_for(member)
    before = page(client, barrier)
    assert _label(barrier, field) in before

    Barrier.objects.filter(pk=barrier.pk).update(**{field: value})
    barrier.refresh_from_db()

    assert _label(barrier, field) in page(client, barrier)


def test_fact_texts_show_every_change(barrier, member):
    client = client_for(member)
    page(client, barrier)
    Barrier.objects.filter(pk=barrier.pk).update(
        title="Neuer Titel des Hemmnisses",
        description="Neue *Beschreibung*",
        impact="Neue Auswirkung",
        proposed_solution="Neuer Vorschlag",
        regulation_text="KrWG § 5",
        subcategory="abfallende",
        on_behalf="named",
        on_behalf_names="Hütte A, Hütte B",
        is_demo=True,
        created_at=timezone.now() - timedelta(days=400),
    )
    barrier.refresh_from_db()

    text = page(client, barrier)

    assert '<h1 class="mb-2">Neuer Titel des Hemmnisses</h1>' in text
    assert "Neue <em>Beschreibung</em>" in text
    assert "Neue Auswirkung" in text
    assert "Neuer Vorschlag" in text
    assert "KrWG § 5" in text
    assert f"{_label(barrier, 'category')} – {_label(barrier, 'subcategory')}" in text
    assert f"{_label(barrier, 'on_behalf')}: Hütte A, Hütte B" in text
    assert "Demo-Inhalt" in text
    assert f'datetime="{timezone.localtime(barrier.created_at).isoformat()}"' in text


def test_submitter_organisation_and_masking_show_every_change(barrier, member, peer):
    client = client_for(peer)
    assert "Mira Schäfer" in page(client, barrier)

    User.objects.filter(pk=member.pk).update(first_name="Mara")
    Organisation.objects.filter(pk=barrier.organisation_id).update(name="Umbenannt GmbH")
    text = page(client, barrier)
    assert "Mara Schäfer, Umbenannt GmbH" in text

    Barrier.objects.filter(pk=barrier.pk).update(is_anonymous=True)
    text = page(client, barrier)
    assert "Mara" not in text
    assert "Umbenannt GmbH" not in text
    assert '<span class="fst-italic">anonym</span>' in text
    # The submitter sees their own name and the note that others do not.
    own = page(client_for(member), barrier)
    assert "Mara Schäfer, Umbenannt GmbH" in own
    assert "badge text-bg-warning" in own


def test_materials_stages_and_regulation_show_every_change(barrier, member):
    client = client_for(member)
    page(client, barrier)
    barrier.materials.set([material("stahl")])
    barrier.value_chain_stages.set([stage()])
    item = PolicyItemFactory(short_name="Alte-VO", slug="alte-vo")
    Barrier.objects.filter(pk=barrier.pk).update(policy_item=item)

    text = page(client, barrier)
    assert escape(str(material("stahl"))) in text
    assert escape(str(stage())) in text
    assert '<a href="/policy/alte-vo/">Alte-VO</a>' in text

    PolicyItem.objects.filter(pk=item.pk).update(short_name="Neue-VO", slug="neue-vo")
    barrier.materials.set([material("aluminium")])
    text = page(client, barrier)
    assert '<a href="/policy/neue-vo/">Neue-VO</a>' in text
    assert escape(str(material("aluminium"))) in text
    assert escape(str(material("stahl"))) not in text


def test_forwarding_overdue_and_rejection_show_every_change(barrier, member, ministry_user):
    client = client_for(member)
    page(client, barrier)
    past = timezone.localdate() - timedelta(days=2)
    Barrier.objects.filter(pk=barrier.pk).update(
        status="forwarded",
        forwarded_level="land_nrw",
        forwarded_to=ministry_user.organisation,
        answer_by=past,
    )
    barrier.refresh_from_db()

    text = page(client, barrier)
    assert f"{_label(barrier, 'forwarded_level')} – {ministry_user.organisation.name}" in text
    assert f'<time datetime="{past.isoformat()}">' in text
    assert "badge text-bg-danger" in text  # answer overdue

    Organisation.objects.filter(pk=ministry_user.organisation_id).update(name="MWIKE NRW")
    assert "MWIKE NRW" in page(client, barrier)

    Barrier.objects.filter(pk=barrier.pk).update(status="rejected", rejection_reason="Doppelt")
    assert "Doppelt" in page(client, barrier)


def test_page_reads_the_same_with_the_orm(barrier, member, peer, coordinator, monkeypatch):
    """Other databases than PostgreSQL read the page with the ORM (taxonomy ids apart)."""
    barrier.materials.set([material("stahl"), material("aluminium")])
    barrier.value_chain_stages.set([stage()])
    services.add_comment(barrier, by=peer, body="Ein Beitrag")
    services.endorse_barrier(barrier, by=peer, note="Betrifft uns")
    services.record_event(barrier, actor=coordinator, kind="note", note="Eintrag")
    pages = {}
    for vendor in ("postgresql", "other"):
        if vendor == "other":
            monkeypatch.setattr(connection, "vendor", vendor)
        caches["fragments"].clear()
        pages[vendor] = [
            re.sub(r"[A-Za-z0-9]{64}", "TOKEN", page(client_for(user), barrier))
            for user in (member, peer, coordinator)
        ]

    assert pages["other"] == pages["postgresql"]
    assert escape(str(material("aluminium"))) in pages["other"][1]
    assert "Betrifft uns" in pages["other"][1]
