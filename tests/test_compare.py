"""Comparing sources: facts, consensus, conflicts, revisions, and the relation classifier."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from storyline import engine
from storyline.cli import app
from storyline.compare import compare_story
from storyline.contradictions import Statement, polarity_clash
from storyline.language import load_encoder
from storyline.model import Article, Comparison, Story
from storyline.neighbours import candidate_pairs
from storyline.relations import RelationModel, classify, pair_features, swap_pairs
from storyline.store import Store

# Background sentences every test article shares in spirit but words differently, so
# that the statements under test sit among ordinary reporting.
BACKGROUND_A = [
    "Traffic was diverted around the city centre for most of the afternoon.",
    "Local shops closed early as a precaution, according to the chamber of commerce.",
]
BACKGROUND_B = [
    "Several bus lines were suspended while the streets were closed.",
    "A spokesperson for the transport authority apologised for the disruption.",
]


def _article(
    article_id: str, source: str, published: str, lead: str, background: list[str]
) -> Article:
    return Article(
        id=article_id,
        source=source,
        published=published,
        title=f"Report from {source}",
        text=" ".join([lead, *background]),
    )


def _compare(store: Store, articles: list[Article]) -> Comparison:
    """Run the pipeline up to the comparison over `articles`, taken as one story."""
    store.add_articles(articles)
    ids = [a.id for a in articles]
    engine.run_dedupe(store, ids)
    encoder = load_encoder("auto")
    engine.run_language(store, engine.without_copies(store, ids), workers=1, encoder=encoder)
    story = Story(
        id="story-test",
        title="test",
        articles=ids,
        sources=[],
        start=None,
        end=None,
        duplicates=store.duplicate_links(ids),
    )
    return compare_story(
        story.id, engine.compared_articles(store, story, encoder.name), RelationModel.load()
    )


def _fact_with(comparison: Comparison, *snippets: str):
    for fact in comparison.facts:
        texts = " || ".join(m.text for m in fact.mentions)
        if all(s in texts for s in snippets):
            return fact
    return None


def test_different_figures_for_one_count_are_a_conflict(store):
    comparison = _compare(
        store,
        [
            _article(
                "lyon-1",
                "Le Progres",
                "2024-03-09",
                "Police said 1,000 people attended the protest against the pension reform "
                "in central Lyon on Saturday.",
                BACKGROUND_A,
            ),
            _article(
                "lyon-2",
                "Lyon Daily",
                "2024-03-09",
                "Police said 3,000 people attended the protest against the pension reform "
                "in central Lyon on Saturday.",
                BACKGROUND_B,
            ),
        ],
    )
    [conflict] = [c for c in comparison.conflicts if c.kind == "quantity"]
    assert not conflict.revision  # the same day: the reports disagree
    assert "1,000" in conflict.explanation and "3,000" in conflict.explanation
    assert {conflict.a.article, conflict.b.article} == {"lyon-1", "lyon-2"}
    assert _fact_with(comparison, "1,000 people", "3,000 people").status == "conflict"


def test_figures_within_their_qualifiers_agree(store):
    comparison = _compare(
        store,
        [
            _article(
                "base-1",
                "Wire One",
                "2024-05-02",
                "Around 5,000 US troops are stationed at the base near the northern border.",
                BACKGROUND_A,
            ),
            _article(
                "base-2",
                "Wire Two",
                "2024-05-02",
                "More than 5,000 American soldiers are stationed at the base near the northern "
                "border.",
                BACKGROUND_B,
            ),
        ],
    )
    assert not [c for c in comparison.conflicts if c.kind == "quantity"]
    fact = _fact_with(comparison, "5,000 US troops", "5,000 American soldiers")
    assert fact.status == "consensus" and fact.sources == ["Wire One", "Wire Two"]


def test_opposite_polarity_is_a_conflict(store):
    comparison = _compare(
        store,
        [
            _article(
                "stadium-1",
                "City Herald",
                "2024-06-03",
                "The city council did not approve the plan for a new football stadium on the "
                "river bank at its meeting on Monday.",
                BACKGROUND_A,
            ),
            _article(
                "stadium-2",
                "Evening Post",
                "2024-06-03",
                "The city council approved the plan for a new football stadium on the river bank "
                "at its meeting on Monday.",
                BACKGROUND_B,
            ),
        ],
    )
    [conflict] = [c for c in comparison.conflicts if c.kind == "polarity"]
    assert not conflict.revision
    assert "City Herald" in conflict.explanation and "Evening Post" in conflict.explanation
    assert _fact_with(comparison, "did not approve", "council approved").status == "conflict"


@pytest.mark.parametrize(
    ("first", "second", "conflict"),
    [
        # A figure inside a reported range agrees with it; one outside does not.
        ("Between three and five million", "Four million", None),
        (
            "Between three and five million",
            "About eight million",
            "between 3,000,000 and 5,000,000",
        ),
        # A scale written onto the figure is read.
        ("Some £2bn in aid for the 12 million", "Some £2 billion in aid for the 12 million", None),
        (
            "Some £2bn in aid for the 12 million",
            "Some £2 million in aid for the 12 million",
            "2,000,000",
        ),
    ],
)
def test_ranges_and_written_on_scales_in_comparison(store, first, second, conflict):
    lead = "people who have fled the fighting in the northern province, the United Nations said."
    comparison = _compare(
        store,
        [
            _article("un-1", "Wire One", "2024-05-02", f"{first} {lead}", BACKGROUND_A),
            _article("un-2", "Wire Two", "2024-05-02", f"{second} {lead}", BACKGROUND_B),
        ],
    )
    found = [c for c in comparison.conflicts if c.kind == "quantity"]
    if conflict is None:
        assert not found
        assert _fact_with(comparison, first, second).status == "consensus"
    else:
        [clash] = found
        assert conflict in clash.explanation


@pytest.mark.parametrize(
    ("text", "negative"),
    [
        ("The council did not approve the stadium plan.", True),
        ("There is no permission granted for these forces to stay.", True),
        ("The ministry denied that the dam had been damaged.", True),
        ("The storm not only flooded the valley but also destroyed the bridge.", False),
        ("The authority did not deny that the dam had been damaged.", False),
        ("Officials never refused the request, and it was approved.", False),
        ("Not only was the request refused, the visit was cancelled.", True),
        ("A professor doubted that Pinochet was entitled to diplomatic immunity.", True),
        ("There is no doubt that Pinochet was entitled to diplomatic immunity.", False),
        ("There is little doubt that the dam on the river collapsed.", False),
        ("The ministry did not comment, and rejected the request for more troops.", True),
        # A condition asserts nothing; the main clause after it does.
        ("Ministers agreed to consider new tariffs if the company didn't repay its loans.", False),
        ("If the talks fail, the union will not call off the strike.", True),
        # A refusal asked for or attempted is not one that happened; one voted is.
        ("Opposition members led efforts to block the stadium budget.", False),
        ("The council voted to block the stadium budget.", True),
    ],
)
def test_statement_polarity_reads_negation_in_context(text, negative):
    assert Statement.of("a", 0, text).negative is negative


def test_cancelled_negations_are_no_polarity_conflict():
    def clash(a: str, b: str):
        return polarity_clash(Statement.of("a", 0, a), Statement.of("b", 0, b), min_shared=2)

    assert (
        clash(
            "The storm not only flooded the valley but also destroyed the old bridge.",
            "The storm flooded the valley and destroyed the old bridge.",
        )
        is None
    )
    assert (
        clash(
            "The water authority did not deny that the dam had been damaged.",
            "The water authority confirmed that the dam had been damaged.",
        )
        is None
    )
    assert (
        clash(
            "The ministry did not comment, and rejected the request for more troops.",
            "The ministry rejected the request for more troops.",
        )
        is None
    )
    assert (
        clash(
            "The water authority denied that the dam had been damaged.",
            "The water authority confirmed that the dam had been damaged.",
        ).kind
        == "polarity"
    )
    # A cancelled refusal affirms, and the explanation quotes it, not a missing grant word.
    finding = clash(
        "The border police denied the convoy entry into the country on Monday.",
        "The border police did not deny the convoy entry into the country on Monday.",
    )
    assert (
        "refusal (“denied”)" in finding.says_a and finding.says_b == "says it is so (“not … deny”)"
    )


@pytest.mark.parametrize(
    ("negative", "positive"),
    [
        # The negation is about another thing than the two statements share.
        (
            "The province was occupied in 1961 and annexed a year later in a move never "
            "accepted by its neighbours.",
            "The neighbouring state annexed the province in 1962, a year after occupying it.",
        ),
        (
            "The governor said the bodies of three climbers had been found, but gave no "
            "further details.",
            "The governor said the bodies of three climbers had been found on the glacier.",
        ),
        # Withholding an answer denies nothing.
        (
            "Police would not say whether the suspect's gun was loaded.",
            "The suspect's gun was loaded when officers arrived, police said.",
        ),
        # Nor does it reach into a subordinate clause.
        (
            "The verdict came as no surprise since most witnesses had withdrawn their "
            "statements before the trial.",
            "The verdict was expected since most witnesses had withdrawn their statements "
            "before the trial.",
        ),
    ],
)
def test_a_negation_of_something_else_is_no_polarity_conflict(negative, positive):
    a, b = Statement.of("a", 0, negative), Statement.of("b", 0, positive)
    assert a.negative and not b.negative
    assert polarity_clash(a, b, min_shared=1) is None


def test_a_negated_word_said_by_the_other_in_another_form_is_a_conflict():
    def clash(a: str, b: str):
        return polarity_clash(Statement.of("a", 0, a), Statement.of("b", 0, b), min_shared=2)

    assert clash(
        "Nobody was hurt when the old warehouse on the harbour collapsed.",
        "Two workers were hurt when the old warehouse on the harbour collapsed.",
    )
    assert clash(
        "The ferry will no longer stop at the island harbour in winter.",
        "The ferry stops at the island harbour in winter.",
    )


@pytest.mark.parametrize(
    ("negative", "positive", "min_shared"),
    [
        # Negations that stand for the subject.
        (
            "No one was injured in the blast at the chemical plant.",
            "Three workers were injured in the blast at the chemical plant.",
            2,
        ),
        (
            "None of the passengers were hurt when the bus overturned on the highway.",
            "Two passengers were hurt when the bus overturned on the highway.",
            2,
        ),
        (
            "Nobody who was inside the bank was hurt during the robbery.",
            "A teller who was inside the bank was hurt during the robbery.",
            2,
        ),
        # An adverb before the verb; an irregular past; a noun against its verb.
        (
            "The company didn't immediately respond to requests for comment on the layoffs.",
            "The company responded to requests for comment on the layoffs.",
            2,
        ),
        (
            "The ferry did not sink near the island coast.",
            "The ferry sank near the island coast.",
            2,
        ),
        # A verb in "-ly" is no adverb.
        (
            "The ministry did not reply to the letter from the union.",
            "The ministry replied to the letter from the union.",
            2,
        ),
        (
            "There were no injuries among the crew of the tanker.",
            "Two of the crew of the tanker were injured.",
            2,
        ),
        # A passive verb of telling is no withheld answer.
        (
            "The minister was not told of the plan to close the border.",
            "The minister was told of the plan to close the border.",
            2,
        ),
        # A grant after a light verb: "not given ... permission".
        (
            "The military says it has not given the relocated troops permission to stay.",
            "The relocated troops will be allowed to stay for at most four weeks.",
            1,
        ),
        # A refusal of nothing named refuses what the other grants.
        (
            "The asylum request of the family was rejected.",
            "The asylum request of the family was approved.",
            1,
        ),
    ],
)
def test_polarity_conflicts_read_in_context_are_found(negative, positive, min_shared):
    a, b = Statement.of("a", 0, negative), Statement.of("b", 0, positive)
    assert a.negative and not b.negative
    assert polarity_clash(a, b, min_shared=min_shared) is not None


@pytest.mark.parametrize(
    "refusal",
    [
        "Opposition parties failed to block the merger of the two banks.",
        "The senator could block the merger of the two banks.",
        "Members were urged by the union's leaders repeatedly to reject the merger of the banks.",
    ],
)
def test_a_refusal_that_did_not_happen_is_no_conflict(refusal):
    approval = Statement.of("b", 0, "Regulators approved the merger of the two banks.")
    assert polarity_clash(Statement.of("a", 0, refusal), approval, min_shared=1) is None


@pytest.mark.parametrize(
    ("first", "second"),
    [
        # A question asserts nothing.
        (
            "The carmaker is not a battery company.",
            "Why would the carmaker buy a battery company at all?",
        ),
        # "No" negates its whole noun phrase: a scientific panel is no scientific evidence.
        (
            "There is no scientific evidence that the new drug works.",
            "A scientific panel said the new drug works in most patients.",
        ),
        # A verb after "ever" compares; it does not say the thing was found.
        (
            "Divers have never found the wreck of the second ship.",
            "It is the oldest wreck ever found off this coast.",
        ),
        ("Divers have never found a wreck here.", "Largest ever found wreck off the coast."),
        # Not wanting or meaning to do a thing is no denial that it was done.
        (
            "The striker did not want to leave the club.",
            "The striker wanted a new contract from the club.",
        ),
        ("The striker did not want to leave the club.", "The striker left the club in June."),
        (
            "The gunman did not mean to shoot the child, police said.",
            "The gunman shot the child in the leg.",
        ),
        # "No other workers": the rest were; it denies nothing another report says.
        (
            "No other workers were hurt at the plant.",
            "Two workers were hurt when the roof of the plant fell.",
        ),
        # A negation asked for ("proposed that the bank not sell") is not asserted.
        (
            "The regulator proposed that the bank not sell the bonds to retail savers.",
            "The bank sold the bonds to retail savers.",
        ),
        # A permit needed is not one granted.
        (
            "Residents still need a permit to enter the closed zone.",
            "Most residents do not have permits to enter the closed zone.",
        ),
        # A condition asserts nothing, with or without its comma.
        (
            "If the driver does not pay the fine he will lose his licence.",
            "The driver paid the fine and kept his licence.",
        ),
        # What only may be, or is foreseen, is not said to be.
        (
            "Officials said the old bridge is not safe for lorries.",
            "Engineers said the old bridge could be safe for lorries after repairs.",
        ),
        (
            "The owl is not endangered, the agency said.",
            "The owl is likely to become endangered within a decade, the agency said.",
        ),
        # A contrasting "not" that repeats what it is set against negates the rest too:
        # not studies in patients, not any study.
        (
            "Most of what is known about the drug comes from animal studies, not studies in "
            "patients followed for years.",
            "The researchers said their new study of the drug was the largest to date.",
        ),
        # A contrasted name is denied only with what it is said of.
        (
            "The company moved its headquarters to Denver, not Boston, last year.",
            "The company opened an office in Boston last year.",
        ),
        (
            "Coach Smith, not Jones, will lead the team at the finals, officials said.",
            "Jones praised the team after the finals.",
        ),
        # What was asked for is not said to have happened.
        (
            '"You can\'t use our camera crew for another outlet," the producer told him.',
            "The reporter requested the use of the network's camera crew for another outlet.",
        ),
        # "Doesn't do it" negates the doing, not the "it" that the other says.
        (
            "The lawsuit argues the tracker doesn't do it as accurately as the adverts promise.",
            "The lawsuit argues it fails to measure heart rates as accurately as the adverts "
            "promise.",
        ),
        # Names are not said: "the Endangered Species Act" affirms nothing endangered.
        (
            "Officials say the owl is not endangered.",
            "The owl is protected under the Endangered Species Act.",
        ),
    ],
)
def test_what_is_not_asserted_is_no_polarity_conflict(first, second):
    a, b = Statement.of("a", 0, first), Statement.of("b", 0, second)
    assert polarity_clash(a, b, min_shared=1) is None
    assert polarity_clash(b, a, min_shared=1) is None


@pytest.mark.parametrize(
    ("negative", "positive"),
    [
        ("There is no evidence that the new drug works.", "The evidence shows the drug works."),
        ("The striker did not want to leave the club.", "The striker wanted to leave the club."),
        (
            "The troops are allowed to transit, not to stay.",
            "The troops will be allowed to stay for four weeks.",
        ),
        ("The victim was stabbed, not shot, police said.", "The victim was shot twice."),
        (
            "The money came from private donors, not public funds, the charity said.",
            "The charity was paid from public funds last year.",
        ),
        # A name set against another is negated with what it is said of.
        (
            "The company moved its headquarters to Denver, not Boston, last year.",
            "The company moved its headquarters to Boston last year.",
        ),
        (
            "Coach Smith, not Jones, will lead the team at the finals, officials said.",
            "Jones will lead the team at the finals.",
        ),
        # A contrast negates its run of words, not what follows it.
        (
            "Prosecutors charged him with manslaughter, not murder in the death of his wife.",
            "Prosecutors charged him with murder.",
        ),
        (
            "Two officers were shot at, but not injured by the gunman on Tuesday.",
            "Two officers were injured on Tuesday.",
        ),
        (
            "The regulator insisted that the bank had definitely not sold the bonds to savers.",
            "The bank sold the bonds to savers.",
        ),
        ("Officials insisted that residents need not evacuate.", "Residents must evacuate."),
        # "No" before a stop word, and a participle after the noun it negates.
        (
            "There were no injuries reported in the blast at the plant.",
            "Three workers were injured in the blast at the plant.",
        ),
        # "ever" after "first" affirms; only a superlative before it compares.
        (
            "She was never elected mayor of the city.",
            "She was the first woman ever elected mayor of the city.",
        ),
        # A noun of asking is no verb of it: "the move allowed" allows.
        (
            "Authorities did not allow the refugees to cross the border.",
            "The move allowed thousands of refugees to cross the border.",
        ),
        (
            "The committee did not approve the budget.",
            "The committee needed only 20 minutes to approve the budget.",
        ),
        # A capital after a colon or a dateline opens a sentence; it names nothing.
        (
            "No evacuations have been ordered in the three counties.",
            'The governor said in a statement: "Evacuations have begun in three counties."',
        ),
        (
            "There were no survivors in the rubble of the hotel.",
            "KABUL (Reuters) - Survivors were pulled from the rubble of the hotel.",
        ),
        # A condition without a comma: its main clause is asserted.
        (
            "If convicted the officer will not be allowed to serve in the force again.",
            "The officer will be allowed to serve in the force again, the board said.",
        ),
        # Hedged alike on both sides, a possibility is denied.
        (
            "A condemnation by the commission could not prove damaging to the party.",
            "A condemnation by the commission could prove damaging to the party.",
        ),
        # A modal before a verb of confirming is no hedge; a hedge ends its clause.
        (
            "The spokesman did not confirm the arrest of the suspect.",
            "A spokesman said he could confirm the arrest of the suspect.",
        ),
        (
            "The old dam was not damaged by the earthquake.",
            "The old dam could collapse after it was damaged by the earthquake.",
        ),
        # "Said it would" reports what was said to come: it is asserted.
        (
            "The company will not close the plant in March.",
            "The company said it would close the plant in March.",
        ),
        # The first word of a sentence is said, capital and all.
        ("The storm did not damage homes in the town.", "Damaged homes lined the town."),
        # A request denied in so many words; a verb done to a pronoun.
        (
            "The network did not request the use of a camera crew.",
            "The network requested the use of a camera crew.",
        ),
        (
            "The clinic did not have them in stock, the report said.",
            "The clinic had them in stock last week, the report said.",
        ),
        # A quoted question inside a statement: the statement still asserts.
        (
            'The mayor said the bridge was not damaged and asked reporters, "Why close it?"',
            "The bridge was damaged in the flood.",
        ),
    ],
)
def test_polarity_conflicts_around_those_rules_are_still_found(negative, positive):
    a, b = Statement.of("a", 0, negative), Statement.of("b", 0, positive)
    assert a.negative and not b.negative
    assert polarity_clash(a, b, min_shared=1) is not None


@pytest.fixture(scope="module")
def nlp():
    from storyline.language.nlp import load_nlp

    return load_nlp()


@pytest.mark.parametrize(
    "part",
    [
        "Three other states also had traffic deaths blamed on the storm on Monday.",
        "Another three states had traffic deaths blamed on the storm on Monday.",
    ],
)
def test_a_figure_for_part_of_a_count_does_not_clash_with_the_total(nlp, part):
    from storyline.contradictions import quantity_clash

    def statement(text: str) -> Statement:
        return _annotated(nlp, text)

    total = statement("The storm was blamed for traffic deaths in at least five states on Monday.")
    assert quantity_clash(statement(part), total) is None
    whole = statement("Three states had traffic deaths blamed on the storm on Monday.")
    assert quantity_clash(whole, total) is not None


@pytest.mark.parametrize(
    ("first", "second", "conflict"),
    [
        # Figures of different places: a country's toll against a continent's.
        (
            "The cold wave that hit Poland last week has killed 32 people, police said.",
            "The cold wave has killed at least 62 people throughout Europe, officials said.",
            False,
        ),
        # The same place, or one figure without a place: one toll, two figures.
        (
            "In Poland, the cold wave has killed 32 people, police said on Monday.",
            "In Poland, the cold wave has killed 36 people, police said on Monday.",
            True,
        ),
        (
            "The cold wave has killed 32 people, police said on Monday.",
            "In Poland, the cold wave has killed 36 people, police said on Monday.",
            True,
        ),
        # One place named within the other's name.
        (
            "The fire in New York City killed 12 people, fire officials said.",
            "The fire killed 13 people in New York, fire officials said.",
            True,
        ),
        # Places named differently are not told apart: a city may be in the country.
        (
            "The suicide bombing killed 25 people in Kabul, police said.",
            "The suicide bombing killed 40 people in Afghanistan, police said.",
            True,
        ),
        # Counts of different kinds: what "of" narrows the count to must be the same.
        (
            "The jury found the gunman guilty on three charges of attempted murder.",
            "The jury found the gunman guilty on four of five charges.",
            False,
        ),
        (
            "The jury found the gunman guilty on three charges of attempted murder.",
            "The jury found the gunman guilty on four charges of attempted murder.",
            True,
        ),
        # The same kind written the other way round; a day is no kind.
        (
            "Health officials confirmed 120 cases of measles in the county.",
            "Health officials confirmed 200 measles cases in the county.",
            True,
        ),
        (
            "Rescuers recovered 40 victims of Tuesday's crash from the river.",
            "Rescuers recovered 55 victims of the crash from the river.",
            True,
        ),
        # A sum of several kinds against one of them; the same kind still clashes.
        (
            "The floods destroyed 10.4 billion pesos (dlrs 252.8 million) worth of roads, "
            "crops and other property, officials said.",
            "The floods last month destroyed some 4 billion pesos (dlrs 100 million) worth "
            "of crops.",
            False,
        ),
        (
            "The hailstorm destroyed $40 million worth of crops, officials said.",
            "The hailstorm destroyed $90 million worth of crops, officials said.",
            True,
        ),
        # What comes after the "of" phrase is not a kind; a part larger than its whole clashes.
        (
            "The fire caused $5 million worth of damage, according to police and fire officials.",
            "The fire caused $15 million worth of damage, police said.",
            True,
        ),
        (
            "Thieves stole $2 million worth of jewelry and watches from the store.",
            "Thieves stole $6 million worth of jewelry from the store.",
            True,
        ),
        # Two towns are two places; one town named twice is one.
        (
            "27 people were injured when a footbridge collapsed in the town of Brenlow on "
            "Sunday, police said.",
            "21 people were injured when a footbridge collapsed in the town of Harford on "
            "Sunday, police said.",
            False,
        ),
        (
            "27 people were injured when a footbridge collapsed in the town of Brenlow on "
            "Sunday, police said.",
            "21 people were injured when a footbridge collapsed in the town of Brenlow on "
            "Sunday, police said.",
            True,
        ),
        # The killed and the missing of one sentence are two counts: only like meets like.
        (
            "At least 12 people were killed when the dam collapsed, the governor said, and "
            "30 others were missing.",
            "At least 12 people were killed when the dam collapsed, the governor said, and "
            "45 people were missing.",
            True,
        ),
        (
            "Twelve people were killed when the dam collapsed, the governor said, and 45 "
            "others were injured.",
            "The governor said 45 people were missing after the dam collapsed.",
            False,
        ),
        # "The number of dead" and "the number of injured" count different people.
        (
            "Officials put the number of dead at 12 after the blast.",
            "Officials put the number of injured at 40 after the blast.",
            False,
        ),
        # What may be is no conflict with what is; hedged alike, two figures clash.
        (
            "Wang now faces charges that could land him in prison for five years or more.",
            "Wang, who spent two years in prison after the protests, faces new charges.",
            False,
        ),
        (
            "Wang now faces charges that could land him in prison for five years or more.",
            "Wang faces charges that could land him in prison for two years, his lawyer said.",
            True,
        ),
    ],
)
def test_figures_of_different_places_or_kinds_do_not_clash(nlp, first, second, conflict):
    from storyline.contradictions import quantity_clash

    assert _found_both_ways(quantity_clash, nlp, first, second) == {conflict}


def test_the_words_around_a_figure_are_whole_words(nlp):
    from storyline.relations import words

    text = (
        "Firefighters from nearby townships said eight people, including two children, were "
        "injured this morning after an apparent gas explosion caused a rowhouse undergoing "
        "extensive renovation to collapse."
    )
    statement = _annotated(nlp, text)
    assert len(statement.contexts) == 2
    said = set(words(text))
    for context in statement.contexts:
        assert context and context <= said  # not "fighters" of "Firefighters", cut at the edge


def _found_both_ways(check, nlp, first: str, second: str) -> set[bool]:
    """Whether `check` finds a clash between the two texts, each way round."""
    a, b = _annotated(nlp, first), _annotated(nlp, second)
    return {check(a, b) is not None, check(b, a) is not None}


def _annotated(nlp, text: str, published: str = "2019-10-23") -> Statement:
    """`text` as the comparison sees it: annotated, then made a statement."""
    from storyline.compare import statements
    from storyline.language import annotate_doc

    article = Article("t", text, published=published)
    [made] = statements(article, annotate_doc(nlp(text), article))
    return made


@pytest.mark.parametrize(
    ("first", "second", "revised"),
    [
        # A count that only grows, above an earlier "at least", a day later.
        (
            ("At least 12 people were killed when the dam collapsed, officials said.", 10),
            ("27 people were killed when the dam collapsed, officials said.", 11),
            True,
        ),
        # The same day, "at least 12" allows 27.
        (
            ("At least 12 people were killed when the dam collapsed, officials said.", 10),
            ("27 people were killed when the dam collapsed, officials said.", 10),
            False,
        ),
        # A later report that says its figure changed ("rose to").
        (
            ("At least 12 people were killed when the dam collapsed, officials said.", 10),
            ("The death toll from the dam collapse rose to 27, officials said.", 11),
            True,
        ),
        (
            ("Around 300 people were evacuated from the valley, officials said.", 10),
            ("The number of people evacuated from the valley rose to 320, officials said.", 11),
            True,
        ),
        # The same figure again revises nothing; nor does a more precise one of a count
        # that need not grow.
        (
            ("At least 27 people were killed when the dam collapsed, officials said.", 10),
            ("The death toll from the dam collapse rose to 27, officials said.", 11),
            False,
        ),
        (
            ("More than 5,000 US troops are stationed at the base, officials said.", 10),
            ("Some 5,200 US troops are stationed at the base, officials said.", 11),
            False,
        ),
        # Soldiers are some of the dead: no toll of all of them.
        (
            ("At least 12 soldiers were killed when the dam collapsed, officials said.", 10),
            ("The death toll from the dam collapse rose to 27, officials said.", 11),
            False,
        ),
    ],
)
def test_a_later_report_of_a_changed_figure_revises_it(nlp, first, second, revised):
    from storyline.contradictions import quantity_agreement, quantity_clash

    a = _annotated(nlp, first[0], f"2023-04-{first[1]}")
    b = _annotated(nlp, second[0], f"2023-04-{second[1]}")
    assert {quantity_clash(a, b) is not None, quantity_clash(b, a) is not None} == {revised}
    if revised:
        assert not quantity_agreement(a, b)


def test_a_risen_toll_and_more_missing_a_day_later_are_a_revision(store):
    comparison = _compare(
        store,
        [
            _article(
                "dam-1",
                "Reuters",
                "2023-04-10",
                "At least 12 people were killed when a dam collapsed near Valtura on Monday, "
                "Governor Elena Marsh said, and 30 others were missing.",
                BACKGROUND_A,
            ),
            _article(
                "dam-2",
                "AP",
                "2023-04-11",
                "The death toll from the Valtura dam collapse rose to 27 on Tuesday, Governor "
                "Elena Marsh said, with 45 people still missing.",
                BACKGROUND_B,
            ),
        ],
    )
    [conflict] = [c for c in comparison.conflicts if c.kind == "quantity"]
    assert conflict.revision and conflict.a.article == "dam-1"
    for figure in ("at least 12 people", "30 people", "a death toll of 27", "45 people"):
        assert figure in conflict.explanation
    fact = _fact_with(comparison, "At least 12 people", "rose to 27")
    assert fact.status == "updated" and "rose to 27" in fact.text


@pytest.mark.parametrize(
    ("first", "second"),
    [
        # Two places: no conflict, and no one fact either.
        (
            "27 people were injured when a footbridge collapsed in the town of Brenlow on "
            "Sunday, police said.",
            "21 people were injured when a footbridge collapsed in the town of Harford on "
            "Sunday, police said.",
        ),
        # Two moments.
        (
            "In 1966, observers counted 100,000 meteors an hour during the Leonid shower "
            "over Arizona.",
            "Observers counted 2,000 meteors an hour during the Leonid shower over Arizona.",
        ),
    ],
)
def test_different_figures_of_one_kind_of_thing_are_never_one_fact(nlp, first, second):
    from storyline.contradictions import figures_differ

    a, b = _annotated(nlp, first, "2020-05-04"), _annotated(nlp, second, "2020-05-04")
    assert figures_differ(a, b) and figures_differ(b, a)
    comparison = compare_story("s", _at_angles([a, b], [0.0, 10.0]), None)
    assert not comparison.conflicts
    assert all(len(f.mentions) == 1 for f in comparison.facts)


def test_a_claim_whose_sources_were_never_paired_still_shows_their_clash(nlp):
    # A~B, A~C, B~C, B~D and C~D are candidate pairs; A~D is not (two neighbours each):
    # the four make one claim, in which A and D give different tolls.
    from storyline.compare import CompareParams

    texts = [
        "Officials said 12 workers were killed in the fire at the textile factory in Dhaka.",
        "A fire at the textile factory in Dhaka killed workers, officials said.",
        "Workers were killed when fire swept the textile factory in Dhaka, officials said.",
        "Officials said 40 workers were killed in the fire at the textile factory in Dhaka.",
    ]
    articles = _at_angles([_annotated(nlp, t) for t in texts], [0.0, 5.0, 10.0, 15.0])
    comparison = compare_story("s", articles, None, CompareParams(neighbours=2))
    [conflict] = comparison.conflicts
    assert {conflict.a.text, conflict.b.text} == {texts[0], texts[3]}
    [fact] = [f for f in comparison.facts if len(f.mentions) > 1]
    assert fact.status == "conflict"


def test_a_sentence_shares_each_of_its_figures_with_another(nlp):
    # The middle sentence shares the dead with one report and the missing with another:
    # a fact for each figure, though those two reports share nothing.
    texts = [
        "The dam burst killed 27 people in the valley on Monday, officials said.",
        "Officials said 27 people were killed and 45 people were missing after the dam burst.",
        "Rescuers were searching for 45 people reported missing after the dam burst.",
    ]
    articles = _at_angles([_annotated(nlp, t) for t in texts], [-60.0, 0.0, 60.0])
    facts = [f for f in compare_story("s", articles, None).facts if len(f.mentions) > 1]
    assert sorted(sorted(texts.index(m.text) for m in f.mentions) for f in facts) == [
        [0, 1],
        [1, 2],
    ]


def test_the_figures_of_a_table_do_not_clash():
    from storyline.contradictions import quantity_clash
    from storyline.model import Quantity

    def statement(text: str) -> Statement:
        figures = [
            Quantity(float(m.group(1).replace(",", "")), "USD", None, None, "money", m.group(), 0)
            for m in re.finditer(r"\$([\d,]+)", text)
        ]
        return Statement.of("t", 0, text, quantities=figures)

    line = "Couples spent $520 on average on invitations and favors."
    table = (
        "Band $3,587 $3,469 DJ $1,124 $1,038 Florist $2,141 $2,069 Invitations $439 $443 "
        "Favors $275 $281 Limousine $767 $732"
    )
    assert quantity_clash(statement(line), statement(table)) is None
    # A figure in a sentence of its own does meet it.
    other = "Couples spent $439 on average on invitations and favors."
    assert quantity_clash(statement(line), statement(other)) is not None


def test_one_sentence_carried_by_two_articles_is_no_speaker_conflict():
    from storyline.contradictions import speaker_clash
    from storyline.model import Quote

    said = '"We will rebuild every school before winter," Maria Lopez told reporters.'
    words = "We will rebuild every school before winter,"
    quote = Quote(words, "Maria Lopez", "Maria Lopez", 0, "direct", "told")
    misread = Quote(words, "Tom Hale", "Tom Hale", 0, "direct", "told")  # a wrong speaker
    a = Statement.of("a", 0, said, quotes=[quote])
    assert speaker_clash(a, Statement.of("b", 0, said, quotes=[misread])) is None
    other = '"We will rebuild every school before winter," Tom Hale said on Monday.'
    assert speaker_clash(a, Statement.of("b", 0, other, quotes=[misread])) is not None


def test_a_repeated_negative_sentence_is_no_contradiction():
    from storyline.contradictions import repeats

    said = "The agency did not interfere with the right of any charity to a tax exemption."
    assert repeats(Statement.of("a", 0, said), Statement.of("b", 0, said + " ?"))
    # One word swapped for its opposite is no repeat, however much else is shared.
    assert not repeats(
        Statement.of("a", 0, "Shares of the carmaker rose sharply in Tokyo on Monday."),
        Statement.of("b", 0, "Shares of the carmaker fell sharply in Tokyo on Monday."),
    )
    assert not repeats(
        Statement.of("a", 0, said),
        Statement.of(
            "b", 0, "The agency interfered with the right of any charity to a tax exemption."
        ),
    )


# Other words, and the same words in another order. (The int8 encoder's vectors differ a
# little from one CPU to another: a paraphrase this test relies on must not sit on a
# threshold. "On Tuesday the minister stepped down following …" did, on AVX2 machines.)
@pytest.mark.parametrize(
    ("paraphrase", "snippet"),
    [
        (
            "The transport minister stepped down on Tuesday after weeks of pressure over how "
            "rail contracts were awarded.",
            "minister stepped down",
        ),
        (
            "After weeks of pressure over how rail contracts were awarded, the transport "
            "minister resigned on Tuesday.",
            "After weeks of pressure",
        ),
    ],
)
def test_a_paraphrase_from_another_source_is_consensus(store, paraphrase, snippet):
    comparison = _compare(
        store,
        [
            _article(
                "minister-1",
                "Morning Star",
                "2024-02-13",
                "The transport minister resigned on Tuesday after weeks of pressure over the "
                "awarding of rail contracts.",
                BACKGROUND_A,
            ),
            _article("minister-2", "The Courier", "2024-02-13", paraphrase, BACKGROUND_B),
        ],
    )
    assert comparison.conflicts == []
    fact = _fact_with(comparison, "The transport minister resigned on Tuesday after", snippet)
    assert fact is not None and fact.status == "consensus"
    assert len(fact.sources) == 2


def test_page_furniture_two_sites_carry_is_no_fact(store):
    signup = (
        "Email Sign Up By signing up you agree to receive email newsletters or alerts from "
        "the publisher."
    )
    comparison = _compare(
        store,
        [
            _article(
                "site-1",
                "Morning Star",
                "2024-02-13",
                "The transport minister resigned on Tuesday over the awarding of rail contracts.",
                [*BACKGROUND_A, signup, "You can unsubscribe at any time."],
            ),
            _article(
                "site-2",
                "The Courier",
                "2024-02-13",
                "The transport minister stepped down on Tuesday over how rail contracts were "
                "awarded.",
                [*BACKGROUND_B, signup, "You can unsubscribe at any time."],
            ),
        ],
    )
    texts = {m.text for fact in comparison.facts for m in fact.mentions}
    assert not {t for t in texts if "Sign Up" in t or "unsubscribe" in t}
    assert _fact_with(comparison, "minister resigned", "minister stepped down") is not None


def test_a_wire_copy_is_not_a_second_source(store):
    wire = _article(
        "wire-1",
        "AP",
        "2024-04-10",
        "The transport minister resigned on Tuesday after weeks of pressure over the awarding "
        "of rail contracts.",
        BACKGROUND_A,
    )
    copy = wire.with_changes(id="herald-1", source="Daily Herald", text=wire.text + " (AP)")
    comparison = _compare(store, [wire, copy])
    assert store.duplicate_links(["herald-1"]) == {"herald-1": "wire-1"}
    assert all(f.status == "single" for f in comparison.facts)
    assert {s for f in comparison.facts for s in f.sources} == {"AP"}


def _toll_repost(background: list[str], sign_off: str = "") -> tuple[Article, Article]:
    """A wire's flood toll (151) and a day-later re-post of it that gives 156."""
    first = _article(
        "wire-1",
        "AP",
        "2024-04-10",
        "Floods in the north of the country have killed 151 people, the civil defence office "
        "said on Tuesday.",
        background,
    )
    later = first.with_changes(
        id="herald-1",
        source="Daily Herald",
        published="2024-04-11",
        text=first.text.replace("killed 151 people", "killed 156 people") + sign_off,
    )
    return first, later


