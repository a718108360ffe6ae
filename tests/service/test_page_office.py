"""The page's wording and formats: empty filter fields mean no filter, times in Asia/Ho_Chi_Minh,
Vietnamese words from the gettext catalogs (never YAML's yes/no booleans)."""

from __future__ import annotations

from datetime import UTC, datetime

from conftest import Api

from service.i18n import catalog, fmt_date, t


def test_empty_filter_fields_are_no_filter(api: Api) -> None:
    api.upload()
    r = api.client.get("/obligations", params={"due_from": "", "due_to": "", "corrected": "", "status": ""})
    assert r.status_code == 200 and r.json()["total"] == 7
    page = api.client.get("/web/tasks?actor=&q=&due_from=&due_to=&status=&recurrence=")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert api.client.get("/obligations", params={"due_from": "30/11/2024"}).status_code == 422


def test_catalogs_and_babel_formats() -> None:
    vi, en = catalog()["vi"], catalog()["en"]
    assert set(vi) == set(en) and len(vi) > 100
    assert t("vi", "word_yes") == "Có" and t("en", "word_no") == "No"
    assert fmt_date(datetime(2024, 12, 31, 18, 30, tzinfo=UTC)) == "01/01/2025 01:30"
    corrected_yes = [v for v in vi.values() if v in ("True", "False", "yes", "no")]
    assert corrected_yes == []
