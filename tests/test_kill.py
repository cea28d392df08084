"""A process killed with SIGKILL mid-ingest leaves a consistent store, and the
same command run again completes it with nothing lost or duplicated."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time

import pytest

from tests.builders import STORY

ARTICLES = 30000
BATCH = 100


@pytest.mark.slow
def test_sigkill_mid_ingest_then_rerun_completes(tmp_path):
    source = tmp_path / "big.jsonl"
    with source.open("w") as handle:
        for i in range(ARTICLES):
            text = f"Report {i}. " + STORY[i % 4]
            handle.write(json.dumps({"id": f"n{i}", "text": text, "title": f"Item {i}"}) + "\n")
    db = tmp_path / "s.db"
    command = [
        sys.executable,
        "-m",
        "storyline",
        "ingest",
        str(source),
        "--db",
        str(db),
        "--batch-size",
        str(BATCH),
        "--quiet",
    ]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    stored = _wait_for_rows(db, process)
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    assert process.returncode == -signal.SIGKILL, "the ingest finished before it could be killed"

    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        conn.execute("INSERT INTO articles_fts(articles_fts) VALUES ('integrity-check')")
        partial = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
    assert stored <= partial < ARTICLES
    assert partial % BATCH == 0  # whole batches only

    rerun = subprocess.run(command, capture_output=True, text=True, timeout=600)
    assert rerun.returncode == 0, rerun.stderr
    with sqlite3.connect(db) as conn:
        total, distinct, revised = conn.execute(
            "SELECT count(*), count(DISTINCT article_id), max(revision) FROM articles"
        ).fetchone()
        assert (total, distinct, revised) == (ARTICLES, ARTICLES, 1)
        hits = conn.execute(
            "SELECT count(*) FROM articles_fts WHERE articles_fts MATCH 'report'"
        ).fetchone()[0]
        assert hits == ARTICLES


def _wait_for_rows(db, process, timeout: float = 120.0) -> int:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"ingest ended early: {process.stderr.read().decode()}")
        if db.exists():
            try:
                with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1) as conn:
                    count = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
            except sqlite3.OperationalError:
                count = 0  # the schema is still being created
            if count >= 3 * BATCH:
                return count
        time.sleep(0.02)
    pytest.fail("no rows appeared in time")
