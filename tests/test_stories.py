"""Near-duplicates and story clustering: the seeds, unrelated news, wire copies, later runs."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from storyline import engine
from storyline.cli import app
from storyline.dedupe import DuplicateFinder, changes_a_figure, signature
from storyline.ingest import read_inputs
from storyline.language import ANNOTATOR_VERSION, load_encoder
from storyline.model import Article
from storyline.pipeline import Pipeline, analyze
from storyline.store import Store
from storyline.stories import ArticleProfile, ClusterParams, StoryClusterer, profile

runner = CliRunner()

STORM = (
    "Typhoon Haikui made landfall in Taiwan's Taitung county on Sunday, bringing torrential "
    "rain and winds of 150 km/h. The central weather bureau said more than 4,000 people were "
    "evacuated from mountain villages. Flights to the Penghu islands were cancelled and schools "
    "in Taitung and Hualien closed. Premier Chen Chien-jen said the military was ready to help "
    "with rescues and that the typhoon would cross the island towards the Taiwan Strait."
)
STORM_OTHER_OUTLET = (
    "Thousands fled mountain villages in Taitung as Typhoon Haikui slammed into eastern Taiwan "
    "with torrential rain and gusts of 150 km/h on Sunday. Taiwan's central weather bureau "
    "reported over 4,000 evacuations, while schools in Hualien and Taitung shut and flights to "
    "Penghu were grounded. Premier Chen Chien-jen put the military on standby for rescues as "
    "the typhoon headed across the island to the Taiwan Strait."
)
RATES = (
    "The European Central Bank raised its deposit rate by a quarter point to 4 percent on "
    "Thursday, its tenth increase in a row, as inflation in the euro zone stayed above 5 "
    "percent. ECB president Christine Lagarde told reporters in Frankfurt that borrowing costs "
    "had reached levels that would make a substantial contribution to bringing inflation back "
    "to target. Bond yields fell and the euro weakened against the dollar after the decision."
)
FOOTBALL = (
    "Manchester United beat Burnley 1-0 at Turf Moor on Saturday, with Bruno Fernandes scoring "
    "a volley before half-time. Erik ten Hag said his side had shown character after three "
    "defeats in a row. Burnley manager Vincent Kompany said his players deserved a point and "
    "complained about a penalty decision late in the game, which the referee waved away."
)


def _article(article_id: str, text: str, source: str, published: str, **extra) -> Article:
    return Article(id=article_id, text=text, source=source, published=published, **extra)


def _analyze(store: Store, articles: list[Article]) -> tuple[engine.StorySummary, list[str]]:
    """The pipeline's stages after reading, as `storyline analyze` runs them."""
    store.add_articles(articles)
    ids = [a.id for a in articles]
    ids += engine.run_dedupe(store, ids).followers
    encoder = load_encoder("auto")
    engine.run_language(store, engine.without_copies(store, ids), workers=1, encoder=encoder)
    return engine.run_stories(store, ids, encoder=encoder.name), ids


def _jsonl(folder: Path, name: str, *articles: Article) -> str:
    """`articles` written as article JSONL to `folder`/`name`; returns the path."""
    path = folder / name
    rows = [{**a.summary_dict(), "text": a.text} for a in articles]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return str(path)


def _seeds() -> list[Article]:
    example = resources.files("storyline") / "example" / "seeds.jsonl"
    with resources.as_file(example) as path:
        return [item for item in read_inputs([str(path)]) if isinstance(item, Article)]


def test_the_two_seeds_form_one_story(store):
    seeds = _seeds()
    summary, ids = _analyze(store, seeds)
    assert summary.new_stories == 1
    stories = store.stories_of(ids)
    assert len(stories) == 1
    story = stories[0]
    assert sorted(story.articles) == sorted(ids)
    assert set(story.sources) == {a.source for a in seeds}
    assert (story.start, story.end) == ("2019-10-22", "2019-10-23")
    assert story.title in {a.title for a in seeds}