def test_a_copy_that_changes_a_figure_is_compared_as_a_revision(store):
    first, later = _toll_repost(
        [
            *BACKGROUND_A,
            # A tension within the one text, which both reports carry: no disagreement.
            "The army said there is no permission for foreign rescue teams to enter the region.",
            "The interior minister said foreign rescue teams are allowed to enter the region.",
        ],
        sign_off=" (AP)",
    )
    comparison = _compare(store, [first, later])
    assert store.duplicate_links(["herald-1"]) == {}  # compared, not set aside
    [revision] = comparison.conflicts
    assert revision.revision and (revision.a.article, revision.b.article) == ("wire-1", "herald-1")
    [toll] = [f for f in comparison.facts if f.status == "updated"]
    assert "156 people" in toll.text  # the latest report's figure
    # What the re-post repeats word for word is still one text: said once, not agreed.
    assert not [f for f in comparison.facts if f.status == "consensus"]
    shared = _fact_with(comparison, "Traffic was diverted")
    assert shared.status == "single" and shared.sources == ["AP", "Daily Herald"]


def test_copies_stored_by_earlier_rules_are_checked_again(store):
    from storyline.dedupe import COPY_RULES, signature

    first, later = _toll_repost(BACKGROUND_A)
    store.add_articles([first, later])
    hashes = {a.id: a.content_hash for a in store.iter_articles(["wire-1", "herald-1"])}
    # What a store made before the figure check holds: the re-post set aside as a copy.
    store.put_dedupe(
        [("wire-1", hashes["wire-1"], "2024-04-10", signature(first.text))],
        [("herald-1", hashes["herald-1"], "wire-1", 0.9)],
    )
    assert store.copy_rules() is None
    summary = engine.run_dedupe(store, [])  # a run with nothing new to read
    assert store.duplicate_links(["herald-1"]) == {} and summary.followers == ["herald-1"]
    assert store.copy_rules() == COPY_RULES
    # Once checked by these rules, a stored copy is not checked again on every run.
    store.put_dedupe([], [("herald-1", hashes["herald-1"], "wire-1", 0.9)])
    assert engine.run_dedupe(store, []).followers == []
    assert store.duplicate_links(["herald-1"]) == {"herald-1": "wire-1"}


