import io
import json

import pytest
from django.core.management import call_command
from django.db import connection

from hoso.core.models import AuditEvent
from hoso.records import services
from hoso.search import _retrieval
from hoso.search.models import IndexState, SearchEntry
from hoso.search.selectors import Filters
from hoso.search.services import search


@pytest.fixture
def people(actor):
    def make(name, number, category="LS", birth=None, death=None, hometown="", aliases=(), **extra):
        person = services.create_person(actor=actor, full_name=name, birth_date=birth, death_date=death,
                                        hometown_text=hometown, aliases=list(aliases))
        return services.register_dossier(actor=actor, number=number, category_code=category, subject=person, **extra)
    return make


def numbers(result):
    return [h.dossier_number for h in result.hits]


def test_accent_free_query_finds_the_accented_name_and_exact_accents_rank_first(people, actor):
    people("Đường Văn Minh", "QTI/LS-00001/CM", birth="1950")
    people("Dương Văn Minh", "QTI/LS-00002/CM", birth="1950")
    assert set(numbers(search(actor=actor, text="duong van minh"))) == {"QTI/LS-00001/CM", "QTI/LS-00002/CM"}
    assert numbers(search(actor=actor, text="Đường Văn Minh"))[0] == "QTI/LS-00001/CM"
    assert numbers(search(actor=actor, text="Dương Văn Minh"))[0] == "QTI/LS-00002/CM"


def test_word_order_typos_spelling_variants_and_tone_styles(people, actor):
    people("Nguyễn Văn Đức", "QTI/LS-00010/CM", birth="1950", hometown="xã Triệu Long, huyện Triệu Phong")
    people("Lê Thị Quý", "QTI/BM-00011", category="BM", birth="1901")
    people("Trần Thị Hòa", "QTI/KC-00012/CM", category="KC", birth="1940")
    assert numbers(search(actor=actor, text="Duc Nguyen Van"))[0] == "QTI/LS-00010/CM"
    assert numbers(search(actor=actor, text="Nguyen Vna Duc 1950"))[0] == "QTI/LS-00010/CM"
    assert numbers(search(actor=actor, text="ngyuen van duc"))[0] == "QTI/LS-00010/CM"
    assert numbers(search(actor=actor, text="le thi qui"))[0] == "QTI/BM-00011"
    assert numbers(search(actor=actor, text="Trần Thị Hoà"))[0] == "QTI/KC-00012/CM"
    assert numbers(search(actor=actor, text="ong Nguyen Van Duc, sinh khoang 1951, que Trieu Phong"))[0] == (
        "QTI/LS-00010/CM")


def test_year_filters_and_approximate_years(people, actor):
    people("Phạm Văn Thương", "QTI/AQ-00020/CM", category="AQ", birth="1934")
    people("Phạm Văn Thương", "QTI/AQ-00021/CM", category="AQ", birth="1936")
    assert numbers(search(actor=actor, text="pham van thuong 1934")) == ["QTI/AQ-00020/CM"]
    assert set(numbers(search(actor=actor, text="pham van thuong khoang 1935"))) == {
        "QTI/AQ-00020/CM", "QTI/AQ-00021/CM"}
    # "thuong 1934" stays a name and a year, not a dossier number.
    assert numbers(search(actor=actor, text="thuong 1934")) == ["QTI/AQ-00020/CM"]


