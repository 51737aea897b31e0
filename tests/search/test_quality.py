"""Search quality on a generated province: desk-style queries (no accents, typos, swapped order, aliases,
old and new place names, approximate years, dossier numbers) must find their dossier."""

from collections import Counter
from pathlib import Path

import pytest

from hoso.gazetteer.services import load_unit_file
from hoso.records.demo import ProvinceGenerator
from hoso.records.services import bulk_register_dossiers
from hoso.search.evaluation import KINDS, desk_queries
from hoso.search.services import search

FIXTURES = Path(__file__).resolve().parents[2] / "src" / "hoso" / "gazetteer" / "fixtures"


@pytest.fixture
def province(actor):
    for name in ("communes-demo.csv", "mapping-demo.csv"):
        load_unit_file(actor=actor, path=FIXTURES / name)
    bulk_register_dossiers(actor=actor, seeds=ProvinceGenerator(people=6000, seed=44), source="test")


def test_desk_queries_find_their_dossier(province, actor):
    queries = list(desk_queries(count=330, seed=7))
    assert len(queries) >= 300
    assert set(Counter(q.kind for q in queries)) == set(KINDS)
    first = in_top10 = 0
    misses = []
    for q in queries:
        found = [h.dossier_number for h in search(actor=actor, text=q.text, limit=10, audit=False).hits]
        first += bool(found) and found[0] == q.expected
        in_top10 += q.expected in found
        if q.expected not in found:
            misses.append((q.kind, q.text, q.expected, found[:3]))
    recall, precision_at_1 = in_top10 / len(queries), first / len(queries)
    print(f"\nsearch quality: {len(queries)} queries, recall@10 {recall:.3f}, first {precision_at_1:.3f}")
    assert recall >= 0.99, (recall, misses)
    assert precision_at_1 >= 0.93, precision_at_1