def _jsonl(path: Path, articles: list[Article]) -> str:
    """`articles` written as article JSONL at `path`, for `analyze` to read."""
    lines = (json.dumps(a.summary_dict() | {"text": a.text}) + "\n" for a in articles)
    path.write_text("".join(lines))
    return str(path)


def test_a_copy_checked_again_by_a_run_cut_short_is_placed_by_the_next(
    store, tmp_path, monkeypatch
):
    from storyline.pipeline import analyze

    first, later = _toll_repost(BACKGROUND_A)

    # A store of the earlier rules: the re-post set aside as a copy, and placed as one.
    monkeypatch.setattr(engine.copies, "changes_a_figure", lambda *texts: False)
    analyze(store, [_jsonl(tmp_path / "wire.jsonl", [first, later])])
    monkeypatch.undo()
    store.recheck_copies("copies-1")
    assert store.duplicate_links(["herald-1"]) == {"herald-1": "wire-1"}
    # A run under these rules finds it is no copy, and is cut short before placing it.
    engine.run_dedupe(store, [])
    assert store.misplaced_members() == ["herald-1"]
    # The next run, given something else, places it and compares the two reports.
    other = _article("quake-1", "Wire Two", "2024-04-12", "A quake shook the coast.", [])
    analyze(store, [_jsonl(tmp_path / "other.jsonl", [other])])
    assert store.misplaced_members() == []
    story = store.story_of(["wire-1"])["wire-1"]
    assert store.story_of(["herald-1"]) == {"herald-1": story}
    [revision] = store.get_comparisons([story])[story].conflicts
    assert revision.revision and revision.b.article == "herald-1"


