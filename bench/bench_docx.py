"""DOCX ingest beside python-docx and docx2python: speed and text fidelity, same files, one run.

    python bench/bench_docx.py [--repeat 3] [FILES…]     (default: the corpus .docx files)

Each tool reads every file ``--repeat`` times (best pass kept). Fidelity is word F1 against the
text LibreOffice exports (``soffice --convert-to txt``: an independent reader that resolves
auto-numbering and keeps tables, text boxes and body order), after the same normalisation
(NFC, tone-mark spelling, lower case). Prints a table and the ratios peer time / our time.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_pdf import fidelity  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpus"


def ours(path: Path) -> str:
    from ingest import convert_path

    return convert_path(path).text


def python_docx(path: Path) -> str:
    """Paragraphs, then every table cell: what python-docx gives without more work."""
    import docx

    d = docx.Document(str(path))
    parts = [p.text for p in d.paragraphs]
    for table in d.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return "\n".join(parts)


def docx2python_text(path: Path) -> str:
    from docx2python import docx2python

    with docx2python(str(path)) as result:
        return str(result.text)


def libreoffice(files: list[Path]) -> dict[Path, str]:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        raise SystemExit("LibreOffice (soffice) is needed for the reference text")
    with tempfile.TemporaryDirectory() as out:
        subprocess.run(
            [soffice, "--headless", f"-env:UserInstallation=file://{out}/profile", "--convert-to",
             "txt:Text (encoded):UTF8", "--outdir", out, *map(str, files)],
            capture_output=True, timeout=600, check=False,
        )  # fmt: skip
        return {f: (Path(out) / f"{f.stem}.txt").read_text("utf-8", errors="replace") for f in files}


def best_time(fn: Callable[[Path], str], files: list[Path], repeat: int) -> tuple[float, dict[Path, str]]:
    best, texts = float("inf"), {}
    for _ in range(repeat):
        t0 = time.perf_counter()
        texts = {f: fn(f) for f in files}
        best = min(best, time.perf_counter() - t0)
    return best, texts


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("files", nargs="*", type=Path)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    files = args.files or sorted(CORPUS.glob("*.docx"))
    reference = libreoffice(files)
    tools = {"kehoach": ours, "python-docx": python_docx, "docx2python": docx2python_text}
    for fn in tools.values():  # warm imports
        fn(files[0])
    rows = []
    for name, fn in tools.items():
        secs, texts = best_time(fn, files, args.repeat)
        f1s = [fidelity(texts[f], reference[f])[1] for f in files]
        rows.append((name, secs, min(f1s), sum(f1s) / len(f1s)))
    ours_s = rows[0][1]
    print(f"{len(files)} DOCX files, best of {args.repeat}; word F1 against LibreOffice's text export")
    print("| reader | seconds | files/s | time / kehoach | word F1 mean | word F1 min |\n|---|---|---|---|---|---|")
    for name, secs, lo, mean in rows:
        print(f"| {name} | {secs:.3f} | {len(files) / secs:.1f} | {secs / ours_s:.2f}× | {mean:.3f} | {lo:.3f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
