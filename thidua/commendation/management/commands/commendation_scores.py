"""Print a campaign's ranking in each emulation cluster, with every criterion's points."""

import csv

from django.core.management.base import BaseCommand, CommandError

from thidua.campaigns.models import Campaign
from thidua.commendation import scoring


class Command(BaseCommand):
    help = "Ranking of SLUG's units in each cluster (or --cluster CODE), every criterion's points; --csv for a spreadsheet."

    def add_arguments(self, parser):
        parser.add_argument("slug")
        parser.add_argument("--cluster", help="only this cluster's code")
        parser.add_argument(
            "--csv", dest="as_csv", action="store_true", help="comma-separated values with a header row"
        )

    def handle(self, *args, slug, cluster=None, as_csv=False, **options):
        campaign = Campaign.objects.filter(slug=slug).select_related("issuer_unit").first()
        if campaign is None:
            raise CommandError(f"Không có đợt thi đua “{slug}”.")
        clusters = list(campaign.clusters.all())
        if cluster:
            clusters = [c for c in clusters if c.code == cluster]
            if not clusters:
                raise CommandError(f"Đợt thi đua không có cụm “{cluster}”.")
        if not clusters or not campaign.criteria.exists():
            raise CommandError("Đợt thi đua chưa có cụm thi đua hoặc bảng tiêu chí.")
        criteria = list(campaign.criteria.all())
        rows = [
            [
                c.code,
                s.rank,
                s.unit.code,
                s.unit.name,
                *[(line.points if line.applicable else "") for line in s.lines],
                s.adjustment_total,
                s.total,
                s.max_total,
                s.percent,
            ]
            for c in clusters
            for s in scoring.ranking(campaign, c)
        ]
        if as_csv:
            self._csv(criteria, rows)
            return
        for c in clusters:
            self.stdout.write(f"\n{c.name} ({c.code})")
            header = "  ".join(f"{k.code:>6}" for k in criteria)
            self.stdout.write(f"{'hạng':>4}  {'đơn vị':<40}  {header}  {'+/-':>6}  {'tổng':>7}  {'%':>6}")
            for row in (r for r in rows if r[0] == c.code):
                points = "  ".join(f"{str(p):>6}" for p in row[4 : 4 + len(criteria)])
                self.stdout.write(
                    f"{row[1]:>4}  {row[3][:40]:<40}  {points}  {str(row[-4]):>6}  {str(row[-3]):>7}  {str(row[-1]):>6}"
                )

    def _csv(self, criteria, rows):
        writer = csv.writer(self.stdout, lineterminator="\n")
        writer.writerow(
            [
                "cluster",
                "rank",
                "unit_code",
                "unit",
                *[k.code for k in criteria],
                "adjustments",
                "total",
                "max",
                "percent",
            ]
        )
        writer.writerows(rows)
