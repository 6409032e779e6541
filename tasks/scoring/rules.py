"""The items an office may score units on, and a version of its rules read as items."""

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

RATE, PER_EVENT, ADJUSTMENTS = "rate", "per_event", "adjustments"
LEAD, ALL = "lead", "all"
ROLE_CHOICES = [(ALL, _("牵头和配合")), (LEAD, _("仅牵头"))]


@dataclass(frozen=True)
class ItemKind:
    label: str
    measure: str  # RATE: points × share of its events that count; PER_EVENT: points off each
    explain: str  # how its points are worked out, as the page states it
    by_role: bool = False  # may count the tasks a unit leads only


ITEMS = {
    "on_time": ItemKind(
        _("按时报送"), RATE, _("满分 × 按时报送的期次 ÷ 截止日已过的应报期次"), by_role=True
    ),
    "completion": ItemKind(
        _("任务完成"),
        RATE,
        _(
            "满分 × 按期完成的任务 ÷ 应完成的任务（完成时限已过或已完成的）；"
            "完成日期以办结日期为准，未办结的以审核通过的完成报告的报送日期为准"
        ),
        by_role=True,
    ),
    "instructions": ItemKind(
        _("批示办理"), RATE, _("满分 × 按期办理的批示 ÷ 办理时限已过或已办理的批示")
    ),
    "red_light": ItemKind(
        _("红灯"), PER_EVENT, _("督查会记录时每项红灯任务扣分（按每次督查会快照计）"), by_role=True
    ),
    "returned": ItemKind(_("退回"), PER_EVENT, _("进展报告每被退回一次扣分")),
    "adjustment": ItemKind(_("加减分"), ADJUSTMENTS, _("产改办录入的加分或扣分，各附事由")),
}

# What the rules form offers when an office has none yet: a common 考核 layout.
SUGGESTED = [
    {"item": "on_time", "points": "30", "roles": ALL},
    {"item": "completion", "points": "40", "roles": LEAD},
    {"item": "instructions", "points": "10"},
    {"item": "red_light", "points": "2", "roles": LEAD, "cap": "10"},
    {"item": "returned", "points": "1", "cap": "5"},
    {"item": "adjustment", "cap": "5"},
]


@dataclass(frozen=True)
class RuleItem:
    """One item of a version of the rules."""

    item: str
    points: Decimal  # RATE: full marks; PER_EVENT: points off each event; unused for bonuses
    roles: str = ALL
    cap: Decimal | None = None  # the most an item can take off (or, for 加减分, give or take)

    @property
    def kind(self):
        return ITEMS[self.item]

    @property
    def label(self):
        return self.kind.label

    @property
    def points_text(self):
        return plain(self.points)

    @property
    def cap_text(self):
        return plain(self.cap)

    @classmethod
    def read(cls, stored):
        cap = stored.get("cap")
        return cls(
            item=stored["item"],
            points=Decimal(stored.get("points") or 0),
            roles=stored.get("roles") or ALL,
            cap=Decimal(cap) if cap not in (None, "", "0") else None,
        )

    def stored(self):
        row = {"item": self.item}
        if self.kind.measure != ADJUSTMENTS:
            row["points"] = str(self.points)
        if self.kind.by_role:
            row["roles"] = self.roles
        if self.cap is not None:
            row["cap"] = str(self.cap)
        return row

    def counts(self, role):
        """Whether an event of a unit in this role on its task counts toward the item."""
        return role is None or self.roles == ALL or role == LEAD


def plain(number):
    """A decimal as people write it: 30, 2.5 (never 3E+1)."""
    return "" if number is None else f"{number.normalize():f}"


def rule_items(rules) -> list[RuleItem]:
    """The items of a version of the rules (`ScoreRules`), in the order of ITEMS."""
    items = [RuleItem.read(stored) for stored in rules.items if stored.get("item") in ITEMS]
    return sorted(items, key=lambda i: list(ITEMS).index(i.item))
