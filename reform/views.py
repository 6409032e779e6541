from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_safe


def safe_next(request, url, fallback="/"):
    """Where a form sends the user back to: `url` if it is on this site, else `fallback`."""
    allowed = url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()})
    return url if allowed else fallback


@login_required
@require_safe
def floor(request):
    """The benchmark's floor: the base template with nothing in it, through the whole
    middleware stack. Served only while the bench command runs, which registers it."""
    return render(request, "base.html")
