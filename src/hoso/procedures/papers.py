"""Papers produced for a case: the receipt with the appointment date (Phiếu tiếp nhận và hẹn trả kết quả), the request
for more papers, the refusal, the hand-over to another body, and the extract (trích lục) filled from the dossier.

`*_sheet(...)` reads a case into a `Sheet` (what the paper says); `sheet_pdf` draws it on A4 (reportlab, the fonts
of archive/labels.py for Vietnamese glyphs) and `sheet_docx` writes it for an officer to edit before signing
(python-docx). Every page carries the case number, the public tracking code and a QR code of them.
"""

import datetime as dt
import io
from dataclasses import dataclass, field

import qrcode
from django.conf import settings
from docx import Document as DocxDocument
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Pt
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas

from hoso.access.models import User
from hoso.archive.labels import BOLD, REGULAR, _draw_qr, _register_fonts
from hoso.core.i18n import vietnamese_display
from hoso.records.models import Dossier
from hoso.records.visibility import document_visible, sees_health

from .models import Case, CaseDocument

BLANK = "……………………………………"


@dataclass
class Sheet:
    title: str
    case_number: str
    tracking_code: str
    date: dt.date
    to: str = ""  # Kính gửi
    intro: str = ""
    fields: list[tuple[str, str]] = field(default_factory=list)
    sections: list[tuple[str, list[str]]] = field(default_factory=list)
    closing: list[str] = field(default_factory=list)
    signatures: list[tuple[str, str]] = field(default_factory=list)  # (title, name)

    @property
    def qr(self) -> str:
        return f"HOSO-TTHC {self.case_number} {self.tracking_code}"

    @property
    def footer(self) -> str:
        return f"Hồ sơ thủ tục {self.case_number} · Mã tra cứu {self.tracking_code}"


def long_date(day: dt.date) -> str:
    return f"ngày {day.day:02d} tháng {day.month:02d} năm {day.year}"


def _dossiers(case: Case) -> list[str]:
    return [f"{d.number} — {d.subject.full_name}" for d in case.dossiers.select_related("subject").order_by("number")]


def _applicant(case: Case) -> list[tuple[str, str]]:
    return [("Người nộp hồ sơ:", case.applicant_name or BLANK),
            ("Quan hệ với người có công:", case.applicant_relationship or BLANK),
            ("Số định danh cá nhân:", case.applicant_id_number or BLANK),
            ("Địa chỉ:", case.applicant_address or BLANK),
            ("Điện thoại:", case.applicant_phone or BLANK)]


def _sheet(case: Case, title: str, on: dt.date, **kwargs) -> Sheet:
    return Sheet(title=title, case_number=case.number, tracking_code=case.tracking_code, date=on, **kwargs)


def _staff(user: User | None) -> str:
    return (user.get_full_name() or user.username) if user is not None else ""


def receipt_sheet(case: Case, *, on: dt.date) -> Sheet:
    steps = list(case.steps.select_related("step").order_by("position"))
    papers = [f"{p.name}: " + (f"đã nhận ngày {p.received_on:%d/%m/%Y}" if p.received_on else "chưa nộp")
              for p in case.papers.all()]
    return _sheet(
        case, "PHIẾU TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ", on,
        intro=f"{settings.HOSO_AGENCY_NAME} đã tiếp nhận hồ sơ đề nghị giải quyết thủ tục:",
        fields=[("Thủ tục:", case.version.name), ("Căn cứ:", case.version.basis), ("Mã hồ sơ:", case.number),
                ("Mã tra cứu:", case.tracking_code), *_applicant(case),
                ("Ngày tiếp nhận:", f"{case.received_on:%d/%m/%Y}")],
        sections=[("Hồ sơ người có công liên quan:", _dossiers(case) or ["(lập hồ sơ mới)"]),
                  ("Giấy tờ đã nhận:", papers or ["(không có giấy tờ bắt buộc)"]),
                  ("Các bước giải quyết:", [f"{s.position}. {s.step.actor}: {s.step.duration_text}, hạn "
                                            f"{s.due_on:%d/%m/%Y}" for s in steps])],
        closing=[f"Ngày hẹn trả kết quả: {case.due_on:%d/%m/%Y}",
                 f"Nơi trả kết quả: bộ phận một cửa, {settings.HOSO_AGENCY_NAME}.",
                 "Thời gian chờ bổ sung giấy tờ (nếu có) không tính vào thời hạn giải quyết.",
                 f"Tra cứu tình trạng hồ sơ tại {settings.HOSO_BASE_URL.rstrip('/')}/tra-cuu/ bằng mã tra cứu "
                 f"{case.tracking_code}."],
        signatures=[("NGƯỜI NỘP HỒ SƠ", case.applicant_name), ("NGƯỜI TIẾP NHẬN", _staff(case.received_by))])


