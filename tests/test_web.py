"""The web app and the report: pages, the JSON API, safety, ingest from the page."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from storyline.cli import app as cli
from storyline.dates import readable_years
from storyline.model import (
    Article,
    Comparison,
    Conflict,
    Mention,
    Story,
    Summary,
    SummarySentence,
)
from storyline.pipeline import analyze
from storyline.report.html import render_report
from storyline.report.markdown import render_markdown
from storyline.report.result_json import story_document
from storyline.report.views import story_view
from storyline.store import Store
from storyline.web import create_app
from tests.builders import record_merge

HOSTILE = {
    "id": "hostile-1",
    "source": "evil.example",
    "title": "<script>alert(1)</script> Flood warning",
    "published": "2019-10-24",
    "url": "javascript:alert(2)",
    "text": (
        "Heavy rain flooded the lower town on Thursday, and the river rose past the warning "
        'mark near the old bridge. <img src=x onerror="alert(3)"> Residents were told to move '
        "their cars to higher ground before nightfall."
    ),
}


@pytest.fixture
def site(analyzed_seeds, tmp_path: Path):
    """The seeds' store plus an article whose title, URL and text carry markup."""
    db, story = analyzed_seeds
    hostile = tmp_path / "hostile.jsonl"
    hostile.write_text(json.dumps(HOSTILE) + "\n")
    with Store(db) as store:
        analyze(store, [str(hostile)])
    with TestClient(create_app(str(db)), raise_server_exceptions=False) as client:
        yield client, story


def test_a_merged_story_id_redirects_to_the_story_it_merged_into(analyzed_seeds):
    db, story = analyzed_seeds
    record_merge(db, "story-0123456789ab", story["id"])
    client = TestClient(create_app(str(db)), raise_server_exceptions=False)
    for route in ("/stories/", "/api/stories/"):
        moved = client.get(f"{route}story-0123456789ab", follow_redirects=False)
        assert moved.status_code == 307
        assert moved.headers["location"] == f"{route}{story['id']}"
    assert client.get("/api/stories/story-0123456789ab").json()["id"] == story["id"]
    assert client.get("/stories/story-ffffffffffff").status_code == 404


def test_story_list_story_page_and_article_page(site):
    client, story = site
    listing = client.get("/")
    assert listing.status_code == 200
    assert story["title"].replace("'", "&#39;") in listing.text
    page = client.get(f"/stories/{story['id']}")
    assert page.status_code == 200
    assert "Conflicts and revisions" in page.text and "revision · polarity" in page.text
    assert "four weeks" in page.text and "Who reports what" in page.text
    cited = story["summary"][0]["citations"][0]
    assert f"/articles/{cited['article']}#s-{cited['sentence']}" in page.text
    article = client.get(f"/articles/{cited['article']}")
    assert re.search(rf'class="s used[^"]*" id="s-{cited["sentence"]}"', article.text)
    # Sentences read as text: a space between them, never "said.Some".
    shown = re.sub(r"<[^>]+>", "", article.text.split('class="article-text"')[1])
    assert article.text.count('<span class="s') > 5
    assert "</span><span" not in article.text and not re.search(r"[a-z]\.[A-Z]", shown)


def test_an_article_page_lists_similar_coverage(site):
    client, story = site
    first, second = story["articles"]
    page = client.get(f"/articles/{first}")
    assert "Similar coverage" in page.text
    section = page.text.split("Similar coverage", 1)[1]
    assert section.index(f"/articles/{second}") < section.index("/articles/hostile-1")
    assert "same story" in section and "&lt;script&gt;" in section

    similar = client.get(f"/api/articles/{first}").json()["similar"]
    assert [s["id"] for s in similar] == [second, "hostile-1"]
    assert similar[0]["story"] == story["id"] and similar[1]["story"] != story["id"]
    assert 1 > similar[0]["similarity"] > similar[1]["similarity"]


def test_story_list_sorts_filters_and_pages(site):
    client, story = site
    by_conflicts = client.get("/api/stories", params={"sort": "conflicts"}).json()
    assert by_conflicts["stories"][0]["id"] == story["id"]  # three revisions, the most
    assert by_conflicts["total"] == 2 and by_conflicts["pages"] == 1
    esper = client.get("/api/stories", params={"entity": "Esper"}).json()
    assert [s["id"] for s in esper["stories"]] == [story["id"]]
    later = client.get("/api/stories", params={"since": "2019-10-24"}).json()
    assert [s["title"] for s in later["stories"]] == [HOSTILE["title"]]
    assert client.get("/api/stories", params={"source": "forces.net"}).json()["total"] == 1
    assert client.get("/api/stories", params={"sort": "nonsense"}).status_code == 400
    assert client.get("/api/stories", params={"page": 0}).status_code == 422


