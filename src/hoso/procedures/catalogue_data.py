"""The catalogue as shipped: the procedures a department handles most (Nghị định 131/2021/NĐ-CP, amended by
NĐ 104/2022 and 75/2023; see ../shared/procedures.md), loaded by a migration and then the administrator's to change.

Units: "working" where the decree writes "ngày làm việc", "calendar" where it writes "ngày" alone. Steps that the
texts gave to the district (Phòng LĐTBXH / UBND huyện) belong since 1/7/2025 to another body (NĐ 129/2025/NĐ-CP):
they are shipped under the name FORMER_DISTRICT for the administrator to route. A duration of 0: the text sets none.
Forms are those of Phụ lục I of NĐ 131/2021/NĐ-CP ("Mẫu số …"); papers the applicant files are `papers`, papers
the administration produces are `results`.
"""

from dataclasses import dataclass, field

WD, D = "working", "calendar"
COMMUNE = "UBND xã"
SO = "Sở Nội vụ"
FORMER_DISTRICT = "Cơ quan thay cấp huyện (theo NĐ 129/2025/NĐ-CP)"
MINISTRY = "Bộ Nội vụ"
GOVERNMENT = "Thủ tướng Chính phủ (cấp Bằng Tổ quốc ghi công)"
MEDICAL_BOARD = "Hội đồng giám định y khoa"
ND131 = "Nghị định 131/2021/NĐ-CP"


@dataclass(frozen=True)
class Seed:
    code: str
    name: str
    basis: str
    steps: list[tuple[str, str, int, str]]  # (actor, task, duration, unit)
    papers: list[str] = field(default_factory=list)
    results: list[str] = field(default_factory=list)
    effect: str = "none"  # ProcedureVersion.Effect


def form(number: str, what: str = "") -> str:
    return f"{what} (Mẫu số {number})" if what else f"Mẫu số {number}"


