"""Suggestions for "phục vụ thủ tục" on a loan request (Nghị định 131/2021/NĐ-CP). Data, not rules: the
field is free text, so a procedure added or renamed after 2025 needs no code change."""

LOAN_PROCEDURES = (
    "Trích lục, sao hồ sơ (Điều 129)",
    "Di chuyển hồ sơ (Điều 131)",
    "Điều chỉnh thông tin cá nhân trong hồ sơ (Điều 130)",
    "Trợ cấp đối với thân nhân liệt sĩ (Điều 26)",
    "Trợ cấp thờ cúng liệt sĩ (Điều 28)",
    "Bổ sung thân nhân liệt sĩ (Điều 29)",
    "Đổi, cấp lại Bằng Tổ quốc ghi công (Điều 23, 24)",
    "Trợ cấp mai táng, trợ cấp một lần khi từ trần (Điều 122, 123)",
    "Trợ cấp tuất hằng tháng (Điều 124)",
    "Giám định lại thương tật (Điều 41, 42)",
    "Công nhận người nhiễm chất độc hóa học (Điều 56)",
    "Chế độ Bà mẹ Việt Nam anh hùng (Điều 30)",
    "Thanh tra, kiểm tra, giải quyết khiếu nại",
    "Số hóa, tu bổ hồ sơ",
)
