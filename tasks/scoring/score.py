"""Each unit's score under the rules in force: every item's points from its events, the total
their sum, and the units ranked best first."""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tasks.models import ScoreRules
from tasks.scoring.events import scope_events
from tasks.scoring.rules import ADJUSTMENTS, RATE, rule_items

CENT = Decimal("0.01")
TIE_RULE = gettext_lazy("总分相同的单位名次并列，按单位排序列出；下一名次顺延。")


@dataclass
class ItemScore:
    rule: object  # RuleItem
    points: Decimal
    basis: str  # how the points were worked out, in words and numbers
    events: list

    @property
    def item(self):
        return self.rule.item

    @property
    def label(self):
        return self.rule.label


@dataclass
class UnitScore:
    unit: object
    items: list
    rank: int = 0

    @property
    def total(self):
        return sum((item.points for item in self.items), Decimal("0.00"))


@dataclass
class Ranking:
    scope: object
    rules: ScoreRules | None
    units: list  # UnitScore, best first

    @property
    def items(self):
        return rule_items(self.rules) if self.rules else []


def cents(value):
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def item_score(rule, events) -> ItemScore:
    """An item's points from the unit's events of its kind that count under the rule."""
    events = sorted(
        (e for e in events if e.item == rule.item and rule.counts(e.role)),
        key=lambda e: (e.date, e.text),
    )
    measure = rule.kind.measure
    if measure == RATE:
        if not events:
            return ItemScore(rule, cents(rule.points), _("无应计事项，按满分计"), events)
        earned = sum(e.counts for e in events)
        points = cents(rule.points * earned / len(events))
        basis = _("%(earned)d ÷ %(total)d × %(full)s分") % {
            "earned": earned,
            "total": len(events),
            "full": rule.points_text,
        }
        return ItemScore(rule, points, basis, events)
    if measure == ADJUSTMENTS:
        points = sum((e.points for e in events), Decimal(0))
        basis = _("%(n)d项，合计%(sum)s分") % {"n": len(events), "sum": f"{points:+.2f}"}
    else:
        points = Decimal(0) - rule.points * len(events)
        basis = _("%(n)d次，每次扣%(each)s分") % {
            "n": len(events),
            "each": rule.points_text,
        }
    if rule.cap is not None and abs(points) > rule.cap:
        points = rule.cap.copy_sign(points)
        basis += _("，以%(cap)s分为限") % {"cap": rule.cap_text}
    return ItemScore(rule, cents(points), basis, events)


def rank(scores):
    """Best first; equal totals share a rank (TIE_RULE), listed in the units' order."""
    scores.sort(key=lambda s: (-s.total, s.unit.sort_order, s.unit.name))
    for index, score in enumerate(scores):
        tied = index and score.total == scores[index - 1].total
        score.rank = scores[index - 1].rank if tied else index + 1
    return scores


def rules_for(scope):
    return ScoreRules.objects.in_force(scope.office, scope.plan, scope.rules_day)


def score_units(scope) -> Ranking:
    """Every unit of the scope scored under the rules in force for it (none: no scores)."""
    rules = rules_for(scope) if scope.office else None
    if rules is None:
        return Ranking(scope, None, [])
    found = scope_events(scope)
    items = rule_items(rules)
    scores = [
        UnitScore(unit, [item_score(rule, found.events[unit.pk]) for rule in items])
        for unit in found.units.values()
    ]
    return Ranking(scope, rules, rank(scores))


def as_json(ranking) -> dict:
    """The ranking as `score_units --json` prints it."""
    scope = ranking.scope
    return {
        "plan": scope.plan.pk if scope.plan else None,
        "office": scope.office.name if scope.office else None,
        "year": scope.year,
        "as_of": scope.as_of.isoformat(),
        "rules": [rule.stored() | {"label": str(rule.label)} for rule in ranking.items],
        "rules_version": ranking.rules and str(ranking.rules),
        "tie_rule": str(TIE_RULE),
        "units": [
            {
                "unit": score.unit.name,
                "rank": score.rank,
                "score": float(score.total),
                "items": [
                    {
                        "item": item.item,
                        "label": str(item.label),
                        "points": float(item.points),
                        "basis": item.basis,
                        "events": [
                            {
                                "kind": e.kind,
                                "date": e.date.isoformat(),
                                "url": e.url,
                                "text": e.text,
                            }
                            for e in item.events
                        ],
                    }
                    for item in score.items
                ],
            }
            for score in ranking.units
        ],
    }