def test_a_story_extended_after_an_annotator_upgrade_is_compared_whole(store, tmp_path):
    from storyline.pipeline import analyze

    analyze(store, [_jsonl(tmp_path / "first.jsonl", _fire_reports("2024-01-05", "2024-01-07"))])
    [story] = store.list_stories()
    # An upgrade: what the earlier annotator stored no longer counts.
    with store.engine.begin() as conn:
        conn.execute(text("UPDATE annotations SET annotator = 'an earlier one'"))
        conn.execute(text("UPDATE vectors SET encoder = 'an earlier one'"))
    later = _article(
        "fire-3",
        "Wire Three",
        "2024-01-08",
        "Officials said 40 people were killed in the fire at the textile factory outside Dhaka.",
        [
            "Rescue workers searched the burnt factory floor through the night.",
            "The owner of the factory was detained for questioning by the police.",
        ],
    )
    analyze(store, [_jsonl(tmp_path / "later.jsonl", [later])])
    assert store.story_of(["fire-3"]) == {"fire-3": story["id"]}
    assert store.duplicate_links(["fire-3"]) == {}  # a report of its own: compared again
    comparison = store.get_comparisons([story["id"]])[story["id"]]
    revised = {(c.a.article, c.b.article) for c in comparison.conflicts if c.revision}
    assert ("fire-1", "fire-2") in revised  # the earlier members are compared too