PROCEDURES: list[Seed] = [
    Seed("trich-luc", "Trích lục, sao hồ sơ người có công", f"Điều 129 {ND131}",
         [(SO, "Trích lục hoặc sao hồ sơ, lưu phiếu theo dõi", 12, D)],
         ["Văn bản đề nghị trích lục, sao hồ sơ"],
         [form("92", "Phiếu theo dõi trích lục"), form("95–99", "Bản trích lục hồ sơ")]),
    Seed("di-chuyen-ho-so", "Di chuyển hồ sơ người có công khi thay đổi nơi thường trú", f"Điều 131 {ND131}",
         [(SO, "Kiểm tra, lập phiếu báo di chuyển, gửi hồ sơ bằng bưu điện bảo đảm", 12, D),
          ("Sở Nội vụ tỉnh nơi chuyển đến", "Tiếp nhận hồ sơ, hoặc trả lại kèm lý do", 12, D)],
         [form("27", "Đơn đề nghị di chuyển hồ sơ")], [form("93", "Phiếu báo di chuyển hồ sơ")], "changes"),
    Seed("tro-cap-than-nhan-liet-si", "Giải quyết chế độ trợ cấp ưu đãi đối với thân nhân liệt sĩ",
         f"Điều 26 {ND131}",
         [(SO, "Kiểm tra, ra quyết định trợ cấp", 20, D)],
         [form("05", "Bản khai")], [form("52"), form("53"), form("102")], "changes"),
    Seed("tro-cap-tho-cung-liet-si", "Giải quyết chế độ trợ cấp thờ cúng liệt sĩ", f"Điều 28 {ND131}",
         [(COMMUNE, "Xác nhận bản khai, lập danh sách gửi cấp trên", 5, WD),
          (FORMER_DISTRICT, "Kiểm tra, tổng hợp, gửi Sở", 7, WD),
          (SO, "Kiểm tra, ra quyết định trợ cấp thờ cúng", 12, D)],
         [form("18", "Bản khai")], [form("55", "Quyết định trợ cấp thờ cúng")], "changes"),
    Seed("bo-sung-than-nhan-liet-si", "Bổ sung tình hình thân nhân trong hồ sơ liệt sĩ", f"Điều 29 {ND131}",
         [(COMMUNE, "Xác nhận, gửi cấp trên", 5, WD),
          (FORMER_DISTRICT, "Kiểm tra, tổng hợp, gửi Sở", 7, WD),
          (SO, "Kiểm tra, ra quyết định", 12, D)],
         [form("06", "Đơn đề nghị")], [form("56")], "changes"),
    Seed("cap-lai-bang-to-quoc-ghi-cong", "Cấp lại Bằng Tổ quốc ghi công", f"Điều 24 {ND131}",
         [(COMMUNE, "Xác nhận đơn, gửi cấp trên", 5, WD),
          (FORMER_DISTRICT, "Kiểm tra, gửi Sở", 5, WD),
          (SO, "Kiểm tra, đề nghị Bộ", 30, D),
          (MINISTRY, "Thẩm định, trình Thủ tướng Chính phủ", 30, D),
          (GOVERNMENT, "Quyết định cấp lại Bằng", 20, D),
          (SO, "Nhận Bằng, chuyển đến gia đình", 12, D)],
         [form("16", "Đơn đề nghị")], [form("83")], "changes"),
    Seed("doi-bang-to-quoc-ghi-cong", "Đổi Bằng Tổ quốc ghi công", f"Điều 23 {ND131}",
         [(COMMUNE, "Xác nhận đơn, gửi Sở", 5, WD),
          (SO, "Kiểm tra, đề nghị Bộ", 5, WD),
          (MINISTRY, "Thẩm định, trình Thủ tướng Chính phủ", 30, D),
          (GOVERNMENT, "Quyết định đổi Bằng", 20, D),
          (SO, "Nhận Bằng, chuyển đến gia đình", 12, D)],
         [form("16", "Đơn đề nghị")], [form("83")], "changes"),
    Seed("cong-nhan-liet-si", "Công nhận liệt sĩ (hy sinh trong thời bình)", f"Điều 18 {ND131}",
         [("Cơ quan, đơn vị quản lý người hy sinh", "Lập hồ sơ, cấp giấy chứng nhận hy sinh", 20, D),
          (SO, "Kiểm tra, trình UBND tỉnh", 5, WD),
          ("UBND tỉnh", "Đề nghị Bộ", 5, WD),
          (MINISTRY, "Thẩm định, trình Thủ tướng Chính phủ", 40, D),
          (GOVERNMENT, "Quyết định cấp Bằng", 20, D),
          (SO, "Tổ chức lễ truy điệu, bàn giao Bằng", 0, D)],
         [form("34", "Giấy báo tử, giấy chứng nhận hy sinh")], ["Bằng Tổ quốc ghi công"], "opens"),
    Seed("cong-nhan-thuong-binh", "Công nhận thương binh, người hưởng chính sách như thương binh "
         "(ngoài quân đội, công an)", f"Điều 39 {ND131}",
         [("Cơ quan cấp giấy chứng nhận bị thương", "Cấp giấy chứng nhận bị thương", 20, D),
          (SO, "Kiểm tra, giới thiệu giám định y khoa", 12, D),
          (MEDICAL_BOARD, "Giám định tỷ lệ tổn thương cơ thể", 60, D),
          (SO, "Ra quyết định công nhận, trợ cấp", 12, D)],
         [form("35", "Giấy chứng nhận bị thương"), form("38")],
         [form("78", "Biên bản giám định y khoa"), form("59"), form("61"), form("102")], "opens"),
    Seed("chat-doc-hoa-hoc", "Công nhận người hoạt động kháng chiến bị nhiễm chất độc hóa học", f"Điều 56 {ND131}",
         [(COMMUNE, "Xác nhận bản khai, gửi cấp trên", 5, WD),
          (FORMER_DISTRICT, "Kiểm tra, gửi Sở", 7, WD),
          (SO, "Kiểm tra, giới thiệu giám định y khoa", 12, D),
          (MEDICAL_BOARD, "Giám định tỷ lệ tổn thương cơ thể", 60, D),
          (SO, "Ra quyết định công nhận, trợ cấp", 12, D)],
         [form("09", "Bản khai"), form("38")], [form("78", "Biên bản giám định y khoa"), form("64")], "opens"),
    Seed("ba-me-viet-nam-anh-hung", "Giải quyết chế độ đối với Bà mẹ Việt Nam anh hùng", f"Điều 30 {ND131}",
         [(COMMUNE, "Xác nhận bản khai, gửi cấp trên", 5, WD),
          (FORMER_DISTRICT, "Kiểm tra, gửi Sở", 7, WD),
          (SO, "Ra quyết định trợ cấp", 12, D)],
         [form("03", "Bản khai")], [form("57")], "opens"),
    Seed("cap-lai-giay-chung-nhan", "Cấp lại giấy chứng nhận người có công", f"Điều 115 {ND131}",
         [(COMMUNE, "Xác nhận đơn, gửi cơ quan quản lý hồ sơ", 5, WD),
          ("Cơ quan đang quản lý hồ sơ", "Cấp lại giấy chứng nhận", 12, D)],
         [form("25", "Đơn đề nghị")], [form("102")]),
    Seed("xac-nhan-than-nhan", "Xác nhận thân nhân của người có công", f"Điều 116 {ND131}",
         [(COMMUNE, "Xác nhận thân nhân", 5, WD)],
         [form("45")], ["Giấy xác nhận thân nhân"]),
    Seed("tro-cap-mai-tang", "Hưởng trợ cấp mai táng, trợ cấp một lần khi người có công từ trần",
         f"Điều 122, 123 {ND131}",
         [(COMMUNE, "Xác nhận, lập danh sách gửi cấp trên", 5, WD),
          (FORMER_DISTRICT, "Kiểm tra, gửi Sở", 7, WD),
          (SO, "Ra quyết định trợ cấp", 12, D)],
         [form("12", "Bản khai")], [form("72"), form("74")], "changes"),
    Seed("tro-cap-tuat-hang-thang", "Hưởng trợ cấp tuất hằng tháng", f"Điều 124 {ND131}",
         [(COMMUNE, "Kiểm tra, lập danh sách gửi cấp trên", 12, D),
          (FORMER_DISTRICT, "Kiểm tra, gửi Sở", 7, WD),
          (SO, "Ra quyết định trợ cấp tuất", 12, D)],
         [form("12", "Bản khai"), form("38")], [form("47"), form("72"), form("74")], "changes"),
    Seed("dieu-chinh-thong-tin", "Sửa đổi, bổ sung thông tin cá nhân trong hồ sơ người có công", f"Điều 130 {ND131}",
         [(SO, "Kiểm tra, đề nghị cơ quan có thẩm quyền", 12, D),
          ("Cơ quan có thẩm quyền (nơi đã cấp giấy tờ)", "Điều chỉnh giấy tờ", 0, D),
          (SO, "Ra quyết định điều chỉnh, cập nhật hồ sơ", 12, D)],
         [form("26", "Đơn đề nghị sửa đổi, bổ sung thông tin cá nhân")], [form("75")], "changes"),
    Seed("tham-vieng-mo-liet-si", "Hỗ trợ thân nhân liệt sĩ thăm viếng mộ liệt sĩ", f"Điều 158 {ND131}",
         [(FORMER_DISTRICT, "Cấp giấy giới thiệu thăm viếng mộ", 3, WD),
          ("UBND xã nơi có mộ liệt sĩ", "Xác nhận việc thăm viếng", 1, WD),
          ("Cơ quan chi trả", "Chi trả tiền hỗ trợ", 2, WD)],
         [form("31", "Đơn đề nghị")], [form("42", "Giấy giới thiệu")]),
    Seed("di-chuyen-hai-cot-liet-si", "Di chuyển hài cốt liệt sĩ", f"Điều 159, 160 {ND131}",
         [(SO, "Cấp giấy giới thiệu di chuyển hài cốt", 3, WD),
          ("Nơi có mộ (ban quản lý nghĩa trang, UBND xã)", "Bàn giao hài cốt, lập biên bản", 2, WD),
          (SO, "Cập nhật cơ sở dữ liệu liệt sĩ", 1, WD),
          ("UBND xã nơi tiếp nhận hài cốt", "Tiếp nhận, xác nhận", 1, WD),
          ("Cơ quan chi trả", "Chi trả tiền hỗ trợ", 1, WD),
          ("Sở Nội vụ nơi tiếp nhận hài cốt", "Cập nhật hồ sơ, cơ sở dữ liệu", 2, WD)],
         [form("32", "Đơn đề nghị"), form("43"), form("44")],
         [form("94"), form("103"), "Biên bản bàn giao hài cốt liệt sĩ"], "changes"),
]


