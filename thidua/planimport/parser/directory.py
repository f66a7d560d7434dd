"""Matching unit names as plans write them to the unit directory."""

from __future__ import annotations

import difflib
import re

from thidua.core.text import fold
from thidua.units.models import Unit

# Abbreviations spelled out in a folded name, in this order (each pattern is tried on the result of the last):
KEY_SUBSTITUTIONS = [
    (re.compile(r"\btp\s*\.?\s*hcm\b|\btphcm\b"), " thanh pho ho chi minh "),  # "TP.HCM", "TPHCM"
    (re.compile(r"\btp\b\.?"), " thanh pho "),  # "TP. Thủ Đức"
    (re.compile(r"\bhcm\b"), " ho chi minh "),  # "Đoàn TNCS HCM"
    (re.compile(r"\bq\s*\.\s*(\d+)\b|\bq(\d+)\b"), lambda m: f" quan {m[1] or m[2]} "),  # "Q.1", "Q1"
    (re.compile(r"\bqd\b\.?"), " quan doan "),  # "QĐ 3"
    (re.compile(r"\bhd\b\.?"), " huyen doan "),  # "HĐ Nhà Bè"
    (re.compile(r"\btd\b\.?"), " thanh doan "),  # "Văn phòng TĐ"
    (re.compile(r"\bdhqg\b"), " dai hoc quoc gia "),  # "Đoàn ĐHQG"
    (re.compile(r"\bdh\b"), " dai hoc "),  # "Trường ĐH Bách khoa"
    (re.compile(r"\btt\b"), " trung tam "),  # "TT Hỗ trợ thanh niên công nhân"
    (re.compile(r"\bnvh\b"), " nha van hoa "),  # "NVH Thanh niên"
    (re.compile(r"\bbv\b"), " benh vien "),  # "BV Chợ Rẫy"
    (re.compile(r"\bh\s*\.\s*(?=[a-z])"), " huyen "),  # "H. Nhà Bè"
    (re.compile(r"\bp\s*\.\s*(?=\w)"), " phuong "),  # "P. Bến Nghé"
]
# Anything but letters and digits in a key: "thanh doan - tp.hcm" → "thanh doan tp hcm".
NON_KEY_RE = re.compile(r"[^a-z0-9]+")
# Anything but capitals and digits in a placeholder code: "BAN CNLĐ (MỚI)" → "BAN-CNLD-MOI".
NON_CODE_RE = re.compile(r"[^A-Z0-9]+")
# A district or county union named with "Đoàn" inside, folded: "quan doan 1" → also "quan 1".
DISTRICT_UNION_KEY_RE = re.compile(r"(quan|huyen) doan (.+)")
# A parenthesis in a name, closed or not: "Trung tâm Hỗ trợ thanh niên (TT HTTN)".
PARENTHESIS_RE = re.compile(r"\([^)]*\)?")
# An abbreviation in capitals: "CNLĐ" in "Ban CNLĐ", "TNCS".
ABBREVIATION_RE = re.compile(r"(?<!\w)[A-ZĐ]{2,}")
# Words around a name that can be dropped: "Ban Tổ chức Thành Đoàn" → "Ban Tổ chức".
SUFFIXES = ("thanh doan", "thanh pho ho chi minh", "thanh pho", "ho chi minh", "dai hoc quoc gia")
# Keys that all name the city union, the directory's root.
CITY_KEYS = {
    "thanh doan",
    "doan thanh pho ho chi minh",
    "thanh doan thanh pho ho chi minh",
    "thanh doan ho chi minh",
    "doan tncs ho chi minh thanh pho ho chi minh",
}


def unit_key(text: str) -> str:
    """A name as a lookup key: accent- and case-folded, abbreviations spelled out, only letters and digits."""
    k = fold(text).replace("&", " va ")
    for rx, rep in KEY_SUBSTITUTIONS:
        k = rx.sub(rep, k)
    return NON_KEY_RE.sub(" ", k).strip()


def key_variants(key: str) -> set[str]:
    """The key with "Thành Đoàn" / "Thành phố" / "Đoàn" … dropped around the name."""
    out, todo = {key}, [key]
    while todo:
        v = todo.pop()
        new = []
        for suffix in SUFFIXES:
            if v.endswith(" " + suffix) and len(v) > len(suffix) + 1:
                new.append(v[: -len(suffix) - 1])
        for prefix in ("doan ", "cac ", "truong "):
            if v.startswith(prefix) and len(v.split()) > 2:
                new.append(v[len(prefix) :])
        m = DISTRICT_UNION_KEY_RE.match(v)
        if m:
            new.append(f"{m[1]} {m[2]}")
        if v.startswith("thanh doan thanh pho "):
            new.append("thanh doan " + v[len("thanh doan thanh pho ") :])
        for n in new:
            if n and n not in out:
                out.add(n)
                todo.append(n)
    return out


def abbreviations(key: str) -> set[str]:
    """The key with its last words shortened to initials: "ban cong nhan lao dong" → "ban cnld", "ban cong nld" …."""
    words = key.split()
    return {" ".join(words[:i] + ["".join(w[0] for w in words[i:])]) for i in range(len(words) - 1)}


def placeholder_code(name: str) -> str:
    """A code made from a name not in the directory: "Ban Xyz Thành Đoàn" → "BAN-XYZ-THANH-DOAN"."""
    code = NON_CODE_RE.sub("-", fold(name).upper()).strip("-")
    return code[:40].rstrip("-") or "UNIT"


class Directory:
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
        """Add the two levels below the unit `code` (the issuer's own units), when it is below the root."""
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
        full = [unit_key(n) for n in (row["name"], row["short_name"]) if n]
        self.keys[code] = set(full) | {min(key_variants(k), key=len) for k in full}
        for k in [*full, code.lower()]:
            self.exact.setdefault(k, set()).add(code)
        for k in full:
            for v in key_variants(k):
                self.variant.setdefault(v, set()).add(code)
                for a in abbreviations(v):
                    self.abbrev.setdefault(a, set()).add(code)

    @staticmethod
    def _unique(codes: set[str] | None) -> str | None:
        return next(iter(codes)) if codes and len(codes) == 1 else None

    def match(self, name: str) -> str | None:
        """The code of the one unit `name` names, else None (none or several match)."""
        hit = self._match(name)
        if hit is None and "(" in name:
            hit = self._match(PARENTHESIS_RE.sub(" ", name))
        return hit

    def _match(self, name: str) -> str | None:
        key = unit_key(name)
        if not key:
            return None
        if key in CITY_KEYS and self.root:
            return self.root["code"]
        hit = self._unique(self.exact.get(key))
        if hit:
            return hit
        variants = sorted(key_variants(key), key=lambda v: (-len(v), v))
        for v in variants:
            hit = self._unique(self.exact.get(v)) or self._unique(self.variant.get(v))
            if hit:
                return hit
        if ABBREVIATION_RE.search(name):  # an abbreviation such as "Ban CNLĐ"
            for v in variants:
                words = v.split()
                for i in range(len(words)):
                    hit = self._unique(self.abbrev.get(" ".join(words[:i] + ["".join(words[i:])])))
                    if hit:
                        return hit
        return None

    def closest(self, name: str, n: int = 3) -> list[tuple[str, str, float]]:
        """The `n` units whose names are closest to `name` (difflib ratio): (code, name, ratio), best first."""
        key = unit_key(name)
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
        """The unit's kind (UnitKind value), or None for a code not in the directory."""
        unit = self.units.get(code)
        return unit["kind"] if unit else None
