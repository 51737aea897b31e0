"""The catalogue of audit events (nhật ký): every action written to the trail is declared here once, with the
label the auditor reads. `core.audit.record_event` refuses an action that is not in this list.

The codes are stored in the trail and covered by its hash chain, so a code never changes once released; a new
action gets a new member. Labels may be reworded freely; they go through gettext (Vietnamese is the source
language, src/hoso/locale has the English catalogue).
"""

from django.db import models
from django.utils.translation import gettext_lazy


class AuditAction(models.TextChoices):
    # Sign-in and users (access)
    LOGIN = "login", gettext_lazy("Đăng nhập")
    LOGOUT = "logout", gettext_lazy("Đăng xuất")
    LOGIN_FAILED = "login_failed", gettext_lazy("Đăng nhập không thành công")
    TOTP_ENROLLED = "totp_enrolled", gettext_lazy("Cài đặt mã xác thực hai lớp")
    TOTP_OK = "totp_ok", gettext_lazy("Nhập đúng mã xác thực hai lớp")
    TOTP_FAILED = "totp_failed", gettext_lazy("Nhập sai mã xác thực hai lớp")
    TOTP_RESET = "totp_reset", gettext_lazy("Đặt lại xác thực hai lớp")
    SET_PASSWORD = "set_password", gettext_lazy("Đặt mật khẩu")
    VERIFY_AUDIT = "verify_audit", gettext_lazy("Kiểm tra chuỗi băm của nhật ký")
    PASSWORD_CHANGE_FAILED = ("password_change_failed",
                              gettext_lazy("Đổi mật khẩu không thành công (sai mật khẩu hiện tại)"))
    SET_LANGUAGE = "set_language", gettext_lazy("Đổi ngôn ngữ giao diện")
    # Records: changes (create/update/delete also apply to users, places and every other object)
    CREATE = "create", gettext_lazy("Tạo mới")
    UPDATE = "update", gettext_lazy("Sửa")
    DELETE = "delete", gettext_lazy("Xóa")
    BULK_CREATE = "bulk_create", gettext_lazy("Đăng ký hàng loạt")
    LINK_RELATIVE = "link_relative", gettext_lazy("Thêm thân nhân vào hồ sơ")
    UNLINK_RELATIVE = "unlink_relative", gettext_lazy("Bỏ thân nhân khỏi hồ sơ")
    MERGE = "merge", gettext_lazy("Gộp hai bản ghi người trùng")
    UNMERGE = "unmerge", gettext_lazy("Tách lại hai bản ghi người đã gộp (hoàn tác)")
    SET_STATUS = "set_status", gettext_lazy("Chuyển bước số hóa")
    # Records: reads of personal data
    VIEW = "view", gettext_lazy("Xem hồ sơ")
    VIEW_FOR_EDIT = "view_for_edit", gettext_lazy("Mở hồ sơ để sửa")
    VIEW_FOR_LOAN = "view_for_loan", gettext_lazy("Mở hồ sơ để đề nghị mượn")
    VIEW_FOR_TRANSFER = "view_for_transfer", gettext_lazy("Mở hồ sơ để lập phiếu di chuyển")
    VIEW_FOR_EXPORT = "view_for_export", gettext_lazy("Mở hồ sơ để xuất gói")
    VIEW_PAGE = "view_page", gettext_lazy("Xem ảnh trang")
    VIEW_PAGE_TEXT = "view_page_text", gettext_lazy("Xem chữ (OCR) của trang")
    VIEW_LIST = "view_list", gettext_lazy("Xem danh sách (một trang kết quả)")
    SEARCH = "search", gettext_lazy("Tra cứu")
    EXPORT = "export", gettext_lazy("Xuất dữ liệu (danh sách, gói hồ sơ, nhật ký)")
    DOWNLOAD = "download", gettext_lazy("Tải tệp về")
    PRINT = "print", gettext_lazy("In")
    # The user's own saved list views (web): filters and sort of a list, under a name
    SAVE_LIST_VIEW = "save_list_view", gettext_lazy("Lưu bộ lọc danh sách")
    DELETE_LIST_VIEW = "delete_list_view", gettext_lazy("Xóa bộ lọc danh sách đã lưu")
    # Gazetteer
    LOAD_ADMIN_UNITS = "load_admin_units", gettext_lazy("Nạp danh mục đơn vị hành chính")
    # Digitisation (capture)
    ADD_PAGES = "add_pages", gettext_lazy("Thêm trang đã quét")
    SKIP_FILE = "skip_file", gettext_lazy("Bỏ qua tệp đã có")
    REFUSE_FILE = "refuse_file", gettext_lazy("Từ chối tệp")
    QUARANTINE_FILE = "quarantine_file", gettext_lazy("Cách ly tệp nghi ngờ")
    PROCESS_PAGE = "process_page", gettext_lazy("Xử lý trang (OCR, PDF/A)")
    REQUEUE_PAGE = "requeue_page", gettext_lazy("Xếp lại trang vào hàng chờ")
    RETRY_PAGE = "retry_page", gettext_lazy("Xử lý lại trang lỗi")
    BUILD_ACCESS_COPY = "build_access_copy", gettext_lazy("Tạo bản PDF khai thác")
    REORDER_PAGES = "reorder_pages", gettext_lazy("Sắp xếp lại trang")
    GROUP_PAGES = "group_pages", gettext_lazy("Gom trang thành tài liệu")
    RESTORE_PAGES = "restore_pages", gettext_lazy("Nhận trang từ gói hồ sơ")
    SET_PAGE_OUTLINE = "set_page_outline", gettext_lazy("Đặt lại khung trang của ảnh chụp (nắn phẳng lại từ ảnh gốc)")
    # Legacy registers and duplicates (imports)
    UPLOAD_REGISTER = "upload_register", gettext_lazy("Tải sổ theo dõi lên")
    START_IMPORT = "start_import", gettext_lazy("Bắt đầu nhập sổ")
    RETRY_IMPORT = "retry_import", gettext_lazy("Chạy lại lần nhập sổ")
    IMPORT_REGISTER = "import_register", gettext_lazy("Nhập sổ theo dõi")
    FINISH_IMPORT = "finish_import", gettext_lazy("Kết thúc nhập sổ")
    FIND_DUPLICATES = "find_duplicates", gettext_lazy("Tìm người trùng")
    DUPLICATE_MERGED = "duplicate_merged", gettext_lazy("Xác nhận trùng và gộp")
    DUPLICATE_DISMISSED = "duplicate_dismissed", gettext_lazy("Xác nhận không trùng")
    DUPLICATE_UNDONE = "duplicate_undone", gettext_lazy("Hoàn tác quyết định về cặp người trùng")
    # Paper archive
    ARCHIVE_LOCATION_CREATE = "archive_location_create", gettext_lazy("Tạo vị trí kho")
    ARCHIVE_LOCATION_UPDATE = "archive_location_update", gettext_lazy("Sửa vị trí kho")
    ARCHIVE_MOVE = "archive_move", gettext_lazy("Chuyển hồ sơ sang hộp khác")
    ARCHIVE_LABELS = "archive_labels", gettext_lazy("In nhãn hồ sơ, hộp")
    ARCHIVE_INVENTORY = "archive_inventory", gettext_lazy("Kiểm kê kho")
    ARCHIVE_INVENTORY_APPLY = "archive_inventory_apply", gettext_lazy("Cập nhật vị trí theo kiểm kê")
    LOAN_REQUEST = "loan_request", gettext_lazy("Đề nghị mượn hồ sơ gốc")
    LOAN_APPROVE = "loan_approve", gettext_lazy("Duyệt cho mượn")
    LOAN_REFUSE = "loan_refuse", gettext_lazy("Từ chối cho mượn")
    LOAN_CANCEL = "loan_cancel", gettext_lazy("Hủy đề nghị mượn")
    LOAN_CHECK_OUT = "loan_check_out", gettext_lazy("Giao hồ sơ gốc cho người mượn")
    LOAN_RETURN = "loan_return", gettext_lazy("Nhận trả hồ sơ gốc")
    LOAN_REMIND = "loan_remind", gettext_lazy("Nhắc trả hồ sơ")
    # Preservation
    IMPORT_PACKAGE = "import_package", gettext_lazy("Nhập gói hồ sơ điện tử")
    DOWNLOAD_PACKAGE = "download_package", gettext_lazy("Tải gói hồ sơ điện tử")
    REFUSE_PACKAGE = "refuse_package", gettext_lazy("Từ chối gói hồ sơ điện tử")
    BACKUP = "backup", gettext_lazy("Sao lưu")
    RESTORE = "restore", gettext_lazy("Phục hồi từ bản sao lưu")
    FIXITY_START = "fixity_start", gettext_lazy("Bắt đầu kiểm tra toàn vẹn tệp")
    FIXITY_RESUME = "fixity_resume", gettext_lazy("Tiếp tục kiểm tra toàn vẹn tệp")
    FIXITY_CHECK = "fixity_check", gettext_lazy("Kết quả kiểm tra toàn vẹn tệp")
    # Procedures
    TRANSFER_CREATE = "transfer_create", gettext_lazy("Lập phiếu di chuyển hồ sơ")
    TRANSFER_SEND = "transfer_send", gettext_lazy("Gửi hồ sơ di chuyển")
    TRANSFER_RECEIVE = "transfer_receive", gettext_lazy("Nơi nhận đã tiếp nhận hồ sơ")
    TRANSFER_RETURN = "transfer_return", gettext_lazy("Hồ sơ di chuyển bị trả lại")
    PRINT_TRANSFER_SLIP = "print_transfer_slip", gettext_lazy("In phiếu báo di chuyển (Mẫu 93)")
    # One-stop procedures (procedures)
    PROCEDURE_VERSION = "procedure_version", gettext_lazy("Sửa danh mục thủ tục (phiên bản mới)")
    CALENDAR_DAY_SET = "calendar_day_set", gettext_lazy("Đặt ngày nghỉ, ngày làm bù trong lịch")
    CALENDAR_DAY_CLEAR = "calendar_day_clear", gettext_lazy("Bỏ ngày đặt riêng trong lịch")
    CASE_RECEIVE = "case_receive", gettext_lazy("Tiếp nhận hồ sơ thủ tục")
    CASE_PROCESS = "case_process", gettext_lazy("Thụ lý hồ sơ thủ tục (chuyển bước)")
    CASE_REQUEST_PAPERS = "case_request_papers", gettext_lazy("Yêu cầu bổ sung giấy tờ (dừng tính hạn)")
    CASE_PAPERS_COMPLETE = "case_papers_complete", gettext_lazy("Nhận đủ giấy tờ bổ sung (tính hạn tiếp)")
    CASE_SEND = "case_send", gettext_lazy("Chuyển hồ sơ thủ tục đến cơ quan khác")
    CASE_DECIDE = "case_decide", gettext_lazy("Duyệt, có kết quả hồ sơ thủ tục")
    CASE_RETURN = "case_return", gettext_lazy("Trả kết quả hồ sơ thủ tục")
    CASE_REFUSE = "case_refuse", gettext_lazy("Từ chối giải quyết hồ sơ thủ tục")
    CASE_WITHDRAW = "case_withdraw", gettext_lazy("Người nộp rút hồ sơ thủ tục")
    CASE_PAPERS = "case_papers", gettext_lazy("Cập nhật giấy tờ đã nhận của hồ sơ thủ tục")
    CASE_DOCUMENT = "case_document", gettext_lazy("Lập giấy tờ của hồ sơ thủ tục (phiếu, trích lục)")
    VIEW_CASE = "view_case", gettext_lazy("Xem hồ sơ thủ tục")
    VIEW_CASES = "view_cases", gettext_lazy("Xem danh sách hồ sơ thủ tục")
    # Statistics and reports (reports)
    VIEW_STATISTICS = "view_statistics", gettext_lazy("Xem số liệu thống kê (bảng, biểu đồ, dòng lệnh)")
    EXPORT_STATISTICS = "export_statistics", gettext_lazy("Xuất bảng thống kê ra Excel")
    EXPORT_REPORT = "export_report", gettext_lazy("Lập báo cáo định kỳ (Mẫu 100) ra Excel, PDF")


def label(code: str) -> str:
    """The label of an action code in the active language — Vietnamese unless the user chose English (the code itself
    for one no longer in the catalogue)."""
    try:
        return str(AuditAction(code).label)
    except ValueError:
        return code
