"""The store: idempotent ingest, revisions, search, filters, migrations."""

from __future__ import annotations

import sqlite3

import numpy as np
import pytest
from sqlalchemy import text

from storyline.model import Article
from storyline.store import SCHEMA_VERSION, Store, StoreError
from tests.builders import STORY


@pytest.fixture
def store(any_store):
    """Every test here that takes a store runs on SQLite and on PostgreSQL."""
    return any_store


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


def test_a_search_for_emoji_or_symbols_finds_them_as_written(store):
    store.add_articles(
        [
            article(
                "fire", "Residents posted 🔥 🚒 under the mayor's update.", published="2024-07-02"
            ),
            article("later", "More 🔥 photos from the hills.", published="2024-07-03"),
            article("odds", "Odds moved 50% overnight; the 100% figure was a typo."),
        ]
    )
    assert [a.id for a in store.list_articles(query="🔥")] == ["later", "fire"]  # newest first
    assert [a.id for a in store.list_articles(query="🚒 🔥")] == ["fire"]  # every piece
    assert store.count_articles(query='"🔥"', since="2024-07-03") == 1
    assert [a.id for a in store.list_articles(query="%")] == ["odds"]  # not a wildcard
    assert store.list_articles(query="🌊") == []


def test_search_index_stays_consistent_through_revisions(store):
    store.add_articles([article("a", "The dam held overnight.")])
    store.add_articles([article("a", "The dam failed overnight.")])
    assert [a.id for a in store.list_articles(query="failed")] == ["a"]
    assert store.list_articles(query="held") == []  # only current revisions are listed
    if store.engine.dialect.name == "sqlite":  # PostgreSQL indexes the rows themselves
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


def test_stories_of_a_version_7_store_are_brought_forward(tmp_path):
    from sqlalchemy import create_engine

    from storyline.store.migrations import MIGRATIONS, _record_version

    path = tmp_path / "v7.db"
    engine = create_engine(f"sqlite:///{path}")
    with engine.begin() as conn:  # a store as storyline left it before lone stories
        for version, step in enumerate(MIGRATIONS[:7], start=1):
            step(conn)
            _record_version(conn, version)
        conn.execute(
            text(
                "INSERT INTO stories (story_id, title, articles, sources, first_day, last_day,"
                " profile, dim, updated_at) VALUES ('story-1', 'Floods', 3, '[]', 738000,"
                ' 738001, \'{"terms": {"flood": 1.0}, "entities": {}}\', 0, \'then\')'
            )
        )
        for member in "abc":
            conn.execute(text(f"INSERT INTO story_articles VALUES ('{member}', 'story-1')"))
        conn.execute(text("INSERT INTO duplicates VALUES ('c', 'a', 0.9)"))
    engine.dispose()
    with Store(path) as store:
        [loaded] = store.iter_story_profiles()
        # Its size is its originals, not the listed count with the copy.
        assert (loaded.size, loaded.attached_to, loaded.terms) == (2, None, {"flood": 1.0})
        assert store.story_homes(["a", "c"]) == {"a": "story-1", "c": "story-1"}
        assert [row["id"] for row in store.list_stories()] == ["story-1"]


def test_a_version_8_store_checks_and_places_revised_articles_once_more(tmp_path):
    from sqlalchemy import create_engine

    from storyline.store.migrations import MIGRATIONS, _record_version

    path = tmp_path / "v8.db"
    engine = create_engine(f"sqlite:///{path}")
    with engine.begin() as conn:  # before revisions were checked and placed again
        for version, step in enumerate(MIGRATIONS[:8], start=1):
            step(conn)
            _record_version(conn, version)
        for pk, (article_id, revision, digest, current) in enumerate(
            [("a", 1, "h-a1", 0), ("a", 2, "h-a2", 1), ("c", 1, "h-c1", 1)], start=1
        ):
            conn.execute(
                text(
                    "INSERT INTO articles (pk, article_id, revision, content_hash, current, text,"
                    f" metadata, ingested_at) VALUES ({pk}, '{article_id}', {revision},"
                    f" '{digest}', {current}, 'words', '{{}}', 'then')"
                )
            )
        conn.execute(text("INSERT INTO signatures VALUES ('a', NULL, X'00')"))
        conn.execute(text("INSERT INTO duplicates VALUES ('c', 'a', 0.9)"))
        conn.execute(text("INSERT INTO story_articles VALUES ('a', 'story-1', NULL)"))
        conn.execute(text("INSERT INTO story_articles VALUES ('c', 'story-1', NULL)"))
    engine.dispose()
    with Store(path) as store:
        # What was stored was made from each article's first revision: the one revised
        # since is checked and placed once more, the other is done.
        assert store.dedupe_status(["a", "c"]) == {"a": False, "c": True}
        assert store.stale_members(["a", "c"]) == {"a": "h-a1"}


