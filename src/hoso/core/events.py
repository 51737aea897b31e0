"""The catalogue of audit events (nhật ký): every action written to the trail is declared here once, with the
label the auditor reads. `core.audit.record_event` refuses an action that is not in this list.

The codes are stored in the trail and covered by its hash chain, so a code never changes once released; a new
action gets a new member. Labels may be reworded freely.
"""

from django.db import models


class AuditAction(models.TextChoices):
    # Sign-in and users (access)
    LOGIN = "login", "Đăng nhập"
    LOGOUT = "logout", "Đăng xuất"
    LOGIN_FAILED = "login_failed", "Đăng nhập không thành công"
    TOTP_ENROLLED = "totp_enrolled", "Cài đặt mã xác thực hai lớp"
    TOTP_OK = "totp_ok", "Nhập đúng mã xác thực hai lớp"
    TOTP_FAILED = "totp_failed", "Nhập sai mã xác thực hai lớp"
    TOTP_RESET = "totp_reset", "Đặt lại xác thực hai lớp"
    SET_PASSWORD = "set_password", "Đặt mật khẩu"
    VERIFY_AUDIT = "verify_audit", "Kiểm tra chuỗi băm của nhật ký"
    PASSWORD_CHANGE_FAILED = "password_change_failed", "Đổi mật khẩu không thành công (sai mật khẩu hiện tại)"
    # Records: changes (create/update/delete also apply to users, places and every other object)
    CREATE = "create", "Tạo mới"
    UPDATE = "update", "Sửa"
    DELETE = "delete", "Xóa"
    BULK_CREATE = "bulk_create", "Đăng ký hàng loạt"
    LINK_RELATIVE = "link_relative", "Thêm thân nhân vào hồ sơ"
    UNLINK_RELATIVE = "unlink_relative", "Bỏ thân nhân khỏi hồ sơ"
    MERGE = "merge", "Gộp hai bản ghi người trùng"
    UNMERGE = "unmerge", "Tách lại hai bản ghi người đã gộp (hoàn tác)"
    SET_STATUS = "set_status", "Chuyển bước số hóa"
    # Records: reads of personal data
    VIEW = "view", "Xem hồ sơ"
    VIEW_FOR_EDIT = "view_for_edit", "Mở hồ sơ để sửa"
    VIEW_FOR_LOAN = "view_for_loan", "Mở hồ sơ để đề nghị mượn"
    VIEW_FOR_TRANSFER = "view_for_transfer", "Mở hồ sơ để lập phiếu di chuyển"
    VIEW_FOR_EXPORT = "view_for_export", "Mở hồ sơ để xuất gói"
    VIEW_PAGE = "view_page", "Xem ảnh trang"
    VIEW_PAGE_TEXT = "view_page_text", "Xem chữ (OCR) của trang"
    VIEW_LIST = "view_list", "Xem danh sách (một trang kết quả)"
    SEARCH = "search", "Tra cứu"
    EXPORT = "export", "Xuất dữ liệu (danh sách, gói hồ sơ, nhật ký)"
    DOWNLOAD = "download", "Tải tệp về"
    PRINT = "print", "In"
    # The user's own saved list views (web): filters and sort of a list, under a name
    SAVE_LIST_VIEW = "save_list_view", "Lưu bộ lọc danh sách"
    DELETE_LIST_VIEW = "delete_list_view", "Xóa bộ lọc danh sách đã lưu"
    # Gazetteer
    LOAD_ADMIN_UNITS = "load_admin_units", "Nạp danh mục đơn vị hành chính"
    # Digitisation (capture)
    ADD_PAGES = "add_pages", "Thêm trang đã quét"
    SKIP_FILE = "skip_file", "Bỏ qua tệp đã có"
    REFUSE_FILE = "refuse_file", "Từ chối tệp"
    QUARANTINE_FILE = "quarantine_file", "Cách ly tệp nghi ngờ"
    PROCESS_PAGE = "process_page", "Xử lý trang (OCR, PDF/A)"
    REQUEUE_PAGE = "requeue_page", "Xếp lại trang vào hàng chờ"
    RETRY_PAGE = "retry_page", "Xử lý lại trang lỗi"
    BUILD_ACCESS_COPY = "build_access_copy", "Tạo bản PDF khai thác"
    REORDER_PAGES = "reorder_pages", "Sắp xếp lại trang"
    GROUP_PAGES = "group_pages", "Gom trang thành tài liệu"
    RESTORE_PAGES = "restore_pages", "Nhận trang từ gói hồ sơ"
    SET_PAGE_OUTLINE = "set_page_outline", "Đặt lại khung trang của ảnh chụp (nắn phẳng lại từ ảnh gốc)"
    # Legacy registers and duplicates (imports)
    UPLOAD_REGISTER = "upload_register", "Tải sổ theo dõi lên"
    START_IMPORT = "start_import", "Bắt đầu nhập sổ"
    RETRY_IMPORT = "retry_import", "Chạy lại lần nhập sổ"
    IMPORT_REGISTER = "import_register", "Nhập sổ theo dõi"
    FINISH_IMPORT = "finish_import", "Kết thúc nhập sổ"
    FIND_DUPLICATES = "find_duplicates", "Tìm người trùng"
    DUPLICATE_MERGED = "duplicate_merged", "Xác nhận trùng và gộp"
    DUPLICATE_DISMISSED = "duplicate_dismissed", "Xác nhận không trùng"
    DUPLICATE_UNDONE = "duplicate_undone", "Hoàn tác quyết định về cặp người trùng"
    # Paper archive
    ARCHIVE_LOCATION_CREATE = "archive_location_create", "Tạo vị trí kho"
    ARCHIVE_LOCATION_UPDATE = "archive_location_update", "Sửa vị trí kho"
    ARCHIVE_MOVE = "archive_move", "Chuyển hồ sơ sang hộp khác"
    ARCHIVE_LABELS = "archive_labels", "In nhãn hồ sơ, hộp"
    ARCHIVE_INVENTORY = "archive_inventory", "Kiểm kê kho"
    ARCHIVE_INVENTORY_APPLY = "archive_inventory_apply", "Cập nhật vị trí theo kiểm kê"
    LOAN_REQUEST = "loan_request", "Đề nghị mượn hồ sơ gốc"
    LOAN_APPROVE = "loan_approve", "Duyệt cho mượn"
    LOAN_REFUSE = "loan_refuse", "Từ chối cho mượn"
    LOAN_CANCEL = "loan_cancel", "Hủy đề nghị mượn"
    LOAN_CHECK_OUT = "loan_check_out", "Giao hồ sơ gốc cho người mượn"
    LOAN_RETURN = "loan_return", "Nhận trả hồ sơ gốc"
    LOAN_REMIND = "loan_remind", "Nhắc trả hồ sơ"
    # Preservation
    IMPORT_PACKAGE = "import_package", "Nhập gói hồ sơ điện tử"
    DOWNLOAD_PACKAGE = "download_package", "Tải gói hồ sơ điện tử"
    REFUSE_PACKAGE = "refuse_package", "Từ chối gói hồ sơ điện tử"
    BACKUP = "backup", "Sao lưu"
    RESTORE = "restore", "Phục hồi từ bản sao lưu"
    FIXITY_START = "fixity_start", "Bắt đầu kiểm tra toàn vẹn tệp"
    FIXITY_RESUME = "fixity_resume", "Tiếp tục kiểm tra toàn vẹn tệp"
    FIXITY_CHECK = "fixity_check", "Kết quả kiểm tra toàn vẹn tệp"
    # Procedures
    TRANSFER_CREATE = "transfer_create", "Lập phiếu di chuyển hồ sơ"
    TRANSFER_SEND = "transfer_send", "Gửi hồ sơ di chuyển"
    TRANSFER_RECEIVE = "transfer_receive", "Nơi nhận đã tiếp nhận hồ sơ"
    TRANSFER_RETURN = "transfer_return", "Hồ sơ di chuyển bị trả lại"
    PRINT_TRANSFER_SLIP = "print_transfer_slip", "In phiếu báo di chuyển (Mẫu 93)"
    # One-stop procedures (procedures)
    PROCEDURE_VERSION = "procedure_version", "Sửa danh mục thủ tục (phiên bản mới)"
    CALENDAR_DAY_SET = "calendar_day_set", "Đặt ngày nghỉ, ngày làm bù trong lịch"
    CALENDAR_DAY_CLEAR = "calendar_day_clear", "Bỏ ngày đặt riêng trong lịch"
    CASE_RECEIVE = "case_receive", "Tiếp nhận hồ sơ thủ tục"
    CASE_PROCESS = "case_process", "Thụ lý hồ sơ thủ tục (chuyển bước)"
    CASE_REQUEST_PAPERS = "case_request_papers", "Yêu cầu bổ sung giấy tờ (dừng tính hạn)"
    CASE_PAPERS_COMPLETE = "case_papers_complete", "Nhận đủ giấy tờ bổ sung (tính hạn tiếp)"
    CASE_SEND = "case_send", "Chuyển hồ sơ thủ tục đến cơ quan khác"
    CASE_DECIDE = "case_decide", "Duyệt, có kết quả hồ sơ thủ tục"
    CASE_RETURN = "case_return", "Trả kết quả hồ sơ thủ tục"
    CASE_REFUSE = "case_refuse", "Từ chối giải quyết hồ sơ thủ tục"
    CASE_WITHDRAW = "case_withdraw", "Người nộp rút hồ sơ thủ tục"
    CASE_PAPERS = "case_papers", "Cập nhật giấy tờ đã nhận của hồ sơ thủ tục"
    CASE_DOCUMENT = "case_document", "Lập giấy tờ của hồ sơ thủ tục (phiếu, trích lục)"
    VIEW_CASE = "view_case", "Xem hồ sơ thủ tục"
    VIEW_CASES = "view_cases", "Xem danh sách hồ sơ thủ tục"
    # Statistics and reports (reports)
    VIEW_STATISTICS = "view_statistics", "Xem số liệu thống kê (bảng, biểu đồ, dòng lệnh)"
    EXPORT_STATISTICS = "export_statistics", "Xuất bảng thống kê ra Excel"
    EXPORT_REPORT = "export_report", "Lập báo cáo định kỳ (Mẫu 100) ra Excel, PDF"


def label(code: str) -> str:
    """The Vietnamese label of an action code (the code itself for one no longer in the catalogue)."""
    try:
        return AuditAction(code).label
    except ValueError:
        return code
