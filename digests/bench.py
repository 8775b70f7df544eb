"""The benchmark floor: the least a logged-in Django page can do here.

One indexed query for 50 rows and a minimal template, behind the same
middleware as every page. Exists only when settings.BENCH is on
(thementisch/urls.py); `make bench` reports every page's throughput as a
ratio of this one.
"""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from members.models import Organisation


@login_required
def floor(request):
    organisations = Organisation.objects.order_by("pk").only("pk", "name")[:50]
    return render(request, "bench/floor.html", {"organisations": organisations})
