"""The coordinator adds updates in the admin; followers are told once."""

import pytest

from members.models import Notification
from policy.models import PolicyItem, PolicyUpdate
from tests.helpers import parse
from tests.policy.factories import PolicyFollowFactory, PolicyItemFactory, PolicyUpdateFactory

pytestmark = pytest.mark.django_db


def recipients(outbox) -> list[str]:
    return [parse(message)["To"].addresses[0].addr_spec for message in outbox]


def change_form_data(item: PolicyItem, updates: list[dict]) -> dict:
    """POST data of the item's change form: the item unchanged, plus the given update rows."""
    existing = [u for u in updates if u.get("id")]
    data = {
        "short_name": item.short_name,
        "title": item.title,
        "title_en": item.title_en,
        "slug": item.slug,
        "reference": item.reference,
        "source_url": item.source_url,
        "level": item.level,
        "kind": item.kind,
        "status": item.status,
        "status_as_of": "",
        "summary": item.summary,
        "summary_en": item.summary_en,
        "relevance": item.relevance,
        "relevance_en": item.relevance_en,
        "verification": item.verification,
        "unverified_details": item.unverified_details,
        "key_dates-TOTAL_FORMS": "0",
        "key_dates-INITIAL_FORMS": "0",
        "key_dates-MIN_NUM_FORMS": "0",
        "key_dates-MAX_NUM_FORMS": "1000",
        "updates-TOTAL_FORMS": str(len(updates)),
        "updates-INITIAL_FORMS": str(len(existing)),
        "updates-MIN_NUM_FORMS": "0",
        "updates-MAX_NUM_FORMS": "1000",
        "_save": "Sichern",
    }
    for index, update in enumerate(updates):
        data[f"updates-{index}-id"] = update.get("id", "")
        data[f"updates-{index}-item"] = str(item.pk)
        data[f"updates-{index}-date"] = update.get("date", "2026-11-20")
        data[f"updates-{index}-title"] = update.get("title", "")
        data[f"updates-{index}-body"] = update.get("body", "")
    return data


def test_update_added_in_the_admin_notifies_followers_once(
    coordinator_client, coordinator, member, peer, django_capture_on_commit_callbacks, mailoutbox
):
    item = PolicyItemFactory(short_name="ESPR")
    PolicyFollowFactory(item=item, user=member)
    url = f"/admin/policy/policyitem/{item.pk}/change/"

    with django_capture_on_commit_callbacks(execute=True):
        response = coordinator_client.post(
            url,
            change_form_data(item, [{"title": "Stahl-Rechtsakt angenommen", "body": "Details"}]),
        )

    assert response.status_code == 302, response.context and response.context["errors"]
    update = PolicyUpdate.objects.get(item=item)
    assert update.author == coordinator
    assert update.title == "Stahl-Rechtsakt angenommen"
    assert recipients(mailoutbox) == ["mira@example.com"]
    assert Notification.objects.filter(kind="policy_update").count() == 1

    # Saving again with the update unchanged (or edited) tells nobody again.
    with django_capture_on_commit_callbacks(execute=True):
        coordinator_client.post(
            url,
            change_form_data(
                item,
                [
                    {
                        "id": str(update.pk),
                        "title": "Stahl-Rechtsakt angenommen (korrigiert)",
                        "body": "Details",
                    }
                ],
            ),
        )

    update.refresh_from_db()
    assert update.title == "Stahl-Rechtsakt angenommen (korrigiert)"
    assert len(mailoutbox) == 1
    assert Notification.objects.filter(kind="policy_update").count() == 1


def test_admin_update_without_text_shows_an_error_and_saves_nothing(coordinator_client):
    item = PolicyItemFactory()

    response = coordinator_client.post(
        f"/admin/policy/policyitem/{item.pk}/change/",
        change_form_data(item, [{"title": "Nur Titel", "body": ""}]),
    )

    assert response.status_code == 200
    assert "Dieses Feld ist zwingend erforderlich." in response.content.decode()
    assert not PolicyUpdate.objects.filter(item=item).exists()


def test_admin_filter_finds_items_that_need_review(coordinator_client):
    response = coordinator_client.get("/admin/policy/policyitem/?needs_review__exact=1")

    shown = {item.import_key for item in response.context["cl"].result_list}
    assert "eu_espr" in shown
    assert "eu_crma" not in shown


def test_admin_action_marks_items_reviewed(coordinator_client):
    item = PolicyItem.objects.get(import_key="eu_espr")

    coordinator_client.post(
        "/admin/policy/policyitem/",
        {"action": "mark_reviewed", "_selected_action": [item.pk]},
    )

    item.refresh_from_db()
    assert item.needs_review is False


def test_admin_change_page_lists_updates_inline(coordinator_client):
    item = PolicyItemFactory()
    PolicyUpdateFactory(item=item, title="Inline sichtbar")

    response = coordinator_client.get(f"/admin/policy/policyitem/{item.pk}/change/")

    assert response.status_code == 200
    assert "Inline sichtbar" in response.content.decode()


def test_reserved_address_is_refused(coordinator_client):
    item = PolicyItemFactory()
    data = change_form_data(item, [])
    data["slug"] = "feed"

    response = coordinator_client.post(f"/admin/policy/policyitem/{item.pk}/change/", data)

    assert response.status_code == 200
    assert "Diese Adresse ist reserviert" in response.content.decode()
