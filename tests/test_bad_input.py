"""Bad input is skipped with a reason naming it, and never takes good items down."""

from __future__ import annotations

import codecs
import gzip
import json
import os

import pytest

from storyline.dates import readable_years
from storyline.ingest import read_bytes, read_inputs
from storyline.ingest.decode import decode_bytes
from storyline.model import Article, Note, Skipped
from tests.builders import STORY, news_page, rss_feed, warc_bytes


def split(items):
    good = [i for i in items if isinstance(i, Article)]
    bad = [i for i in items if isinstance(i, Skipped) and not i.expected]
    assert not [i for i in items if isinstance(i, Skipped) and i.internal], items
    return good, bad


def test_binary_and_empty_files_are_skipped_with_reasons(tmp_path):
    (tmp_path / "photo.jpg").write_bytes(b"\xff\xd8\xff\xe0\x00\x10JFIF" + os.urandom(2000))
    (tmp_path / "blob.bin").write_bytes(os.urandom(4096))
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "blank.txt").write_bytes(b" \n\n \t\n")
    (tmp_path / "good.txt").write_text("Floods in the north\n\n" + STORY[0])
    good, bad = split(list(read_inputs([str(tmp_path)])))
    assert [a.id for a in good] == ["good"]
    reasons = {os.path.basename(b.origin): b.reason for b in bad}
    assert reasons["photo.jpg"].startswith("binary file")
    assert reasons["blob.bin"].startswith("binary file")
    assert reasons["empty.txt"] == reasons["blank.txt"] == "empty file"


def test_ids_that_are_blank_invisible_or_huge_are_refused():
    lines = [
        json.dumps({"id": "a", "text": STORY[0]}),
        json.dumps({"id": "a\u0000", "text": STORY[1]}),  # would become "a" when cleaned
        json.dumps({"id": "b\u202e", "text": STORY[1]}),  # a bidi override
        json.dumps({"id": "   ", "text": STORY[1]}),
        json.dumps({"id": "x" * 5000, "text": STORY[1]}),
        json.dumps({"id": 7, "text": STORY[2]}),
    ]
    good, bad = split(read_bytes("\n".join(lines).encode(), "in.jsonl"))
    assert [(a.id, a.text) for a in good] == [("a", STORY[0]), ("7", STORY[2])]
    assert {b.origin: b.reason for b in bad} == {
        "in.jsonl:2": '"id" holds control or invisible characters',
        "in.jsonl:3": '"id" holds control or invisible characters',
        "in.jsonl:4": 'missing "id" (a string is required)',
        "in.jsonl:5": '"id" longer than 1,000 characters',
    }


def test_a_date_storyline_cannot_read_is_noted_not_dropped_in_silence():
    years = readable_years()
    lines = [
        json.dumps({"id": "a", "text": STORY[0], "published": "9999-12-31"}),
        json.dumps({"id": "b", "text": STORY[1], "published": "2019-10-22"}),
    ]
    items = list(read_bytes("\n".join(lines).encode(), "in.jsonl"))
    notes = [str(i) for i in items if isinstance(i, Note)]
    assert notes == [
        f"in.jsonl:1: publication date '9999-12-31' is not a date from {years}: ignored"
    ]
    assert sorted(i.id for i in items if isinstance(i, Article)) == ["a", "b"]

    feed = rss_feed(
        [
            {"title": "Floods", "link": "https://h.example/1", "date": "soon", "content": STORY[0]},
            {
                "title": "Dams",
                "link": "https://h.example/2",
                "date": "Tue, 22 Oct 2019 10:00:00 GMT",
                "content": STORY[3],
            },
        ]
    )
    items = read_bytes(feed.encode(), "feed.xml")
    assert [a.published for a in items if isinstance(a, Article)] == [
        None,
        "2019-10-22T10:00:00+00:00",
    ]
    assert [i.message for i in items if isinstance(i, Note)] == [
        f"publication date 'soon' is not a date from {years}: ignored"
    ]
    page = f"---\ntitle: Floods\ndate: last Tuesday\n---\n{STORY[0]}\n"
    notes = [str(i) for i in read_bytes(page.encode(), "floods.md") if isinstance(i, Note)]
    assert notes == [
        f"floods.md: publication date 'last Tuesday' is not a date from {years}: ignored"
    ]


def test_a_stray_nul_byte_costs_its_line_not_the_file(tmp_path):
    lines = [b'{"id": "z", "text": "raw\x00nul"}']
    for i in range(50):
        lines.append(json.dumps({"id": f"g{i}", "text": STORY[i % len(STORY)]}).encode())
    (tmp_path / "in.jsonl").write_bytes(b"\n".join(lines))
    good, bad = split(list(read_inputs([str(tmp_path / "in.jsonl")])))
    assert len(good) == 50
    assert [b.origin.rsplit("/", 1)[-1] for b in bad] == ["in.jsonl:1"]


