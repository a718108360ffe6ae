"""Every error the service answers with, and its message in Vietnamese and English.

An error body is always ``{"error": code, "message": …, "message_vi": …}``;
ingest errors keep their own (English) detail and get a Vietnamese lead-in.
"""

from __future__ import annotations

from typing import Any

# code -> (HTTP status, English, Vietnamese); messages are str.format templates
MESSAGES: dict[str, tuple[int, str, str]] = {
    "not_found": (404, "{what} {id} does not exist", "Không tìm thấy {what_vi} {id}"),
    "auth_required": (
        401,
        "an API token is required (Authorization: Bearer …)",
        "Cần mã truy cập (API token) để thực hiện thao tác này",
    ),
    "bad_token": (401, "this API token is unknown or revoked", "Mã truy cập không hợp lệ hoặc đã bị thu hồi"),
    "forbidden": (
        403,
        "this action needs the {role} role; your token is {have}",
        "Thao tác cần quyền {role_vi}; mã truy cập của bạn chỉ có quyền {have_vi}",
    ),
    "bad_request": (400, "the request is malformed: {detail}", "Yêu cầu không hợp lệ: {detail}"),
    "upload_too_large": (
        413,
        "the upload is more than {limit_mb:.0f} MB (the limit); it was stopped there",
        "Tệp tải lên vượt quá {limit_mb:.0f} MB (giới hạn); đã dừng nhận tệp",
    ),
    "cross_origin": (
        403,
        "a request from another site ({origin}) may not change anything here",
        "Không chấp nhận yêu cầu thay đổi dữ liệu từ trang khác ({origin})",
    ),
    "csrf_failed": (
        403,
        "the form's security token is missing or stale; reload the page and try again",
        "Mã bảo vệ biểu mẫu bị thiếu hoặc đã cũ; hãy tải lại trang rồi thử lại",
    ),
    "method_not_allowed": (405, "{method} is not allowed here; use {allow}", "Không hỗ trợ {method}; dùng {allow}"),
    "http_error": (400, "{detail}", "Yêu cầu không thực hiện được: {detail}"),
    "unsafe_webhook": (422, "{detail}", "Địa chỉ webhook không được phép: {detail}"),
    "no_file": (400, "no file was sent (multipart field 'file')", "Chưa chọn tệp để tải lên"),
    "file_too_large": (
        413,
        "the file is {size_mb:.1f} MB, over the {limit_mb:.0f} MB limit",
        "Tệp dung lượng {size_mb:.1f} MB, vượt giới hạn {limit_mb:.0f} MB",
    ),
    "too_large": (
        413,
        "{detail}",
        "Tệp quá lớn khi giải nén (có thể là tệp nén độc hại): {detail}",
    ),
    "empty_file": (400, "the file is empty", "Tệp rỗng"),
    "unsupported_format": (
        415,
        "unsupported file type {ext}; accepted: {accepted}",
        "Không hỗ trợ loại tệp {ext}; chỉ nhận: {accepted}",
    ),
    "type_mismatch": (
        415,
        "the file is named {name} but its content is not {fmt}",
        "Tệp {name} không phải là tệp {fmt} hợp lệ",
    ),
    "corrupt_file": (422, "{detail}", "Tệp bị hỏng hoặc không đọc được: {detail}"),
    "encrypted_file": (422, "{detail}", "Tệp được đặt mật khẩu, không đọc được: {detail}"),
    "unreadable_text": (422, "{detail}", "Không nhận ra văn bản tiếng Việt trong tệp: {detail}"),
    "missing_dependency": (422, "{detail}", "Máy chủ thiếu công cụ cần thiết để đọc tệp này: {detail}"),
    "ocr_limit_exceeded": (422, "{detail}", "Tệp cần nhận dạng chữ (OCR) vượt giới hạn cho phép: {detail}"),
    "ingest_error": (422, "{detail}", "Không đọc được tệp: {detail}"),
    "extract_error": (
        422,
        "the task list could not be extracted ({detail})",
        "Không trích xuất được danh sách nhiệm vụ ({detail})",
    ),
    "too_many_attempts": (
        422,
        "processing was interrupted {attempts} times (the worker died each time); gave up",
        "Xử lý bị gián đoạn {attempts} lần (tiến trình xử lý dừng đột ngột); đã dừng thử lại",
    ),
    "invalid_field": (422, "{field}: {detail}", "Trường {field} không hợp lệ: {detail}"),
    "bad_filter": (422, "{detail}", "Bộ lọc không hợp lệ: {detail}"),
}

WHAT_VI = {
    "document": "văn bản",
    "obligation": "nhiệm vụ",
    "job": "tác vụ",
    "token": "mã truy cập",
    "webhook": "webhook",
    "delivery": "lượt gửi webhook",
}
ROLE_VI = {"reader": "đọc", "editor": "biên tập", "admin": "quản trị", "anonymous": "khách"}


class ServiceError(Exception):
    """An answer other than success, with its code, HTTP status and both messages."""

    def __init__(self, code: str, **params: Any) -> None:
        status, en, vi = MESSAGES.get(code, MESSAGES["ingest_error"])
        params.setdefault("what_vi", WHAT_VI.get(str(params.get("what", "")), params.get("what", "")))
        for key in ("role", "have"):
            if key in params:
                params[f"{key}_vi"] = ROLE_VI.get(params[key], params[key])
        self.code = code
        self.status = status
        try:
            self.message = en.format(**params)
            self.message_vi = vi.format(**params)
        except (KeyError, IndexError, ValueError):  # a stored code met without its parameters
            detail = str(params.get("detail") or code)
            self.message = detail
            self.message_vi = MESSAGES["ingest_error"][2].format(detail=detail)
        super().__init__(self.message)

    def body(self) -> dict[str, str]:
        return {"error": self.code, "message": self.message, "message_vi": self.message_vi}


def not_found(what: str, id: object) -> ServiceError:
    return ServiceError("not_found", what=what, id=id)


def from_ingest(exc: Exception) -> ServiceError:
    """Map an :class:`ingest.errors.IngestError` to a 4xx :class:`ServiceError`."""
    code = getattr(exc, "code", "ingest_error")
    if code not in MESSAGES or code in ("file_too_large", "empty_file", "unsupported_format"):
        detail = str(exc)
        err = ServiceError("ingest_error", detail=detail)
        if code in ("file_too_large", "empty_file", "unsupported_format"):
            err.code = code
            err.status = MESSAGES[code][0]
            err.message_vi = MESSAGES["ingest_error"][2].format(detail=detail)
        return err
    return ServiceError(code, detail=str(exc))
