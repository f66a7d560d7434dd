"""The figures template (.xlsx) for a whole subtree, and its upload: all rows or none."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _

from thidua.campaigns.models import Campaign, Indicator
from thidua.campaigns.queries import in_scope
from thidua.core import timeutils
from thidua.core.errors import Refused
from thidua.core.spreadsheets import read_table
from thidua.core.text import fold
from thidua.progress import services
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
                u.code, u.name, i.code, i.name, KIND_WORDS[i.kind],
                int(v.numerator) if v else None, int(out_of) if out_of is not None else None,
                v.as_of if v else None, v.version if v else 0,
            ]  # fmt: skip


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


def upload(*, actor, campaign: Campaign, scope: Unit, data: bytes, filename: str, editable) -> UploadReport:
    """Check every row; write all of them in one transaction, or none and say which rows are wrong."""
    report = UploadReport(filename=filename, sha256=hashlib.sha256(data).hexdigest())
    if not filename.lower().endswith(".xlsx"):
        report.problems.append(RowProblem(0, _("Upload the .xlsx template.")))
        return report
    try:
        table = read_table(data, filename)
    except Refused as exc:
        report.problems.append(RowProblem(0, str(exc)))
        return report
    columns = {i: _KEYS[fold(h)] for i, h in enumerate(table.headers) if fold(h) in _KEYS}
    missing = [h for k, h in COLUMNS if k in ("unit", "indicator", "value") and k not in columns.values()]
    if missing:
        report.problems.append(RowProblem(1, _("Missing column(s): %(columns)s.") % {"columns": ", ".join(missing)}))
        return report
    indicators = {i.code: i for i in campaign.indicators.all()}
    units = {u.code: u for u in Unit.objects.subtree(scope)}
    current = {
        (v.unit_id, v.indicator_id): v
        for v in IndicatorValue.objects.filter(indicator__campaign=campaign, unit__in=Unit.objects.subtree(scope))
    }
    today = timeutils.local(timeutils.now()).date()
    planned, seen = [], {}
    for row_no, cells in table.rows:
        report.rows += 1
        raw = {key: (cells[i] if i < len(cells) else None) for i, key in columns.items()}
        problems_before = len(report.problems)

        def problem(message, row_no=row_no):
            report.problems.append(RowProblem(row_no, message))

        unit = units.get(str(raw.get("unit") or "").strip())
        indicator = indicators.get(str(raw.get("indicator") or "").strip())
        if unit is None:
            problem(_("Unit “%(code)s” is not in %(scope)s.") % {"code": raw.get("unit") or "", "scope": scope.name})
        elif not editable(unit):
            problem(_("You may not enter figures for %(unit)s.") % {"unit": unit.name})
        if indicator is None:
            problem(_("Indicator “%(code)s” is not in this campaign.") % {"code": raw.get("indicator") or ""})
        if unit is None or indicator is None or len(report.problems) > problems_before:
            continue
        if not in_scope(indicator, campaign, unit):
            problem(_("%(unit)s does not report “%(name)s”.") % {"unit": unit.name, "name": indicator.name})
            continue
        if (unit.pk, indicator.pk) in seen:
            problem(
                _("The same unit and indicator are already on row %(row)s.") % {"row": seen[(unit.pk, indicator.pk)]}
            )
            continue
        seen[(unit.pk, indicator.pk)] = row_no
        value = raw.get("value")
        if value is None or str(value).strip() == "":
            continue  # left empty: not reported, not zero
        try:
            if indicator.kind == Indicator.Kind.SHARE and fold(str(value)) in YES | NO:
                numerator = 1 if fold(str(value)) in YES else 0
            else:
                numerator = _number(value)
            denominator = _number(raw.get("out_of")) if indicator.kind == Indicator.Kind.RATIO else None
            services.check_value(indicator, numerator, denominator)
            as_of = _date(raw.get("as_of"), today)
        except Refused as exc:
            problem(str(exc))
            continue
        except (ValueError, TypeError):
            problem(_("“%(value)s” is not a whole number ≥ 0 (or a date as dd/mm/yyyy).") % {"value": value})
            continue
        existing = current.get((unit.pk, indicator.pk))
        try:
            version = _number(raw.get("version")) if raw.get("version") is not None else None
        except (ValueError, TypeError):
            problem(
                _("“%(value)s” is not a whole number ≥ 0 (or a date as dd/mm/yyyy).") % {"value": raw.get("version")}
            )
            continue
        if version is not None and (existing.version if existing else 0) != version:
            problem(
                _(
                    "%(unit)s — “%(name)s” was changed by someone else after this template was downloaded (now %(value)s). Download a new template."
                )
                % {"unit": unit.name, "name": indicator.name, "value": existing.numerator if existing else "—"}
            )
            continue
        if (
            existing
            and existing.numerator == numerator
            and existing.denominator == denominator
            and existing.as_of == as_of
        ):
            report.unchanged += 1
            continue
        planned.append((row_no, indicator, unit, numerator, denominator, as_of, existing.version if existing else 0))
    if report.problems:
        return report
    with transaction.atomic():
        for row_no, indicator, unit, numerator, denominator, as_of, version in planned:
            try:
                services.indicator_value_set(
                    actor=actor,
                    indicator=indicator,
                    unit=unit,
                    numerator=numerator,
                    denominator=denominator,
                    as_of=as_of,
                    expected_version=version,
                    origin=services.Origin(ValueChange.Source.UPLOAD, filename),
                )
            except Refused as exc:
                # Refused at write time (figures locked by an approval, changed a moment ago): name
                # the row and take back the rows already written.
                report.problems.append(RowProblem(row_no, str(exc)))
                transaction.set_rollback(True)
                return report
    report.changed = len(planned)
    return report
