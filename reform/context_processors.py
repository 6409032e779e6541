from tasks.models import ProgressReport
from units.models import Unit
from units.roles import is_leader, is_office, unit_ids


def roles(request):
    """What the navigation bar needs to fit the user's role. Lazy: queried only when shown."""
    user = request.user
    if not user.is_authenticated:
        return {}
    office = is_office(user)
    return {
        "is_office": office,
        "is_leader": is_leader(user),
        "my_units": lambda: list(Unit.objects.filter(pk__in=unit_ids(user))),
        "review_count": (lambda: ProgressReport.objects.awaiting_review().count())
        if office
        else None,
    }
