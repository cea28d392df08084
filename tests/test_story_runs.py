"""Stories kept consistent in the store across many `analyze` runs: merges, lone articles
attached to a story and leaving it, copies, cold stories.

The articles here have hand-made profiles (their words, no vectors or names), so that a
scenario can be set up exactly; everything after profiling is storyline's own.
"""

from __future__ import annotations

import json
import random
from collections import Counter

import numpy as np
import pytest
from sqlalchemy import text

from storyline import engine
from storyline.model import Article
from storyline.store import Store
from storyline.stories import ArticleProfile, ClusterParams, day_number


@pytest.fixture(autouse=True)
def word_profiles(monkeypatch):
    """Profile an article by the words before "|" in its text."""

    def profiles(store, articles, encoder):
        return [
            (
                a,
                ArticleProfile(
                    a.id,
                    day_number(a.published),
                    None,
                    Counter(a.text.split("|")[0].split()),
                    Counter(),
                ),
            )
            for a in articles
        ]

    monkeypatch.setattr(engine.placing, "article_profiles", profiles)  # where run_stories finds it


def _article(article_id: str, words: str, day: int | None, source: str = "Wire") -> Article:
    published = f"2024-01-{day:02d}" if day else None
    return Article(
        id=article_id, text=f"{words} | {article_id}", source=source, published=published
    )


def _run(store: Store, articles: list[Article], params: ClusterParams, copies=()) -> None:
    """One `analyze` run's story stage; `copies` are (copy id, original id) links."""
    store.add_articles(articles)
    links = dict(copies)
    originals = [a for a in articles if a.id not in links]
    signature = np.zeros(4, dtype=np.uint32)
    hashes = {a.id: a.content_hash for a in articles}
    store.put_dedupe(
        [(a.id, a.content_hash, a.published, signature) for a in originals],
        [(copy, hashes[copy], original, 1.0) for copy, original in copies],
    )
    engine.run_stories(store, [a.id for a in articles], params=params)


def _problems(store: Store) -> list[str]:
    """Where the store's stories disagree with their members."""
    with store.engine.connect() as conn:
        stories = {
            s: (count, attached)
            for s, count, attached in conn.execute(
                text("SELECT story_id, articles, attached_to FROM stories")
            )
        }
        members = conn.execute(
            text(
                "SELECT m.article_id, m.story_id, m.home FROM story_articles m JOIN articles a"
                " ON a.article_id = m.article_id AND a.current"
            )
        ).all()
        sizes = dict(conn.execute(text("SELECT story_id, profile FROM stories")).all())
        profiled = Counter(
            home
            for (home,) in conn.execute(
                text("SELECT COALESCE(home, story_id) FROM story_articles WHERE profiled")
            )
        )
        stale = conn.execute(
            text(
                "SELECT m.article_id FROM story_articles m JOIN articles a"
                " ON a.article_id = m.article_id AND a.current"
                " WHERE m.content_hash != a.content_hash"
                " OR m.profiled = (m.article_id IN (SELECT article_id FROM duplicates))"
            )
        ).all()
        apart = conn.execute(
            text(
                "SELECT d.article_id FROM duplicates d"
                " JOIN story_articles c ON c.article_id = d.article_id"
                " JOIN story_articles o ON o.article_id = d.original_id"
                " WHERE c.story_id != o.story_id"
            )
        ).all()
    found = [f"{article} was placed at an earlier revision or kind" for (article,) in stale]
    found += [f"{copy} is shown apart from its original" for (copy,) in apart]
    for story, data in sizes.items():
        size = json.loads(data)["size"]
        if size != profiled[story]:
            found.append(f"{story} sums {size} profiles but holds {profiled[story]}")
    shown = Counter(story for _, story, _ in members)
    for article, story, home in members:
        if story not in stories or stories[story][1] is not None:
            found.append(f"{article} is shown in {story}, which is not listed")
        if home is not None and (home not in stories or stories[home][1] != story):
            found.append(f"{article} is held by {home}, which is not attached to {story}")
    for story, (count, attached) in stories.items():
        if attached is None and count != shown[story]:
            found.append(f"{story} is listed with {count} articles but shows {shown[story]}")
        if attached is not None and (attached not in stories or stories[attached][1]):
            found.append(f"{story} is attached to {attached}, which is not listed")
    return found