def test_an_approximate_date_is_found_as_the_range_it_means_and_ranks_below_an_exact_one(people, actor):
    people("Trương Văn Lộc", "QTI/LS-00040/CM", birth="khoảng 1948")
    people("Trương Văn Lộc", "QTI/LS-00041/CM", birth="trước 1950")
    people("Trương Văn Lộc", "QTI/LS-00042/CM", birth="1947")
    people("Trương Văn Lộc", "QTI/LS-00043/CM", birth="1930", death="sau 1972")
    # «khoảng 1948» is 1946–1950, «trước 1950» any year before 1950: both may be 1947, below the one born in 1947.
    found = numbers(search(actor=actor, text="truong van loc 1947"))
    assert found[0] == "QTI/LS-00042/CM"
    assert set(found) == {"QTI/LS-00040/CM", "QTI/LS-00041/CM", "QTI/LS-00042/CM"}
    assert set(numbers(search(actor=actor, text="truong van loc sinh 1950"))) == {"QTI/LS-00040/CM"}
    assert numbers(search(actor=actor, text="truong van loc sinh 1955")) == []
    assert set(numbers(search(actor=actor, text="truong van loc 1949"))) == {"QTI/LS-00040/CM", "QTI/LS-00041/CM"}
    # «hy sinh sau 1972»: a death year after 1972, not 1972 itself.
    assert numbers(search(actor=actor, text="truong van loc hy sinh 1975")) == ["QTI/LS-00043/CM"]
    assert numbers(search(actor=actor, text="truong van loc hy sinh 1972")) == []
    hit = search(actor=actor, text="truong van loc 1949").hits[0]
    assert hit.birth in {"khoảng 1948", "trước 1950"}


def test_words_spread_over_name_and_place_with_a_year_find_the_same_people_through_the_years_as_index_words(
        people, actor, monkeypatch):
    """The all-fields pass narrows by the person's own years as index words (yb1944…) once the index holds them;
    what it finds is what the year columns alone find, for exact, approximate and open-ended years."""
    people("Trần Thị Lan", "QTI/LS-00301/CM", birth="1944", hometown="thôn Văn Trang")
    people("Trần Thị Mai", "QTI/LS-00302/CM", birth="khoảng 1946", hometown="thôn Văn Trang")  # 1944–1948
    people("Trần Thị Cúc", "QTI/LS-00303/CM", birth="trước 1950", hometown="thôn Văn Trang")  # any year to 1949
    people("Trần Thị Đào", "QTI/LS-00304/CM", death="1944", hometown="thôn Văn Trang")  # a bare year: death too
    people("Trần Thị Huệ", "QTI/LS-00305/CM", birth="1960", hometown="thôn Văn Trang")
    people("Trần Thị Sen", "QTI/LS-00306/CM", birth="khoảng 1950", hometown="thôn Văn Trang")  # 1948–1952
    entry = SearchEntry.objects.get(dossier__number="QTI/LS-00302/CM")
    assert {"yb1944", "yb1948"} <= set(entry.other.split()) and "yb1943" not in entry.other.split()
    assert "ybx" in SearchEntry.objects.get(dossier__number="QTI/LS-00303/CM").other.split()
    expected = {"QTI/LS-00301/CM", "QTI/LS-00302/CM", "QTI/LS-00303/CM", "QTI/LS-00304/CM"}
    queries = {"tran van trang 1944": expected, "tran van trang sinh 1944": expected - {"QTI/LS-00304/CM"},
               "tran van trang sinh khoang 1952": {"QTI/LS-00306/CM"}, "tran van trang 1930": {"QTI/LS-00303/CM"}}
    for text, wanted in queries.items():
        assert set(numbers(search(actor=actor, text=text))) == wanted, text
    # An index built before the years were words (an older SCHEMA_VERSION, until `hoso migrate` rebuilds it) is
    # searched by the year columns alone, with the same results.
    IndexState.objects.filter(key="schema_version").update(value="7")
    monkeypatch.setattr(_retrieval, "_own_years_seen", set())  # as a process started on that older index
    for text, wanted in queries.items():
        assert set(numbers(search(actor=actor, text=text))) == wanted, text


def test_own_name_ranks_above_a_relatives_and_aliases_find_the_person(people, actor):
    own = people("Hồ Văn Sáu", "QTI/LS-00030/CM", aliases=["Ba Sơn"])
    other = people("Lê Văn Bảy", "QTI/LS-00031/CM")
    relative = services.create_person(actor=actor, full_name="Hồ Văn Sáu")
    services.link_relative(actor=actor, dossier=other, person=relative, relationship="cha")
    assert numbers(search(actor=actor, text="ho van sau")) == [own.number, other.number]
    assert numbers(search(actor=actor, text="ba son"))[0] == own.number


