"""Legacy .doc backend: LibreOffice conversion, its failure modes, and the corpus .doc."""
from __future__ import annotations

import hashlib
import os
import stat
import threading
from pathlib import Path

import pytest
from fixtures_docx import DocxBuilder

from ingest.backends import doc as doc_backend
from ingest.convert import convert_bytes
from ingest.errors import CorruptFile, EmptyFile, EncryptedFile, MissingDependency

CORPUS_DOC = Path("/work/shared/corpus/024_phutho-stttt-kh-dao-tao-phan-mem-qlvb.doc")
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
FAKE_WORD = OLE + b"\x00" * 200 + "WordDocument".encode("utf-16-le") + b"\x00" * 200


def test_missing_libreoffice_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(doc_backend, "find_soffice", lambda: None)
    monkeypatch.setattr(doc_backend.shutil, "which", lambda name: None)
    with pytest.raises(MissingDependency, match="apt-get install -y libreoffice-writer-nogui"):
        doc_backend.convert(FAKE_WORD, "kh.doc")


def test_soffice_env_override(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("KEHOACH_SOFFICE", str(tmp_path / "nowhere"))
    assert doc_backend.find_soffice() is None


def test_encrypted_and_empty_and_foreign_ole() -> None:
    with pytest.raises(EncryptedFile):
        doc_backend.convert(OLE + b"\x00" * 100 + "EncryptionInfo".encode("utf-16-le"), "kh.doc")
    with pytest.raises(EmptyFile):
        doc_backend.convert(b"\x00" * 64, "kh.doc")
    with pytest.raises(CorruptFile, match="no Word document"):
        doc_backend.convert(OLE + b"\x00" * 300 + "Workbook".encode("utf-16-le"), "bang.doc")
    with pytest.raises(CorruptFile, match="no OLE2 header"):
        doc_backend.convert(b"{\\rtf1 not really}", "kh.doc")


def test_docx_named_doc_is_read_as_docx() -> None:
    b = DocxBuilder()
    b.paragraph("Nội dung kế hoạch")
    doc = doc_backend.convert(b.to_bytes(), "kh.doc")
    assert doc.text == "Nội dung kế hoạch"
    assert doc.format == "docx"


def _fake_soffice(tmp_path: Path, body: str) -> str:
    script = tmp_path / "soffice"
    script.write_text("#!/bin/sh\n" + body + "\n", encoding="utf-8")
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return str(script)


def test_soffice_that_hangs_is_killed(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(doc_backend, "find_soffice", lambda: _fake_soffice(tmp_path, "sleep 30"))
    monkeypatch.setattr(doc_backend, "TIMEOUT_S", 1)
    with pytest.raises(CorruptFile, match="did not finish"):
        doc_backend.convert(FAKE_WORD, "kh.doc")


def test_soffice_that_produces_nothing(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    fake = _fake_soffice(tmp_path, "echo 'Error: source file could not be loaded' >&2; exit 1")
    monkeypatch.setattr(doc_backend, "find_soffice", lambda: fake)
    with pytest.raises(CorruptFile, match="could not be loaded"):
        doc_backend.convert(FAKE_WORD, "kh.doc")


needs_soffice = pytest.mark.skipif(doc_backend.find_soffice() is None, reason="LibreOffice not installed")


@pytest.mark.slow
@needs_soffice
@pytest.mark.skipif(not CORPUS_DOC.exists(), reason="shared corpus not available")
def test_corpus_doc_through_libreoffice() -> None:
    data = CORPUS_DOC.read_bytes()
    doc = convert_bytes(data, CORPUS_DOC.name)
    paras = [doc.block_text(b) for b in doc.blocks if b.kind == "paragraph"]
    assert doc.format == "doc"
    assert doc.sha256 == hashlib.sha256(data).hexdigest()
    assert paras[:7] == [
        "UBND TỈNH PHÚ THỌ", "SỞ THÔNG TIN VÀ TRUYỂN THÔNG", "Số: /KH-STTTT",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
        "Phú Thọ, ngày tháng 12 năm 2011", "KẾ HOẠCH",
    ]
    for line in ("I. MỤC ĐÍCH, YÊU CẦU", "II. PHƯƠNG ÁN TRIỂN KHAI", "1. Cài đặt hệ thống phần mềm",
                 "III. TỔ CHỨC THỰC HIỆN"):
        assert line in paras
    assert any(p.startswith("a) Khai mạc chương trình tập huấn") for p in paras)
    assert doc.tables  # the training timetable stays a table


@pytest.mark.slow
@needs_soffice
def test_garbage_ole_is_refused_by_libreoffice() -> None:
    junk = FAKE_WORD + os.urandom(3000)
    with pytest.raises(CorruptFile):
        doc_backend.convert(junk, "hong.doc")


@pytest.mark.slow
@needs_soffice
@pytest.mark.skipif(not CORPUS_DOC.exists(), reason="shared corpus not available")
def test_parallel_conversions_do_not_share_a_profile() -> None:
    data = CORPUS_DOC.read_bytes()
    results: list[str] = []
    errors: list[BaseException] = []

    def work() -> None:
        try:
            results.append(doc_backend.convert(data, CORPUS_DOC.name).text)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len(results) == 2 and results[0] == results[1]
