"""Bytes of a plain-text file → ``str``: BOMs, UTF-8, UTF-16, Windows-1258.

Legacy Vietnamese font encodings (TCVN3/ABC, VNI) are recognised by
:mod:`ingest.legacy_fonts` when it is present.
"""
from __future__ import annotations

from ingest.errors import UnreadableText


def decode_text(data: bytes, source: str | None = None) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace")  # a lone surrogate or odd last byte becomes U+FFFD
    if len(data) >= 4 and data[1::2].count(0) > len(data) // 4:  # UTF-16 without BOM
        try:
            return data.decode("utf-16-le" if data[1] == 0 else "utf-16-be")
        except UnicodeDecodeError:
            pass
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1258")
        except UnicodeDecodeError as exc:
            raise UnreadableText("the text is in an unknown encoding", source=source) from exc
    try:
        from ingest.legacy_fonts import fix_legacy_encoding
    except ImportError:  # pragma: no cover - module added by the legacy-encodings work
        return text
    return fix_legacy_encoding(text)