def test_api_story_mirrors_the_result_json(site):
    client, story = site
    served = client.get(f"/api/stories/{story['id']}").json()
    assert set(served) == set(story)
    # Served as built, not validated on the way out: the schema it documents must fit it.
    from storyline.web.schemas import StoryOut

    assert StoryOut.model_validate(served).model_dump(exclude_unset=True) == served
    assert served["summary"] == story["summary"]
    assert served["conflicts"] == story["conflicts"]
    assert served["timeline"] == story["timeline"]
    schema = client.get("/api/openapi.json").json()
    assert "StoryOut" in schema["components"]["schemas"]
    # Errors are documented in the shape they are sent in.
    answers = schema["paths"]["/api/stories/{story_id}"]["get"]["responses"]
    for status in ("404", "422"):
        body = answers[status]["content"]["application/json"]["schema"]
        assert body == {"$ref": "#/components/schemas/ErrorOut"}, status
    assert client.get("/api/stories/no-such-story").json() == {
        "error": "No story with id 'no-such-story'."
    }


def test_search_finds_esper(site):
    client, _ = site
    page = client.get("/search", params={"q": "Esper"})
    assert page.status_code == 200 and "2 articles match" in page.text
    found = client.get("/api/search", params={"q": "Esper"}).json()
    assert found["total"] == 2
    assert client.get("/api/search", params={"q": 'unbalanced "quote'}).status_code == 200


def test_untrusted_text_renders_inert(site):
    client, _ = site
    for url in ("/", "/articles/hostile-1", "/search?q=flood"):
        response = client.get(url)
        assert response.status_code == 200
        assert "<script>" not in response.text and "&lt;script&gt;" in response.text
        assert "javascript:" not in response.text
        assert "<img" not in response.text
        assert "script-src" not in response.headers["content-security-policy"]
        assert response.headers["content-security-policy"].startswith("default-src 'none'")


def test_errors_are_pages_not_stack_traces(site):
    client, _ = site
    missing = client.get("/articles/nope")
    assert missing.status_code == 404 and "Not found" in missing.text
    assert "Traceback" not in missing.text


def test_a_crash_is_a_page_with_the_same_headers_as_every_other(analyzed_seeds, monkeypatch):
    db, _ = analyzed_seeds
    app = create_app(str(db))

    def broken(**_filters):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(app.state.store, "count_stories", broken)
    client = TestClient(app, raise_server_exceptions=False)
    for url in ("/", "/api/stories"):
        crashed = client.get(url)
        assert crashed.status_code == 500 and "disk on fire" not in crashed.text, url
        assert crashed.headers["x-content-type-options"] == "nosniff", url
        assert crashed.headers["content-security-policy"].startswith("default-src 'none'")


def test_head_answers_as_get_without_a_body(site):
    client, _ = site
    for url in ("/", "/api/stories", "/static/storyline.css"):
        got, head = client.get(url), client.head(url)
        assert head.status_code == 200 and head.content == b"", url
        assert head.headers["content-length"] == got.headers["content-length"], url
        assert head.headers["x-frame-options"] == "DENY"
    assert client.head("/articles/nope").status_code == 404


