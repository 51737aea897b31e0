"""Findings M2 and M3 in the search index: the page words (and number, symbol) of a "mật" document and the page
words of a health document are found only by those allowed to read them — never counted, faceted or ranked for
others; ordinary page words are still found by everyone who sees the dossier."""

import pytest

from hoso.access.permissions import Role
from hoso.records import services
from hoso.records.models import Page
from hoso.search.models import SearchEntry
from hoso.search.services import index_dossiers, search

SECRET_TEXT = "Báo cáo điệp báo K27 Vĩnh Linh, mật danh Sơn Ca"
HEALTH_TEXT = "Biên bản giám định: tỷ lệ tổn thương cơ thể 61%, di chứng vết thương sọ não"
ORDINARY_TEXT = "Giấy báo tử: hy sinh tại cao điểm Dốc Miếu"


def with_page(dossier, *, text: str, doc_type: str = "", actor=None, sequence: int = 1, **document_fields):
    """A done page with this OCR text in the dossier (in a new document when doc_type is given), then indexed."""
    document = services.add_document(actor=actor, dossier=dossier, doc_type=doc_type,
                                     **document_fields) if doc_type else None
    Page.objects.create(dossier=dossier, sequence=sequence, state=Page.State.DONE, document=document, ocr_text=text)
    index_dossiers([dossier.pk])
    return dossier


def found(user, text: str) -> list[str]:
    return [h.dossier_number for h in search(actor=user, text=text, audit=False).hits]


def assert_nothing_revealed(user, text: str) -> None:
    result = search(actor=user, text=text)
    assert (result.total, result.hits) == (0, [])
    assert result.facets == {"category": [], "unit": [], "decade": []}


@pytest.fixture
def cleared(make_user):
    """A policy officer cleared for "mật" (and, as the role has it, the health permission)."""
    return make_user(Role.POLICY_OFFICER, username="canbo-mat", clearance=True)


@pytest.fixture
def commune_officer(make_user):
    """Sees every dossier of the province (scope), but holds no health permission."""
    return make_user(Role.COMMUNE_OFFICER, username="canbo-xa")


@pytest.fixture
def secret_dossier(make_dossier, actor):
    dossier = make_dossier("Lê Văn Tư", number="QTI/LS-00601/CM")
    return with_page(dossier, actor=actor, text=SECRET_TEXT, doc_type="Báo cáo trinh sát", confidentiality="mat",
                     number="4471", symbol="KH-TSDB")


@pytest.fixture
def health_dossier(make_dossier, actor):
    dossier = make_dossier("Phan Văn Hải", category="AQ", number="QTI/AQ-00602/CM")
    return with_page(dossier, actor=actor, text=HEALTH_TEXT, doc_type="Biên bản giám định y khoa")


def test_m2_secret_page_words_are_found_only_with_clearance(secret_dossier, officer, cleared):
    for query in ("điệp báo Vĩnh Linh", "mat danh son ca"):
        assert_nothing_revealed(officer, query)
        assert found(cleared, query) == [secret_dossier.number]
    entry = SearchEntry.objects.get(dossier=secret_dossier)
    assert "diep" not in entry.other.split() and "diep" in entry.secret.split()


def test_m2_secret_document_number_and_symbol_are_found_only_with_clearance(secret_dossier, officer, cleared):
    for query in ("KH-TSDB", "4471 tsdb"):
        assert_nothing_revealed(officer, query)
        assert found(cleared, query) == [secret_dossier.number]
    assert "tsdb" not in SearchEntry.objects.get(dossier=secret_dossier).other.split()


def test_m3_health_page_words_are_found_only_with_the_health_permission(health_dossier, commune_officer, leader,
                                                                         officer):
    for user in (commune_officer, leader):
        assert_nothing_revealed(user, "di chứng sọ não")
        assert_nothing_revealed(user, "ty le ton thuong 61")
    assert found(officer, "di chứng sọ não") == [health_dossier.number]
    assert found(officer, "ty le ton thuong 61") == [health_dossier.number]
    entry = SearchEntry.objects.get(dossier=health_dossier)
    assert "nao" not in entry.other.split() and "nao" in entry.health.split()


def test_m2_m3_a_secret_health_document_needs_both(make_dossier, actor, make_user, officer, cleared):
    dossier = with_page(make_dossier("Võ Văn Sáu", number="QTI/AQ-00603/CM", category="AQ"), actor=actor,
                        text=HEALTH_TEXT, doc_type="Bệnh án mật", confidentiality="mat")
    admin_cleared = make_user(Role.ADMIN, username="quantri-mat", clearance=True)  # cleared, no health permission
    for user in (officer, admin_cleared):
        assert_nothing_revealed(user, "di chứng sọ não")
    assert found(cleared, "di chứng sọ não") == [dossier.number]
    entry = SearchEntry.objects.get(dossier=dossier)
    assert "nao" in entry.secret_health.split() and "nao" not in f"{entry.other} {entry.secret} {entry.health}"


