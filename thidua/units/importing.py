"""Import and export of the unit tree as .xlsx / .csv.

An import is all-or-nothing: every row is checked first, and if any row is wrong nothing is
written and the coordinator gets a row-by-row report in Vietnamese. A valid file creates the
new units, updates the changed ones and moves the re-parented ones in one transaction.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from thidua.core.audit import log_action
from thidua.core.errors import Refused
from thidua.core.spreadsheets import read_table, write_csv, write_xlsx
from thidua.core.text import fold
from thidua.units.access import can_view_unit
from thidua.units.models import Unit, UnitKind
from thidua.units.services import UNIT_FIELDS, UnitSpec, unit_move, unit_update, units_bulk_create

# Column key → header written on export (Vietnamese, what units see in Excel).
COLUMNS = [
    ("code", "Mã đơn vị"),
    ("parent_code", "Mã đơn vị cấp trên"),
    ("name", "Tên đầy đủ"),
    ("short_name", "Tên ngắn"),
    ("kind", "Loại"),
    ("emails", "E-mail"),
    ("opened_on", "Ngày thành lập"),
    ("closed_on", "Ngày giải thể"),
    ("member_count", "Số đoàn viên"),
    ("cadre_count", "Số cán bộ Đoàn"),
]
_HEADER_ALIASES = (
    {fold(header): key for key, header in COLUMNS}
    | {key: key for key, _h in COLUMNS}
    | {
        "ma": "code",
        "ma cap tren": "parent_code",
        "ten": "name",
        "ten don vi": "name",
        "loai don vi": "kind",
        "email": "emails",
        "so doan vien": "member_count",
        "so can bo": "cadre_count",
    }
)
REQUIRED = ("code", "name", "kind")
CODE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$")


@lru_cache(maxsize=1)
def _kind_by_label() -> dict[str, str]:
    """Kind labels in every UI language (folded) → kind code: files may use either language."""
    labels = {}
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            labels |= {fold(str(label)): value for value, label in UnitKind.choices}
    return labels


@dataclass
class RowError:
    row: int
    column: str
    message: str


@dataclass
class ImportReport:
    filename: str
    sha256: str
    rows: int = 0
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    moved: list[str] = field(default_factory=list)
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    applied: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors


def _kind_value(raw: str) -> str | None:
    if raw in UnitKind.values:
        return raw
    return _kind_by_label().get(fold(raw))


def _parse_date(raw: object) -> dt.date:
    if isinstance(raw, dt.datetime):
        return raw.date()
    if isinstance(raw, dt.date):
        return raw
    text = str(raw).strip()
    for fmt in ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError


def _parse_count(raw: object) -> int:
    if isinstance(raw, bool):
        raise ValueError
    if isinstance(raw, int):
        value = raw
    elif isinstance(raw, float):
        if not raw.is_integer():
            raise ValueError
        value = int(raw)
    else:
        text = str(raw).strip().replace(" ", "")
        # Vietnamese thousands separators: 1.200 or 1,200
        if re.fullmatch(r"\d{1,3}([.,]\d{3})+", text):
            text = text.replace(".", "").replace(",", "")
        if not text.isdigit():
            raise ValueError
        value = int(text)
    if value < 0:
        raise ValueError
    return value


def _parse_rows(table, report: ImportReport) -> list[tuple[int, dict]]:
    columns: dict[int, str] = {}
    for index, header in enumerate(table.headers):
        key = _HEADER_ALIASES.get(fold(header))
        if key:
            columns[index] = key
    missing = [key for key in REQUIRED if key not in columns.values()]
    if missing:
        labels = ", ".join(dict(COLUMNS)[key] for key in missing)
        report.errors.append(RowError(1, "", _("Missing column(s): %(columns)s.") % {"columns": labels}))
        return []

    parsed = []
    for row_no, cells in table.rows:
        values = {key: (cells[i] if i < len(cells) else None) for i, key in columns.items()}
        parsed.append((row_no, values))
    return parsed


_Error = Callable[[str, str], None]  # (column key, message): one error on the row being checked


def _row_code(raw: dict, error: _Error) -> str:
    """The code: required, and safe in a URL and a spreadsheet."""
    code = str(raw.get("code") or "").strip()
    if not code:
        error("code", _("The unit code is empty."))
    elif not CODE_RE.match(code):
        message = _("Code “%(code)s” may contain only letters, digits, '-', '_' and '.' (at most 40).")
        error("code", message % {"code": code})
    return code


def _row_names(raw: dict, error: _Error) -> tuple[str, str]:
    """The full name (required) and the short name, within the columns' lengths."""
    name = str(raw.get("name") or "").strip()
    if not name:
        error("name", _("The full name is empty."))
    elif len(name) > 255:
        error("name", _("The full name is longer than 255 characters."))
    short_name = str(raw.get("short_name") or "").strip()
    if len(short_name) > 120:
        error("short_name", _("The short name is longer than 120 characters."))
    return name, short_name