def test_legacy_encodings_are_decoded():
    cp1252 = "\u201cWe will rebuild,\u201d the mayor said \u2013 caf\u00e9 owners agreed."
    assert decode_bytes(cp1252.encode("cp1252")) == cp1252
    latin1 = "Le caf\u00e9 de la gar\u00e7on na\u00efve est ferm\u00e9 depuis l'\u00e9t\u00e9."
    assert decode_bytes(latin1.encode("latin-1")) == latin1
    [article] = read_bytes(("Mayor speaks\n\n" + cp1252).encode("cp1252"), "old.txt")
    assert article.text == cp1252


def test_declared_charset_is_honoured_for_non_western_text():
    russian = "Москва объявила о новых мерах поддержки пострадавших от наводнения."
    paragraphs = [
        "The mayor's office announced new support for flood victims on Monday, in a statement "
        "that was read out on state television and quoted in full by the local papers.",
        f'"{russian}"',
        "Officials said the money would reach the worst-hit districts within a week.",
    ]
    page = news_page("Moscow floods", paragraphs).replace('charset="utf-8"', 'charset="koi8-r"')
    [article] = read_bytes(page.encode("koi8-r"), "ru.html")
    assert russian in article.text


def test_a_page_in_another_language_is_counted_not_stored():
    russian = "Москва объявила о новых мерах поддержки пострадавших от наводнения."
    page = news_page("Наводнение", [russian] * 3).replace('charset="utf-8"', 'charset="koi8-r"')
    [ignored] = read_bytes(page.encode("koi8-r"), "ru.html")
    assert (ignored.reason, ignored.expected) == ("not English", True)


def test_a_utf8_byte_order_mark_does_not_switch_off_legacy_decoding():
    # Editors put the mark before Latin-1 text too; it must read as it does without.
    latin1 = "Caf\u00e9 owners in Montr\u00e9al said on Friday that a new tax would hurt."
    bom = b"\xef\xbb\xbf"
    assert decode_bytes(bom + latin1.encode("latin-1")) == latin1
    assert decode_bytes(bom + latin1.encode("utf-8")) == latin1
    line = {"id": "lat", "text": latin1}
    [article] = read_bytes(bom + json.dumps(line, ensure_ascii=False).encode("latin-1"), "a.jsonl")
    assert article.text == latin1


def test_invalid_utf8_bytes_do_not_lose_the_text():
    data = (
        (
            "Rescue teams said the caf\u00e9 \u2014 the only one open \u2014 fed 300 people. " * 3
        ).encode()
        + b"\xff\xfe broken \xc3("
        + b" more text follows here."
    )
    [article] = read_bytes(b"Headline here\n\n" + data, "mixed.txt")
    assert "caf\u00e9 \u2014 the only one open" in article.text
    assert "more text follows here." in article.text


