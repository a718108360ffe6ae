"""Uploaded originals, stored by sha256 under ``<data_dir>/originals/ab/abcdef…`` before processing."""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def original_path(root: Path, sha: str) -> Path:
    return root / sha[:2] / sha


def store_original(root: Path, data: bytes) -> tuple[str, Path]:
    """Write the bytes once (atomically); the same bytes always land at the same path."""
    sha = sha256_of(data)
    path = original_path(root, sha)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".upload-")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    return sha, path


def read_original(root: Path, sha: str) -> bytes:
    return original_path(root, sha).read_bytes()


def remove_original(root: Path, sha: str) -> None:
    original_path(root, sha).unlink(missing_ok=True)
