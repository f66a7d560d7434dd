"""Read the gateway's mailbox over IMAP once (cron, every few minutes:
`*/5 * * * * python manage.py mail_fetch`), or forever with `--loop`. Two runs at once never
file a message twice (see thidua.mailgateway.imap); a mailbox that cannot be reached is reported
and, with --loop, tried again at the next interval."""

from time import sleep

from django.core.management.base import BaseCommand, CommandError
from django.db import close_old_connections

from thidua.mailgateway import imap


class Command(BaseCommand):
    help = "Fetch unseen messages from the gateway's IMAP mailbox, store them, then file them or send them to triage."

    def add_arguments(self, parser):
        parser.add_argument("--loop", action="store_true", help="run forever")
        parser.add_argument("--interval", type=int, default=60, help="seconds between runs with --loop")
        parser.add_argument("--limit", type=int, default=500, help="at most this many messages a run")

    def handle(self, *args, loop, interval, limit, **options):
        if interval < 1 or limit < 1:
            raise CommandError("--interval and --limit must be ≥ 1")
        while True:
            try:
                result = imap.mailbox_fetch(limit=limit)
            except imap.MailboxError as exc:
                if not loop:
                    raise CommandError(str(exc)) from exc
                self.stderr.write(f"mail_fetch: {exc}")
            else:
                if result.locked:
                    self.stdout.write("mail_fetch: another run is working; nothing done.")
                elif result.seen or result.processed or options["verbosity"] > 1:
                    self.stdout.write(
                        f"mail_fetch: {result.seen} unseen, {result.stored} stored, "
                        f"{result.already} already stored, {result.skipped} skipped, {result.processed} read."
                    )
            if not loop:
                return
            close_old_connections()
            sleep(interval)
