"""Tesseract OCR (Vietnamese model) for scanned pages: image in, positioned words out.

The ``tesseract`` command is run once per page with its TSV output, so every
word comes with its box and confidence; the PDF backend lays the words out
with the same code it uses for text layers. Nothing is imported or run at
import time; a missing Tesseract or Vietnamese model raises
:class:`~ingest.errors.MissingDependency` with the install command.

OCR is bounded (:class:`OcrLimits`, each overridable by an environment variable): pixels per
rendered page (larger pages are rendered at a lower resolution), pages OCR'd per document,
seconds per page and per document, and the address space of each Tesseract process
(``RLIMIT_AS`` set in the child before it starts). A limit that refuses work raises
:class:`~ingest.errors.OcrLimitExceeded`.
"""
from __future__ import annotations

import io
import os
import re
import resource
import shutil
import subprocess
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

from ingest.errors import IngestError, MissingDependency, OcrLimitExceeded

if TYPE_CHECKING:  # pragma: no cover
    from PIL.Image import Image

INSTALL_HINT = "apt-get install -y tesseract-ocr tesseract-ocr-vie"
LANG = "vie"
MAX_WORKERS = 2


@dataclass(frozen=True, slots=True)
class OcrLimits:
    """What one document's OCR may use; :meth:`from_env` reads the ``KEHOACH_OCR_*`` overrides."""

    max_pixels: int = 36_000_000  # per rendered page (an A3 sheet at 300 dpi is 17.4 M)
    max_pages: int = 200  # pages OCR'd per document
    page_seconds: float = 120.0  # one Tesseract run
    document_seconds: float = 900.0  # all OCR of one document
    memory_mb: int = 1536  # address space of one Tesseract process

    @classmethod
    def from_env(cls) -> OcrLimits:
        def get(name: str, default: float) -> float:
            raw = os.environ.get(f"KEHOACH_OCR_{name}")
            try:
                return float(raw) if raw else default
            except ValueError:
                return default

        d = cls()
        return cls(
            max_pixels=int(get("MAX_PIXELS", d.max_pixels)),
            max_pages=int(get("MAX_PAGES", d.max_pages)),
            page_seconds=get("PAGE_SECONDS", d.page_seconds),
            document_seconds=get("DOCUMENT_SECONDS", d.document_seconds),
            memory_mb=int(get("MEMORY_MB", d.memory_mb)),
        )


MAX_SIDE_PIXELS = 32_000  # Tesseract refuses an image with a side over 32,767 pixels


def render_scale(width_pt: float, height_pt: float, dpi: float, max_pixels: int) -> float:
    """Pixels per point for rendering a page at ``dpi``, lowered so the image has at most ``max_pixels``.

    >>> round(render_scale(595, 842, 300, 36_000_000) * 72)
    300
    >>> round(render_scale(14400, 14400, 300, 36_000_000) * 14400)
    6000

    Neither side passes Tesseract's limit of 32,767 pixels (a strip page 74,682 pt tall):

    >>> round(render_scale(596, 74682, 300, 36_000_000) * 74682) <= MAX_SIDE_PIXELS
    True
    """
    scale = dpi / 72
    pixels = width_pt * scale * height_pt * scale
    if pixels > max_pixels > 0:
        scale *= (max_pixels / pixels) ** 0.5
    longest = max(width_pt, height_pt) * scale
    if longest > MAX_SIDE_PIXELS:
        scale *= MAX_SIDE_PIXELS / longest
    return scale


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


def _address_space_limit(megabytes: int) -> Callable[[], None]:
    """A ``preexec_fn`` that caps the child's address space (runs in the child, before exec)."""
    limit = megabytes * 1024 * 1024
    setrlimit, rlimit_as = resource.setrlimit, resource.RLIMIT_AS  # looked up before the fork

    def apply() -> None:
        setrlimit(rlimit_as, (limit, limit))

    return apply


def ocr_image(image: Image, *, psm: int = 3, limits: OcrLimits | None = None,
              timeout: float | None = None) -> OcrPage:
    """OCR one page image with the Vietnamese model, in a Tesseract process with capped memory."""
    limits = limits or OcrLimits.from_env()
    timeout = limits.page_seconds if timeout is None else min(timeout, limits.page_seconds)
    binary = tesseract_binary()
    buf = io.BytesIO()
    image.save(buf, format="PNG")
    env = dict(os.environ, OMP_THREAD_LIMIT="1")
    try:
        proc = subprocess.run(
            [binary, "stdin", "stdout", "-l", LANG, "--psm", str(psm), "tsv"],
            input=buf.getvalue(),
            capture_output=True,
            timeout=max(1.0, timeout),
            env=env,
            preexec_fn=_address_space_limit(limits.memory_mb) if limits.memory_mb > 0 else None,  # noqa: PLW1509
        )
    except subprocess.TimeoutExpired as exc:
        raise OcrLimitExceeded(
            f"OCR of a page took longer than {timeout:.0f} s (KEHOACH_OCR_PAGE_SECONDS / _DOCUMENT_SECONDS)"
        ) from exc
    if proc.returncode != 0:
        err = proc.stderr.decode(errors="replace").strip()
        if proc.returncode < 0 or re.search(r"alloc|memory|failed to map", err, re.IGNORECASE):
            raise OcrLimitExceeded(
                f"OCR of a page ran out of its {limits.memory_mb} MB memory limit (KEHOACH_OCR_MEMORY_MB)"
            )
        raise IngestError(f"Tesseract failed: {err[:200]}")
    return OcrPage(parse_tsv(proc.stdout.decode("utf-8", errors="replace")), image.width, image.height)


def ocr_pages(
    render: Callable[[int], Image],
    pages: Sequence[int],
    *,
    workers: int = MAX_WORKERS,
    progress: Callable[[int, int], None] | None = None,
    limits: OcrLimits | None = None,
) -> dict[int, OcrPage]:
    """OCR ``pages`` (indices passed to ``render``) with at most ``workers`` in parallel.

    Rendering happens in the calling thread (pdfium is not thread-safe); only
    the Tesseract processes run side by side. ``progress(done, total)`` is
    called after each page. More pages than ``limits.max_pages``, or OCR past
    ``limits.document_seconds``, raise :class:`OcrLimitExceeded`.
    """
    limits = limits or OcrLimits.from_env()
    total = len(pages)
    if total > limits.max_pages:
        raise OcrLimitExceeded(
            f"{total} pages need OCR, over the limit of {limits.max_pages} per document (KEHOACH_OCR_MAX_PAGES)"
        )
    tesseract_binary()  # fail before rendering anything
    deadline = time.monotonic() + limits.document_seconds
    out: dict[int, OcrPage] = {}

    def left() -> float:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise OcrLimitExceeded(
                f"OCR of this document took longer than {limits.document_seconds:.0f} s "
                f"(KEHOACH_OCR_DOCUMENT_SECONDS)"
            )
        return remaining

    with ThreadPoolExecutor(max_workers=max(1, min(workers, MAX_WORKERS))) as pool:
        pending = []
        for index in pages:
            image = render(index)
            pending.append((index, pool.submit(ocr_image, image, limits=limits, timeout=left())))
            del image
            if len(pending) >= workers:  # bound the rendered images held in memory (one per Tesseract)
                index0, fut = pending.pop(0)
                out[index0] = fut.result()
                if progress:
                    progress(len(out), total)
        for index0, fut in pending:
            out[index0] = fut.result()
            if progress:
                progress(len(out), total)
    return out
