from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_safe


@login_required
@require_safe
def floor(request):
    """The benchmark's floor: the base template with nothing in it, through the whole
    middleware stack. Served only while the bench command runs, which registers it."""
    return render(request, "base.html")