def test_reopening_keeps_the_data(tmp_path):
    with Store(tmp_path / "s.db") as first:
        first.add_articles([article("a", STORY[0])])
    with Store(tmp_path / "s.db") as second:
        assert second.get_article("a").article.text == STORY[0]


REFUSE_B = {
    "sqlite": [
        "CREATE TRIGGER refuse_b BEFORE INSERT ON articles "
        "WHEN NEW.article_id = 'b' BEGIN SELECT RAISE(ABORT, 'disk full'); END"
    ],
    "postgresql": [
        "CREATE FUNCTION refuse_b() RETURNS trigger AS $$ BEGIN "
        "IF NEW.article_id = 'b' THEN RAISE EXCEPTION 'disk full'; END IF; RETURN NEW; "
        "END $$ LANGUAGE plpgsql",
        "CREATE TRIGGER refuse_b BEFORE INSERT ON articles "
        "FOR EACH ROW EXECUTE FUNCTION refuse_b()",
    ],
}


def test_a_failed_batch_stores_nothing_of_itself(store):
    store.add_articles([article("a", STORY[0])])
    with store.engine.begin() as conn:  # make the database refuse one row of the next batch
        for statement in REFUSE_B[store.engine.dialect.name]:
            conn.execute(text(statement))
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


def test_language_story_and_output_tables(store):
    """Everything the later stages keep, on both backends: annotations and vectors,
    copies, stories and their listing filters, comparisons, summaries, counts."""
    import numpy as np

    from storyline.model import (
        Annotation,
        Comparison,
        Conflict,
        Fact,
        Mention,
        Sentence,
        StoryProfile,
        Summary,
        SummarySentence,
    )

    store.add_articles(
        [
            article("a", STORY[0], source="Herald", published="2019-10-22"),
            article("b", STORY[1], source="Wire", published="2019-10-23"),
            article("c", STORY[0], source="Gazette", published="2019-10-23"),
        ]
    )
    hashes = {a.id: a.content_hash for a in store.iter_articles(["a", "b", "c"])}
    sentence = Sentence(0, 0, len(STORY[0]), STORY[0], 0)
    store.put_annotations([Annotation("a", hashes["a"], sentences=[sentence])], "v")
    assert store.get_annotations([hashes["a"]], "v")[hashes["a"]].sentences == [sentence]
    vectors = np.arange(6, dtype=np.float32).reshape(2, 3)
    store.put_vectors([(hashes["a"], vectors)], "enc")
    assert np.array_equal(store.get_vectors([hashes["a"]], "enc")[hashes["a"]], vectors)
    signature = np.arange(4, dtype=np.uint32)
    store.put_dedupe([("a", hashes["a"], "2019-10-22", signature)], [("c", hashes["c"], "a", 0.9)])
    assert store.duplicate_links(["a", "b", "c"]) == {"c": "a"}
    assert store.dedupe_status(["a", "b", "c"]) == {"a": True, "c": True}

    floods = StoryProfile("story-floods", size=3, vector_sum=np.ones(3, dtype=np.float32))
    store.save_stories(
        [floods],
        {"story-floods": "Floods"},
        {"a": "story-floods", "b": "story-floods", "c": "story-floods"},
        {},
        3,
        {"flood": 2},
        placed={"a": (hashes["a"], True), "b": (hashes["b"], True), "c": (hashes["c"], False)},
    )
    assert store.stale_members(["a", "b", "c"]) == {}
    [row] = store.list_stories(sort="conflicts")
    assert (row["articles"], row["sources"], row["start"]) == (
        3,
        ["Gazette", "Herald", "Wire"],
        "2019-10-22",
    )
    assert store.count_stories(mentioning="river") == 1
    assert store.count_stories(mentioning="volcano") == 0
    assert store.count_stories(since="2019-10-24") == 0
    assert store.count_stories(source="wire", until="2019-10-22") == 1
    assert store.articles_per_day() == [("2019-10-22", 1), ("2019-10-23", 2)]

    said = Mention("a", 0, STORY[0], "Herald", "2019-10-22")
    later = Mention("b", 0, STORY[1], "Wire", "2019-10-23")
    comparison = Comparison(
        "story-floods",
        [Fact("fact-1", STORY[1], "updated", [said, later], ["Herald", "Wire"])],
        [Conflict("quantity", said, later, "They differ.", "fact-1", revision=True)],
    )
    store.put_comparisons([("key-1", comparison)])
    assert store.get_comparisons(["story-floods"])["story-floods"] == comparison
    assert store.comparison_keys(["story-floods"]) == {"story-floods": "key-1"}
    assert store.list_stories()[0]["revisions"] == 1
    summary = Summary("story-floods", 100, [SummarySentence(STORY[1], [later], [said], "note")])
    store.put_summaries([("key-2", summary)])
    assert store.get_summaries(["story-floods"])["story-floods"] == summary
    assert store.get_story("story-floods").duplicates == {"c": "a"}


