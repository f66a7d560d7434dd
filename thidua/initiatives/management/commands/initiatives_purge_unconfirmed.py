"""Delete initiatives never confirmed by e-mail (and their files). Safe to run daily from cron."""

import datetime as dt

from django.core.management.base import BaseCommand

from thidua.initiatives.services import unconfirmed_purge


class Command(BaseCommand):
    help = "Delete initiatives whose e-mail was not confirmed within --days days (default 7)."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=7)

    def handle(self, *args, days, **options):
        count = unconfirmed_purge(older_than=dt.timedelta(days=max(days, 3)))  # never before the link expires
        self.stdout.write(f"đã xoá {count} sáng kiến chưa xác nhận e-mail")
