"""`halab bench`: rate parsing and the smallest benchmark end to end on loopback."""

import json

import pytest

from halab.bench.throughput import measure_servers
from halab.cli import main
from halab.cli.bench_cmd import parse_rates
from halab.errors import InvalidInput


def test_parse_rates():
    assert parse_rates("50, 200,500") == [50.0, 200.0, 500.0]


@pytest.mark.parametrize("text", ["", "50,abc", "0", "-5,10"])
def test_parse_rates_rejects(text):
    with pytest.raises(InvalidInput, match="rates"):
        parse_rates(text)


def test_probe_accuracy_end_to_end(tmp_path, capsys):
    status = main(["bench", "probe-accuracy", "--rates", "50", "--duration-s", "2",
                   "--out", str(tmp_path)])
    assert status == 0
    data = json.loads((tmp_path / "probe-accuracy.json").read_text())
    assert data["command"] == (f"halab bench probe-accuracy --rates 50 --duration-s 2 "
                               f"--out {tmp_path}")
    (rate,) = data["rates"]
    assert rate["rate_per_s"] == 50.0
    assert rate["requests"] > 0
    assert rate["ok"] == rate["requests"]
    assert rate["lag_ms"]["max"] is not None
    assert "Probe accuracy" in (tmp_path / "probe-accuracy.md").read_text()
    assert "| 50 |" in capsys.readouterr().out


@pytest.mark.lab
def test_gunicorn_and_flask_dev_serve_the_cart(tmp_path):
    (row,) = measure_servers([20.0], 2.0, tmp_path)
    for server in ("gunicorn", "flask-dev"):
        assert row[server]["requests"] > 0
        assert row[server]["ok"] > 0
    assert row["ok_rate_ratio"] is not None
