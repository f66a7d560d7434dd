"""Run the background jobs once (cron, every minute: `* * * * * python manage.py run_jobs`), or
forever with `--loop`. Every job is idempotent: two runs at once, or a run after a crash, never
send a reminder twice (see thidua.core.jobs)."""

import time

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from thidua.core import jobs


class Command(BaseCommand):
    help = "Run the background jobs: reminders, digests, departments' reminders, purges, e-mail (safe every minute)."

    def add_arguments(self, parser):
        parser.add_argument("--loop", action="store_true", help="run forever, once a minute")
        parser.add_argument("--interval", type=int, default=60, help="seconds between runs with --loop")

    def handle(self, *args, loop, interval, **options):
        labels = {job.name: job.label for job in jobs.registered()} | {"outbox": _("e-mails retried")}
        while True:
            done = jobs.jobs_run()
            if any(done.values()) or None in done.values() or options["verbosity"] > 1:
                self.stdout.write(
                    ", ".join(f"{labels[name]}: {_('failed') if n is None else n}" for name, n in done.items())
                )
            if not loop:
                return
            time.sleep(interval)
