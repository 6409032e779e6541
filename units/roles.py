"""Roles are Django groups plus the user's units (DESIGN: users and roles).

Office staff and leaders belong to an office (产改办): a unit marked as one in the unit tree.
What they read is their office's subtree; department users read what their units answer for.
Each helper caches on the user object, so a request asks the database at most once per
helper however many checks its view, templates and querysets make.
"""

from functools import wraps

from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied

OFFICE = "督办员"
LEADER = "领导"

# Office staff manage plans, tasks, reports and units in the admin, imports included.
OFFICE_PERMISSION_APPS = ("tasks", "units")  # accounts are unlocked on the accounts page


def group_names(user):
    if not user.is_authenticated:
        return frozenset()
    if not hasattr(user, "_group_names"):
        user._group_names = frozenset(user.groups.values_list("name", flat=True))
    return user._group_names


def _memberships(user):
    """(unit id, is an office) of each of the user's units, read once."""
    if not user.is_authenticated:
        return ()
    if not hasattr(user, "_memberships"):
        user._memberships = tuple(user.memberships.values_list("unit_id", "unit__is_office"))
    return user._memberships


def unit_ids(user):
    """Ids of the units the user is a member of."""
    return frozenset(unit for unit, _ in _memberships(user))


def office_ids(user):
    """Ids of the offices whose plans the user manages (office staff) or reads (leaders)."""
    if not reads_below(user):
        return frozenset()
    return frozenset(unit for unit, office in _memberships(user) if office)


def is_office(user):
    """督办员: manages its office's plans, reviews reports, closes tasks. IT superusers may
    do the same on every plan."""
    return user.is_authenticated and (user.is_superuser or OFFICE in group_names(user))


def office_required(view):
    """Office staff only: others get 403 (anonymous users are sent to log in first)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not is_office(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def is_leader(user):
    return LEADER in group_names(user)


def reads_below(user):
    """Office staff and leaders read their office's tree, drafts included."""
    return is_office(user) or is_leader(user)


def jurisdiction(user):
    """Ids of the units in the subtrees of the user's offices (their own included), read
    once a request (`UnitQuerySet.subtree`)."""
    if not office_ids(user):
        return frozenset()
    if not hasattr(user, "_jurisdiction"):
        from units.models import Unit  # units.models reads the user's scope from here

        user._jurisdiction = Unit.objects.subtree(office_ids(user))
    return user._jurisdiction


def ensure_groups():
    """Creates the role groups and gives office staff their model permissions."""
    office, _ = Group.objects.get_or_create(name=OFFICE)
    Group.objects.get_or_create(name=LEADER)
    perms = Permission.objects.filter(content_type__app_label__in=OFFICE_PERMISSION_APPS)
    office.permissions.add(*perms)