def _three_events() -> list[Article]:
    """Four articles: one storm from two outlets, a rate decision and a football match."""
    return [
        _article("storm-1", STORM, "Taipei Times", "2023-09-03"),
        _article("rates-1", RATES, "Frankfurt Daily", "2023-09-03"),
        _article("storm-2", STORM_OTHER_OUTLET, "Island Wire", "2023-09-04"),
        _article("football-1", FOOTBALL, "Northern Post", "2023-09-04"),
    ]


def test_unrelated_articles_stay_apart_and_one_event_from_two_outlets_joins(store):
    _, ids = _analyze(store, _three_events())
    placed = store.story_of(ids)
    assert placed["storm-1"] == placed["storm-2"]
    assert len({placed["storm-1"], placed["rates-1"], placed["football-1"]}) == 3
    assert store.count_stories() == 3


def test_a_wire_copy_is_linked_to_its_original_and_not_annotated_again(store, tmp_path):
    copy_text = (
        "(Reuters) - " + RATES.replace("told reporters in Frankfurt", "told a news conference")
    ) + "\n\nReporting by Balazs Koranyi; editing by Toby Chopra."
    articles = [
        _article("wire-1", RATES, "Reuters", "2023-09-14"),
        _article("copy-1", copy_text, "Daily Ledger", "2023-09-14"),
        _article("other-1", FOOTBALL, "Northern Post", "2023-09-14"),
    ]
    summary, ids = _analyze(store, articles)
    assert store.duplicate_links(ids) == {"copy-1": "wire-1"}
    assert summary.copies == 1
    copy_hash = store.get_article("copy-1").content_hash
    assert store.annotated([copy_hash], ANNOTATOR_VERSION) == set()
    [story] = [s for s in store.stories_of(["wire-1"])]
    assert set(story.articles) == {"wire-1", "copy-1"}
    assert set(story.sources) == {"Reuters", "Daily Ledger"}  # a copy keeps its own source
    document = engine.write_result(store, ids, tmp_path / "result.json")
    links = {a["id"]: a["duplicate_of"] for a in document["articles"]}
    assert links == {"wire-1": None, "copy-1": "wire-1", "other-1": None}


def test_a_second_run_extends_the_story_of_the_first(store):
    first, second = _seeds()
    summary, _ = _analyze(store, [first])
    assert summary.new_stories == 1
    [story_id] = store.story_of([first.id]).values()
    again, _ = _analyze(store, [second])
    assert (again.new_stories, again.extended_stories) == (0, 1)
    assert store.story_of([second.id]) == {second.id: story_id}
    story = store.get_story(story_id)
    assert story.size == 2 and story.end == "2019-10-23"
    rerun, _ = _analyze(store, [first, second])  # nothing new: nothing moves
    assert rerun.articles == 0 and store.count_stories() == 1


AFTERMATH = (
    "Power was still out for 60,000 homes in Taitung a day after Typhoon Haikui passed, "
    "Taipower said on Monday. Landslides blocked the Southern Cross-Island Highway and repair "
    "crews were clearing roads to mountain villages. Farmers counted losses on banana and "
    "pomelo orchards, which the agriculture council put at NT$200 million."
)
AFTERMATH_OTHER_OUTLET = (
    "Taipower crews worked on Monday to restore electricity to about 60,000 households in "
    "Taitung left in the dark by Typhoon Haikui. The agriculture council estimated farm losses, "
    "mostly banana and pomelo orchards, at NT$200 million, and landslides kept the Southern "
    "Cross-Island Highway closed."
)


