"""The language stage on a Dask cluster gives what it gives in process."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from storyline.cli import app

pytest.importorskip("dask.distributed", reason="pip install 'dask[distributed]'")


@pytest.mark.slow
def test_analyze_on_a_local_cluster_matches_the_in_process_run(
    analyzed_seeds, shared_data: Path, tmp_path: Path
):
    _, expected = analyzed_seeds  # the in-process run
    out = tmp_path / "dask.json"
    result = CliRunner().invoke(
        app,
        [
            "analyze",
            str(shared_data / "seeds" / "articles.jsonl"),
            "--db",
            str(tmp_path / "dask.db"),
            "--out",
            str(out),
            "--workers",
            "2",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "On a local cluster of 2 workers: annotated 2 and embedded 2 articles" in result.output
    [story] = json.loads(out.read_text())["stories"]
    assert story == expected


def test_an_unreachable_scheduler_is_a_clear_error(shared_data: Path, tmp_path: Path):
    result = CliRunner().invoke(
        app,
        [
            "analyze",
            str(shared_data / "seeds" / "articles.jsonl"),
            "--db",
            str(tmp_path / "s.db"),
            "--out",
            str(tmp_path / "r.json"),
            "--scheduler",
            "tcp://127.0.0.1:9",
            "-q",
        ],
    )
    assert result.exit_code == 2
    assert "cannot use the Dask cluster at tcp://127.0.0.1:9" in result.output
