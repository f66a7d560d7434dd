"""The status badge of one unit for one document, as a tag: the board renders hundreds of them,
and an {% include %} per cell cost more than the rest of the page (submissions/_status.html is
the same markup for the pages that show one)."""

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext as _

from thidua.core.templatetags.thidua import duration_vi, vn_date

register = template.Library()

LABELS = {
    "on_time": lambda: _("on time"),
    "late": lambda: _("late"),
    "missing": lambda: _("missing"),
    "exempted": lambda: _("exempted"),
}


@register.simple_tag
def status_badge(cell):
    if not cell:
        return format_html('<span class="st st-none">{}</span>', "—")
    status = cell.status if cell.status in LABELS else "awaiting"
    label = LABELS[status]() if status in LABELS else _("not yet")
    title = ""
    if status == "late":
        title = duration_vi(cell.late_by)
    elif status == "exempted":
        title = cell.exception.reason
    html = format_html('<span class="st st-{}"{}>{}</span>', status, _title(title), label)
    if cell.exception is not None and cell.exception.kind == "extension":
        html += format_html(
            ' <small class="muted"{}>⏱ {}</small>', _title(cell.exception.reason), vn_date(cell.deadline)
        )
    if cell.review == "accepted":
        html += format_html(' <small title="{}">✔</small>', _("Accepted"))
    elif cell.review == "supplement":
        html += format_html(' <small title="{}">↺</small>', _("Supplement requested"))
    return html


def _title(text: str):
    return format_html(' title="{}"', text) if text else ""
