"""Download buttons for a campaign's documents, showing only what the reader may have and what
exists (a decision's documents once it is recorded)."""

from urllib.parse import urlencode

from django import template
from django.urls import reverse
from django.utils.translation import gettext as _

from thidua.documents import registry

register = template.Library()


@register.inclusion_tag("documents/_buttons.html", takes_context=True)
def document_buttons(context, campaign, kinds="", unit=None, decision=None):
    """`kinds`: slugs separated by spaces (every kind by default); `unit`: that unit's certificates;
    `decision`: that decision's documents (the latest by default)."""
    user = context["request"].user
    decision = decision or registry.latest_decision(campaign)
    links = []
    for slug in kinds.split() or list(registry.KINDS):
        spec = registry.KINDS[slug]
        options = registry.Options()
        query = {}
        if spec.needs_decision:
            options.decision = decision
            if decision is not None and decision != registry.latest_decision(campaign):
                query["quyet-dinh"] = decision.pk
            if unit is not None:
                options.unit = unit
                query["don-vi"] = unit.code
        if not spec.ready(campaign, options) or not registry.prepare(spec, campaign, user, options):
            continue
        url = reverse("documents:download", kwargs={"slug": campaign.slug, "kind": slug})
        links.append({"url": f"{url}?{urlencode(query)}" if query else url, "label": spec.label, "ext": spec.extension})
        if slug in REPORTS:  # for the Standing Committee's meeting: only what the units above approved
            label = _("%(document)s, approved figures only") % {"document": spec.label}
            links.append({"url": f"{url}?da-xac-nhan=1", "label": label, "ext": spec.extension})
    return {"links": links}


REPORTS = ("midterm-report", "final-report")