def test_m2_m3_ordinary_page_words_are_still_found_by_everyone_who_sees_the_dossier(
        make_dossier, actor, officer, cleared, commune_officer, leader, secret_dossier, health_dossier):
    assigned = with_page(make_dossier("Đỗ Văn Bảy", number="QTI/LS-00604/CM"), actor=actor, text=ORDINARY_TEXT,
                         doc_type="Giấy báo tử")
    loose = with_page(make_dossier("Đỗ Văn Tám", number="QTI/LS-00605/CM"), text=ORDINARY_TEXT)  # no document
    # the secret and the health dossier each get an ordinary page too
    with_page(secret_dossier, actor=actor, text=ORDINARY_TEXT, doc_type="Giấy báo tử", sequence=2)
    with_page(health_dossier, text=ORDINARY_TEXT, sequence=2)
    everyone = {assigned.number, loose.number, secret_dossier.number, health_dossier.number}
    for user in (officer, cleared, commune_officer, leader):
        assert set(found(user, "cao điểm Dốc Miếu")) == everyone, user.role
        assert search(actor=user, text="doc mieu").total == 4


def test_m2_a_hidden_word_neither_counts_nor_ranks(make_dossier, actor, officer, cleared):
    """Only the approximate stage (one word left out) finds "hoang van" for the uncleared officer: the secret word
    that the second dossier alone holds must not lift it above the first, nor show in the count."""
    plain = make_dossier("Hoàng Văn Năm", number="QTI/LS-00606/CM")
    hidden = with_page(make_dossier("Hoàng Văn Tư", number="QTI/LS-00607/CM"), actor=actor, text=SECRET_TEXT,
                       doc_type="Báo cáo trinh sát", confidentiality="mat")
    result = search(actor=officer, text="Hoàng Văn điệp")
    assert [h.dossier_number for h in result.hits] == [plain.number, hidden.number]
    assert result.hits[0].score == result.hits[1].score and result.total == 2
    assert found(cleared, "Hoàng Văn điệp") == [hidden.number]


def test_m2_m3_a_match_only_in_restricted_text_ranks_like_one_in_other(make_dossier, actor, cleared):
    ordinary = with_page(make_dossier("Ngô Văn Một", number="QTI/LS-00608/CM"), actor=actor, text=SECRET_TEXT,
                         doc_type="Báo cáo")
    secret = with_page(make_dossier("Ngô Văn Hai", number="QTI/LS-00609/CM"), actor=actor, text=SECRET_TEXT,
                       doc_type="Báo cáo trinh sát", confidentiality="mat")
    health = with_page(make_dossier("Ngô Văn Ba", number="QTI/LS-00610/CM"), actor=actor, text=SECRET_TEXT,
                       doc_type="Giấy chứng nhận bị thương")
    hits = search(actor=cleared, text="điệp báo Vĩnh Linh").hits
    assert {h.dossier_number for h in hits} == {ordinary.number, secret.number, health.number}
    assert len({h.score for h in hits}) == 1


def test_m2_the_index_follows_a_document_made_secret_and_back(make_dossier, actor, officer, cleared):
    dossier = with_page(make_dossier("Lý Văn Chín", number="QTI/LS-00611/CM"), actor=actor, text=SECRET_TEXT,
                        doc_type="Báo cáo trinh sát", number="4471", symbol="KH-TSDB")
    assert found(officer, "điệp báo") == found(officer, "KH-TSDB") == [dossier.number]
    document = dossier.documents.get()
    services.update_document(actor=actor, document=document, confidentiality="mat")
    assert_nothing_revealed(officer, "điệp báo")
    assert_nothing_revealed(officer, "KH-TSDB")
    assert found(cleared, "điệp báo") == [dossier.number]
    services.update_document(actor=actor, document=document, confidentiality="thuong")
    assert found(officer, "điệp báo") == [dossier.number]


def test_m2_pages_grouped_into_a_secret_document_leave_the_open_index(make_dossier, actor, officer, cleared):
    from hoso.capture import services as capture

    dossier = make_dossier("Đặng Văn Gom")
    Page.objects.create(dossier=dossier, sequence=1, state=Page.State.DONE, ocr_text="mật danh hoangyen")
    index_dossiers([dossier.pk])
    assert found(officer, "hoangyen") == [dossier.number]  # an ungrouped page: ordinary text
    capture.group_pages(actor=actor, dossier=dossier, page_from=1, page_to=1, doc_type="Báo cáo",
                        confidentiality="mat")
    assert_nothing_revealed(officer, "hoangyen")
    assert found(cleared, "hoangyen") == [dossier.number]