def test_a_report_that_quotes_the_other_side_still_disagrees(store):
    denial = "The ministry said the dam above the town was not damaged by the floods."
    comparison = _compare(
        store,
        [
            _article("dam-1", "Ministry Wire", "2024-04-10", denial, BACKGROUND_A),
            _article(
                "dam-2",
                "River Post",
                "2024-04-10",
                "Engineers said the dam above the town was badly damaged by the floods.",
                [denial, *BACKGROUND_B],
            ),
        ],
    )
    assert [c.kind for c in comparison.conflicts] == ["polarity"]


@pytest.mark.parametrize(
    ("when", "conflict"),
    [
        (" in 1966", False),  # another moment: the figures may differ
        (" in November 2031", False),  # a forecast
        (" on Saturday", True),  # this week: the same moment
        ("", True),
    ],
)
def test_a_figure_dated_to_another_moment_is_no_conflict(store, when, conflict):
    comparison = _compare(
        store,
        [
            _article(
                "sky-1",
                "Sky Watch",
                "2024-11-18",
                f"Observers counted 100,000 meteors an hour during the Leonid shower over "
                f"Arizona{when}.",
                BACKGROUND_A,
            ),
            _article(
                "sky-2",
                "Star News",
                "2024-11-18",
                "Observers counted 2,000 meteors an hour during the Leonid shower over Arizona.",
                BACKGROUND_B,
            ),
        ],
    )
    found = [c for c in comparison.conflicts if c.kind == "quantity"]
    assert bool(found) == conflict
    if conflict:  # the figures as written, not the dictionary form "meteor"
        assert "100,000 meteors" in found[0].explanation