def _row_kind(raw: dict, error: _Error) -> str | None:
    """The kind, as a code or a label in either language."""
    if raw.get("kind") is None:
        error("kind", _("The unit kind is empty."))
        return None
    kind = _kind_value(str(raw["kind"]).strip())
    if kind is None:
        error("kind", _("Unknown unit kind “%(kind)s”.") % {"kind": raw["kind"]})
    return kind


def _row_emails(raw: dict, error: _Error) -> list[str]:
    """E-mail addresses separated by commas, semicolons or spaces; each one valid."""
    emails = [e.strip() for e in re.split(r"[,;\s]+", str(raw.get("emails") or "")) if e.strip()]
    for email in emails:
        try:
            validate_email(email)
        except ValidationError:
            error("emails", _("“%(email)s” is not a valid e-mail address.") % {"email": email})
    return emails


def _row_dates(raw: dict, error: _Error) -> dict[str, dt.date]:
    """Opening and closing dates that are dates, the closing one not before the opening one."""
    dates = {}
    for column in ("opened_on", "closed_on"):
        if raw.get(column) is not None:
            try:
                dates[column] = _parse_date(raw[column])
            except ValueError:
                error(column, _("“%(value)s” is not a date (use dd/mm/yyyy).") % {"value": raw[column]})
    if dates.get("opened_on") and dates.get("closed_on") and dates["closed_on"] < dates["opened_on"]:
        error("closed_on", _("The closing date is before the opening date."))
    return dates


def _row_counts(raw: dict, error: _Error) -> dict[str, int]:
    """Members and cadres: whole numbers ≥ 0; an empty cell is 0."""
    counts = {}
    for column in ("member_count", "cadre_count"):
        if raw.get(column) is None:
            counts[column] = 0
            continue
        try:
            counts[column] = _parse_count(raw[column])
        except ValueError:
            error(column, _("“%(value)s” is not a whole number ≥ 0.") % {"value": raw[column]})
    return counts


def _validate_row(row_no: int, raw: dict, report: ImportReport) -> UnitSpec | None:
    """The row as a UnitSpec, or None when any of its cells is wrong (every wrong cell reported)."""
    errors_before = len(report.errors)

    def error(column: str, message: str) -> None:
        report.errors.append(RowError(row_no, dict(COLUMNS).get(column, column), message))

    code = _row_code(raw, error)
    name, short_name = _row_names(raw, error)
    kind = _row_kind(raw, error)
    emails = _row_emails(raw, error)
    dates = _row_dates(raw, error)
    counts = _row_counts(raw, error)
    if len(report.errors) > errors_before:
        return None
    parent = raw.get("parent_code")
    return UnitSpec(
        code=code,
        parent_code=str(parent).strip() if parent is not None else None,
        name=name,
        kind=kind,
        short_name=short_name,
        emails=", ".join(emails),
        opened_on=dates.get("opened_on"),
        closed_on=dates.get("closed_on"),
        **counts,
    )


def _root_errors(row_no: int, spec: UnitSpec, current: Unit | None, root_taken: bool) -> list[RowError]:
    """A unit without a parent must be the city union, and there is one: the directory's or the file's first."""
    parent_col = dict(COLUMNS)["parent_code"]
    if not (current and current.depth == 1) and root_taken:
        return [RowError(row_no, parent_col, _("The parent unit code is empty."))]
    if spec.kind != UnitKind.CITY:
        return [RowError(row_no, parent_col, _("Only the city union may have no parent."))]
    return []


