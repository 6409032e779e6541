"""The accounts an office looks after: the users of the units in its tree, their e-mail
addresses, passwords and login locks (reform/lockout.py)."""

from dataclasses import dataclass
from datetime import datetime

from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import F, Max, Prefetch, Sum
from django.utils import timezone

from reform.lookups import AnyOf
from units.models import Membership
from units.roles import is_office, jurisdiction

RESET_EMAIL = "registration/password_reset_email.txt"  # plain text: nothing in it is HTML


def accounts_of(user):
    """The users an office's staff look after: members of the units in its tree (IT's
    superusers aside); none for anyone else."""
    users = get_user_model().objects.filter(is_superuser=False)
    if not is_office(user):
        return users.none()
    if not user.is_superuser:
        users = users.filter(AnyOf(F("memberships__unit"), jurisdiction(user)))
    return users.distinct()


def with_units(users):
    """Each user's memberships with their units, and their groups, in two queries."""
    memberships = Membership.objects.select_related("unit").order_by(
        "unit__sort_order", "unit__name"
    )
    return users.prefetch_related(Prefetch("memberships", queryset=memberships), "groups")


@dataclass(frozen=True)
class Lock:
    """A login lock in force: an account from an address, or an address across accounts."""

    address: str
    until: datetime
    username: str = ""


def locks(usernames) -> list[Lock]:
    """The locks in force on these accounts, and on the addresses that tried them."""
    live = AccessAttempt.objects.filter(expiration__expires_at__gt=timezone.now())
    tried = live.filter(username__in=list(usernames))
    accounts = [
        Lock(row["ip_address"], row["until"], row["username"])
        for row in tried.values("username", "ip_address")
        .annotate(n=Sum("failures_since_start"), until=Max("expiration__expires_at"))
        .filter(n__gte=settings.AXES_FAILURE_LIMIT)
        .order_by("username")
    ]
    addresses = [
        Lock(row["ip_address"], row["until"])
        for row in live.filter(ip_address__in=tried.values("ip_address"))
        .values("ip_address")
        .annotate(n=Sum("failures_since_start"), until=Max("expiration__expires_at"))
        .filter(n__gte=settings.ADDRESS_FAILURE_LIMIT)
        .order_by("ip_address")
    ]
    return accounts + addresses
