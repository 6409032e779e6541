"""Roles are Django groups plus the user's units (DESIGN: users and roles).

Each helper caches on the user object, so a request asks the database once however many
checks its view, templates and querysets make.
"""

from django.contrib.auth.models import Group, Permission

OFFICE = "督办员"
LEADER = "领导"

# Office staff manage plans, tasks, reports and units in the admin, imports included.
OFFICE_PERMISSION_APPS = ("tasks", "units", "axes")  # axes: unlock locked-out accounts


def group_names(user):
    if not user.is_authenticated:
        return frozenset()
    if not hasattr(user, "_group_names"):
        user._group_names = frozenset(user.groups.values_list("name", flat=True))
    return user._group_names


def unit_ids(user):
    """Ids of the units the user is a member of."""
    if not user.is_authenticated:
        return frozenset()
    if not hasattr(user, "_unit_ids"):
        user._unit_ids = frozenset(user.memberships.values_list("unit_id", flat=True))
    return user._unit_ids


def is_office(user):
    """督办员: manages plans, reviews reports, closes tasks. IT superusers may do the same."""
    return user.is_authenticated and (user.is_superuser or OFFICE in group_names(user))


def is_leader(user):
    return LEADER in group_names(user)


def reads_everything(user):
    """Office staff and leaders read every unit's work, drafts included."""
    return is_office(user) or is_leader(user)


def ensure_groups():
    """Creates the role groups and gives office staff their model permissions."""
    office, _ = Group.objects.get_or_create(name=OFFICE)
    Group.objects.get_or_create(name=LEADER)
    perms = Permission.objects.filter(content_type__app_label__in=OFFICE_PERMISSION_APPS)
    office.permissions.add(*perms)
