from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from units.models import Membership, Unit
from units.roles import LEADER, OFFICE, ensure_groups

DEMO_PASSWORD = "chanGai-2023"  # noqa: S105 - development logins, documented in the README

# username, full name, group, unit
DEMO_USERS = [
    ("office", "绿建区产改办督办员", OFFICE, "绿建区"),
    ("leader", "园区领导", LEADER, "绿建区"),
    ("sheng", "江苏省产改办督办员", OFFICE, "新时代江苏产业工人队伍建设改革联席会议办公室"),
    ("shanhu", "剡湖街道督办员", OFFICE, "中共嵊州市剡湖街道工作委员会"),
    ("zonghe", "综合处联络员", None, "综合处"),
    ("chanye", "产业处联络员", None, "产业处"),
    ("zhongou", "中欧办联络员", None, "中欧办"),
    ("lvhong", "绿弘公司联络员", None, "绿弘公司"),
]


class Command(BaseCommand):
    help = "Creates the demo logins (development only). Run load_seed first."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force", action="store_true", help="run even with DEBUG off (never in production)"
        )

    @transaction.atomic
    def handle(self, *args, force=False, **options):
        if not settings.DEBUG and not force:
            raise CommandError("DEBUG is off: demo logins are for development only (use --force).")
        ensure_groups()
        groups = {g.name: g for g in Group.objects.all()}
        User = get_user_model()
        for username, full_name, group, unit_name in DEMO_USERS:
            user, created = User.objects.get_or_create(username=username)
            user.first_name = full_name
            user.is_staff = group == OFFICE
            user.set_password(DEMO_PASSWORD)
            user.save()
            if group:
                user.groups.add(groups[group])
            if unit_name:
                # Exactly the unit the README names (an upgraded database had joined its
                # office staff and leaders to every office, to keep what they read).
                unit = Unit.objects.get(name=unit_name)
                user.memberships.exclude(unit=unit).delete()
                Membership.objects.get_or_create(
                    user=user, unit=unit, defaults={"role": Membership.Role.LIAISON}
                )
            self.stdout.write(f"{'created' if created else 'updated'} {username}")
        self.stdout.write(f"Password for every demo login: {DEMO_PASSWORD}")
