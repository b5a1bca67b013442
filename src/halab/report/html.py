"""The self-contained HTML report: one file, plots embedded as base64 PNG, CSS inline.

It links to nothing outside itself, because lab hosts and CI machines have no internet access.
"""

from __future__ import annotations

import base64
from datetime import UTC, datetime

from jinja2 import Environment, PackageLoader, select_autoescape

from halab import __version__

from .build import SessionReport
from .views import (
    LAYER_NAMES,
    TOLERANCE_TEXT,
    fmt_count,
    fmt_ms,
    fmt_ms1,
    fmt_value,
    profiles_of,
    side_by_side,
)

MAX_ADVERT_ROWS = 40


def _environment() -> Environment:
    environment = Environment(
        loader=PackageLoader("halab.report", "templates"),
        autoescape=select_autoescape(["html", "j2"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.filters.update(
        b64=lambda data: base64.b64encode(data).decode("ascii"),
        ms=fmt_ms,
        ms1=fmt_ms1,
        count=fmt_count,
        value=fmt_value,
    )
    return environment


def render_html(session: SessionReport) -> str:
    """Render the whole report as one HTML document."""
    template = _environment().get_template("report.html.j2")
    return template.render(
        session=session,
        side_by_side=side_by_side(session.groups),
        profiles=profiles_of(session.groups),
        layer_names=LAYER_NAMES,
        tolerance_text=TOLERANCE_TEXT,
        max_advert_rows=MAX_ADVERT_ROWS,
        generated_at=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        version=__version__,
    )
