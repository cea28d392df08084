"""Every reader on realistic inputs built by the tests."""

from __future__ import annotations

import gzip
import json

from storyline.ingest import expand_inputs, read_bytes, read_input, read_inputs, split_input
from storyline.ingest.urls import url_id
from storyline.model import Article, Skipped
from tests.builders import STORY, news_page, rss_feed, trec_file, warc_bytes


def articles(items):
    return [i for i in items if isinstance(i, Article)]


def test_html_page_keeps_the_article_and_drops_the_page_around_it():
    [article] = read_bytes(news_page().encode(), "page.html")
    assert article.title == "Floods cut off northern villages"
    assert article.published == "2019-10-22"
    assert article.author == "Ana Silva"
    assert article.url == "https://www.dailyherald.example/world/floods-north"
    assert article.source == "dailyherald.example"
    assert article.metadata["sitename"] == "The Daily Herald"
    assert article.id == url_id(article.url)
    assert article.text.split("\n\n")[0].startswith("Rescue teams reached")
    for furniture in (
        "cookies",
        "Advertisement",
        "Share on Facebook",
        "reader42",
        "Privacy",
        "Copyright",
        "Sport",
    ):
        assert furniture not in article.text
    for paragraph in STORY:
        assert paragraph in article.text


def test_rss_feed_items_become_articles_with_content_or_summary():
    feed = rss_feed(
        [
            {
                "title": "Floods cut off villages",
                "link": "https://dailyherald.example/a",
                "date": "Tue, 22 Oct 2019 09:30:00 GMT",
                "content": "<p>" + STORY[0] + "</p><p>" + STORY[1] + "</p>",
            },
            {
                "title": "Dams inspected",
                "link": "https://dailyherald.example/b",
                "date": "Wed, 23 Oct 2019 10:00:00 +0200",
                "summary": STORY[3],
            },
            {
                "title": "Governor speaks",
                "link": "https://dailyherald.example/c",
                "date": "Saturday, January 8, 2005",
                "summary": STORY[2],
            },
        ]
    )
    items = articles(read_bytes(feed.encode(), "feed.xml"))
    assert [a.title for a in items] == [
        "Floods cut off villages",
        "Dams inspected",
        "Governor speaks",
    ]
    assert items[0].text == STORY[0] + "\n\n" + STORY[1]
    assert items[1].text == STORY[3]
    assert [a.published for a in items] == [
        "2019-10-22T09:30:00+00:00",
        "2019-10-23T10:00:00+02:00",
        "2005-01-08",
    ]
    assert {a.source for a in items} == {"dailyherald.example"}
    assert items[0].id == url_id("https://dailyherald.example/a")


def test_atom_feed_is_read():
    atom = f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Wire</title>