def _fire_reports(first: str, second: str) -> list[Article]:
    """Two wires' tolls of one fire, 12 then 40 dead, published `first` and `second`."""
    toll = "Officials said {} people were killed in the fire at the textile factory outside Dhaka."
    return [
        _article("fire-1", "Wire One", first, toll.format(12), BACKGROUND_A),
        _article("fire-2", "Wire Two", second, toll.format(40), BACKGROUND_B),
    ]


def test_a_later_report_that_changes_a_figure_is_a_revision(store):
    comparison = _compare(store, _fire_reports("2024-01-05", "2024-01-07"))
    [conflict] = [c for c in comparison.conflicts if c.kind == "quantity"]
    assert conflict.revision and conflict.a.article == "fire-1" and conflict.b.article == "fire-2"
    assert "revises" in conflict.explanation
    fact = _fact_with(comparison, "12 people", "40 people")
    assert fact.status == "updated" and "40 people" in fact.text  # the latest state wins


@pytest.mark.parametrize(
    ("first", "second", "earlier", "revision"),
    [
        # 40 was reported at 03:00 UTC, 12 at 07:00 UTC on the 6th, dated the 5th in
        # California: as text the 12 comes first and seems revised a day later.
        ("2024-01-05T23:00:00-08:00", "2024-01-06T03:00:00+00:00", "fire-2", False),
        # A report dated the 6th in Tokyo, two hours before one dated the 5th in New York.
        ("2024-01-06T08:00:00+09:00", "2024-01-05T20:00:00-05:00", "fire-1", False),
        # Later in time and dated a later day: a revision, whatever the zones.
        ("2024-01-05T22:00:00-05:00", "2024-01-06T12:00:00+00:00", "fire-1", True),
        # A feed that gives only the day, the next day: later, whatever the hour.
        ("2024-01-05T20:00:00-05:00", "2024-01-06", "fire-1", True),
        ("2024-01-06", "2024-01-05T20:00:00-05:00", "fire-2", True),
    ],
)
def test_reports_dated_in_different_zones_are_compared_in_time_order(
    store, first, second, earlier, revision
):
    comparison = _compare(store, _fire_reports(first, second))
    [conflict] = [c for c in comparison.conflicts if c.kind == "quantity"]
    assert (conflict.a.article, conflict.revision) == (earlier, revision)
    assert ("revises" in conflict.explanation) == revision


def test_the_same_words_from_two_speakers_stay_a_conflict_a_day_later(store):
    quote = '"We will rebuild every school that the flood destroyed before the winter," said'
    comparison = _compare(
        store,
        [
            _article(
                "q-1", "Wire One", "2024-03-04", f"{quote} John Harlow, the governor.", BACKGROUND_A
            ),
            _article(
                "q-2", "Wire Two", "2024-03-05", f"{quote} Maria Costa, the minister.", BACKGROUND_B
            ),
        ],
    )
    [clash] = [c for c in comparison.conflicts if c.kind == "speaker"]
    assert not clash.revision and "Both cannot be true" in clash.explanation
    assert "John Harlow" in clash.explanation and "Maria Costa" in clash.explanation
    assert _fact_with(comparison, "John Harlow", "Maria Costa").status == "conflict"


def test_seeds_revision_and_consensus(shared_data: Path, store):
    from storyline.ingest import read_inputs

    articles = [a for a in read_inputs([str(shared_data / "seeds" / "articles.jsonl")])]
    comparison = _compare(store, [a for a in articles if isinstance(a, Article)])
    refusal = "There is no permission granted for these forces to stay inside Iraq."
    [clash] = [c for c in comparison.conflicts if refusal in c.a.text]
    assert clash.kind == "polarity" and clash.revision
    assert clash.a.published == "2019-10-22" and clash.b.published == "2019-10-23"
    assert "four weeks" in clash.b.text
    assert _fact_with(comparison, refusal, "four weeks").status in {"updated", "conflict"}
    troops_5000 = _fact_with(comparison, "around 5,000 US troops", "more than 5,000 troops")
    assert troops_5000.status == "consensus"
    troops_1000 = _fact_with(comparison, "almost 1,000 troops", "1,000 US troops leaving Syria")
    assert troops_1000.status == "consensus"
    assert len(troops_1000.sources) == 2
    # Each fact reads as a sentence of its own, though a sentence may be in two facts.
    shared = [f.text for f in comparison.facts if len(f.mentions) > 1]
    assert len(shared) == len(set(shared))


def test_analyze_writes_facts_and_conflicts(analyzed_seeds):
    db, story = analyzed_seeds
    statuses = {f["status"] for f in story["facts"]}
    assert {"consensus", "single", "updated"} <= statuses
    conflict = story["conflicts"][0]
    assert {"kind", "a", "b", "explanation"} <= set(conflict)
    assert {"article", "sentence", "text"} <= set(conflict["a"])
    shown = CliRunner().invoke(app, ["show", story["id"], "--db", str(db)])
    assert shown.exit_code == 0 and "Revision (polarity)" in shown.output
    # A second run finds the comparison up to date and leaves it be.
    with Store(db) as store:
        again = engine.run_compare(store, None, encoder=load_encoder("auto").name)
    assert again.stories == 0 and again.unchanged == 1


def test_relation_classifier_tells_negation_from_paraphrase():
    model = RelationModel.load()
    found = classify(
        ["A man is playing a guitar on the stage", "A woman is slicing an onion"],
        ["A man is not playing a guitar on the stage", "An onion is being cut by a woman"],
        load_encoder("auto"),
        model,
    )
    assert [r.label for r in found] == ["contradiction", "entailment"]
    assert all(abs(sum(r.scores.values()) - 1) < 1e-5 for r in found)
    shipped = Path(__import__("storyline").__file__).parent / "relations.npz"
    assert shipped.stat().st_size < 30_000_000
    with np.load(shipped, allow_pickle=False) as data:  # plain arrays only
        assert data["weights"].shape == (8 + 2 * 384, 3)


def test_relate_command_classifies_and_skips_bad_lines(tmp_path: Path):
    pairs = tmp_path / "pairs.jsonl"
    pairs.write_text(
        json.dumps({"id": "p1", "a": "The dog is running", "b": "The dog is not running"})
        + "\nnot json\n"
        + json.dumps({"id": "p2", "a": "A child is reading"})
        + "\n"
        + json.dumps({"id": "p3", "a": "A child is reading a book", "b": "A kid reads a book"})
        + "\n",
        encoding="utf-8",
    )
    out = tmp_path / "out.jsonl"
    result = CliRunner().invoke(app, ["relate", str(pairs), "--out", str(out)])
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in out.read_text().splitlines()]
    assert [line["id"] for line in lines] == ["p1", "p3"]
    assert lines[0]["relation"] == "contradiction"
    assert set(lines[0]["scores"]) == {"entailment", "contradiction", "neutral"}
    assert "pairs.jsonl:2: not JSON" in result.stderr
    assert "pairs.jsonl:3: b must be non-empty text" in result.stderr


