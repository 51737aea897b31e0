"""Messages with a count (issue #17): each is one whole text through ngettext, so that an English reader gets
"1 dossier" / "2 dossiers" and "1 page" / "3 pages", while a Vietnamese reader reads the same text as before and what
is written down (audit trail) stays Vietnamese."""

import html
import re

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.utils import translation

from hoso.access.models import Language
from hoso.access.permissions import Role
from hoso.access.services import set_language
from hoso.archive import services as archive
from hoso.core.events import AuditAction
from hoso.core.models import AuditEvent
from hoso.records import services
from hoso.records.models import Page
from hoso.web.views_bulk import _done_message
from hoso.web.views_capture import _received_message

VIETNAMESE = re.compile(r"[àáảãạăắằẳẵặâấầẩẫậđèéẻẽẹêếềểễệìíỉĩịòóỏõọôốồổỗộơớờởỡợùúủũụưứừửữựỳýỷỹỵ]", re.IGNORECASE)


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def work_lines(client: Client) -> dict[str, str]:
    """The home page's work list: the whole line (count included) → the count shown in bold."""
    body = client.get("/").content.decode()
    found = re.findall(r'<li class="[a-z]+"><a href="[^"]+">(.*?)</a></li>', body)
    return {html.unescape(re.sub(r"<[^>]+>", "", line)): re.search(r'<strong class="num">([^<]+)</strong>', line)[1]
            for line in found}


@pytest.fixture
def loans_to_process(make_user, communes, actor):
    def dossier(number, name, unit):
        person = services.create_person(actor=actor, full_name=name, residence_unit=unit)
        return services.register_dossier(actor=actor, number=number, category_code="LS", subject=person)

    ours = dossier("QTI/LS-00701/CM", "Hồ Văn Trong", communes["a"])
    busy = dossier("QTI/LS-00702/CM", "Hồ Văn Bận", communes["a"])
    theirs = dossier("QTI/LS-00703/CM", "Hồ Văn Ngoài", communes["b"])
    archive.request_loan(actor=actor, dossier=busy, purpose="Số hóa")  # an open loan: a refusal by the service
    return [ours.number, busy.number, theirs.number, "QTI/LS-99999/CM"]


@pytest.mark.parametrize("language", [Language.ENGLISH, Language.VIETNAMESE])
def test_a_bulk_action_counts_in_the_readers_language(make_user, communes, loans_to_process, language):
    clerk = set_language(user=make_user(Role.COMMUNE_OFFICER, username="xa-a", scope=communes["a"]),
                         language=language)
    done = client_for(clerk).post("/ho-so/hang-loat/", {"action": "loan", "xac_nhan": "1", "chon": loans_to_process,
                                                        "purpose": "Trích lục"})
    shown = messages_of(done)
    if language == Language.ENGLISH:
        assert shown[0] == "1 dossier processed; 3 dossiers could not be processed (see below)."
        assert shown[1].startswith("1 dossier could not be processed: QTI/LS-00702/CM (Hồ Văn Bận): ")
        assert shown[2] == "2 dossiers could not be processed: not found or outside the area assigned to you."
    else:
        assert shown[0] == "Đã xử lý 1 hồ sơ; 3 hồ sơ không thực hiện được (xem bên dưới)."
        assert shown[1].startswith("1 hồ sơ không thực hiện được: QTI/LS-00702/CM (Hồ Văn Bận): ")
        assert shown[2] == "2 hồ sơ không thực hiện được: không tìm thấy hoặc nằm ngoài phạm vi bạn được giao."
    written = AuditEvent.objects.filter(actor=clerk, action=AuditAction.LOAN_REQUEST).get()
    assert VIETNAMESE.search(written.summary)  # the trail stays Vietnamese whatever the screen's language


def test_the_sentences_with_two_counts_agree_with_both_in_english():
    with translation.override("en"):
        assert _done_message(1, 0) == "1 dossier processed."
        assert _done_message(3, 1) == "3 dossiers processed; 1 dossier could not be processed (see below)."
        assert _done_message(1, 2) == "1 dossier processed; 2 dossiers could not be processed (see below)."
        assert _received_message(1, 0) == "1 page received; 0 files not accepted (see the reasons below)."
        assert _received_message(5, 1) == "5 pages received; 1 file not accepted (see the reason below)."
    with translation.override("vi"):
        assert _done_message(3, 1) == "Đã xử lý 3 hồ sơ; 1 hồ sơ không thực hiện được (xem bên dưới)."
        assert _received_message(5, 1) == "Đã nhận 5 trang; 1 tệp không nhận (xem lý do bên dưới)."


@pytest.mark.parametrize("language", [Language.ENGLISH, Language.VIETNAMESE])
def test_the_work_list_reads_each_count_with_its_noun(make_user, make_dossier, language):
    archivist = set_language(user=make_user(Role.ARCHIVIST, username="luu-tru"), language=language)
    dossier = make_dossier()
    Page.objects.create(dossier=dossier, sequence=1, state=Page.State.FAILED, error="ảnh hỏng")
    Page.objects.create(dossier=dossier, sequence=2, state=Page.State.QUEUED)
    Page.objects.create(dossier=dossier, sequence=3, state=Page.State.QUEUED)
    lines = work_lines(client_for(archivist))
    if language == Language.ENGLISH:
        assert lines["1 page failed processing, to be rescanned or retried"] == "1"
        assert lines["2 pages waiting to be processed"] == "2"
        assert lines["0 loan requests awaiting approval"] == "0"
        assert not any(VIETNAMESE.search(line) for line in lines)
    else:
        assert lines["1 Trang xử lý lỗi, cần quét lại hoặc thử lại"] == "1"
        assert lines["2 Trang đang chờ xử lý"] == "2"
        assert lines["0 Đề nghị mượn chờ duyệt"] == "0"


def test_the_audit_check_counts_events_in_the_readers_language(make_user):
    english = set_language(user=make_user(Role.AUDITOR, username="kiem-toan-en"), language=Language.ENGLISH)
    shown = messages_of(client_for(english).post("/nhat-ky/kiem-tra/"))
    assert re.fullmatch(r"The audit chain is intact: [\d.]+ events? checked\.", shown[0]), shown
    vietnamese = make_user(Role.AUDITOR, username="kiem-toan-vi")
    shown = messages_of(client_for(vietnamese).post("/nhat-ky/kiem-tra/"))
    assert re.fullmatch(r"Chuỗi nhật ký toàn vẹn: đã kiểm [\d.]+ sự kiện\.", shown[0]), shown