# In time: c, a, b. As text: a, c, b. "a" names its own day, the 5th, in California.
ZONED = [
    ("a", "2024-01-05T23:00:00-08:00"),  # 07:00 on the 6th in UTC
    ("b", "2024-01-06T09:00:00+00:00"),
    ("c", "2024-01-06T03:00:00+00:00"),
]


def _zoned_story(store, ids: list[str]) -> None:
    from storyline.model import StoryProfile

    hashes = {a.id: a.content_hash for a in store.iter_articles(ids)}
    store.save_stories(
        [StoryProfile(f"story-{i}", size=1) for i in ids],
        {f"story-{i}": i for i in ids},
        {i: f"story-{i}" for i in ids},
        {},
        len(ids),
        {},
        placed={i: (hashes[i], True) for i in ids},
    )


def test_dates_in_different_zones_are_listed_in_time_order(store):
    store.add_articles([article(i, f"{STORY[0]} ({i})", published=p) for i, p in ZONED])
    assert [a.id for a in store.list_articles()] == ["b", "a", "c"]  # newest first
    _zoned_story(store, ["a", "b", "c"])
    assert [s["id"] for s in store.list_stories(sort="recent")] == [
        "story-b",
        "story-a",
        "story-c",
    ]
    assert [s["id"] for s in store.list_stories(sort="oldest")] == [
        "story-c",
        "story-a",
        "story-b",
    ]
    # Days stay the days the articles name: "a" is counted, and found, on the 5th.
    assert store.articles_per_day() == [("2024-01-05", 1), ("2024-01-06", 2)]
    assert [a.id for a in store.list_articles(until="2024-01-05")] == ["a"]


def test_a_story_spans_its_first_and_last_report_in_time(store):
    store.add_articles([article(i, f"{STORY[0]} ({i})", published=p) for i, p in ZONED])
    hashes = {a.id: a.content_hash for a in store.iter_articles(["a", "b", "c"])}
    from storyline.model import StoryProfile

    store.save_stories(
        [StoryProfile("story-1", size=3)],
        {"story-1": "Floods"},
        dict.fromkeys("abc", "story-1"),
        {},
        3,
        {},
        placed={i: (hashes[i], True) for i in "abc"},
    )
    # Its span runs from the first day an article names to the last, as filters read it;
    # its members, and where it sorts among stories, go by time.
    [row] = store.list_stories()
    assert (row["start"], row["end"]) == ("2024-01-05T23:00:00-08:00", "2024-01-06T09:00:00+00:00")
    assert store.count_stories(until="2024-01-05") == store.count_stories(since="2024-01-06") == 1
    assert store.get_story("story-1").articles == ["c", "a", "b"]


