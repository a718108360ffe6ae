"""The ``kehoach`` command line: ``extract``, ``show``, plus the service's ``serve`` and ``token``."""
from __future__ import annotations

import csv
import io
import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from kehoach import __version__

app = typer.Typer(
    name="kehoach",
    help="Vietnamese government plans in, grounded task lists out (plan-obligations/1).",
    no_args_is_help=True,
    add_completion=False,
)


class OutputFormat(StrEnum):
    json = "json"
    csv = "csv"
    md = "md"


CSV_COLUMNS = ("id", "section", "actors", "co_actors", "action", "deadline", "rrule", "quota", "report_to",
               "span_start", "span_end", "text")


def _deadline_text(d: dict[str, Any] | None) -> str:
    if not d:
        return ""
    return str(d.get("text") or d.get("date") or "")


def _quota_text(q: dict[str, Any] | None) -> str:
    return str(q.get("text") or "") if q else ""


def render_csv(task_list: dict[str, Any]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(CSV_COLUMNS)
    for ob in task_list["obligations"]:
        writer.writerow([
            ob["id"], ob["section"] or "", "; ".join(ob["actors"]), "; ".join(ob["co_actors"]), ob["action"] or "",
            _deadline_text(ob["deadline"]), (ob["deadline"] or {}).get("rrule") or "", _quota_text(ob["quota"]),
            ob["report_to"] or "", ob["span"][0], ob["span"][1], ob["text"],
        ])
    return buf.getvalue()


def _cell(text: str, width: int) -> str:
    text = " ".join(text.split()).replace("|", "/")
    return text if len(text) <= width else text[: width - 1] + "…"


def render_markdown(task_list: dict[str, Any]) -> str:
    doc = task_list["document"]
    lines = [f"# {doc.get('doc_type') or 'Văn bản'} {doc.get('number') or ''} — {doc.get('title') or doc['source']}",
             "", f"- Cơ quan ban hành: {doc.get('issuer') or '—'}",
             f"- Ngày: {doc.get('issued_date') or '—'}", f"- Nhiệm vụ: {len(task_list['obligations'])}", ""]
    by_actor: dict[str, list[dict[str, Any]]] = {}
    for ob in task_list["obligations"]:
        for actor in ob["actors"] or ["(cơ quan ban hành)"]:
            by_actor.setdefault(actor, []).append(ob)
    for actor, obs in by_actor.items():
        lines += [f"## {actor}", "", "| # | Mục | Nhiệm vụ | Thời hạn | Số lượng | Phối hợp |",
                  "|---|---|---|---|---|---|"]
        for ob in obs:
            lines.append("| {} | {} | {} | {} | {} | {} |".format(
                ob["id"], ob["section"] or "", _cell(ob["action"] or ob["text"], 90),
                _cell(_deadline_text(ob["deadline"]), 200), _cell(_quota_text(ob["quota"]), 25),
                _cell(", ".join(ob["co_actors"]), 40)))
        lines.append("")
    return "\n".join(lines)


def render(task_list: dict[str, Any], fmt: OutputFormat) -> str:
    if fmt is OutputFormat.csv:
        return render_csv(task_list)
    if fmt is OutputFormat.md:
        return render_markdown(task_list)
    return json.dumps(task_list, ensure_ascii=False, indent=2)


def _fail(path: Path, exc: Exception) -> None:
    message = str(exc).splitlines()[0] if str(exc) else exc.__class__.__name__
    if str(path) not in message:
        message = f"{path}: {message}"
    typer.echo(f"error: {message}", err=True)


def _out_stem(path: Path, paths: list[Path]) -> str:
    """``a`` for a.txt, or ``a.txt`` and ``a.pdf`` when two inputs share the stem (neither overwrites the other).

    >>> _out_stem(Path("x/a.txt"), [Path("x/a.txt"), Path("a.pdf")]), _out_stem(Path("b.txt"), [Path("b.txt")])
    ('a.txt', 'b')
    """
    if sum(1 for p in paths if p.stem == path.stem) > 1:
        return path.name
    return path.stem


@app.command()
def extract(
    paths: Annotated[list[Path], typer.Argument(help="Plans to read (.txt, .md, .docx, .doc, .pdf).")],
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Folder for <stem>.<format> files.")] = None,
    fmt: Annotated[OutputFormat, typer.Option("--format", "-f", help="json, csv or md.")] = OutputFormat.json,
) -> None:
    """Extract the task list of each plan: DIR/<stem>.json per input, or stdout for one input."""
    from extractors.pipeline import extract as run
    from ingest import IngestError, convert_path

    if len(paths) > 1 and out is None:
        typer.echo("error: several inputs need --out DIR", err=True)
        raise typer.Exit(2)
    failed = 0
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
    for k, path in enumerate(paths, 1):
        try:
            task_list = run(convert_path(path))
        except IngestError as exc:
            _fail(path, exc)
            failed += 1
            continue
        except Exception as exc:  # one bad file must not stop the others
            _fail(path, exc)
            failed += 1
            continue
        text = render(task_list, fmt)
        if out is None:
            sys.stdout.write(text if text.endswith("\n") else text + "\n")
        else:
            target = out / f"{_out_stem(path, paths)}.{fmt.value}"
            target.write_text(text, encoding="utf-8-sig" if fmt is OutputFormat.csv else "utf-8")
            if len(paths) > 1:
                typer.echo(f"[{k}/{len(paths)}] {path.name}: {len(task_list['obligations'])} obligations -> {target}",
                           err=True)
    if failed:
        raise typer.Exit(1)


@app.command()
def show(path: Annotated[Path, typer.Argument(help="A plan to read.")]) -> None:
    """Print a readable task table per actor."""
    from extractors.pipeline import extract as run
    from ingest import IngestError, convert_path

    try:
        task_list = run(convert_path(path))
    except (IngestError, OSError) as exc:
        _fail(path, exc)
        raise typer.Exit(1) from None
    typer.echo(render_markdown(task_list))


@app.command()
def version() -> None:
    """Print the version."""
    typer.echo(__version__)


def _register_service() -> None:
    try:
        from service.cli import register
    except ImportError:  # the service's optional parts are missing
        return
    register(app)


_register_service()


if __name__ == "__main__":  # pragma: no cover
    app()
