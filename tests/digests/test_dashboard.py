"""The dashboard ("Mein Thementisch"): a fixed number of queries, rows from the fragment
cache that follow every change of what they show, and SQL reads that select what the
ORM's querysets select."""

import datetime

import pytest
from django.core.cache import caches
from django.db import connection
from django.utils import timezone, translation
from django.utils.formats import date_format

from barriers import permissions
from barriers import selectors as barrier_selectors
from barriers.models import Barrier, Endorsement
from members.models import Organisation
from pilots import selectors as pilot_selectors
from pilots.models import PartnerNeed, PilotProject
from policy import selectors as policy_selectors
from policy.models import PolicyFollow, PolicyItem, PolicyKeyDate, PolicyUpdate
from sessions import selectors as meeting_selectors
from sessions.models import Invitation, Meeting
from tests.conftest import client_for
from tests.factories import BarrierFactory, CoordinatorFactory, UserFactory, material, stage
from tests.meetings.factories import InvitationFactory, MeetingFactory
from tests.pilots.factories import NeedFactory, PilotFactory
from tests.policy.factories import (
    PolicyFollowFactory,
    PolicyItemFactory,
    PolicyKeyDateFactory,
    PolicyUpdateFactory,
)

pytestmark = pytest.mark.django_db

SEEKING = PilotProject.Status.SEEKING_PARTNERS


def dashboard(client) -> str:
    response = client.get("/")
    assert response.status_code == 200
    return response.content.decode()


def fill(member, peer, count: int) -> None:
    """`count` rows in every panel of `member`'s dashboard."""
    member.organisation.materials.set([material("aluminium")])
    member.materials.set([material("kupfer")])
    for _ in range(count):
        InvitationFactory(meeting=MeetingFactory(), user=member, response="yes")
        BarrierFactory(author=member)
        Endorsement.objects.create(barrier=BarrierFactory(author=peer), user=member)
        item = PolicyItemFactory()
        PolicyFollowFactory(item=item, user=member)
        PolicyKeyDateFactory(item=item)
        PolicyUpdateFactory(item=item)
        NeedFactory(pilot=PilotFactory(status=SEEKING), material=material("aluminium"))


# --- queries -------------------------------------------------------------------------------


@pytest.mark.parametrize("count", [1, 3])
def test_member_dashboard_queries_do_not_grow_with_the_rows(
    member, peer, count, django_assert_num_queries
):
    fill(member, peer, count)
    client = client_for(member)
    dashboard(client)  # the taxonomy labels come from the cache on a warm server
    caches["fragments"].clear()  # rendering the rows needs no query either

    # session, user; next meetings, own and endorsed barriers, key dates, followed
    # updates, interests, matching needs
    with django_assert_num_queries(8):
        cold = dashboard(client)
    with django_assert_num_queries(8):
        warm = dashboard(client)

    assert without_csrf_tokens(warm) == without_csrf_tokens(cold)
    assert warm.count('class="list-group-item"') == count


@pytest.mark.parametrize("count", [1, 3])
def test_coordinator_dashboard_queries_do_not_grow_with_the_rows(
    coordinator, peer, count, django_assert_num_queries
):
    for number in range(count):
        ministry = Organisation.objects.create(name=f"Ministerium {number}", slug=f"mini-{number}")
        BarrierFactory(
            author=peer,
            status="forwarded",
            forwarded_to=ministry,
            answer_by=timezone.localdate() - datetime.timedelta(days=3),
        )
    fill(coordinator, peer, count)
    client = client_for(coordinator)
    dashboard(client)
    caches["fragments"].clear()

    # as a member's (8), and registrations waiting, two-factor set up, overdue barriers,
    # barriers to review
    with django_assert_num_queries(12):
        html = dashboard(client)

    assert html.count("Ministerium ") == count


# --- rows follow every change of what they show ---------------------------------------------