def test_a_lone_follow_up_shown_in_a_story_leaves_it_when_a_second_report_arrives(store):
    follow_up = _article("after-1", AFTERMATH, "Focus Taiwan", "2023-09-05")
    copy = _article("after-copy", "(CNA) " + AFTERMATH, "Taiwan News", "2023-09-05")
    storms = [
        _article("storm-1", STORM, "Taipei Times", "2023-09-03"),
        _article("storm-2", STORM_OTHER_OUTLET, "Island Wire", "2023-09-04"),
    ]
    _analyze(store, [*storms, follow_up, copy])
    assert store.duplicate_links(["after-copy"]) == {"after-copy": "after-1"}
    [storm] = set(store.story_of(["storm-1", "storm-2"]).values())
    # Related, yet too far from the storm to join it: shown there while it stands alone.
    assert store.story_of(["after-1", "after-copy"]) == {"after-1": storm, "after-copy": storm}
    assert store.count_stories() == 1 and store.get_story(storm).size == 4

    summary, _ = _analyze(store, [_article("after-2", AFTERMATH_OTHER_OUTLET, "CNA", "2023-09-05")])
    placed = store.story_of(["after-1", "after-copy", "after-2"])
    [aftermath] = set(placed.values())
    assert aftermath != storm and summary.new_stories == 1
    assert store.count_stories() == 2
    assert sorted(store.get_story(storm).articles) == ["storm-1", "storm-2"]
    assert store.get_story(aftermath).size == 3


def test_a_copy_in_a_later_run_updates_its_story_listing(store):
    _analyze(store, [_article("wire-1", RATES, "Reuters", "2023-09-14")])
    copy = _article("copy-1", "(Reuters) - " + RATES, "Daily Ledger", "2023-09-15")
    _analyze(store, [copy])
    [listed] = store.list_stories()
    assert listed["articles"] == 2 and set(listed["sources"]) == {"Reuters", "Daily Ledger"}
    assert listed["end"] == "2023-09-15"


def test_a_revised_article_updates_its_story_listing(store):
    _analyze(
        store,
        [
            _article("storm-1", STORM, "Taipei Times", "2023-09-03"),
            _article("storm-2", STORM_OTHER_OUTLET, "Focus Taiwan", "2023-09-03"),
        ],
    )
    # The second outlet's piece comes again, corrected and re-dated, under a new source name.
    revised = STORM_OTHER_OUTLET.replace("Thousands fled", "More than 4,000 people fled")
    _analyze(store, [_article("storm-2", revised, "CNA", "2023-09-04")])
    [listed] = store.list_stories()
    assert listed["articles"] == 2
    assert set(listed["sources"]) == {"Taipei Times", "CNA"}
    assert (listed["start"], listed["end"]) == ("2023-09-03", "2023-09-04")
    # Ingested alone, then analysed with no inputs (every current article), the same holds.
    store.add_articles([_article("storm-2", STORM_OTHER_OUTLET, "Focus Taiwan", "2023-09-05")])
    engine.run_stories(store, None, encoder=load_encoder("auto").name)
    [listed] = store.list_stories()
    assert set(listed["sources"]) == {"Taipei Times", "Focus Taiwan"}
    assert listed["end"] == "2023-09-05"


def test_a_revision_on_another_topic_leaves_its_story_and_a_correction_does_not(store):
    _analyze(
        store,
        [
            *_three_events(),
            _article(
                "rates-2", RATES.replace("Thursday", "Thursday afternoon"), "Bourse", "2023-09-04"
            ),
        ],
    )
    storm = store.story_of(["storm-1"])["storm-1"]
    rates = store.story_of(["rates-1"])["rates-1"]
    assert store.story_of(["storm-2"])["storm-2"] == storm
    # A correction stays where it was.
    corrected = STORM_OTHER_OUTLET.replace("Thousands fled", "More than 4,000 people fled")
    summary, _ = _analyze(store, [_article("storm-2", corrected, "Island Wire", "2023-09-04")])
    assert summary.revised == 1
    assert store.story_of(["storm-2"]) == {"storm-2": storm}
    # The same page is reused for the rate decision: it leaves the storm, joins the rates.
    reused = (
        "Christine Lagarde said the European Central Bank's tenth rate rise in a row, which "
        "took the deposit rate to 4 percent, may be the last. Inflation in the euro zone is "
        "still above 5 percent, and the ECB's staff now expect it to fall to 2.1 percent by "
        "2025. Investors in Frankfurt took the decision as a sign that borrowing costs have "
        "peaked: the euro fell against the dollar and bond yields dropped."
    )
    summary, _ = _analyze(store, [_article("storm-2", reused, "Island Wire", "2023-09-05")])
    assert summary.revised == 1
    assert store.story_of(["storm-2"]) == {"storm-2": rates}
    assert sorted(store.get_story(storm).articles) == ["storm-1"]
    assert sorted(store.get_story(rates).articles) == ["rates-1", "rates-2", "storm-2"]
    # Nothing changed since: a further run moves nothing.
    again, _ = _analyze(store, [_article("storm-2", reused, "Island Wire", "2023-09-05")])
    assert again.articles == again.revised == 0


