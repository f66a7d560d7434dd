"""Remove stored files no row references (after a crash between writing a file and committing its
row) and report rows whose file is missing. Safe to run from cron."""

from django.core.management.base import BaseCommand

from thidua.core.files import reconcile


class Command(BaseCommand):
    help = "Remove unreferenced uploaded files older than the grace period; list missing ones."

    def add_arguments(self, parser):
        parser.add_argument("--grace", type=int, default=3600, help="seconds a new file may wait for its row")
        parser.add_argument("--dry-run", action="store_true")

    def handle(self, *args, grace, dry_run, **options):
        result = reconcile(grace_seconds=grace, dry_run=dry_run)
        verb = "sẽ xoá" if dry_run else "đã xoá"
        self.stdout.write(f"{verb} {len(result['removed'])} tệp không còn dùng; thiếu {len(result['missing'])} tệp.")
        for sha in result["missing"]:
            self.stderr.write(f"THIẾU TỆP: {sha}")