def test_meeting_row_follows_every_change(member):
    meeting = MeetingFactory(title="Plenum alt", venue="Essen")
    invitation = InvitationFactory(meeting=meeting, user=member, response="yes")
    client = client_for(member)
    assert "Plenum alt" in dashboard(client)

    later = meeting.starts_at + datetime.timedelta(days=1, hours=2, minutes=15)
    changes = [
        ({"title": "Plenum neu"}, "Plenum neu"),
        ({"kind": Meeting.Kind.WORKSHOP}, "Workshop ·"),
        ({"venue": "Bochum, Hörsaal 3"}, "Bochum, Hörsaal 3"),
        ({"venue": "", "online_url": "https://meet.example.org/x"}, " · online"),
        ({"starts_at": later, "ends_at": later + datetime.timedelta(hours=1)}, "12:15"),
        ({"status": Meeting.Status.CANCELLED}, "Abgesagt"),
    ]
    for values, shown in changes:
        Meeting.objects.filter(pk=meeting.pk).update(**values)
        assert shown in dashboard(client), values
    Invitation.objects.filter(pk=invitation.pk).update(response="maybe")
    assert "Ihre Antwort: Vielleicht" in dashboard(client)


def test_barrier_rows_follow_every_change(member, peer):
    mine = BarrierFactory(author=member, title="Mein altes Hemmnis", status="submitted")
    endorsed = BarrierFactory(author=peer, title="Fremdes altes Hemmnis", is_anonymous=True)
    Endorsement.objects.create(barrier=endorsed, user=member)
    client = client_for(member)
    html = dashboard(client)
    assert "Mein altes Hemmnis" in html
    assert "Fremdes altes Hemmnis" in html
    assert peer.last_name not in html

    for barrier, title in ((mine, "Mein neues Hemmnis"), (endorsed, "Fremdes neues Hemmnis")):
        Barrier.objects.filter(pk=barrier.pk).update(title=title)
        assert title in dashboard(client)
        Barrier.objects.filter(pk=barrier.pk).update(status="forwarded")
        html = dashboard(client)
        assert html.count("status-forwarded") == 1 + (barrier == endorsed)
        Barrier.objects.filter(pk=barrier.pk).update(is_demo=True)
        assert dashboard(client).count("Demo-Inhalt") == 1 + (barrier == endorsed)


def test_overdue_rows_of_the_coordinator_follow_every_change(peer):
    coordinator = CoordinatorFactory()
    ministry = Organisation.objects.create(name="Umweltministerium NRW", slug="munv")
    barrier = BarrierFactory(
        author=peer,
        title="Überfällig alt",
        status="forwarded",
        forwarded_to=ministry,
        answer_by=datetime.date(2020, 3, 1),
    )
    client = client_for(coordinator)
    assert "01.03.2020, Umweltministerium NRW" in dashboard(client)

    Barrier.objects.filter(pk=barrier.pk).update(title="Überfällig neu")
    assert "Überfällig neu" in dashboard(client)
    Barrier.objects.filter(pk=barrier.pk).update(answer_by=datetime.date(2020, 4, 2))
    assert "02.04.2020" in dashboard(client)
    Organisation.objects.filter(pk=ministry.pk).update(name="Wirtschaftsministerium NRW")
    assert "02.04.2020, Wirtschaftsministerium NRW" in dashboard(client)


def test_rows_to_answer_of_a_ministry_follow_every_change(ministry_user, peer):
    barrier = BarrierFactory(
        author=peer,
        title="Zu beantworten alt",
        status="forwarded",
        forwarded_to=ministry_user.organisation,
        answer_by=datetime.date(2031, 3, 1),
    )
    client = client_for(ministry_user)
    assert "Zu beantworten alt" in dashboard(client)

    Barrier.objects.filter(pk=barrier.pk).update(title="Zu beantworten neu")
    assert "Zu beantworten neu" in dashboard(client)
    Barrier.objects.filter(pk=barrier.pk).update(answer_by=datetime.date(2031, 4, 2))
    assert "02.04.2031" in dashboard(client)