def test_bad_parameters_get_error_pages_not_crashes(site):
    client, _ = site
    for url in ("/?entity=%00", "/search?q=a%00b", "/articles/a%00b"):
        refused = client.get(url)
        assert refused.status_code == 400 and "NUL" in refused.text, url
        assert refused.headers["content-type"].startswith("text/html")
    nul = client.get("/api/stories", params={"entity": "a\x00b"})
    assert nul.status_code == 400 and "'entity'" in nul.json()["error"]
    for url in ("/?page=abc", "/?page=-1", "/search?q=x&page=0"):
        bad_page = client.get(url)
        assert bad_page.status_code == 422 and "page: " in bad_page.text, url
        assert bad_page.headers["content-type"].startswith("text/html")
    for url in ("/?since=garbage", "/?until=31/31/2019"):
        bad_date = client.get(url)
        assert bad_date.status_code == 400 and "must be a calendar date" in bad_date.text, url
        assert bad_date.headers["content-type"].startswith("text/html")
    bad_date = client.get("/api/stories", params={"since": "2019"})
    assert bad_date.status_code == 400
    assert bad_date.json() == {
        "error": "since must be a calendar date such as 2019-10-22, in the years "
        f"{readable_years()}, not '2019'."
    }
    backwards = client.get("/api/stories", params={"since": "2024-01-01", "until": "2020-01-01"})
    assert backwards.status_code == 400
    assert backwards.json() == {"error": "since (2024-01-01) is after until (2020-01-01)."}
    # The API's every error has one shape, a parameter's too.
    bad_page = client.get("/api/search", params={"q": "x", "page": "0"})
    assert bad_page.status_code == 422 and "page: " in bad_page.json()["error"]
    wrong_method = client.post("/api/stories")
    assert wrong_method.status_code == 405 and wrong_method.headers["allow"] == "GET"
    assert set(wrong_method.json()) == {"error"}
    assert "Not available this way" in client.post("/stories/x").text
    # A form field of text where a file goes: named as the form names it.
    not_a_file = client.post("/api/ingest", data={"files": "abc"})
    assert not_a_file.status_code == 422
    assert not_a_file.json() == {"error": "files: expected an uploaded file, not 'abc'."}
    # Dates in other spellings are read as the CLI reads them.
    later = client.get("/api/stories", params={"since": "24 October 2019"}).json()
    assert [s["title"] for s in later["stories"]] == [HOSTILE["title"]]


def test_ids_with_slashes_open_and_their_links_resolve(analyzed_seeds, tmp_path: Path):
    db, _ = analyzed_seeds
    foldered = {**HOSTILE, "id": "world/quake", "title": "Quake shakes the coast"}
    path = tmp_path / "foldered.jsonl"
    path.write_text(json.dumps(foldered) + "\n")
    with Store(db) as store:
        analyze(store, [str(path)])
        story_id = store.story_of(["world/quake"])["world/quake"]
    client = TestClient(create_app(str(db)), raise_server_exceptions=False)
    for url in ("/articles/world%2Fquake", "/articles/world/quake"):
        page = client.get(url)
        assert page.status_code == 200 and "Quake shakes the coast" in page.text, url
    assert client.get("/api/articles/world%2Fquake").json()["id"] == "world/quake"
    assert client.get("/api/articles/world/quake").json()["id"] == "world/quake"
    story = client.get(f"/stories/{story_id}").text
    links = set(re.findall(r'href="(/articles/world[^"#]*)', story))
    assert links
    for link in links:
        assert "Quake shakes the coast" in client.get(link).text, link


def test_other_sites_cannot_write_or_rebind(analyzed_seeds):
    db, _ = analyzed_seeds
    local = TestClient(
        create_app(str(db)), base_url="http://127.0.0.1:8000", raise_server_exceptions=False
    )
    upload = {"files": ("a.jsonl", b'{"id": "csrf-1", "text": "planted"}\n')}
    for headers in (
        {"Origin": "https://evil.example"},
        {"Origin": "null"},  # a sandboxed frame
        {"Referer": "http://evil.example:8000/page"},
        {"Origin": "http://127.0.0.1:9999"},  # another port is another origin
    ):
        form = local.post("/ingest", files=upload, headers=headers, follow_redirects=False)
        assert form.status_code == 403 and "another site" in form.text, headers
        assert form.headers["content-type"].startswith("text/html")
        api = local.post("/api/ingest", files=upload, headers=headers)
        assert api.status_code == 403 and "another site" in api.json()["error"], headers
    # The app's own pages, and scripts that send no Origin, get through to the form check.
    bad_url = {"feed_url": "file:///etc/passwd"}
    own = local.post("/api/ingest", data=bad_url, headers={"Origin": "http://127.0.0.1:8000"})
    assert own.status_code == 400
    assert local.post("/api/ingest", data=bad_url).status_code == 400
    assert local.get("/ingest").headers["referrer-policy"] == "same-origin"  # Origin is sent

    rebound = local.get("/api/stories", headers={"Host": "attacker.example"})
    assert rebound.status_code == 421 and "127.0.0.1:8000" in rebound.json()["error"]
    page = local.get("/", headers={"Host": "attacker.example:8000"})
    assert page.status_code == 421 and "Wrong address" in page.text
    for host in ("localhost:8000", "127.0.0.1", "[::1]:8000", "LOCALHOST"):
        assert local.get("/api/stories", headers={"Host": host}).status_code == 200, host
    # Bound beyond this machine, any Host is answered (the token guards writes there).
    assert TestClient(create_app(str(db))).get("/api/stories").status_code == 200


