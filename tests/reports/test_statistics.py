"""Every statistic equals a count made the slow way over the generated province; the visibility rule holds (a
commune officer's figures are of their commune only, "mật" dossiers only for the cleared); the facts follow every
write; the list behind a number is as long as the number."""

import datetime as dt

import pytest
from django.test import Client

from hoso.records import services
from hoso.records.models import Dossier
from hoso.records.visibility import visible_dossiers
from hoso.reports import facts, figures
from hoso.reports.models import DossierFact
from hoso.reports.places import UNKNOWN, Places
from hoso.reports.statistics import BadQuestion, Cube, Slice, dossier_counts, slice_q

from .conftest import brute_force, old_unit, today_unit

ALL = ["category", "commune", "sex", "status", "decade", "alive"]
GROUPINGS = [[], ["category"], ["commune"], ["sex"], ["status"], ["decade"], ["alive"], ["category", "commune"],
             ["commune", "sex", "decade"], ["category", "alive"], ALL]


def as_counter(table) -> dict:
    return {values: n for values, n in table.rows}


@pytest.mark.parametrize("by", GROUPINGS, ids=lambda by: "+".join(by) or "total")
def test_every_statistic_equals_a_brute_force_count(province, leader_all, by):
    table = dossier_counts(actor=leader_all, by=by)
    expected = brute_force(leader_all, by)
    assert as_counter(table) == dict(expected)
    assert table.total == sum(expected.values()) == visible_dossiers(actor=leader_all).count()


def test_the_generated_province_has_what_the_statistics_must_handle(province, leader_cleared):
    table = dossier_counts(actor=leader_cleared, by=["commune", "status", "alive"])
    communes = {values[0] for values, _ in table.rows}
    assert UNKNOWN in communes and len(communes) >= 15  # old places the gazetteer cannot map, and many communes
    assert {values[1] for values, _ in table.rows} >= {"chua_so_hoa", "da_quet", "da_luu_tru"}
    assert {values[2] for values, _ in table.rows} == {"con_song", "da_mat"}
    assert Dossier.objects.filter(confidentiality="mat").exists()


def test_as_of_a_date_counts_what_was_managed_then(province, leader_all):
    for at in (dt.date(1985, 12, 31), dt.date(2000, 6, 30), dt.date(2010, 12, 31)):
        for by in (["category"], ["category", "alive"], ["commune", "decade"]):
            assert as_counter(dossier_counts(actor=leader_all, by=by, at=at)) == dict(brute_force(leader_all, by, at))
    earlier = dossier_counts(actor=leader_all, by=[], at=dt.date(1990, 1, 1)).total
    later = dossier_counts(actor=leader_all, by=[], at=dt.date(2010, 1, 1)).total
    assert 0 < earlier < later <= dossier_counts(actor=leader_all, by=[]).total


def test_secret_dossiers_are_counted_only_for_the_cleared(province, leader_all, leader_cleared):
    secret = Dossier.objects.filter(confidentiality="mat").count()
    assert dossier_counts(actor=leader_cleared, by=[]).total - dossier_counts(actor=leader_all, by=[]).total == secret
    assert as_counter(dossier_counts(actor=leader_cleared, by=["category", "commune"])) == dict(
        brute_force(leader_cleared, ["category", "commune"]))


def test_a_commune_officer_counts_only_their_commune(province, commune_officer):
    table = dossier_counts(actor=commune_officer, by=["commune", "category"])
    assert {values[0] for values, _ in table.rows} == {today_unit("Xã Triệu Phong").pk}
    assert table.total == visible_dossiers(actor=commune_officer).count() > 0
    assert as_counter(table) == dict(brute_force(commune_officer, ["commune", "category"]))
    # The split Xã Triệu Độ counts in Xã Triệu Phong for its officer, in its first successor for the province.
    split = old_unit("Xã Triệu Độ")
    places = Places(commune_officer)
    assert places.unit_commune(split.pk) == today_unit("Xã Triệu Phong").pk
    assert Places(None).unit_commune(split.pk) == today_unit("Xã Ái Tử").pk


def test_a_person_living_in_one_commune_and_from_another_counts_where_they_live(province, leader_all, make_user):
    dossier = Dossier.objects.get(number="QTI/KC-90001/CM")
    assert Places(leader_all).commune_of(dossier.subject.residence_unit_id, dossier.subject.hometown_unit_id) == \
        today_unit("Xã Hải Lăng").pk
    from_cam_lo = make_user("policy_officer", username="camlo", scope=today_unit("Xã Cam Lộ"))
    counted = dossier_counts(actor=from_cam_lo, by=["commune"], where=Slice(category="KC"))
    assert {values[0] for values, _ in counted.rows} == {today_unit("Xã Cam Lộ").pk}  # seen through its hometown
    assert visible_dossiers(actor=from_cam_lo).filter(slice_q(actor=from_cam_lo, where=Slice(
        commune=today_unit("Xã Cam Lộ").pk))).filter(number=dossier.number).exists()


@pytest.mark.parametrize("by", [["category"], ["commune"], ["category", "commune"], ["sex", "decade"],
                                ["status"], ["category", "alive"]], ids="+".join)
def test_the_list_behind_a_number_is_as_long_as_the_number(province, leader_all, commune_officer, by):
    for actor in (leader_all, commune_officer):
        at = dt.date(2005, 12, 31)
        for when in (None, at):
            table = dossier_counts(actor=actor, by=by, at=when)
            for _labels, n, where in table.labelled():
                listed = visible_dossiers(actor=actor).filter(slice_q(actor=actor, where=where, at=when))
                assert listed.count() == n, (where, when)


