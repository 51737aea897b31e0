"""Storage locations, moves between boxes and inventory checks (kiểm kê), through archive.services."""

import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from hoso.access.permissions import Role
from hoso.archive import selectors
from hoso.archive import services as archive
from hoso.archive.inventory import Seen, diff
from hoso.archive.models import Location, Movement, Placement
from hoso.archive.scan import read_scan, split_scans
from hoso.core.models import AuditEvent


def test_the_store_is_a_tree_whose_codes_are_paths(store, archivist):
    assert [store[k].code for k in ("kho", "gia", "shelf", "small", "big", "far")] == [
        "K01", "K01-G01", "K01-G01-T01", "K01-G01-T01-H001", "K01-G01-T01-H002", "K01-G01-T02-H001"]
    assert selectors.path_label(store["big"]) == "Kho A › Giá G01 › Tầng / ngăn T01 › Hộp H002"
    assert set(selectors.boxes_under(store["gia"])) == {store["small"], store["big"], store["far"]}
    with pytest.raises(ValidationError, match="chỉ đặt được tầng / ngăn"):
        archive.create_location(actor=archivist, kind="hop", parent=store["gia"])
    with pytest.raises(ValidationError, match="phải nằm trong"):
        archive.create_location(actor=archivist, kind="hop")
    full = archive.create_location(actor=archivist, kind="tang", parent=store["gia"], capacity=1)
    archive.create_location(actor=archivist, kind="hop", parent=full)
    with pytest.raises(ValidationError, match="đã đủ 1 vị trí con"):
        archive.create_location(actor=archivist, kind="hop", parent=full)
    assert AuditEvent.objects.filter(action="archive_location_create").count() == 9


def test_many_dossiers_move_in_one_action_and_each_move_is_audited(store, archivist, make_dossier):
    dossiers = [make_dossier(f"Người Số {i}") for i in range(3)]
    first = archive.move_dossiers(actor=archivist, dossiers=dossiers, box=store["big"])
    assert first.moved == [d.number for d in dossiers]
    again = archive.move_dossiers(actor=archivist, dossiers=dossiers[:2], box=store["small"])
    assert again.moved == [d.number for d in dossiers[:2]]
    assert Placement.objects.get(dossier=dossiers[0]).box == store["small"]
    assert Placement.objects.get(dossier=dossiers[2]).box == store["big"]
    moves = Movement.objects.filter(dossier=dossiers[0]).order_by("at", "id")
    assert [(m.from_box, m.to_box) for m in moves] == [(None, store["big"]), (store["big"], store["small"])]
    events = AuditEvent.objects.filter(action="archive_move", object_type="dossier", object_id=str(dossiers[0].pk))
    assert [e.summary for e in events.order_by("id")] == [
        f"{dossiers[0].number}: chưa có vị trí → K01-G01-T01-H002",
        f"{dossiers[0].number}: K01-G01-T01-H002 → K01-G01-T01-H001"]
    assert archive.move_dossiers(actor=archivist, dossiers=dossiers[:1], box=store["small"]).unchanged == [
        dossiers[0].number]


def test_a_box_never_holds_more_than_its_capacity(store, archivist, make_dossier):
    dossiers = [make_dossier(f"Người Số {i}") for i in range(4)]
    archive.move_dossiers(actor=archivist, dossiers=dossiers[:2], box=store["small"])
    with pytest.raises(ValidationError) as error:
        archive.move_dossiers(actor=archivist, dossiers=dossiers[1:], box=store["small"])
    assert error.value.messages == ["Hộp H001 (K01-G01-T01-H001) chỉ chứa được 3 hồ sơ: đang có 2, thêm 2 sẽ vượt 1. "
                                    "Hãy chọn hộp khác hoặc chuyển bớt."]
    assert Placement.objects.filter(box=store["small"]).count() == 2  # nothing moved
    with pytest.raises(ValidationError, match="không phải là hộp"):
        archive.move_dossiers(actor=archivist, dossiers=dossiers, box=store["shelf"])
    with pytest.raises(ValidationError, match="không được nhỏ hơn số đang chứa"):
        archive.update_location(actor=archivist, location=store["small"], name="", capacity=1)


def test_moves_and_locations_need_the_archivist(store, officer, make_dossier):
    with pytest.raises(PermissionDenied):
        archive.move_dossiers(actor=officer, dossiers=[make_dossier()], box=store["big"])
    with pytest.raises(PermissionDenied):
        archive.create_location(actor=officer, kind="kho")


def test_scans_are_numbers_links_or_location_codes():
    prefix = "/ho-so/"
    read = [read_scan(s, detail_prefix=prefix, default_province="QTI") for s in split_scans(
        "qti ls 7956 cm\nhttp://10.0.0.5:8000/ho-so/QTI/LS-07956/CM/\r\nk01-g01-t01-h002;LS-12\n\nnot a number")]
    assert [(s.kind, s.value) for s in read] == [
        ("dossier", "QTI/LS-07956/CM"), ("dossier", "QTI/LS-07956/CM"), ("location", "K01-G01-T01-H002"),
        ("dossier", "QTI/LS-00012"), ("unknown", "not a number")]
    strict = read_scan("thuong 1934", detail_prefix=prefix, default_province="QTI", known_type_codes=frozenset({"LS"}))
    assert strict.kind == "unknown"  # a name and a year typed at the desk, not province THU type ONG
    assert read_scan("http://[::1/ho-so/QTI/LS-1/", detail_prefix=prefix, default_province="QTI").kind == "unknown"