def test_ingest_from_the_page_makes_a_story(site, tmp_path: Path):
    client, _ = site
    upload = json.dumps(
        {
            "id": "upload-1",
            "source": "Upload Daily",
            "title": "Volcano erupts on remote island",
            "published": "2020-01-05",
            "text": (
                "A volcano erupted on a remote island on Sunday, sending ash thousands of metres "
                "into the sky and forcing the evacuation of nearby villages, officials said."
            ),
        }
    )
    upload += '\n{"id": "upload-2"}\n' + json.dumps(
        {"id": "upload-3", "published": "<b>soon</b>", "text": "Ash fell on the capital."}
    )
    notes = b"Ash clouds closed the island's airport for a second day on Monday."
    started = client.post(
        "/ingest",
        files=[("files", ("news.jsonl", upload.encode())), ("files", ("ash-notes.txt", notes))],
        follow_redirects=False,
    )
    assert started.status_code == 303
    job_url = started.headers["location"]
    job_id = job_url.rsplit("/", 1)[1]
    deadline = time.monotonic() + 120
    while not (job := client.get(f"/api/jobs/{job_id}").json())["done"]:
        assert time.monotonic() < deadline, job
        time.sleep(0.2)
    assert job["error"] is None and (job["articles"], job["skipped"]) == (3, 1)
    # An uploaded file's article is named as `storyline ingest ash-notes.txt` names it.
    assert client.get("/api/articles/ash-notes").status_code == 200
    # Problems and notes name the file as uploaded, never the server's scratch folder.
    assert job["problems"] == ['news.jsonl:2: missing "text" (a string is required)']
    assert job["notes"] == [
        f"news.jsonl:3: publication date '<b>soon</b>' is not a date from {readable_years()}:"
        " ignored"
    ]
    page = client.get(job_url)
    assert "Volcano erupts on remote island" in page.text
    assert "1 item skipped" in page.text and "news.jsonl:2: missing" in page.text
    assert "&lt;b&gt;soon&lt;/b&gt;" in page.text and "<b>soon" not in page.text
    assert "storyline-upload-" not in page.text
    # An untitled article is told apart from others by its id.
    assert "(untitled) upload-3" in client.get("/search", params={"q": "capital"}).text


def test_uploads_are_limited_and_guarded_by_the_token(analyzed_seeds):
    db, _ = analyzed_seeds
    guarded = TestClient(create_app(str(db), token="s3cret", max_upload_bytes=1000))
    body = {"files": ("a.jsonl", b'{"id": "x", "text": "hello"}\n')}
    assert guarded.post("/api/ingest", files=body).status_code == 403
    way_too_big = {"files": ("a.jsonl", b"x" * 200_000)}
    assert guarded.post("/api/ingest", files=way_too_big).status_code == 413
    # Sent in chunks, its length unknown until it is all read: refused before reading.
    chunks = (b"x" * 1000 for _ in range(300))
    headers = {"Content-Type": "multipart/form-data; boundary=b"}
    assert guarded.post("/api/ingest", content=chunks, headers=headers).status_code == 411
    too_big = {"files": ("a.jsonl", b"x" * 5000)}
    refused = guarded.post("/api/ingest", files=too_big, headers={"X-Storyline-Token": "s3cret"})
    assert refused.status_code == 413
    bad_url = guarded.post(
        "/api/ingest",
        data={"feed_url": "file:///etc/passwd"},
        headers={"X-Storyline-Token": "s3cret"},
    )
    assert bad_url.status_code == 400
    # Malformed addresses are refused up front, with what is wrong, never a crash.
    for url, problem in [
        ("http://[::1", "the URL is malformed"),
        ("https://" + "a" * 300 + ".example/feed", "host name is not valid"),
        ("https:///feed.xml", "names no host"),
        ("http://example.com:port/", "the URL is malformed"),
    ]:
        refused = guarded.post(
            "/api/ingest", data={"feed_url": url}, headers={"X-Storyline-Token": "s3cret"}
        )
        assert refused.status_code == 400 and problem in refused.json()["error"], url
    # Nor does a token holder make the server read what only it can reach.
    for url in [
        "http://127.0.0.1:5432/",
        "http://localhost/feed.xml",
        "http://169.254.169.254/latest/meta-data/",
        "http://10.1.2.3/rss",
        "http://[::ffff:192.168.0.1]/rss",
    ]:
        refused = guarded.post(
            "/api/ingest", data={"feed_url": url}, headers={"X-Storyline-Token": "s3cret"}
        )
        assert refused.status_code == 400, url
        assert "is this machine or a private network" in refused.json()["error"], url
    trusting = TestClient(create_app(str(db), fetch_private=True))
    job = trusting.post("/api/ingest", data={"feed_url": "http://127.0.0.1:9/feed.xml"})
    assert job.status_code == 202
    # A token of any characters is compared, not a crash; a wrong one is refused.
    accented = TestClient(create_app(str(db), token="pässwort"))
    for given, status in [("é", 403), ("pässwort", 400)]:
        headers = {"X-Storyline-Token": given.encode()}  # as clients send it: UTF-8
        sent = accented.post("/api/ingest", data={"feed_url": "x"}, headers=headers)
        assert sent.status_code == status, given
    form = accented.post("/ingest", data={"feed_url": "x", "token": "pässwor€"})
    assert form.status_code == 403
    right = accented.post("/ingest", data={"feed_url": "x", "token": "pässwort"})
    assert right.status_code == 400  # past the token: the feed URL is what is wrong


