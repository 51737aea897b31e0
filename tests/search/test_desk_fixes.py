"""What the desk noticed first in search (#17, item 6): category names matching name words, approximate hits not
marked, matches through a relative not said (nor found by the relative's year), a bare serial and initials finding
nothing, and a typo in a short given name finding someone else."""

import io
import json

import pytest
from django.core.management import call_command

from hoso.records import services
from hoso.records.models import Page
from hoso.search import _retrieval
from hoso.search.models import SearchEntry
from hoso.search.selectors import Filters
from hoso.search.services import index_dossiers, search


@pytest.fixture
def people(actor):
    def make(name, number, category="LS", birth=None, hometown="", **extra):
        person = services.create_person(actor=actor, full_name=name, birth_date=birth, hometown_text=hometown)
        return services.register_dossier(actor=actor, number=number, category_code=category, subject=person, **extra)
    return make


def numbers(result):
    return [h.dossier_number for h in result.hits]


def find(actor, text, **kwargs):
    return search(actor=actor, text=text, audit=False, **kwargs)


# ---------------------------------------------------------------------------------------------- 1. categories
def test_a_name_word_does_not_match_a_category_name(people, actor):
    """«bao» is in «… bảo vệ Tổ quốc …» (KC), «hung» in «Anh hùng …», «quoc» in «Tổ quốc»: none of them is a name."""
    bao = people("Nguyễn Văn Bảo", "QTI/BB-00002/CM", category="BB")
    people("Nguyễn Văn Cần", "QTI/KC-00020/CM", category="KC")
    people("Nguyễn Văn Doanh", "QTI/KC-00021/CM", category="KC")
    people("Nguyễn Thị Lan", "QTI/AH-00022/CM", category="AH")
    result = find(actor, "nguyen van bao")
    assert numbers(result) == [bao.number] and result.total == 1
    for text in ("nguyen thi hung", "nguyen van quoc"):  # found only with a word left out, and said so
        assert all(h.approximate for h in find(actor, text).hits), text
    entry = SearchEntry.objects.get(dossier__number="QTI/KC-00020/CM")
    assert not {"bao", "quoc", "khang", "chien", "nguoi"} & set(entry.other.split())


def test_a_category_named_in_the_query_filters_and_is_not_looked_for_in_names(people, actor):
    martyr = people("Nguyễn Văn Bảo", "QTI/LS-00031/CM", birth="1950")
    wounded = people("Nguyễn Văn Bảo", "QTI/AQ-00032/CM", category="AQ", birth="1950")
    type_b = people("Trần Văn Tư", "QTI/BQ-00033/CM", category="BQ", birth="1950")
    mother = people("Lê Thị Hùng", "QTI/BM-00034", category="BM")
    liet_si = find(actor, "liệt sĩ Nguyễn Văn Bảo")
    assert numbers(liet_si) == [martyr.number] and "Liệt sĩ" in liet_si.message
    assert numbers(find(actor, "thuong binh nguyen van bao 1950")) == [wounded.number]
    assert numbers(find(actor, "LS nguyen van bao")) == [martyr.number]
    assert numbers(find(actor, "thuong binh loai b 1950")) == [type_b.number]  # a category and a year: a list
    assert numbers(find(actor, "me vnah le thi hung")) == [mother.number]
    assert set(numbers(find(actor, "liet si"))) == {martyr.number}
    # Nothing of that category matches: the other categories, said so.
    other = find(actor, "benh binh nguyen van bao")
    assert set(numbers(other)) == {martyr.number, wounded.number} and "diện khác" in other.message
    # The facet filter is the other way to name a category; "TT Khe Sanh" is a thị trấn, not the category TT.
    assert numbers(find(actor, "nguyen van bao", filters=Filters(category="AQ"))) == [wounded.number]
    people("Hồ Văn Sơn", "QTI/LS-00035/CM", hometown="Thị trấn Khe Sanh, Huyện Hướng Hóa")
    assert numbers(find(actor, "ho van son tt khe sanh")) == ["QTI/LS-00035/CM"]