# Articles join at 0.5 only stories as close as their own members (identical pairs here
# take no one), lone ones attach at 0.3, and stories merge at 0.3.
TIGHT = ClusterParams(threshold=0.5, join_cohesion=1.0, merge_threshold=0.3, merge_cohesion=0.0)


def _bridge_storm_and_a_lone_article(store: Store) -> str:
    """Two stories of two reports (a bridge collapse, a storm) and a lone article shown in
    the bridge story; returns the bridge story's id."""
    _run(
        store,
        [
            _article("p1", "bridge collapse genoa", 1),
            _article("p2", "bridge collapse genoa", 1),
            _article("q1", "storm flood coast", 1),
            _article("q2", "storm flood coast", 1),
            _article("lone", "bridge collapse traffic jam", 2),
        ],
        TIGHT,
    )
    bridge = store.story_of(["p1"])["p1"]
    assert store.story_of(["lone"]) == {"lone": bridge}
    return bridge


def test_a_story_that_loses_an_attached_article_to_a_merge_is_relisted(tmp_path):
    with Store(tmp_path / "s.db") as store:
        bridge = _bridge_storm_and_a_lone_article(store)
        assert store.get_story(bridge).size == 3
        # Its second report comes, also about the storm: the two leave the bridge story
        # and join the storm's.
        _run(store, [_article("o", "traffic jam storm flood coast", 3)], TIGHT)
        assert _problems(store) == []
        assert store.get_story(bridge).size == 2
        placed = store.story_of(["lone", "o", "q1"])
        assert placed["lone"] == placed["o"] == placed["q1"]


def test_a_copy_follows_its_original_out_of_a_story_merged_while_it_was_cold(tmp_path):
    params = ClusterParams(
        threshold=0.5, join_cohesion=0.9, merge_threshold=0.3, merge_cohesion=0.0, cold_days=10
    )
    with Store(tmp_path / "s.db") as store:
        _run(
            store,
            [
                _article("p1", "bridge collapse genoa morandi", 1),
                _article("p2", "bridge collapse genoa morandi", 1),
                _article("lone", "bridge collapse toll traffic", 2),
                _article("p3", "bridge collapse genoa morandi", 10),
            ],
            params,
        )
        # A larger story takes the bridge story in; the lone article is too old to load.
        _run(
            store,
            [_article(f"q{i}", "bridge collapse genoa inquiry", 20) for i in range(4)],
            params,
        )
        # Then a copy of the lone article arrives.
        _run(
            store,
            [_article("copy", "bridge collapse toll traffic", 2, "Daily")],
            params,
            [("copy", "lone")],
        )
        assert _problems(store) == []
        placed = store.story_of(["lone", "copy"])
        assert placed["copy"] == placed["lone"]
        assert store.get_story(placed["copy"]) is not None


def test_a_lone_story_shown_in_another_leads_to_it(tmp_path):
    with Store(tmp_path / "s.db") as store:
        bridge = _bridge_storm_and_a_lone_article(store)
        [home] = store.story_homes(["lone"]).values()
        assert home != bridge and store.get_story(home) is None  # not listed on its own
        assert store.leads_to(home) == bridge  # an earlier result's id still finds it
        assert store.leads_to(bridge) is None  # a listed story leads nowhere else


def test_a_story_whose_reports_all_turn_into_copies_lets_its_lone_article_go(tmp_path):
    with Store(tmp_path / "s.db") as store:
        bridge = _bridge_storm_and_a_lone_article(store)
        # Both bridge reports are replaced by copies of the storm wire.
        _run(
            store,
            [_article("p1", "copy", 3, "D"), _article("p2", "copy", 3, "D")],
            TIGHT,
            [("p1", "q1"), ("p2", "q1")],
        )
        assert _problems(store) == []
        storm = store.story_of(["q1"])["q1"]
        assert store.story_of(["p1", "p2"]) == {"p1": storm, "p2": storm}
        assert store.get_story(bridge) is None
        assert store.leads_to(bridge) == storm  # its id leads on to where its reports went
        shown = store.story_of(["lone"])["lone"]
        assert store.get_story(shown).articles == ["lone"]


