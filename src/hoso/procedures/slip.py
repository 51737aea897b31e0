"""The transfer slip (phiếu báo di chuyển hồ sơ người có công với cách mạng, Mẫu 93 of the annex to Nghị định
131/2021/NĐ-CP) as an A4 PDF: agency and national headings, number and date, title, the person's data and
the dossier's, sending and receiving agencies, what is sent (the original or an extract), signature blocks.
`slip_data` reads a Transfer; `slip_pdf` draws (reportlab, Noto/DejaVu fonts from labels)."""

import datetime as dt
import io
from dataclasses import dataclass

from django.conf import settings
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas

from hoso.archive.labels import BOLD, REGULAR, _register_fonts
from hoso.core.i18n import vietnamese_display
from hoso.procedures.models import Transfer
from hoso.records.models import BenefitDecision

TITLE = "PHIẾU BÁO DI CHUYỂN HỒ SƠ NGƯỜI CÓ CÔNG VỚI CÁCH MẠNG"


@dataclass(frozen=True)
class SlipData:
    number: str
    date: dt.date
    sender_parent: str
    sender: str
    province: str
    recipient: str
    to_province: str
    full_name: str
    birth: str
    hometown: str
    residence: str
    new_address: str
    category: str
    dossier_number: str
    contents: str
    benefit: str
    reason: str
    kind: str
    kind_reason: str
    package: str


def _money(amount: int) -> str:
    return f"{amount:,}".replace(",", ".")


def slip_data(transfer: Transfer) -> SlipData:
    dossier = transfer.dossier
    person = dossier.subject
    docs, pages = dossier.documents.count(), dossier.pages.count()
    contents = f"{docs} văn bản" + (f", {pages} trang đã số hóa" if pages else "")
    if dossier.sheet_count:
        contents += f", {dossier.sheet_count} tờ"
    decision = (dossier.decisions.filter(kind__in=[BenefitDecision.Kind.MONTHLY, BenefitDecision.Kind.SURVIVOR,
                                                   BenefitDecision.Kind.WORSHIP], monthly_amount__isnull=False)
                .order_by("-id").first())
    benefit = ""
    if decision is not None:
        who = decision.beneficiary.full_name if decision.beneficiary_id else person.full_name
        benefit = (f"{vietnamese_display(decision, 'kind')} {_money(decision.monthly_amount)} đồng/tháng ({who}), "
                   f"theo quyết định số {decision.number}"
                   + (f" ngày {decision.signed_on.display()}" if decision.signed_on else ""))
    package = ""
    if transfer.package_sha256:
        package = f"Kèm gói hồ sơ điện tử, mã kiểm tra SHA-256: {transfer.package_sha256}"
    return SlipData(
        number=transfer.number, date=transfer.sent_on or transfer.requested_on,
        sender_parent=f"UBND TỈNH {settings.HOSO_PROVINCE_NAME.upper()}", sender=settings.HOSO_AGENCY_NAME,
        province=settings.HOSO_PROVINCE_NAME, recipient=transfer.recipient_agency, to_province=transfer.to_province,
        full_name=person.full_name, birth=person.birth_date.display() if person.birth_date else "",
        hometown=person.hometown_text, residence=person.residence_text, new_address=transfer.new_address,
        category=dossier.category.name, dossier_number=dossier.number, contents=contents, benefit=benefit,
        reason=transfer.reason, kind=vietnamese_display(transfer, "kind"), kind_reason=transfer.kind_reason,
        package=package)


class _Writer:
    def __init__(self, canvas: Canvas) -> None:
        self.c = canvas
        self.left, self.right = 25 * mm, A4[0] - 20 * mm
        self.y = A4[1] - 18 * mm

    def centred(self, text: str, font: str, size: float, x_mid: float, y: float) -> None:
        self.c.setFont(font, size)
        self.c.drawCentredString(x_mid, y, text)

    def para(self, label: str, value: str, size: float = 11.5) -> None:
        """"Label: value" wrapped within the margins; the label in bold."""
        width = self.right - self.left
        label_w = pdfmetrics.stringWidth(label + " ", BOLD, size) if label else 0
        lines = simpleSplit(value or "……………………………………………", REGULAR, size, width - label_w) or [""]
        first, rest = lines[0], " ".join(lines[1:])
        self.y -= size * 1.45
        if label:
            self.c.setFont(BOLD, size)
            self.c.drawString(self.left, self.y, label)
        self.c.setFont(REGULAR, size)
        self.c.drawString(self.left + label_w, self.y, first)
        for line in simpleSplit(rest, REGULAR, size, width) if rest else []:
            self.y -= size * 1.35
            self.c.drawString(self.left, self.y, line)


