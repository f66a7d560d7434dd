"""Writes to the unit directory and to roles. Each function is one transaction and is audited."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from thidua.core.audit import diff, log_action
from thidua.core.errors import Refused
from thidua.core.models import AuditEntry
from thidua.units.models import Role, RoleAssignment, Unit

UNIT_FIELDS = (
    "name",
    "short_name",
    "kind",
    "emails",
    "opened_on",
    "closed_on",
    "member_count",
    "cadre_count",
)


@dataclass
class UnitSpec:
    """A unit to create, with its parent given by code (the parent may be created in the same batch)."""

    code: str
    parent_code: str | None
    name: str
    kind: str
    short_name: str = ""
    emails: str = ""
    opened_on: dt.date | None = None
    closed_on: dt.date | None = None
    member_count: int = 0
    cadre_count: int = 0
    extra: dict = field(default_factory=dict)

    def values(self) -> dict:
        return {name: getattr(self, name) for name in UNIT_FIELDS}


def _new_unit(spec: UnitSpec, path: str, depth: int) -> Unit:
    return Unit(
        code=spec.code,
        path=path,
        depth=depth,
        numchild=0,
        search_text=Unit.compute_search_text(spec.code, spec.name, spec.short_name),
        **spec.values(),
    )


def units_bulk_create(*, actor, specs: Sequence[UnitSpec], audit: bool = True) -> list[Unit]:
    """Create many units at once; parents come before their children in `specs`.

    Paths are computed in memory from each parent's last child, so 40,000 branches take a few
    bulk INSERTs instead of one tree operation each. Raises ValueError on an unknown parent.
    """
    with transaction.atomic():
        parent_codes = {s.parent_code for s in specs if s.parent_code}
        known = {u.code: u for u in Unit.objects.filter(code__in=parent_codes).only("path", "depth", "code")}
        next_step: dict[str, int] = {}
        created: list[Unit] = []
        by_code: dict[str, Unit] = {}

        def step_after(parent_path: str, parent_depth: int) -> int:
            if parent_path not in next_step:
                low, high = Unit._get_children_path_interval(parent_path)
                last = (
                    Unit.objects.filter(path__range=(low, high), depth=parent_depth + 1)
                    .order_by("-path")
                    .values_list("path", flat=True)
                    .first()
                )
                next_step[parent_path] = Unit._str2int(last[-Unit.steplen :]) if last else 0
            next_step[parent_path] += 1
            return next_step[parent_path]

        # Number new roots after the last root path (a count would reuse a deleted root's gap).
        last_root = Unit.objects.filter(depth=1).order_by("-path").values_list("path", flat=True).first()
        root_count = Unit._str2int(last_root) if last_root else 0
        for spec in specs:
            if spec.parent_code is None:
                root_count += 1
                unit = _new_unit(spec, Unit._get_path(None, 1, root_count), 1)
            else:
                parent = by_code.get(spec.parent_code) or known.get(spec.parent_code)
                if parent is None:
                    raise ValueError(f"unknown parent unit {spec.parent_code!r}")
                step = step_after(parent.path, parent.depth)
                unit = _new_unit(spec, parent.path + Unit._get_path(None, 1, step), parent.depth + 1)
            by_code[spec.code] = unit
            created.append(unit)

        # numchild: set on the new units, incremented on the existing parents (grouped by increment).
        new_children = Counter(u.path[: -Unit.steplen] for u in created if u.depth > 1)
        for unit in created:
            unit.numchild = new_children.pop(unit.path, 0)
        by_increment: dict[int, list[str]] = defaultdict(list)
        for path, count in new_children.items():
            by_increment[count].append(path)
        Unit.objects.bulk_create(created, batch_size=2000)
        for count, paths in by_increment.items():
            for start in range(0, len(paths), 500):
                Unit.objects.filter(path__in=paths[start : start + 500]).update(numchild=F("numchild") + count)
        if audit and created:
            ids = dict(Unit.objects.filter(code__in=[u.code for u in created]).values_list("code", "pk"))
            AuditEntry.objects.bulk_create(
                [
                    AuditEntry(
                        actor=actor if getattr(actor, "pk", None) else None,
                        action="unit.create",
                        object_type="units.unit",
                        object_id=str(ids[u.code]),
                        object_repr=u.name[:300],
                        changes={k: [None, str(v) if v is not None else None] for k, v in _spec_of(u).items() if v},
                    )
                    for u in created
                ],
                batch_size=2000,
            )
        return created


def _spec_of(unit: Unit) -> dict:
    return {name: getattr(unit, name) for name in ("code", *UNIT_FIELDS)}


def unit_create(*, actor, parent: Unit | None, spec: UnitSpec) -> Unit:
    """Create one unit as the last child of `parent` (or as the root)."""
    spec.parent_code = parent.code if parent else None
    (unit,) = units_bulk_create(actor=actor, specs=[spec])
    return Unit.objects.get(code=unit.code)


def unit_update(*, actor, unit: Unit, values: dict, reason: str = "") -> dict:
    """Change a unit's own fields; returns {field: [old, new]} of what changed."""
    with transaction.atomic():
        unit = Unit.objects.select_for_update().get(pk=unit.pk)
        before = _spec_of(unit)
        for name, value in values.items():
            if name not in UNIT_FIELDS:
                raise ValueError(f"not an editable unit field: {name}")
            setattr(unit, name, value)
        unit.search_text = Unit.compute_search_text(unit.code, unit.name, unit.short_name)
        changes = diff(before, _spec_of(unit))
        if changes:
            unit.save()
            log_action(actor=actor, action="unit.update", obj=unit, changes=changes, reason=reason)
        return changes


