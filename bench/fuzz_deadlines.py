"""Fuzz the deadline grammar: find_deadlines / parse_deadline on any string; spans must quote the text."""

from __future__ import annotations

from fuzz_common import ROOT, main


def target(data: bytes) -> None:
    from extractors.deadlines import find_deadlines, parse_deadline, select_deadline

    text = data.decode("utf-8", errors="replace")
    for f in find_deadlines(text):
        assert 0 <= f.start <= f.end <= len(text) and text[f.start : f.end] == f.text, f
    parse_deadline(text)
    select_deadline(text)


def seeds() -> list[bytes]:
    import yaml

    table = yaml.safe_load((ROOT / "tests/cases/deadlines.yaml").read_text(encoding="utf-8"))
    return [str(row.get("text", "")).encode() for rows in table.values() for row in rows][:300]


if __name__ == "__main__":
    main("deadlines", target, seeds())
