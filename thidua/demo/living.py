"""A living copy of the 2023 campaign: the same plan with its dates moved (by whole weeks, so every
weekday stays true) so that today falls between the plan's deadline and the mid-term report's.
Countdowns, reminders, on-time and late submissions are then real for whoever runs `make run`;
the faithful 2023 campaign stays beside it, untouched."""

from __future__ import annotations

import datetime as dt

from thidua.campaigns import definition as defn
from thidua.core import timeutils

SLUG = "cao-diem-dang-dien-ra"


def weeks_to_today(seed: dict, today: dt.date) -> dt.timedelta:
    """Whole weeks that put today halfway between the first two deadlines."""
    first, second = sorted(defn.parse_instant(m["deadline"]) for m in seed["milestones"])[:2]
    middle = timeutils.local(first + (second - first) / 2).date()
    return dt.timedelta(weeks=round((today - middle).days / 7))


def living_definition(seed: dict, today: dt.date) -> tuple[dict, dt.timedelta]:
    """The seed definition moved to run now, and by how much it moved."""
    shift = weeks_to_today(seed, today)
    d = defn.shifted(seed, shift)
    d["slug"], d["status"] = SLUG, "published"
    year = str((defn.parse_date(seed["period"]["end"]) + shift).year)
    for key in ("title", "theme"):
        if d.get(key):
            d[key] = d[key].replace("2023", year)
    return d, shift