def test_key_date_rows_follow_every_change(member):
    # Today: the first of the next dates, whatever else the radar holds.
    today = timezone.localdate()
    item = PolicyItemFactory(short_name="Alt-VO", slug="alt-vo")
    key_date = PolicyKeyDateFactory(item=item, date=today, label="Frist alt", label_en="Old one")
    client = client_for(member)
    with translation.override("de"):
        assert f"{date_format(today, 'DATE_FORMAT')}</span> · " in dashboard(client)

        PolicyKeyDate.objects.filter(pk=key_date.pk).update(label="Frist neu")
        assert "Frist neu" in dashboard(client)
        tomorrow = today + datetime.timedelta(days=1)
        PolicyKeyDate.objects.filter(pk=key_date.pk).update(date=tomorrow)
        assert f"{date_format(tomorrow, 'DATE_FORMAT')}</span> · " in dashboard(client)
        PolicyKeyDate.objects.filter(pk=key_date.pk).update(date=today.replace(day=1))
        PolicyKeyDate.objects.filter(pk=key_date.pk).update(precision="month")
        assert f"{date_format(today, 'YEAR_MONTH_FORMAT')}</span> · " in dashboard(client)
    PolicyKeyDate.objects.filter(pk=key_date.pk).update(needs_review=True)
    assert "(nicht bestätigt)" in dashboard(client)
    PolicyItem.objects.filter(pk=item.pk).update(short_name="Neu-VO")
    assert "Neu-VO</a>" in dashboard(client)
    PolicyItem.objects.filter(pk=item.pk).update(slug="neu-vo")
    assert 'href="/policy/neu-vo/"' in dashboard(client)
    follow = PolicyFollowFactory(item=item, user=member)
    assert "gefolgt</span>" in dashboard(client)
    follow.delete()
    assert "gefolgt</span>" not in dashboard(client)

    english = client_for(member)
    english.cookies["django_language"] = "en"
    member.language = "en"
    member.save(update_fields=["language"])
    assert "Old one" in dashboard(english)
    PolicyKeyDate.objects.filter(pk=key_date.pk).update(label_en="New deadline")
    assert "New deadline" in dashboard(english)
    PolicyKeyDate.objects.filter(pk=key_date.pk).update(label_en="")
    assert '<span lang="de">Frist neu</span>' in dashboard(english)


def test_followed_update_rows_follow_every_change(member):
    item = PolicyItemFactory(short_name="Alt-VO", slug="alt-vo")
    PolicyFollowFactory(item=item, user=member)
    update = PolicyUpdateFactory(item=item, title="Nachricht alt", date=datetime.date(2025, 3, 1))
    client = client_for(member)
    assert "Alt-VO: Nachricht alt" in dashboard(client)

    PolicyUpdate.objects.filter(pk=update.pk).update(title="Nachricht neu")
    assert "Alt-VO: Nachricht neu" in dashboard(client)
    PolicyUpdate.objects.filter(pk=update.pk).update(date=datetime.date(2025, 4, 2))
    assert "02.04.2025" in dashboard(client)
    PolicyItem.objects.filter(pk=item.pk).update(short_name="Neu-VO", slug="neu-vo")
    html = dashboard(client)
    assert "Neu-VO: Nachricht neu" in html
    assert f'href="/policy/neu-vo/#update-{update.pk}"' in html


def test_pilot_rows_follow_every_change(member):
    member.organisation.materials.set([material("kupfer")])
    pilot = PilotFactory(title="Kupfer alt", status=SEEKING)
    need = NeedFactory(pilot=pilot, role="recycler", material=material("kupfer"))
    client = client_for(member)
    assert "Kupfer alt" in dashboard(client)

    PilotProject.objects.filter(pk=pilot.pk).update(title="Kupfer neu")
    assert "Kupfer neu" in dashboard(client)
    PartnerNeed.objects.filter(pk=need.pk).update(role="foundry")
    with translation.override("de"):
        assert "Gesucht: Gießerei" in dashboard(client)


# --- panels come from the cache, keyed by their rows and counts -----------------------------


def speaking(user, language: str):
    user.language = language
    user.save(update_fields=["language"])
    return client_for(user)


