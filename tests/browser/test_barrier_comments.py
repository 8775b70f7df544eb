"""Comments on the barrier page in a real browser: the cached rows post to the
right place (edit link for the author, removal for the coordinator)."""

import pytest

from barriers import services
from barriers.models import BarrierComment
from tests.browser.conftest import assert_accessible, log_in
from tests.factories import BarrierFactory, CoordinatorFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_author_edits_and_coordinator_removes_a_comment(page):
    member = UserFactory(email="mira@example.com", first_name="Mira", last_name="Schäfer")
    peer = UserFactory(email="peter@example.com", first_name="Peter", last_name="Paulsen")
    CoordinatorFactory(email="koordination@example.com", first_name="Konrad")
    barrier = BarrierFactory(author=member, title="Schrottexport bremst Sekundärrohstoffe")
    services.add_comment(barrier, by=peer, body="Erste Fassung")
    comment = BarrierComment.objects.get()

    log_in(page, peer.email)
    page.goto(barrier.get_absolute_url())
    page.locator(f"#comment-{comment.pk}").get_by_role("link", name="Bearbeiten").click()
    page.get_by_label("Ihr Kommentar").fill("Zweite Fassung")
    page.get_by_role("button", name="Speichern").click()
    page.locator(f"#comment-{comment.pk}").get_by_text("Zweite Fassung").wait_for()

    page.context.clear_cookies()
    log_in(page, "koordination@example.com")
    page.goto(barrier.get_absolute_url())
    assert_accessible(page, "barrier page of the coordinator with comments")
    page.once("dialog", lambda dialog: dialog.accept())
    page.locator(f"#comment-{comment.pk}").get_by_role("button", name="Entfernen").click()
    page.locator(f"#comment-{comment.pk}").get_by_text("von der Koordination entfernt").wait_for()
    comment.refresh_from_db()
    assert comment.removed_at is not None
