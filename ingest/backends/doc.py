"""Word 97-2003 (.doc): converted to .docx by LibreOffice, then read by the DOCX backend.

LibreOffice runs headless in a private temporary profile (so parallel
conversions do not fight over one profile lock) with a time limit. Without
LibreOffice, ``antiword`` or ``catdoc`` are used when installed (plain text: no
tables, numbering as typed); with none of them a :class:`MissingDependency`
says what to install.
"""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from ingest.backends.docx import OLE_MAGIC, convert_docx, is_encrypted_ole
from ingest.document import Document
from ingest.errors import CorruptFile, EmptyFile, EncryptedFile, MissingDependency

TIMEOUT_S = 60
INSTALL_HINT = "apt-get install -y libreoffice-writer-nogui"
_SOFFICE_NAMES = ("soffice", "libreoffice")
_WORD_STREAM = "WordDocument".encode("utf-16-le")  # the OLE directory entry of every Word 6-2003 file


def find_soffice() -> str | None:
    """The LibreOffice executable: ``KEHOACH_SOFFICE`` if set, else ``soffice`` on PATH."""
    override = os.environ.get("KEHOACH_SOFFICE")
    if override:
        return override if Path(override).exists() or shutil.which(override) else None
    return next((p for p in map(shutil.which, _SOFFICE_NAMES) if p), None)


def _run(cmd: list[str], timeout: int) -> subprocess.CompletedProcess[bytes]:
    """Run in its own process group so a timeout kills soffice.bin too."""
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        raise
    return subprocess.CompletedProcess(cmd, proc.returncode, out, err)


def doc_to_docx(data: bytes, source: str, soffice: str, timeout: int | None = None) -> bytes:
    """The .docx bytes LibreOffice makes of a .doc (typed errors when it cannot).

    ``timeout`` defaults to :data:`TIMEOUT_S` (60 s).
    """
    timeout = TIMEOUT_S if timeout is None else timeout
    with tempfile.TemporaryDirectory(prefix="kehoach-doc-") as tmp:
        tmpdir = Path(tmp)
        src = tmpdir / "input.doc"
        src.write_bytes(data)
        outdir = tmpdir / "out"
        profile = (tmpdir / "profile").as_uri()
        cmd = [soffice, f"-env:UserInstallation={profile}", "--headless", "--norestore",
               "--nolockcheck", "--convert-to", "docx:MS Word 2007 XML", "--outdir", str(outdir), str(src)]
        try:
            proc = _run(cmd, timeout)
        except subprocess.TimeoutExpired as exc:
            raise CorruptFile(f"LibreOffice did not finish converting this .doc within {timeout} s",
                              source=source) from exc
        except OSError as exc:
            raise MissingDependency(f"cannot start LibreOffice ({exc.strerror}); install it: {INSTALL_HINT}",
                                    source=source) from exc
        result = outdir / "input.docx"
        if not result.exists():
            detail = (proc.stderr or proc.stdout).decode("utf-8", "replace").strip().splitlines()
            raise CorruptFile(
                "LibreOffice could not convert this .doc (damaged or password-protected?)"
                + (f": {detail[-1]}" if detail else ""),
                source=source,
            )
        return result.read_bytes()


def _plain_text_fallback(data: bytes, source: str) -> Document | None:
    """antiword / catdoc output read by the text backend, when one of them is installed."""
    from ingest.backends.text import convert as convert_text

    for tool, args in (("antiword", ["-w", "0"]), ("catdoc", ["-w", "-d", "utf-8"])):
        exe = shutil.which(tool)
        if exe is None:
            continue
        with tempfile.NamedTemporaryFile(suffix=".doc") as fh:
            fh.write(data)
            fh.flush()
            env = {**os.environ, "LANG": "C.UTF-8"}
            try:
                proc = subprocess.run([exe, *args, fh.name], capture_output=True, timeout=TIMEOUT_S,
                                      env=env, check=False)
            except (OSError, subprocess.TimeoutExpired):
                continue
        if proc.returncode == 0 and proc.stdout.strip():
            doc = convert_text(proc.stdout, source.rsplit(".", 1)[0] + ".txt")
            doc.format = "doc"
            _with_source_hash(doc, data)
            doc.warnings.append(
                f"read with {tool} (LibreOffice not installed): tables and numbering as plain text"
            )
            return doc
    return None


def convert(data: bytes, source: str) -> Document:
    if not data.strip(b"\x00 \t\r\n"):
        raise EmptyFile("the file is empty", source=source)
    if is_encrypted_ole(data):
        raise EncryptedFile("the Word file is password-protected; save it without a password and retry",
                            source=source)
    if not data.startswith(OLE_MAGIC):
        if data.startswith(b"PK\x03\x04"):  # a .docx named .doc
            return convert_docx(data, source, "docx")
        raise CorruptFile("this is not a Word 97-2003 document (no OLE2 header)", source=source)
    if _WORD_STREAM not in data:
        raise CorruptFile("this OLE2 file holds no Word document (an Excel/PowerPoint file, or damaged)",
                          source=source)
    soffice = find_soffice()
    if soffice is None:
        doc = _plain_text_fallback(data, source)
        if doc is not None:
            return doc
        raise MissingDependency(
            f"reading .doc files needs LibreOffice; install it: {INSTALL_HINT}", source=source
        )
    docx_bytes = doc_to_docx(data, source, soffice)
    doc = convert_docx(docx_bytes, source, "doc")
    return _with_source_hash(doc, data)


def _with_source_hash(doc: Document, data: bytes) -> Document:
    """The document's sha256 is that of the uploaded .doc, not of LibreOffice's .docx."""
    import hashlib

    doc.sha256 = hashlib.sha256(data).hexdigest()
    return doc