def test_report_html_and_markdown(analyzed_seeds, tmp_path: Path):
    db, story = analyzed_seeds
    html_path, md_path = tmp_path / "report.html", tmp_path / "report.md"
    for path in (html_path, md_path):
        result = CliRunner().invoke(cli, ["report", "--db", str(db), "--out", str(path), "-q"])
        assert result.exit_code == 0, result.output
    html = html_path.read_text()
    assert "<script" not in html and "http" not in html.split("<body>")[0].replace(
        "http-equiv", ""
    )  # self-contained: nothing loaded from elsewhere
    assert "<svg" in html and "Coverage" in html
    assert "Conflicts and revisions" in html and "four weeks" in html
    # Every citation lands on a sentence of the report.
    anchors = set(re.findall(r'id="(a[0-9a-f]+-\d+)"', html))
    citations = re.findall(r'class="cite" href="#(a[0-9a-f]+-\d+)"', html)
    assert citations and set(citations) <= anchors
    markdown = md_path.read_text()
    assert markdown.startswith("# storyline report") and "### Conflicts and revisions" in markdown
    assert "[^s1-1]:" in markdown
    assert story["title"].split()[0] in markdown


# -- the reports, from stories built in code -------------------------------------------------


class _Stored:
    """The little of a store that `story_view` reads for a story with a summary."""

    def __init__(self, articles: list[Article], summaries: list[Summary], comparisons=()):
        self.articles = {a.id: a for a in articles}
        self.summaries = {s.story_id: s for s in summaries}
        self.comparisons = {c.story_id: c for c in comparisons}

    def iter_articles(self, ids):
        return (self.articles[i] for i in ids if i in self.articles)

    def get_summaries(self, ids):
        return {i: self.summaries[i] for i in ids if i in self.summaries}

    def get_comparisons(self, ids):
        return {i: self.comparisons[i] for i in ids if i in self.comparisons}

    def get_annotations(self, hashes, version):
        return {}


def _story(name: str, articles: list[Article], duplicates=None) -> Story:
    dated = sorted(a.published for a in articles if a.published)
    return Story(
        id=f"story-{name}",
        title=f"The {name} story",
        articles=[a.id for a in articles],
        sources=sorted({a.source for a in articles if a.source}),
        start=dated[0] if dated else None,
        end=dated[-1] if dated else None,
        duplicates=duplicates or {},
    )


def _mention(article: Article, sentence: int = 0) -> Mention:
    return Mention(article.id, sentence, article.text, article.source, article.published)


def _cited_story(
    name: str, count: int, source: str = "Wire"
) -> tuple[Story, list[Article], Summary]:
    """A story of `count` articles by one `source`, its summary citing each of them."""
    articles = [
        Article(
            id=f"{name}-{n}", text=f"The {name} grew {n}.", source=source, published=f"2024-05-0{n}"
        )
        for n in range(1, count + 1)
    ]
    summary = Summary(
        f"story-{name}", 100, [SummarySentence(a.text, [_mention(a)]) for a in articles]
    )
    return _story(name, articles), articles, summary


