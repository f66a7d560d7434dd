"""Load a campaign definition file; prints the warnings a coordinator must check."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from thidua.campaigns import definition as defn
from thidua.campaigns.services import campaign_load


class Command(BaseCommand):
    help = "Load campaign definition FILE (YAML or JSON). All-or-nothing; --replace overwrites the same slug."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--replace", action="store_true", help="replace the campaign with the same slug")

    def handle(self, *args, file, replace, **options):
        path = Path(file)
        try:
            raw = path.read_bytes()
            text = raw.decode("utf-8-sig")
        except OSError as exc:
            raise CommandError(f"Không đọc được tệp {file}: {exc.strerror}") from exc
        except UnicodeDecodeError as exc:
            raise CommandError(f"Tệp {file} không phải văn bản UTF-8.") from exc
        try:
            result = campaign_load(actor=None, definition=defn.parse_text(text), replace=replace, source=raw)
        except defn.DefinitionError as exc:
            raise CommandError(
                "Tệp định nghĩa không hợp lệ, không có gì được thay đổi:\n- " + "\n- ".join(exc.problems)
            ) from exc
        verb = "Đã tạo" if result.created else "Đã thay thế"
        self.stdout.write(f"{verb} đợt thi đua {result.campaign.slug} ({result.campaign.get_status_display()}).")
        for finding in result.warnings:
            self.stdout.write(f"Cảnh báo [{finding.where}]: {finding.message}")
