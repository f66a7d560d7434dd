"""Recount the initiative indicators of every campaign collecting initiatives (a repair tool: the
portal's services keep them in step on every change). Idempotent: writes only what differs."""

from django.core.management.base import BaseCommand

from thidua.initiatives.feed import initiatives_feed
from thidua.initiatives.queries import open_campaigns


class Command(BaseCommand):
    help = "Recount submitted / feasible / forwarded initiatives per unit into the campaigns' indicators."

    def handle(self, *args, **options):
        for campaign in open_campaigns():
            written = initiatives_feed(actor=None, campaign=campaign)
            self.stdout.write(f"{campaign.slug}: {written} giá trị được cập nhật.")
