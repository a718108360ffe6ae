"""Entry points: bytes or a path in, a :class:`Document` out, or one typed error."""
from __future__ import annotations

import os
from pathlib import Path

from ingest.document import Document
from ingest.errors import CorruptFile, EmptyFile, FileTooLarge, IngestError
from ingest.formats import detect

DEFAULT_MAX_MB = 50.0


def max_bytes() -> int:
    """The size limit: ``KEHOACH_MAX_UPLOAD_MB`` (default 50 MB)."""
    return int(float(os.environ.get("KEHOACH_MAX_UPLOAD_MB", DEFAULT_MAX_MB)) * 1024 * 1024)


def convert_bytes(data: bytes, source: str, *, limit: int | None = None) -> Document:
    """Convert an uploaded file's bytes; ``source`` is its file name."""
    limit = max_bytes() if limit is None else limit
    if not data:
        raise EmptyFile("the file is empty", source=source)
    if len(data) > limit:
        raise FileTooLarge(
            f"the file is {len(data) / 1048576:.1f} MB, over the {limit / 1048576:.0f} MB limit",
            source=source,
        )
    fmt = detect(source, data)
    try:
        return fmt.converter()(data, source)
    except IngestError:
        raise
    except Exception as exc:  # a backend library choked on bad bytes
        raise CorruptFile(f"cannot read this {fmt.name.upper()} file ({exc.__class__.__name__}: {exc})",
                          source=source) from exc


def convert_path(path: str | os.PathLike[str], *, limit: int | None = None) -> Document:
    p = Path(path)
    if not p.exists():
        raise IngestError("no such file", source=str(p))
    if p.is_dir():
        raise IngestError("is a folder, not a file", source=str(p))
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise IngestError(f"cannot read the file ({exc.strerror})", source=str(p)) from exc
    return convert_bytes(data, p.name, limit=limit)