def test_relate_checks_figures_and_permission_as_the_comparison_does(tmp_path: Path):
    pairs = tmp_path / "pairs.jsonl"
    rows = [
        {
            "id": "figures",
            "a": "The explosion injured 21 people at the market, police said.",
            "b": "The explosion injured 24 people at the market, police said.",
        },
        {
            "id": "permission",
            "a": "The ministry granted permission for the convoy to cross the border.",
            "b": "There is no permission for the convoy to cross the border.",
        },
        {
            "id": "agree",
            "a": "More than 5,000 US troops are stationed in Iraq.",
            "b": "Around 5,000 US troops are stationed in Iraq.",
        },
    ]
    pairs.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")

    def related(*options: str) -> dict[str, dict]:
        out = tmp_path / "out.jsonl"
        result = CliRunner().invoke(app, ["relate", str(pairs), "--out", str(out), *options])
        assert result.exit_code == 0, result.output
        return {line["id"]: line for line in map(json.loads, out.read_text().splitlines())}

    checked, alone = related(), related("--no-checks")
    # The classifier alone reads two counts of one thing as agreeing.
    assert alone["figures"]["relation"] != "contradiction" and "check" not in alone["figures"]
    assert checked["figures"]["relation"] == "contradiction"
    assert checked["figures"]["check"] == "quantity"
    assert "21" in checked["figures"]["explanation"] and "24" in checked["figures"]["explanation"]
    assert checked["figures"]["scores"] == alone["figures"]["scores"]  # the classifier's
    assert checked["permission"]["check"] == "polarity"
    # "more than 5,000" and "around 5,000" troops agree: no check fires.
    assert "check" not in checked["agree"]
    assert checked["agree"]["relation"] == alone["agree"]["relation"]


def test_relate_reports_undecodable_lines_and_keeps_every_good_pair(tmp_path: Path):
    good = {"id": "g", "a": "The dog is running", "b": "The dog is not running"}
    pairs = tmp_path / "pairs.jsonl"
    pairs.write_bytes(
        b"\xef\xbb\xbf"  # a byte-order mark before the first line is not an error
        + json.dumps(good).encode()
        + b'\n{"id": "latin", "a": "caf\xe9 open", "b": "closed"}\n'  # Latin-1, not UTF-8
        + b'{"id": "s", "a": "\\ud800 The dog runs", "b": "A dog runs\\u202e"}\n'  # escapes
        + b'{"id": {"x": 1}, "a": "x", "b": "y"}\n'
        + b'{"id": 42, "a": "A child reads", "b": "A kid reads"}\n'
        + b'{"a": "\\u0007", "b": "A kid reads"}\n'
        + b'{"id": null, "a": "A child reads", "b": "A kid reads"}\n'  # named by its line
    )
    out = tmp_path / "out.jsonl"
    result = CliRunner().invoke(app, ["relate", str(pairs), "--out", str(out)])
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    # The lone surrogate and the bidi override are cleaned away, as ingest does.
    assert [line["id"] for line in lines] == ["g", "s", "42", "7"]
    assert "pairs.jsonl:2: not UTF-8" in result.stderr
    assert "pairs.jsonl:4: id must be text or a whole number" in result.stderr
    assert "pairs.jsonl:6: a must be non-empty text" in result.stderr
    assert "skipped 3 bad lines" in result.stderr


@pytest.mark.parametrize("size", [50, 300])
def test_candidate_pairs_are_bounded_and_match_the_index(size, monkeypatch):
    rng = np.random.default_rng(7)
    centres = rng.normal(size=(10, 64))
    vectors = centres[rng.integers(0, 10, size)] + 0.3 * rng.normal(size=(size, 64))
    vectors = (vectors / np.linalg.norm(vectors, axis=1, keepdims=True)).astype(np.float32)
    groups = np.arange(size) // 5  # five statements an article
    exact = candidate_pairs(vectors, groups, k=4, floor=0.2)
    assert len(exact) <= size * 4
    assert all(groups[i] != groups[j] and i < j for i, j, _ in exact)
    import storyline.neighbours as neighbours

    monkeypatch.setattr(neighbours, "EXACT_LIMIT", 0)  # force the HNSW index
    approximate = candidate_pairs(vectors, groups, k=4, floor=0.2)
    found = {(i, j) for i, j, _ in exact}
    overlap = len(found & {(i, j) for i, j, _ in approximate}) / len(found)
    assert overlap > 0.9


def test_swapped_pair_features_equal_features_of_the_swapped_pairs():
    a = ["The council did not approve the plan", "Two dogs run"]
    b = ["The council approved the new stadium plan on Monday", "Dogs are running in a park"]
    rng = np.random.default_rng(3)
    va, vb = rng.normal(size=(2, 384)), rng.normal(size=(2, 384))
    np.testing.assert_allclose(
        swap_pairs(pair_features(a, b, va, vb)), pair_features(b, a, vb, va), rtol=1e-6
    )


def _plane(degrees: float, size: int = 384) -> np.ndarray:
    """A unit vector at `degrees` in the plane of the first two axes."""
    vector = np.zeros(size, dtype=np.float32)
    vector[:2] = np.cos(np.radians(degrees)), np.sin(np.radians(degrees))
    return vector


def _at_angles(statements: list[Statement], angles: list[float]):
    """One one-sentence article per statement, from outlets a0, a1 ..., each sentence's
    vector at its angle in one plane (so that the cosines between them are known)."""
    from storyline.compare import StoryArticle

    return [
        StoryArticle(f"a{n}", f"Outlet {n}", "2020-05-04", [statement], _plane(angle)[None, :])
        for n, (statement, angle) in enumerate(zip(statements, angles, strict=True))
    ]


def test_a_chain_of_paraphrases_is_not_one_fact():
    # A~B and C~D are close; B~C is close enough to link, A~C and B~D are not: "A says
    # what B says, B what C says" must not make A, B, C and D one fact.
    angles = [0.0, 31.8, 68.7, 94.5]
    texts = [
        "The ferry left the harbour at dawn with forty cars on board.",
        "At dawn the ferry sailed from the harbour carrying forty cars.",
        "The ferry carrying cars reached the island port by mid-morning.",
        "By mid-morning the car ferry had docked at the island port.",
    ]
    articles = _at_angles([Statement.of(f"a{n}", 0, t) for n, t in enumerate(texts)], angles)
    facts = [f for f in compare_story("s", articles, None).facts if len(f.mentions) > 1]
    assert sorted(sorted(m.article for m in f.mentions) for f in facts) == [
        ["a0", "a1"],
        ["a2", "a3"],
    ]


def test_figures_that_are_compatible_but_far_apart_are_no_shared_fact(nlp):
    from storyline.contradictions import quantity_agreement

    laid_off = _annotated(nlp, "The airline laid off more than 3,000 employees this year.")
    kept = _annotated(nlp, "The airline wants to keep about 8,000 employees this year.")
    assert not quantity_agreement(laid_off, kept)
    around = _annotated(nlp, "There are around 5,000 US troops stationed in Iraq.")
    over = _annotated(nlp, "The US has more than 5,000 troops stationed in Iraq.")
    assert quantity_agreement(around, over)


def test_a_small_count_alone_makes_no_fact(nlp):
    # Far apart in meaning (cosine 0.5), sharing "the two leaders" and one other word.
    first = _annotated(nlp, "The two leaders will discuss the air embargo at the palace.")
    second = _annotated(nlp, "The two leaders drove straight to the palace for talks.")
    articles = _at_angles([first, second], [0.0, 60.0])
    assert all(len(f.mentions) == 1 for f in compare_story("s", articles, None).facts)
    # The same sentences with a figure of ten or more share it.
    first = _annotated(nlp, "The 12 leaders will discuss the air embargo at the palace.")
    second = _annotated(nlp, "The 12 leaders drove straight to the palace for talks.")
    articles = _at_angles([first, second], [0.0, 60.0])
    assert any(len(f.mentions) == 2 for f in compare_story("s", articles, None).facts)


@pytest.mark.parametrize(
    ("first", "second", "agree"),
    [
        # The words around the figures, stemmed: "deliberated" and "deliberations".
        (
            "Jurors deliberated for three days before reaching the verdict.",
            "The jury reached its verdict after three days of deliberations.",
            True,
        ),
        ("Keller faces up to 20 years in prison.", "Keller could face as many as 20 years.", True),
        # Who said it is no common ground: injured and evacuated are two counts.
        (
            "Officials said 310 people were injured in the blast.",
            "Officials said about 300 people were evacuated from nearby villages.",
            False,
        ),
    ],
)
def test_figures_agree_on_what_is_said_around_them(nlp, first, second, agree):
    from storyline.contradictions import quantity_agreement

    a, b = _annotated(nlp, first), _annotated(nlp, second)
    assert quantity_agreement(a, b) is agree
    assert quantity_agreement(b, a) is agree


def test_figures_agree_whichever_comes_first(nlp):
    from storyline.contradictions import quantity_agreement

    # A count of ten and a small count: the stricter need holds both ways.
    about_ten = _annotated(nlp, "About 10 miners were trapped near the village.")
    nine = _annotated(nlp, "Nine miners died near the village last week.")
    assert not quantity_agreement(about_ten, nine)
    assert not quantity_agreement(nine, about_ten)


