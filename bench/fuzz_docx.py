"""Fuzz the DOCX backend: mutated archives and mutated document.xml inside a valid archive."""

from __future__ import annotations

import io
import zipfile

from fuzz_common import main

_BASE: bytes | None = None


def base_docx() -> bytes:
    global _BASE
    if _BASE is None:
        import docx

        d = docx.Document()
        d.add_paragraph("KẾ HOẠCH")
        d.add_paragraph("1. Phòng Nội vụ chủ trì, hoàn thành trước ngày 30/12/2024.")
        t = d.add_table(rows=2, cols=2)
        t.cell(0, 0).text, t.cell(1, 1).text = "STT", "Phòng Tư pháp"
        buf = io.BytesIO()
        d.save(buf)
        _BASE = buf.getvalue()
    return _BASE


def _with_document_xml(xml: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(base_docx())) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, xml if info.filename == "word/document.xml" else src.read(info))
    return out.getvalue()


def target(data: bytes) -> None:
    from ingest import convert_bytes

    # first byte chooses: mutate the archive itself, or only the XML of the body
    payload = data[1:] if data[:1] == b"Z" else _with_document_xml(data)
    convert_bytes(payload, "fuzz.docx")


def seeds() -> list[bytes]:
    with zipfile.ZipFile(io.BytesIO(base_docx())) as z:
        xml = z.read("word/document.xml")
    return [b"Z" + base_docx(), xml]


if __name__ == "__main__":
    main("docx", target, seeds())
