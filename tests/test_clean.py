"""Cleaning rules: furniture goes, content stays, the lead gives metadata."""

from __future__ import annotations

import pytest

from storyline.dates import normalize_date
from storyline.ingest.clean import boilerplate_reason, clean_article, paragraphs
from storyline.model import Article
from tests.builders import STORY


@pytest.mark.parametrize(
    "line",
    [
        "Visit The Daily Herald's homepage for more stories.",
        "- Visit Business Insider's homepage for more stories.",
        "Sign up for our morning newsletter",
        "Follow us on Twitter @dailyherald",
        "Download the Herald app to get breaking news alerts.",
        "Share this article",
        "Share on Facebook Share on Twitter Email Print",
        "A rescuer wades through the water in Valleytown (Picture: PA).",
        "Flood water surrounds a school. (AP Photo/Jane Doe)",
        "Residents leave their homes. Photograph: John Smith/Getty Images",
        "Image copyright Reuters",
        "Advertisement",
        "Copyright 2019 The Associated Press. All rights reserved.",
        "Reporting by Ana Silva; Editing by Tom Brown",
        "Read more",
        "* * *",
        "2 years ago",
        "Updated an hour ago",
        "Local News More>>",
        "Media requires JavaScript to play.",
        "Tweet with a location",
    ],
)
def test_furniture_is_recognised(line):
    assert boilerplate_reason(line) is not None


@pytest.mark.parametrize(
    "line",
    [
        *STORY,
        "For more than 60 hours, police scoured nearby woods and searched the ponds.",
        "Read the full statement below.",
        "Visitors to the valley were told to stay away until the water recedes.",
        "Share prices of insurers fell sharply on Wednesday.",
        "Popular music festivals in the region have been cancelled.",
        "He said the picture was clearer now: the dam would hold.",
        "Follow-up inspections are planned for next week, the engineers said.",
        "Photographs taken by residents show the river rising above the bridge.",
        "Two years ago the same bridge was closed for repairs.",
        "The dam was built 40 years ago.",
        "One more >> sign was painted on the wall.",
        "Media requires JavaScript to play. The fire started at 3 a.m. in the warehouse.",
    ],
)
def test_article_text_is_kept(line):
    assert boilerplate_reason(line) is None


def test_paragraphs_are_kept_and_whitespace_normalised():
    text = "First  para\u00a0with   spaces.\r\n\r\nSecond\u200b para.\n\n\n\nThird para."
    assert paragraphs(text) == ["First para with spaces.", "Second para.", "Third para."]


def test_single_newlines_between_sentences_are_paragraphs_and_bullets_stay():
    text = "- First point.\n- Second point.\nA paragraph.\nAnother paragraph."
    assert paragraphs(text) == [
        "- First point.",
        "- Second point.",
        "A paragraph.",
        "Another paragraph.",
    ]


def test_lowercase_continuations_are_joined():
    assert paragraphs("The mayor said the dam\nwould hold.") == [
        "The mayor said the dam would hold."
    ]


def test_unicode_is_normalised_and_controls_removed():
    cleaned = clean_article(Article("a", "Cafe\u0301 owners\x07 agreed.\u2028New line."))
    assert cleaned.text == "Caf\u00e9 owners agreed.\n\nNew line."


def test_title_repeated_as_first_line_is_removed():
    cleaned = clean_article(
        Article("a", "Floods in the north\n\n" + STORY[0], title="Floods in the North")
    )
    assert cleaned.text == STORY[0]


def test_repeated_caption_is_dropped_everywhere():
    caption = "Rescuers in boats search the flooded streets of Valleytown"
    text = "\n\n".join([caption, "Floods Hit Valleytown", STORY[0], caption, STORY[1]])
    cleaned = clean_article(Article("a", text))
    assert cleaned.title == "Floods Hit Valleytown"
    assert cleaned.text == STORY[0] + "\n\n" + STORY[1]


def test_body_first_article_gets_no_invented_title():
    cleaned = clean_article(Article("a", "\n\n".join(STORY)))
    assert cleaned.title is None and cleaned.text.startswith("Rescue teams")


@pytest.mark.parametrize(
    ("raw", "iso"),
    [
        ("Saturday, January 8, 2005", "2005-01-08"),
        ("Tue, 22 Oct 2019 10:00:00 GMT", "2019-10-22T10:00:00+00:00"),
        ("2019-10-22T10:00:00Z", "2019-10-22T10:00:00+00:00"),
        ("2019-10-22", "2019-10-22"),
        ("22 October 2019", "2019-10-22"),
        ("Oct. 22, 2019", "2019-10-22"),
        ("10/01/1998 09:28:00", "1998-10-01T09:28:00"),
        ("19981001", "1998-10-01"),
        ("yesterday", None),
        ("3 days ago", None),
        ("not a date 12", None),
        ("", None),
        (None, None),
    ],
)
def test_dates_normalise_to_iso(raw, iso):
    assert normalize_date(raw) == iso


@pytest.mark.parametrize(
    "line",
    [
        "Support for the measure rose to 60 percent, according to a poll by the news site Axios.",
        "Share prices of Facebook fell 7 percent after the company said its app lost users.",
        "Related charges against two Twitter employees were filed on Friday.",
        "Download speeds on the app fell by half during the outage.",
        "The measure is popular, according to a Reuters/Ipsos poll.",
        "Copyright infringement is a crime, the judge told the court.",
        "Reporting by Reuters was cited by the senator in his speech.",
        "Writing by hand is becoming rare among students.",
        "The photo by the river shows the damage.",
    ],
)
def test_sentences_that_start_like_furniture_are_kept(line):
    assert boilerplate_reason(line) is None


