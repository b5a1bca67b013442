"""Output: cell formatting, Markdown tables and the written files."""

import json

import pytest

from halab.bench.output import (
    BenchResult,
    Table,
    command_line,
    format_cell,
    markdown,
    markdown_table,
    write_result,
)


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, "–"),
        (True, "yes"),
        (3.0, "3"),
        (1234.56, "1235"),
        (12.345, "12.3"),
        (0.1234, "0.12"),
        (7, "7"),
        ("a|b", "a\\|b"),
    ],
)
def test_format_cell(value, text):
    assert format_cell(value) == text


def test_markdown_table_layout():
    text = markdown_table(Table("Title", ["a", "b"], [[1, 2.5], [None, "x"]]))
    assert text.splitlines() == [
        "**Title**",
        "",
        "| a | b |",
        "|---|---|",
        "| 1 | 2.50 |",
        "| – | x |",
    ]


def test_command_line_quotes_arguments():
    assert command_line(["bench", "soak", "--out", "a b"]) == "halab bench soak --out 'a b'"


def test_write_result_writes_json_and_markdown(tmp_path):
    result = BenchResult("demo", "halab bench demo", {"value": 1.5},
                         [Table("T", ["x"], [[1]])], notes=["a note"])
    json_path, md_path = write_result(result, tmp_path / "out")
    data = json.loads(json_path.read_text())
    assert data["benchmark"] == "demo"
    assert data["command"] == "halab bench demo"
    assert data["value"] == 1.5
    assert data["machine"]["cpus"] >= 1
    text = md_path.read_text()
    assert "Command: `halab bench demo`" in text
    assert "| x |" in text
    assert "- a note" in text
    assert text == markdown(result)
