from hoso.search._fuzzy import FuzzyIndex, distance
from hoso.search._query import i_y_variants, parse_query


def terms(text):
    return [(t.folded, t.required) for t in parse_query(text).terms]


def test_desk_sentence_becomes_name_place_and_a_year_range():
    q = parse_query("ong Nguyen Van Duc, sinh khoang 1950, que Trieu Phong")
    assert terms("ong Nguyen Van Duc, sinh khoang 1950, que Trieu Phong") == [
        ("ong", False), ("nguyen", True), ("van", True), ("duc", True), ("sinh", False), ("khoang", False),
        ("que", False), ("trieu", True), ("phong", True)]
    assert q.birth_years == (1948, 1952) and q.any_years is None


def test_a_bare_year_is_exact_and_may_be_birth_or_death():
    q = parse_query("thuong 1934")
    assert terms("thuong 1934") == [("thuong", True)]
    assert q.any_years == (1934, 1934)


def test_death_years_and_tilde():
    assert parse_query("hy sinh 1972 Lê Văn Tám").death_years == (1972, 1972)
    assert parse_query("Nguyen Van An ~1950").any_years == (1948, 1952)
    assert parse_query("mất năm 1980 Trần Thị Lan").death_years == (1980, 1980)


def test_year_words_that_may_be_names_stay_as_optional_words():
    # "Lê Văn Nam 1958": "nam" may be "năm" (year) or the name Nam — optional, counted when it matches the name.
    assert terms("Lê Văn Nam 1958") == [("le", True), ("van", True), ("nam", False)]


def test_name_syllables_that_look_like_fillers_stay_names():
    # Tâm, Nam, Tám are names unless they frame a year.
    assert ("tam", True) in terms("nguyen viet tam que trieu long")
    assert ("tam", True) in terms("tam dinh 1925")
    assert ("nam", True) in terms("liet si Nguyen Van Nam")


def test_accents_are_kept_for_ranking_in_the_new_tone_style():
    q = parse_query("Hoàng Thị Thuý")
    assert [(t.folded, t.typed) for t in q.terms] == [("hoang", "hoàng"), ("thi", "thị"), ("thuy", "thúy")]


def test_quoted_phrases_and_hostile_input_do_not_break_parsing():
    assert parse_query('"Nguyen Van" Duc').phrases == [["nguyen", "van"]]
    for text in ['NEAR "* --', "'; DROP TABLE x --", "\u0301\u0303", "😀😀", "a" * 10_000, "AND OR NOT"]:
        q = parse_query(text)
        assert all(t.folded.isalnum() for t in q.terms)
        assert len(q.text) <= 300


def test_i_y_variants_only_after_a_consonant():
    assert i_y_variants("quy") == {"quy", "qui"}
    assert i_y_variants("my") == {"my", "mi"}
    assert i_y_variants("thuy") == {"thuy"}  # Thúy is not Thúi
    assert i_y_variants("ky") == {"ky", "ki"}


def test_typo_distance_and_vocabulary_lookup():
    assert distance("nguyen", "nguyn") == 1
    assert distance("nguyen", "ngyuen") == 1  # transposition
    assert distance("phuong", "phong") == 1
    index = FuzzyIndex(["nguyen", "binh", "phuong", "duc", "duoc", "tran", "trang"])
    assert set(index.near("ngyuen")) == {"nguyen"}
    assert "binh" in index.near("bin")
    assert index.near("du") == {}  # two letters: no typo tolerance
    assert "phuong" in index.near("phuonh")
