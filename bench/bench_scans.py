"""Every PDF of the corpus folders: how it was read, and its header against the MANIFEST.

    python bench/bench_scans.py [FOLDER ...] [--out DIR]

Default folders: ../shared/corpus-more and ../shared/corpus. One row per PDF: pages, seconds,
OCR'd pages, warnings, obligations, then number / date / issuer / signer as extracted, each marked
``=`` when it agrees with the folder's MANIFEST.tsv (number: ``doc_number``; date: "Dated dd/mm/yyyy"
in the notes; issuer: its ``issuer`` column without the bracket; signer: the name in the bracket),
``≠`` when it does not, ``∅`` when nothing was found and ``·`` when the manifest says nothing. Where the
notes say the number or the day is handwritten, the expected value is null (``∅symbol``: symbol only)
unless an e-signature gives the day: the contract never guesses. ``--out DIR`` writes each task list
as JSON (for ``obdiff.py``).
"""
from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from extractors.pipeline import extract  # noqa: E402
from ingest import IngestError, convert_path  # noqa: E402
from ingest.normalize import fold  # noqa: E402

DATED = re.compile(r"\bDated (\d{1,2})/(\d{1,2})/(\d{4})")


def _manifest(folder: Path) -> dict[str, dict[str, str]]:
    path = folder / "MANIFEST.tsv"
    if not path.exists():
        return {}
    with path.open(encoding="utf-8") as fh:
        return {row["file"]: row for row in csv.DictReader(fh, delimiter="\t")}


def _expected(row: dict[str, str] | None) -> dict[str, str | None]:
    if not row:
        return {"number": None, "date": None, "issuer": None, "signer": None}
    notes = row.get("notes", "")
    number = row.get("doc_number", "").strip()
    number = None if not number or "blank" in number else number.split(" ")[0]
    hand = re.search(r"number '\d+'( and day(?: '\d+')?)? handwritten", notes)
    if number and hand:
        number = "∅" + re.sub(r"^\d+[-/]", "", number)  # unreadable by design: the symbol alone
    m = DATED.search(notes)
    date = dt.date(int(m.group(3)), int(m.group(2)), int(m.group(1))).isoformat() if m else None
    if date and hand and hand.group(1):
        date = "∅"
    issuer_col = row.get("issuer", "")
    issuer = re.sub(r"\s*\(.*", "", issuer_col).strip() or None
    bracket = re.search(r"\(([^)]*)\)", issuer_col)
    signer = None
    if bracket:
        names = re.findall(r"(?:PCT|PTP|Chủ tịch|Phó Chủ tịch)\s+([A-ZĐ]\w+(?:\s+[A-ZĐ]\w+){1,4})", bracket.group(1))
        signer = names[0] if names else None
    return {"number": number, "date": date, "issuer": issuer, "signer": signer}


def _same_issuer(found: str, expected: str) -> bool:
    a, b = fold(found), fold(expected)
    b = b.replace("ubnd", "uy ban nhan dan")
    a = a.replace("ubnd", "uy ban nhan dan")
    return a in b or b in a or a.split(" ")[:4] == b.split(" ")[:4]


def _mark(found: str | None, expected: str | None, key: str) -> str:
    if expected is None:
        return "·"
    if expected.startswith("∅"):  # a handwritten field: null is right (the number keeps its symbol)
        return "=" if found == expected or (expected == "∅" and found is None) else "≠"
    if found is None:
        return "∅"
    if key == "issuer":
        return "=" if _same_issuer(found, expected) else "≠"
    if key == "signer":
        return "=" if fold(expected) in fold(found) else "≠"
    return "=" if found == expected else "≠"


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("folders", nargs="*", type=Path)
    ap.add_argument("--out", type=Path)
    args = ap.parse_args()
    folders = args.folders or [ROOT.parent / "shared" / "corpus-more", ROOT.parent / "shared" / "corpus"]
    if args.out:
        args.out.mkdir(parents=True, exist_ok=True)
    agree = {"number": [0, 0], "date": [0, 0], "issuer": [0, 0], "signer": [0, 0]}
    print(f"{'file':34} {'pp':>3} {'sec':>6} {'ocr':>3} {'warn':>4} {'obl':>4}  number / date / issuer / signer")
    for folder in folders:
        manifest = _manifest(folder)
        for path in sorted(folder.glob("*.pdf")):
            t0 = time.perf_counter()
            try:
                doc = convert_path(path)
                result = extract(doc)
            except IngestError as exc:
                print(f"{path.name[:34]:34} ERROR {exc}")
                continue
            seconds = time.perf_counter() - t0
            if args.out:
                (args.out / f"{path.stem}.json").write_text(json.dumps(result, ensure_ascii=False, indent=1))
            meta = result["document"]
            signer = (meta.get("signer") or {}).get("name")
            number = meta.get("number") or (f"∅{meta['symbol']}" if meta.get("symbol") else None)
            found = {"number": number, "date": meta.get("issued_date"), "issuer": meta.get("issuer"), "signer": signer}
            expected = _expected(manifest.get(path.name))
            marks = {k: _mark(found[k], expected[k], k) for k in found}
            for k, m in marks.items():
                if m != "·":
                    agree[k][1] += 1
                    agree[k][0] += m == "="
            ocr_pages = sum(1 for p in doc.pages if p.ocr)
            print(f"{path.name[:34]:34} {len(doc.pages):3d} {seconds:6.1f} {ocr_pages:3d} {len(doc.warnings):4d} "
                  f"{len(result['obligations']):4d}  {marks['number']}{number} / {marks['date']}{found['date']} / "
                  f"{marks['issuer']}{found['issuer']} / {marks['signer']}{signer}")
            for w in doc.warnings:
                print(f"{'':34}   warning: {w}")
    print("\nagreement with the MANIFEST (where it says): "
          + ", ".join(f"{k} {a}/{n}" for k, (a, n) in agree.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
