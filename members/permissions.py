"""Who may do what, in one place: decorators for views and predicates for templates.

Anonymous users are sent to the login page; logged-in users without the
role get 403 (the 403 page explains a pending membership).
"""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied


def _role_required(predicate):
    def decorator(view):
        @login_required
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not predicate(request.user):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def is_member(user) -> bool:
    """Approved member of any role."""
    return bool(user.is_authenticated and user.is_member)


def is_ministry(user) -> bool:
    return bool(user.is_authenticated and user.is_ministry)


def is_coordinator(user) -> bool:
    return bool(user.is_authenticated and user.is_coordinator)


def is_ministry_or_coordinator(user) -> bool:
    return is_ministry(user) or is_coordinator(user)


member_required = _role_required(is_member)
ministry_required = _role_required(is_ministry_or_coordinator)
coordinator_required = _role_required(is_coordinator)