<link href="https://wire.example/"/><id>urn:wire</id><updated>2019-10-22T10:00:00Z</updated>
<entry><title>Floods</title><link href="https://wire.example/floods"/><id>urn:1</id>
<updated>2019-10-22T10:00:00Z</updated><author><name>Wire Staff</name></author>
<content type="html">&lt;p&gt;{STORY[0]}&lt;/p&gt;</content></entry></feed>"""
    [article] = read_bytes(atom.encode(), "wire.atom")
    assert article.title == "Floods"
    assert article.text == STORY[0]
    assert article.author == "Wire Staff"
    assert article.published == "2019-10-22T10:00:00+00:00"


def test_warc_html_responses_become_articles_and_other_records_are_counted():
    pages = [
        ("https://www.dailyherald.example/world/floods-north", news_page()),
        (
            "https://news.example.org/dams",
            news_page("Engineers inspect dams", STORY[1:], url="https://news.example.org/dams"),
        ),
    ]
    for compressed in (True, False):
        items = read_bytes(warc_bytes(pages, gzip=compressed), "crawl.warc.gz")
        found = articles(items)
        assert [a.title for a in found] == [
            "Floods cut off northern villages",
            "Engineers inspect dams",
        ]
        assert {a.source for a in found} == {"dailyherald.example", "news.example.org"}
        ignored = [i for i in items if isinstance(i, Skipped)]
        assert all(i.expected for i in ignored)
        assert sorted(i.reason for i in ignored) == [
            "image/jpeg response",
            "request record",
            "request record",
        ]


def test_trec_file_with_several_documents():
    docs = [
        {
            "docno": "APW19981001.0299",
            "date": "10/01/1998 09:28:00",
            "headline": "Floods cut off villages",
            "text": STORY[0] + "\n\n" + STORY[1],
        },
        {
            "docno": "NYT19981002.0001",
            "headline": "Dams &AMP; rivers",
            "text": "Engineers said on Friday that two dams were safe. &QL;\n\n" + STORY[3],
        },
        {"docno": "XIE19981003.0100", "text": STORY[2]},
    ]
    items = articles(read_bytes(trec_file(docs).encode(), "duc.sgml"))
    assert [a.id for a in items] == ["APW19981001.0299", "NYT19981002.0001", "XIE19981003.0100"]
    assert [a.source for a in items] == ["APW", "NYT", "XIE"]
    assert [a.published for a in items] == ["1998-10-01T09:28:00", "1998-10-02", "1998-10-03"]
    assert items[0].title == "Floods cut off villages"
    assert items[1].title == "Dams & rivers"
    assert items[0].text == STORY[0] + "\n\n" + STORY[1]
    assert "&QL;" not in items[1].text and items[1].text.startswith("Engineers said on Friday")


def test_hard_wrapped_trec_text_is_unwrapped_into_paragraphs():
    body = (
        "   WASHINGTON _ The Federal Aviation Administration said on Thursday\n"
        "that it would consider whether to require new inspections of older\n"
        "jetliners after cracks were found in two aircraft.\n"
        "   The agency said the inspections could begin as early as next month\n"
        "and would cover about 1,200 aircraft flown by American carriers.\n"
    )
    sgml = f"<DOC>\n<DOCNO> NYT19981001.0100 </DOCNO>\n<TEXT>\n{body}</TEXT>\n</DOC>\n"
    [article] = read_bytes(sgml.encode(), "nyt.sgml")
    first, second = article.text.split("\n\n")
    assert first.startswith("WASHINGTON _ The Federal") and first.endswith("two aircraft.")
    assert second == (
        "The agency said the inspections could begin as early as next month and "
        "would cover about 1,200 aircraft flown by American carriers."
    )


def test_jsonl_keeps_extra_fields_as_metadata_and_normalises_dates():
    lines = [
        {
            "id": "a1",
            "text": STORY[0],
            "title": "Floods",
            "published": "Saturday, January 8, 2005",
            "source": "Herald",
            "story": "s1",
        },
        {"id": 7, "text": STORY[1]},
    ]
    data = "\n".join(json.dumps(line) for line in lines).encode()
    first, second = read_bytes(data, "in.jsonl")
    assert first.published == "2005-01-08" and first.metadata == {"story": "s1"}
    assert first.origin == "in.jsonl:1"
    assert second.id == "7" and second.title is None


def test_gzipped_jsonl_is_read():
    data = gzip.compress(json.dumps({"id": "z", "text": STORY[0]}).encode() + b"\n")
    [article] = read_bytes(data, "in.jsonl.gz")
    assert article.id == "z"


def test_markdown_front_matter_and_heading():
    text = (
        "---\ntitle: Floods cut off villages\npublished: 2019-10-22\nsource: herald\n---\n\n"
        "# Ignored second heading\n\nSee the [map](https://x.example/map) of the **valley**."
        "\n\n![a photo](photo.jpg)\n\n" + STORY[0]
    )
    [article] = read_bytes(text.encode(), "story.md")
    assert article.title == "Floods cut off villages"
    assert article.published == "2019-10-22" and article.source == "herald"
    assert "See the map of the valley." in article.text
    assert "photo.jpg" not in article.text and "](" not in article.text


def test_plain_text_caption_before_headline_is_not_taken_for_it():
    text = (
        "Rescuers carry a child through flood water in the northern valley\n\n"
        "Floods Cut Off Northern Villages As River Bursts Its Banks\n\n"
        "By Ana Silva\n\n22 October 2019\n\n" + "\n\n".join(STORY)
    )
    [article] = read_bytes(text.encode(), "floods.txt")
    assert article.title == "Floods Cut Off Northern Villages As River Bursts Its Banks"
    assert article.author == "Ana Silva"
    assert article.published == "2019-10-22"
    assert article.text.startswith("Rescue teams reached")
    assert "Rescuers carry" not in article.text


def test_folder_is_walked_and_file_ids_come_from_relative_paths(tmp_path):
    (tmp_path / "2019" / "oct").mkdir(parents=True)
    (tmp_path / "2019" / "oct" / "floods.txt").write_text("Floods\n\n" + STORY[0])
    (tmp_path / "dams.md").write_text("# Dams\n\n" + STORY[3])
    (tmp_path / ".hidden.txt").write_text(STORY[1])
    found = articles(read_inputs([str(tmp_path)]))
    assert sorted(a.id for a in found) == ["2019/oct/floods", "dams"]


def test_a_pipe_in_a_folder_is_skipped_and_one_named_is_read(tmp_path):
    import os
    import threading

    (tmp_path / "news").mkdir()
    (tmp_path / "news" / "floods.txt").write_text("Floods\n\n" + STORY[0])
    os.mkfifo(tmp_path / "news" / "feed.pipe")  # nobody writes: reading it would block
    found = list(read_inputs([str(tmp_path / "news")]))
    assert [a.id for a in articles(found)] == ["floods"]
    assert [s.reason for s in found if isinstance(s, Skipped)] == ["not a regular file"]
    # Named on the command line (`ingest <(zcat news.jsonl.gz)`), a pipe is a stream.
    named = tmp_path / "named.pipe"
    os.mkfifo(named)
    line = json.dumps({"id": "piped", "text": STORY[1]}) + "\n"
    writer = threading.Thread(target=lambda: named.write_text(line))
    writer.start()
    assert [a.id for a in articles(read_inputs([str(named)]))] == ["piped"]
    writer.join(timeout=10)


def test_seed_text_files_get_their_real_headlines(shared_data):
    seeds = shared_data / "seeds"
    by_id = {
        a.id: a
        for a in articles(
            read_inputs(
                [str(seeds / "000_de7fdb9a6208bcfe.txt"), str(seeds / "004_7e4a66e9d0eb6e98.txt")]
            )
        )
    }
    first, second = by_id["000_de7fdb9a6208bcfe"], by_id["004_7e4a66e9d0eb6e98"]
    assert first.title == "US Forces Moving To Iraq Have 'No Permission' To Stay"
    assert first.text.startswith("The Iraqi military says they have not given relocated")
    assert "ground patrol" not in first.text  # the repeated photo caption
    assert "(Picture: PA)" not in first.text
    assert second.title.startswith("Iraq says US troops leaving Syria can't redeploy there")
    assert "Visit Business Insider's homepage" not in second.text
    assert second.text.startswith("- One thousand American troops are leaving")
    assert "The 1,000 US troops leaving Syria will be allowed" in second.text


def test_a_homepage_canonical_does_not_merge_different_pages():
    pages = [
        (
            f"https://site.example/news/{i}",
            news_page(f"Story {i} of the day", url="https://site.example/"),
        )
        for i in range(3)
    ]
    found = articles(read_bytes(warc_bytes(pages, with_extras=False), "site.warc.gz"))
    assert len({a.id for a in found}) == 3
    assert [a.url for a in found] == [f"https://site.example/news/{i}" for i in range(3)]


def test_crawl_date_is_not_a_publication_date():
    page = news_page().replace(
        '<meta property="article:published_time" content="2019-10-22T09:30:00Z">', ""
    )
    [article] = articles(read_bytes(warc_bytes([("https://h.example/a", page)]), "c.warc.gz"))
    assert article.published is None
    assert article.metadata["crawled"].startswith("2019-10-22T12:00:00")


def _jsonl_lines(count: int) -> list[bytes]:
    lines = []
    for i in range(count):
        if i % 7 == 3:
            lines.append(b'{"id": "broken", "text": \n')  # a bad line keeps its number
        elif i % 11 == 5:
            lines.append(b"\n")
        else:
            text = f"Report {i} on the talks in Geneva. " * (1 + i % 5)
            lines.append(json.dumps({"id": f"a{i}", "text": text}).encode() + b"\n")
    return lines


def test_a_large_jsonl_file_read_in_parts_gives_the_same_items_and_line_numbers(tmp_path):
    path = tmp_path / "big.jsonl"
    path.write_bytes(b"".join(_jsonl_lines(120)))
    [whole] = list(expand_inputs([str(path)]))
    parts = list(split_input(whole, part_bytes=1500))

    assert len(parts) > 3
    assert parts[0].first_line == 1 and parts[1].first_line > 1
    assert sum(p.size for p in parts) == path.stat().st_size
    in_parts = [item for part in parts for item in read_input(part)]
    assert in_parts == list(read_inputs([str(path)]))
    skipped = [i for i in in_parts if isinstance(i, Skipped)]
    assert [s.origin for s in skipped][:2] == [f"{path}:4", f"{path}:11"]


def test_only_plain_jsonl_is_cut_into_parts(tmp_path):
    text = b"".join(_jsonl_lines(60))
    small = tmp_path / "small.jsonl"
    small.write_bytes(text)
    packed = tmp_path / "big.jsonl.gz"
    packed.write_bytes(gzip.compress(text * 4))
    page = tmp_path / "page.html"
    page.write_bytes(news_page().encode() * 20)
    for path in (small, packed, page):
        [source] = list(expand_inputs([str(path)]))
        limit = 10**9 if path is small else 100
        assert list(split_input(source, part_bytes=limit)) == [source], path.name


def test_the_last_part_reads_what_the_file_grew_by(tmp_path):
    path = tmp_path / "growing.jsonl"
    lines = _jsonl_lines(60)
    path.write_bytes(b"".join(lines[:40]).rstrip(b"\n"))  # no newline at the end yet
    [source] = list(expand_inputs([str(path)]))
    parts = list(split_input(source, part_bytes=700))
    with path.open("ab") as more:  # a writer finishes the line and adds more
        more.write(b"\n" + b"".join(lines[40:]))

    in_parts = [item for part in parts for item in read_input(part)]
    assert in_parts == list(read_inputs([str(path)]))
    assert [i.id for i in in_parts if isinstance(i, Article)][-1] == "a58"  # line 60 is bad


def test_news_in_another_language_is_ignored_and_english_news_kept():
    german = (
        "Die Bundesregierung hat am Mittwoch neue Maßnahmen gegen die steigenden "
        "Energiepreise beschlossen. Wie ein Sprecher in Berlin mitteilte, sollen Haushalte "
        "mit geringem Einkommen einen Zuschuss erhalten. Die Opposition kritisierte das "
        "Paket als unzureichend und forderte eine Senkung der Mehrwertsteuer auf Strom."
    )
    spanish = (
        "El gobierno anunció el miércoles nuevas medidas contra el aumento de los precios "
        "de la energía. Según un portavoz, los hogares con bajos ingresos recibirán una "
        "ayuda. La oposición calificó el plan de insuficiente y pidió una rebaja del IVA."
    )
    lines = [
        {"id": "en", "text": "\n\n".join(STORY)},
        {"id": "de", "text": german},
        {"id": "es", "text": spanish},
        {"id": "short", "text": "Kurz: Regen in Berlin."},  # too short to judge: kept
        # English with few function words (a credits list) is still English.
        {
            "id": "credits",
            "text": "CAST\n\nSinbad\n\nJames - Bradley Bundlie\n\nRachael - Jolie Ledford\n\n"
            "CREW\n\nDirector - Ryan Martin & Royce Adkins\n\nWriter - Mike Trapp & Royce "
            "Adkins\n\nProducer - Shane Crown\n\nProduction Coordinator - Francesca "
            "McLafferty\n\nDirector of Photography - Sam Levy\n\nEditor - Dana Hill",
        },
    ]
    data = "\n".join(json.dumps(line, ensure_ascii=False) for line in lines).encode()
    items = read_bytes(data, "news.jsonl")
    assert [a.id for a in articles(items)] == ["en", "short", "credits"]
    ignored = [i for i in items if isinstance(i, Skipped)]
    assert [(i.reason, i.expected) for i in ignored] == [("not English", True)] * 2
