"""`halab report` on the command line."""

from halab.cli import main


def test_report_command_writes_files(session_dir, tmp_path):
    status = main(["report", str(session_dir), "--out", str(tmp_path)])

    assert status == 0
    assert (tmp_path / "report.html").stat().st_size > 100000
    assert (tmp_path / "report.md").is_file()
    assert len(list((tmp_path / "report-images").glob("*.png"))) == 29


def test_report_command_rejects_empty_dir(tmp_path):
    status = main(["report", str(tmp_path)])

    assert status == 3


def test_report_command_needs_out_for_scattered_runs(session_dir, tmp_path):
    other = tmp_path / "elsewhere" / "exp01-roundrobin--exp01--seed--r1"
    other.mkdir(parents=True)
    source = session_dir / "exp01-roundrobin--exp01--seed--r1"
    (other / "history.jsonl").write_bytes((source / "history.jsonl").read_bytes())

    status = main(["report", str(source), str(other)])

    assert status == 3


def test_report_command_linear_latency(session_dir, tmp_path):
    run = session_dir / "exp01-roundrobin--exp01--seed--r1"

    status = main(["report", str(run), "--out", str(tmp_path), "--latency-scale", "linear"])

    assert status == 0
    assert (tmp_path / "report-images" / f"{run.name}--timeline.png").stat().st_size > 10000
