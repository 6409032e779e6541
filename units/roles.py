"""Roles are Django groups; membership in a unit comes from `Membership` (DESIGN: roles)."""

from django.contrib.auth.models import Group, Permission

OFFICE = "督办员"
LEADER = "领导"

# Office staff manage plans, tasks, reports and units in the admin, imports included.
OFFICE_PERMISSION_APPS = ("tasks", "units")


def in_group(user, name):
    return user.is_authenticated and any(g.name == name for g in user.groups.all())


def is_office(user):
    return in_group(user, OFFICE)


def is_leader(user):
    return in_group(user, LEADER)


def ensure_groups():
    """Creates the role groups and gives office staff their model permissions."""
    office, _ = Group.objects.get_or_create(name=OFFICE)
    Group.objects.get_or_create(name=LEADER)
    perms = Permission.objects.filter(content_type__app_label__in=OFFICE_PERMISSION_APPS)
    office.permissions.add(*perms)