# Steps that work on the paper original (the case asks the archive to lend it when it reaches them): copying or
# extracting the dossier, and sending it to the other province.
NEEDS_ORIGINAL = frozenset({("trich-luc", 1), ("di-chuyen-ho-so", 1)})


def seed(kind_model, version_model, step_model) -> int:
    """Add the procedures not yet in the catalogue (an administrator's versions are left alone). Takes the model
    classes so that the migration can pass its historical ones. Returns how many were added."""
    added = 0
    for order, item in enumerate(PROCEDURES, start=1):
        kind, created = kind_model.objects.get_or_create(code=item.code, defaults={"sort_order": order})
        if not created and version_model.objects.filter(kind=kind).exists():
            continue
        version = version_model.objects.create(kind=kind, number=1, name=item.name, basis=item.basis,
                                               papers_required=item.papers, result_papers=item.results,
                                               effect=item.effect, note="Danh mục ban đầu")
        flag = {f.name for f in step_model._meta.get_fields()} >= {"needs_original"}  # not before migration 0005
        for position, (actor, task, duration, unit) in enumerate(item.steps, start=1):
            extra = {"needs_original": (item.code, position) in NEEDS_ORIGINAL} if flag else {}
            step_model.objects.create(version=version, position=position, actor=actor, task=task,
                                      duration=duration, unit=unit, **extra)
        added += 1
    return added
