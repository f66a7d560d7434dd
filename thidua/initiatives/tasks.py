"""Similar initiatives, computed by the task engine (thidua/celery.py) rather than in the request.

The result of `queries.similar_to` is kept in the shared cache per initiative (and per audience:
everything counted for the council, the public gallery for the author), with a fingerprint of the
corpus it was computed from: the campaign's initiatives that count. A page shows a result whose
fingerprint is current; otherwise it asks the worker (once) and shows the previous result, if any,
marked as being updated, and asks again every two seconds (htmx). An initiative's texts do not
change once sent, so the set of initiatives is the whole corpus.

Without a broker the task runs in-process at once, so the page has the answer straight away.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass, field

from celery import shared_task
from django.core.cache import cache

from thidua.initiatives import queries
from thidua.initiatives.models import Initiative

log = logging.getLogger(__name__)
KEEP = 7 * 24 * 3600  # a result is exact while its fingerprint is current; a week keeps the cache small
ASKED = 300  # a computation asked for is not asked again for 5 minutes (a worker lost meanwhile: retried)
FAILED = 300  # a failure is shown for 5 minutes, then the computation is asked again


@dataclass
class Found:
    """What a page shows of the similar initiatives."""

    items: list[queries.Similar] = field(default_factory=list)
    computing: bool = False  # being (re)computed: `items` are the previous result, if any
    failed: bool = False  # the last computation failed: `items` are the previous result, if any


def _key(pk: int, public_only: bool) -> str:
    return f"initiatives:similar:{pk}:{int(public_only)}"


def _corpus(initiative: Initiative, public_only: bool) -> list[int]:
    qs = Initiative.objects.filter(campaign_id=initiative.campaign_id).counted()
    return list((qs.public() if public_only else qs).order_by("pk").values_list("pk", flat=True))


def _fingerprint(pks: list[int]) -> str:
    return hashlib.blake2b(",".join(map(str, pks)).encode(), digest_size=16).hexdigest()


def similar_compute(pk: int, public_only: bool) -> None:
    """Compute and keep one initiative's similar initiatives; a failure is kept as such (logged)."""
    initiative = Initiative.objects.select_related("campaign").filter(pk=pk).first()
    if initiative is None:
        return
    fingerprint = _fingerprint(_corpus(initiative, public_only))
    try:
        found = queries.similar_to(initiative, public_only=public_only)
    except Exception:  # a bug must not leave the page waiting for ever: it says so, and asks again later
        log.exception("similar initiatives of %s could not be computed", pk)
        previous = cache.get(_key(pk, public_only)) or {}
        cache.set(_key(pk, public_only), {**previous, "fingerprint": fingerprint, "failed": True}, FAILED)
        return
    matches = [[s.initiative.pk, s.score] for s in found]
    cache.set(_key(pk, public_only), {"fingerprint": fingerprint, "matches": matches}, KEEP)


@shared_task(name="thidua.initiatives.tasks.similar_compute_task")
def similar_compute_task(pk: int, public_only: bool = False) -> None:
    similar_compute(pk, public_only)


def similar_found(initiative: Initiative, *, public_only: bool = False) -> Found:
    """The similar initiatives as a page shows them, asking the worker for them when they are
    missing or computed from another set of initiatives. A read: nothing to wait for before asking."""
    pks = _corpus(initiative, public_only)
    fingerprint = _fingerprint(pks)
    kept = cache.get(_key(initiative.pk, public_only))
    if kept is None or kept.get("fingerprint") != fingerprint:
        if cache.add(f"{_key(initiative.pk, public_only)}:asked:{fingerprint}", True, ASKED):
            similar_compute_task.delay(initiative.pk, public_only)  # in-process without a broker
            kept = cache.get(_key(initiative.pk, public_only))
    current = kept is not None and kept.get("fingerprint") == fingerprint
    failed = current and kept.get("failed", False)
    matches = (kept or {}).get("matches", [])
    counted = set(pks)  # a previous result may name one merged since
    found = Initiative.objects.select_related("unit").in_bulk([pk for pk, _score in matches if pk in counted])
    items = [queries.Similar(found[pk], score) for pk, score in matches if pk in found]
    return Found(items=items, computing=not current, failed=failed)