def test_panels_follow_their_rows_from_empty_to_filled_and_back(member, peer):
    member.organisation.materials.set([material("aluminium")])
    english = speaking(member, "en")
    empty = [
        "You have no invitations to upcoming meetings.",
        "You have not logged a barrier yet.",
        "Endorse barriers that affect you too",
        "No pilot currently seeks partners",
    ]
    html = dashboard(english)
    assert all(text in html for text in empty)
    assert "New on items you follow" not in html  # (the radar's dates come with the data)

    meeting = MeetingFactory(title="Plenum Kreislauf")
    InvitationFactory(meeting=meeting, user=member, response="yes")
    own = BarrierFactory(author=member, title="Eigenes Hemmnis")
    Endorsement.objects.create(barrier=BarrierFactory(author=peer, title="Fremdes"), user=member)
    item = PolicyItemFactory(short_name="Kreislauf-VO")
    PolicyFollowFactory(item=item, user=member)
    PolicyKeyDateFactory(item=item, date=timezone.localdate() + datetime.timedelta(days=3))
    PolicyUpdateFactory(item=item, title="Neue Fassung")
    NeedFactory(
        pilot=PilotFactory(status=SEEKING, title="Alu-Pilot"), material=material("aluminium")
    )

    html = dashboard(english)
    assert not any(text in html for text in empty)
    for text in ["Plenum Kreislauf", "Eigenes Hemmnis", "Fremdes", "Kreislauf-VO: Neue Fassung"]:
        assert text in html
    assert "New on items you follow" in html
    assert "Alu-Pilot" in html

    Barrier.objects.filter(pk=own.pk).update(status=Barrier.Status.MERGED)
    html = dashboard(english)
    assert "You have not logged a barrier yet." in html
    assert "Eigenes Hemmnis" not in html


def test_the_coordinator_panel_follows_the_count_to_review(coordinator, peer):
    client = speaking(coordinator, "en")
    BarrierFactory(author=peer, status=Barrier.Status.SUBMITTED)
    assert "1 barrier waits for review." in dashboard(client)

    BarrierFactory(author=peer, status=Barrier.Status.IN_REVIEW)
    assert "2 barriers wait for review." in dashboard(client)
    Barrier.objects.filter(author=peer).update(status=Barrier.Status.PUBLISHED)
    assert "wait for review" not in dashboard(client)
    assert "waits for review" not in dashboard(client)


def test_panels_are_in_the_language_of_the_page(member):
    assert "You have not logged a barrier yet." in dashboard(speaking(member, "en"))
    html = dashboard(speaking(member, "de"))
    assert "You have not logged a barrier yet." not in html
    assert 'id="dashboard-barriers-heading">Hemmnisse</h2>' in html


# --- the SQL reads select what the ORM selects -----------------------------------------------


def test_visibility_in_sql_is_the_rule_of_the_q_object(member, peer, ministry_user, coordinator):
    for author in (member, peer):
        for status in Barrier.Status.values:
            BarrierFactory(author=author, status=status)
    for user in (member, peer, ministry_user, coordinator, UserFactory(status="pending")):
        condition, params = permissions.visible_barriers_sql(user, "b")
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT b.id FROM barriers_barrier b WHERE {condition}", params)  # noqa: S608
            selected = {row[0] for row in cursor.fetchall()}

        expected = set(permissions.visible_barriers(user).values_list("pk", flat=True))
        assert selected == expected, user.role


def test_dashboard_barriers_are_the_orm_selection(member, peer, coordinator):
    for number in range(10):
        BarrierFactory(author=member, status=Barrier.Status.values[number % 9])
    for status in Barrier.Status.values:
        Endorsement.objects.create(barrier=BarrierFactory(author=peer, status=status), user=member)
        Endorsement.objects.create(barrier=BarrierFactory(author=member, status=status), user=peer)
    later = list(Barrier.objects.order_by("pk").values_list("pk", flat=True))[::3]
    Barrier.objects.filter(pk__in=later).update(
        updated_at=timezone.now() + datetime.timedelta(days=1)
    )

    for user in (member, peer, coordinator):
        lists = barrier_selectors.send_dashboard_barriers(user)()

        for name, queryset in barrier_selectors.dashboard_querysets(user).items():
            expected = [(b.pk, b.title, b.status, b.is_demo, b.is_anonymous) for b in queryset]
            got = [(b.pk, b.title, b.status, b.is_demo, b.is_anonymous) for b in lists[name]]
            assert got == expected, (user.role, name)


def test_next_meetings_are_the_orm_selection(member, peer):
    now = timezone.now()
    for number, status in enumerate(["published", "cancelled", "draft", "published"]):
        starts = now + datetime.timedelta(days=number - 1, hours=1)
        meeting = MeetingFactory(
            status=status, starts_at=starts, ends_at=starts + datetime.timedelta(hours=2)
        )
        InvitationFactory(meeting=meeting, user=member, response=["yes", "no", "maybe"][number % 3])
    InvitationFactory(meeting=MeetingFactory(), user=peer)
    MeetingFactory()

    got = meeting_selectors.next_meetings_for(member, limit=10)

    expected = list(meeting_selectors.next_meetings_queryset(member)[:10])
    assert [(m.pk, m.title, m.status, m.my_response) for m in got] == [
        (m.pk, m.title, m.status, m.my_response) for m in expected
    ]
    assert len(got) == 2  # the cancelled one and the next; not the past one nor the draft


