"""The figures template (.xlsx) for a whole subtree, and its upload: all rows or none."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _

from thidua.campaigns.models import Campaign, Indicator
from thidua.campaigns.queries import in_scope
from thidua.core import timeutils
from thidua.core.errors import Refused
from thidua.core.spreadsheets import read_table
from thidua.core.text import fold
from thidua.progress import rules, services
from thidua.progress.forms import default_denominator
from thidua.progress.models import IndicatorValue, ValueChange
from thidua.units.models import Unit

COLUMNS = [
    ("unit", "Mã đơn vị"),
    ("unit_name", "Tên đơn vị"),
    ("indicator", "Mã chỉ tiêu"),
    ("indicator_name", "Chỉ tiêu"),
    ("kind", "Loại"),
    ("value", "Giá trị"),
    ("out_of", "Trên tổng số (tỷ lệ)"),
    ("as_of", "Ngày số liệu"),
    ("version", "Phiên bản (không sửa)"),
]
_KEYS = {fold(header): key for key, header in COLUMNS} | {key: key for key, _h in COLUMNS}
KIND_WORDS = {Indicator.Kind.COUNT: "số lượng", Indicator.Kind.RATIO: "tỷ lệ", Indicator.Kind.SHARE: "có/không (1/0)"}
YES = {"1", "co", "yes", "x", "da", "true"}
NO = {"0", "khong", "no", "chua", "false"}


def template_rows(campaign: Campaign, unit: Unit, editable):
    """One row per (reporting unit in the subtree, indicator it reports), current values filled in."""
    indicators = list(campaign.indicators.order_by("order"))
    units = [u for u in Unit.objects.subtree(unit).order_by("path") if editable(u)]
    values = {
        (v.unit_id, v.indicator_id): v
        for v in IndicatorValue.objects.filter(indicator__campaign=campaign, unit__in=Unit.objects.subtree(unit))
    }
    for u in units:
        for i in indicators:
            if not in_scope(i, campaign, u) or (u.closed_on and i.kind != Indicator.Kind.COUNT):
                continue
            v = values.get((u.pk, i.pk))
            out_of = (v.denominator if v else default_denominator(i, u)) if i.kind == Indicator.Kind.RATIO else None
            yield [
                u.code,
                u.name,
                i.code,
                i.name,
                KIND_WORDS[i.kind],
                int(v.numerator) if v else None,
                int(out_of) if out_of is not None else None,
                v.as_of if v else None,
                v.version if v else 0,
            ]


def headers() -> list[str]:
    return [h for _k, h in COLUMNS]


@dataclass
class RowProblem:
    row: int
    message: str


@dataclass
class UploadReport:
    filename: str
    sha256: str
    rows: int = 0
    changed: int = 0
    unchanged: int = 0
    problems: list[RowProblem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # "warn" validation rules broken by the saved figures


# Thousands grouped by "." or "," (one kind): 20.000, 1,250, 1.234.567.
_GROUPED = re.compile(r"\d{1,3}(?:\.\d{3})+|\d{1,3}(?:,\d{3})+")


def _number(raw):
    if raw is None:
        return None
    if isinstance(raw, bool):
        raise ValueError
    if isinstance(raw, (int, float)):
        if float(raw) != int(raw):
            raise ValueError
        return int(raw)
    text = str(raw).strip().replace(" ", "")
    if _GROUPED.fullmatch(text):
        text = text.replace(".", "").replace(",", "")  # 20.000 → 20000; but 1,5 is not fifteen
    return int(text)


def _date(raw, default: dt.date) -> dt.date:
    if raw is None:
        return default
    if isinstance(raw, dt.datetime):
        return raw.date()
    if isinstance(raw, dt.date):
        return raw
    for fmt in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return dt.datetime.strptime(str(raw).strip(), fmt).date()
        except ValueError:
            continue
    raise ValueError


class _BadRow(Exception):
    """A row cannot be written; `messages` say why (all of them go on the report, on the row's number)."""

    def __init__(self, *messages: str):
        super().__init__(*messages)
        self.messages = messages


def _not_a_number(value) -> str:
    """The message for a cell that is neither a whole number nor a date (figures, version, as-of date)."""
    return _("“%(value)s” is not a whole number ≥ 0 (or a date as dd/mm/yyyy).") % {"value": value}


@dataclass
class _Upload:
    """What every row is checked against, and which (unit, indicator) the rows so far have taken."""

    campaign: Campaign
    scope: Unit
    editable: Callable[[Unit], bool]
    today: dt.date
    indicators: dict[str, Indicator]
    units: dict[str, Unit]
    current: dict[tuple[int, int], IndicatorValue]
    seen: dict[tuple[int, int], int] = field(default_factory=dict)

    @classmethod
    def start(cls, campaign: Campaign, scope: Unit, editable) -> _Upload:
        """The campaign's indicators, the units of the scope and their current values, read once."""
        values = IndicatorValue.objects.filter(indicator__campaign=campaign, unit__in=Unit.objects.subtree(scope))
        return cls(
            campaign=campaign,
            scope=scope,
            editable=editable,
            today=timeutils.local(timeutils.now()).date(),
            indicators={i.code: i for i in campaign.indicators.all()},
            units={u.code: u for u in Unit.objects.subtree(scope)},
            current={(v.unit_id, v.indicator_id): v for v in values},
        )


@dataclass(frozen=True)
class _Planned:
    """A filled-in row: the figures to write over the unit's current value (None if it has none)."""

    row_no: int
    indicator: Indicator
    unit: Unit
    numerator: int
    denominator: int | None
    as_of: dt.date
    existing: IndicatorValue | None

    @property
    def unchanged(self) -> bool:
        """The same figures as now: nothing to write (re-uploading a template changes nothing)."""
        existing = self.existing
        return bool(existing and existing.numerator == self.numerator and existing.denominator == self.denominator)

    @property
    def version(self) -> int:
        """The version the row replaces (0: no value yet), checked again at write time."""
        return self.existing.version if self.existing else 0


def _table(data: bytes, filename: str, report: UploadReport):
    """The uploaded template's table; None (and a problem on row 0) when it is not a readable .xlsx."""
    if not filename.lower().endswith(".xlsx"):
        report.problems.append(RowProblem(0, _("Upload the .xlsx template.")))
        return None
    try:
        return read_table(data, filename)
    except Refused as exc:
        report.problems.append(RowProblem(0, str(exc)))
        return None


def _columns(table, report: UploadReport) -> dict[int, str] | None:
    """Column index → key; None (and a problem on row 1) when a required column is missing."""
    columns = {i: _KEYS[fold(h)] for i, h in enumerate(table.headers) if fold(h) in _KEYS}
    missing = [h for k, h in COLUMNS if k in ("unit", "indicator", "value") and k not in columns.values()]
    if missing:
        report.problems.append(RowProblem(1, _("Missing column(s): %(columns)s.") % {"columns": ", ".join(missing)}))
        return None
    return columns


def _row_target(up: _Upload, raw: dict, row_no: int) -> tuple[Unit, Indicator]:
    """The row's unit and indicator: known, editable, reported by that unit, and not on an earlier row."""
    unit = up.units.get(str(raw.get("unit") or "").strip())
    indicator = up.indicators.get(str(raw.get("indicator") or "").strip())
    messages = []
    if unit is None:
        messages.append(
            _("Unit “%(code)s” is not in %(scope)s.") % {"code": raw.get("unit") or "", "scope": up.scope.name}
        )
    elif not up.editable(unit):
        messages.append(_("You may not enter figures for %(unit)s.") % {"unit": unit.name})
    if indicator is None:
        messages.append(_("Indicator “%(code)s” is not in this campaign.") % {"code": raw.get("indicator") or ""})
    if messages:
        raise _BadRow(*messages)
    if not in_scope(indicator, up.campaign, unit):
        raise _BadRow(_("%(unit)s does not report “%(name)s”.") % {"unit": unit.name, "name": indicator.name})
    key = (unit.pk, indicator.pk)
    if key in up.seen:
        raise _BadRow(_("The same unit and indicator are already on row %(row)s.") % {"row": up.seen[key]})
    up.seen[key] = row_no
    return unit, indicator


def _row_figures(indicator: Indicator, raw: dict, value, today: dt.date) -> tuple[int, int | None, dt.date]:
    """(numerator, denominator, as of) of a filled-in row; a share may be written yes/no."""
    try:
        if indicator.kind == Indicator.Kind.SHARE and fold(str(value)) in YES | NO:
            numerator = 1 if fold(str(value)) in YES else 0
        else:
            numerator = _number(value)
        denominator = _number(raw.get("out_of")) if indicator.kind == Indicator.Kind.RATIO else None
        services.check_value(indicator, numerator, denominator)
        as_of = _date(raw.get("as_of"), today)
    except Refused as exc:
        raise _BadRow(str(exc)) from exc
    except (ValueError, TypeError) as exc:
        raise _BadRow(_not_a_number(value)) from exc
    return numerator, denominator, as_of


def _check_version(raw: dict, unit: Unit, indicator: Indicator, existing: IndicatorValue | None) -> None:
    """The template's version column, when kept, must still be the value's version: otherwise
    someone changed the value after the template was downloaded."""
    try:
        version = _number(raw.get("version")) if raw.get("version") is not None else None
    except (ValueError, TypeError) as exc:
        raise _BadRow(_not_a_number(raw.get("version"))) from exc
    if version is not None and (existing.version if existing else 0) != version:
        message = _(
            "%(unit)s — “%(name)s” was changed by someone else after this template was downloaded (now %(value)s). Download a new template."
        )
        raise _BadRow(
            message % {"unit": unit.name, "name": indicator.name, "value": existing.numerator if existing else "—"}
        )


def _plan_row(up: _Upload, row_no: int, raw: dict) -> _Planned | None:
    """The figures a row asks for; None when its value is left empty. Raises _BadRow."""
    unit, indicator = _row_target(up, raw, row_no)
    value = raw.get("value")
    if value is None or str(value).strip() == "":
        return None
    numerator, denominator, as_of = _row_figures(indicator, raw, value, up.today)
    existing = up.current.get((unit.pk, indicator.pk))
    _check_version(raw, unit, indicator, existing)
    return _Planned(row_no, indicator, unit, numerator, denominator, as_of, existing)


def _write(actor, planned: list[_Planned], report: UploadReport) -> None:
    """All the planned rows in one transaction; a row refused at write time takes the others back."""
    with transaction.atomic():
        for row in planned:
            try:
                services.indicator_value_set(
                    actor=actor,
                    indicator=row.indicator,
                    unit=row.unit,
                    numerator=row.numerator,
                    denominator=row.denominator,
                    as_of=row.as_of,
                    expected_version=row.version,
                    origin=services.Origin(ValueChange.Source.UPLOAD, report.filename),
                )
            except Refused as exc:
                # Refused at write time (figures locked by an approval, changed a moment ago): name
                # the row and take back the rows already written.
                report.problems.append(RowProblem(row.row_no, str(exc)))
                transaction.set_rollback(True)
                return
        found = rules.check_units(planned[0].indicator.campaign, {r.unit.pk: r.unit for r in planned}.values())
        broken = [v for v in found if v.refuses]
        for violation in broken:  # named on the unit's first row of the file
            first_row = min(r.row_no for r in planned if r.unit.pk == violation.unit.pk)
            report.problems.append(RowProblem(first_row, violation.message))
        if broken:
            transaction.set_rollback(True)
            return
        report.warnings = [v.message for v in found]
    report.changed = len(planned)


def upload(*, actor, campaign: Campaign, scope: Unit, data: bytes, filename: str, editable) -> UploadReport:
    """Check every row; write all of them in one transaction, or none and say which rows are wrong."""
    report = UploadReport(filename=filename, sha256=hashlib.sha256(data).hexdigest())
    table = _table(data, filename, report)
    columns = _columns(table, report) if table is not None else None
    if columns is None:
        return report
    up = _Upload.start(campaign, scope, editable)
    planned = []
    for row_no, cells in table.rows:
        report.rows += 1
        raw = {key: (cells[i] if i < len(cells) else None) for i, key in columns.items()}
        try:
            row = _plan_row(up, row_no, raw)
        except _BadRow as bad:
            report.problems += [RowProblem(row_no, message) for message in bad.messages]
            continue
        if row is None:
            continue  # left empty: not reported, not zero
        if row.unchanged:
            report.unchanged += 1
            continue
        planned.append(row)
    if report.problems or not planned:
        return report
    _write(actor, planned, report)
    return report
