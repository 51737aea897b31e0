"""Registration as a clerk expects it: the next free serial on request, a category that matches the number's code,
names capitalised the Vietnamese way, edits after verification sent back to be verified, relatives corrected and
removed."""

import pytest
from django.test import Client

from hoso.core.models import AuditEvent
from hoso.imports.services.registers import import_register
from hoso.records import services
from hoso.records.models import Dossier, DossierRelative, Page


def _form_data(client: Client, url: str, **values) -> dict:
    form = client.get(url).context["form"]
    data = {name: form[name].value() for name in form.fields if form[name].value() not in (None, False)}
    data.update(values)
    return data


@pytest.fixture
def clerk(officer):
    client = Client()
    client.force_login(officer)
    return client


def test_the_next_free_serial_is_given_for_a_type_and_period(clerk, make_dossier, actor):
    for serial in (7, 41):
        person = services.create_person(actor=actor, full_name=f"Người {serial}")
        services.register_dossier(actor=actor, number=f"QTI/LS-{serial:05d}/CM", category_code="LS", subject=person)
    person = services.create_person(actor=actor, full_name="Người BV")
    services.register_dossier(actor=actor, number="QTI/LS-00900/BV", category_code="LS", subject=person)
    response = clerk.post("/ho-so/moi/", _form_data(clerk, "/ho-so/moi/", number="ls/cm", category="LS",
                                                    full_name="nguyễn văn đức", birth_date="1948",
                                                    confidentiality="thuong"), follow=True)
    assert response.status_code == 200
    made = Dossier.objects.get(subject__full_name="Nguyễn Văn Đức")  # capitalised the Vietnamese way
    assert made.number == "QTI/LS-00042/CM"  # after the highest of its period, not of another period
    assert "số thứ tự do hệ thống cấp" in response.content.decode()
    assert made.title.endswith("Nguyễn Văn Đức")
    assert services.next_free_number("QTI/AQ-?/BV") == "QTI/AQ-00001/BV"
    assert services.next_free_number("QTI/LS-00007/CM") is None  # a full number is taken as typed


def test_a_name_in_mixed_case_or_marked_to_keep_stays_as_typed(clerk):
    for name, keep in (("Lê thị Mỹ", False), ("NGÔ VĂN A", True)):
        clerk.post("/ho-so/moi/", _form_data(clerk, "/ho-so/moi/", number="LS/CM", category="LS", full_name=name,
                                             confidentiality="thuong", **({"keep_case": "on"} if keep else {})))
        assert Dossier.objects.filter(subject__full_name=name).exists(), name


def test_a_category_that_contradicts_the_number_is_refused(clerk):
    response = clerk.post("/ho-so/moi/", _form_data(clerk, "/ho-so/moi/", number="QTI/AQ-00012/CM", category="LS",
                                                    full_name="Trần Văn Nam", confidentiality="thuong"))
    assert response.status_code == 200
    assert "mang mã AQ (Thương binh) nhưng diện đã chọn là Liệt sĩ" in response.content.decode()
    assert not Dossier.objects.filter(number="QTI/AQ-00012/CM").exists()


def test_editing_a_verified_dossier_needs_a_reason_and_sends_it_back(clerk, martyr_dossier, officer):
    Page.objects.create(dossier=martyr_dossier, sequence=1, state=Page.State.DONE)
    for status in (Dossier.Status.SCANNED, Dossier.Status.ENTERED, Dossier.Status.VERIFIED):
        services.set_dossier_status(actor=None, dossier=martyr_dossier, status=status)
    url = f"/ho-so/{martyr_dossier.number}/sua/"
    response = clerk.post(url, _form_data(clerk, url, title="Tiêu đề mới"))
    assert "hãy ghi lý do sửa" in response.content.decode()
    martyr_dossier.refresh_from_db()
    assert martyr_dossier.title != "Tiêu đề mới" and martyr_dossier.status == Dossier.Status.VERIFIED
    response = clerk.post(url, _form_data(clerk, url, title="Tiêu đề mới", edit_reason="Sai năm sinh"), follow=True)
    martyr_dossier.refresh_from_db()
    assert martyr_dossier.title == "Tiêu đề mới" and martyr_dossier.status == Dossier.Status.ENTERED
    event = AuditEvent.objects.filter(action="set_status", object_id=str(martyr_dossier.pk)).latest("id")
    assert event.actor == officer and event.after == {"status": "da_nhap", "note": "Sai năm sinh"}


def test_a_relative_is_corrected_and_removed(clerk, martyr_dossier, actor):
    link = services.link_relative(actor=actor, dossier=martyr_dossier, relationship="me",
                                  person=services.create_person(actor=actor, full_name="Lê Thị Mẹ"))
    url = f"/ho-so/{martyr_dossier.number}/than-nhan/{link.pk}/"
    response = clerk.post(url, {"full_name": "lê thị mến", "relationship": "vo", "birth_date": "1925",
                                "keeps_worship": "on"})
    assert response.status_code == 302
    link.refresh_from_db()
    assert (link.person.full_name, link.relationship, link.keeps_worship) == ("Lê Thị Mến", "vo", True)
    assert "Bỏ Lê Thị Mến khỏi hồ sơ?" in clerk.get(url + "bo/").content.decode()
    clerk.post(url + "bo/")
    assert not DossierRelative.objects.filter(pk=link.pk).exists()
    assert AuditEvent.objects.filter(action="unlink_relative", object_id=str(martyr_dossier.pk)).exists()


def test_approximate_and_unknown_dates_are_kept_as_written(clerk):
    response = clerk.post("/ho-so/moi/", _form_data(clerk, "/ho-so/moi/", number="LS/CM", category="LS",
                                                    full_name="Trần Văn Gần", birth_date="khoảng 1948",
                                                    death_date="không rõ", confidentiality="thuong"), follow=True)
    made = Dossier.objects.get(subject__full_name="Trần Văn Gần")
    assert made.subject.birth_date.display() == "khoảng 1948" and made.subject.death_date is None
    assert "khoảng 1948" in response.content.decode()


def test_a_register_with_approximate_dates_imports_them(tmp_path, actor):
    register = tmp_path / "so.csv"
    register.write_text("Số hồ sơ;Họ và tên;Năm sinh;Ngày hy sinh\n"
                        "QTI/LS-00601/CM;Phạm Văn Một;1948?;không rõ\n"
                        "QTI/LS-00602/CM;Phạm Văn Hai;trước 1950;khoảng 1968\n", encoding="utf-8")
    report = import_register(actor=actor, path=register)
    assert (report.created, [e.message for e in report.errors]) == (2, [])
    one = Dossier.objects.get(number="QTI/LS-00601/CM").subject
    two = Dossier.objects.get(number="QTI/LS-00602/CM").subject
    assert (one.birth_date.display(), one.death_date) == ("1948 (?)", None)
    assert (two.birth_date.display(), two.death_date.display()) == ("trước 1950", "khoảng 1968")