# ---------------------------------------------------------------------------------------------- 2. approximate
def test_approximate_hits_are_marked(people, actor, martyr_dossier):
    people("Dương Văn Minh", "QTI/LS-00041/CM", birth="1950")
    exact = find(actor, "nguyen van duc 1950")
    assert numbers(exact) == [martyr_dossier.number] and not exact.hits[0].approximate
    assert not find(actor, "Nguyễn Văn Đức").hits[0].approximate  # accents as written
    typo = find(actor, "ngyuen van duc 1950")
    assert numbers(typo) == [martyr_dossier.number] and typo.hits[0].approximate
    accents = find(actor, "Đường Văn Minh")  # typed with other accents than the name has
    assert numbers(accents) == ["QTI/LS-00041/CM"] and accents.hits[0].approximate
    assert not find(actor, "duong van minh").hits[0].approximate  # no accents typed: nothing differs
    left_out = find(actor, "nguyen van duc tung")  # a word matches nowhere: found without it
    assert numbers(left_out) == [martyr_dossier.number] and left_out.hits[0].approximate
    slip = find(actor, "QTI/BB-07956/CM")  # no such number: the dossier of the same serial
    assert numbers(slip) == [martyr_dossier.number] and slip.hits[0].approximate
    assert not find(actor, "QTI/LS-07956/CM").hits[0].approximate
    # While typing, the word being typed is the start of a name, not a guess; sent as it is, it is approximate.
    assert not find(actor, "nguyen van du", prefix_last=True).hits[0].approximate
    assert find(actor, "nguyen van du").hits[0].approximate


def test_the_web_marks_approximate_hits_and_the_json_keeps_its_shape(people, actor, officer, client,
                                                                      martyr_dossier):
    client.force_login(officer)
    page = client.get("/tim-kiem/", {"q": "ngyuen van duc 1950"}).content.decode()
    assert martyr_dossier.number in page and "gần đúng</span>" in page
    page = client.get("/tim-kiem/", {"q": "nguyen van duc 1950"}).content.decode()
    assert martyr_dossier.number in page and "gần đúng</span>" not in page
    out = io.StringIO()
    call_command("search", "ngyuen van duc 1950", json=True, stdout=out)
    data = json.loads(out.getvalue())
    assert set(data) == {"total", "total_capped", "results"}
    assert set(data["results"][0]) == {"dossier_number", "full_name", "birth_year", "hometown", "category", "score"}
    out = io.StringIO()
    call_command("search", "ngyuen van duc 1950", stdout=out, stderr=io.StringIO())
    assert "[gần đúng]" in out.getvalue()


# ---------------------------------------------------------------------------------------------- 3. relatives
@pytest.fixture
def with_son(people, actor):
    """Phạm Văn Minh's dossier lists his son Phạm Văn Hiệp, born 1949."""
    dossier = people("Phạm Văn Minh", "QTI/LS-00003/BV", birth="1925")
    son = services.create_person(actor=actor, full_name="Phạm Văn Hiệp", birth_date="1949")
    services.link_relative(actor=actor, dossier=dossier, person=son, relationship="con")
    return dossier


def test_a_relatives_name_and_birth_year_find_the_dossier_and_the_hit_says_so(with_son, people, actor):
    people("Phạm Văn Lực", "QTI/LS-00004/BV", birth="1949")
    people("Phạm Văn Hiệp", "QTI/AQ-00005/BV", category="AQ", birth="1951")
    result = find(actor, "pham van hiep 1949")
    assert numbers(result)[0] == with_son.number
    hit = result.hits[0]
    assert hit.relative == "Phạm Văn Hiệp (con đẻ)" and not hit.approximate
    # Someone of that name born about then: their own dossier first, then the son's.
    assert numbers(find(actor, "pham van hiep sinh khoang 1950"))[:2] == ["QTI/AQ-00005/BV", with_son.number]
    assert with_son.number not in numbers(find(actor, "pham van hiep 1960"))  # not the son's year
    own = find(actor, "pham van minh 1925")  # the person's own name: nothing to say
    assert numbers(own) == [with_son.number] and own.hits[0].relative == ""


