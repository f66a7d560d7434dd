"""Files built in the background: a large spreadsheet or document is prepared by the task engine
(thidua/celery.py) while the user watches its progress, then downloaded from its page.

An app registers a kind in its AppConfig.ready() (`register`), with a function
`build(user, params, progress) -> (filename, bytes)`; `progress(percent)` may be called along the
way. `export_start` records the request and hands it to a worker after the commit (in-process,
at once, without a broker). A failure keeps the row with its message; nothing half-built is
offered. Exports are kept for `EXPORT_KEEP_DAYS`, then purged by the minute's jobs.
`send_or_prepare` is the step a view's spreadsheet takes: built now if small, else prepared.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass

from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

from thidua.core import timeutils
from thidua.core.audit import log_action
from thidua.core.errors import Refused
from thidua.core.models import Export

log = logging.getLogger(__name__)
KEEP_DAYS = 7
CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}

Build = Callable[[object, dict, Callable[[int], None]], tuple[str, bytes]]


@dataclass(frozen=True)
class Kind:
    name: str
    build: Build


_KINDS: dict[str, Kind] = {}


def register(name: str, build: Build) -> None:
    _KINDS[name] = Kind(name=name, build=build)


def export_start(*, user, kind: str, params: dict, title: str) -> Export:
    """Record the request; a worker builds it once this transaction commits."""
    if kind not in _KINDS:
        raise Refused(_("This kind of file cannot be prepared."))
    export = Export.objects.create(user=user, kind=kind, params=params, title=title[:200])
    transaction.on_commit(lambda: export_run_task.delay(export.pk))
    return export


def send_or_prepare(
    request, *, rows: int, kind: str, params: dict, title: str, build: Callable[[], tuple[str, bytes]]
) -> HttpResponse:
    """A spreadsheet of `rows` units: above `EXPORT_IN_BACKGROUND_UNITS` a worker builds it (the
    kind's builder, from `params`, checks access again) and the user goes to its progress page;
    a smaller one is built now (`build()`, the same file) and sent as an attachment."""
    if rows > settings.EXPORT_IN_BACKGROUND_UNITS:
        return redirect("export", pk=export_start(user=request.user, kind=kind, params=params, title=title).pk)
    filename, data = build()
    response = HttpResponse(data, content_type=CONTENT_TYPES.get(filename.rpartition(".")[2].lower()))
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


def _progress(export: Export) -> Callable[[int], None]:
    def report(percent: int) -> None:
        percent = max(0, min(99, int(percent)))
        if percent > export.progress:
            export.progress = percent
            Export.objects.filter(pk=export.pk).update(progress=percent)

    return report


def export_run(pk: int) -> Export | None:
    """Build one export (a second run of the same one does nothing)."""
    claimed = Export.objects.filter(pk=pk, status=Export.Status.QUEUED).update(status=Export.Status.RUNNING)
    if not claimed:
        return None
    export = Export.objects.select_related("user").get(pk=pk)
    try:
        filename, data = _KINDS[export.kind].build(export.user, export.params, _progress(export))
    except Refused as exc:
        return _finish(export, Export.Status.FAILED, message=str(exc))
    except Exception:  # a bug must not leave the user watching a bar that never moves
        log.exception("export %s failed", pk)
        return _finish(export, Export.Status.FAILED, message=_("The file could not be prepared. Please try again."))
    extension = filename.rpartition(".")[2].lower()
    return _finish(
        export, Export.Status.DONE, filename=filename, data=data, content_type=CONTENT_TYPES.get(extension, "")
    )


def _finish(export: Export, status: str, **fields) -> Export:
    for name, value in fields.items():
        setattr(export, name, value)
    export.status, export.finished_at = status, timeutils.now()
    export.progress = 100 if status == Export.Status.DONE else export.progress
    export.save()
    return export


@shared_task(name="thidua.core.exports.export_run_task")
def export_run_task(pk: int) -> None:
    export_run(pk)


def exports_purge(now: dt.datetime) -> int:
    """A job: exports older than KEEP_DAYS are deleted (their data with them)."""
    deleted, _by_model = Export.objects.filter(created_at__lt=now - dt.timedelta(days=KEEP_DAYS)).delete()
    return deleted


DOWNLOAD = "export.download"


def export_download_record(*, actor, export: Export, data: bytes):
    """A file prepared in the background (a large export, a document) goes into the audit trail
    when it is handed out, like one built during the request: what, for which parameters, and the
    SHA-256 of the bytes."""
    return log_action(
        actor=actor,
        action=DOWNLOAD,
        obj=export,
        changes={
            "kind": [None, export.kind],
            **{f"params.{key}": [None, value] for key, value in sorted(export.params.items())},
            "file": [None, export.filename],
            "size": [None, len(data)],
            "sha256": [None, hashlib.sha256(data).hexdigest()],
        },
    )
