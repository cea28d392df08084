"""The store: idempotent ingest, revisions, search, filters, migrations."""

from __future__ import annotations

import sqlite3

import pytest
from sqlalchemy import text

from storyline.model import Article
from storyline.store import SCHEMA_VERSION, Store, StoreError
from tests.builders import STORY


def article(article_id: str, body: str, **fields) -> Article:
    return Article(id=article_id, text=body, **fields)


def test_the_same_article_twice_is_stored_once(store):
    batch = [article("a", STORY[0], title="Floods"), article("b", STORY[1])]
    assert store.add_articles(batch).added == 2
    again = store.add_articles(batch)
    assert (again.added, again.revised, again.unchanged) == (0, 0, 2)
    assert store.count_articles() == 2


def test_changed_text_is_a_new_revision_and_the_old_one_is_kept(store):
    store.add_articles([article("a", STORY[0], title="Floods")])
    result = store.add_articles(
        [article("a", STORY[0] + " Two more villages were reached.", title="Floods")]
    )
    assert result.revised == 1
    current = store.get_article("a")
    assert current.revision == 2 and current.revisions == 2
    assert current.article.text.endswith("Two more villages were reached.")
    assert store.get_article("a", revision=1).article.text == STORY[0]
    assert [r[0] for r in store.revisions("a")] == [1, 2]
    assert store.count_articles() == 1  # only the current revision is listed
    # Seeing the first text again is not a third revision.
    assert store.add_articles([article("a", STORY[0], title="Floods")]).unchanged == 1


def test_two_revisions_in_one_batch_leave_one_current(store):
    store.add_articles([article("a", "one"), article("a", "two"), article("a", "three")])
    assert store.get_article("a").article.text == "three"
    assert store.get_article("a").revisions == 3
    assert store.count_articles() == 1


def test_full_text_search_and_filters(store):
    store.add_articles(
        [
            article(
                "a",
                "Rescue teams reached the flooded villages.",
                source="Herald",
                published="2019-10-21",
                title="Floods",
            ),
            article(
                "b",
                "Engineers inspected the dams upstream.",
                source="Wire",
                published="2019-10-22T09:00:00",
                title="Dams",
            ),
            article(
                "c",
                "The governor visited the flooded valley.",
                source="herald",
                published="2019-10-23",
                title="Governor",
            ),
        ]
    )
    assert {a.id for a in store.list_articles(query="flooded")} == {"a", "c"}
    assert [a.id for a in store.list_articles(query="flood")] in (["a", "c"], ["c", "a"])  # stems
    assert [a.id for a in store.list_articles(query="dams OR governor")] != []
    assert store.list_articles(query='unbalanced "quote') == []  # bad syntax, no crash
    assert {a.id for a in store.list_articles(source="HERALD")} == {"a", "c"}
    assert [a.id for a in store.list_articles(since="2019-10-22")] == ["c", "b"]
    assert [a.id for a in store.list_articles(until="2019-10-22")] == ["b", "a"]
    assert store.count_articles(query="flooded", since="2019-10-22") == 1
    assert [a.id for a in store.list_articles(limit=1, offset=1)] == ["b"]
    assert sorted(store.sources()) == [("Herald", 1), ("Wire", 1), ("herald", 1)]


def test_search_index_stays_consistent_through_revisions(store):
    store.add_articles([article("a", "The dam held overnight.")])
    store.add_articles([article("a", "The dam failed overnight.")])
    assert [a.id for a in store.list_articles(query="failed")] == ["a"]
    assert store.list_articles(query="held") == []  # only current revisions are listed
    with store.engine.connect() as conn:
        conn.execute(text("INSERT INTO articles_fts(articles_fts) VALUES ('integrity-check')"))


def test_schema_version_is_recorded_and_a_newer_schema_is_refused(tmp_path):
    path = tmp_path / "s.db"
    Store(path).close()
    with sqlite3.connect(path) as conn:
        version = conn.execute(
            "SELECT value FROM storyline_meta WHERE key = 'schema_version'"
        ).fetchone()[0]
        assert int(version) == SCHEMA_VERSION
        conn.execute("UPDATE storyline_meta SET value = '999' WHERE key = 'schema_version'")
    with pytest.raises(StoreError, match="upgrade storyline"):
        Store(path)


def test_reopening_keeps_the_data(tmp_path):
    with Store(tmp_path / "s.db") as first:
        first.add_articles([article("a", STORY[0])])
    with Store(tmp_path / "s.db") as second:
        assert second.get_article("a").article.text == STORY[0]


def test_a_failed_batch_stores_nothing_of_itself(store):
    store.add_articles([article("a", STORY[0])])
    with store.engine.begin() as conn:  # make the database refuse one row of the next batch
        conn.execute(
            text(
                "CREATE TRIGGER refuse_b BEFORE INSERT ON articles "
                "WHEN NEW.article_id = 'b' BEGIN SELECT RAISE(ABORT, 'disk full'); END"
            )
        )
    with pytest.raises(Exception, match="disk full"):
        store.add_articles([article("a", STORY[0] + " Revised."), article("b", STORY[1])])
    current = store.get_article("a")
    assert current.revision == 1 and current.revisions == 1  # the revision was rolled back
    assert store.get_article("b") is None


def test_not_a_database_gives_a_clear_error(tmp_path):
    path = tmp_path / "notes.db"
    path.write_text("these are my notes, not a database\n" * 100)
    with pytest.raises(StoreError, match="cannot open the store"):
        Store(path)
