"""Hostile files through the CLI and the API (issue 9): a typed error, within a time limit, under a
peak-memory bound (README, "Limits"). Every file is built at test time.

The CLI runs in a child process and the API in another (TestClient on a fresh SQLite database,
the real pipeline), so ``os.wait4`` gives each one's own peak RSS.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TIME_LIMIT_S = 60.0
PEAK_RSS_MB = 700  # the bound stated in the README ("Limits") for one CLI run or the service process

PARA = '<w:p><w:r><w:t>Phòng Nội vụ chủ trì thực hiện.</w:t></w:r></w:p>'
DOC_HEAD = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>'
)
DOC_TAIL = "</w:body></w:document>"


def _small_docx() -> bytes:
    import docx

    d = docx.Document()
    d.add_paragraph("KẾ HOẠCH")
    d.add_paragraph("Phòng Nội vụ chủ trì, hoàn thành trước ngày 30/12/2024.")
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def _replace_part(docx_bytes: bytes, name: str, write: Callable[[zipfile.ZipFile, zipfile.ZipInfo], None]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(docx_bytes)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            if info.filename == name:
                write(dst, zipfile.ZipInfo(name))
            else:
                dst.writestr(info, src.read(info), compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


def zip_bomb_docx(inflated_mb: int = 256) -> bytes:
    """A DOCX whose document.xml inflates to ``inflated_mb`` MB of well-formed paragraphs."""

    def write(dst: zipfile.ZipFile, info: zipfile.ZipInfo) -> None:
        info.compress_type = zipfile.ZIP_DEFLATED
        block = (PARA * 4096).encode()
        with dst.open(info, "w", force_zip64=True) as f:
            f.write(DOC_HEAD.encode())
            for _ in range(inflated_mb * 1024 * 1024 // len(block)):
                f.write(block)
            f.write(DOC_TAIL.encode())

    return _replace_part(_small_docx(), "word/document.xml", write)


def ratio_bomb_docx() -> bytes:
    """A DOCX with a 3 MB part of zeros (≈ 1000:1), under the size limits but over the ratio."""
    return _replace_part(
        _small_docx(), "word/styles.xml", lambda dst, info: dst.writestr(info, b"\0" * (3 << 20), zipfile.ZIP_DEFLATED)
    )


def broken_deflate_docx() -> bytes:
    """A DOCX whose document.xml's deflate stream is damaged (zlib fails while reading it)."""
    data = bytearray(_small_docx())
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as z:
        info = z.getinfo("word/document.xml")
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    for k in range(start + 2, start + min(info.compress_size, 64)):
        data[k] ^= 0xFF
    return bytes(data)


def nul_text() -> bytes:
    return "KẾ HOẠCH\x00\n\nPhòng Nội vụ chủ trì\x00 thực hiện, hoàn thành trước ngày 30/12/2024.\n".encode()


def utf16_lone_surrogate() -> bytes:
    return b"\xff\xfe" + "KẾ HOẠCH\n\nPhòng Nội vụ chủ trì thực hiện.\n".encode("utf-16-le") + b"\x00\xd8A\x00"


# name -> (builder, file name, CLI outcome (None: succeeds, else words of the error line),
#          API status of the upload, API error code (of the upload, or of its background job))
HOSTILE: dict[str, tuple[Callable[[], bytes], str, str | None, int, str | None]] = {
    "zip bomb (256 MB inflated)": (zip_bomb_docx, "bomb.docx", "inflates to 25", 413, "too_large"),
    "ratio bomb": (ratio_bomb_docx, "ratio.docx", "inflates 1", 413, "too_large"),
    "broken deflate": (broken_deflate_docx, "deflate.docx", "damaged", 202, "corrupt_file"),
    "NUL in text": (nul_text, "nul.txt", None, 201, None),
    "UTF-16 lone surrogate": (utf16_lone_surrogate, "u16.txt", None, 201, None),
}


