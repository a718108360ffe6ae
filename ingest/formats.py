"""The only place a format is declared: extensions, MIME type, backend, dependency.

A backend module exposes ``convert(data: bytes, source: str) -> Document``.
"""
from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import PurePath

from ingest.document import Document
from ingest.errors import UnsupportedFormat

Converter = Callable[[bytes, str], Document]


@dataclass(frozen=True, slots=True)
class Format:
    name: str
    extensions: tuple[str, ...]
    mime: str
    backend: str  # module path holding ``convert``
    dependency: str | None = None  # what must be installed beyond the declared packages
    install_hint: str | None = None
    magic: tuple[bytes, ...] = ()

    def converter(self) -> Converter:
        module = importlib.import_module(self.backend)
        return module.convert  # type: ignore[no-any-return]


FORMATS: tuple[Format, ...] = (
    Format("txt", (".txt", ".text"), "text/plain", "ingest.backends.text"),
    Format("md", (".md", ".markdown"), "text/markdown", "ingest.backends.text"),
    Format(
        "docx",
        (".docx",),
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "ingest.backends.docx",
        magic=(b"PK\x03\x04",),
    ),
    Format(
        "doc",
        (".doc",),
        "application/msword",
        "ingest.backends.doc",
        dependency="LibreOffice (soffice)",
        install_hint="apt-get install -y libreoffice-writer-nogui",
        magic=(b"\xd0\xcf\x11\xe0",),
    ),
    Format(
        "pdf",
        (".pdf",),
        "application/pdf",
        "ingest.backends.pdf",
        dependency="Tesseract with the Vietnamese model, for scanned pages",
        install_hint="apt-get install -y tesseract-ocr tesseract-ocr-vie",
        magic=(b"%PDF",),
    ),
)

BY_NAME = {f.name: f for f in FORMATS}


def supported_extensions() -> list[str]:
    return [ext for f in FORMATS for ext in f.extensions]


def detect(source: str, data: bytes) -> Format:
    """The format of a file, from its extension, confirmed or overridden by magic bytes."""
    ext = PurePath(source).suffix.lower()
    by_magic = next((f for f in FORMATS if any(data.startswith(m) for m in f.magic)), None)
    by_ext = next((f for f in FORMATS if ext in f.extensions), None)
    if by_magic is not None:
        return by_magic
    if by_ext is not None:
        return by_ext
    raise UnsupportedFormat(
        f"unsupported file type {ext or '(no extension)'}; kehoach reads "
        + ", ".join(supported_extensions()),
        source=source,
    )