def _parent_errors(code: str, row_no: int, spec: UnitSpec, specs: dict, existing: dict[str, Unit]) -> list[RowError]:
    """A parent must be another unit, in the file or the directory; no unit goes below a branch, and
    the city union below nothing."""
    parent_col, kind_col = dict(COLUMNS)["parent_code"], dict(COLUMNS)["kind"]
    if spec.parent_code == code:
        return [RowError(row_no, parent_col, _("A unit cannot be its own parent."))]
    if spec.parent_code not in specs and spec.parent_code not in existing:
        message = _("Parent unit “%(code)s” is neither in the file nor in the directory.")
        return [RowError(row_no, parent_col, message % {"code": spec.parent_code})]
    errors = []
    if spec.kind == UnitKind.CITY:
        errors.append(RowError(row_no, kind_col, _("A city union cannot be below another unit.")))
    parent_kind = specs[spec.parent_code][1].kind if spec.parent_code in specs else existing[spec.parent_code].kind
    if parent_kind == UnitKind.BRANCH:
        errors.append(RowError(row_no, parent_col, _("A branch cannot have units below it.")))
    return errors


def _cycle_errors(
    specs: dict[str, tuple[int, UnitSpec]], existing: dict[str, Unit], existing_parent: dict[str, str]
) -> list[RowError]:
    """Cycles: follow parents through the file (and the directory for units not in the file)."""

    def parent_of(code: str) -> str | None:
        if code in specs:
            return specs[code][1].parent_code
        unit = existing.get(code)
        if unit is None or unit.depth == 1:
            return None
        return existing_parent.get(code)

    errors = []
    for code, (row_no, _spec) in specs.items():
        seen = {code}
        current = parent_of(code)
        while current is not None:
            if current in seen:
                message = _("The parent chain loops back to this unit.")
                errors.append(RowError(row_no, dict(COLUMNS)["parent_code"], message))
                break
            seen.add(current)
            current = parent_of(current)
    return errors


def _check_tree(
    specs: dict[str, tuple[int, UnitSpec]],
    existing: dict[str, Unit],
    existing_parent: dict[str, str],
    report: ImportReport,
) -> None:
    """Parents must exist (in the file or the directory), with no cycles and one city root."""
    roots_in_db = [u for u in existing.values() if u.depth == 1]
    roots_in_file: list[str] = []
    # Units absent from the file keep their parent, so a unit that has them cannot become a branch.
    parents_kept = {parent for child, parent in existing_parent.items() if child not in specs}
    for code, (row_no, spec) in specs.items():
        if spec.kind == UnitKind.BRANCH and code in parents_kept:
            report.errors.append(RowError(row_no, dict(COLUMNS)["kind"], _("A branch cannot have units below it.")))
        if spec.parent_code is None:
            errors = _root_errors(row_no, spec, existing.get(code), bool(roots_in_db or roots_in_file))
            if not errors:
                roots_in_file.append(code)
        else:
            errors = _parent_errors(code, row_no, spec, specs, existing)
        report.errors += errors
    report.errors += _cycle_errors(specs, existing, existing_parent)


def _check_kept_dates(specs, existing: dict[str, Unit], present: set[str], report: ImportReport) -> None:
    """With one date column missing, the kept date must still agree with the date in the file."""
    if {"opened_on", "closed_on"} <= present or not {"opened_on", "closed_on"} & present:
        return  # both dates come from the file (checked per row) or neither changes
    for code, (row_no, spec) in specs.items():
        unit = existing.get(code)
        if unit is None:
            continue
        opened = spec.opened_on if "opened_on" in present else unit.opened_on
        closed = spec.closed_on if "closed_on" in present else unit.closed_on
        if opened and closed and closed < opened:
            report.errors.append(
                RowError(row_no, dict(COLUMNS)["closed_on"], _("The closing date is before the opening date."))
            )


def _existing_parents(existing: dict[str, Unit]) -> dict[str, str]:
    code_by_path = {u.path: code for code, u in existing.items()}
    return {code: code_by_path.get(u.path[: -Unit.steplen]) for code, u in existing.items() if u.depth > 1}