def test_a_revised_copy_is_checked_again_and_a_new_copy_leaves_its_story(any_store):
    store = any_store  # on each backend: the revision checks are SQL
    copy_text = "(Reuters) - " + RATES + "\n\nReporting by Balazs Koranyi."
    _analyze(
        store,
        [
            _article("wire-1", RATES, "Reuters", "2023-09-14"),
            _article("copy-1", copy_text, "Daily Ledger", "2023-09-14"),
            _article("match-1", FOOTBALL, "Northern Post", "2023-09-14"),
            _article("match-copy", "(PA) " + FOOTBALL, "Evening Star", "2023-09-14"),
        ],
    )
    assert store.duplicate_links(["copy-1", "match-copy"]) == {
        "copy-1": "wire-1",
        "match-copy": "match-1",
    }
    # The ledger rewrites its page as its own report of the storm: no longer a copy, and
    # placed with the storm. The football page is replaced by a copy of the storm wire:
    # it joins the storm as a copy, while its own copy, which repeats the match report,
    # is checked again and now stands for the match.
    _analyze(store, [_article("storm-1", STORM, "Taipei Times", "2023-09-14")])
    revised = [
        _article("copy-1", STORM_OTHER_OUTLET, "Daily Ledger", "2023-09-15"),
        _article("match-1", "(CNA) " + STORM, "Northern Post", "2023-09-15"),
    ]
    _analyze(store, revised)
    assert store.duplicate_links(["copy-1", "match-1", "match-copy"]) == {"match-1": "storm-1"}
    placed = store.story_of(["wire-1", "copy-1", "storm-1", "match-1", "match-copy"])
    storm = placed["storm-1"]
    assert placed["copy-1"] == placed["match-1"] == storm
    assert sorted(store.get_story(placed["wire-1"]).articles) == ["wire-1"]
    assert sorted(store.get_story(placed["match-copy"]).articles) == ["match-copy"]
    assert store.count_stories() == 3
    # Nothing changed since: nothing is checked or placed again.
    again, _ = _analyze(store, revised)
    assert again.articles == again.copies == again.revised == 0


def test_a_revised_first_report_is_never_made_a_copy_of_a_later_one(store):
    _analyze(store, [_article("first", STORM, "Taipei Times", "2023-09-03", title="Haikui")])
    # Two months on, another site republishes the text: out of the copy window, an original.
    _analyze(store, [_article("later", STORM, "Archive", "2023-11-03")])
    assert store.duplicate_links(["later"]) == {}
    _analyze(store, [_article("first", STORM, "Taipei Times", "2023-09-03", title="Typhoon")])
    assert store.duplicate_links(["first", "later"]) == {}


def test_an_earlier_dated_page_read_later_stays_the_original_when_its_headline_is_fixed(store):
    _analyze(store, [_article("wire", STORM, "Wire", "2023-09-05", title="Haikui")])
    # A page dated a day earlier arrives later with the same text: the wire repeats it.
    _analyze(store, [_article("early", STORM, "Daily", "2023-09-04", title="Haikui")])
    assert store.duplicate_links(["wire", "early"]) == {"wire": "early"}
    _analyze(store, [_article("early", STORM, "Daily", "2023-09-04", title="Typhoon Haikui")])
    assert store.duplicate_links(["wire", "early"]) == {"wire": "early"}