def supplement_sheet(case: Case, *, on: dt.date, note: str = "", by: User | None = None) -> Sheet:
    missing = [p.name for p in case.papers.filter(received_on=None)]
    return _sheet(
        case, "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ", on, to=case.applicant_name or BLANK,
        intro=f"{settings.HOSO_AGENCY_NAME} đã tiếp nhận hồ sơ {case.number} ngày {case.received_on:%d/%m/%Y} "
              f"đề nghị giải quyết thủ tục «{case.version.name}». Hồ sơ chưa đủ, đề nghị bổ sung, hoàn thiện:",
        sections=[("Giấy tờ cần bổ sung:", missing or [BLANK])],
        fields=[("Lý do:", note or BLANK)],
        closing=["Thời gian chờ bổ sung không tính vào thời hạn giải quyết; khi nhận đủ giấy tờ, thời hạn được "
                 "tính tiếp và ngày hẹn trả kết quả được báo lại."],
        signatures=[("NGƯỜI NỘP HỒ SƠ", case.applicant_name), ("CÁN BỘ YÊU CẦU BỔ SUNG", _staff(by))])


def refusal_sheet(case: Case, *, on: dt.date, by: User | None = None) -> Sheet:
    return _sheet(
        case, "PHIẾU TỪ CHỐI GIẢI QUYẾT HỒ SƠ", on, to=case.applicant_name or BLANK,
        intro=f"{settings.HOSO_AGENCY_NAME} đã tiếp nhận hồ sơ {case.number} ngày {case.received_on:%d/%m/%Y} "
              f"đề nghị giải quyết thủ tục «{case.version.name}» ({case.version.basis}). Hồ sơ không được giải "
              "quyết vì lý do sau:",
        sections=[("Lý do từ chối:", [line for line in case.reasons.splitlines() if line.strip()] or [BLANK])],
        closing=["Xin thông báo để ông/bà biết."],
        signatures=[("", ""), ("THỦ TRƯỞNG CƠ QUAN", _staff(by))])


def handover_sheet(case: Case, *, on: dt.date, by: User | None = None) -> Sheet:
    step = case.steps.select_related("step").filter(position=case.step).first()
    body = case.sent_to or (step.step.actor if step else BLANK)
    return _sheet(
        case, "PHIẾU CHUYỂN HỒ SƠ", on, to=body,
        intro=f"{settings.HOSO_AGENCY_NAME} chuyển hồ sơ sau đến {body} để giải quyết theo thẩm quyền:",
        fields=[("Thủ tục:", case.version.name), ("Căn cứ:", case.version.basis), ("Mã hồ sơ:", case.number),
                *_applicant(case)[:1], ("Ngày tiếp nhận:", f"{case.received_on:%d/%m/%Y}"),
                ("Việc phải làm:", step.step.task if step and step.step.task else BLANK),
                ("Hạn của bước này:", f"{step.due_on:%d/%m/%Y}" if step else BLANK),
                ("Ngày hẹn trả kết quả cho người nộp:", f"{case.due_on:%d/%m/%Y}")],
        sections=[("Hồ sơ người có công liên quan:", _dossiers(case) or [BLANK]),
                  ("Giấy tờ kèm theo:", [p.name for p in case.papers.exclude(received_on=None)] or [BLANK])],
        signatures=[("BÊN NHẬN", ""), ("BÊN GIAO", _staff(by))])


