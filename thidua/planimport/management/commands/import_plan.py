"""Read a plan document and print its campaign definition (YAML) and the warnings to check."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from thidua.campaigns import definition as defn
from thidua.core.errors import Refused
from thidua.planimport.parser import import_text
from thidua.planimport.readers import read_document


class Command(BaseCommand):
    help = "Import FILE (.docx, .txt, .md, .pdf): print the draft definition, and the warnings on stderr."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--issuer", help="directory code of the issuing unit when the plan has no header")
        parser.add_argument("--slug", help="identifier of the campaign")

    def handle(self, *args, file, issuer, slug, **options):
        path = Path(file)
        try:
            text = read_document(path.read_bytes(), path.name)
        except OSError as exc:
            raise CommandError(f"Không đọc được tệp {file}: {exc.strerror}") from exc
        except Refused as exc:
            raise CommandError(str(exc)) from exc
        result = import_text(text, issuer_code=issuer, slug=slug)
        self.stdout.write(defn.dump_text(result.definition), ending="")
        for finding in result.warnings:
            self.stderr.write(f"Cảnh báo [{finding.where}]: {finding.message}")
