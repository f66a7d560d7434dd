"""Build a realistic demo directory of the HCMC Youth Union: city union, departments, institutions,
enterprises, ~116 direct units, their grassroots units and `branches` branches.

Deterministic for a given size (seeded random), so screenshots and tests see the same tree.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict

from thidua.demo import directory_data as data
from thidua.units.models import UnitKind
from thidua.units.services import UnitSpec, units_bulk_create

DEMO_DOMAIN = "demo.thidua.vn"


def _email(code: str) -> str:
    return f"{code.lower()}@{DEMO_DOMAIN}"


def _grassroots_for(code: str, kind: str, rng: random.Random) -> list[tuple[str, str]]:
    """(name, branch flavour) of the grassroots units under one direct unit."""
    if kind == UnitKind.DISTRICT:
        return [(f"Đoàn {ward}", "ward") for ward in data.WARDS.get(code, [])]
    if kind == UnitKind.SCHOOL:
        return [
            (f"Đoàn {name}", "faculty")
            for name in rng.sample(data.SCHOOL_FACULTIES, k=min(6, len(data.SCHOOL_FACULTIES)))
        ]
    if kind == UnitKind.BLOC:
        return [(name if name.startswith("Đoàn") else f"Đoàn cơ sở {name}", "agency") for name in data.BLOC_MEMBERS]
    if kind in (UnitKind.CORPORATION, UnitKind.DIRECT_OTHER):
        names = rng.sample(data.CORPORATION_SUBUNITS, k=min(4, len(data.CORPORATION_SUBUNITS)))
        return [(f"Đoàn cơ sở {name}", "company") for name in names]
    if kind == UnitKind.ARMED:
        return [
            (f"Đoàn cơ sở {name}", "agency")
            for name in ("Phòng Tham mưu", "Phòng Hậu cần", "Phòng Cảnh sát cơ động", "Công an quận, huyện")
        ]
    return []


def _branch_name(flavour: str, grassroots_name: str, n: int, rng: random.Random) -> str:
    patterns = data.BRANCH_PATTERNS.get(flavour) or ["Chi đoàn {n}"]
    if flavour == "ward":
        pattern = patterns[1] if grassroots_name.startswith("Đoàn Xã") and len(patterns) > 1 else patterns[0]
    else:
        pattern = patterns[n % len(patterns)]
    return pattern.format(n=n, code=rng.choice("ABCDEFGHK"))


def _upper_specs(rng: random.Random) -> tuple[list[UnitSpec], list[tuple[str, str, str]]]:
    """The city union, the units directly under it and their grassroots units (parents first), and
    (code, name, flavour) of the units that receive branches."""
    city_code, city_name, city_short = data.CITY
    specs: list[UnitSpec] = [
        UnitSpec(
            code=city_code,
            parent_code=None,
            name=city_name,
            short_name=city_short,
            kind=UnitKind.CITY,
            emails=_email("thanhdoan"),
        )
    ]
    leaf_parents: list[tuple[str, str, str]] = []
    for rows, kind in (
        (data.DEPARTMENTS, UnitKind.DEPARTMENT),
        (data.INSTITUTIONS, UnitKind.INSTITUTION),
        (data.ENTERPRISES, UnitKind.ENTERPRISE),
    ):
        for code, name, short in rows:
            specs.append(
                UnitSpec(code=code, parent_code=city_code, name=name, short_name=short, kind=kind, emails=_email(code))
            )
            if kind != UnitKind.DEPARTMENT:  # departments have no branches of their own
                leaf_parents.append((code, name, "company"))
    for code, name, short, kind in data.DIRECT_UNITS:
        specs.append(
            UnitSpec(
                code=code,
                parent_code=city_code,
                name=name,
                short_name=short,
                kind=kind,
                emails=_email(code),
                opened_on=None,
            )
        )
        for i, (g_name, flavour) in enumerate(_grassroots_for(code, kind, rng), start=1):
            g_code = f"{code}-{i:02d}"
            specs.append(
                UnitSpec(code=g_code, parent_code=code, name=g_name, kind=UnitKind.GRASSROOTS, emails=_email(g_code))
            )
            leaf_parents.append((g_code, g_name, flavour))
    return specs, leaf_parents


def _quotas(branches: int, parents: int, rng: random.Random) -> list[int]:
    """How many of the `branches` each of the `parents` gets: uneven, adding up to `branches`."""
    weights = [rng.uniform(0.3, 1.7) for _ in range(parents)]
    total_weight = sum(weights)
    quotas = [int(branches * w / total_weight) for w in weights]
    for i in rng.sample(range(parents), k=parents):
        if sum(quotas) >= branches:
            break
        quotas[i] += 1
    return quotas


def _branch_specs(leaf_parents: list[tuple[str, str, str]], quotas: list[int], rng: random.Random) -> list[UnitSpec]:
    """The branches, numbered under each parent, with their own member and cadre counts."""
    specs: list[UnitSpec] = []
    for (p_code, p_name, flavour), quota in zip(leaf_parents, quotas):
        for n in range(1, quota + 1):
            m = rng.randint(8, 45)
            c = rng.randint(2, 5)
            closed = dt.date(2023, 5, 15) if rng.random() < 0.004 else None
            specs.append(
                UnitSpec(
                    code=f"{p_code}-{n:03d}",
                    parent_code=p_code,
                    name=_branch_name(flavour, p_name, n, rng),
                    kind=UnitKind.BRANCH,
                    member_count=m,
                    cadre_count=c,
                    closed_on=closed,
                    opened_on=dt.date(2010, 1, 1) if closed else None,
                )
            )
    return specs


def _add_up(upper: list[UnitSpec], branches: list[UnitSpec]) -> None:
    """Members and cadres of every unit above the branches: the sums of the branches below it."""
    members: dict[str, int] = defaultdict(int)
    cadres: dict[str, int] = defaultdict(int)
    parent_of = {s.code: s.parent_code for s in upper}
    for branch in branches:
        ancestor = branch.parent_code
        while ancestor is not None:
            members[ancestor] += branch.member_count
            cadres[ancestor] += branch.cadre_count
            ancestor = parent_of.get(ancestor)
    for spec in upper:
        spec.member_count = members.get(spec.code, 0)
        spec.cadre_count = cadres.get(spec.code, 0)


def build_specs(branches: int, seed: int = 2023) -> list[UnitSpec]:
    """Every unit of the demo tree, parents first, with member and cadre counts that add up."""
    rng = random.Random(seed)
    upper, leaf_parents = _upper_specs(rng)
    quotas = _quotas(branches, len(leaf_parents), rng)
    branch_specs = _branch_specs(leaf_parents, quotas, rng)
    _add_up(upper, branch_specs)
    return upper + branch_specs


def build_directory(*, actor, branches: int) -> int:
    specs = build_specs(branches)
    units_bulk_create(actor=actor, specs=specs, audit=False)
    return len(specs)
