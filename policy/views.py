"""Pages of the policy radar: list, item, calendar, follow, feeds."""

from __future__ import annotations

from itertools import groupby

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.functional import SimpleLazyObject, cached_property
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_POST

from members.permissions import member_required
from thementisch.fragments import render_each
from thementisch.mail import absolute_url

from . import selectors, services
from .feeds import PersonalUpdatesFeed, PublicUpdatesFeed
from .filters import PolicyFilter
from .forms import CalendarForm
from .ics import build_calendar
from .models import Precision
from .permissions import get_item_for_user, member_for_token

LIST_PAGE_SIZE = 20


@member_required
def item_list(request: HttpRequest) -> HttpResponse:
    """`/policy/`: filters, search, the list and a timeline of upcoming dates."""
    number = _unfiltered_page_number(request)
    listing = number and selectors.unfiltered_list_page(request.user, number, LIST_PAGE_SIZE)
    if listing:  # no filters (the common request): prepared queries, the form built lazily
        total, page_items, dates = listing
        policy_filter = SimpleLazyObject(
            lambda: PolicyFilter(
                None, queryset=selectors.policy_items_for_list(request.user), request=request
            )
        )
        paginator = Paginator((), LIST_PAGE_SIZE)
        paginator.count = total  # known from the page's query
        page = paginator.page(number) if total else paginator.get_page(1)
        page.object_list = page_items
    else:
        policy_filter, page, page_items, dates = _filtered_list(request)
    return render(
        request,
        "policy/list.html",
        {
            "filter": policy_filter,
            "page": page,
            "items": page_items,
            # The page's rows as one fragment, kept by every row's key (each row from
            # its own fragment when that is missing).
            "rows": render_each(
                "policy/_item_rows.html", [_PageRows(page_items)], _page_rows_key, name="listing"
            )[0],
            # The timeline is one fragment, kept by every date it shows.
            "timeline": render_each(
                "policy/_timeline.html",
                [{"dated": dates["dated"], "open": dates["open"]}],
                _timeline_key,
                name="timeline",
            )[0],
            "filtered": bool(set(request.GET) - {"page"}),
        },
    )


def _unfiltered_page_number(request: HttpRequest) -> int | None:
    """The page asked for when the list is not filtered (and the number is plain), else None."""
    if not request.GET:
        return 1
    page = request.GET.get("page", "")
    if len(request.GET) == 1 and page.isdigit() and 1 <= int(page) <= 1000:
        return int(page)
    return None


def _filtered_list(request: HttpRequest) -> tuple:
    """The filter, page, its items and dates of a filtered list (or an odd page number)."""
    queryset = selectors.policy_items_for_list(request.user)
    policy_filter = PolicyFilter(request.GET, queryset=queryset, request=request)
    items = policy_filter.qs
    page = Paginator(items, LIST_PAGE_SIZE).get_page(request.GET.get("page"))
    page_items = list(page.object_list)
    page_ids = [item.pk for item in page_items]
    dates = selectors.list_dates(page_ids, items)
    materials = selectors.material_labels_of(page_ids)
    for item in page_items:
        item.next_date = dates["next"].get(item.pk)
        item.material_labels = materials.get(item.pk, [])
    return policy_filter, page, page_items, dates


def _next_date_key(key_date) -> tuple | None:
    if key_date is None:
        return None
    return (
        key_date.pk,
        key_date.date,
        key_date.precision,
        key_date.kind,
        key_date.label,
        key_date.label_en,
        key_date.needs_review,
    )


def _row_key(item) -> tuple:
    """Every value a row of /policy/ shows (the viewer's `is_followed` included)."""
    return (
        item.pk,
        item.slug,
        item.title,
        item.title_en,
        item.short_name,
        item.level,
        item.kind,
        item.status,
        item.status_as_of,
        item.needs_review,
        item.is_followed,
        item.update_count,
        item.last_update_on,
        tuple(item.material_labels),
        _next_date_key(item.next_date),
    )


class _PageRows:
    """The rows of a page of /policy/; `rows` renders them (only when the page's fragment
    is missing)."""

    def __init__(self, items: list) -> None:
        self.items = items

    @cached_property
    def rows(self) -> SafeString:
        rows = render_each("policy/_item_row.html", self.items, _row_key)
        return mark_safe("\n    ".join(rows))  # rendered by our templates


def _page_rows_key(page: _PageRows) -> tuple:
    return tuple(_row_key(item) for item in page.items)


def _timeline_key(timeline: dict) -> tuple:
    """Every date of the timeline and of the running periods, as each entry shows it."""
    return (
        tuple(_date_key(key_date) for key_date in timeline["dated"]),
        tuple(_date_key(key_date) for key_date in timeline["open"]),
    )


def _date_key(key_date) -> tuple:
    """Every value a timeline entry shows: the date and its item's name and address."""
    return (
        _next_date_key(key_date),
        key_date.item_slug,
        key_date.item_short_name,
        key_date.item_title,
    )


