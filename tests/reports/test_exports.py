import csv
import io

from django.test import Client
from openpyxl import load_workbook

from hoso.core.models import AuditEvent
from hoso.records import services


def make(actor, name, number, category="LS", **extra):
    person = services.create_person(actor=actor, full_name=name, birth_date="1950")
    return services.register_dossier(actor=actor, number=number, category_code=category, subject=person, **extra)


def test_export_follows_the_list_order_filters_and_access(actor, officer):
    for name, number in [("Trần Văn Bình", "QTI/LS-00001/CM"), ("Nguyễn Thị An", "QTI/LS-00002/CM"),
                         ("Lê Đức Anh", "QTI/KC-00003/CM"), ("=HYPERLINK(\"x\")", "QTI/LS-00004/CM")]:
        make(actor, name, number, category=number[4:6])
    make(actor, "Ngô Văn Mật", "QTI/LS-00005/CM", confidentiality="mat")
    client = Client()
    client.force_login(officer)
    book = load_workbook(io.BytesIO(client.get("/ho-so/xuat/").content))
    rows = list(book.active.values)
    assert rows[0][:3] == ("STT", "Số hồ sơ", "Họ và tên")
    names = [r[2] for r in rows[1:]]
    assert names[:3] == ["Nguyễn Thị An", "Lê Đức Anh", "Trần Văn Bình"]
    assert [r[0] for r in rows[1:]] == list(range(1, len(rows)))  # STT typed as numbers, not text
    assert "Ngô Văn Mật" not in names  # not cleared for secret dossiers
    assert "'=HYPERLINK(\"x\")" in names  # a formula is exported as text
    text = client.get("/ho-so/xuat/", {"category": "KC", "format": "csv"}).content
    assert text.startswith("\ufeff".encode())
    table = list(csv.reader(io.StringIO(text.decode("utf-8-sig"))))
    assert [r[2] for r in table[1:]] == ["Lê Đức Anh"]
    searched = load_workbook(io.BytesIO(client.get("/ho-so/xuat/", {"q": "binh"}).content))
    assert [r[2] for r in list(searched.active.values)[1:]] == ["Trần Văn Bình"]
    assert AuditEvent.objects.filter(action="export", object_type="dossier_list", actor=officer).count() == 3


def test_roles_without_export_cannot(actor, verifier):
    client = Client()
    client.force_login(verifier)
    assert client.get("/ho-so/xuat/").status_code == 403
    assert "Xuất Excel" not in client.get("/ho-so/").content.decode()
