"""The plan importer's output is stable: every plan kept under tests/ imports to exactly the draft
definition (YAML, as `manage.py import_plan` prints it) and the warnings committed in
tests/plans/expected/<plan>.yaml — the seed plan, the test plans (the Word congress plan built by
test_planimport_parser included), the two PDFs and the real plans of tests/plans/real.

Any change of the importer's output fails here, however small. When the change is meant, write the
files again and read the diff before committing it:

    UPDATE_GOLDEN=1 .venv/bin/python -m pytest -p no:randomly tests/test_planimport_golden.py

The output depends on the unit directory the names are matched against: the demo directory of the
`demo_tree` fixture (60 branches), as in the importer's other tests.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.utils import translation

from thidua.campaigns import definition as defn
from thidua.planimport.parser import ImportResult, import_text
from thidua.planimport.readers import read_document

from .test_planimport_parser import PLAN_DIR, SEED_PLAN, build_congress_docx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
import importer_accuracy  # noqa: E402  (no Django set-up at import)

pytestmark = pytest.mark.django_db

EXPECTED_DIR = PLAN_DIR / "expected"
UPDATE = os.environ.get("UPDATE_GOLDEN") == "1"


@dataclass(frozen=True)
class Plan:
    name: str  # of its expected file, without ".yaml"
    path: Path | None  # None: built here (the Word congress plan)
    issuer_code: str | None = None  # as the importer's other tests pass it

    def text(self) -> str:
        if self.path is None:
            return read_document(build_congress_docx(), "dai-hoi-doan-2022.docx")
        if self.path.parent == importer_accuracy.CORPUS:
            return importer_accuracy.source_text(self.path)  # without the corpus' comment block
        return read_document(self.path.read_bytes(), self.path.name)


def plans() -> list[Plan]:
    found = [Plan("seed-ke-hoach-2023", SEED_PLAN)]
    found += [Plan(p.stem, p) for p in sorted(PLAN_DIR.iterdir()) if p.suffix in (".txt", ".md")]
    found.append(Plan("dai-hoi-doan-2022", None))
    found += [Plan(f"pdf-{p.stem}", p, "QD1") for p in sorted((PLAN_DIR / "pdf").glob("*.pdf"))]
    found += [
        Plan(f"real-{slug}", importer_accuracy.CORPUS / f"{slug}.txt", "QD1") for slug in importer_accuracy.slugs()
    ]
    return found


def rendered(result: ImportResult) -> str:
    """The definition as the import command prints it, then the warnings as YAML comments."""
    lines = [f"# {w.code} [{w.where}] {' '.join(str(w.message).split())}" for w in result.warnings]
    return defn.dump_text(result.definition) + "# warnings:\n" + "".join(line + "\n" for line in lines)


@pytest.mark.parametrize("plan", plans(), ids=lambda plan: plan.name)
def test_the_importer_gives_the_committed_output(demo_tree, plan):
    with translation.override("vi"):  # the warnings' language is the coordinators'
        got = rendered(import_text(plan.text(), issuer_code=plan.issuer_code))
    expected = EXPECTED_DIR / f"{plan.name}.yaml"
    if UPDATE:
        EXPECTED_DIR.mkdir(exist_ok=True)
        if not expected.exists() or expected.read_bytes() != got.encode():
            expected.write_bytes(got.encode())
    assert expected.exists(), f"no {expected.relative_to(PLAN_DIR.parent)}: run with UPDATE_GOLDEN=1"
    assert got == expected.read_bytes().decode("utf-8"), (  # bytes as committed: no newline translation
        f"the importer's output for {plan.name} changed; if meant, run with UPDATE_GOLDEN=1 and review the diff"
    )


def test_every_expected_file_belongs_to_a_plan():
    """A plan removed or renamed takes its expected file with it (none is left to rot)."""
    names = {plan.name for plan in plans()}
    assert len(names) == len(plans())
    stale = sorted(p.name for p in EXPECTED_DIR.glob("*.yaml") if p.stem not in names)
    if UPDATE:
        for name in stale:
            (EXPECTED_DIR / name).unlink()
        stale = []
    assert stale == [], "expected files without a plan (UPDATE_GOLDEN=1 removes them)"
