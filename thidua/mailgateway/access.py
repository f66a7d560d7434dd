"""Who sees the gateway's messages and decides on them: coordinators only, each for the units of
their subtree (the message's unit, or a unit it was matched to as a candidate). A message from an
unknown address, matched to no unit, is seen by the coordinators of a top unit (the city union,
whose mailbox the gateway reads). Built on thidua.units.access."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q
from django.http import Http404

from thidua.campaigns import access as campaign_access
from thidua.mailgateway.models import InboundMessage
from thidua.units import access as units_access
from thidua.units.models import Unit, path_prefix_q


def may_use_triage(user) -> bool:
    """Coordinates at least one unit: sees the triage page (with the messages of their units)."""
    return bool(units_access.managed_units(user))


def visible_messages(user):
    """The messages of the user's subtrees. Written from the messages' side (their unit's path, and
    their candidates' paths), never as "unit in <every unit of the subtree>": with 219,000 units
    that subquery cost ~0.4 s, on every page, for the top bar's count."""
    qs = InboundMessage.objects.select_related("unit", "milestone", "milestone__campaign", "submission")
    if getattr(user, "is_superuser", False):
        return qs
    tops = units_access.role_units(user, units_access.MANAGE_ROLES)
    if not tops:
        return qs.none()
    in_tops = Q(pk__in=[])  # a row whose `unit` lies in one of the subtrees (a message, or a candidate link)
    for top in tops:
        in_tops |= path_prefix_q(top.path, "unit__path")
    candidates = InboundMessage.candidate_units.through.objects.filter(in_tops)
    reach = in_tops | Q(pk__in=candidates.values("inboundmessage_id"))
    if any(top.depth == 1 for top in tops):  # a top unit's coordinators also see mail matched to no unit
        any_candidate = InboundMessage.candidate_units.through.objects.filter(inboundmessage_id=OuterRef("pk"))
        reach |= Q(unit__isnull=True) & ~Exists(any_candidate)
    return qs.filter(reach)


def get_message_or_404(user, pk: int) -> InboundMessage:
    message = visible_messages(user).filter(pk=pk).first()
    if message is None:
        raise Http404
    return message


def may_file_for(user, unit: Unit, milestone) -> bool:
    """Files a message for a unit the user coordinates, in a campaign the user sees."""
    return units_access.can_manage_unit(user, unit) and campaign_access.can_view_campaign(user, milestone.campaign)