def test_copies_of_a_revised_article_are_checked_even_after_a_run_cut_short(store, monkeypatch):
    copy_text = "(Reuters) - " + RATES + "\n\nReporting by Balazs Koranyi."
    _analyze(
        store,
        [
            _article("wire-1", RATES, "Reuters", "2023-09-14"),
            _article("copy-1", copy_text, "Daily Ledger", "2023-09-15"),
        ],
    )
    store.add_articles([_article("wire-1", FOOTBALL, "Reuters", "2023-09-14")])
    written = store.put_dedupe

    def once(originals, copies):  # the run stops after storing its first window
        monkeypatch.setattr(store, "put_dedupe", _stop)
        written(originals, copies)

    monkeypatch.setattr(store, "put_dedupe", once)
    with pytest.raises(KeyboardInterrupt):
        engine.run_dedupe(store, ["wire-1"], window=1)
    monkeypatch.setattr(store, "put_dedupe", written)
    # The wire page now reads as a match report; the ledger's copy of the rate decision
    # is no copy of it, which the next run finds although it reads neither article.
    summary = engine.run_dedupe(store, [])
    assert summary.followers == ["copy-1"]
    assert store.duplicate_links(["copy-1"]) == {}


def test_a_copy_left_an_original_by_a_revision_is_annotated_and_compared(store, tmp_path):
    copy = _article("copy-1", "(Reuters) - " + RATES, "Daily Ledger", "2023-09-14")
    first = _jsonl(tmp_path, "a.jsonl", _article("wire-1", RATES, "Reuters", "2023-09-14"), copy)
    analyze(store, [first], Pipeline(workers=1))
    assert store.duplicate_links(["copy-1"]) == {"copy-1": "wire-1"}
    # The wire page is reused for a match report; only it is read again.
    analyze(
        store, [_jsonl(tmp_path, "b.jsonl", _article("wire-1", FOOTBALL, "Reuters", "2023-09-15"))]
    )
    assert store.duplicate_links(["copy-1"]) == {}
    digest = store.get_article("copy-1").content_hash
    assert store.annotated([digest], ANNOTATOR_VERSION) == {digest}
    [story] = store.stories_of(["copy-1"])
    assert story.articles == ["copy-1"]
    assert store.get_comparisons([story.id])  # compared as the original it now is


def test_a_story_an_article_leaves_is_compared_and_summarized_without_it(store, tmp_path):
    first = _jsonl(
        tmp_path,
        "a.jsonl",
        _article("storm-1", STORM, "Taipei Times", "2023-09-03"),
        _article("storm-2", STORM_OTHER_OUTLET, "Focus Taiwan", "2023-09-03"),
    )
    analyze(store, [first], Pipeline(workers=1))
    [storm] = store.stories_of(["storm-1"])
    assert storm.articles == ["storm-1", "storm-2"]
    # The second page is reused for a match report, and only it is read again: the
    # typhoon's story, which no article of this run is in, lost it.
    analyze(
        store,
        [_jsonl(tmp_path, "b.jsonl", _article("storm-2", FOOTBALL, "Focus Taiwan", "2023-09-04"))],
    )
    assert store.stories_of(["storm-1"])[0].articles == ["storm-1"]
    comparison = store.get_comparisons([storm.id])[storm.id]
    cited = {m.article for fact in comparison.facts for m in fact.mentions}
    assert cited == {"storm-1"}
    summary = store.get_summaries([storm.id])[storm.id]
    assert {m.article for s in summary.sentences for m in s.citations} == {"storm-1"}


def test_a_copy_published_first_but_read_later_becomes_the_original(store, tmp_path):
    """Crawls arrive in any order: the first published is the original, whenever it is
    read, and an undated re-post is never the original of a dated report."""

    repost = "(Reuters) - " + STORM + "\n\nReporting by Ben Blanchard."
    first = _jsonl(
        tmp_path,
        "a.jsonl",
        _article("ledger", repost, "Daily Ledger", "2023-09-04"),
        Article(id="blog", text=repost.replace("Sunday", "Sunday night"), source="Blog"),
        _article("post", repost.replace("Taiwan's", "Taiwan’s"), "Evening Post", "2023-09-05"),
    )
    analyze(store, [first], Pipeline(workers=1))
    # Read first, the undated blog post is no original of the dated ledger.
    assert store.duplicate_links(["ledger", "blog", "post"]) == {"blog": "ledger", "post": "ledger"}
    [story] = store.stories_of(["ledger"])
    # The wire's own story, published a day before them all, is read a week later.
    analyze(store, [_jsonl(tmp_path, "b.jsonl", _article("wire", STORM, "Reuters", "2023-09-03"))])
    links = store.duplicate_links(["wire", "ledger", "blog", "post"])
    assert links == {"ledger": "wire", "blog": "wire", "post": "wire"}
    [now] = store.stories_of(["wire"])
    assert now.id == story.id  # the story goes on under its id, the wire its report now
    assert sorted(now.articles) == ["blog", "ledger", "post", "wire"]
    assert now.duplicates == links
    assert engine.run_dedupe(store, None).checked == 0  # and a second run does nothing


