from __future__ import annotations

import json
import os
import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine, make_url, text
from sqlalchemy.exc import OperationalError

from storyline.store import Store

REPO = Path(__file__).resolve().parent.parent
SHARED_DATA = Path(os.environ.get("STORYLINE_DATA", REPO.parent / "shared" / "data"))


@pytest.fixture
def shared_data() -> Path:
    """../shared/data, or a skip saying it is missing."""
    if not SHARED_DATA.is_dir():
        pytest.skip(f"development data not found at {SHARED_DATA} (set STORYLINE_DATA)")
    return SHARED_DATA


#: An administrator's URL of a PostgreSQL server the store tests may create databases on.
POSTGRES = os.environ.get(
    "STORYLINE_TEST_POSTGRES", "postgresql+psycopg://postgres:postgres@127.0.0.1:5432/postgres"
)


@pytest.fixture
def store(tmp_path: Path):
    with Store(tmp_path / "test.db") as opened:
        yield opened


@pytest.fixture(params=["sqlite", "postgresql", "pgvector"])
def any_store(request, tmp_path: Path):
    """A fresh store on each backend: an SQLite file; a new PostgreSQL database on the
    server at $STORYLINE_TEST_POSTGRES (Debian's, without pgvector: vectors as
    arrays); and one on a PostgreSQL with pgvector (the `pgserver` wheel's, started
    for the session). Databases are dropped afterwards; a backend that is not there
    skips with the reason."""
    if request.param == "sqlite":
        with Store(tmp_path / "test.db") as opened:
            yield opened
        return
    url = POSTGRES if request.param == "postgresql" else request.getfixturevalue("pgvector_url")
    admin = _postgres_admin(url)
    name = f"storyline_test_{uuid.uuid4().hex[:12]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        with Store(make_url(url).set(database=name).render_as_string(False)) as opened:
            yield opened
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session")
def pgvector_url(tmp_path_factory):
    """The administrator's URL of a PostgreSQL server with pgvector, from the pgserver
    wheel (a dev dependency), listening on a socket in a temporary folder."""
    pgserver = pytest.importorskip(
        "pgserver", reason="pgvector tests need the pgserver wheel: pip install pgserver"
    )
    server = pgserver.get_server(tmp_path_factory.mktemp("pgvector"), cleanup_mode="stop")
    try:
        yield (
            make_url(server.get_uri()).set(drivername="postgresql+psycopg").render_as_string(False)
        )
    finally:
        server.cleanup()


def _postgres_admin(url: str = POSTGRES):
    try:
        import psycopg  # noqa: F401
    except ImportError:
        pytest.skip("PostgreSQL tests need psycopg: pip install 'storyline[postgres]'")
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect():
            pass
    except OperationalError as exc:
        admin.dispose()
        pytest.skip(f"no PostgreSQL server at {make_url(url)!r}: {exc.orig}")
    return admin


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
