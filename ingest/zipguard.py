"""Refuse a ZIP-based file (DOCX) that would inflate too far, from its central directory alone.

Nothing is decompressed here: the directory states each part's inflated size, and Python's
``zipfile`` never returns more than that size for a part (a part that inflates further fails its
CRC), so checking the stated sizes bounds what any later reader can allocate.

>>> import io, zipfile
>>> buf = io.BytesIO()
>>> with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
...     z.writestr("word/document.xml", "<w/>" * 10)
>>> check_zip(buf.getvalue(), "a.docx")
>>> with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
...     z.writestr("word/document.xml", b"\\0" * (3 << 20))
>>> check_zip(buf.getvalue(), "bomb.docx")
Traceback (most recent call last):
...
ingest.errors.TooLarge: bomb.docx: part word/document.xml inflates 1026× (3.0 MB from 3 KB); the limit is 200×
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass

from ingest.errors import CorruptFile, TooLarge

MB = 1024 * 1024


@dataclass(frozen=True)
class ZipLimits:
    """What one archive may hold (stated in the README, section "Limits")."""

    max_parts: int = 5_000
    max_part_bytes: int = 32 * MB  # inflated size of any one part
    max_total_bytes: int = 128 * MB  # inflated size of all parts together
    max_ratio: float = 200.0  # inflated / compressed, for a part inflating past ratio_floor_bytes
    ratio_floor_bytes: int = 1 * MB


LIMITS = ZipLimits()


def _size(n: int) -> str:
    return f"{n / MB:.1f} MB" if n >= MB else f"{max(1, round(n / 1024))} KB"


def check_zip(data: bytes, source: str, limits: ZipLimits = LIMITS) -> None:
    """Raise :class:`TooLarge` when the archive's directory states too much; :class:`CorruptFile` if unreadable."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError, OSError) as exc:
        raise CorruptFile(f"not a readable ZIP archive ({exc})", source=source) from exc
    if len(infos) > limits.max_parts:
        raise TooLarge(f"the archive holds {len(infos)} parts; the limit is {limits.max_parts}", source=source)
    total = 0
    for info in infos:
        size = info.file_size
        if size > limits.max_part_bytes:
            raise TooLarge(
                f"part {info.filename} inflates to {_size(size)}; the limit is {_size(limits.max_part_bytes)}",
                source=source,
            )
        if size > limits.ratio_floor_bytes:
            ratio = size / max(1, info.compress_size)
            if ratio > limits.max_ratio:
                raise TooLarge(
                    f"part {info.filename} inflates {ratio:.0f}× ({_size(size)} from {_size(info.compress_size)});"
                    f" the limit is {limits.max_ratio:.0f}×",
                    source=source,
                )
        total += size
        if total > limits.max_total_bytes:
            raise TooLarge(
                f"the archive inflates to more than {_size(limits.max_total_bytes)} (the limit)", source=source
            )