def test_an_earlier_original_displaces_a_later_one_in_the_index():
    finder = DuplicateFinder()
    assert finder.check("late", signature(STORM), "2023-09-05") is None
    match = finder.check("early", signature(STORM + " More soon."), "2023-09-03")
    assert match is not None and match.displaced
    assert (match.article_id, match.original_id) == ("late", "early")
    assert finder.check("again", signature(STORM), "2023-09-06").original_id == "early"
    assert finder.check("undated", signature(RATES)) is None
    match = finder.check("dated", signature(RATES), "2023-09-14")
    assert (match.article_id, match.original_id, match.displaced) == ("undated", "dated", True)
    assert len(finder) == 2


def _stop(*_: object) -> None:
    raise KeyboardInterrupt


def test_clearing_stories_and_clustering_again_gives_the_same_stories(store):
    _, ids = _analyze(store, _three_events())
    first = store.story_of(ids)
    store.clear_stories()
    assert store.count_stories() == 0 and store.term_frequencies() == (0, {})
    assert store.story_of(ids) == {}
    engine.run_stories(store, ids, encoder=load_encoder("auto").name)
    assert store.story_of(ids) == first


def test_near_duplicates_need_most_of_the_text():
    finder = DuplicateFinder()
    assert finder.check("a", signature(STORM)) is None
    edited = STORM.replace("Sunday", "Sunday afternoon").replace("closed", "shut")
    match = finder.check("b", signature(edited))
    assert match is not None and match.original_id == "a" and match.similarity >= 0.7
    assert finder.check("c", signature(STORM_OTHER_OUTLET)) is None  # a rewrite, not a copy
    assert finder.check("a", signature(STORM)) is None  # re-checking an original is no copy
    assert len(finder) == 2


def test_a_near_copy_that_changes_a_figure_is_no_copy():
    assert changes_a_figure(STORM, STORM) is False
    # What wire copies differ in is no changed figure: a date only one dateline gives, a
    # clock time, a number written out, a line wrapped elsewhere, a sign-off.
    for edited, original in [
        ("TAIPEI, Sept. 4 (AP) - " + STORM, "TAIPEI (AP) - " + STORM),
        (STORM + " This story was updated at 10:32 a.m. on Sunday.", STORM),
        (STORM + " This story was updated at 10.45am on Sunday.", STORM),
        (
            STORM.replace("winds of 150 km/h", "winds of 150\nkm/h"),
            STORM,
        ),
        (
            STORM.replace("more than 4,000", "more than four thousand"),
            STORM.replace("more than 4,000", "more than 4 thousand"),
        ),
    ]:
        assert changes_a_figure(edited, original) is False, edited[:60]
        assert changes_a_figure(original, edited) is False, edited[:60]
    for old, new in [("more than 4,000 people", "more than 14,000 people"), ("150", "sixty")]:
        changed = STORM.replace(old, new)
        assert changes_a_figure(changed, STORM) and changes_a_figure(STORM, changed), new
    changed = STORM.replace("more than 4,000 people", "more than 14,000 people")
    finder = DuplicateFinder()
    finder.check("a", signature(STORM))
    confirm = lambda original: not changes_a_figure(changed, STORM)  # noqa: E731
    assert finder.check("b", signature(changed), confirm=confirm) is None
    assert len(finder) == 2  # indexed as an original of its own
    assert finder.check("c", signature(STORM + " (AP)")).original_id == "a"