def test_policy_dates_and_updates_are_the_orm_selection(member):
    today = timezone.localdate()
    items = PolicyItemFactory.create_batch(4)
    PolicyFollowFactory(item=items[0], user=member)
    PolicyFollowFactory(item=items[2], user=member)
    dates = [
        (today - datetime.timedelta(days=40), "day"),
        (today.replace(day=1), "month"),
        (today + datetime.timedelta(days=2), "day"),
        (today.replace(month=1, day=1), "year"),
        (datetime.date(today.year + 1, 4, 1), "quarter"),
        (today, "day"),
    ]
    for number, (date, precision) in enumerate(dates):
        PolicyKeyDateFactory(item=items[number % 4], date=date, precision=precision)
    for item in items:
        PolicyUpdateFactory.create_batch(2, item=item)

    dates, updates = policy_selectors.send_dashboard_dates_and_updates(member)()

    expected_dates, expected_updates = policy_selectors.dashboard_querysets(member)
    assert [(d.pk, d.followed, str(d.item)) for d in dates] == [
        (d.pk, d.followed, str(d.item)) for d in expected_dates
    ]
    assert [(u.pk, str(u.item)) for u in updates] == [(u.pk, str(u.item)) for u in expected_updates]
    assert any(d.followed for d in dates)
    assert {u.item_id for u in updates} <= {items[0].pk, items[2].pk}


@pytest.mark.parametrize("organisation_states_interests", [True, False])
def test_matching_reads_are_the_orm_selection(member, organisation_states_interests):
    if organisation_states_interests:
        member.organisation.materials.set([material("aluminium"), material("kupfer")])
        member.organisation.value_chain_stages.set([stage()])
    member.materials.set([material("kupfer")])
    for number in range(6):
        pilot = PilotFactory(status=SEEKING if number % 3 else PilotProject.Status.IDEA)
        NeedFactory(pilot=pilot, material=material(["aluminium", "kupfer", "blei"][number % 3]))
        NeedFactory(pilot=pilot, stage=stage(), status=PartnerNeed.Status.OPEN)
    NeedFactory(pilot=PilotFactory(status=SEEKING, organisation=member.organisation))

    interests = pilot_selectors.interests_of(member)

    assert sorted(interests_rows(interests)) == sorted(pilot_selectors.interests_queryset(member))
    stage_ids, material_ids = interests.for_matching()
    got = pilot_selectors._matching_needs(stage_ids, material_ids, member.organisation_id)
    expected = pilot_selectors.matching_needs_queryset(
        stage_ids, material_ids, member.organisation_id
    )
    assert got == list(expected)
    assert got


def interests_rows(interests) -> list[tuple[str, int]]:
    return [
        (kind, pk)
        for kind in ("own_stages", "own_materials", "organisation_stages", "organisation_materials")
        for pk in getattr(interests, kind)
    ]


def test_follow_of_another_member_does_not_mark_a_date(member, peer):
    item = PolicyItemFactory(short_name="Fremd-VO")
    PolicyKeyDateFactory(item=item)
    PolicyFollow.objects.create(item=item, user=peer)

    html = dashboard(client_for(member))

    assert "Fremd-VO</a>" in html
    assert "gefolgt</span>" not in html


def test_dashboard_reads_the_same_with_the_orm(member, peer, monkeypatch):
    """Other databases than PostgreSQL read the panels with the ORM: same page."""
    fill(member, peer, 3)
    Barrier.objects.filter(author=member).update(status="forwarded", is_demo=True)
    client = client_for(member)
    with_sql = dashboard(client)

    monkeypatch.setattr(connection, "vendor", "other")
    with_orm = dashboard(client)

    assert without_csrf_tokens(with_orm) == without_csrf_tokens(with_sql)
    assert with_orm.count("status-forwarded") == 3


def without_csrf_tokens(html: str) -> str:
    token = html.split('"X-CSRFToken": "')[1].split('"')[0]  # one per response
    return html.replace(token, "TOKEN")