def test_truncated_gzip_keeps_the_lines_before_the_damage():
    lines = "".join(json.dumps({"id": f"a{i}", "text": STORY[i % 4]}) + "\n" for i in range(400))
    data = gzip.compress(lines.encode())
    good, bad = split(read_bytes(data[: len(data) * 2 // 3], "cut.jsonl.gz"))
    assert 50 < len(good) < 400
    assert [a.id for a in good] == [f"a{i}" for i in range(len(good))]
    # The cut line itself is reported too; the file's damage is reported last.
    assert len(bad) <= 2 and "ends before its end-of-stream marker" in bad[-1].reason


def test_truncated_warc_keeps_the_records_before_the_damage():
    pages = [
        (
            f"https://herald.example/{i}",
            news_page(f"Story number {i}", url=f"https://herald.example/{i}"),
        )
        for i in range(6)
    ]
    data = warc_bytes(pages, gzip=True, with_extras=False)
    good, bad = split(read_bytes(data[: int(len(data) * 0.7)], "cut.warc.gz"))
    assert 2 <= len(good) < 6
    assert [a.title for a in good] == [f"Story number {i}" for i in range(len(good))]
    assert len(bad) == 1 and bad[0].origin == "cut.warc.gz"
    assert "ends before its end-of-stream marker" in bad[0].reason


def test_malformed_feed_keeps_the_items_that_parse():
    feed = rss_feed(
        [
            {
                "title": "Floods",
                "link": "https://h.example/1",
                "date": "Tue, 22 Oct 2019 09:30:00 GMT",
                "summary": STORY[0],
            },
            {
                "title": "Dams",
                "link": "https://h.example/2",
                "date": "Tue, 22 Oct 2019 10:30:00 GMT",
                "summary": STORY[1],
            },
        ]
    ).replace("</channel></rss>", "<item><title>Broken & unclosed</title><link>")
    good, _ = split(read_bytes(feed.encode(), "broken.xml"))
    assert [a.title for a in good][:2] == ["Floods", "Dams"]


def test_feed_that_is_not_xml_at_all_is_skipped():
    good, bad = split(read_bytes(b'<?xml version="1.0"?>\n<rss><channel><<<>>>', "junk.rss"))
    assert good == [] and len(bad) == 1 and bad[0].origin == "junk.rss"


def test_xml_entity_bomb_is_refused_without_expanding():
    bomb = (
        '<?xml version="1.0"?>\n<!DOCTYPE rss [\n<!ENTITY a "aaaaaaaaaa">\n'
        + "".join(
            f'<!ENTITY {c} "{("&" + p + ";") * 10}">\n'
            for p, c in zip("abcdefgh", "bcdefghi", strict=True)
        )
        + ']>\n<rss version="2.0"><channel><title>&i;</title><item><title>&i;</title>'
        "<description>&i;</description></item></channel></rss>"
    )
    good, bad = split(read_bytes(bomb.encode(), "bomb.xml"))
    assert good == []
    assert "entity" in bad[0].reason


def test_html_without_an_article_is_skipped():
    page = (
        "<html><head><title>Login</title></head><body><nav><a href='/'>Home</a></nav>"
        "<form><input name='user'><button>Sign in</button></form></body></html>"
    )
    good, bad = split(read_bytes(page.encode(), "login.html"))
    assert good == [] and bad[0].reason == "no article text found in the page"


def test_fifty_megabyte_inputs(tmp_path):
    big_text = tmp_path / "huge.txt"
    with big_text.open("wb") as handle:
        line = (STORY[0] + "\n").encode()
        for _ in range(50 * 1024 * 1024 // len(line) + 1):
            handle.write(line)
    good, bad = split(list(read_inputs([str(big_text)])))
    assert good == [] and "larger than" in bad[0].reason
    big_jsonl = tmp_path / "big.jsonl"
    with big_jsonl.open("w") as handle:
        for i in range(12000):
            handle.write(json.dumps({"id": str(i), "text": " ".join(STORY * 8)}) + "\n")
    assert big_jsonl.stat().st_size > 50 * 1000 * 1000
    good, bad = split(list(read_inputs([str(big_jsonl)])))
    assert len(good) == 12000 and bad == []


def test_bad_jsonl_lines_are_skipped_by_line_number():
    lines = [
        json.dumps({"id": "ok1", "text": STORY[0]}),
        "{not json",
        json.dumps({"id": "no-text", "title": "x"}),
        json.dumps(["a", "list"]),
        json.dumps({"text": STORY[1]}),
        json.dumps({"id": "ok2", "text": STORY[2], "title": {"nested": 1}}),
        "",
        json.dumps({"id": "ok3", "text": STORY[3]}),
        json.dumps({"id": "blank", "text": "   "}),
        '{"id": "long", "text": "x", "n": ' + "1" * 5000 + "}",  # past Python's 4,300 digits
        '{"id": "nan", "text": "x", "score": NaN}',
        json.dumps({"id": "ok4", "text": STORY[0]}),
    ]
    good, bad = split(read_bytes("\n".join(lines).encode(), "in.jsonl"))
    assert [a.id for a in good] == ["ok1", "ok3", "ok4"]
    assert {b.origin: b.reason for b in bad} == {
        "in.jsonl:2": "not JSON (Expecting property name enclosed in double quotes at column 2)",
        "in.jsonl:3": 'missing "text" (a string is required)',
        "in.jsonl:4": "expected a JSON object, got an array",
        "in.jsonl:5": 'missing "id" (a string is required)',
        "in.jsonl:6": '"title" must be a string or null',
        "in.jsonl:9": "no article text left after cleaning",
        "in.jsonl:10": "not JSON (a number too long)",
        "in.jsonl:11": "not JSON (NaN is not a JSON value)",
    }


def test_missing_paths_are_reported_and_others_still_read(tmp_path):
    (tmp_path / "a.txt").write_text("Headline\n\n" + STORY[0])
    good, bad = split(list(read_inputs([str(tmp_path / "nope.txt"), str(tmp_path / "a.txt")])))
    assert [a.id for a in good] == ["a"]
    assert bad[0].reason == "no such file or folder"


def test_feed_data_never_makes_storyline_open_urls_or_files(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP SECRET CONTENT")
    for target in ("http://127.0.0.1:9/leak?", f"file://{secret}#"):
        data = b'<?xml version="1.0" encoding="utf-8\xff"?>' + target.encode() + b"<rss>"
        items = read_bytes(data, "tricky.xml")
        assert not any(isinstance(i, Article) and "SECRET" in i.text for i in items)
        assert not any(isinstance(i, Skipped) and i.internal for i in items)


def test_entity_declaration_hidden_behind_a_comment_is_refused():
    data = (
        b'<?xml version="1.0"?><!-- <b> --><!DOCTYPE rss [<!ENTITY x "boom">]>'
        b"<rss><channel><item><title>&x;</title><description>&x;</description></item>"
        b"</channel></rss>"
    )
    good, bad = split(read_bytes(data, "hidden.xml"))
    assert good == [] and "entity" in bad[0].reason


def test_utf16_html_is_detected_as_html():
    [article] = read_bytes(news_page().encode("utf-16"), "page16.html")
    assert article.title == "Floods cut off northern villages"


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be"])
def test_utf16_jsonl_is_read_line_by_line(tmp_path, encoding):
    lines = [json.dumps({"id": f"u{i}", "text": STORY[i], "title": "Café"}) for i in range(3)]
    data = "\n".join(lines).encode(encoding)
    if encoding == "utf-16-be":
        data = codecs.BOM_UTF16_BE + data
    (tmp_path / "in.jsonl").write_bytes(data)
    good, bad = split(list(read_inputs([str(tmp_path / "in.jsonl")])))
    assert [(a.id, a.title) for a in good] == [("u0", "Café"), ("u1", "Café"), ("u2", "Café")]
    assert bad == []


def test_trec_without_line_breaks_and_with_id_attributes(tmp_path):
    record = (
        '<DOC id="APW_ENG_20050101.{n:04d}" type="story"><HEADLINE>Quake {n}</HEADLINE>'
        "<TEXT><P>Shares fell to <5 percent and rose > 3 later, officials said on Monday "
        "in the capital.</P></TEXT></DOC>"
    )
    path = tmp_path / "oneline.sgml"
    path.write_text("".join(record.format(n=n) for n in range(2000)))  # one line, no breaks
    good, bad = split(list(read_inputs([str(path)], max_document_bytes=10_000)))
    assert len(good) == 2000 and bad == []
    assert good[0].id == "APW_ENG_20050101.0000" and good[0].source == "APW"
    assert good[0].published == "2005-01-01" and good[0].metadata["doc_type"] == "story"
    assert good[0].text.startswith("Shares fell to <5 percent and rose > 3 later")


def test_trec_record_without_end_is_reported_and_the_next_is_kept():
    data = (
        b"<DOC><DOCNO> A1 </DOCNO><TEXT>First record loses its end tag.</TEXT>"
        b"<DOC><DOCNO> A2 </DOCNO><TEXT>" + STORY[0].encode() + b"</TEXT></DOC>"
    )
    good, bad = split(read_bytes(data, "x.sgml"))
    assert [a.id for a in good] == ["A2"]
    assert bad[0].reason == "record has no closing </DOC>"


def test_store_failures_skip_only_the_offending_articles(tmp_path):
    from storyline import engine
    from storyline.store import Store

    lines = [
        json.dumps({"id": "ok1", "text": STORY[0]}),
        '{"id": "bad\\ud800", "text": "Lone \\ud800 surrogate in the text of a news story."}',
        json.dumps({"id": "ok2", "text": STORY[1]}),
    ]
    path = tmp_path / "in.jsonl"
    path.write_text("\n".join(lines))
    with Store(tmp_path / "s.db") as store:
        summary = engine.ingest([str(path)], store)
        assert summary.added == 3  # the surrogate is cleaned away, not fatal
        assert (
            store.get_article("bad").article.text == "Lone surrogate in the text of a news story."
        )


def test_json_problems_name_the_column_and_the_kind_as_json_writes_them():
    lines = [
        '{"id": "cut", "text": "the writer stopped',  # a line cut short
        '{"id": "ctl", "te\x01xt": "x"}',
        '{"id": "open", "text": "x"',
        "null",
        json.dumps({"id": "ok", "text": STORY[0]}),
    ]
    good, bad = split(read_bytes("\n".join(lines).encode(), "in.jsonl"))
    assert [a.id for a in good] == ["ok"]
    assert {b.origin: b.reason for b in bad} == {
        "in.jsonl:1": "not JSON (Unterminated string starting at column 23)",
        "in.jsonl:2": "not JSON (Invalid control character at column 18)",
        "in.jsonl:3": "not JSON (the line ends before its JSON does, expecting ',' delimiter)",
        "in.jsonl:4": "expected a JSON object, got null",
    }
