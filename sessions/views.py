from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from members.models import User
from members.permissions import is_coordinator, member_required
from thementisch.files import serve_private_file

from . import calendar, detail_parts, permissions, selectors, services, tokens
from .forms import ANSWER_CHOICES, AnswerForm
from .models import Invitation, Meeting

PAST_PAGE_SIZE = 20
ANSWER_LABELS = dict(ANSWER_CHOICES)


@member_required
def meeting_list(request: HttpRequest) -> HttpResponse:
    """Upcoming meetings (soonest first) and past ones (paginated), with the member's answer."""
    upcoming, past = selectors.meeting_lists(request.user)
    page = Paginator(past, PAST_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "meetings/list.html",
        {"upcoming": list(upcoming), "page": page, "past": page.object_list},
    )


def _answer_context(request: HttpRequest, meeting: Meeting, invitation: Invitation | None) -> dict:
    return {
        "meeting": meeting,
        "invitation": invitation,
        "can_answer": permissions.can_answer(invitation, meeting),
        "answer_choices": ANSWER_CHOICES,
    }


@member_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The meeting page: its facts as fragments (`detail_parts`), the answer panel per viewer."""
    user = request.user
    page = selectors.meeting_page(pk, user)
    meeting = permissions.checked_meeting(user, page and page.meeting)
    invitation = page.invitation
    counts = selectors.answer_counts(meeting)
    show_documents = permissions.can_see_documents(user, meeting)
    coordinator = is_coordinator(user)
    context = _answer_context(request, meeting, invitation)
    context.update(
        {
            "head": detail_parts.head(meeting),
            "main": detail_parts.main(
                meeting,
                agenda=selectors.agenda_for_page(meeting) if page.has_agenda else [],
                documents=(
                    selectors.documents_for_page(meeting)
                    if show_documents and page.has_documents
                    else []
                ),
                attendees=selectors.confirmed_for_page(meeting),
                said_yes=counts["yes"],
                show_documents=show_documents,
                show_minutes=show_documents and (bool(meeting.minutes_published_at) or coordinator),
            ),
            "where": detail_parts.where(
                meeting,
                counts,
                show_online_link=permissions.can_see_online_link(user, meeting, invitation),
            ),
            "is_coordinator": coordinator,
        }
    )
    return render(request, "meetings/detail.html", context)


@member_required
@require_POST
def rsvp(request: HttpRequest, pk: int) -> HttpResponse:
    """The member's answer from the meeting page: htmx swaps the panel, else redirect."""
    meeting = permissions.get_meeting_for(request.user, pk)
    invitation = services.invitation_for(meeting, request.user)
    if invitation is None:
        raise PermissionDenied
    form = AnswerForm(request.POST)
    error = ""
    if not form.is_valid():
        error = _("Please choose one of the answers.")
    else:
        try:
            services.answer(invitation, form.cleaned_data["response"])
        except services.MeetingError as problem:
            error = str(problem)
    if request.headers.get("HX-Request") == "true":
        context = _answer_context(request, meeting, invitation)
        context.update({"error": error, "saved": not error})
        return render(request, "meetings/_answer.html", context)
    if error:
        messages.error(request, error)
    else:
        messages.success(request, _answer_message(invitation))
    return redirect(meeting)


def _answer_message(invitation: Invitation) -> str:
    if invitation.response == Invitation.Response.WAITLISTED:
        return _(
            "The meeting is fully booked. You are on the waiting list and will be emailed "
            "if a place becomes free."
        )
    return _("Your answer has been saved: %(answer)s.") % {
        "answer": invitation.get_response_display()
    }


@member_required
def invite_ics(request: HttpRequest, pk: int) -> HttpResponse:
    """The meeting as a calendar file to import."""
    meeting = permissions.get_meeting_for(request.user, pk)
    invitation = services.invitation_for(meeting, request.user)
    ics = calendar.meeting_ics(
        meeting,
        agenda=meeting.agenda_items.all(),
        private=permissions.can_see_online_link(request.user, meeting, invitation),
    )
    response = HttpResponse(ics, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="sitzung-{meeting.pk}.ics"'
    response["Cache-Control"] = "private, no-store"
    return response


def feed(request: HttpRequest, token: str) -> HttpResponse:
    """The member's personal calendar subscription: every meeting they are invited to.

    Authorised by the secret token alone (calendar apps cannot log in); a
    renewed token makes the old address stop working.
    """
    user = User.objects.filter(
        feed_token=token, is_active=True, status=User.Status.APPROVED
    ).first()
    if user is None:
        raise Http404
    ics = calendar.feed_ics(
        selectors.feed_meetings(user), name=_("Thementisch Metall – my meetings")
    )
    response = HttpResponse(ics, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, max-age=900"
    response["X-Robots-Tag"] = "noindex"
    return response


@require_http_methods(["GET", "POST"])
def answer_link(request: HttpRequest, token: str) -> HttpResponse:
    """A one-click answer link from an email, usable without logging in.

    GET only shows what the link will do, with a button: mail scanners open
    links, and opening must change nothing. POST records the answer.
    """
    try:
        link = tokens.read_token(token)
    except tokens.InvalidLink:
        return _answer_page(
            request,
            problem=_(
                "This answer link is not valid. It may have been copied incompletely or "
                "changed. Please use the link from your invitation email exactly as sent, "
                "or answer on the meeting page after logging in."
            ),
            status=400,
        )
    invitation, meeting = link.invitation, link.invitation.meeting
    context = {
        "meeting": meeting,
        "invitation": invitation,
        "response": link.response,
        "response_label": ANSWER_LABELS[link.response],
    }
    user = request.user
    if user.is_authenticated and invitation.user_id and invitation.user_id != user.pk:
        return _answer_page(
            request,
            problem=_(
                "This answer link belongs to an invitation for another person, so it cannot "
                "change your answer. Please use the link from your own invitation email or "
                "answer on the meeting page."
            ),
            status=403,
            **context,
        )
    problem = _closed_reason(meeting)
    if problem:
        return _answer_page(request, problem=problem, status=410, **context)
    if request.method == "POST":
        try:
            services.answer(invitation, link.response)
        except services.MeetingError as error:
            return _answer_page(request, problem=str(error), status=410, **context)
        return _answer_page(request, done=True, message=_answer_message(invitation), **context)
    return _answer_page(request, **context)


def _closed_reason(meeting: Meeting) -> str:
    now = timezone.now()
    if meeting.status == Meeting.Status.CANCELLED:
        return _("This meeting has been cancelled, so answers are no longer needed.")
    if meeting.status != Meeting.Status.PUBLISHED:
        return _("This meeting is not open for answers.")
    if meeting.ends_at <= now:
        return _("This answer link has expired: the meeting is over.")
    if now >= meeting.answer_until:
        return _(
            "The deadline for answers has passed, so your answer can no longer be changed "
            "online. Please contact the coordination if your plans have changed."
        )
    return ""


def _answer_page(request: HttpRequest, *, status: int = 200, **context) -> HttpResponse:
    return render(request, "meetings/answer_link.html", context, status=status)


@member_required
def document(request: HttpRequest, pk: int, document_pk: int) -> HttpResponse:
    """A meeting document, for members only, through this permission check."""
    meeting = permissions.get_meeting_for(request.user, pk)
    if not permissions.can_see_documents(request.user, meeting):
        raise Http404
    doc = get_object_or_404(meeting.documents, pk=document_pk)
    return serve_private_file(doc.file, doc.original_name)
