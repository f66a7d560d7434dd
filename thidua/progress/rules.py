"""Validation rules between one unit's figures (DHIS2-style, declared in the campaign definition):
"forwarded ≤ feasible ≤ submitted initiatives", "level-2 e-ID ≤ level-1".

A rule compares the sum of its left indicators' values with the sum of its right ones, for one
unit; a value is the numerator (people, units, things counted). A rule is skipped for a unit
that has not reported every indicator it names (not reported is not zero). Checked after the
writes of an entry or an upload, inside their transaction: a "refuse" rule broken takes every
write back with a message naming the figures; a "warn" rule is said after saving. The report
lists every broken rule over a subtree.
"""

from __future__ import annotations

import operator
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from thidua.campaigns.models import Campaign, Indicator, ValidationRule
from thidua.core.errors import Refused
from thidua.progress.models import IndicatorValue
from thidua.units.models import Unit

COMPARE = {
    "<=": operator.le,
    "<": operator.lt,
    ">=": operator.ge,
    ">": operator.gt,
    "==": operator.eq,
    "!=": operator.ne,
}


@dataclass(frozen=True)
class Violation:
    rule: ValidationRule
    unit: Unit
    left: Decimal
    right: Decimal
    names: dict[str, str]

    @property
    def refuses(self) -> bool:
        return self.rule.importance == ValidationRule.Importance.REFUSE

    @property
    def message(self) -> str:
        return _("%(unit)s — “%(rule)s”: %(left)s (%(lv)s) must be %(op)s %(right)s (%(rv)s).") % {
            "unit": self.unit.name,
            "rule": self.rule.name,
            "left": " + ".join(self.names[c] for c in self.rule.left),
            "lv": _plain(self.left),
            "op": self.rule.get_operator_display(),
            "right": " + ".join(self.names[c] for c in self.rule.right),
            "rv": _plain(self.right),
        }


def _plain(value: Decimal) -> str:
    return f"{value:,.0f}".replace(",", ".")


def evaluate(rules: Iterable[ValidationRule], unit: Unit, values: dict[str, Decimal], names) -> list[Violation]:
    """The rules one unit's values break (a rule naming an unreported indicator is skipped)."""
    broken = []
    for rule in rules:
        codes = [*rule.left, *rule.right]
        if any(code not in values for code in codes):
            continue
        left = sum((values[c] for c in rule.left), Decimal(0))
        right = sum((values[c] for c in rule.right), Decimal(0))
        if not COMPARE[rule.operator](left, right):
            broken.append(Violation(rule=rule, unit=unit, left=left, right=right, names=names))
    return broken


def _values_by_unit(campaign: Campaign, rules: list[ValidationRule], units) -> dict[int, dict[str, Decimal]]:
    codes = {code for rule in rules for code in [*rule.left, *rule.right]}
    rows = IndicatorValue.objects.filter(indicator__campaign=campaign, indicator__code__in=codes, unit__in=units)
    values: dict[int, dict[str, Decimal]] = defaultdict(dict)
    for unit_id, code, numerator in rows.values_list("unit_id", "indicator__code", "numerator"):
        values[unit_id][code] = numerator
    return values


def check_units(campaign: Campaign, units: Iterable[Unit]) -> list[Violation]:
    """The rules the stored values of these units break (one query for the values)."""
    rules = list(campaign.validation_rules.all())
    units = list(units)
    if not rules or not units:
        return []
    names = dict(Indicator.objects.filter(campaign=campaign).values_list("code", "name"))
    values = _values_by_unit(campaign, rules, [u.pk for u in units])
    return [v for unit in units for v in evaluate(rules, unit, values.get(unit.pk, {}), names)]


def enforce(campaign: Campaign, units: Iterable[Unit]) -> list[Violation]:
    """After writing figures, in the same transaction: Refused (listing them) if a "refuse" rule is
    broken, so the caller's transaction takes every write back; else the "warn" violations."""
    found = check_units(campaign, units)
    refused = [v for v in found if v.refuses]
    if refused:
        raise Refused(" ".join(v.message for v in refused))
    return found


def subtree_report(campaign: Campaign, top: Unit) -> list[Violation]:
    """Every broken rule of every unit in `top`'s subtree, in tree order."""
    rules = list(campaign.validation_rules.all())
    if not rules:
        return []
    codes = {code for rule in rules for code in [*rule.left, *rule.right]}
    unit_ids = (
        IndicatorValue.objects.filter(indicator__campaign=campaign, indicator__code__in=codes)
        .filter(unit__in=Unit.objects.subtree(top))
        .values("unit_id")
        .distinct()
    )
    return check_units(campaign, Unit.objects.filter(pk__in=unit_ids).order_by("path"))
