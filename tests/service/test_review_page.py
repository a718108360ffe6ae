"""The document page as a reviewer uses it: measures shown as context, OCR pages flagged."""
from __future__ import annotations

from typing import Any

from conftest import MakeApi
from fixtures import fake_extract


def with_measures_and_ocr(document: Any) -> dict[str, Any]:
    out = fake_extract(document)
    text = out["document"]["text"]
    start = text.index("Căn cứ") if "Căn cứ" in text else 0
    out["measures"] = [{"section": "II.1", "text": text[start:start + 30], "span": [start, start + 30]}]
    out["document"]["pages"] = [{"number": 1, "start": 0, "end": len(text), "ocr": True, "ocr_confidence": 0.71}]
    out["document"]["warnings"] = ["page 2 yielded no text"]
    return out


def test_measures_and_ocr_pages_on_the_document_page(make_api: MakeApi) -> None:
    api = make_api(extractor=with_measures_and_ocr)
    doc = api.upload().json()
    doc_id = doc.get("id") or doc["document"]["id"]
    detail = api.client.get(f"/documents/{doc_id}").json()
    assert detail["meta"]["measures"][0]["section"] == "II.1"
    page = api.client.get(f"/web/documents/{doc_id}").text
    assert "measures" in page and detail["meta"]["measures"][0]["text"] in page
    assert "doc-warnings" in page and "71%" in page and "page 2 yielded no text" in page
    review = api.client.get(f"/web/documents/{doc_id}?order=review").text
    assert review.count('class="obligation') == page.count('class="obligation')
