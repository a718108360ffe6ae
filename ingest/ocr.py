"""Tesseract OCR (Vietnamese model) for scanned pages: image in, positioned words out.

The ``tesseract`` command is run once per page with its TSV output, so every
word comes with its box and confidence; the PDF backend lays the words out
with the same code it uses for text layers. Nothing is imported or run at
import time; a missing Tesseract or Vietnamese model raises
:class:`~ingest.errors.MissingDependency` with the install command.
"""
from __future__ import annotations

import io
import os
import shutil
import subprocess
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

from ingest.errors import IngestError, MissingDependency

if TYPE_CHECKING:  # pragma: no cover
    from PIL.Image import Image

INSTALL_HINT = "apt-get install -y tesseract-ocr tesseract-ocr-vie"
LANG = "vie"
MAX_WORKERS = 2
PAGE_TIMEOUT_S = 300


@dataclass(frozen=True, slots=True)
class OcrWord:
    """One recognised word; box in image pixels (top-left origin)."""

    text: str
    left: int
    top: int
    right: int
    bottom: int
    conf: float  # 0–100 as Tesseract reports it
    line: tuple[int, int, int]  # (block, paragraph, line) ids from Tesseract


@dataclass(frozen=True, slots=True)
class OcrPage:
    words: list[OcrWord]
    width: int
    height: int

    @property
    def confidence(self) -> float | None:
        """Mean word confidence in 0–1, or None when nothing was read."""
        confs = [w.conf for w in self.words if w.conf >= 0]
        return round(sum(confs) / len(confs) / 100, 3) if confs else None


@cache
def _tesseract_languages(binary: str) -> frozenset[str]:
    try:
        out = subprocess.run([binary, "--list-langs"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return frozenset()
    return frozenset(line.strip() for line in (out.stdout + out.stderr).splitlines()[1:] if line.strip())


def tesseract_binary() -> str:
    """Path of a ``tesseract`` that has the Vietnamese model, or :class:`MissingDependency`."""
    binary = shutil.which(os.environ.get("KEHOACH_TESSERACT", "tesseract"))
    if binary is None:
        raise MissingDependency(
            f"this PDF has scanned pages and needs OCR, but Tesseract is not installed; "
            f"install it with `{INSTALL_HINT}`"
        )
    if LANG not in _tesseract_languages(binary):
        raise MissingDependency(
            f"Tesseract has no Vietnamese model ({LANG}); install it with `{INSTALL_HINT}`"
        )
    return binary


def tesseract_available() -> bool:
    try:
        tesseract_binary()
    except MissingDependency:
        return False
    return True


def parse_tsv(tsv: str) -> list[OcrWord]:
    """Tesseract TSV output → the words (level 5 rows with text)."""
    words: list[OcrWord] = []
    for row in tsv.splitlines()[1:]:
        cols = row.split("\t")
        if len(cols) < 12 or cols[0] != "5" or not cols[11].strip():
            continue
        left, top, width, height = (int(c) for c in cols[6:10])
        words.append(
            OcrWord(
                text=cols[11].strip(),
                left=left,
                top=top,
                right=left + width,
                bottom=top + height,
                conf=float(cols[10]),
                line=(int(cols[2]), int(cols[3]), int(cols[4])),
            )
        )
    return words


def ocr_image(image: Image, *, psm: int = 3) -> OcrPage:
    """OCR one page image with the Vietnamese model."""
    binary = tesseract_binary()
    buf = io.BytesIO()
    image.save(buf, format="PNG")
    env = dict(os.environ, OMP_THREAD_LIMIT="1")
    try:
        proc = subprocess.run(
            [binary, "stdin", "stdout", "-l", LANG, "--psm", str(psm), "tsv"],
            input=buf.getvalue(),
            capture_output=True,
            timeout=PAGE_TIMEOUT_S,
            env=env,
        )
    except subprocess.TimeoutExpired as exc:
        raise IngestError(f"OCR of a page took longer than {PAGE_TIMEOUT_S} s") from exc
    if proc.returncode != 0:
        raise IngestError(f"Tesseract failed: {proc.stderr.decode(errors='replace').strip()[:200]}")
    return OcrPage(parse_tsv(proc.stdout.decode("utf-8", errors="replace")), image.width, image.height)


def ocr_pages(
    render: Callable[[int], Image],
    pages: Sequence[int],
    *,
    workers: int = MAX_WORKERS,
    progress: Callable[[int, int], None] | None = None,
) -> dict[int, OcrPage]:
    """OCR ``pages`` (indices passed to ``render``) with at most ``workers`` in parallel.

    Rendering happens in the calling thread (pdfium is not thread-safe); only
    the Tesseract processes run side by side. ``progress(done, total)`` is
    called after each page.
    """
    tesseract_binary()  # fail before rendering anything
    total = len(pages)
    out: dict[int, OcrPage] = {}
    with ThreadPoolExecutor(max_workers=max(1, min(workers, MAX_WORKERS))) as pool:
        pending = []
        for index in pages:
            pending.append((index, pool.submit(ocr_image, render(index))))
            if len(pending) >= 2 * workers:  # bound the rendered images held in memory
                index0, fut = pending.pop(0)
                out[index0] = fut.result()
                if progress:
                    progress(len(out), total)
        for index0, fut in pending:
            out[index0] = fut.result()
            if progress:
                progress(len(out), total)
    return out
