"""Similar ideas: TF-IDF over folded Vietnamese syllables (unigrams and bigrams), cosine similarity.

Pure Python, offline. Vietnamese words are mostly two syllables ("hành chính", "ngập nước"), so
syllable bigrams carry most of the meaning and unigrams catch the rest; folding (no accents, lower
case) makes "mot cua" and "một cửa" the same. A few thousand initiatives index in well under a
second; far beyond that, keep the vectors instead of rebuilding them per request.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from thidua.core.text import fold

# Function words that say nothing about the topic (folded). Bigrams containing one are dropped.
# Kept short on purpose: folding merges words ("cua" is both "của" and "một cửa", "cho" both
# "cho" and "chợ", "khi" both "khi" and "không khí"), and IDF already weighs down what is common.
STOPWORDS = frozenset("va cac nhung la voi nay theo tren duoi hoac rat nhieu neu giup nham nguoi".split())
# Title words count more than the body's: a title is what two people proposing the same idea share.
TITLE_WEIGHT = 2
_WORD = re.compile(r"[a-z0-9]+")


def syllables(text: str) -> list[str]:
    return _WORD.findall(fold(text))


def features(text: str) -> Counter:
    """Term counts: syllable unigrams and adjacent-syllable bigrams, without function words."""
    words = syllables(text)
    terms: Counter = Counter(w for w in words if w not in STOPWORDS and len(w) > 1)
    for a, b in zip(words, words[1:]):
        if a not in STOPWORDS and b not in STOPWORDS:
            terms[f"{a} {b}"] += 1
    return terms


def document_text(title: str, *parts: str) -> str:
    return " \n ".join([title] * TITLE_WEIGHT + [p for p in parts if p])


@dataclass
class Match:
    key: object
    score: float


class Index:
    """TF-IDF vectors (log-scaled term frequency × smoothed IDF, L2-normalised) of a corpus."""

    def __init__(self, documents: Iterable[tuple[object, str]]):
        counts = [(key, features(text)) for key, text in documents]
        df: Counter = Counter()
        for _key, terms in counts:
            df.update(terms.keys())
        n = len(counts)
        self.idf = {term: math.log((1 + n) / (1 + d)) + 1.0 for term, d in df.items()}
        self.vectors = {key: self._vector(terms) for key, terms in counts}

    def _vector(self, terms: Counter) -> dict[str, float]:
        # A term the corpus never saw gets the highest IDF; it cannot match anything anyway.
        default = max(self.idf.values(), default=1.0)
        vec = {t: (1.0 + math.log(c)) * self.idf.get(t, default) for t, c in terms.items()}
        norm = math.sqrt(sum(v * v for v in vec.values()))
        return {t: v / norm for t, v in vec.items()} if norm else {}

    def query(self, text: str, *, limit: int = 5, exclude=(), min_score: float = 0.05) -> list[Match]:
        """The `limit` documents most similar to `text`, best first (scores between 0 and 1)."""
        vec = self._vector(features(text))
        excluded = set(exclude)
        scored = []
        for key, other in self.vectors.items():
            if key in excluded or not other:
                continue
            small, large = (vec, other) if len(vec) < len(other) else (other, vec)
            score = sum(w * large.get(t, 0.0) for t, w in small.items())
            if score >= min_score:
                scored.append(Match(key=key, score=round(score, 3)))
        scored.sort(key=lambda m: (-m.score, str(m.key)))
        return scored[:limit]
