"""Typo tolerance over a small vocabulary (Vietnamese names are built from a few thousand syllables).

A deletion index: every word is stored under each string reachable by deleting up to two letters;
a query word's own deletions find the candidates, which are then checked with the optimal-string-
alignment distance (Damerau–Levenshtein with adjacent transpositions). Pure Python.
"""

from bisect import bisect_left
from collections import defaultdict
from collections.abc import Iterable
from itertools import combinations


def allowed_distance(word: str) -> int:
    """Typos tolerated in a word of this length: none below 3 letters, 1 up to 5, 2 from 6."""
    return 0 if len(word) < 3 else (1 if len(word) < 6 else 2)


def _deletions(word: str, depth: int) -> set[str]:
    out = {word}
    for n in range(1, min(depth, len(word) - 1) + 1):
        for positions in combinations(range(len(word)), n):
            out.add("".join(ch for i, ch in enumerate(word) if i not in positions))
    return out


def distance(a: str, b: str, limit: int = 2) -> int:
    """Optimal-string-alignment distance, stopping early above `limit` (returns limit + 1)."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cost = 0 if ca == cb else 1
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        if min(cur) > limit:
            return limit + 1
        prev2, prev = prev, cur
    return prev[-1]


class FuzzyIndex:
    def __init__(self, words: Iterable[str]) -> None:
        self.words = set(words)
        self._sorted: list[str] | None = None
        self._index: dict[str, set[str]] = defaultdict(set)
        for word in self.words:
            for key in _deletions(word, 2 if len(word) >= 6 else 1):
                self._index[key].add(word)

    def __len__(self) -> int:
        return len(self.words)

    def starting_with(self, prefix: str, limit: int) -> list[str] | None:
        """The vocabulary words that begin with `prefix` (itself too), or None when there are more than `limit`."""
        if self._sorted is None:
            self._sorted = sorted(self.words)
        start = bisect_left(self._sorted, prefix)
        found = []
        for word in self._sorted[start:start + limit + 1]:
            if not word.startswith(prefix):
                break
            found.append(word)
        return None if len(found) > limit else found

    def near(self, word: str) -> dict[str, int]:
        """Vocabulary words within the allowed distance of `word` (not the word itself), with distances."""
        limit = allowed_distance(word)
        if limit == 0:
            return {}
        found: dict[str, int] = {}
        for key in _deletions(word, limit):
            for candidate in self._index.get(key, ()):
                if candidate != word and candidate not in found:
                    d = distance(word, candidate, limit)
                    if d <= limit and allowed_distance(candidate) >= 1:
                        found[candidate] = d
        return found
