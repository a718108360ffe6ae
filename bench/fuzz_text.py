"""Fuzz the text backend (``.txt``: encodings, legacy fonts, Markdown debris, re-joined lines)."""

from __future__ import annotations

from fuzz_common import ROOT, main


def target(data: bytes) -> None:
    from ingest import convert_bytes

    doc = convert_bytes(data, "fuzz.txt")
    assert all(0 <= b.start <= b.end <= len(doc.text) for b in doc.blocks)


def seeds() -> list[bytes]:
    out = [p.read_bytes()[:4000] for p in sorted((ROOT / "samples").glob("*.txt"))]
    out += [out[0].decode("utf-8").encode("utf-16"), b"\xff\xfe\x00\xd8", b"# A\n| a | b |\n|---|---|\n"]
    return out


if __name__ == "__main__":
    main("text", target, seeds())
