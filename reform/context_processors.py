from tasks.models import ProgressReport
from units.models import Unit
from units.roles import is_leader, is_office, unit_ids

REVIEW_COUNT_CAP = 100


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
        # Counted up to the first hundred: the menu shows "99+", and stays cheap however long
        # the queue grows.
        "review_count": (
            lambda: (
                ProgressReport.objects.managed_by(user)
                .awaiting_review()
                .order_by()[:REVIEW_COUNT_CAP]
                .count()
            )
        )
        if office
        else None,
    }