def _run_with_rss(args: list[str], timeout: float) -> tuple[int, str, str, float, float]:
    t0 = time.monotonic()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    out_path = Path(os.environ.get("TMPDIR", "/tmp")) / f"kehoach-hostile-{os.getpid()}-{time.monotonic_ns()}"
    with open(f"{out_path}.out", "wb") as out, open(f"{out_path}.err", "wb") as err:
        proc = subprocess.Popen(args, stdout=out, stderr=err, cwd=ROOT, env=env)
        deadline = t0 + timeout
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.monotonic() > deadline:
                proc.kill()
                os.wait4(proc.pid, 0)
                pytest.fail(f"{args[2:]} ran past {timeout:.0f} s")
            time.sleep(0.05)
    proc.returncode = os.waitstatus_to_exitcode(status)
    stdout = Path(f"{out_path}.out").read_text(encoding="utf-8", errors="replace")
    stderr = Path(f"{out_path}.err").read_text(encoding="utf-8", errors="replace")
    Path(f"{out_path}.out").unlink()
    Path(f"{out_path}.err").unlink()
    return proc.returncode, stdout, stderr, time.monotonic() - t0, usage.ru_maxrss / 1024


@pytest.fixture(scope="module")
def hostile_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("hostile")
    for build, name, *_ in HOSTILE.values():
        (folder / name).write_bytes(build())
    return folder


@pytest.mark.parametrize("case", list(HOSTILE))
def test_cli_gives_a_typed_answer_in_time_and_memory(hostile_dir: Path, case: str) -> None:
    _, name, expect, _, _ = HOSTILE[case]
    code, out, err, seconds, rss = _run_with_rss(
        [sys.executable, "-m", "kehoach.cli", "extract", str(hostile_dir / name)], TIME_LIMIT_S
    )
    if expect is None:
        assert code == 0, err
        assert json.loads(out)["schema"] == "plan-obligations/1"
    else:
        lines = err.strip().splitlines()
        assert code == 1 and len(lines) == 1 and lines[0].startswith("error: "), err
        assert expect in lines[0], lines[0]
    print(f"\nCLI {case}: {seconds:.1f} s, peak RSS {rss:.0f} MB")
    assert seconds < TIME_LIMIT_S
    assert rss < PEAK_RSS_MB, f"peak RSS {rss:.0f} MB"


API_SCRIPT = r"""
import json, sys, tempfile, time
from pathlib import Path
from fastapi.testclient import TestClient
from service.app import create_app
from service.settings import Settings

folder = Path(sys.argv[1])
app = create_app(Settings(data_dir=tempfile.mkdtemp(), auth="off", allowed_hosts="testserver"))
out = {}
with TestClient(app) as c:
    for name in sys.argv[2:]:
        t0 = time.monotonic()
        r = c.post("/documents", files={"file": (name, (folder / name).read_bytes(), "application/octet-stream")})
        body = r.json()
        error = body.get("error")
        if r.status_code == 202:  # processed in the background: the job's typed error
            while (job := c.get(f"/jobs/{body['job']['id']}").json())["status"] not in ("done", "failed"):
                time.sleep(0.05)
            error = (job.get("error") or {}).get("code")
        out[name] = {"status": r.status_code, "error": error, "seconds": time.monotonic() - t0}
print(json.dumps(out))
"""


def test_api_gives_typed_answers_in_time_and_memory(hostile_dir: Path) -> None:
    names = [name for _, name, *_ in HOSTILE.values()]
    code, out, err, seconds, rss = _run_with_rss(
        [sys.executable, "-c", API_SCRIPT, str(hostile_dir), *names], TIME_LIMIT_S * 2
    )
    assert code == 0, err[-2000:]
    answers = json.loads(out.strip().splitlines()[-1])
    for _, name, _, status, error in HOSTILE.values():
        got = answers[name]
        assert got["status"] == status and got["error"] == error, (name, got)
        assert got["seconds"] < TIME_LIMIT_S, (name, got)
    print(f"\nAPI: {seconds:.1f} s in all, service peak RSS {rss:.0f} MB; {answers}")
    assert rss < PEAK_RSS_MB, f"service peak RSS {rss:.0f} MB"


def test_cli_refuses_to_overwrite_a_shared_stem(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from kehoach.cli import app

    text = "KẾ HOẠCH\n\nPhòng Nội vụ chủ trì thực hiện, hoàn thành trước ngày 30/12/2024.\n"
    (tmp_path / "a.txt").write_text(text, encoding="utf-8")
    (tmp_path / "a.md").write_text(text.replace("Nội vụ", "Tư pháp"), encoding="utf-8")
    out = tmp_path / "out"
    res = CliRunner().invoke(app, ["extract", str(tmp_path / "a.txt"), str(tmp_path / "a.md"), "--out", str(out)])
    assert res.exit_code == 0, res.output
    assert sorted(p.name for p in out.iterdir()) == ["a.md.json", "a.txt.json"]
    assert "Tư pháp" in (out / "a.md.json").read_text(encoding="utf-8")
