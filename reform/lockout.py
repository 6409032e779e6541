"""Login throttling (django-axes, configured in settings): an account is locked from one
address after AXES_FAILURE_LIMIT failures, and an address after ADDRESS_FAILURE_LIMIT failures
across accounts, each for a cool-off that doubles on repeat. A colleague's typos at the same PC
do not lock anyone else's account, and nobody can lock an account from elsewhere."""

from datetime import timedelta

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from axes.models import AccessAttempt, AccessFailureLog
from django.conf import settings
from django.db.models import Sum
from django.shortcuts import render
from django.utils import timezone

COOL_OFF = timedelta(minutes=15)
LONGEST_COOL_OFF = timedelta(hours=24)
REPEATS_WITHIN = timedelta(hours=24)


def cool_off(request=None) -> timedelta:
    """15 minutes, doubled for every further AXES_FAILURE_LIMIT failures of the account from
    the address within a day (a day at most)."""
    address = getattr(request, "axes_ip_address", None)
    if address is None:
        return COOL_OFF
    failures = AccessFailureLog.objects.filter(
        username=get_client_username(request),
        ip_address=address,
        attempt_time__gte=timezone.now() - REPEATS_WITHIN,
    ).count()
    rounds = max(failures - 1, 0) // settings.AXES_FAILURE_LIMIT
    return min(COOL_OFF * 2**rounds, LONGEST_COOL_OFF)


def address_failures(address) -> int:
    """Failures from an address across accounts, of the attempts not yet expired."""
    attempts = AccessAttempt.objects.filter(
        ip_address=address, expiration__expires_at__gt=timezone.now()
    )
    return attempts.aggregate(n=Sum("failures_since_start"))["n"] or 0


class LockoutHandler(AxesDatabaseHandler):
    """Axes' database handler, with the address counted across accounts besides the account
    from the address (AXES_LOCKOUT_PARAMETERS)."""

    def is_locked(self, request, credentials=None):
        if super().is_locked(request, credentials):
            return True
        return address_failures(request.axes_ip_address) >= settings.ADDRESS_FAILURE_LIMIT


def locked_out(request, response, credentials):
    """The lockout page: why, until when, and who can unlock it."""
    address_locked = address_failures(request.axes_ip_address) >= settings.ADDRESS_FAILURE_LIMIT
    context = {
        "username": get_client_username(request, credentials),
        "address_locked": address_locked,
        "opens_at": timezone.localtime(request.axes_attempt_time + cool_off(request)),
        "limit": settings.AXES_FAILURE_LIMIT,
    }
    return render(request, "registration/locked.html", context, status=429)
