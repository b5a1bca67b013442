"""Reports rendered from fixture histories, checked for the figures they must contain."""

import re
from pathlib import Path

import pytest

from halab.report import write_report
from halab.report.runs import load_run
from halab.report.tables import advert_rows, priority_sequence
from halab.report.write import IMAGE_DIR

FIXTURES = Path(__file__).parent / "fixtures"

# Plots each synthetic run must have: timeline, breakdown, split, adverts.
EXPECTED_PLOTS = {
    "exp02-lb-failover--exp02--seed--r1": 4,
    "exp02-lb-failover--exp02--tuned--r3": 4,
    "exp01-roundrobin--exp01--seed--r1": 2,
    "web-crash--exp02--seed--r1": 3,
    "db-node-crash--full--tuned--r1": 3,
}


def recorded_sessions() -> list:
    """Return each directory under fixtures/ that contains run directories (recorded sessions)."""
    found = sorted(p for p in FIXTURES.iterdir() if p.is_dir() and any(p.glob("*/history.jsonl")))
    if not found:
        reason = "no recorded session under tests/report/fixtures/ yet"
        return [pytest.param(None, marks=pytest.mark.skip(reason=reason))]
    return [pytest.param(path, id=path.name) for path in found]


def sections(html: str) -> dict[str, str]:
    """Split the HTML into run sections by their id."""
    parts = re.split(r'<section class="run" id="([^"]+)">', html)
    return {parts[i]: parts[i + 1] for i in range(1, len(parts), 2)}


@pytest.fixture(scope="module")
def written(written_report):
    return written_report, written_report.html.read_text(), written_report.markdown.read_text()


def test_one_img_per_expected_plot(written):
    _, html, _ = written
    runs = sections(html)

    for name, count in EXPECTED_PLOTS.items():
        assert runs[name].count("<img ") == count, name
    assert html.count("<img ") == 1 + sum(section.count("<img ") for section in runs.values())


def test_images_embedded_not_linked(written):
    _, html, _ = written

    sources = re.findall(r'<img src="([^"]{0,40})', html)

    assert sources
    assert all(src.startswith("data:image/png;base64,") for src in sources)


def test_no_external_reference(written):
    _, html, _ = written

    assert not re.search(r'(src|href)="(https?:)?//', html)
    assert "@import" not in html
    assert "url(" not in html


def test_downtime_value_shown(written):
    _, html, _ = written
    seed = sections(html)["exp02-lb-failover--exp02--seed--r1"]

    # The synthetic seed failover: last success before 5 s to the first after 8.635 s.
    assert "3660 ms" in seed
    assert "4609 ms" in seed


def test_vrrp_table_lists_101_91_101(written):
    _, html, _ = written
    seed = sections(html)["exp02-lb-failover--exp02--seed--r1"]
    table = seed[seed.index('<table class="adverts">'):]
    table = table[: table.index("</table>")]

    rows = re.findall(r"<td>198\.18\.0\.11</td>.*?priority\">(\d+)</td>", table)

    assert rows == ["101", "91", "101"]


def test_slower_run_flagged(written):
    _, html, _ = written
    runs = sections(html)

    assert "slower than predicted</span>" in runs["exp02-lb-failover--exp02--tuned--r3"]
    assert "slower than predicted</span>" not in runs["exp02-lb-failover--exp02--tuned--r1"]


def test_no_fault_run_says_so(written):
    _, html, _ = written

    assert "No fault in this run." in sections(html)["exp01-roundrobin--exp01--seed--r1"]


def test_seed_and_tuned_side_by_side(written):
    _, html, _ = written
    summary = html[: html.index('<section class="run"')]

    assert "tuned: median" in summary
    row = re.search(r"<td>exp02-lb-failover</td><td>exp02</td>(.*?)</tr>", summary, re.S)
    assert row is not None
    assert row.group(1).count('class="num"') == 6


def test_markdown_links_existing_pngs(written):
    files, _, markdown = written

    links = re.findall(rf"!\[[^\]]*\]\(({IMAGE_DIR}/[^)]+\.png)\)", markdown)

    assert len(links) == len(files.images)
    for link in links:
        assert (files.markdown.parent / link).stat().st_size > 1000, link
    assert "| exp02-lb-failover | exp02 |" in markdown
    assert "**slower than predicted**" in markdown


def test_edge_cases_still_render(edge_runs, tmp_path):
    files = write_report([edge_runs["empty"].parent], tmp_path)
    runs = sections(files.html.read_text())

    empty = runs["exp01-roundrobin--exp01--seed--r9"]
    assert "No fault in this run." in empty
    assert empty.count("<img ") == 1

    unreadable = runs["exp02-lb-failover--exp02--seed--r8"]
    assert "history not loaded" in unreadable
    assert '<span class="verdict unknown">unknown</span>' in unreadable

    crashed = runs["exp02-lb-failover--exp02--seed--r7"]
    assert "The analysis raised an error" in crashed
    assert "ZeroDivisionError" in crashed
    assert crashed.count("<img ") == 4
    assert "verdict: **unknown**" in files.markdown.read_text().lower()


def test_default_out_is_session(session_dir, tmp_path):
    run = session_dir / "exp01-roundrobin--exp01--seed--r1"
    copy = tmp_path / "session" / run.name
    copy.mkdir(parents=True)
    for name in ("history.jsonl", "topology.json"):
        (copy / name).write_bytes((run / name).read_bytes())

    files = write_report([copy])

    assert files.html == tmp_path / "session" / "report.html"


@pytest.mark.parametrize("session", recorded_sessions())
def test_recorded_session_renders(session, tmp_path):
    files = write_report([session], tmp_path)
    runs = sections(files.html.read_text())

    run_dirs = [path.parent for path in session.glob("*/history.jsonl")]
    assert sorted(runs) == sorted(path.name for path in run_dirs)
    for name, section in runs.items():
        assert "Requests, faults and daemon states" in section, name
        assert '<span class="verdict ' in section, name


def recorded_seed_failovers() -> list:
    """Return recorded seed-profile exp02-lb-failover runs that captured VRRP adverts."""
    found = [
        path
        for param in recorded_sessions()
        if param.values[0] is not None
        for path in sorted(param.values[0].glob("exp02-lb-failover--*--seed--r*"))
        if (path / "vrrp-capture.txt").is_file()
    ]
    if not found:
        reason = "no recorded seed exp02-lb-failover run with a VRRP capture yet"
        return [pytest.param(None, marks=pytest.mark.skip(reason=reason))]
    return [pytest.param(path, id=f"{path.parent.name}/{path.name}") for path in found]


@pytest.mark.parametrize("run_dir", recorded_seed_failovers())
def test_recorded_seed_failover_adverts(run_dir):
    run = load_run(run_dir)
    rows = advert_rows(run.history.events())

    # The master's check script fails (101 - 10 = 91), then HAProxy is back (101).
    sources = {row.src for row in rows}
    sequences = {src: priority_sequence(rows, src) for src in sources}
    assert any(_contains_in_order(seq, [101, 91, 101]) for seq in sequences.values()), sequences


def _contains_in_order(sequence: list[int], wanted: list[int]) -> bool:
    position = 0
    for value in sequence:
        if position < len(wanted) and value == wanted[position]:
            position += 1
    return position == len(wanted)
