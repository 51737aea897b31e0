"""Decisions that change the record (procedures/changes.py): relatives added (Điều 29), the worship keeper and the
worship allowance (Điều 28), personal data corrected (Điều 130) — proposed while the case is processed, applied
through records services when the leader records the decision with its number and date, or not at all."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from hoso.core.models import AuditEvent
from hoso.procedures import cases
from hoso.procedures.models import Case
from hoso.records import services as records
from hoso.records.models import BenefitDecision
from hoso.vntext import PartialDate


def opened(desk, specialist, dossier, kind):
    case = cases.receive_case(actor=desk, kind=kind, dossiers=[dossier],
                              applicant=cases.Applicant(name="Nguyễn Thị Hoa", relationship="Con đẻ"))
    return cases.start_processing(actor=specialist, case=case)


def test_relatives_are_added_when_the_decision_is_recorded_with_its_number(desk, specialist, chief, martyr_dossier):
    case = opened(desk, specialist, martyr_dossier, "bo-sung-than-nhan-liet-si")
    case = cases.propose_change(actor=specialist, case=case, item={
        "full_name": "Nguyễn Thị  Hoa", "relationship": "con", "birth_date": "3/1968", "receives_benefit": True})
    case = cases.propose_change(actor=specialist, case=case, item={"full_name": "Nguyễn Văn Hải",
                                                                  "relationship": "anh_chi_em"})
    assert [r["birth_date"] for r in case.change["relatives"]] == ["1968-03", ""]
    with pytest.raises(ValidationError, match="Quan hệ"):
        cases.propose_change(actor=specialist, case=case, item={"full_name": "X", "relationship": "ban"})
    assert martyr_dossier.relative_links.count() == 0  # nothing changes before the decision

    with pytest.raises(ValidationError, match="Cần ghi số quyết định"):
        cases.decide(actor=chief, case=case)
    case.refresh_from_db()
    assert case.state == Case.State.PROCESSING and martyr_dossier.relative_links.count() == 0  # all or nothing

    case = cases.decide(actor=chief, case=case, decision_number="56/QĐ-SNV", on=dt.date.today())
    links = list(martyr_dossier.relative_links.select_related("person").order_by("id"))
    assert [(link.person.full_name, link.relationship, link.receives_benefit) for link in links] == [
        ("Nguyễn Thị Hoa", "con", True), ("Nguyễn Văn Hải", "anh_chi_em", False)]
    assert links[0].person.birth_date == PartialDate(1968, 3)
    assert links[0].note.startswith(f"Theo quyết định số 56/QĐ-SNV ngày {dt.date.today():%d/%m/%Y} (hồ sơ thủ tục "
                                    f"{case.number})")
    assert case.change["applied"] == {"number": "56/QĐ-SNV", "on": dt.date.today().isoformat()}
    assert AuditEvent.objects.filter(actor=chief, action="link_relative").count() == 2  # in the leader's name
    with pytest.raises(ValidationError, match="không đề xuất thay đổi được"):
        cases.propose_change(actor=specialist, case=case, item={"full_name": "Y", "relationship": "con"})


def test_the_worship_keeper_is_marked_and_the_allowance_decided(desk, specialist, chief, martyr_dossier, actor):
    son = records.link_relative(actor=actor, dossier=martyr_dossier, relationship="con",
                                person=records.create_person(actor=actor, full_name="Nguyễn Văn Con"))
    case = opened(desk, specialist, martyr_dossier, "tro-cap-tho-cung-liet-si")
    case = cases.propose_change(actor=specialist, case=case, item={"link": son.pk})
    today = dt.date.today()
    case = cases.decide(actor=chief, case=case, decision_number="55/QĐ-SNV", on=today)
    son.refresh_from_db()
    assert son.keeps_worship
    decision = martyr_dossier.decisions.get()
    assert (decision.kind, decision.number, decision.signed_on, decision.beneficiary) == (
        BenefitDecision.Kind.WORSHIP, "55/QĐ-SNV", PartialDate(today.year, today.month, today.day), son.person)
    assert decision.notes == f"Hồ sơ thủ tục {case.number}"


def test_personal_data_is_corrected_with_a_decision_saying_what_changed(desk, specialist, chief, martyr_dossier):
    case = opened(desk, specialist, martyr_dossier, "dieu-chinh-thong-tin")
    case = cases.propose_change(actor=specialist, case=case, item={"field": "full_name", "value": "Nguyễn Văn Được"})
    case = cases.propose_change(actor=specialist, case=case, item={"field": "birth_date", "value": "12/03/1950"})
    with pytest.raises(ValidationError, match="Ngày không hợp lệ"):
        cases.propose_change(actor=specialist, case=case, item={"field": "birth_date", "value": "31/02/1950"})
    cases.decide(actor=chief, case=case, decision_number="75/QĐ-SNV")
    person = martyr_dossier.subject
    person.refresh_from_db()
    assert (person.full_name, person.birth_date) == ("Nguyễn Văn Được", PartialDate(1950, 3, 12))
    decision = martyr_dossier.decisions.get()
    assert decision.kind == BenefitDecision.Kind.CHANGE
    assert "Họ và tên: «Nguyễn Văn Đức» → «Nguyễn Văn Được»" in decision.notes
    assert "Ngày sinh: «1950» → «1950-03-12»" in decision.notes


def test_a_procedure_that_changes_nothing_takes_no_proposal(desk, specialist, martyr_dossier):
    case = opened(desk, specialist, martyr_dossier, "trich-luc")
    with pytest.raises(ValidationError, match="không thay đổi hồ sơ"):
        cases.propose_change(actor=specialist, case=case, item={"full_name": "X", "relationship": "con"})


def test_on_the_web_the_specialist_proposes_and_the_leader_decides(desk, specialist, chief, martyr_dossier):
    case = opened(desk, specialist, martyr_dossier, "bo-sung-than-nhan-liet-si")
    url = f"/thu-tuc/{case.number}/"
    web, boss = Client(), Client()
    web.force_login(specialist)
    boss.force_login(chief)
    page = web.get(url).content.decode()
    assert 'id="case-change"' in page and "Thêm vào đề xuất" in page
    web.post(f"{url}thay-doi/", {"full_name": "Lê Thị Mẹ", "relationship": "me", "birth_date": "1925"})
    page = boss.get(url).content.decode()
    assert "Bổ sung thân nhân: Lê Thị Mẹ (Mẹ đẻ), sinh 1925" in page and "cần số quyết định" in page
    refused = boss.post(f"{url}duyet/", {}, follow=True)
    assert any("Cần ghi số quyết định" in str(m) for m in refused.context["messages"])
    boss.post(f"{url}duyet/", {"decision_number": "12/QĐ"})
    assert martyr_dossier.relative_links.get().person.full_name == "Lê Thị Mẹ"
    assert "Đã cập nhật hồ sơ QTI/LS-07956/CM theo quyết định số 12/QĐ" in web.get(url).content.decode()
