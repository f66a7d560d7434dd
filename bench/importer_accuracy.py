"""The plan importer's accuracy on real plans (issue 14): run the importer on every plan of the corpus
(tests/plans/real/<slug>.txt) and compare what it read with the expected facts (<slug>.expected.yaml),
field by field.

    .venv/bin/python bench/importer_accuracy.py            # the per-field table and the overall figure
    .venv/bin/python bench/importer_accuracy.py --plans    # and every plan's wrong values
    .venv/bin/python bench/importer_accuracy.py --json     # the figures as JSON
    .venv/bin/python bench/importer_accuracy.py --only a,b # the same, on the plans a and b alone

What is counted (tests/plans/real/README.md has the format of the truth):
- a scalar field (the header's name, number, place and date; the title; the period; the signature's position
  and name) is right when the value read is one of the acceptable answers — `null` included;
- a list (targets, activities, assignments, milestones, distribution) counts one unit per expected item
  (right when read, wrong when missed) and one wrong unit per item read that the plan does not have;
  an activity's date counts once per activity read and expected;
- an *invented* value is one given where the truth has none: a header field, title, period or signature
  where the plan states nothing, a deadline or a target the plan does not set;
- a wrong value is *warned* when the import has a warning about that field (its path, or its section for
  a missed item).

The scoring functions take a plan's text and its truth and need Django set up with a unit directory;
`main()` sets up a throw-away database with the demo directory (as the tests do) and runs them.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import yaml

CORPUS = Path(__file__).resolve().parent.parent / "tests" / "plans" / "real"
UPLOADER = "QD1"  # the unit that uploads the plans: a district union of the demo directory
NO_TITLE = "Kế hoạch (không có tiêu đề)"
FIELDS = (
    "issuer_name",
    "document_number",
    "place",
    "date",
    "title",
    "period",
    "targets",
    "activities",
    "activity_dates",
    "assignments",
    "milestones",
    "distribution",
    "signature",
)
QUOTES_RE = re.compile(r"[“”\"‘’'`]+")
SPACE_RE = re.compile(r"\s+")
EDGE_PUNCT = " .;:,-–"


def norm(value) -> str | None:
    """A value as compared: NFC, lower case, one kind of quote, single spaces, no punctuation at the ends."""
    if value is None:
        return None
    text = unicodedata.normalize("NFC", str(value)).casefold()
    text = QUOTES_RE.sub('"', text)
    text = SPACE_RE.sub(" ", text).strip(EDGE_PUNCT + '"')
    return text or None


def tight(value) -> str | None:
    """Compared without spaces and dots: numbers ("225 - KH/TWĐTN") and places ("Tp.Hồ Chí Minh")."""
    text = norm(value)
    return re.sub(r"[\s.]+", "", text) if text else None


def source_text(path: Path) -> str:
    """The plan's text without the corpus' comment block."""
    lines = path.read_text(encoding="utf-8").split("\n")
    while lines and lines[0].startswith("#"):
        lines.pop(0)
    return "\n".join(lines)


@dataclass
class Tally:
    right: int = 0
    wrong: int = 0
    warned: int = 0  # wrong units that carry a warning
    invented: int = 0
    empty: int = 0  # right units where the plan states nothing and nothing was read
    notes: list = field(default_factory=list)

    def add(
        self, ok: bool, *, warned: bool = False, invented: bool = False, note: str = "", empty: bool = False
    ) -> None:
        if ok:
            self.right += 1
            self.empty += empty
            return
        self.wrong += 1
        self.warned += warned
        self.invented += invented
        self.notes.append(note + (" [warned]" if warned else "") + (" [invented]" if invented else ""))


class Plan:
    """One import compared with its truth."""

    def __init__(self, slug: str, result, truth: dict):
        self.slug, self.result, self.truth = slug, result, truth
        self.d = result.definition
        self.tallies: dict[str, Tally] = defaultdict(Tally)

    # --- warnings -------------------------------------------------------------------------------------

    def warned(self, *prefixes: str, codes: tuple[str, ...] = ()) -> bool:
        """Is there a warning whose path starts with one of `prefixes` (as a whole segment) or has one of `codes`?"""
        for w in self.result.warnings:
            if w.code in codes:
                return True
            for prefix in prefixes:
                if w.where == prefix or w.where.startswith((prefix + ".", prefix + "[")):
                    return True
        return False

    # --- scalars --------------------------------------------------------------------------------------

    def scalar(self, name: str, got, accepted: list, *, key=norm, where: str) -> None:
        accepted = accepted if isinstance(accepted, list) else [accepted]
        wanted = {key(a) for a in accepted}
        ok = key(got) in wanted
        invented = got is not None and wanted == {None}
        self.tallies[name].add(
            ok,
            warned=not ok and self.warned(where),
            invented=invented,
            note=f"{name}: {got!r} ≠ {accepted!r}",
            empty=key(got) is None,
        )

    def header(self) -> None:
        issuer, t = self.d["issuer"], self.truth
        self.scalar("issuer_name", issuer.get("name"), t["issuer_name"], where="issuer")
        self.scalar("document_number", issuer.get("document_number"), t["document_number"], key=tight, where="issuer")
        self.scalar("place", issuer.get("place"), t["place"], key=tight, where="issuer")
        self.scalar("date", issuer.get("date"), [t["date"]], key=lambda v: str(v) if v else None, where="issuer")
        title = None if self.d["title"] == NO_TITLE else self.d["title"]
        self.scalar("title", title, t["title"], where="title")

    def period(self) -> None:
        p = self.d["period"] or {}
        got = (p.get("start"), p.get("end"))
        truth = self.truth["period"]
        wanted = [tuple(truth) if truth else (None, None)]
        wanted += [tuple(a) for a in self.truth.get("period_alternatives") or []]
        wanted = [tuple(str(x) if x else None for x in w) for w in wanted]
        ok = got in wanted
        invented = got != (None, None) and wanted == [(None, None)]
        self.tallies["period"].add(
            ok,
            warned=not ok and self.warned("period"),
            invented=invented,
            note=f"period: {got} ≠ {wanted}",
            empty=got == (None, None),
        )

    def signature(self) -> None:
        sig, truth = self.d.get("signature") or {}, self.truth.get("signature") or {}
        for part in ("position", "name"):
            got, want = sig.get(part), truth.get(part)
            if got is None and want is None:
                continue  # a first page without a signature, read as such: not counted
            ok = norm(got) == norm(want)
            self.tallies["signature"].add(
                ok,
                warned=not ok and self.warned("signature"),
                invented=got is not None and want is None,
                note=f"signature.{part}: {got!r} ≠ {want!r}",
            )

    # --- lists ----------------------------------------------------------------------------------------

    def match_list(self, name: str, expected: list, got: list, same, *, missed_where: str, invents: bool) -> dict:
        """Greedy matching in order; returns {expected index: got index}. `got` holds (value, warning path)."""
        used: dict[int, int] = {}
        tally = self.tallies[name]
        for i, item in enumerate(expected):
            j = next((j for j, (g, _w) in enumerate(got) if j not in used.values() and same(item, g)), None)
            if j is not None:
                used[i] = j
                tally.add(True)
            elif not item.get("optional"):
                tally.add(False, warned=self.warned(missed_where), note=f"{name}: missed {item}")
        for j, (g, where) in enumerate(got):
            if j not in used.values():
                tally.add(False, warned=self.warned(where), invented=invents, note=f"{name}: spurious {g!r} ({where})")
        return used

    def targets(self) -> None:
        got = [(g["target"]["value"], f"goals[{i}]") for i, g in enumerate(self.d["goals"], 1) if g.get("target")]
        got += [
            (a["target"]["value"], f"activities[{i}]") for i, a in enumerate(self.d["activities"], 1) if a.get("target")
        ]
        self.match_list(
            "targets",
            self.truth["targets"],
            got,
            lambda item, g: float(item["value"]) == float(g),
            missed_where="goals",
            invents=True,
        )
        # A missed target is flagged when the import says a number was left unattached.
        tally = self.tallies["targets"]
        if any(w.code == "number_not_attached" for w in self.result.warnings):
            unwarned = [n for n in tally.notes if "missed" in n and "[warned]" not in n]
            tally.warned += len(unwarned)
            tally.notes = [n + " [warned]" if n in unwarned else n for n in tally.notes]

    def activities(self) -> None:
        acts = self.d["activities"]
        got = [(norm(a.get("description") or a.get("title") or ""), f"activities[{i}]") for i, a in enumerate(acts, 1)]

        def same(item, g):
            start = norm(item["starts"])
            return g is not None and start in g[: len(start) + 40]

        used = self.match_list(
            "activities", self.truth["activities"], got, same, missed_where="activities", invents=False
        )
        for i, j in used.items():
            want, have = self.truth["activities"][i].get("date"), acts[j].get("date")
            if want is None and have is None:
                continue
            ok = str(want) == str(have)
            self.tallies["activity_dates"].add(
                ok,
                warned=not ok and self.warned(f"activities[{j + 1}]"),
                invented=have is not None and want is None,
                note=f"activity_dates: {acts[j].get('description', '')[:30]!r} {have} ≠ {want}",
            )

    def _assignments_read(self) -> list:
        got = [
            (s["name"] or s["unit"], f"activities[{i}]")
            for i, a in enumerate(self.d["activities"], 1)
            for s in a.get("assignments") or []
        ]
        span = self.result.spans.get("coordinator.unit")
        if span is not None:
            got.append((self.result.text[span.start : span.end], "coordinator"))
        for path, span in sorted(self.result.spans.items()):
            if path.startswith("unit_duties["):  # one span per unit named in the organisation section
                got.append((self.result.text[span.start : span.end], path))
        return got

    def assignments(self) -> None:
        def same(item, g):
            a, b = norm(item["name"]), norm(g)
            return bool(a and b) and (a in b or b in a)

        self.match_list(
            "assignments",
            self.truth["assignments"],
            self._assignments_read(),
            same,
            missed_where="assignments",
            invents=False,
        )

    def milestones(self) -> None:
        got = [(m["deadline"][:10], f"milestones[{i}]") for i, m in enumerate(self.d["milestones"], 1)]
        if self.d.get("registration_deadline"):
            got.append((self.d["registration_deadline"][:10], "registration_deadline"))
        self.match_list(
            "milestones",
            self.truth["milestones"],
            got,
            lambda item, g: g in [str(x) for x in item["date"]],
            missed_where="milestones",
            invents=True,
        )

    def distribution(self) -> None:
        got = [(norm(r), "distribution") for r in self.d.get("distribution") or []]
        expected = [{"text": r} for r in self.truth["distribution"]]
        self.match_list(
            "distribution",
            expected,
            got,
            lambda item, g: norm(item["text"]) == g,
            missed_where="distribution",
            invents=False,
        )

    def score(self) -> Plan:
        self.header()
        self.period()
        self.targets()
        self.activities()
        self.assignments()
        self.milestones()
        self.distribution()
        self.signature()
        return self


def score_plan(slug: str, *, uploader: str = UPLOADER) -> Plan:
    """Import tests/plans/real/<slug>.txt as `uploader` and compare it with its truth."""
    from thidua.planimport.parser import import_text

    truth = _truth(slug)
    result = import_text(source_text(CORPUS / f"{slug}.txt"), issuer_code=uploader)
    return Plan(slug, result, truth).score()


def _truth(slug: str) -> dict:
    return yaml.safe_load((CORPUS / f"{slug}.expected.yaml").read_text(encoding="utf-8"))


def slugs() -> list[str]:
    return sorted(p.name[: -len(".expected.yaml")] for p in CORPUS.glob("*.expected.yaml"))


def score_corpus(only: list[str] | None = None) -> dict:
    """Every plan of the corpus (or the plans `only` names) scored: per-field and overall figures, the slowest
    import, every wrong value."""
    chosen = slugs()
    if only:
        unknown = sorted(set(only) - set(chosen))
        if unknown:
            raise ValueError(f"not in the corpus: {', '.join(unknown)}")
        chosen = [s for s in chosen if s in only]
    totals: dict[str, Tally] = {name: Tally() for name in FIELDS}
    heldout = Tally()  # the plans added after the parser work (truth "heldout: true"), all fields together
    plans, slowest = {}, 0.0
    for slug in chosen:
        start = time.perf_counter()
        plan = score_plan(slug)
        slowest = max(slowest, time.perf_counter() - start)
        plans[slug] = []
        for name, tally in plan.tallies.items():
            total = totals[name]
            total.right += tally.right
            total.wrong += tally.wrong
            total.warned += tally.warned
            total.invented += tally.invented
            total.empty += tally.empty
            plans[slug] += tally.notes
            if plan.truth.get("heldout"):
                heldout.right += tally.right
                heldout.wrong += tally.wrong
                heldout.warned += tally.warned
                heldout.invented += tally.invented
    right = sum(t.right for t in totals.values())
    wrong = sum(t.wrong for t in totals.values())
    warned = sum(t.warned for t in totals.values())
    empty = sum(t.empty for t in totals.values())
    return {
        "plans": len(plans),
        "fields": {n: {"right": t.right, "total": t.right + t.wrong, "warned": t.warned} for n, t in totals.items()},
        "right": right,
        "total": right + wrong,
        "accuracy": right / (right + wrong) if right + wrong else 1.0,
        "right_with_value": right - empty,
        "total_with_value": right + wrong - empty,
        "invented": sum(t.invented for t in totals.values()),
        "wrong": wrong,
        "warned": warned,
        "warned_share": warned / wrong if wrong else 1.0,
        "slowest_seconds": slowest,
        "heldout": {
            "plans": sum(1 for s in chosen if _truth(s).get("heldout")),
            "right": heldout.right,
            "total": heldout.right + heldout.wrong,
            "warned": heldout.warned,
            "invented": heldout.invented,
        },
        "wrong_values": plans,
    }


def _pct(a: int, b: int) -> str:
    return f"{100 * a / b:5.1f} %" if b else "    –  "


def print_report(figures: dict, *, per_plan: bool) -> None:
    print(f"Plan importer accuracy on {figures['plans']} real plans (tests/plans/real)\n")
    print("| field | right / total | accuracy | wrong values warned |")
    print("|---|---:|---:|---:|")
    for name, f in figures["fields"].items():
        wrong = f["total"] - f["right"]
        print(f"| {name} | {f['right']} / {f['total']} | {_pct(f['right'], f['total'])} | {f['warned']} / {wrong} |")
    print(
        f"| **overall** | {figures['right']} / {figures['total']} | {_pct(figures['right'], figures['total'])} "
        f"| {figures['warned']} / {figures['wrong']} |"
    )
    print(
        f"\nwithout the fields rightly left empty: {figures['right_with_value']} / {figures['total_with_value']} "
        f"({_pct(figures['right_with_value'], figures['total_with_value']).strip()})"
    )
    print(f"invented values: {figures['invented']}")
    print(f"wrong values with a warning: {_pct(figures['warned'], figures['wrong'])}")
    h = figures["heldout"]
    if h["plans"]:
        print(
            f"held-out plans only ({h['plans']}, added after the parser work): {h['right']} / {h['total']} "
            f"({_pct(h['right'], h['total']).strip()}), {h['invented']} invented, "
            f"{h['warned']} / {h['total'] - h['right']} wrong values warned"
        )
    print(f"slowest import: {figures['slowest_seconds']:.2f} s")
    if per_plan:
        for slug, notes in figures["wrong_values"].items():
            if notes:
                print(f"\n{slug}:")
                for note in notes:
                    print(f"  - {note}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--plans", action="store_true", help="list every plan's wrong values")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--only", metavar="SLUG,...", help="score these plans of the corpus alone")
    args = parser.parse_args()
    only = [s.strip() for s in args.only.split(",") if s.strip()] if args.only else None
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import common  # noqa: F401  (Django on a throw-away database)
    from django.core.management import call_command

    from thidua.demo.directory import build_directory

    call_command("migrate", verbosity=0)
    build_directory(actor=None, branches=60)
    figures = score_corpus(only)
    if args.json:
        print(json.dumps(figures, ensure_ascii=False, indent=1))
    else:
        print_report(figures, per_plan=args.plans)


if __name__ == "__main__":
    main()
