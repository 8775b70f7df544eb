"""The pilot page shares the cached comment rows (templates/_comments.html): every
change made after the page was shown once appears."""

from datetime import timedelta

import pytest
from django.utils import timezone

from members.models import Organisation, User
from pilots.models import PilotComment
from tests.conftest import client_for
from tests.pilots.factories import PilotFactory
from thementisch.comments import EDIT_WINDOW

pytestmark = pytest.mark.django_db


def comment_html(client, pilot, comment) -> str:
    text = client.get(f"/pilots/{pilot.pk}/").content.decode()
    start = text.index(f'id="comment-{comment.pk}"')
    return text[start : text.index("</article>", start)]


def test_pilot_comment_rows_show_every_change(member, peer, coordinator):
    pilot = PilotFactory(proposer=member)
    client_for(peer).post(f"/pilots/{pilot.pk}/comments/", {"body": "Gute **Idee**"})
    comment = PilotComment.objects.get()
    edit = f"/pilots/comments/{comment.pk}/edit/"
    remove = f'formaction="/pilots/comments/{comment.pk}/remove/"'
    member_client, peer_client = client_for(member), client_for(peer)

    row = comment_html(member_client, pilot, comment)
    assert "<strong>Idee</strong>" in row
    assert "Peter Paulsen" in row
    assert edit not in row
    assert remove not in row
    assert edit in comment_html(peer_client, pilot, comment)
    assert remove in comment_html(client_for(coordinator), pilot, comment)

    PilotComment.objects.filter(pk=comment.pk).update(body="Geändert", edited_at=timezone.now())
    row = comment_html(member_client, pilot, comment)
    assert "Geändert" in row
    assert "bearbeitet" in row

    User.objects.filter(pk=peer.pk).update(first_name="Petra")
    assert "Petra Paulsen" in comment_html(member_client, pilot, comment)
    Organisation.objects.filter(pk=peer.organisation_id).update(name="Paulsen Metall KG")
    assert "Paulsen Metall KG" in comment_html(member_client, pilot, comment)

    PilotComment.objects.filter(pk=comment.pk).update(
        created_at=timezone.now() - EDIT_WINDOW - timedelta(minutes=1)
    )
    assert edit not in comment_html(peer_client, pilot, comment)

    PilotComment.objects.filter(pk=comment.pk).update(removed_at=timezone.now())
    row = comment_html(member_client, pilot, comment)
    assert "von der Koordination entfernt" in row
    assert "Geändert" not in row