def extract_sheet(case: Case, dossier: Dossier, *, on: dt.date, actor: User | None, by: User | None = None) -> Sheet:
    """Bản trích lục hồ sơ (Mẫu 95–99 of NĐ 131/2021): what the dossier says, as the actor may see it."""
    person = dossier.subject
    fields = [("Họ và tên:", person.full_name),
              ("Bí danh:", ", ".join(a.name for a in person.aliases.all()) or "không"),
              ("Ngày sinh:", person.birth_date.display() if person.birth_date else BLANK),
              ("Nguyên quán:", person.hometown_text or BLANK), ("Trú quán:", person.residence_text or BLANK),
              ("Diện đối tượng:", dossier.category.name), ("Số hồ sơ:", dossier.number)]
    martyr = getattr(dossier, "martyr", None)  # None when the dossier has no martyr facts
    if martyr is not None:
        grave = ", ".join(x for x in (martyr.cemetery, martyr.grave_plot and f"khu {martyr.grave_plot}",
                                      martyr.grave_row and f"hàng {martyr.grave_row}",
                                      martyr.grave_number and f"mộ số {martyr.grave_number}") if x)
        fields += [("Ngày hy sinh:", person.death_date.display() if person.death_date else BLANK),
                   ("Nơi hy sinh:", martyr.place_of_sacrifice or BLANK),
                   ("Cấp bậc, chức vụ:", ", ".join(x for x in (martyr.rank, martyr.position) if x) or BLANK),
                   ("Cơ quan, đơn vị khi hy sinh:", martyr.unit or BLANK),
                   ("Bằng Tổ quốc ghi công số:", martyr.certificate_number or BLANK),
                   ("Nơi an táng:", grave or vietnamese_display(martyr, "grave_status") or BLANK)]
    relatives = [f"{link.person.full_name} ({vietnamese_display(link, 'relationship').lower()})"
                 + (", đang hưởng trợ cấp" if link.receives_benefit else "")
                 for link in dossier.relative_links.select_related("person").order_by("id")]
    decisions = []
    for d in dossier.decisions.order_by("id"):
        text = f"{vietnamese_display(d, 'kind')}: quyết định số {d.number}"
        if d.signed_on:
            text += f" ngày {d.signed_on.display()}"
        if d.monthly_amount and sees_health(actor):
            text += f", {d.monthly_amount:,} đồng/tháng".replace(",", ".")
        decisions.append(text)
    documents = [f"{doc.sequence}. {doc.doc_type}" + (f" số {doc.number}" if doc.number else "")
                 + (f"/{doc.symbol}" if doc.symbol else "") + (f" — {doc.issuer}" if doc.issuer else "")
                 + (f": {doc.summary}" if doc.summary else "")
                 for doc in dossier.documents.order_by("sequence") if document_visible(actor, doc)]
    return _sheet(
        case, "TRÍCH LỤC HỒ SƠ NGƯỜI CÓ CÔNG VỚI CÁCH MẠNG", on, to=case.applicant_name or BLANK,
        intro=f"Theo đề nghị của {case.applicant_name or BLANK} (hồ sơ thủ tục {case.number}, tiếp nhận ngày "
              f"{case.received_on:%d/%m/%Y}), {settings.HOSO_AGENCY_NAME} trích lục hồ sơ đang quản lý như sau:",
        fields=fields,
        sections=[("Thân nhân:", relatives or ["không ghi trong hồ sơ"]),
                  ("Quyết định:", decisions or ["không có"]),
                  ("Văn bản trong hồ sơ:", documents or ["không có"])],
        closing=[f"Bản trích lục được lập theo {case.version.basis}, ngày hẹn trả kết quả {case.due_on:%d/%m/%Y}."],
        signatures=[("NGƯỜI LẬP", _staff(by)), ("GIÁM ĐỐC", "")])


# --- drawing -------------------------------------------------------------------------------------------------


class _Pdf:
    top, bottom = A4[1] - 18 * mm, 30 * mm
    left, right = 25 * mm, A4[0] - 20 * mm

    def __init__(self, sheet: Sheet) -> None:
        _register_fonts()
        self.sheet, self.buffer = sheet, io.BytesIO()
        self.c = Canvas(self.buffer, pagesize=A4, pageCompression=1)
        self.c.setTitle(f"{sheet.title} — {sheet.case_number}")
        self.c.setAuthor(settings.HOSO_AGENCY_NAME)
        self.c.setCreator("hoso")
        self.y = self.top

    def footer(self) -> None:
        side = 18 * mm
        _draw_qr(self.c, self.sheet.qr, self.right - side, 8 * mm, side)
        self.c.setFont(REGULAR, 8.5)
        self.c.drawString(self.left, 12 * mm, f"{self.sheet.footer} · Trang {self.c.getPageNumber()}")

    def need(self, height: float) -> None:
        if self.y - height < self.bottom:
            self.footer()
            self.c.showPage()
            self.y = self.top

    def centred(self, text: str, font: str, size: float, x: float) -> None:
        self.c.setFont(font, size)
        self.c.drawCentredString(x, self.y, text)

    def line(self, label: str, value: str, size: float = 11.5, indent: float = 0) -> None:
        width = self.right - self.left - indent
        label_w = pdfmetrics.stringWidth(label + " ", BOLD, size) if label else 0
        lines = simpleSplit(value, REGULAR, size, width - label_w) or [""]
        rest = simpleSplit(" ".join(lines[1:]), REGULAR, size, width) if len(lines) > 1 else []
        self.need(size * 1.45 * (1 + len(rest)))
        self.y -= size * 1.45
        if label:
            self.c.setFont(BOLD, size)
            self.c.drawString(self.left + indent, self.y, label)
        self.c.setFont(REGULAR, size)
        self.c.drawString(self.left + indent + label_w, self.y, lines[0])
        for text in rest:
            self.y -= size * 1.35
            self.c.drawString(self.left + indent, self.y, text)

    def render(self) -> bytes:
        s, c = self.sheet, self.c
        left_mid, right_mid = 55 * mm, 140 * mm
        self.centred(f"UBND TỈNH {settings.HOSO_PROVINCE_NAME.upper()}", REGULAR, 11, left_mid)
        self.centred("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", BOLD, 11, right_mid)
        self.y -= 14
        self.centred(settings.HOSO_AGENCY_NAME.upper(), BOLD, 11, left_mid)
        self.centred("Độc lập - Tự do - Hạnh phúc", BOLD, 11.5, right_mid)
        c.line(right_mid - 30 * mm, self.y - 4, right_mid + 30 * mm, self.y - 4)
        self.y -= 22
        self.centred(f"Số: {s.case_number}", REGULAR, 11, left_mid)
        self.centred(f"{settings.HOSO_PROVINCE_NAME}, {long_date(s.date)}", REGULAR, 11, right_mid)
        self.y -= 34
        for text in simpleSplit(s.title, BOLD, 14, self.right - self.left):
            self.centred(text, BOLD, 14, A4[0] / 2)
            self.y -= 20
        if s.to:
            self.centred(f"Kính gửi: {s.to}", REGULAR, 12, A4[0] / 2)
            self.y -= 8
        if s.intro:
            self.line("", s.intro)
        for label, value in s.fields:
            self.line(label, value)
        for heading, items in s.sections:
            self.line(heading, "")
            for item in items:
                self.line("", f"– {item}", size=11, indent=6 * mm)
        for text in s.closing:
            self.line("", text)
        if s.signatures:
            self.need(40 * mm)
            self.y -= 30
            mids = (55 * mm, 140 * mm)
            for (title, name), mid in zip(s.signatures, mids, strict=False):
                if title:
                    self.c.setFont(BOLD, 11)
                    self.c.drawCentredString(mid, self.y, title)
                    self.c.setFont(REGULAR, 10)
                    self.c.drawCentredString(mid, self.y - 14, "(Ký, ghi rõ họ tên)")
                if name:
                    self.c.setFont(BOLD, 11)
                    self.c.drawCentredString(mid, self.y - 70, name)
        self.footer()
        c.showPage()
        c.save()
        return self.buffer.getvalue()


