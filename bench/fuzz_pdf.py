"""Fuzz the PDF backend (pypdfium2 text layer, pdfplumber tables). OCR is off (no page may be OCR'd,
so a page that needs it gives the typed ``OcrLimitExceeded``): a render bomb is issue 9 item 1's
business, not a fuzzer's, and Tesseract would make every input take seconds."""

from __future__ import annotations

import io
import os

from fuzz_common import main


def target(data: bytes) -> None:
    from ingest import convert_bytes

    convert_bytes(data, "fuzz.pdf")


def seeds() -> list[bytes]:
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf)
    c.setFont("Helvetica", 12)
    c.drawString(72, 720, "KE HOACH")
    c.drawString(72, 700, "1. Phong Noi vu chu tri, hoan thanh truoc ngay 30/12/2024.")
    c.showPage()
    c.save()
    return [buf.getvalue(), b"%PDF-1.4\n%%EOF\n"]


if __name__ == "__main__":
    os.environ.setdefault("KEHOACH_OCR_MAX_PAGES", "0")
    main("pdf", target, seeds())
