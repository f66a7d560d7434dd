"""The unit directory: one tree from the city union down to the branches, and users' roles on it.

The tree is a materialised path (django-treebeard's MP_Node): a unit's subtree is every row
whose `path` starts with the unit's path, one index range scan on either database.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import connection, models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from treebeard.mp_tree import MP_Node, MP_NodeManager, MP_NodeQuerySet

from thidua.core.text import fold


class UnitKind(models.TextChoices):
    CITY = "city", _("City union")
    DEPARTMENT = "department", _("Department / office")
    INSTITUTION = "institution", _("Institution")
    ENTERPRISE = "enterprise", _("Enterprise")
    DISTRICT = "district", _("District union")
    BLOC = "bloc", _("Bloc union")
    SCHOOL = "school", _("University / college union")
    CORPORATION = "corporation", _("Corporation union")
    ARMED = "armed", _("Police / armed forces union")
    DIRECT_OTHER = "direct_other", _("Other direct unit")
    GRASSROOTS = "grassroots", _("Grassroots unit")
    BRANCH = "branch", _("Branch")


DIRECT_KINDS = (
    UnitKind.DISTRICT,
    UnitKind.BLOC,
    UnitKind.SCHOOL,
    UnitKind.CORPORATION,
    UnitKind.ARMED,
    UnitKind.DIRECT_OTHER,
)


class UnitGroup(models.TextChoices):
    """Groups a plan addresses by name ("các cơ sở Đoàn trực thuộc Thành Đoàn" …)."""

    DEPARTMENTS = "departments", _("Departments and office of the city union")
    INSTITUTIONS = "institutions", _("Institutions")
    ENTERPRISES = "enterprises", _("Enterprises")
    DIRECT_UNITS = "direct_units", _("Direct units")
    GRASSROOTS = "grassroots", _("Grassroots units")
    BRANCHES = "branches", _("Branches")


GROUP_KINDS: dict[str, tuple[str, ...]] = {
    UnitGroup.DEPARTMENTS: (UnitKind.DEPARTMENT,),
    UnitGroup.INSTITUTIONS: (UnitKind.INSTITUTION,),
    UnitGroup.ENTERPRISES: (UnitKind.ENTERPRISE,),
    UnitGroup.DIRECT_UNITS: DIRECT_KINDS,
    UnitGroup.GRASSROOTS: (UnitKind.GRASSROOTS,),
    UnitGroup.BRANCHES: (UnitKind.BRANCH,),
}


def path_prefix_q(path: str, field: str = "path") -> Q:
    """Rows whose path starts with `path`, in a form each database answers from its index.

    PostgreSQL serves LIKE 'prefix%' from the varchar_pattern_ops index Django adds to the unique
    path column. SQLite's LIKE is case-insensitive and never uses an index, so there we add the
    equivalent range: paths use 0-9A-Z only, all of which sort below '~' in SQLite's binary order.
    """
    query = Q(**{f"{field}__startswith": path})
    if connection.vendor == "sqlite":
        query &= Q(**{f"{field}__gte": path, f"{field}__lt": path + "~"})
    return query


class UnitQuerySet(MP_NodeQuerySet):
    def subtree(self, unit: Unit, include_self: bool = True) -> UnitQuerySet:
        """The unit and everything below it: one range scan on the indexed path."""
        qs = self.filter(path_prefix_q(unit.path))
        return qs if include_self else qs.exclude(pk=unit.pk)

    def within_any(self, units) -> UnitQuerySet:
        """Units in the subtree of any of the given units."""
        query = Q(pk__in=[])
        for unit in units:
            query |= path_prefix_q(unit.path)
        return self.filter(query)

    def open_on(self, day: dt.date) -> UnitQuerySet:
        return self.filter(Q(opened_on__isnull=True) | Q(opened_on__lte=day)).filter(
            Q(closed_on__isnull=True) | Q(closed_on__gt=day)
        )

    def of_groups(self, groups) -> UnitQuerySet:
        kinds = {kind for group in groups for kind in GROUP_KINDS.get(group, ())}
        return self.filter(kind__in=kinds)

    def search(self, text: str) -> UnitQuerySet:
        """Accent- and case-insensitive search on code and names ('nha be' finds 'Nhà Bè')."""
        words = fold(text).split()
        qs = self
        for word in words:
            qs = qs.filter(search_text__contains=word)
        return qs


class UnitManager(MP_NodeManager.from_queryset(UnitQuerySet)):
    def get_queryset(self) -> UnitQuerySet:
        # treebeard's manager hard-codes its own queryset class; keep its path order, use ours.
        return UnitQuerySet(self.model, using=self._db).order_by("path")


class Unit(MP_Node):
    steplen = 4
    alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"

    code = models.CharField(
        _("code"),
        max_length=40,
        unique=True,
        help_text=_("Short stable identifier: letters, digits, '-' and '_'."),
    )
    name = models.CharField(_("full name"), max_length=255)
    short_name = models.CharField(_("short name"), max_length=120, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=UnitKind.choices, db_index=True)
    emails = models.CharField(_("contact e-mails"), max_length=500, blank=True, help_text=_("Separated by commas."))
    opened_on = models.DateField(_("opened on"), null=True, blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    member_count = models.PositiveIntegerField(_("members"), default=0)
    cadre_count = models.PositiveIntegerField(_("cadres"), default=0)
    # Folded code + names for accent-insensitive search; written by the services.
    search_text = models.CharField(max_length=600, blank=True, editable=False)

    objects = UnitManager()

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        # Children of a unit (depth = d + 1 in its path range); units of a kind in a subtree; the few
        # closed units (ratios and shares leave them out) without scanning the subtree.
        indexes = [
            models.Index(fields=["depth", "path"], name="unit_depth_path_idx"),
            models.Index(fields=["kind", "path"], name="unit_kind_path_idx"),
            models.Index(fields=["path"], condition=Q(closed_on__isnull=False), name="unit_closed_path_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True)
                | Q(opened_on__isnull=True)
                | Q(closed_on__gte=models.F("opened_on")),
                name="unit_closed_after_opened",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def label(self) -> str:
        return self.short_name or self.name

    @property
    def email_list(self) -> list[str]:
        return [e.strip() for e in self.emails.split(",") if e.strip()]

    @property
    def is_direct(self) -> bool:
        return self.kind in DIRECT_KINDS

    def is_open_on(self, day: dt.date) -> bool:
        return (self.opened_on is None or self.opened_on <= day) and (self.closed_on is None or self.closed_on > day)

    def contains(self, other: Unit) -> bool:
        """True if `other` is this unit or below it."""
        return other.path.startswith(self.path)

    def ancestor_paths(self, include_self: bool = False) -> list[str]:
        """Paths of the root, …, the parent (and the unit itself): no query needed."""
        end = len(self.path) + (1 if include_self else 0)
        return [self.path[:i] for i in range(self.steplen, end, self.steplen)]

    def ancestors(self) -> UnitQuerySet:
        """From the root down to the parent (one query on the path prefixes)."""
        return Unit.objects.filter(path__in=self.ancestor_paths()).order_by("depth")

    @staticmethod
    def compute_search_text(code: str, name: str, short_name: str) -> str:
        return fold(" ".join(part for part in (code, name, short_name) if part))[:600]


class Role(models.TextChoices):
    COORDINATOR = "coordinator", _("Coordinator")
    STEERING = "steering", _("Steering committee")
    OFFICER = "officer", _("Unit officer")
    REVIEWER = "reviewer", _("Reviewer")
    VIEWER = "viewer", _("Viewer")


class RoleAssignment(models.Model):
    """A user holds a role on a unit; the role reaches the unit's whole subtree."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="unit_roles",
    )
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.CASCADE, related_name="role_assignments")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    granted_at = models.DateTimeField(_("granted at"), auto_now_add=True)

    class Meta:
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        constraints = [
            models.UniqueConstraint(fields=["user", "unit", "role"], name="unique_user_unit_role"),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} — {self.unit}"