def _profile(article_id: str, terms: dict[str, int], day: int | None = 1000) -> ArticleProfile:
    return ArticleProfile(article_id, day, None, _counter(terms), _counter({}))


def _counter(values: dict[str, int]):
    from collections import Counter

    return Counter(values)


def test_candidates_come_from_the_index_and_are_bounded():
    params = ClusterParams(candidates=5, posting_limit=8)
    clusterer = StoryClusterer(params)
    # 50 different stories that all share the word "minister"
    for i in range(50):
        clusterer.add(_profile(f"a{i}", {"minister": 1, f"topic{i}": 5, f"place{i}": 3}))
    assert len(clusterer.stories) == 50
    found = list(clusterer._candidates(["minister"], 1000))
    assert len(found) <= 5
    assert max(len(p) for p in clusterer._postings.values()) <= 2 * params.posting_limit


def test_cold_stories_are_not_candidates():
    clusterer = StoryClusterer(ClusterParams(cold_days=30))
    words = {"earthquake": 3, "sulawesi": 2, "palu": 2}
    first = clusterer.add(_profile("a", words, day=1000))
    assert clusterer.add(_profile("b", words, day=1010)) == first
    third = clusterer.add(_profile("c", words, day=1100))
    assert third != first  # months later: a new story
    # An undated article is compared with every story, cold or not: it joins one.
    assert clusterer.add(_profile("d", words, day=None)) in {first, third}
    assert len(clusterer.stories) == 2


def test_merge_joins_stories_that_turn_out_to_be_one():
    clusterer = StoryClusterer(
        ClusterParams(threshold=0.9, merge_threshold=0.5, merge_cohesion=0.5)
    )
    collapse = {"bridge": 3, "collapse": 3, "genoa": 2, "morandi": 1}
    viaduct = {"bridge": 3, "collapse": 2, "genoa": 2, "viaduct": 2}
    a = [clusterer.add(_profile(f"a{i}", collapse)) for i in range(2)]
    b = [clusterer.add(_profile(f"b{i}", viaduct)) for i in range(2)]
    assert a[0] == a[1] and b[0] == b[1] and a[0] != b[0]  # too strict to join on arrival
    merged = clusterer.merge()
    assert merged in ({b[0]: a[0]}, {a[0]: b[0]})
    assert clusterer.resolve(a[0]) == clusterer.resolve(b[0])


def test_a_lone_article_is_shown_in_a_story_until_its_own_story_arrives():
    clusterer = StoryClusterer(ClusterParams(threshold=0.8, merge_threshold=0.2))
    bridge = {"bridge": 3, "collapse": 3, "genoa": 2, "viaduct": 2}
    story = clusterer.add(_profile("a", bridge))
    assert clusterer.add(_profile("b", bridge)) == story
    traffic = {"genoa": 2, "collapse": 1, "motorway": 3, "toll": 3}
    lone = clusterer.add(_profile("c", traffic))  # related, yet not close enough to join
    assert lone != story
    assert clusterer.merge() == {}  # attached, not merged: its profile stays its own
    assert clusterer.label(lone) == story and clusterer.relabelled == {lone: story}
    assert clusterer.stories[story].size == 2
    assert clusterer.add(_profile("d", {**traffic, "queues": 1})) == lone
    clusterer.merge()
    assert clusterer.label(lone) == lone and clusterer.relabelled == {lone: lone}
    # A lone article related to nothing stays on its own.
    other = clusterer.add(_profile("e", {"football": 3, "burnley": 2}))
    clusterer.merge()
    assert clusterer.label(other) == other and other not in clusterer.relabelled


def test_many_lone_articles_do_not_crowd_their_story_out_of_the_candidates():
    clusterer = StoryClusterer(ClusterParams(threshold=0.8, merge_threshold=0.2, candidates=3))
    bridge = {"bridge": 3, "collapse": 3, "genoa": 2, "viaduct": 2}
    story = clusterer.add(_profile("a", bridge))
    clusterer.add(_profile("b", bridge))
    lone = [
        clusterer.add(_profile(f"c{i}", {"genoa": 3, "collapse": 3, "toll": 1, f"side{i}": 1}))
        for i in range(6)
    ]
    clusterer.merge()
    assert {clusterer.label(s) for s in lone} == {story}
    clusterer.add(_profile("d", bridge))  # the story grows: its lone articles are reweighed
    clusterer.merge()
    assert {clusterer.label(s) for s in lone} == {story}


