from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from reform.lookups import AnyOf
from units.roles import jurisdiction, unit_ids


class UnitQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Units whose page a user may open: their own, and for office staff and leaders
        every unit in their office's subtree."""
        if user.is_superuser:
            return self
        return self.filter(AnyOf(F("pk"), unit_ids(user) | jurisdiction(user)))

    def offices(self):
        return self.filter(is_office=True)

    def children(self):
        """Each unit's children, (id, is an office), by the parent's id: the tree read whole
        in one query (a few thousand rows in a province; the ORM has no recursive query)."""
        children = {}
        for pk, parent, is_office in self.values_list("pk", "parent_id", "is_office").order_by():
            children.setdefault(parent, []).append((pk, is_office))
        return children

    def subtree(self, roots):
        """The ids of these units and of every unit below them."""
        children = self.children()
        found, stack = set(), list(roots)
        while stack:
            unit = stack.pop()
            if unit not in found:
                found.add(unit)
                stack.extend(pk for pk, _office in children.get(unit, ()))
        return frozenset(found)

    def offices_below(self, office_id):
        """The ids of the offices next below an office: those in its subtree with no other
        office between (a city's counties, not their streets)."""
        children = self.children()
        found, stack = [], [office_id]
        while stack:
            for pk, is_office in children.get(stack.pop(), ()):
                if is_office:
                    found.append(pk)
                else:
                    stack.append(pk)
        return found


class Unit(models.Model):
    """A department, office, street or town, union or enterprise; units form a tree."""

    class Kind(models.TextChoices):
        DEPARTMENT = "department", _("部门")
        OFFICE = "office", _("办公室")
        STREET_TOWN = "street_town", _("街道/乡镇")
        UNION = "union", _("工会")
        ENTERPRISE = "enterprise", _("企业")
        OTHER = "other", _("其他")

    name = models.CharField(_("名称"), max_length=100, unique=True)
    short_name = models.CharField(_("简称"), max_length=50, blank=True)
    kind = models.CharField(_("类型"), max_length=20, choices=Kind, default=Kind.DEPARTMENT)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    # An office (产改办) issues plans and supervises the units below it in the tree.
    is_office = models.BooleanField(
        _("产改办"), default=False, help_text=_("产改办管理本级方案，查看下级单位的方案")
    )
    sort_order = models.PositiveIntegerField(_("排序"), default=0)
    is_active = models.BooleanField(_("启用"), default=True)

    objects = UnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("单位")
        verbose_name_plural = _("单位")
        ordering = ["sort_order", "name"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(parent=models.F("pk")),
                name="%(app_label)s_%(class)s_not_own_parent",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("tasks:unit", args=[self.pk])

    @property
    def display_name(self):
        return self.short_name or self.name


class Membership(models.Model):
    """A user's place in a unit: its head or its liaison (联络员)."""

    class Role(models.TextChoices):
        HEAD = "head", _("负责人")
        LIAISON = "liaison", _("联络员")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("用户"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("单位"), on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("角色"), max_length=10, choices=Role, default=Role.LIAISON)

    class Meta:
        verbose_name = _("单位成员")
        verbose_name_plural = _("单位成员")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "unit"], name="%(app_label)s_%(class)s_unique_user_unit"
            ),
        ]

    def __str__(self):
        return f"{self.user} @ {self.unit} ({self.get_role_display()})"
