"""Matching unit names as plans write them to the unit directory."""

from __future__ import annotations

import difflib
import re

from thidua.core.text import fold
from thidua.units.models import Unit

# --- 3. the unit directory ------------------------------------------------------------------------

_KEY_SUBS = [
    (re.compile(r"\btp\s*\.?\s*hcm\b|\btphcm\b"), " thanh pho ho chi minh "),
    (re.compile(r"\btp\b\.?"), " thanh pho "),
    (re.compile(r"\bhcm\b"), " ho chi minh "),
    (re.compile(r"\bq\s*\.\s*(\d+)\b|\bq(\d+)\b"), lambda m: f" quan {m[1] or m[2]} "),
    (re.compile(r"\bqd\b\.?"), " quan doan "),
    (re.compile(r"\bhd\b\.?"), " huyen doan "),
    (re.compile(r"\btd\b\.?"), " thanh doan "),
    (re.compile(r"\bdhqg\b"), " dai hoc quoc gia "),
    (re.compile(r"\bdh\b"), " dai hoc "),
    (re.compile(r"\btt\b"), " trung tam "),
    (re.compile(r"\bnvh\b"), " nha van hoa "),
    (re.compile(r"\bbv\b"), " benh vien "),
    (re.compile(r"\bh\s*\.\s*(?=[a-z])"), " huyen "),
    (re.compile(r"\bp\s*\.\s*(?=\w)"), " phuong "),
]
_SUFFIXES = ("thanh doan", "thanh pho ho chi minh", "thanh pho", "ho chi minh", "dai hoc quoc gia")
_CITY_KEYS = {
    "thanh doan",
    "doan thanh pho ho chi minh",
    "thanh doan thanh pho ho chi minh",
    "thanh doan ho chi minh",
    "doan tncs ho chi minh thanh pho ho chi minh",
}


def _key(text: str) -> str:
    k = fold(text).replace("&", " va ")
    for rx, rep in _KEY_SUBS:
        k = rx.sub(rep, k)
    return re.sub(r"[^a-z0-9]+", " ", k).strip()


def _variants(key: str) -> set[str]:
    """The key with "Thành Đoàn" / "Thành phố" / "Đoàn" … dropped around the name."""
    out, todo = {key}, [key]
    while todo:
        v = todo.pop()
        new = []
        for suffix in _SUFFIXES:
            if v.endswith(" " + suffix) and len(v) > len(suffix) + 1:
                new.append(v[: -len(suffix) - 1])
        for prefix in ("doan ", "cac ", "truong "):
            if v.startswith(prefix) and len(v.split()) > 2:
                new.append(v[len(prefix) :])
        m = re.match(r"(quan|huyen) doan (.+)", v)
        if m:
            new.append(f"{m[1]} {m[2]}")
        if v.startswith("thanh doan thanh pho "):
            new.append("thanh doan " + v[len("thanh doan thanh pho ") :])
        for n in new:
            if n and n not in out:
                out.add(n)
                todo.append(n)
    return out


def _abbreviations(key: str) -> set[str]:
    words = key.split()
    return {" ".join(words[:i] + ["".join(w[0] for w in words[i:])]) for i in range(len(words) - 1)}


def _placeholder_code(name: str) -> str:
    code = re.sub(r"[^A-Z0-9]+", "-", fold(name).upper()).strip("-")
    return code[:40].rstrip("-") or "UNIT"


class _Directory:
    """The units a plan may name: the root, its children, and the issuer's two levels below."""

    def __init__(self) -> None:
        self.units: dict[str, dict] = {}
        self.exact: dict[str, set[str]] = {}
        self.variant: dict[str, set[str]] = {}
        self.abbrev: dict[str, set[str]] = {}
        self.keys: dict[str, set[str]] = {}
        fields = ("code", "name", "short_name", "kind", "path", "depth")
        rows = list(Unit.objects.filter(depth__lte=2).order_by("path").values(*fields))
        self.root = next((r for r in rows if r["depth"] == 1), None)
        for row in rows:
            self._add(row)

    def add_subtree(self, code: str) -> None:
        unit = self.units.get(code)
        if not unit or unit["depth"] < 2:
            return
        rows = Unit.objects.filter(path__startswith=unit["path"], depth__lte=unit["depth"] + 2)
        for row in rows.values("code", "name", "short_name", "kind", "path", "depth"):
            self._add(row)

    def _add(self, row: dict) -> None:
        code = row["code"]
        if code in self.units:
            return
        self.units[code] = row
        full = [_key(n) for n in (row["name"], row["short_name"]) if n]
        self.keys[code] = set(full) | {min(_variants(k), key=len) for k in full}
        for k in [*full, code.lower()]:
            self.exact.setdefault(k, set()).add(code)
        for k in full:
            for v in _variants(k):
                self.variant.setdefault(v, set()).add(code)
                for a in _abbreviations(v):
                    self.abbrev.setdefault(a, set()).add(code)

    @staticmethod
    def _unique(codes: set[str] | None) -> str | None:
        return next(iter(codes)) if codes and len(codes) == 1 else None

    def match(self, name: str) -> str | None:
        hit = self._match(name)
        if hit is None and "(" in name:
            hit = self._match(re.sub(r"\([^)]*\)?", " ", name))
        return hit

    def _match(self, name: str) -> str | None:
        key = _key(name)
        if not key:
            return None
        if key in _CITY_KEYS and self.root:
            return self.root["code"]
        hit = self._unique(self.exact.get(key))
        if hit:
            return hit
        variants = sorted(_variants(key), key=lambda v: (-len(v), v))
        for v in variants:
            hit = self._unique(self.exact.get(v)) or self._unique(self.variant.get(v))
            if hit:
                return hit
        if re.search(r"(?<!\w)[A-ZĐ]{2,}", name):  # an abbreviation such as "Ban CNLĐ"
            for v in variants:
                words = v.split()
                for i in range(len(words)):
                    hit = self._unique(self.abbrev.get(" ".join(words[:i] + ["".join(words[i:])])))
                    if hit:
                        return hit
        return None

    def closest(self, name: str, n: int = 3) -> list[tuple[str, str, float]]:
        key = _key(name)
        scored = []
        matcher = difflib.SequenceMatcher(autojunk=False)
        matcher.set_seq2(key)
        floor = 0.0
        for code, keys in self.keys.items():
            best = 0.0
            for k in keys:
                matcher.set_seq1(k)
                if matcher.real_quick_ratio() <= max(best, floor) or matcher.quick_ratio() <= max(best, floor):
                    continue
                best = max(best, matcher.ratio())
            if best > floor:
                scored.append((best, code))
                scored.sort(key=lambda x: (-x[0], x[1]))
                del scored[n:]
                if len(scored) == n:
                    floor = scored[-1][0]
        return [(code, self.units[code]["name"], round(score, 3)) for score, code in scored]

    def kind(self, code: str) -> str | None:
        unit = self.units.get(code)
        return unit["kind"] if unit else None