def slip_pdf(data: SlipData) -> bytes:
    _register_fonts()
    buffer = io.BytesIO()
    c = Canvas(buffer, pagesize=A4, pageCompression=1)
    c.setTitle(f"{TITLE} số {data.number}")
    c.setAuthor(data.sender)
    c.setCreator("hoso")
    w = _Writer(c)
    left_mid, right_mid = 55 * mm, 140 * mm
    w.centred(data.sender_parent, REGULAR, 11, left_mid, w.y)
    w.centred("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", BOLD, 11, right_mid, w.y)
    w.y -= 14
    w.centred(data.sender.upper(), BOLD, 11, left_mid, w.y)
    w.centred("Độc lập - Tự do - Hạnh phúc", BOLD, 11.5, right_mid, w.y)
    c.line(left_mid - 18 * mm, w.y - 4, left_mid + 18 * mm, w.y - 4)
    c.line(right_mid - 30 * mm, w.y - 4, right_mid + 30 * mm, w.y - 4)
    w.y -= 22
    w.centred(f"Số: {data.number}", REGULAR, 11, left_mid, w.y)
    c.setFont(REGULAR, 11)
    c.drawCentredString(right_mid, w.y, f"{data.province}, ngày {data.date.day:02d} tháng {data.date.month:02d} "
                                        f"năm {data.date.year}")
    w.y -= 40
    for line in simpleSplit(TITLE, BOLD, 14, w.right - w.left):
        w.centred(line, BOLD, 14, A4[0] / 2 + 2.5 * mm, w.y)
        w.y -= 20
    w.y -= 6
    w.centred(f"Kính gửi: {data.recipient}", REGULAR, 12, A4[0] / 2, w.y)
    w.y -= 10
    w.para("", f"{data.sender} chuyển hồ sơ người có công với cách mạng đến {data.recipient} "
               f"({data.to_province}), cụ thể như sau:")
    w.para("Họ và tên:", data.full_name)
    w.para("Ngày sinh:", data.birth)
    w.para("Nguyên quán:", data.hometown)
    w.para("Trú quán:", data.residence)
    w.para("Nơi cư trú mới:", data.new_address)
    w.para("Diện đối tượng:", data.category)
    w.para("Số hồ sơ:", data.dossier_number)
    w.para("Hồ sơ gồm:", data.contents)
    w.para("Trợ cấp đang hưởng:", data.benefit or "không")
    w.para("Lý do di chuyển:", data.reason)
    w.para("Hình thức:", data.kind + (f": {data.kind_reason}." if data.kind_reason else ""))
    if data.kind_reason:
        w.para("", "Hồ sơ gốc được giữ lại tại nơi quản lý vì thân nhân còn hưởng trợ cấp; gửi kèm bản trích lục "
                   "hồ sơ (Điều 131 Nghị định 131/2021/NĐ-CP).", size=10.5)
    if data.package:
        w.para("", data.package, size=9.5)
    w.para("", f"Đề nghị {data.recipient} tiếp nhận, quản lý hồ sơ và thực hiện chế độ ưu đãi theo quy định; "
               "trường hợp trả lại hồ sơ xin nêu rõ lý do.", size=11)
    w.y -= 34
    sig_left, sig_right = 55 * mm, 140 * mm
    w.centred("NGƯỜI LẬP PHIẾU", BOLD, 11, sig_left, w.y)
    w.centred("GIÁM ĐỐC", BOLD, 11, sig_right, w.y)
    w.y -= 14
    w.centred("(Ký, ghi rõ họ tên)", REGULAR, 10, sig_left, w.y)
    w.centred("(Ký, ghi rõ họ tên, đóng dấu)", REGULAR, 10, sig_right, w.y)
    c.setFont(REGULAR, 9)
    c.drawString(w.left, 28 * mm, "Nơi nhận:")
    c.drawString(w.left, 24 * mm, f"- Như trên; - Người có công hoặc thân nhân; - Lưu hồ sơ {data.dossier_number}.")
    c.showPage()
    c.save()
    return buffer.getvalue()
