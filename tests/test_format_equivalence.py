"""The seeds as Word (auto-numbered) and as PDF give the same task list as their .txt.

The .txt output stands in for gold: obligations are matched by their text (whitespace and
markup folded), and F1 must reach 0.95; metadata must be equal.
"""
from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
from seed_docx import seed_to_docx

from extractors.pipeline import extract
from ingest import convert_bytes, convert_path
from tests.conftest import SAMPLES

META = ("doc_type", "number", "symbol", "issuer", "place", "issued_date", "title")


def _squash(text: str) -> str:
    return " ".join(re.sub(r"[*_“”\"']", "", text).split()).casefold()


def obligation_f1(reference: dict, other: dict) -> float:
    want = [_squash(o["text"]) for o in reference["obligations"]]
    got = [_squash(o["text"]) for o in other["obligations"]]
    used: set[int] = set()
    matched = 0
    for w in want:
        hit = next((i for i, g in enumerate(got) if i not in used and (g == w or w in g or g in w)), None)
        if hit is not None:
            used.add(hit)
            matched += 1
    if not want or not got:
        return 0.0
    p, r = matched / len(got), matched / len(want)
    return 2 * p * r / (p + r) if p + r else 0.0


def _pdf_from_docx(data: bytes) -> bytes:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("LibreOffice is not installed")
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "seed.docx"
        src.write_bytes(data)
        subprocess.run([soffice, f"-env:UserInstallation=file://{tmp}/profile", "--headless", "--convert-to", "pdf",
                        "--outdir", tmp, str(src)], check=True, capture_output=True, timeout=120)
        return (Path(tmp) / "seed.pdf").read_bytes()


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.name[:3])
def test_seed_as_docx_gives_the_same_task_list(path: Path) -> None:
    reference = extract(convert_path(path))
    as_docx = extract(convert_bytes(seed_to_docx(path.read_text(encoding="utf-8")), path.stem + ".docx"))
    assert obligation_f1(reference, as_docx) >= 0.95
    assert {k: as_docx["document"][k] for k in META} == {k: reference["document"][k] for k in META}


@pytest.mark.slow
@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.name[:3])
def test_seed_as_pdf_gives_the_same_task_list(path: Path) -> None:
    reference = extract(convert_path(path))
    pdf = _pdf_from_docx(seed_to_docx(path.read_text(encoding="utf-8")))
    as_pdf = extract(convert_bytes(pdf, path.stem + ".pdf"))
    f1 = obligation_f1(reference, as_pdf)
    assert f1 >= 0.95, f"F1 {f1:.3f}"
    assert {k: as_pdf["document"][k] for k in META} == {k: reference["document"][k] for k in META}