@pytest.mark.parametrize(
    "line",
    [
        "President Obama speaks in Washington. (Katherine Frey/The Washington Post)",
        "Supporters gather outside the court. (Seth Wenig/AP)",
        "Bernie Sanders liked what he heard. REUTERS/Jonathan Ernst",
        "Andrzej Duda on Feb. 6. Photographer: Janek Skarzynski/AFP via Getty Images",
        "Reporting by Ana Silva in London; additional reporting by Tom Brown",
        "Related: Why the troops left",
    ],
)
def test_credits_are_recognised_by_their_shape(line):
    assert boilerplate_reason(line) is not None


def test_section_label_after_the_headline_does_not_become_the_title():
    text = "Floods cut off northern villages as river bursts its banks\n\nWorld News\n\n" + STORY[0]
    assert clean_article(Article("a", text)).title.startswith("Floods cut off northern villages")


@pytest.mark.parametrize(
    "lede",
    [
        "Every time the chain brings back its famous sandwich, do fans really line up for it?",
        "The zoo's new safari park is absolutely",
    ],
)
def test_questions_and_broken_sentences_are_not_titles(lede):
    text = lede + "\n\n" + ("stunning, visitors said." if lede.endswith("absolutely") else STORY[0])
    cleaned = clean_article(Article("a", text))
    assert cleaned.title is None and cleaned.text.startswith(lede)


def test_a_refrain_repeated_in_the_body_is_kept():
    refrain = "We will rebuild this valley together"
    text = "\n\n".join([STORY[0], refrain, STORY[1], refrain, STORY[2]])
    assert clean_article(Article("a", text, title="Song")).text.count(refrain) == 2


@pytest.mark.parametrize(
    ("sentence", "furniture"),
    [
        ("By signing up you agree to receive email newsletters or alerts.", True),
        ("You can unsubscribe at any time.", True),
        ("Breaking News Alerts Get breaking news when it happens — in your inbox.", True),
        ("You can add location information to your Tweets, such as your city.", True),
        ("The letter landed in his inbox on Monday.", False),
        ("If a message lands in your inbox asking for a password, delete it, the FBI said.", False),
        # An embedded post is news a page quotes.
        ("The wreck is FOUND 1K m deep pic.twitter.com/tXjogmHIfH", False),
        ("The council signed up to the regional flood plan on Monday.", False),
        ("The minister resigned on Tuesday over the rail contracts.", False),
    ],
)
def test_sentences_about_the_page_are_told_from_news(sentence, furniture):
    from storyline.ingest.clean import mentions_furniture

    assert mentions_furniture(sentence) is furniture


@pytest.mark.parametrize(
    ("credit", "author"),
    [
        ("By BBC staff", "BBC staff"),
        ("By Guardian staff and agencies", "Guardian staff and agencies"),
        ("By Jane Doe, staff writer", "Jane Doe, staff writer"),
        ("by jane doe and john roe", "jane doe and john roe"),
        ("By our foreign correspondent", None),
        ("By a staff reporter in New Delhi", None),
        ("From our wire services", None),
        ("From staff and wire reports", None),
    ],
)
def test_a_credit_line_is_never_taken_for_the_headline(credit, author):
    # Wire copies often open with a credit instead of a headline; the JSONL title is null.
    cleaned = clean_article(Article("a", credit + "\n\n" + "\n\n".join(STORY[:2])))
    assert cleaned.title is None
    assert cleaned.author == author
    assert cleaned.text == "\n\n".join(STORY[:2])


@pytest.mark.parametrize("headline", ["By the numbers", "From Russia with love"])
def test_a_headline_starting_like_a_credit_stays_the_headline(headline):
    cleaned = clean_article(Article("a", headline + "\n\n" + STORY[0]))
    assert cleaned.title == headline and cleaned.author is None


def test_a_credit_after_the_headline_and_byline_is_dropped_too():
    text = "Floods Hit Valleytown\n\nBy Ana Silva\n\nFrom our wire services\n\n" + STORY[0]
    cleaned = clean_article(Article("a", text))
    assert (cleaned.title, cleaned.author, cleaned.text) == (
        "Floods Hit Valleytown",
        "Ana Silva",
        STORY[0],
    )


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("AT&amp;T Corp. says the cables held.", "AT&T Corp. says the cables held."),
        ("Both AT&T; and Verizon switched plans.", "Both AT&T and Verizon switched plans."),
        ("He sang with the R&B; group The Crystals.", "He sang with the R&B group The Crystals."),
        ("Dow Jones &AMP; Co. publishes the paper.", "Dow Jones & Co. publishes the paper."),
        ("NATIONAL FORECAST &QL; Rain is due.", "NATIONAL FORECAST Rain is due."),
        ("&quot;We will stay,&quot; he said.", '"We will stay," he said.'),
        ("The word &nothing; is no escape.", "The word &nothing; is no escape."),
        ("Tom & Jerry; and AT&T stay as written.", "Tom & Jerry; and AT&T stay as written."),
        (
            "An invisible&InvisibleTimes;times and a&#x202e;bidi mark go.",
            "An invisible times and a bidi mark go.",
        ),
    ],
)
def test_escapes_left_in_plain_text_are_decoded(raw, clean):
    article = clean_article(Article("e1", f"{raw}\n\n{STORY[0]}"))
    assert article.text.split("\n\n")[0] == clean


def test_every_reference_left_in_sgml_is_decoded_or_blanked():
    from storyline.ingest.clean import decode_entities

    text = "A self&hyph;interest &FOOT; of AT&amp;T &QL;"
    assert " ".join(decode_entities(text, sgml=True).split()) == "A self interest of AT&T"