@member_required
def item_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """`/policy/<slug>/`: the item, its key dates, updates, barriers and the follow button."""
    item = get_item_for_user(request.user, slug)
    key_dates = list(item.key_dates.all())
    today = timezone.localdate()
    next_date = selectors.next_key_date(key_dates)
    return render(
        request,
        "policy/detail.html",
        {
            "item": item,
            "key_dates": key_dates,
            "next_date": next_date,
            "milestones": _milestones(key_dates),
            "today": today,
            "updates": selectors.updates_of(item),
            "barriers": selectors.barriers_naming(item),
            "is_following": selectors.is_following(item, request.user),
            "follower_count": item.follows.count(),
        },
    )


def _milestones(key_dates) -> list:
    """The first proposal, adoption, entry into force and application date, in date order.

    A proposal dated after the adoption belongs to an amendment and stays in
    the full list only.
    """
    first = {}
    for key_date in key_dates:
        first.setdefault(key_date.kind, key_date)
    proposed, adopted = first.get("proposed"), first.get("adopted")
    if proposed and adopted and proposed.date > adopted.date:
        del first["proposed"]
    wanted = [
        first[kind] for kind in ("proposed", "adopted", "in_force", "applies_from") if kind in first
    ]
    return sorted(wanted, key=lambda d: (d.date, d.pk))


@require_POST
@member_required
def follow(request: HttpRequest, slug: str) -> HttpResponse:
    """Follow an item (POST). htmx gets the button back; without JS, a redirect."""
    item = get_item_for_user(request.user, slug)
    services.follow_item(item, user=request.user)
    return _follow_response(request, item, following=True, message=_("You now follow this item."))


@require_POST
@member_required
def unfollow(request: HttpRequest, slug: str) -> HttpResponse:
    item = get_item_for_user(request.user, slug)
    services.unfollow_item(item, user=request.user)
    return _follow_response(
        request, item, following=False, message=_("You no longer follow this item.")
    )


def _follow_response(request, item, *, following: bool, message: str) -> HttpResponse:
    if request.headers.get("HX-Request") == "true":
        return render(
            request,
            "policy/_follow_button.html",
            {
                "item": item,
                "is_following": following,
                "follower_count": item.follows.count(),
                "status_message": message,
            },
        )
    messages.success(request, message)
    return redirect(item)


@member_required
def calendar_page(request: HttpRequest) -> HttpResponse:
    """`/policy/calendar/`: the key dates of one year, month by month."""
    form = CalendarForm(request.GET or None)
    today = timezone.localdate()
    year, followed_only = today.year, False
    if form.is_valid():
        year = form.cleaned_data["year"] or today.year
        followed_only = form.cleaned_data["followed"]
    dates = list(
        selectors.calendar_dates(year=year, user=request.user, followed_only=followed_only)
    )
    exact = [d for d in dates if d.precision in (Precision.DAY, Precision.MONTH)]
    rough = [d for d in dates if d.precision not in (Precision.DAY, Precision.MONTH)]
    months = []
    for _month, entries in groupby(exact, key=lambda d: d.date.month):
        entries = list(entries)
        months.append((entries[0].date.replace(day=1), entries))
    years = selectors.calendar_years()
    return render(
        request,
        "policy/calendar.html",
        {
            "form": form,
            "year": year,
            "followed_only": followed_only,
            "months": months,
            "rough": rough,
            "today": today,
            "previous_year": year - 1 if not years or year - 1 >= years[0] else None,
            "next_year": year + 1 if not years or year + 1 <= years[-1] else None,
            "subscription_url": absolute_url(
                reverse("policy:personal_calendar", args=[request.user.feed_token])
            ),
        },
    )


def _calendar_response(dates, *, name: str, filename: str, private: bool) -> HttpResponse:
    response = HttpResponse(
        build_calendar(dates, name=name), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "private, max-age=900" if private else "public, max-age=900"
    response["X-Robots-Tag"] = "noindex"
    return response


@member_required
def calendar_download(request: HttpRequest) -> HttpResponse:
    """`/policy/calendar.ics`: every exact key date, for a logged-in member to import once."""
    followed_only = request.GET.get("followed") == "1"
    dates = selectors.exact_key_dates(user=request.user, followed_only=followed_only)
    return _calendar_response(
        dates,
        name=_("Thementisch Metall – policy dates"),
        filename="politik-radar.ics",
        private=True,
    )


def personal_calendar(request: HttpRequest, token: str) -> HttpResponse:
    """`/policy/calendar/<token>.ics`: the subscription, authorised by the member's token."""
    member = member_for_token(token)
    followed_only = request.GET.get("followed") == "1"
    with translation.override(member.language or "de"):
        dates = selectors.exact_key_dates(user=member, followed_only=followed_only)
        return _calendar_response(
            dates,
            name=_("Thementisch Metall – policy dates"),
            filename="politik-radar.ics",
            private=True,
        )


@cache_control(public=True, max_age=900)
def public_feed(request: HttpRequest) -> HttpResponse:
    """`/policy/feed/`: public Atom feed of update headlines (no members-only text)."""
    return PublicUpdatesFeed()(request)


def personal_feed(request: HttpRequest, token: str) -> HttpResponse:
    """`/policy/feed/<token>/`: the full updates for one member, in their language."""
    member = member_for_token(token)
    with translation.override(member.language or "de"):
        response = PersonalUpdatesFeed()(request, token=token)
    response["Cache-Control"] = "private, max-age=900"
    response["X-Robots-Tag"] = "noindex"
    return response
