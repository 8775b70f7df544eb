"""End to end: invitations fan out through Redis to a real worker and arrive over SMTP."""

import pytest
from icalendar import Calendar

from sessions import services
from sessions.models import Invitation
from tests.factories import UserFactory
from tests.helpers import (
    CeleryWorker,
    SMTPSink,
    real_broker,
    redis_url,
    require_postgres,
    worker_env,
)
from tests.meetings.factories import MeetingFactory

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


def test_invitations_go_out_through_a_real_worker():
    require_postgres()
    url = redis_url()
    meeting = MeetingFactory(title="Plenum über Redis")
    members = UserFactory.create_batch(5)
    meeting.audience_members.add(*members)

    with SMTPSink() as sink, real_broker(url) as queue:
        worker = CeleryWorker(worker_env(broker=url, queue=queue, smtp_port=sink.port)).start()
        try:
            services.request_invitations(meeting)
            messages = sink.wait_for(5, timeout=90)
        finally:
            worker.stop()

    assert len(messages) == 5
    assert sorted(str(m["To"]).split("<")[-1].rstrip(">") for m in messages) == sorted(
        u.email for u in members
    )
    for message in messages:
        alternative = next(iter(message.iter_parts()))
        calendar_part = list(alternative.iter_parts())[-1]
        assert calendar_part.get_param("method") == "REQUEST"
        event = Calendar.from_ical(calendar_part.get_content()).walk("VEVENT")[0]
        assert str(event["UID"]) == meeting.ical_uid
        assert str(event["ATTENDEE"]) == f"mailto:{str(message['To']).split('<')[-1].rstrip('>')}"
    assert Invitation.objects.filter(meeting=meeting, sequence_sent=0).count() == 5