def test_a_relative_is_found_among_many_of_the_same_given_name_and_year(people, actor, monkeypatch):
    """Relatives named Hiệp born in 1949 are many in a province; the one whose whole name was typed is found even
    when the others are more than the search reads (here the caps are made tiny to stand for the thousands)."""
    monkeypatch.setattr(_retrieval, "COUNT_CAP", 3)
    monkeypatch.setattr(_retrieval, "CANDIDATE_CAP", 3)
    for serial, family in enumerate(["Trần", "Lê", "Võ", "Hồ", "Đỗ", "Phạm"], start=10):
        dossier = people(f"{family} Văn Tâm", f"QTI/LS-000{serial}/BV", birth="1920")
        son = services.create_person(actor=actor, full_name=f"{family} Văn Hiệp", birth_date="1949")
        services.link_relative(actor=actor, dossier=dossier, person=son, relationship="con")
    result = find(actor, "pham van hiep 1949")
    assert numbers(result) == ["QTI/LS-00015/BV"]
    assert result.hits[0].relative == "Phạm Văn Hiệp (con đẻ)"


def test_the_web_result_says_the_match_went_through_a_relative(with_son, officer, client):
    client.force_login(officer)
    page = client.get("/tim-kiem/", {"q": "pham van hiep 1949"}).content.decode()
    assert with_son.number in page
    assert "khớp thân nhân: <mark>Phạm</mark> <mark>Văn</mark> <mark>Hiệp</mark> (con đẻ)" in page
    listed = client.get("/ho-so/", {"q": "pham van hiep 1949"}).content.decode()  # the list says it too
    assert with_son.number in listed and "khớp thân nhân: <mark>Phạm</mark>" in listed


def test_the_dossier_list_marks_approximate_hits(people, officer, client, martyr_dossier):
    client.force_login(officer)
    page = client.get("/ho-so/", {"q": "ngyuen van duc 1950"}).content.decode()
    assert martyr_dossier.number in page and "gần đúng</span>" in page
    page = client.get("/ho-so/", {"q": "nguyen van duc 1950"}).content.decode()
    assert martyr_dossier.number in page and "gần đúng</span>" not in page


# ---------------------------------------------------------------------------------------------- 4. serial, initials
def test_a_bare_serial_finds_the_dossiers_of_that_serial(people, actor, make_dossier):
    kc = people("Nguyễn Thanh Cần", "QTI/KC-00358/CM", category="KC")
    ls = people("Huỳnh Văn Bảo", "QTI/LS-00358/CM")
    other = make_dossier("Lê Văn Ba")
    Page.objects.create(dossier=other, sequence=1, state=Page.State.DONE, ocr_text="Quyết định số 358 ngày 2/9")
    index_dossiers([other.pk])
    found = numbers(find(actor, "358"))
    assert set(found[:2]) == {kc.number, ls.number} and found[2:] == [other.number]
    assert numbers(find(actor, "0358"))[:2] == found[:2]


def test_initials_stand_for_family_and_middle_names(people, actor):
    bao = people("Nguyễn Văn Bảo", "QTI/LS-00061/CM")
    ngo = people("Ngô Văn Bảo", "QTI/LS-00062/CM")
    people("Nguyễn Thị Bảo", "QTI/LS-00063/CM")
    people("Trần Văn Bảo", "QTI/LS-00064/CM")
    assert set(numbers(find(actor, "ng v bao"))) == {bao.number, ngo.number}
    assert set(numbers(find(actor, "Ng. V. Bảo"))) == {bao.number, ngo.number}
    assert numbers(find(actor, "nguyen v bao")) == [bao.number]
    assert numbers(find(actor, "ng th bao")) == ["QTI/LS-00063/CM"]


# ---------------------------------------------------------------------------------------------- 5. short names
def test_a_short_given_name_cut_short_still_finds_the_whole_name_first(people, actor):
    loi = people("Phạm Xuân Lợi", "QTI/AQ-00010/CP", category="AQ", birth="1943")
    people("Phạm Xuân Tư", "QTI/AQ-00011/CP", category="AQ", birth="1943", hometown="xã Cam Hiếu, huyện Cam Lộ")
    people("Phạm Xuân Lợi", "QTI/AQ-00012/CP", category="AQ", birth="1960")
    people("Phạm Văn Lợi", "QTI/AQ-00013/CP", category="AQ", birth="1943")
    for typing in (True, False):
        result = find(actor, "pham xuan lo 1943", prefix_last=typing)
        assert numbers(result)[0] == loi.number, typing
    assert numbers(find(actor, "pham xuan loi 1943"))[0] == loi.number
