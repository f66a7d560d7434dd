"""Send due deadline reminders and the coordinators' daily digest.

Idempotent and safe from cron every minute (`* * * * * python manage.py send_reminders`); each
reminder is claimed in the database before it is sent, so nothing goes out twice. `--loop` keeps
running (for the demo or a supervisor) and does the same work once a minute.
"""

import time

from django.core.management.base import BaseCommand

from thidua.submissions.reminders import reminders_run


class Command(BaseCommand):
    help = "Send due reminders and daily digests (safe to run every minute)."

    def add_arguments(self, parser):
        parser.add_argument("--loop", action="store_true", help="run forever, once a minute")
        parser.add_argument("--interval", type=int, default=60, help="seconds between runs with --loop")

    def handle(self, *args, loop, interval, **options):
        while True:
            report = reminders_run()
            if report.reminders or report.digests or options["verbosity"] > 1:
                self.stdout.write(
                    f"nhắc hạn: {report.reminders}, tổng hợp ngày: {report.digests}, đã gửi trước đó: {report.skipped_claimed}"
                )
            if not loop:
                return
            time.sleep(interval)
