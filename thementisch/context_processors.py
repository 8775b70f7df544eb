from django.conf import settings

from .fragments import deployment_stamp


def portal(request):
    # FRAGMENT_STAMP: part of the keys of the cached parts of base.html
    return {"SITE_URL": settings.SITE_URL, "FRAGMENT_STAMP": deployment_stamp()}
