"""Every error the ingest layer raises, with a message a clerk can act on.

All are :class:`IngestError`; the service maps them to 4xx answers and the CLI
prints ``str(error)`` on one line.
"""
from __future__ import annotations


class IngestError(Exception):
    """A file could not be turned into a document."""

    code = "ingest_error"

    def __init__(self, message: str, *, source: str | None = None) -> None:
        self.source = source
        super().__init__(f"{source}: {message}" if source else message)


class UnsupportedFormat(IngestError):
    code = "unsupported_format"


class CorruptFile(IngestError):
    code = "corrupt_file"


class EncryptedFile(IngestError):
    code = "encrypted_file"


class EmptyFile(IngestError):
    code = "empty_file"


class FileTooLarge(IngestError):
    code = "file_too_large"


class MissingDependency(IngestError):
    """An optional tool (Tesseract, LibreOffice…) is needed and not installed."""

    code = "missing_dependency"


class UnreadableText(IngestError):
    """The bytes decode to nothing that looks like Vietnamese text."""

    code = "unreadable_text"


class OcrLimitExceeded(IngestError):
    """OCR would take more than its limits allow (pages, seconds, memory per page); see ``ingest.ocr.OcrLimits``."""

    code = "ocr_limit_exceeded"


class TooLarge(FileTooLarge):
    """What the file would become is too big: a ZIP part inflating past a limit (a zip bomb), too many parts."""

    code = "too_large"
