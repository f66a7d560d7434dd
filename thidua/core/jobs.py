"""Background work, run every minute by `python manage.py run_jobs` (cron) or `run_jobs --loop`.

Each app registers its jobs in its AppConfig.ready() (deadline reminders, the daily digest, the
departments' reminders, purges), so this module needs no app and every app imports downward
only. A job is a function of the current time returning how many things it did; it must be
idempotent (claims in the database, see thidua.core.outbox.claim). One job that fails is logged
and the others still run; the outbox is delivered last, so a message queued by any job goes out
in the same run.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass

from thidua.core import timeutils
from thidua.core.outbox import outbox_deliver

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Job:
    name: str
    label: str  # shown in the command's output
    run: Callable[[dt.datetime], int]


_JOBS: dict[str, Job] = {}


def register(name: str, run: Callable[[dt.datetime], int], *, label: str) -> None:
    """Add a job (from an AppConfig.ready()); registering the same name again replaces it."""
    _JOBS[name] = Job(name=name, label=label, run=run)


def registered() -> list[Job]:
    return list(_JOBS.values())


def jobs_run(now: dt.datetime | None = None) -> dict[str, int | None]:
    """Run every job once, then deliver the outbox. None for a job that failed (it is logged)."""
    now = now or timeutils.now()
    done: dict[str, int | None] = {}
    for job in registered():
        try:
            done[job.name] = job.run(now)
        except Exception:  # one broken job must not stop reminders for everyone else
            log.exception("job %s failed", job.name)
            done[job.name] = None
    done["outbox"] = outbox_deliver(now)
    return done