def test_a_version_10_store_puts_its_dates_in_time_order(tmp_path):
    from sqlalchemy import create_engine

    from storyline.store.migrations import MIGRATIONS, _record_version

    path = tmp_path / "v10.db"
    engine = create_engine(f"sqlite:///{path}")
    with engine.begin() as conn:  # dates sorted as text, the story's span chosen as text
        for version, step in enumerate(MIGRATIONS[:10], start=1):
            step(conn)
            _record_version(conn, version)
        dated = [*ZONED, ("d", "2024-01-07"), ("e", "2024-01-07T10:00Z"), ("f", "")]
        for pk, (article_id, published) in enumerate(dated, start=1):
            conn.execute(
                text(
                    "INSERT INTO articles (pk, article_id, revision, content_hash, current, text,"
                    f" published, metadata, ingested_at) VALUES ({pk}, '{article_id}', 1,"
                    f" 'h-{article_id}', 1, 'words', '{published}', '{{}}', 'then')"
                )
            )
        conn.execute(
            text(
                "INSERT INTO stories (story_id, title, articles, sources, first_published,"
                " last_published, profile, dim, updated_at) VALUES ('story-1', 'Floods', 3,"
                " '[]', '2024-01-05T23:00:00-08:00', '2024-01-06T09:00:00+00:00', '{}', 0,"
                " 'then')"
            )
        )
        for member in "abc":
            conn.execute(
                text(f"INSERT INTO story_articles VALUES ('{member}', 'story-1', NULL, 'h', 1)")
            )
    engine.dispose()
    with Store(path) as store:
        assert [a.id for a in store.list_articles()] == ["e", "d", "b", "a", "c", "f"]
        [row] = store.list_stories()
        assert (row["start"], row["end"]) == (
            "2024-01-05T23:00:00-08:00",
            "2024-01-06T09:00:00+00:00",
        )
        store.add_articles([article("g", STORY[1], published="2024-01-06T05:00:00+00:00")])
        # An article stored since sorts among them by time: 05:00 UTC, between c and a.
        assert [a.id for a in store.list_articles(since="2024-01-06")] == ["e", "d", "b", "g", "c"]


def test_a_merged_story_id_leads_to_the_story_it_merged_into(store):
    from storyline.model import StoryProfile

    store.add_articles([article(i, f"{STORY[0]} ({i})", published="2019-10-22") for i in "abc"])
    hashes = {a.id: a.content_hash for a in store.iter_articles(list("abc"))}

    def run(profiles: list[str], members: dict[str, str], merged: dict[str, str]) -> None:
        store.save_stories(
            [StoryProfile(s, size=2) for s in profiles],
            {s: s for s in profiles},
            members,
            merged,
            3,
            {},
            placed={a: (hashes[a], True) for a in members},
        )

    run(["story-a", "story-b"], {"a": "story-a", "b": "story-b", "c": "story-b"}, {})
    assert store.leads_to("story-a") is None
    run(["story-b"], {"a": "story-b"}, {"story-a": "story-b"})
    assert store.leads_to("story-a") == "story-b"
    run(["story-c"], {"a": "story-c", "b": "story-c", "c": "story-c"}, {"story-b": "story-c"})
    assert (store.leads_to("story-a"), store.leads_to("story-b")) == ("story-c", "story-c")
    run(["story-a"], {"a": "story-a"}, {})  # the id holds a story again: no alias
    assert store.leads_to("story-a") is None
    assert store.leads_to("story-b") == "story-c"
    store.clear_stories()
    assert store.leads_to("story-b") is None


def test_published_dates_come_in_the_order_asked(store):
    """The stages sort by date and keep reading order for ties: the store must hand the
    dates back in that order on every backend (PostgreSQL's row order is its own)."""
    store.add_articles([article(i, f"{STORY[0]} ({i})", published="2019-10-22") for i in "abcd"])
    assert list(store.published_dates(list("dbca"))) == list("dbca")
    assert list(store.published_dates(list("cxa"))) == list("ca")


def test_no_copy_points_at_a_copy(store):
    """Copies name their original, never another copy: neither one this batch makes a
    copy nor one stored as a copy."""
    store.add_articles([article(i, f"{STORY[0]} ({i})", source=i) for i in "abcde"])
    hashes = {a.id: a.content_hash for a in store.iter_articles(list("abcde"))}
    signature = np.arange(4, dtype=np.uint32)
    store.put_dedupe(
        [("a", hashes["a"], None, signature)],
        [("c", hashes["c"], "b", 0.9), ("b", hashes["b"], "a", 0.9)],
    )
    assert store.duplicate_links(list("abc")) == {"b": "a", "c": "a"}
    store.put_dedupe([("e", hashes["e"], None, signature)], [("d", hashes["d"], "c", 0.8)])
    assert store.duplicate_links(list("abcde")) == {"b": "a", "c": "a", "d": "a"}


def _sentences_near(direction: np.ndarray, spread: float, count: int, seed: int) -> np.ndarray:
    """`count` unit sentence vectors scattered around `direction` (dim 384, as MiniLM's)."""
    rng = np.random.default_rng(seed)
    rows = direction + spread * rng.standard_normal((count, direction.shape[0]))
    return (rows / np.linalg.norm(rows, axis=1, keepdims=True)).astype(np.float32)