# Called inside unit_move's transaction with (unit, ids of its former ancestors): what other apps
# keep per ancestor (campaign figures' totals) moves with the unit. Apps register in their
# AppConfig.ready(), so that this app needs none of them (the one upward call, made explicit).
AFTER_MOVE: list[Callable[..., None]] = []


def unit_move(*, actor, unit: Unit, new_parent: Unit, reason: str = "") -> None:
    """Move a unit (and its subtree) under another parent, with everything kept per ancestor
    (see AFTER_MOVE), in one transaction."""
    if unit.contains(new_parent):
        raise Refused(_("A unit cannot move under itself or one of its own units."))
    with transaction.atomic():
        old_parent = Unit.objects.get(path=unit.path[: -Unit.steplen]) if unit.depth > 1 else None
        old_ancestor_ids = list(Unit.objects.filter(path__in=unit.ancestor_paths()).values_list("pk", flat=True))
        Unit.objects.move(unit, new_parent, pos="last-child")
        unit.refresh_from_db()
        for after_move in AFTER_MOVE:
            after_move(unit=unit, old_ancestor_ids=old_ancestor_ids)
        log_action(
            actor=actor,
            action="unit.move",
            obj=unit,
            changes={"parent": [old_parent.code if old_parent else None, new_parent.code]},
            reason=reason,
        )


def role_grant(*, actor, user, unit: Unit, role: str) -> RoleAssignment:
    if role not in Role.values:
        raise ValueError(f"unknown role {role!r}")
    with transaction.atomic():
        assignment, created = RoleAssignment.objects.get_or_create(user=user, unit=unit, role=role)
        if created:
            log_action(
                actor=actor,
                action="role.grant",
                obj=assignment,
                changes={"user": [None, user.get_username()], "unit": [None, unit.code], "role": [None, role]},
            )
        return assignment


def role_revoke(*, actor, assignment: RoleAssignment, reason: str = "") -> None:
    """Take a role away (audited). Nobody takes away their own coordinator role: a unit is never
    left without the person who noticed the mistake."""
    if actor is not None and assignment.user_id == actor.pk and assignment.role == Role.COORDINATOR:
        raise Refused(_("You cannot take away your own coordinator role."))
    with transaction.atomic():
        log_action(
            actor=actor,
            action="role.revoke",
            obj=assignment,
            changes={
                "user": [assignment.user.get_username(), None],
                "unit": [assignment.unit.code, None],
                "role": [assignment.role, None],
            },
            reason=reason,
        )
        assignment.delete()
