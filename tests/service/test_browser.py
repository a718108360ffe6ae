"""The web page in headless Chromium: upload a seed, see highlights, correct an actor, download the ICS.

Needs Debian's chromium (/usr/bin/chromium, or KEHOACH_CHROMIUM) and Playwright's Python client;
skips otherwise. Runs the real pipeline on a sample plan.
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from service.app import create_app
from service.settings import Settings

pytestmark = [pytest.mark.browser, pytest.mark.slow]
ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "samples" / "001_46c67ed88b5dfff8.txt"
CHROMIUM = os.environ.get("KEHOACH_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    sync_api = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists():
        pytest.skip(f"no chromium at {CHROMIUM}")
    with sync_api.sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox"])
        yield b
        b.close()


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    import uvicorn

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    app = create_app(Settings(data_dir=tmp_path / "data", auth="off"))
    srv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not srv.started and time.monotonic() < deadline:
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(timeout=10)


def test_upload_highlight_correct_and_download_ics(browser: object, server: str, tmp_path: Path) -> None:
    from icalendar import Calendar

    page = browser.new_page(accept_downloads=True)  # type: ignore[attr-defined]
    page.goto(server + "/")
    assert page.locator("html").get_attribute("lang") == "vi"
    page.set_input_files("#upload-file", str(SAMPLE))
    page.click("#upload-form button[type=submit]")
    page.wait_for_url("**/web/documents/*", timeout=30_000)
    marks = page.locator("mark.ob")
    assert marks.count() > 0, "the real pipeline found no obligation in the sample"
    cards = page.locator("article.obligation")
    assert cards.count() > 0

    marks.first.click()
    card = page.locator("article.obligation.active")
    card.wait_for()
    form = card.locator("form.correct")
    assert form.is_visible()
    form.locator("textarea[name=actors]").fill("Phòng Nội vụ")
    form.locator("input[name=deadline_date]").fill("2030-12-30")
    form.locator("select[name=deadline_recurrence]").select_option("yearly")
    ob_id = card.get_attribute("data-id")
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    corrected = page.locator(f"#ob-{ob_id}")
    # the save sets the hash, then reloads: wait for the reloaded card, not the hash change
    corrected.locator(".actors", has_text="Phòng Nội vụ").wait_for(timeout=30_000)
    assert corrected.locator(".actors").inner_text() == "Phòng Nội vụ"
    assert corrected.locator(".badge.corrected").count() == 1
    assert "30/12/2030" in corrected.locator(".deadline").inner_text()

    page.goto(server + "/web/tasks?actor=Phòng NV")
    assert page.locator("#tasks tbody tr").count() >= 1
    with page.expect_download() as info:
        page.click("#export-ics")
    path = tmp_path / "tasks.ics"
    info.value.save_as(path)
    cal = Calendar.from_ical(path.read_bytes())
    todos = cal.walk("VTODO")
    assert todos and any("RRULE" in t for t in todos)
    assert all("Phòng Nội vụ" in str(t["summary"]) for t in todos)
    page.close()


def test_review_order_lists_the_least_sure_tasks_first(browser: object, server: str) -> None:
    """Upload a plan, click "Ít chắc chắn trước": the cards come by rising confidence, each with its badge."""
    page = browser.new_page()  # type: ignore[attr-defined]
    page.goto(server + "/")
    page.set_input_files("#upload-file", str(ROOT / "samples" / "000_0faab479b5cd0ffe.txt"))
    page.click("#upload-form button[type=submit]")
    page.wait_for_url("**/web/documents/*", timeout=30_000)
    in_plan = page.locator("article.obligation").evaluate_all("els => els.map(e => e.dataset.id)")
    with page.expect_navigation():
        page.click("#order-review")
    badges = page.locator("article.obligation .badge.confidence").all_inner_texts()
    values = [float(b.split()[-1].replace(",", ".")) for b in badges]
    assert len(values) == len(in_plan) > 1
    assert values == sorted(values) and values != sorted(values, reverse=True)
    reviewed = page.locator("article.obligation").evaluate_all("els => els.map(e => e.dataset.id)")
    assert sorted(reviewed) == sorted(in_plan)
    with page.expect_navigation():
        page.click("#order-document")
    assert page.locator("article.obligation").evaluate_all("els => els.map(e => e.dataset.id)") == in_plan
    page.close()