def test_a_revised_article_does_not_reopen_the_cold_story_it_once_opened(tmp_path):
    params = ClusterParams(threshold=0.5, join_cohesion=0.0, merge_threshold=0.3, cold_days=3)
    with Store(tmp_path / "s.db") as store:
        _run(store, [_article("a", "bridge collapse genoa", 1)], params)
        _run(store, [_article("b", "bridge collapse genoa toll", 1)], params)
        bridge = store.story_of(["a"])["a"]  # opened by "a"
        # "a" turns into a copy of "b", then, weeks later, into a report of its own.
        _run(store, [_article("a", "copy", 1, "D")], params, [("a", "b")])
        _run(store, [_article("a", "storm flood coast", 20, "D")], params)
        assert _problems(store) == []
        assert store.get_story(bridge).articles == ["b"]
        assert store.story_of(["a"])["a"] != bridge


@pytest.mark.parametrize("seed", range(20))
def test_random_runs_keep_stories_and_members_consistent(tmp_path, seed):
    rnd = random.Random(seed)
    params = ClusterParams(
        threshold=rnd.choice([0.4, 0.5, 0.6]),
        join_cohesion=rnd.choice([0.5, 0.9]),
        merge_threshold=rnd.choice([0.1, 0.2, 0.3]),
        merge_cohesion=rnd.choice([0.0, 0.5, 0.85]),
        cold_days=rnd.choice([3, 10]),
        candidates=rnd.choice([3, 20]),
    )
    vocabulary = [f"w{i}" for i in range(12)]
    originals: list[str] = []
    copies_made: list[str] = []
    with Store(tmp_path / "s.db") as store:
        for run in range(6):
            articles, copies = [], []

            def words() -> str:
                return " ".join(rnd.choices(vocabulary, k=rnd.randint(2, 5)))

            def day() -> int | None:
                return None if rnd.random() < 0.1 else rnd.randint(1, 25)

            for n in range(rnd.randint(1, 6)):
                name = f"r{run}n{n}"
                if originals and rnd.random() < 0.2:
                    copies.append((name, rnd.choice(originals)))
                    articles.append(_article(name, "copy", day(), rnd.choice("ABC")))
                    copies_made.append(name)
                else:
                    articles.append(_article(name, words(), day(), rnd.choice("ABC")))
                    originals.append(name)
            # Earlier articles come again, revised: new words, or now a copy, or no
            # longer one.
            for _ in range(rnd.randint(0, 3)):
                name = rnd.choice(originals + copies_made)
                if any(a.id == name for a in articles):
                    continue
                others = [o for o in originals if o != name]
                if name in originals and others and rnd.random() < 0.3:
                    originals.remove(name)
                    copies_made.append(name)
                    copies.append((name, rnd.choice(others)))
                    articles.append(_article(name, f"copy{run}", day(), "D"))
                else:
                    if name in copies_made:
                        copies_made.remove(name)
                        originals.append(name)
                    articles.append(_article(name, words(), day(), "D"))
            _run(store, articles, params, copies)
            assert _problems(store) == [], f"after run {run}"


def _bodied(article_id: str, words: str, text: str, day: int, source: str = "Wire") -> Article:
    """An article profiled by `words` whose body, the text copies are found in, is made
    of `text`'s own tokens (60 triples: well above the shingle size)."""
    body = " ".join(f"{text}a{i} {text}b{i} {text}c{i}" for i in range(60))
    return Article(
        id=article_id, text=f"{words} | {body}", source=source, published=f"2024-01-{day:02d}"
    )


def test_a_story_that_turns_lone_lets_the_cold_lone_stories_shown_in_it_go(tmp_path):
    params = ClusterParams(
        threshold=0.5, join_cohesion=1.0, merge_threshold=0.3, merge_cohesion=0.9, cold_days=3
    )
    with Store(tmp_path / "s.db") as store:
        first = [
            _article("p1", "bridge collapse genoa", 1),
            _article("p2", "bridge collapse genoa", 1),
            _article("lone", "bridge collapse traffic jam", 2),
        ]
        _run(store, first, params)
        bridge = store.story_of(["p1"])["p1"]
        assert store.story_of(["lone"]) == {"lone": bridge}
        later = [
            _article("p2", "bridge collapse genoa", 20, "D"),
            _article("s1", "bridge genoa morandi inquiry", 20),
            _article("s2", "bridge genoa morandi inquiry", 20),
        ]
        _run(store, later, params)
        # p2 turns to another event: the bridge story, down to one report, is shown in
        # the inquiry's, while the lone story shown in it (cold, not loaded) stands alone.
        _run(store, [_article("p2", "storm flood coast", 21, "E")], params)
        assert _problems(store) == []
        assert [s.articles for s in store.stories_of(["lone"])] == [["lone"]]