def test_dossier_numbers_go_straight_to_the_dossier(people, actor):
    people("Lê Văn Tám", "QTI/LS-07956/CM")
    people("Lê Văn Tám", "QTI/LS-07957/CM")
    for text in ["LS-07956", "qti ls 7956", "QTI/LS-07956/CM", "ls7956"]:
        assert numbers(search(actor=actor, text=text)) == ["QTI/LS-07956/CM"], text


def test_the_index_follows_every_write(people, actor):
    dossier = people("Võ Thị Sáu", "QTI/LS-00040/CM")
    services.update_person(actor=actor, person=dossier.subject, full_name="Võ Thị Sáu Mới", aliases=["Cô Sáu"])
    assert numbers(search(actor=actor, text="vo thi sau moi")) == [dossier.number]
    assert numbers(search(actor=actor, text="co sau")) == [dossier.number]
    services.delete_dossier(actor=actor, dossier=dossier)
    assert search(actor=actor, text="vo thi sau").total == 0
    assert not SearchEntry.objects.exists()


def test_secret_dossiers_are_neither_returned_nor_counted_nor_faceted(people, actor, officer):
    people("Ngô Văn Kín", "QTI/LS-00050/CM", confidentiality="mat")
    people("Ngô Văn Kín", "QTI/LS-00051/CM")
    seen = search(actor=officer, text="ngo van kin")
    assert numbers(seen) == ["QTI/LS-00051/CM"] and seen.total == 1
    assert sum(n for _, _, n in seen.facets["category"]) == 1
    assert search(actor=officer, text="LS-00050").total == 0
    assert search(actor=actor, text="ngo van kin").total == 2


@pytest.mark.parametrize("text", ["", "   ", "a" * 10_000, '"', "*", "NEAR", "'--", "\u0301", "😀", "AND (", '"ng*'])
def test_bad_input_gives_a_message_or_an_empty_result(people, actor, text):
    people("Nguyễn Văn An", "QTI/LS-00060/CM")
    result = search(actor=actor, text=text)
    assert result.total == 0 or result.hits
    if not text.strip() or text in {"\u0301", "😀"}:
        assert result.message


def test_facets_filters_and_pagination(people, actor):
    for i in range(25):
        code = "KC" if i % 2 else "BB"
        people(f"Trần Văn Hùng {chr(65 + i)}", f"QTI/{code}-{i + 100:05d}/CM", category=code,
               birth=str(1940 + i))
    first = search(actor=actor, text="tran van hung", limit=10)
    assert first.total == 25 and len(first.hits) == 10
    second = search(actor=actor, text="tran van hung", limit=10, offset=10)
    assert not set(numbers(first)) & set(numbers(second))
    assert {c for c, _, _ in first.facets["category"]} == {"KC", "BB"}
    assert search(actor=actor, text="tran van hung", filters=Filters(category="BB")).total == 13
    assert search(actor=actor, text="tran van hung", filters=Filters(decade=1950)).total == 10


def test_search_is_audited_with_the_query_text(people, actor):
    search(actor=actor, text="Nguyễn Văn An 1950")
    assert AuditEvent.objects.filter(action="search", summary="Nguyễn Văn An 1950").exists()


def test_cli_json_shape_and_batch(people, actor, tmp_path):
    people("Nguyễn Văn Đức", "QTI/LS-00070/CM", birth="1950", hometown="Triệu Phong")
    out = io.StringIO()
    call_command("search", "nguyen van duc", json=True, stdout=out)
    data = json.loads(out.getvalue())
    assert data["total"] == 1
    assert data["results"][0] == {"dossier_number": "QTI/LS-00070/CM", "full_name": "Nguyễn Văn Đức",
                                  "birth_year": 1950, "hometown": "Triệu Phong", "category": "LS",
                                  "score": data["results"][0]["score"]}
    batch = tmp_path / "q.txt"
    batch.write_text("nguyen van duc\n\nkhong co ai\n", encoding="utf-8")
    out = io.StringIO()
    call_command("search", batch=str(batch), json=True, stdout=out)
    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [d["total"] for d in lines] == [1, 0, 0]


