"""Search quality on a generated province: desk-style queries (no accents, typos, swapped order, aliases,
old and new place names, approximate years, dossier numbers; and the later kinds: a relative's name and year, initials)
must find their dossier — overall and for every kind of query on its own (a kind that got worse must not hide behind
the others)."""

from collections import Counter, defaultdict
from pathlib import Path

import pytest

from hoso.gazetteer.services import load_unit_file
from hoso.records.demo import ProvinceGenerator
from hoso.records.services import bulk_register_dossiers
from hoso.search.evaluation import KINDS, LATER_KINDS, desk_queries
from hoso.search.services import search

FIXTURES = Path(__file__).resolve().parents[2] / "src" / "hoso" / "gazetteer" / "fixtures"
RECALL, FIRST = 0.99, 0.93


@pytest.fixture
def province(actor):
    for name in ("communes-demo.csv", "mapping-demo.csv"):
        load_unit_file(actor=actor, path=FIXTURES / name)
    bulk_register_dossiers(actor=actor, seeds=ProvinceGenerator(people=6000, seed=44), source="test")


def measure(actor, queries) -> tuple[dict[str, list[int]], list]:
    """Per kind: [queries, found first, found in the top 10]; and the queries whose dossier was not first."""
    by_kind: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    misses = []
    for q in queries:
        found = [h.dossier_number for h in search(actor=actor, text=q.text, limit=10, audit=False).hits]
        counts = by_kind[q.kind]
        counts[0] += 1
        counts[1] += bool(found) and found[0] == q.expected
        counts[2] += q.expected in found
        if not found or found[0] != q.expected:
            misses.append((q.kind, q.text, q.expected, found[:3]))
    for kind, (n, first, top10) in by_kind.items():
        print(f"  {kind:<12} {n:>3} queries  recall@10 {top10 / n:.3f}  first {first / n:.3f}")
    for miss in misses:
        print("  not first:", *miss)
    return by_kind, misses


def test_desk_queries_find_their_dossier(province, actor):
    queries = list(desk_queries(count=330, seed=7))
    assert len(queries) >= 300
    assert set(Counter(q.kind for q in queries)) == set(KINDS)
    print()
    by_kind, misses = measure(actor, queries)
    total = [sum(c[i] for c in by_kind.values()) for i in range(3)]
    recall, first = total[2] / total[0], total[1] / total[0]
    print(f"search quality: {total[0]} queries, recall@10 {recall:.3f}, first {first:.3f}")
    assert recall >= RECALL, (recall, misses)
    assert first >= FIRST, (first, misses)
    weak = {kind: (c[2] / c[0], c[1] / c[0]) for kind, c in by_kind.items()
            if c[2] / c[0] < RECALL or c[1] / c[0] < FIRST}
    assert not weak, (weak, misses)
    later, misses = measure(actor, list(desk_queries(count=60, seed=8, kinds=LATER_KINDS)))
    assert set(later) == set(LATER_KINDS)
    weak = {kind: (c[2] / c[0], c[1] / c[0]) for kind, c in later.items()
            if c[2] / c[0] < RECALL or c[1] / c[0] < FIRST}
    assert not weak, (weak, misses)
