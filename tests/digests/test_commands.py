"""The management commands: send_digests (what beat runs) and bench_digest."""

import io
import re

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError

from members.models import Notification, User
from thementisch.models import OutgoingEmail

pytestmark = pytest.mark.django_db


def test_send_digests_runs_the_current_edition_once(week, django_capture_on_commit_callbacks):
    out = io.StringIO()

    with time_machine.travel(week.now):
        with django_capture_on_commit_callbacks(execute=True):
            call_command("send_digests", "--frequency", "weekly", stdout=out)
        with django_capture_on_commit_callbacks(execute=True):
            call_command("send_digests", "--frequency", "weekly", stdout=out)

    lines = out.getvalue().splitlines()
    assert lines[0].startswith("weekly 2026-W11: in progress,")
    assert lines[1].startswith("weekly 2026-W11: complete,")
    assert "sent" in lines[1]
    # The six of the week with news, and three members without interests (all new barriers).
    assert OutgoingEmail.objects.filter(topic="digest:2026-W11").count() == 9


def test_send_digests_refuses_an_edition_that_does_not_exist():
    with pytest.raises(CommandError, match="Not an edition"):
        call_command("send_digests", "--edition", "2026-11-28")  # a Saturday


def test_bench_digest_prints_time_and_queries_last_and_rolls_back(week):
    out = io.StringIO()

    with time_machine.travel(week.now, tick=True):
        call_command("bench_digest", "--members", "12", stdout=out)

    last = out.getvalue().splitlines()[-1]
    assert re.fullmatch(r"12 members: \d+\.\d s compose, \d+ queries, \d+ digests queued", last)
    assert User.objects.filter(status="approved").count() >= 12
    assert OutgoingEmail.objects.count() == 0  # rolled back
    assert not Notification.objects.filter(title__contains="Benchmark").exists()