def test_markdown_footnote_labels_are_unique_in_the_document():
    stories, articles, summaries = zip(
        *(_cited_story(n, 2) for n in ("fire", "flood")), strict=True
    )
    store = _Stored([a for group in articles for a in group], list(summaries))

    markdown = render_markdown(story_view(store, s) for s in stories)

    labels = re.findall(r"^\[\^([^\]]+)\]:", markdown, re.M)
    assert len(labels) == 4 and len(set(labels)) == 4
    # Each story's marks point at its own notes, and every mark has a note.
    flood = markdown.split("## The flood story")[1]
    assert set(re.findall(r"\[\^([^\]]+)\](?!:)", flood)) == set(labels[2:])
    assert "article flood-1" in flood.split(f"[^{labels[2]}]:")[1].splitlines()[0]


def test_reports_count_sources_as_the_result_json_and_in_words():
    wire = Article(id="w", text="The dam broke.", source="Wire", published="2024-05-01")
    herald = Article(id="h", text="The dam broke at dawn.", source="Herald", published="2024-05-02")
    blank = Article(id="b", text="Forty were evacuated.", source=None, published="2024-05-02")
    later = Article(id="h2", text="Sixty were evacuated.", source="Herald", published="2024-05-03")
    members = [wire, herald, blank, later]
    story = _story("dam", members)
    summary = Summary(story.id, 100, [SummarySentence(later.text, [_mention(later)])])
    revision = Conflict("quantity", _mention(blank), _mention(later), "", "f1", revision=True)
    comparison = Comparison(story.id, conflicts=[revision])
    lone, lone_articles, lone_summary = _cited_story("lone", 1)
    store = _Stored(members + lone_articles, [summary, lone_summary], [comparison])
    views = [story_view(store, story), story_view(store, lone)]
    assert story_document(story, {}, comparison, summary, members)["sources"] == story.sources

    markdown = render_markdown(views)
    html = render_report(views)

    # Two sources, as in the result JSON: an article without one is shown, not counted.
    assert (
        "4 articles, 2 sources and 1 article that names none, 2024-05-01 to 2024-05-03; "
        "0 conflicts, 1 revision." in markdown
    )
    assert "| *no source given* | 1 | 2024-05-02 | 2024-05-02 |" in markdown
    assert "1 article, 1 source," in markdown and "1 revisions" not in markdown
    assert re.search(r"4 articles\s+· 2 sources and 1 article that names none ·", html)
    assert "<em>no source given</em>" in html
    assert (
        "(1 article, 0 conflicts, 0 revisions)" in html
        and "(4 articles, 0 conflicts, 1 revision)" in html
    )
    assert "2 stories, 5 articles" in html and "peak 1 article a day" in html


def test_a_story_of_undated_articles_without_sources_says_so():
    members = [Article(id=f"u{n}", text=f"The dam broke {n} times.") for n in range(2)]
    story = _story("undated", members)
    view = story_view(_Stored(members, []), story)
    markdown = render_markdown([view])
    assert "2 articles, no source named, undated; 0 conflicts, 0 revisions." in markdown
    assert "?" not in markdown.split("### Summary")[0]
    assert re.search(r"2 articles\s+· no source named\s+·", render_report([view]))


def test_a_reports_timeline_has_no_entry_from_a_copy():
    original = Article(id="o", text="The bridge fell.", source="Wire", published="2024-05-02")
    copy = Article(id="c", text="The bridge fell.", source="Ledger", published="2024-05-01")
    story = _story("bridge", [copy, original], {copy.id: original.id})
    summary = Summary(story.id, 100, [SummarySentence(original.text, [_mention(original)])])
    view = story_view(_Stored([copy, original], [summary]), story)

    document = story_document(story, {}, None, summary, [copy, original])

    assert [e.article for e in view.timeline] == [original.id]
    assert [e["article"] for e in document["timeline"]] == [original.id]


def test_markdown_leaves_no_syntax_of_the_text_live():
    from storyline.report.markdown import md

    hostile = "~~not~~ &lt;b&gt; see https://evil.example or www.evil.example, $x$ [a](b) #1 *"
    assert md(hostile) == (
        r"\~\~not\~\~ \&lt;b\&gt; see https\://evil.example or www\.evil.example,"
        r" \$x\$ \[a\](b) \#1 \*"
    )
