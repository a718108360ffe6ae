"""Fuzz the quota grammar: find_quotas / parse_quota on any string; spans must quote the text."""

from __future__ import annotations

from fuzz_common import ROOT, main


def target(data: bytes) -> None:
    from extractors.quotas import find_quotas, parse_quota, select_quota

    text = data.decode("utf-8", errors="replace")
    for f in find_quotas(text):
        assert 0 <= f.start <= f.end <= len(text) and text[f.start : f.end] == f.text, f
    parse_quota(text)
    select_quota(text)


def seeds() -> list[bytes]:
    import yaml

    table = yaml.safe_load((ROOT / "tests/cases/quotas.yaml").read_text(encoding="utf-8"))
    return [str(row.get("text", "")).encode() for rows in table.values() for row in rows][:300]


if __name__ == "__main__":
    main("quotas", target, seeds())
