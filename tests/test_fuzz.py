"""Property-based fuzzing: thousands of random and mutated inputs, no unhandled exception."""

from __future__ import annotations

import gzip
import json
import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from storyline.ingest import read_bytes
from storyline.model import Article, Note, Skipped
from storyline.store import Store
from tests.builders import STORY, news_page, rss_feed, trec_file, warc_bytes

_JSONL = "\n".join(
    json.dumps({"id": f"a{i}", "text": t, "title": "T"}) for i, t in enumerate(STORY)
).encode()
SAMPLES = [
    news_page().encode(),
    rss_feed(
        [
            {
                "title": "A",
                "link": "https://h.example/a",
                "date": "Tue, 22 Oct 2019 09:30:00 GMT",
                "summary": STORY[0],
            }
        ]
    ).encode(),
    warc_bytes([("https://h.example/a", news_page())], gzip=False),
    warc_bytes([("https://h.example/a", news_page())], gzip=True),
    trec_file([{"docno": "APW19981001.0001", "headline": "H", "text": STORY[0]}]).encode(),
    _JSONL,
    gzip.compress(_JSONL),
    ("Headline here\n\nBy Ana Silva\n\n" + "\n\n".join(STORY)).encode("cp1252"),
]
FUZZ = settings(
    max_examples=1000,
    deadline=None,
    derandomize=os.environ.get("FUZZ_RANDOM") is None,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.function_scoped_fixture,
    ],
)


def check(data: bytes, name: str = "fuzz") -> None:
    items = read_bytes(data, name)
    for item in items:
        assert isinstance(item, Article | Skipped | Note)
        assert not (isinstance(item, Skipped) and item.internal), item
        if isinstance(item, Article):
            assert isinstance(item.id, str) and item.id
            assert item.text.strip()


@FUZZ
@given(st.binary(max_size=4096), st.sampled_from(["x.bin", "x.txt", "x.jsonl", "x.warc.gz"]))
def test_random_bytes(data, name):
    check(data, name)


@st.composite
def mutated(draw):
    data = bytearray(draw(st.sampled_from(SAMPLES)))
    for _ in range(draw(st.integers(1, 6))):
        action = draw(st.sampled_from(["flip", "cut", "insert", "repeat", "delete"]))
        at = draw(st.integers(0, max(0, len(data) - 1)))
        if action == "flip" and data:
            data[at] = draw(st.integers(0, 255))
        elif action == "cut":
            del data[at:]
        elif action == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=64))
        elif action == "repeat":
            data[at:at] = data[at : at + draw(st.integers(1, 512))]
        else:
            del data[at : at + draw(st.integers(1, 256))]
    return bytes(data)


@settings(FUZZ, max_examples=1500)
@given(mutated())
def test_mutated_valid_inputs(data):
    check(data)


TOKENS = [
    "<DOC>",
    "</DOC>",
    "<DOCNO>",
    "</DOCNO>",
    "<TEXT>",
    "</TEXT>",
    "<P>",
    "<rss>",
    "<item>",
    "<title>",
    "</title>",
    "</item>",
    "<feed>",
    "<entry>",
    "<html>",
    "<body>",
    "<p>",
    "</p>",
    "<!DOCTYPE html>",
    '<?xml version="1.0"?>',
    "WARC/1.0\r\n",
    "Content-Length: 99\r\n",
    "{",
    "}",
    '"id":',
    '"text":',
    "\n",
    "\n\n",
    "# ",
    "---\n",
    "title: x\n",
    "By ",
    "&amp;",
    "&QL;",
    "\x00",
    "\ufeff",
    "\u2028",
    "Monday, 22 October 2019",
    STORY[0],
    "é",
    "“",
]


@settings(FUZZ, max_examples=600)
@given(st.lists(st.sampled_from(TOKENS), max_size=60), st.sampled_from(["utf-8", "cp1252"]))
def test_structured_token_soup(tokens, encoding):
    check("".join(tokens).encode(encoding, errors="replace"))


@pytest.fixture(scope="module")
def fuzz_store(tmp_path_factory):
    with Store(tmp_path_factory.mktemp("fuzz") / "fuzz.db") as store:
        yield store


@settings(FUZZ, max_examples=300)
@given(data=mutated())
def test_whatever_is_read_can_be_stored(fuzz_store, data):
    articles = [i for i in read_bytes(data, "fuzz") if isinstance(i, Article)]
    result = fuzz_store.add_articles(articles)
    assert result.added + result.revised + result.unchanged == len(articles)
