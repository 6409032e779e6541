from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_safe


@login_required
@require_safe
def floor(request):
    """The benchmarks' floor: the base template with nothing in it, through the whole
    middleware stack. Served only where BENCH_FLOOR is on (the load run), and registered by
    the bench command for its own run."""
    return render(request, "base.html")