def test_the_dossier_list_page_drills_down_to_the_dossiers_of_a_figure(province, leader_all):
    client = Client()
    client.force_login(leader_all)
    table = dossier_counts(actor=leader_all, by=["category", "commune"], where=Slice(sex="nam"))
    checked = 0
    for _labels, n, where in table.labelled()[:25]:
        params = {k: v for k, v in where.given().items()}
        response = client.get("/ho-so/", params)
        assert response.status_code == 200
        assert response.context["page"].paginator.count == n, params
        checked += 1
    assert checked == 25
    response = client.get("/ho-so/", {"commune": "999999", "decade": "19x0"})
    assert response.status_code == 200 and "không hợp lệ" in response.content.decode()


def test_facts_follow_every_write(actor, province, leader_cleared):
    dossier = Dossier.objects.filter(category__code="LS").select_related("subject").first()
    fact = DossierFact.objects.get(dossier=dossier)
    assert (fact.category.code, fact.status, fact.sex) == ("LS", dossier.status, dossier.subject.sex)
    services.update_person(actor=actor, person=dossier.subject, residence_unit=old_unit("Xã Vĩnh Tú"), sex="nu")
    services.update_dossier(actor=actor, dossier=dossier, status="da_quet", category_code="LS")
    fact.refresh_from_db()
    assert (fact.residence_unit.name, fact.sex, fact.status) == ("Xã Vĩnh Tú", "nu", "da_quet")
    services.add_decision(actor=actor, dossier=dossier, kind="cong_nhan", number="1/QĐ", signed_on="1950")
    fact.refresh_from_db()
    assert fact.managed_from == dt.date(1950, 1, 1)
    services.delete_dossier(actor=actor, dossier=dossier)
    assert not DossierFact.objects.filter(dossier_id=dossier.pk).exists()
    assert as_counter(dossier_counts(actor=leader_cleared, by=ALL)) == dict(brute_force(leader_cleared, ALL))


def test_facts_can_be_rebuilt(province, leader_all):
    before = as_counter(dossier_counts(actor=leader_all, by=ALL))
    DossierFact.objects.filter(dossier_id__in=Dossier.objects.order_by("id").values("id")[:50]).delete()
    assert facts.ensure_facts() == 50
    assert facts.rebuild_facts() == Dossier.objects.count()
    assert as_counter(dossier_counts(actor=leader_all, by=ALL)) == before


def test_one_read_gives_every_table(province, leader_all, django_assert_max_num_queries):
    with django_assert_max_num_queries(12):
        cube = Cube(leader_all, dimensions=ALL)
        tables = [cube.table(by) for by in GROUPINGS]
    assert all(t.total == cube.total for t in tables)


def test_questions_it_cannot_answer_say_so_in_vietnamese(province, leader_all):
    today = dt.date.today()
    with pytest.raises(BadQuestion, match="chưa đến"):
        dossier_counts(actor=leader_all, by=["category"], at=today + dt.timedelta(days=40))
    with pytest.raises(BadQuestion, match="trước năm 1945"):
        dossier_counts(actor=leader_all, by=["category"], at=dt.date(1930, 1, 1))
    with pytest.raises(BadQuestion, match="Không có chiều thống kê"):
        dossier_counts(actor=leader_all, by=["ethnicity"])
    with pytest.raises(BadQuestion, match="Không có diện"):
        dossier_counts(actor=leader_all, by=[], where=Slice(category="XX"))


def test_a_user_with_no_area_counts_nothing(province, make_user):
    nobody = make_user("leader", username="khongdiaban", scope=None)
    assert dossier_counts(actor=nobody, by=["category"]).total == 0


def test_benefits_by_category_as_of_a_date(actor, gazetteer_units, make_user):
    leader = make_user("leader", username="lanhdao")
    def dossier(number, code):
        person = services.create_person(actor=actor, full_name=f"Người {number}", birth_date="1940")
        return services.register_dossier(actor=actor, number=number, category_code=code, subject=person)

    a, b, c = dossier("QTI/AQ-00001/CM", "AQ"), dossier("QTI/AQ-00002/CM", "AQ"), dossier("QTI/BB-00003/CM", "BB")
    services.add_decision(actor=actor, dossier=a, kind="hang_thang", number="1", starts_on="2020-01",
                          monthly_amount=2_000_000)
    services.add_decision(actor=actor, dossier=a, kind="dieu_chinh", number="2", starts_on="2024-07",
                          monthly_amount=3_000_000)
    services.add_decision(actor=actor, dossier=b, kind="hang_thang", number="3", starts_on="2021",
                          monthly_amount=2_500_000)
    services.add_decision(actor=actor, dossier=b, kind="dinh_chi", number="4", starts_on="2023-03")
    services.add_decision(actor=actor, dossier=c, kind="hang_thang", number="5", starts_on="2019", ends_on="2022",
                          monthly_amount=1_000_000)
    services.add_decision(actor=actor, dossier=c, kind="tho_cung", number="6", starts_on="2019", monthly_amount=9)

    def figures_on(day):
        return {r.category.code: (r.beneficiaries, r.monthly_total)
                for r in figures.benefits(actor=leader, at=dt.date.fromisoformat(day))}

    assert figures_on("2022-12-31") == {"AQ": (2, 4_500_000), "BB": (1, 1_000_000)}  # "2022" ends with that year
    assert figures_on("2023-06-01") == {"AQ": (1, 2_000_000)}  # b stopped, c ended
    assert figures_on("2024-07-15") == {"AQ": (1, 3_000_000)}  # a changed
    assert figures_on("2018-01-01") == {}
