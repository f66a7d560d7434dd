import datetime as dt
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from thidua.campaigns.models import Campaign
from thidua.core import timeutils
from thidua.core.errors import Refused
from thidua.documents import registry


class Command(BaseCommand):
    help = "Write a campaign's document (plan, reports, proposal, decision, certificates) from its live data."

    def add_arguments(self, parser):
        parser.add_argument("slug")
        parser.add_argument("--kind", required=True, choices=sorted(registry.KINDS))
        parser.add_argument("--out", required=True, help="the file to write")
        parser.add_argument("--approved-only", action="store_true", help="reports: approved figures only")
        parser.add_argument("--decision", default="", help="decision, certificates: its number (the latest by default)")
        parser.add_argument(
            "--as-of", default="", help="reports: the figures as they stood at the end of this day (YYYY-MM-DD)"
        )

    def handle(self, *args, slug, kind, out, approved_only, decision, as_of, **options):
        campaign = Campaign.objects.filter(slug=slug).first()
        if campaign is None:
            raise CommandError(f"No campaign {slug!r}.")
        spec = registry.KINDS[kind]
        opts = registry.Options(approved_only=approved_only)
        if as_of:
            try:
                day = dt.date.fromisoformat(as_of)
            except ValueError as exc:
                raise CommandError(f"--as-of: {as_of!r} is not a date (YYYY-MM-DD).") from exc
            opts.as_of = timeutils.vn_datetime(day + dt.timedelta(days=1)) - dt.timedelta(microseconds=1)
        if spec.needs_decision:
            opts.decision = (
                campaign.decisions.filter(number=decision).first() if decision else registry.latest_decision(campaign)
            )
            if opts.decision is None:
                raise CommandError(
                    f"No decision {decision!r} for {slug}." if decision else f"No decision for {slug} yet."
                )
        try:
            data = spec.build(campaign, opts)
        except Refused as exc:
            raise CommandError(str(exc)) from exc
        Path(out).write_bytes(data)
        self.stdout.write(f"{out}: {registry.file_name(spec, campaign, opts)}, {len(data):,} bytes")
