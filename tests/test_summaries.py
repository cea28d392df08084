"""Cited summaries: budget, citations, redundancy, order, revisions, dangling references."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from storyline import engine
from storyline.cli import app
from storyline.coherence import read_alone
from storyline.language import ANNOTATOR_VERSION, load_encoder
from storyline.model import (
    Article,
    Comparison,
    Conflict,
    Entity,
    Mention,
    Quote,
    Summary,
    SummarySentence,
)
from storyline.store import Store
from storyline.summarize import SummaryParams, stems
from storyline.timeline import story_timeline

# A factory fire reported over three days by four outlets. The first paragraph of
# each report states the same event in its own words (a consensus fact); the
# toll rises from 12 to 40 (a revision); each outlet adds colour of its own.
FIRE = [
    Article(
        id="fire-wire-1",
        source="Wire One",
        published="2024-01-05",
        title="Fire at textile factory near Dhaka",
        text=(
            "DHAKA (Wire One) _ A fire swept through a textile factory outside Dhaka on Friday, "
            "trapping hundreds of workers on the upper floors, officials said.\n\n"
            "Officials said 12 people were killed in the fire at the textile factory outside "
            "Dhaka.\n\n"
            "Fire chief Rahim Uddin said the blaze started in a storage room on the ground "
            'floor. "The stairs were blocked by boxes of fabric," he said.\n\n'
            "The factory made clothes for several European retailers, according to trade "
            "records seen by Wire One."
        ),
    ),
    Article(
        id="fire-herald-1",
        source="The Daily Herald",
        published="2024-01-05",
        title="Dozens feared trapped as Dhaka garment factory burns",
        text=(
            "Hundreds of workers were trapped on the upper floors when a fire tore through a "
            "garment factory on the outskirts of Dhaka on Friday, local officials said.\n\n"
            "Witnesses described workers jumping from windows as smoke poured from the "
            "seven-storey building.\n\n"
            "This is the worst disaster of its kind in years.\n\n"
            "Labour groups have long warned that many factories in the area lack fire exits."
        ),
    ),
    Article(
        id="fire-wire-2",
        source="Wire Two",
        published="2024-01-07",
        title="Death toll in Dhaka factory fire rises to 40",
        text=(
            "Officials said 40 people were killed in the fire at the textile factory outside "
            "Dhaka.\n\n"
            "Rescue workers recovered more bodies from the charred upper floors on Sunday, "
            "the fire service said.\n\n"
            "The government has ordered an inquiry into safety at the factory, and the owner "
            "has been detained by police.\n\n"
            "Families gathered outside the city morgue to identify the victims."
        ),
    ),
    Article(
        id="fire-times-1",
        source="The Evening Times",
        published="2024-01-07",
        title="Owner detained after deadly factory blaze",
        text=(
            "Police detained the owner of the textile factory outside Dhaka where a fire "
            "killed dozens of workers, and the government ordered an inquiry into its safety.\n\n"
            "Trade unions called a day of mourning for the victims on Monday.\n\n"
            "Investigators are examining whether the factory's fire exits were locked at the "
            "time of the blaze."
        ),
    ),
]
# The Herald's report carried by another outlet with its own footer: a wire copy.
COPY = Article(
    id="fire-gazette-1",
    source="The Gazette",
    published="2024-01-06",
    title="Dozens feared trapped as Dhaka garment factory burns",
    text=FIRE[1].text + "\n\nReporting by staff; editing by the news desk.",
)


def _prepare(store: Store, articles: list[Article]) -> str:
    store.add_articles(articles)
    ids = [a.id for a in articles]
    engine.run_dedupe(store, ids)
    encoder = load_encoder("auto")
    engine.run_language(store, ids, workers=1, encoder=encoder)
    return encoder.name


def _summarize(store: Store, articles: list[Article], words: int = 100) -> Summary:
    encoder = _prepare(store, articles)
    groups = {"fire": [a.id for a in articles]}
    [(_, summary)] = engine.summarize_groups(
        store, groups, encoder=encoder, params=SummaryParams(words=words)
    )
    return summary


def _sentence_texts(store: Store, article_id: str) -> list[str]:
    [article] = store.iter_articles([article_id])
    annotation = store.get_annotations([article.content_hash], ANNOTATOR_VERSION)[
        article.content_hash
    ]
    return [s.text for s in annotation.sentences]


@pytest.mark.parametrize("words", [25, 60, 100, 250])
def test_summary_fits_the_budget_and_cites_sentences_that_say_it(store, words):
    summary = _summarize(store, [*FIRE, COPY], words)
    assert summary.sentences
    assert len(summary.text.split()) <= words
    encoder = load_encoder("auto")
    for sentence in summary.sentences:
        assert sentence.text[-1] in ".!?\"'”’"  # whole sentences, never cut
        own, *others = sentence.citations
        cited = _sentence_texts(store, own.article)[own.sentence]
        # The summary says what its sentence says: a repair drops a dateline or an
        # opener, or names a speaker, and adds nothing else.
        said, source = set(stems(sentence.text)), set(stems(cited))
        assert len(said & source) >= 0.7 * len(source), (sentence.text, cited)
        assert len(said - source) <= 3, (sentence.text, cited)
        for other in others:
            elsewhere = _sentence_texts(store, other.article)[other.sentence]
            vectors = encoder.encode([cited, elsewhere])
            assert float(vectors[0] @ vectors[1]) >= 0.6, (cited, elsewhere)
        # The copy adds no text: its original is cited instead.
        assert all(c.article != COPY.id for c in sentence.citations)


def test_no_near_duplicate_sentences_and_a_shared_fact_cites_every_source(store):
    summary = _summarize(store, FIRE, 250)
    words = [set(re.findall(r"\w+", s.text.lower())) for s in summary.sentences]
    for i, a in enumerate(words):
        for b in words[i + 1 :]:
            assert len(a & b) / len(a | b) < 0.5, summary.text
    trapped = [s for s in summary.sentences if "trapp" in s.text]
    assert len(trapped) == 1, summary.text  # one event, said once...
    assert {c.article for c in trapped[0].citations} >= {"fire-wire-1", "fire-herald-1"}


def test_latest_state_wins_and_says_so(store):
    summary = _summarize(store, FIRE, 100)
    assert "40 people were killed" in summary.text
    assert "12 people were killed" not in summary.text  # the earlier toll is revised
    [revising] = [s for s in summary.sentences if "40 people" in s.text]
    assert [m.article for m in revising.revises] == ["fire-wire-1"]
    assert "revises" in revising.note and "5 Jan 2024" in revising.note


def test_sentences_read_in_chronological_then_source_order(store):
    summary = _summarize(store, FIRE, 250)
    order = {a.id: n for n, a in enumerate(FIRE)}
    first_told = [
        min((c.published, order[c.article], c.sentence) for c in s.citations)
        for s in summary.sentences
    ]
    assert first_told == sorted(first_told)
    assert len({day for day, _, _ in first_told}) == 2  # both days are told
    # The event every report opens with comes first, where it was first reported.
    assert "trapp" in summary.sentences[0].text


def test_a_tight_budget_keeps_the_key_development_over_colour(store):
    summary = _summarize(store, FIRE, 30)
    [sentence] = summary.sentences
    assert "40 people were killed" in sentence.text and sentence.revises, sentence


def test_a_tight_budget_keeps_what_several_sources_report(store):
    summary = _summarize(store, [FIRE[0], FIRE[1], FIRE[3]], 30)
    [sentence] = summary.sentences
    assert len({c.source for c in sentence.citations}) >= 2, sentence


def test_dateline_and_dangling_openers_are_repaired():
    assert read_alone("LONDON (AP) _ The talks resumed on Monday.").text == (
        "The talks resumed on Monday."
    )
    fixed = read_alone("But the army said the troops would stay for at most four weeks.")
    assert fixed.text == "The army said the troops would stay for at most four weeks."
    assert fixed.repaired and not fixed.needs_previous
    assert read_alone("However, officials said the bridge would reopen.").text.startswith(
        "Officials said"
    )
    assert read_alone("- One thousand troops are leaving northeast Syria.").text == (
        "One thousand troops are leaving northeast Syria."
    )


def test_a_pronoun_speaker_is_named_from_the_quote():
    quote = Quote(
        text="We will not stay", speaker="Mark Esper", speaker_text="he", sentence=4, kind="direct"
    )
    reading = read_alone('"We will not stay," he said on Tuesday.', quotes=[quote])
    assert reading.text == '"We will not stay," Mark Esper said on Tuesday.'
    assert not reading.needs_previous
    twice = read_alone('"He knows we will not stay," he said.', quotes=[quote])
    assert twice.text == '"He knows we will not stay," Mark Esper said.'


@pytest.mark.parametrize(
    "text",
    [
        "He said the troops would leave within a week.",
        "This was denied by the ministry on Wednesday.",
        "The statement contradicts the plan discussed in Washington.",
        "Iraq has now said these forces can only pass through in transit.",
        "They were taken to hospital in the capital.",
        "Instead, the ministry asked for more time.",
        "The army said these forces would leave by Friday.",
        "It's a decision the ministry will regret.",
        # The last sentences of a quotation that began in a sentence before.
        "We would like to thank everyone for respecting the family's privacy at this time.”",
        "The troops will go home by Christmas.''",
        'Nobody expected the ruling to come so soon."',
    ],
)
def test_sentences_that_lean_on_the_one_before_need_it(text):
    assert read_alone(text).needs_previous


@pytest.mark.parametrize(
    "text",
    [
        "It was not immediately clear how many people were inside.",
        "It's unclear how many people were inside.",
        "This week the parliament will vote on the budget.",
        "Defence Secretary Mark Esper said he would meet his Iraqi counterpart.",
        "Mark Esper called the talks “productive” and ``useful'' on Tuesday.",
        'Mark Esper called the talks "productive" on Tuesday.',
    ],
)
def test_sentences_that_stand_alone_are_left_as_they_are(text):
    esper = [Entity("Mark Esper", "PERSON", "Mark Esper", 0, 0, 10)] if "Esper" in text else []
    reading = read_alone(text, entities=esper)
    assert not reading.needs_previous and reading.text == text


def test_a_sentence_that_needs_its_predecessor_comes_only_right_after_it(store):
    summary = _summarize(store, FIRE, 250)
    texts = [s.text for s in summary.sentences]
    at = texts.index("This is the worst disaster of its kind in years.")
    assert texts[at - 1].startswith("Witnesses described workers jumping")


def test_a_sentence_whose_predecessor_cannot_be_used_is_left_out(store):
    herald = FIRE[1].with_changes(
        id="fire-herald-2",
        text=FIRE[1].text.replace(
            "Witnesses described workers jumping from windows as smoke poured from the "
            "seven-storey building.",
            "Who will answer for the dead?",
        ),
    )
    summary = _summarize(store, [FIRE[0], herald, *FIRE[2:]], 250)
    assert "worst disaster" not in summary.text
    assert "Who will answer" not in summary.text  # a question is not a statement


def test_seeds_summary_mentions_the_four_week_limit(analyzed_seeds):
    db, story = analyzed_seeds
    text = " ".join(s["text"] for s in story["summary"])
    assert "four weeks" in text
    assert "no permission granted" not in text.lower()  # the refusal was revised
    used = sum(len(s["text"].split()) + len((s["note"] or "").split()) for s in story["summary"])
    assert used <= 100
    for sentence in story["summary"]:
        assert {"article", "sentence"} <= set(sentence["citations"][0])
    [revising] = [s for s in story["summary"] if s["revises"]]
    assert "four weeks" in revising["text"] and "22 Oct 2019" in revising["note"]
    shown = CliRunner().invoke(app, ["show", story["id"], "--db", str(db)])
    assert shown.exit_code == 0 and "Summary" in shown.output and "[1]" in shown.output
    # Unchanged members and settings: nothing to redo; a new budget is a new summary.
    with Store(db) as store:
        encoder = load_encoder("auto").name
        again = engine.run_summaries(store, None, encoder=encoder)
        assert again.stories == 0 and again.unchanged == 1
        longer = engine.run_summaries(store, None, encoder=encoder, params=SummaryParams(words=50))
        assert longer.stories == 1
        [stored] = store.get_summaries([story["id"]]).values()
        assert stored.words == 50 and len(stored.text.split()) <= 50


def test_summarize_command_writes_one_cited_summary_per_group(tmp_path: Path):
    lines = [
        {**{k: getattr(a, k) for k in ("id", "source", "title", "published", "text")}, "story": s}
        for a, s in zip(FIRE, ["fire", "fire", "fire", "fire"], strict=True)
    ]
    lines.append(
        {
            "id": "flood-1",
            "source": "The Daily Herald",
            "title": "Floods cut off northern villages",
            "published": "2019-10-22",
            "text": (
                "Rescue teams reached the flooded villages of the northern valley on Tuesday, "
                "two days after the river burst its banks, the regional governor said. "
                "More than 3,000 people have been moved to temporary shelters in schools and "
                "sports halls, according to the regional emergency service."
            ),
            "story": "flood",
        }
    )
    lines.append({"id": "loose-1", "text": "An article that belongs to no group at all here."})
    source = tmp_path / "articles.jsonl"
    source.write_text("".join(json.dumps(line) + "\n" for line in lines))
    out = tmp_path / "made" / "for it" / "summaries.jsonl"  # folders made as analyze makes them
    result = CliRunner().invoke(
        app, ["summarize", str(source), "--group-by", "story", "--words", "60", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert "1 article has no 'story'" in result.output
    written = [json.loads(line) for line in out.read_text().splitlines()]
    assert [w["group"] for w in written] == ["fire", "flood"]
    texts = {a["id"]: a["text"] for a in lines}
    for summary in written:
        assert len(summary["summary"].split()) <= 60
        assert summary["sentences"]
        for sentence in summary["sentences"]:
            assert {"text", "article", "sentence"} <= set(sentence)
            assert sentence["article"] in texts
    flood = written[1]["sentences"]
    assert [s["article"] for s in flood] == ["flood-1"] * len(flood)

    wrong = CliRunner().invoke(
        app, ["summarize", str(source), "--group-by", "cluster", "-q", "-o", str(out)]
    )
    assert wrong.exit_code == 2 and "no article has a 'cluster' field" in wrong.output
    assert [json.loads(line)["group"] for line in out.read_text().splitlines()] == [
        "fire",
        "flood",
    ]  # a run that fails leaves the output it would have replaced
    # An output that cannot be written fails before any article is read.
    (tmp_path / "a-file").write_text("")
    blocked = CliRunner().invoke(
        app, ["summarize", str(source), "--group-by", "story", "-o", str(tmp_path / "a-file" / "x")]
    )
    assert blocked.exit_code == 3 and "cannot write" in blocked.output
    assert "near-duplicates" not in blocked.output  # no stage ran


def test_summary_without_vectors_still_cites_and_fits(store):
    store.add_articles(FIRE)
    ids = [a.id for a in FIRE]
    engine.run_dedupe(store, ids)
    engine.run_language(store, ids, workers=1, encoder=None)
    [(_, summary)] = engine.summarize_groups(store, {"fire": ids}, encoder=None)
    assert summary.sentences and len(summary.text.split()) <= 100
    assert np.all([len(s.citations) == 1 for s in summary.sentences])


# -- the timeline ---------------------------------------------------------------------------


def test_timeline_copies_add_no_entries():
    # A wire story re-posted twice: once a day before its original (a wrong date on the
    # copy must not open the timeline), once on a day nothing else was reported.
    original = FIRE[1].with_changes(published="2024-01-06")
    early = COPY.with_changes(id="copy-early", published="2024-01-05")
    late = COPY.with_changes(id="copy-late", published="2024-01-09")
    members = [early, original, late]
    copies = {early.id: original.id, late.id: original.id}
    said = Mention(early.id, 0, "Hundreds of workers were trapped.", "The Gazette", "2024-01-05")
    own = Mention(original.id, 0, "Hundreds of workers were trapped.", "Herald", "2024-01-06")
    summary = Summary("fire", 100, [SummarySentence(own.text, [said, own])])
    revised = Mention(late.id, 1, "Forty people died.", "The Gazette", "2024-01-09")
    comparison = Comparison(
        "fire", conflicts=[Conflict("quantity", own, revised, "", "f1", revision=True)]
    )

    timeline = story_timeline(members, summary, comparison, copies)

    assert [(e.time, e.article) for e in timeline] == [("2024-01-06", original.id)]


def test_timeline_entry_is_the_cited_articles_own_sentence():
    # The summary words the fact as the later report does (15 homes); its first report
    # said 12. The entry sits on the first report, so it must show what that one said.
    first = Mention(
        "flood-1", 1, "The sheriff said at least 12 homes were destroyed.", "A", "2021-03-03"
    )
    later = Mention("flood-2", 1, "The sheriff said 15 homes were destroyed.", "B", "2021-03-06")
    summary = Summary("flood", 100, [SummarySentence(later.text, [later, first])])
    members = [
        Article(id="flood-1", text="x", source="A", published="2021-03-03"),
        Article(id="flood-2", text="y", source="B", published="2021-03-06"),
    ]

    [entry, _] = story_timeline(members, summary)

    assert (entry.time, entry.article, entry.text) == ("2021-03-03", "flood-1", first.text)


def test_the_timeline_runs_in_time_order_across_zones():
    # Tokyo's report is dated the 6th but came two hours before New York's of the 5th.
    members = [
        Article(
            id="ny", text="Rescuers reached the village.", published="2024-01-05T20:00:00-05:00"
        ),
        Article(
            id="tokyo", text="A landslide hit the village.", published="2024-01-06T08:00:00+09:00"
        ),
    ]
    assert [e.article for e in story_timeline(members)] == ["tokyo", "ny"]


def test_groups_that_number_their_articles_alike_keep_every_article(tmp_path):
    # As many data sets do: each cluster numbers its own documents from 0.
    fire = [
        "A wildfire forced the evacuation of 2,000 residents from hillside towns north of "
        "the city on Tuesday, the fire service said.",
        "Firefighters said strong winds pushed the wildfire towards the hillside towns "
        "overnight, and more crews were sent from neighbouring regions.",
    ]
    flood = [
        "The river burst its banks on Monday and flooded the old town, where more than 300 "
        "homes were left without power, the regional governor said.",
        "Emergency services moved more than 3,000 people to temporary shelters in schools "
        "and sports halls as the river kept rising, officials said.",
    ]
    lines = [
        {"id": str(n), "text": text, "story": story}
        for story, texts in (("fire", fire), ("flood", flood))
        for n, text in enumerate(texts)
    ]
    source = tmp_path / "clusters.jsonl"
    source.write_text("".join(json.dumps(line) + "\n" for line in lines))
    out = tmp_path / "summaries.jsonl"
    result = CliRunner().invoke(
        app, ["summarize", str(source), "--group-by", "story", "--out", str(out), "-q"]
    )
    assert result.exit_code == 0, result.output
    written = {w["group"]: w for w in map(json.loads, out.read_text().splitlines())}
    assert list(written) == ["fire", "flood"]
    for story, texts in (("fire", fire), ("flood", flood)):
        cited = {s["article"]: s["text"] for s in written[story]["sentences"]}
        assert set(cited) == {"0", "1"}, story  # the input's ids, both articles used
        assert all(cited[i] == texts[int(i)] for i in cited), story