def test_reindex_rebuilds_the_same_results(people, actor):
    people("Đặng Thị Mười", "QTI/BM-00080", category="BM", birth="1905")
    before = numbers(search(actor=actor, text="dang thi muoi"))
    SearchEntry.objects.all().delete()
    call_command("reindex", stdout=io.StringIO(), stderr=io.StringIO())
    assert numbers(search(actor=actor, text="dang thi muoi")) == before == ["QTI/BM-00080"]


def test_a_rebuild_on_postgresql_clears_the_dead_entries_it_leaves(transactional_db, categories, people, actor):
    """The rebuild rewrites every entry in place; on PostgreSQL it then vacuums them, so searches do not walk a dead
    version of every entry until autovacuum comes round."""
    if connection.vendor != "postgresql":
        pytest.skip("VACUUM is PostgreSQL's (on SQLite the rebuild merges the FTS index: test above)")
    people("Đặng Thị Mười", "QTI/BM-00080", category="BM", birth="1905")
    call_command("reindex", stdout=io.StringIO(), stderr=io.StringIO())
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute("SELECT n_dead_tup, vacuum_count FROM pg_stat_user_tables WHERE relname = %s",
                       [SearchEntry._meta.db_table])
        dead, vacuums = cursor.fetchone()
    assert vacuums >= 1 and dead == 0
    assert numbers(search(actor=actor, text="dang thi muoi")) == ["QTI/BM-00080"]


def test_api_search_is_in_the_schema_and_filters_by_access(people, actor, officer, client):
    people("Ngô Văn Kín", "QTI/LS-00090/CM", confidentiality="mat", birth="1950")
    people("Ngô Văn Kín", "QTI/LS-00091/CM", birth="1950")
    client.force_login(officer)
    schema = client.get("/api/schema/").content.decode()
    assert "/api/search/" in schema
    data = client.get("/api/search/", {"q": "ngo van kin 1950"}).json()
    assert data["total"] == 1
    assert [r["dossier_number"] for r in data["results"]] == ["QTI/LS-00091/CM"]
    assert data["facets"]["category"] == [{"key": "LS", "label": "Liệt sĩ", "count": 1}]
    assert client.get("/api/search/", {"q": "x", "limit": 0}).status_code == 400
    client.logout()
    assert client.get("/api/search/", {"q": "ngo"}).status_code in (401, 403)


def test_a_name_that_looks_like_a_year_word_still_ranks_first(people, actor):
    people("Lê Văn Nam", "QTI/LS-00100/CM", birth="1958")
    people("Lê Văn Bình", "QTI/LS-00101/CM", birth="1958")
    assert numbers(search(actor=actor, text="Lê Văn Nam 1958"))[0] == "QTI/LS-00100/CM"
    assert numbers(search(actor=actor, text="le van nam sinh nam 1958"))[0] == "QTI/LS-00100/CM"


def test_a_number_that_is_not_there_says_so_without_telling_whether_it_exists_elsewhere(officer, martyr_dossier):
    from hoso.search.services import search as find

    missing = find(actor=officer, text="QTI/LS-00001/CM", audit=False)
    assert missing.hits == [] and missing.message == "Không có hồ sơ số QTI/LS-00001/CM trong phạm vi bạn được xem."
    near = find(actor=officer, text="QTI/BB-07956/CM", audit=False)  # a wrong type code, the right serial
    assert [h.dossier_number for h in near.hits] == [martyr_dossier.number]
    assert near.message.startswith("Không có hồ sơ số QTI/BB-07956/CM trong phạm vi bạn được xem")
    found = find(actor=officer, text="qti ls 7956", audit=False)
    assert [h.dossier_number for h in found.hits] == [martyr_dossier.number] and not found.message
