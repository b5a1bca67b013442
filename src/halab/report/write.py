"""Write a session's reports: report.html, report.md and the PNG files the Markdown links."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from halab.errors import InvalidInput

from .build import build_session
from .html import render_html
from .markdown import render_markdown

log = logging.getLogger(__name__)

HTML_NAME = "report.html"
MARKDOWN_NAME = "report.md"
IMAGE_DIR = "report-images"


@dataclass(frozen=True)
class ReportFiles:
    html: Path
    markdown: Path
    images: list[Path]


def default_out_dir(paths: list[Path]) -> Path:
    """Return where a report goes when no --out is given.

    One session directory: that directory. Run directories that share one parent (the session):
    that parent. Anything else needs an explicit output directory.
    :raise InvalidInput: when the paths have no single place to put the report.
    """
    if len(paths) == 1 and not (paths[0] / "history.jsonl").is_file():
        return paths[0]
    parents = {path.resolve().parent for path in paths}
    if len(parents) == 1:
        return parents.pop()
    raise InvalidInput(
        f"runs from {len(parents)} different directories: no single place for the report",
        hint="pass --out DIR",
    )


def write_report(
    paths: list[Path], out_dir: Path | None = None, log_latency: bool = True
) -> ReportFiles:
    """Build the report of the runs under `paths` and write it to `out_dir`.

    `log_latency` draws the timelines' latency axis on a log scale (linear when False).
    """
    out_dir = out_dir or default_out_dir(paths)
    title = f"halab report: {out_dir.resolve().name}"
    session = build_session(paths, title=title, log_latency=log_latency)
    out_dir.mkdir(parents=True, exist_ok=True)
    image_dir = out_dir / IMAGE_DIR
    image_dir.mkdir(exist_ok=True)

    images = []
    for plot in session.plots + [p for run in session.runs for p in run.plots]:
        path = image_dir / f"{plot.stem}.png"
        path.write_bytes(plot.png)
        images.append(path)
    html_path = out_dir / HTML_NAME
    html_path.write_text(render_html(session), encoding="utf-8")
    markdown_path = out_dir / MARKDOWN_NAME
    markdown_path.write_text(render_markdown(session, IMAGE_DIR), encoding="utf-8")
    log.info("wrote %s, %s and %d images", html_path, markdown_path, len(images))
    return ReportFiles(html_path, markdown_path, images)