def _order_parents_first(specs: dict[str, tuple[int, UnitSpec]]) -> list[UnitSpec]:
    ordered: list[UnitSpec] = []
    placed: set[str] = set()

    def place(code: str) -> None:
        if code in placed:
            return
        spec = specs[code][1]
        if spec.parent_code in specs:
            place(spec.parent_code)
        placed.add(code)
        ordered.append(spec)

    for code in specs:
        place(code)
    return ordered


def _check_scope(specs, existing, existing_parent, scope: Unit, report: ImportReport) -> None:
    """A coordinator of `scope` may change only units below it (and `scope`'s own fields)."""
    parent_col, code_col = dict(COLUMNS)["parent_code"], dict(COLUMNS)["code"]
    for code, (row_no, spec) in specs.items():
        unit = existing.get(code)
        if unit is not None and not scope.contains(unit):
            report.errors.append(
                RowError(
                    row_no, code_col, _("Unit “%(code)s” is outside %(scope)s.") % {"code": code, "scope": scope.name}
                )
            )
            continue
        if unit is not None and existing_parent.get(code) == spec.parent_code:
            continue  # parent unchanged
        if unit is not None and unit.pk == scope.pk:
            report.errors.append(
                RowError(row_no, parent_col, _("%(scope)s cannot be moved from this page.") % {"scope": scope.name})
            )
            continue
        parent = existing.get(spec.parent_code)
        if spec.parent_code not in specs and (parent is None or not scope.contains(parent)):
            report.errors.append(
                RowError(
                    row_no,
                    parent_col,
                    _("Parent unit “%(code)s” is outside %(scope)s.")
                    % {"code": spec.parent_code or "", "scope": scope.name},
                )
            )


def _read_rows(data: bytes, filename: str, report: ImportReport) -> list[tuple[int, dict]] | None:
    """The file's rows as (row number, {column key: cell}); None when the file cannot be read, lacks
    a required column or has no rows (the report says which)."""
    try:
        table = read_table(data, filename)
    except Refused as exc:
        report.errors.append(RowError(0, "", str(exc)))
        return None
    parsed = _parse_rows(table, report)
    report.rows = len(parsed)
    if report.errors:
        return None
    if not parsed:
        report.errors.append(RowError(0, "", _("The file has a header but no rows.")))
        return None
    return parsed


def _row_specs(parsed: list[tuple[int, dict]], report: ImportReport) -> dict[str, tuple[int, UnitSpec]]:
    """Code → (row number, spec) of the valid rows; a code on two rows is an error on the second."""
    specs: dict[str, tuple[int, UnitSpec]] = {}
    for row_no, raw in parsed:
        spec = _validate_row(row_no, raw, report)
        if spec is None:
            continue
        if spec.code in specs:
            message = _("Code “%(code)s” already appears on row %(row)s.")
            values = {"code": spec.code, "row": specs[spec.code][0]}
            report.errors.append(RowError(row_no, dict(COLUMNS)["code"], message % values))
            continue
        specs[spec.code] = (row_no, spec)
    return specs


def _update(actor, unit: Unit, spec: UnitSpec, present: set[str], filename: str) -> bool:
    """Write the file's values of the columns it has; True when something changed."""
    values = {name: value for name, value in spec.values().items() if name in present}
    # Compare in memory first: re-importing an unchanged export of 40,000 units writes nothing.
    return any(getattr(unit, name) != value for name, value in values.items()) and unit_update(
        actor=actor, unit=unit, values=values, reason=_("Import from %(file)s") % {"file": filename}
    )


def _apply(
    actor,
    specs: dict[str, tuple[int, UnitSpec]],
    existing: dict[str, Unit],
    existing_parent: dict[str, str],
    present: set[str],
    report: ImportReport,
) -> None:
    """Create, update and move the units, parents first. New units are created in bulk at the end,
    or earlier when an existing unit moves below one of them."""
    new_specs = []
    for spec in _order_parents_first(specs):
        unit = existing.get(spec.code)
        if unit is None:
            new_specs.append(spec)
            report.created.append(spec.code)
            continue
        changed = _update(actor, unit, spec, present, report.filename)
        if changed:
            report.updated.append(spec.code)
        moving = bool(spec.parent_code) and existing_parent.get(spec.code) != spec.parent_code
        if not changed and not moving:
            report.unchanged += 1
        if moving:
            new_parent = Unit.objects.get(code=spec.parent_code) if spec.parent_code in existing else None
            if new_parent is None:
                # The new parent is created in this same file: create it first.
                units_bulk_create(actor=actor, specs=list(new_specs))
                new_specs = []
                new_parent = Unit.objects.get(code=spec.parent_code)
            unit_move(actor=actor, unit=Unit.objects.get(pk=unit.pk), new_parent=new_parent)
            report.moved.append(spec.code)
    if new_specs:
        units_bulk_create(actor=actor, specs=new_specs)


