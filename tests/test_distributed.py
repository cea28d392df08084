"""The language stage on a Dask cluster gives what it gives in process."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from storyline.cli import app
from storyline.ingest import read_inputs
from storyline.model import Skipped
from tests.builders import news_page

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


@pytest.mark.slow
def test_reading_on_workers_gives_the_items_of_reading_in_process(tmp_path: Path):
    from storyline.distributed import dask_client, read_on

    folder = tmp_path / "news"
    folder.mkdir()
    lines = [
        json.dumps({"id": f"a{i}", "text": f"Talks on the ceasefire resumed, day {i}. " * 4})
        for i in range(300)
    ]
    lines[17] = '{"id": "broken"'  # a bad line in the middle of a part
    (folder / "wire.jsonl").write_text("\n".join(lines) + "\n")
    (folder / "page.html").write_text(news_page())
    (folder / "old.jsonl.gz").write_bytes(gzip.compress(lines[0].encode() + b"\n"))
    specs = [str(folder), str(tmp_path / "missing.jsonl"), str(folder / "page.html")]
    expected = list(read_inputs(specs))
    read_bytes = []
    with dask_client(workers=2) as client:
        found = list(read_on(client, specs, part_bytes=4096, on_bytes=read_bytes.append))

    assert found == expected
    assert len(read_bytes) > 5  # the JSONL file went out in parts
    assert sum(read_bytes) == sum(p.stat().st_size for p in folder.iterdir()) + len(
        (folder / "page.html").read_bytes()
    )
    assert any(isinstance(i, Skipped) and i.origin.endswith("wire.jsonl:18") for i in found)


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


def test_a_worker_whose_encoder_is_not_the_drivers_refuses_the_work():
    from storyline.distributed import annotate_on_worker
    from storyline.language import EncoderUnavailable
    from storyline.model import Article

    article = Article("a1", "The council met on Monday.")
    with pytest.raises(EncoderUnavailable, match="install the same encoder package"):
        annotate_on_worker([article], "lexical", "all-MiniLM-L6-v2-onnx-int8-dynamic")
    [(annotation, vectors)] = annotate_on_worker([article], None, None)  # annotation only
    assert annotation.article_id == "a1" and vectors is None


def test_workers_are_asked_for_the_drivers_kind_of_encoder_not_any():
    from storyline.distributed import _kind_of
    from storyline.language import load_encoder

    assert _kind_of(load_encoder("lexical")) == "lexical"
    assert _kind_of(load_encoder()) in {"onnx", "torch", "lexical"}  # whatever auto found