def test_splitting_a_stream_into_two_runs_gives_the_same_stories(tmp_path):
    articles = [
        _article("storm-1", STORM, "Taipei Times", "2023-09-03"),
        _article("rates-1", RATES, "Frankfurt Daily", "2023-09-03"),
        _article("storm-2", STORM_OTHER_OUTLET, "Island Wire", "2023-09-04"),
        _article("football-1", FOOTBALL, "Northern Post", "2023-09-05"),
    ]

    def partition(runs: list[list[Article]], db: Path) -> set[frozenset[str]]:
        with Store(db) as store:
            for run in runs:
                _analyze(store, run)
            placed = store.story_of([a.id for a in articles])
        groups: dict[str, set[str]] = {}
        for article_id, story_id in placed.items():
            groups.setdefault(story_id, set()).add(article_id)
        return {frozenset(g) for g in groups.values()}

    once = partition([articles], tmp_path / "once.db")
    twice = partition([articles[:2], articles[2:]], tmp_path / "twice.db")
    assert once == twice


def test_profiles_average_sentence_vectors_and_count_the_headline_twice():
    vectors = np.array([[1.0, 0.0], [0.0, 1.0]], dtype=np.float32)
    made = profile("x", "Floods hit Valencia.", title="Valencia floods", vectors=vectors)
    assert made.vector == pytest.approx(np.array([0.70710677, 0.70710677]))
    assert made.terms["valencia"] == 3 and made.terms["floods"] == 3


def test_cli_lists_and_shows_stories(tmp_path):
    db, out = str(tmp_path / "s.db"), tmp_path / "result.json"
    example = resources.files("storyline") / "example" / "seeds.jsonl"
    with resources.as_file(example) as path:
        result = runner.invoke(app, ["analyze", str(path), "--db", db, "--out", str(out)])
    assert result.exit_code == 0, result.output
    document = json.loads(out.read_text())
    [story] = document["stories"]
    assert len(story["articles"]) == 2 and story["entities"] and story["quotes"]
    listed = runner.invoke(app, ["stories", "--db", db, "--json"])
    assert json.loads(listed.stdout)["stories"][0]["id"] == story["id"]
    # The total counts what the filter lets through.
    elsewhere = runner.invoke(app, ["stories", "--db", db, "--json", "--source", "nowhere.example"])
    assert json.loads(elsewhere.stdout) == {"total": 0, "stories": []}
    shown = runner.invoke(app, ["show", story["id"], "--db", db, "--json"])
    assert shown.exit_code == 0, shown.output
    detail = json.loads(shown.stdout)
    assert [a["id"] for a in detail["articles"]] == story["articles"]
    # Everything else as the result JSON gives it.
    assert {k: v for k, v in detail.items() if k != "articles"} == {
        k: v for k, v in story.items() if k != "articles"
    }
    bad = runner.invoke(app, ["stories", "--db", db, "--sort", "sideways"])
    assert bad.exit_code == 2
    revision = runner.invoke(app, ["show", story["id"], "--db", db, "--revision", "1"])
    assert revision.exit_code == 2 and "--revision is for articles" in revision.stderr
    # An article may carry a story's id: the article is shown, with a note, and --story
    # reaches the story.
    impostor = tmp_path / "impostor.jsonl"
    impostor.write_text(json.dumps({"id": story["id"], "text": FOOTBALL, "source": "x.example"}))
    assert runner.invoke(app, ["ingest", str(impostor), "--db", db]).exit_code == 0
    shown = runner.invoke(app, ["show", story["id"], "--db", db])
    assert "Manchester United" in shown.stdout and "--story" in shown.stderr
    shown = runner.invoke(app, ["show", story["id"], "--story", "--db", db, "--json"])
    assert [a["id"] for a in json.loads(shown.stdout)["articles"]] == story["articles"]
