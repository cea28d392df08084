"""The web app and the report: pages, the JSON API, safety, ingest from the page."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from storyline import engine
from storyline.cli import app as cli
from storyline.store import Store
from storyline.web import create_app

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
        engine.analyze(store, [str(hostile)])
    with TestClient(create_app(str(db)), raise_server_exceptions=False) as client:
        yield client, story


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
    assert served["summary"] == story["summary"]
    assert served["conflicts"] == story["conflicts"]
    assert served["timeline"] == story["timeline"]
    schema = client.get("/api/openapi.json").json()
    assert "StoryOut" in schema["components"]["schemas"]
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
    started = client.post(
        "/ingest", files={"files": ("news.jsonl", upload.encode())}, follow_redirects=False
    )
    assert started.status_code == 303
    job_url = started.headers["location"]
    job_id = job_url.rsplit("/", 1)[1]
    deadline = time.monotonic() + 120
    while not (job := client.get(f"/api/jobs/{job_id}").json())["done"]:
        assert time.monotonic() < deadline, job
        time.sleep(0.2)
    assert job["error"] is None and job["articles"] == 1
    page = client.get(job_url)
    assert "Volcano erupts on remote island" in page.text


def test_uploads_are_limited_and_guarded_by_the_token(analyzed_seeds):
    db, _ = analyzed_seeds
    guarded = TestClient(create_app(str(db), token="s3cret", max_upload_bytes=1000))
    body = {"files": ("a.jsonl", b'{"id": "x", "text": "hello"}\n')}
    assert guarded.post("/api/ingest", files=body).status_code == 403
    way_too_big = {"files": ("a.jsonl", b"x" * 200_000)}
    assert guarded.post("/api/ingest", files=way_too_big).status_code == 413  # before the token
    too_big = {"files": ("a.jsonl", b"x" * 5000)}
    refused = guarded.post("/api/ingest", files=too_big, headers={"X-Storyline-Token": "s3cret"})
    assert refused.status_code == 413
    bad_url = guarded.post(
        "/api/ingest",
        data={"feed_url": "file:///etc/passwd"},
        headers={"X-Storyline-Token": "s3cret"},
    )
    assert bad_url.status_code == 400


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
    assert "[^1]:" in markdown
    assert story["title"].split()[0] in markdown
