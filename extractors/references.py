"""Documents a plan is based on or implements (Căn cứ / Thực hiện).

"Thực hiện Chỉ thị số 34-CT/TW ngày 07/4/2014 của Bộ Chính trị …" → kind, number, date, issuer.

>>> [r["number"] for r in find_references("Thực hiện Chỉ thị số 34-CT/TW ngày 07/4/2014 của Bộ Chính trị về …")]
['34-CT/TW']
>>> [r["issuer"] for r in find_references("Kế hoạch số 14-KH/TU ngày 29/7/2025 của Ban Thường vụ Tỉnh ủy và "
...                                       "Kế hoạch số 24/KH-UBND ngày 14/8/2025 của UBND tỉnh thực hiện …")]
['Ban Thường vụ Tỉnh ủy', 'UBND tỉnh']
"""
from __future__ import annotations

import datetime as dt
import re
from typing import Any

from extractors.structure import Layout, split_marker
from ingest.document import Document

KINDS = (
    "Luật", "Bộ luật", "Nghị quyết", "Nghị định", "Quyết định", "Chỉ thị", "Kế hoạch", "Thông tư liên tịch",
    "Thông tư", "Công văn", "Văn bản", "Hướng dẫn", "Chương trình hành động", "Chương trình", "Thông báo",
    "Kết luận", "Đề án", "Công điện", "Quy định", "Pháp lệnh", "Nghị quyết liên tịch", "Tờ trình", "Báo cáo",
)
_KIND = "|".join(sorted((re.escape(k) for k in KINDS), key=len, reverse=True))
REFERENCE = re.compile(
    rf"(?P<kind>{_KIND})\s+(?:số\s*:?\s*)?(?P<num>\d+[\w.]*(?:\s?[/-]\s?[\wĐđ.&]+)+)"
    r"(?:\s*,?\s*ngày\s+(?:(?P<d>\d{1,2})\s*[/.-]\s*(?P<m>\d{1,2})\s*[/.-]\s*(?P<y>\d{4})"
    r"|(?P<d2>\d{1,2})\s+tháng\s+(?P<m2>\d{1,2})\s+năm\s+(?P<y2>\d{4})))?"
    r"(?:\s+(?:của|do)\s+(?P<issuer>[^;,.()]+?)(?=\s+(?:về|phê duyệt|quy định|ban hành|hướng dẫn|triển khai|thực hiện"
    r"|tổ chức|tăng cường|đẩy mạnh|tiếp tục|về việc)\b|[;,.()]|$"
    rf"|\s+và\s+(?:{_KIND})\b))?",
)


def _date(d: str | None, m: str | None, y: str | None) -> str | None:
    if not (d and m and y):
        return None
    try:
        return dt.date(int(y), int(m), int(d)).isoformat()
    except ValueError:
        return None


def find_references(text: str, offset: int = 0) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for m in REFERENCE.finditer(text):
        number = re.sub(r"\s*([/-])\s*", r"\1", m.group("num")).rstrip(".")
        if "/" not in number:
            continue
        out.append({
            "kind": m.group("kind"),
            "number": number,
            "date": (_date(m.group("d"), m.group("m"), m.group("y"))
                     or _date(m.group("d2"), m.group("m2"), m.group("y2"))),
            "issuer": m.group("issuer").strip() if m.group("issuer") else None,
            "text": m.group(0),
            "span": [offset + m.start(), offset + m.end()],
        })
    return out


def extract_references(doc: Document, lay: Layout, own_number: str | None = None) -> list[dict[str, Any]]:
    """References in the opening paragraphs (Căn cứ / Thực hiện), before the first numbered section.

    Falls back to the whole body when the opening cites nothing.
    """
    seen: set[str] = {own_number} if own_number else set()
    out: list[dict[str, Any]] = []
    in_body = lay.blocks_in("body")
    body_set = set(in_body)
    opening: list[int] = []
    for i in sorted(in_body + lay.blocks_in("header")):
        block = doc.blocks[i]
        text = doc.text[block.start : block.end]
        if i in body_set and split_marker(text)[0] in ("article", "roman", "decimal"):
            break
        opening.append(i)
    for indices in (opening, in_body):
        for i in indices:
            block = doc.blocks[i]
            for ref in find_references(doc.text[block.start : block.end], block.start):
                if ref["number"] not in seen:
                    seen.add(ref["number"])
                    out.append(ref)
        if out:
            break
    return out