def sheet_pdf(sheet: Sheet) -> bytes:
    return _Pdf(sheet).render()


def _qr_png(data: str) -> io.BytesIO:
    out = io.BytesIO()
    qrcode.make(data, border=2).save(out, format="PNG")
    out.seek(0)
    return out


def sheet_docx(sheet: Sheet) -> bytes:
    doc = DocxDocument()
    style = doc.styles["Normal"]
    style.font.name, style.font.size = "Times New Roman", Pt(13)
    section = doc.sections[0]
    section.left_margin, section.right_margin = Cm(3), Cm(2)
    head = doc.add_table(rows=2, cols=2)
    for row, (left, right) in enumerate(((f"UBND TỈNH {settings.HOSO_PROVINCE_NAME.upper()}\n"
                                          f"{settings.HOSO_AGENCY_NAME.upper()}",
                                          "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc"),
                                         (f"Số: {sheet.case_number}",
                                          f"{settings.HOSO_PROVINCE_NAME}, {long_date(sheet.date)}"))):
        for col, text in enumerate((left, right)):
            para = head.cell(row, col).paragraphs[0]
            para.alignment = WD_ALIGN_PARAGRAPH.CENTER
            para.add_run(text).bold = row == 0
    title = doc.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = title.add_run(sheet.title)
    run.bold, run.font.size = True, Pt(14)
    if sheet.to:
        para = doc.add_paragraph(f"Kính gửi: {sheet.to}")
        para.alignment = WD_ALIGN_PARAGRAPH.CENTER
    if sheet.intro:
        doc.add_paragraph(sheet.intro)
    for label, value in sheet.fields:
        para = doc.add_paragraph()
        para.add_run(label + " ").bold = True
        para.add_run(value)
    for heading, items in sheet.sections:
        doc.add_paragraph().add_run(heading).bold = True
        for item in items:
            doc.add_paragraph(f"– {item}")
    for text in sheet.closing:
        doc.add_paragraph(text)
    if sheet.signatures:
        table = doc.add_table(rows=1, cols=2)
        for col, (title_text, name) in enumerate(sheet.signatures[:2]):
            para = table.cell(0, col).paragraphs[0]
            para.alignment = WD_ALIGN_PARAGRAPH.CENTER
            if title_text:
                para.add_run(title_text).bold = True
                para.add_run("\n(Ký, ghi rõ họ tên)\n\n\n\n")
            if name:
                para.add_run(name).bold = True
    footer = section.footer.paragraphs[0]
    footer.add_run().add_picture(_qr_png(sheet.qr), width=Cm(1.8))
    footer.add_run("  " + sheet.footer).font.size = Pt(9)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


CONTENT_TYPES = {CaseDocument.Format.PDF: "application/pdf",
                 CaseDocument.Format.DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}