def _log_import(actor, report: ImportReport) -> None:
    """One audit entry for the whole file, on the city union."""
    root = Unit.objects.filter(depth=1).first()
    if root is None:
        return
    log_action(
        actor=actor,
        action="unit.import",
        obj=root,
        changes={
            "file": [None, report.filename],
            "sha256": [None, report.sha256],
            "created": [None, len(report.created)],
            "updated": [None, len(report.updated)],
            "moved": [None, len(report.moved)],
        },
    )


def import_units(
    *, actor, data: bytes, filename: str, dry_run: bool = False, scope: Unit | None = None
) -> ImportReport:
    """Check a unit file and, if every row is valid and not a dry run, apply it in one transaction.

    With `scope`, every row must stay within that unit's subtree (a district coordinator cannot
    touch another district); without it (superuser) the file may describe the whole tree.
    """
    report = ImportReport(filename=filename, sha256=hashlib.sha256(data).hexdigest())
    parsed = _read_rows(data, filename, report)
    if parsed is None:
        return report
    specs = _row_specs(parsed, report)
    existing = {u.code: u for u in Unit.objects.only("code", "path", "depth", "kind", *UNIT_FIELDS)}
    existing_parent = _existing_parents(existing)
    # Columns missing from the file leave those fields of existing units as they are.
    present = set(parsed[0][1])
    _check_kept_dates(specs, existing, present, report)
    _check_tree(specs, existing, existing_parent, report)
    if scope is not None:
        _check_scope(specs, existing, existing_parent, scope, report)
    if report.errors:
        report.errors.sort(key=lambda e: e.row)
        return report
    with transaction.atomic():
        _apply(actor, specs, existing, existing_parent, present, report)
        _log_import(actor, report)
        if dry_run:
            transaction.set_rollback(True)
        else:
            report.applied = True
    return report


def export_rows(unit: Unit):
    """Rows of the unit's subtree in tree order, ready for write_xlsx / write_csv."""
    units = list(Unit.objects.subtree(unit).only("code", "path", "depth", *UNIT_FIELDS).order_by("path"))
    code_by_path = {u.path: u.code for u in units}
    parent_code_of_top = unit.ancestors().last().code if unit.depth > 1 else None
    for u in units:
        parent_code = code_by_path.get(u.path[: -Unit.steplen]) if u.pk != unit.pk else parent_code_of_top
        yield [
            u.code,
            parent_code,
            u.name,
            u.short_name,
            u.kind,
            u.emails,
            u.opened_on,
            u.closed_on,
            u.member_count,
            u.cadre_count,
        ]


def export_headers() -> list[str]:
    return [header for _key, header in COLUMNS]


def export_file(unit: Unit, fmt: str, progress=None) -> tuple[str, bytes]:
    """The subtree as a spreadsheet (xlsx or csv): its file name and bytes. `progress(percent)`,
    if given, hears how far it got (a city's 40,000 units take a few seconds)."""
    rows = []
    total = max(1, Unit.objects.subtree(unit).count()) if progress else 0  # counted only for a progress bar
    for n, row in enumerate(export_rows(unit), start=1):
        rows.append(row)
        if progress and n % 2000 == 0:
            progress(80 * n // total)
    if fmt == "xlsx":
        data = write_xlsx(export_headers(), rows, title=_("Units"))
    else:
        data = write_csv(export_headers(), rows)
    return f"don-vi-{unit.code}.{fmt}", data


def export_build(user, params: dict, progress) -> tuple[str, bytes]:
    """The background export of the directory (thidua.core.exports), access checked again."""
    unit = Unit.objects.filter(code=params.get("code")).first()
    if unit is None or not can_view_unit(user, unit) or params.get("fmt") not in ("xlsx", "csv"):
        raise Refused(_("This unit is not yours to export."))
    return export_file(unit, params["fmt"], progress)