@pytest.mark.parametrize("first", [0, 3])
def test_a_disagreement_stays_in_its_fact_whatever_the_order(first):
    # Three outlets report the approval in close words; the fourth denies it and is
    # linked to one of them only: the conflict must not depend on the order of articles.
    texts = [
        "European regulators approved the deal on Friday, the companies said.",
        "The deal was approved by European regulators on Friday.",
        "European regulators on Friday gave their approval to the deal.",
        "European regulators have not approved the deal, a person familiar said.",
    ]
    angles = [0.0, 8.0, 16.0, -58.0]  # the denial is near the first report only
    articles = _at_angles([Statement.of(f"a{n}", 0, t) for n, t in enumerate(texts)], angles)
    articles.insert(0, articles.pop(first))
    comparison = compare_story("s", articles, None)
    assert [c.kind for c in comparison.conflicts] == ["polarity"]
    [fact] = [f for f in comparison.facts if f.status == "conflict"]
    assert "a3" in {m.article for m in fact.mentions}


def test_a_fact_reads_as_its_most_central_then_shortest_mention(nlp):
    long = _annotated(
        nlp,
        "Investigators were interested in the wiring behind the cockpit, although nothing "
        "shows it played a role in the crash that killed all 229 people aboard.",
    )
    short = _annotated(nlp, "The crash killed all 229 people aboard the jet.")
    articles = _at_angles([long, short], [0.0, 60.0])
    [fact] = [f for f in compare_story("s", articles, None).facts if len(f.mentions) == 2]
    assert fact.mentions[0].text == long.text  # mentions stay in publication order
    assert fact.text == short.text


@pytest.mark.parametrize(
    ("first", "second", "clash"),
    [
        # One date of several changed: it is matched by what it dates.
        (
            "Both men were indicted in 1991, and the United Nations imposed sanctions in 1992.",
            "Both men were indicted in 1988, and the United Nations imposed sanctions in 1992.",
            True,
        ),
        (
            "Lane was born in Brooklyn on Feb. 24, 1927, and earned his law degree in 1951.",
            "Lane was born in Brooklyn on Feb. 24, 1924, and earned his law degree in 1951.",
            True,
        ),
        # Nothing before either date: matched by their places.
        (
            "In 1994 he made his first visit to Croatia, which lost a third of its land in 1991.",
            "In 1991 he made his first visit to Croatia, which lost a third of its land in 1991.",
            True,
        ),
        # A date meets a counterpart that dates the same thing, not one that follows "and".
        (
            "She was elected to the Senate in 2004 and re-elected in 2010.",
            "She was elected to the Senate in 2010.",
            True,
        ),
        (
            "He was arrested in 2015 and convicted in 2017.",
            "He was arrested in 2015 and released in 2019.",
            False,
        ),
        # A date of the saying dates the report, not the news; a date a while after a
        # verb of saying is the news's.
        (
            "The plan was expected to be announced just after the Oct. 5 election.",
            "The plan was expected to be announced just after the Oct. 8 election.",
            True,
        ),
        (
            "The storm killed 12 people, officials said on Oct. 3.",
            "The storm killed 36 people, officials said on Oct. 5.",
            False,
        ),
        # The same dates, or one more date on one side: no clash.
        (
            "Lane was born in Brooklyn in 1927 and earned his law degree in 1951.",
            "Lane, who was born in 1927, earned his law degree in 1951 in Brooklyn.",
            False,
        ),
        (
            "The steel plant closed in 2009.",
            "The steel plant, opened in 1971, closed in 2009.",
            False,
        ),
        # Different things dated, alone or beside a shared date.
        (
            "Indonesia invaded East Timor in 1975, after Portugal left.",
            "Indonesia annexed East Timor in 1976, a year after intervening in a civil war.",
            False,
        ),
        (
            "The steel plant, opened in 1971, closed in 2009.",
            "The steel plant, bought in 1985, closed in 2009.",
            False,
        ),
    ],
)
def test_dates_clash_when_one_has_no_counterpart(nlp, first, second, clash):
    from storyline.contradictions import date_clash

    assert _found_both_ways(date_clash, nlp, first, second) == {clash}


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("The video of the jump lasts 39 seconds.", "The video of the jump lasts 117 seconds."),
        (
            "She was the first pope in six centuries to resign.",
            "She was the first pope in 18 centuries to resign.",
        ),
        (
            "Savannah had its heaviest snowfall in nearly three decades.",
            "Savannah had its heaviest snowfall in nearly nine decades.",
        ),
    ],
)
def test_durations_in_seconds_decades_and_centuries_clash(nlp, first, second):
    from storyline.contradictions import quantity_clash

    assert _found_both_ways(quantity_clash, nlp, first, second) == {True}


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("The drought lasted two decades, officials said.", "The drought lasted 20 years."),
        ("The treaty held for one century, historians said.", "The treaty held for 100 years."),
        ("The blast lasted 60 seconds, witnesses said.", "The blast lasted one minute."),
        ("The lease ran for 12 months, the firm said.", "The lease ran for one year."),
    ],
)
def test_one_duration_in_two_units_agrees(nlp, first, second):
    from storyline.contradictions import quantity_agreement, quantity_clash

    assert _found_both_ways(quantity_clash, nlp, first, second) == {False}
    assert quantity_agreement(_annotated(nlp, first), _annotated(nlp, second))


def test_a_date_of_the_saying_leaves_the_figures_compared(nlp):
    from storyline.contradictions import another_moment, quantity_clash

    first = _annotated(nlp, "The storm killed 12 people, officials said on Oct. 3.")
    second = _annotated(nlp, "The storm killed 36 people, officials said on Oct. 5.")
    assert not another_moment(first, second)
    assert quantity_clash(first, second) is not None


def test_statements_dated_apart_speak_of_different_moments(nlp):
    from storyline.contradictions import another_moment

    invaded = _annotated(nlp, "Indonesia invaded East Timor in 1975, after Portugal left.")
    annexed = _annotated(nlp, "Indonesia annexed East Timor in 1976, after a civil war.")
    again = _annotated(nlp, "Indonesia took East Timor in 1975 and annexed it a year later.")
    assert another_moment(invaded, annexed) and another_moment(annexed, invaded)
    assert not another_moment(invaded, again)


def test_a_date_conflict_reads_as_the_dates_were_written(nlp):
    from storyline.contradictions import date_clash

    years = date_clash(
        _annotated(nlp, "Both men were indicted in 1991 after a long inquiry."),
        _annotated(nlp, "Both men were indicted in 1988 after a long inquiry."),
    )
    assert (years.says_a, years.says_b) == ("in 1991", "in 1988")
    days = date_clash(
        _annotated(nlp, "The airline resumed domestic flights on Oct. 7, officials said."),
        _annotated(nlp, "The airline resumed domestic flights on Oct. 10, officials said."),
    )
    assert days.says_a.startswith("Oct. 7 (7 Oct") and days.says_b.startswith("Oct. 10 (10 Oct")


@pytest.mark.parametrize(
    ("first", "second", "says"),
    [
        (
            "The stroller landed on the elevator car, which was eight stories below.",
            "The stroller landed on the elevator car, which was six stories below.",
            ("8 stories", "6 stories"),
        ),
        (
            "The woman survived a 6-story fall down the elevator shaft, police said.",
            "The woman survived a 4-story fall down the elevator shaft, police said.",
            ("6-story", "4-story"),
        ),
        (
            "He looked right at me, said Zaken, a 23-year-old secretary from Haifa.",
            "He looked right at me, said Zaken, a 32-year-old secretary from Haifa.",
            ("23 years old", "32 years old"),
        ),
    ],
)
def test_a_quantity_conflict_names_figures_as_a_reader_says_them(nlp, first, second, says):
    from storyline.contradictions import quantity_clash

    clash = quantity_clash(_annotated(nlp, first), _annotated(nlp, second))
    assert (clash.says_a, clash.says_b) == says


@pytest.mark.parametrize(
    ("second_day", "told"),
    [("2024-03-09", "another APW report (9 Mar 2024)"), ("2024-03-10", "a later APW report")],
)
def test_two_reports_of_one_source_are_told_apart_in_the_explanation(store, second_day, told):
    reports = [("apw-1", "2024-03-09", "3,000", BACKGROUND_A)]
    reports.append(("apw-2", second_day, "5,000", BACKGROUND_B))
    comparison = _compare(
        store,
        [
            _article(
                article_id,
                "APW",
                day,
                f"Police said {figure} people attended the protest against the pension reform "
                "in central Lyon on Saturday.",
                background,
            )
            for article_id, day, figure, background in reports
        ],
    )
    [conflict] = comparison.conflicts
    assert conflict.explanation.startswith(f"APW (9 Mar 2024) 3,000 people; {told}")
    assert "later," not in conflict.explanation