def test_similar_articles_rank_by_meaning_on_every_backend(store):
    rng = np.random.default_rng(7)
    floods, election = rng.standard_normal((2, 384))
    texts = {
        "floods-1": (floods, 0.3),
        "floods-2": (floods, 0.6),
        "floods-3": (floods, 1.2),
        "election-1": (election, 0.3),
        "election-2": (election, 0.5),
    }
    store.add_articles([article(i, f"{i}: {STORY[n % len(STORY)]}") for n, i in enumerate(texts)])
    store.add_articles([article("floods-1-again", "floods-1: " + STORY[0])])  # identical text
    hashes = {a.id: a.content_hash for a in store.iter_articles()}
    store.put_vectors(
        [
            (hashes[i], _sentences_near(direction, spread, 12, seed=n))
            for n, (i, (direction, spread)) in enumerate(texts.items())
        ],
        "minilm/test",
    )
    store.put_vectors([(hashes["election-1"], np.zeros((0, 384), np.float32))], "minilm/test")

    found = store.similar_articles("floods-1", limit=3)
    assert [i for i, _ in found] == ["floods-2", "floods-3", "election-2"]
    assert 1 > found[0][1] > found[1][1] > 0.5 > found[2][1]
    # every id carrying a found text is listed; the emptied vectors of election-1 are gone
    assert [i for i, _ in store.similar_articles("floods-2", limit=10)] == [
        "floods-1",
        "floods-1-again",
        "floods-3",
        "election-2",
    ]
    assert store.similar_articles("election-1") == []  # no sentences, no vector
    # another encoder's vectors for one article: the store's main encoder is searched
    store.put_vectors([(hashes["floods-1"], np.ones((2, 384), np.float32))], "other/test")
    assert [i for i, _ in store.similar_articles("floods-1", limit=3)] == [
        "floods-2",
        "floods-3",
        "election-2",
    ]
    assert store.similar_articles("unknown") == []


def test_a_store_from_before_article_vectors_gets_them_from_its_sentence_vectors(any_store):
    from storyline.store.schema import article_vectors

    store = any_store
    store.add_articles([article("a", STORY[0]), article("b", STORY[1])])
    hashes = {a.id: a.content_hash for a in store.iter_articles()}
    direction = np.ones(384)
    store.put_vectors(
        [(hashes[i], _sentences_near(direction, 0.5, 4, seed=n)) for n, i in enumerate("ab")],
        "minilm/test",
    )
    with store.engine.begin() as conn:  # back to schema 6, as an older storyline left it
        article_vectors.drop(conn)
        conn.execute(text("UPDATE storyline_meta SET value = '6' WHERE key = 'schema_version'"))
    with Store(store.url) as reopened:
        [(found, similarity)] = reopened.similar_articles("a")
        assert found == "b" and similarity > 0.5
        assert reopened.uses_pgvector is store.uses_pgvector


def test_pgvector_is_used_where_the_server_has_it(any_store, request):
    backend = request.node.callspec.params["any_store"]
    assert any_store.uses_pgvector is (backend == "pgvector")


def test_the_pipeline_gives_the_same_result_on_either_backend(
    any_store, analyzed_seeds, shared_data, tmp_path
):
    from storyline import engine
    from storyline.pipeline import analyze

    _, expected = analyzed_seeds  # made in an SQLite store by `storyline analyze`
    read = analyze(any_store, [str(shared_data / "seeds" / "articles.jsonl")])
    [story] = engine.write_result(any_store, read.article_ids, tmp_path / "r.json")["stories"]
    for part in ("id", "title", "articles", "summary", "facts", "conflicts", "timeline"):
        assert story[part] == expected[part], part


def test_a_server_password_never_shows_in_messages():
    from storyline.store import shown_store

    assert shown_store("postgresql://ana:s3cr%40t@db.example:5432/news") == (
        "postgresql://ana:***@db.example:5432/news"
    )
    assert shown_store("postgresql://ana:s3cret@db.example:port/news") == (
        "postgresql://ana:***@db.example:port/news"
    )
    assert (
        shown_store("postgresql://ana:p@ss@db.example/news")
        == "postgresql://ana:***@db.example/news"
    )
    assert shown_store("postgresql:///news?user=ana&password=s3cret&sslmode=require") == (
        "postgresql:///news?user=ana&password=***&sslmode=require"
    )
    assert shown_store("news/storyline.db") == "news/storyline.db"
    with pytest.raises(StoreError) as refused:
        Store("postgresql://ana:s3cret@127.0.0.1:1/news")
    assert "s3cret" not in str(refused.value) and "ana:***@127.0.0.1:1" in str(refused.value)