# Seed 176 once placed a revised article in a new story under the id of a cold one.
@pytest.mark.parametrize("seed", [*range(30), 176])
def test_random_revisions_through_the_copy_check_keep_the_store_consistent(tmp_path, seed):
    """Articles come and come again revised (new words, another article's text, a text
    of their own), copies are found by `run_dedupe`, and runs take their articles or
    everything: after each run the store is consistent, and a second run does nothing."""
    rnd = random.Random(seed)
    params = ClusterParams(
        threshold=rnd.choice([0.4, 0.5]),
        join_cohesion=rnd.choice([0.5, 0.9]),
        merge_threshold=rnd.choice([0.2, 0.3]),
        merge_cohesion=0.0,
        cold_days=rnd.choice([3, 10, 100]),
        candidates=rnd.choice([3, 20]),
    )
    vocabulary = [f"w{i}" for i in range(10)]
    texts: list[str] = []
    ids: list[str] = []
    with Store(tmp_path / "s.db") as store:
        for run in range(8):
            batch = []

            def fresh(name: str, source: str = "Wire") -> Article:
                words = " ".join(rnd.choices(vocabulary, k=rnd.randint(2, 4)))
                texts.append(f"t{len(texts)}")
                return _bodied(name, words, texts[-1], rnd.randint(1, 25), source)

            for n in range(rnd.randint(1, 5)):
                name = f"r{run}n{n}"
                ids.append(name)
                if texts and rnd.random() < 0.25:  # a copy of an earlier text
                    batch.append(_bodied(name, "copy", rnd.choice(texts), rnd.randint(1, 25)))
                else:
                    batch.append(fresh(name))
            for _ in range(rnd.randint(0, 5)):  # revisions
                name = rnd.choice(ids)
                if rnd.random() < 0.4:
                    day = rnd.randint(1, 25)
                    batch.append(_bodied(name, "copy", rnd.choice(texts), day, "D"))
                else:
                    batch.append(fresh(name, "D"))
            store.add_articles(batch)
            given = None if rnd.random() < 0.3 else list(dict.fromkeys(a.id for a in batch))
            followers = engine.run_dedupe(store, given).followers
            # As `analyze` does: the articles the copy check moved go through the stories too.
            taken = None if given is None else given + followers
            engine.run_stories(store, taken, params=params)
            assert _problems(store) == [], f"after run {run}"
            again = engine.run_dedupe(store, given), engine.run_stories(store, given, params=params)
            assert again[0].checked == 0, f"run {run} checked again"
            assert (again[1].articles, again[1].copies) == (0, 0), f"run {run} placed again"


def test_a_copy_that_becomes_the_original_carries_on_the_story_its_original_left(tmp_path):
    with Store(tmp_path / "s.db") as store:
        first = [
            _bodied("a", "bridge collapse genoa", "ta", 1),
            _bodied("c", "copy", "ta", 2, "Daily"),
            _bodied("x1", "storm flood coast", "tx", 1),
            _bodied("x2", "storm flood coast", "tx2", 1),
        ]
        store.add_articles(first)
        engine.run_dedupe(store, None)
        engine.run_stories(store, None, params=TIGHT)
        bridge = store.story_of(["a"])["a"]
        assert store.story_of(["c"]) == {"c": bridge}
        # The page of "a" now carries the storm wire: "c", which repeated its earlier text,
        # is the bridge report now, and the story keeps its id (and its links).
        store.add_articles([_bodied("a", "copy", "tx", 3, "D")])
        followers = engine.run_dedupe(store, ["a"]).followers
        assert followers == ["c"]
        engine.run_stories(store, ["a", *followers], params=TIGHT)
        assert _problems(store) == []
        assert store.get_story(bridge).articles == ["c"]
        assert store.story_of(["a", "x1"])["a"] == store.story_of(["x1"])["x1"] != bridge
