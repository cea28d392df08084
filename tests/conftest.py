from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from storyline.store import Store

REPO = Path(__file__).resolve().parent.parent
SHARED_DATA = Path(os.environ.get("STORYLINE_DATA", REPO.parent / "shared" / "data"))


@pytest.fixture
def shared_data() -> Path:
    """../shared/data, or a skip saying it is missing."""
    if not SHARED_DATA.is_dir():
        pytest.skip(f"development data not found at {SHARED_DATA} (set STORYLINE_DATA)")
    return SHARED_DATA


@pytest.fixture
def store(tmp_path: Path):
    with Store(tmp_path / "test.db") as opened:
        yield opened


@pytest.fixture
def analyzed_seeds(shared_data: Path, tmp_path: Path) -> tuple[Path, dict]:
    """(store path, the seeds' one story from the result JSON) after `storyline analyze`
    over the seeds."""
    from typer.testing import CliRunner

    from storyline.cli import app

    db, out = tmp_path / "s.db", tmp_path / "result.json"
    seeds = shared_data / "seeds" / "articles.jsonl"
    result = CliRunner().invoke(
        app, ["analyze", str(seeds), "--db", str(db), "--out", str(out), "-q"]
    )
    assert result.exit_code == 0, result.output
    [story] = json.loads(out.read_text())["stories"]
    return db, story
