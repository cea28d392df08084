"""Realistic news inputs built in code, shared by the tests and the benchmarks."""

from __future__ import annotations

import html
import io
from collections.abc import Iterable
from datetime import UTC, datetime

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

STORY = [
    "Rescue teams reached the flooded villages of the northern valley on Tuesday, two days after "
    "the river burst its banks, the regional governor said.",
    "More than 3,000 people have been moved to temporary shelters in schools and sports halls, "
    "according to the regional emergency service.",
    '"We are doing everything we can to reach the families who are still cut off," the governor '
    "told reporters in the provincial capital.",
    "Forecasters expect more rain later this week, and engineers are inspecting two dams "
    "upstream for damage.",
]


def news_page(
    title: str = "Floods cut off northern villages",
    paragraphs: Iterable[str] = STORY,
    *,
    url: str = "https://www.dailyherald.example/world/floods-north",
    published: str = "2019-10-22T09:30:00Z",
    author: str = "Ana Silva",
    site: str = "The Daily Herald",
) -> str:
    """A news page wrapped in navigation, a cookie banner, ads, share buttons and comments."""
    body = "\n".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>{html.escape(title)} | {html.escape(site)}</title>
<link rel="canonical" href="{url}">
<meta property="og:site_name" content="{html.escape(site)}">
<meta property="og:title" content="{html.escape(title)}">
<meta name="author" content="{html.escape(author)}">
<meta property="article:published_time" content="{published}">
</head><body>
<div id="cookie-banner" class="cookie-consent">We use cookies to improve your experience.
 <button>Accept all cookies</button></div>
<header><nav class="main-nav"><ul><li><a href="/">Home</a></li><li><a href="/world">World</a>
</li><li><a href="/sport">Sport</a></li><li><a href="/weather">Weather</a></li></ul></nav></header>
<aside class="ad-slot advertisement"><p>Advertisement: Cheap flights to the sun, book now!</p>
</aside>
<main><article>
<h1>{html.escape(title)}</h1>
<p class="byline">By {html.escape(author)}</p>
{body}
<div class="share-tools"><a href="#">Share on Facebook</a> <a href="#">Tweet</a></div>
</article>
<section id="comments" class="comments"><h3>Comments</h3>
<div class="comment"><p>Terrible news, thoughts with the families. Posted by reader42</p></div>
<div class="comment"><p>Why did nobody fix the dams earlier? Posted by localvoice</p></div>
</section></main>
<footer><p>Copyright 2019 The Daily Herald. All rights reserved.</p>
<ul><li><a href="/privacy">Privacy</a></li><li><a href="/terms">Terms</a></li></ul></footer>
</body></html>"""


def rss_feed(items: list[dict[str, str]], *, link: str = "https://www.dailyherald.example/") -> str:
    """An RSS 2.0 feed; each item dict has title, link, date and either content or summary."""
    entries = []
    for item in items:
        content = (
            f"<content:encoded><![CDATA[{item['content']}]]></content:encoded>"
            if "content" in item
            else ""
        )
        entries.append(f"""<item><title>{html.escape(item["title"])}</title>
<link>{item["link"]}</link><guid>{item["link"]}</guid><pubDate>{item["date"]}</pubDate>
<description>{html.escape(item.get("summary", ""))}</description>{content}</item>""")
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">
<channel><title>The Daily Herald - World</title><link>{link}</link>
<description>World news</description>{"".join(entries)}</channel></rss>"""


def warc_bytes(
    pages: list[tuple[str, str]], *, gzip: bool = True, with_extras: bool = True
) -> bytes:
    """A WARC of (url, html) responses; `with_extras` adds a request record and an image."""
    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=gzip)
    date = datetime(2019, 10, 22, 12, 0, tzinfo=UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    for url, page in pages:
        if with_extras:
            request = StatusAndHeaders(
                "GET / HTTP/1.1", [("Host", "example")], is_http_request=True
            )
            writer.write_record(writer.create_warc_record(url, "request", http_headers=request))
        headers = StatusAndHeaders(
            "200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1"
        )
        writer.write_record(
            writer.create_warc_record(
                url,
                "response",
                payload=io.BytesIO(page.encode("utf-8")),
                http_headers=headers,
                warc_headers_dict={"WARC-Date": date},
            )
        )
    if with_extras:
        image = StatusAndHeaders("200 OK", [("Content-Type", "image/jpeg")], protocol="HTTP/1.1")
        writer.write_record(
            writer.create_warc_record(
                "https://www.dailyherald.example/photo.jpg",
                "response",
                payload=io.BytesIO(b"\xff\xd8\xff\xe0" + bytes(200)),
                http_headers=image,
            )
        )
    return buffer.getvalue()


def trec_file(docs: list[dict[str, str]]) -> str:
    """A TREC/SGML file; each doc dict has docno, text and optionally headline and date."""
    parts = []
    for doc in docs:
        paragraphs = "\n".join(f"<P>\n{p}\n</P>" for p in doc["text"].split("\n\n"))
        parts.append(f"""<DOC>
<DOCNO> {doc["docno"]} </DOCNO>
<DOCTYPE> NEWS STORY </DOCTYPE>
<DATE_TIME> {doc.get("date", "")} </DATE_TIME>
<HEADLINE>
{doc.get("headline", "")}
</HEADLINE>
<TEXT>
{paragraphs}
</TEXT>
</DOC>
""")
    return "".join(parts)


def record_merge(db, merged: str, into: str) -> None:
    """Record in the store at `db` that story `merged` merged into `into`, as a
    clustering run that merged them would (the tests' stores have no such pair)."""
    from storyline.store import Store

    with Store(db) as store:
        documents, _ = store.term_frequencies()
        store.save_stories([], {}, {}, {merged: into}, documents, {}, placed={})