def test_inventory_diff_names_missing_misplaced_unexpected_and_lent():
    expected = {"A": "S-H001", "B": "S-H001", "C": "S-H002", "D": "S-H002", "E": "S-H002"}
    seen = [Seen("A", "S-H001", "S-H001"), Seen("C", "S-H001", "S-H002"), Seen("X", "S-H002", "OTHER-H009"),
            Seen("N", "S-H002", None), Seen("A", "S-H001", "S-H001"), Seen("L", "S-H002", "S-H002", "Ông Mượn")]
    result = diff(scope="S", expected=expected, seen=seen, unknown=[("???", "không có")], lent={"D": "Bà Giữ"})
    assert [e["number"] for e in result.found] == ["A"]
    assert [e["number"] for e in result.misplaced] == ["C", "X"]
    assert [e["number"] for e in result.unexpected] == ["N", "L", "???"]
    assert [e["number"] for e in result.missing] == ["B", "E"]
    assert result.on_loan == [{"number": "D", "detail": "Bà Giữ"}]
    assert result.moves == [("C", "S-H001"), ("X", "S-H002"), ("N", "S-H002")]


def test_inventory_check_of_a_shelf_is_recorded_and_can_update_the_locations(
        store, archivist, officer, make_dossier):
    small, big, far = store["small"], store["big"], store["far"]
    a, b, c, d, e = (make_dossier(f"Người {x}") for x in "ABCDE")
    unplaced = make_dossier("Người Chưa Xếp")
    archive.move_dossiers(actor=archivist, dossiers=[a, b], box=small)
    archive.move_dossiers(actor=archivist, dossiers=[c, d], box=big)
    archive.move_dossiers(actor=archivist, dossiers=[e], box=far)
    loan = archive.request_loan(actor=officer, dossier=d, purpose="Trích lục")
    archive.approve_loan(actor=archivist, loan=loan)
    archive.check_out_dossier(actor=archivist, loan=loan)

    scans = [small.code, a.number, c.number, big.code, f"http://127.0.0.1:8000/ho-so/{e.number}/",
             unplaced.number, "QTI/LS-99999/CM", store["other_shelf"].code]
    check = archive.record_inventory(actor=archivist, location=store["shelf"], scans=scans, note="Kiểm kê quý IV")
    numbers = {key: [x["number"] for x in value] for key, value in check.results.items()}
    assert numbers == {"found": [a.number], "missing": [b.number], "on_loan": [d.number],
                       "misplaced": [c.number, e.number],
                       "unexpected": [unplaced.number, "QTI/LS-99999/CM", store["other_shelf"].code]}
    assert check.results["on_loan"][0]["detail"].startswith("Cán bộ chính sách từ ")
    assert AuditEvent.objects.filter(action="archive_inventory", object_id=str(check.pk)).exists()

    moved = archive.apply_inventory(actor=archivist, check=check)
    assert sorted(moved.moved) == sorted([c.number, e.number, unplaced.number])
    assert {p.dossier_id: p.box_id for p in Placement.objects.all()} == {
        a.pk: small.pk, b.pk: small.pk, c.pk: small.pk, d.pk: big.pk, e.pk: big.pk, unplaced.pk: big.pk}
    assert Movement.objects.filter(reason=Movement.Reason.INVENTORY).count() == 3
    with pytest.raises(ValidationError, match="đã được cập nhật"):
        archive.apply_inventory(actor=archivist, check=check)


def test_an_inventory_applied_by_someone_who_cannot_see_every_dossier_found_stays_open_for_someone_who_can(
        store, archivist, make_user, make_dossier):
    small, big = store["small"], store["big"]
    plain, secret = make_dossier("Người Thường"), make_dossier("Người Mật", confidentiality="mat")
    cleared = make_user(Role.ARCHIVIST, username="luutru-mat", clearance=True)
    archive.move_dossiers(actor=cleared, dossiers=[plain, secret], box=big)
    check = archive.record_inventory(actor=cleared, location=store["shelf"],
                                     scans=[small.code, plain.number, secret.number])
    result = archive.apply_inventory(actor=archivist, check=check)
    assert (result.moved, result.beyond_reach) == ([plain.number], 1)
    assert {p.dossier_id: p.box_id for p in Placement.objects.all()} == {plain.pk: small.pk, secret.pk: big.pk}
    check.refresh_from_db()
    assert check.applied_at is None
    event = AuditEvent.objects.filter(action="archive_inventory_apply").latest("id")
    assert secret.number not in json.dumps(event.after) and "1 hồ sơ ngoài phạm vi" in event.summary
    result = archive.apply_inventory(actor=cleared, check=check)
    assert (result.moved, result.beyond_reach) == ([secret.number], 0)
    check.refresh_from_db()
    assert check.applied_at is not None


def test_an_inventory_of_one_box_needs_no_box_label(store, archivist, make_dossier):
    a, b = make_dossier("Người A"), make_dossier("Người B")
    archive.move_dossiers(actor=archivist, dossiers=[a, b], box=store["big"])
    check = archive.record_inventory(actor=archivist, location=store["big"], scans=[b.number.lower()])
    assert [x["number"] for x in check.results["found"]] == [b.number]
    assert [x["number"] for x in check.results["missing"]] == [a.number]
    with pytest.raises(ValidationError, match="Chưa quét"):
        archive.record_inventory(actor=archivist, location=store["big"], scans=["  "])
    assert Location.objects.get(pk=store["big"].pk).inventory_checks.count() == 1
