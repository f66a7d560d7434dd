"""Print a campaign's definition file (format thidua.campaign/1) to standard output."""

from django.core.management.base import BaseCommand, CommandError

from thidua.campaigns import definition as defn
from thidua.campaigns.models import Campaign


class Command(BaseCommand):
    help = "Print the definition of campaign SLUG (YAML, format thidua.campaign/1)."

    def add_arguments(self, parser):
        parser.add_argument("slug")

    def handle(self, *args, slug, **options):
        campaign = Campaign.objects.filter(slug=slug).first()
        if campaign is None:
            known = ", ".join(Campaign.objects.values_list("slug", flat=True)) or "—"
            raise CommandError(f"Không có đợt thi đua “{slug}”. Hiện có: {known}")
        self.stdout.write(defn.dump_text(defn.export_definition(campaign)), ending="")
