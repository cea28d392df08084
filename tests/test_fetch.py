"""Pages and feeds from URLs, against a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import threading
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar

import httpx
import pytest

from storyline import engine
from storyline.ingest.fetch import Fetcher, FetchError
from storyline.ingest.urls import private_host_problem
from storyline.model import Note
from storyline.store import Store
from tests.builders import STORY, news_page, rss_feed


class _Site(BaseHTTPRequestHandler):
    hits: ClassVar[Counter] = Counter()
    routes: ClassVar[dict[str, tuple[int, str, str]]] = {}

    def do_GET(self):
        self.hits[self.path] += 1
        if self.path == "/loop":
            self.send_response(302)
            self.send_header("Location", "/loop")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        if self.path == "/flaky" and self.hits[self.path] < 3:
            status, kind, body = 503, "text/plain", "busy"
        else:
            status, kind, body = self.routes.get(self.path, (404, "text/plain", "not found"))
        payload = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args):
        pass


@pytest.fixture
def site():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Site)
    base = f"http://127.0.0.1:{server.server_port}"
    page_b = news_page("Dams inspected upstream", STORY[1:], url=f"{base}/b")
    _Site.hits = Counter()
    _Site.routes = {
        "/page": (200, "text/html; charset=utf-8", news_page(url=f"{base}/page")),
        "/flaky": (200, "text/html", news_page("Flaky but fine", url=f"{base}/flaky")),
        "/b": (200, "text/html", page_b),
        "/feed": (
            200,
            "application/rss+xml",
            rss_feed(
                [
                    {
                        "title": "Floods",
                        "link": f"{base}/page",
                        "date": "Tue, 22 Oct 2019 09:30:00 GMT",
                        "summary": "Short summary of the floods from the feed.",
                    },
                    {
                        "title": "Dams",
                        "link": f"{base}/b",
                        "date": "Tue, 22 Oct 2019 10:30:00 GMT",
                        "summary": "Short summary of the dams from the feed.",
                    },
                    {
                        "title": "Gone",
                        "link": f"{base}/gone",
                        "date": "Tue, 22 Oct 2019 11:30:00 GMT",
                        "summary": "A summary whose page has been taken down.",
                    },
                ],
                link=base,
            ),
        ),
    }
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield base
    server.shutdown()


def run(specs, tmp_path, **options):
    with Store(tmp_path / "s.db") as store, Fetcher(backoff=0.01) as fetcher:
        summary = engine.ingest(specs, store, fetcher=fetcher, collect_ids=True, **options)
        return summary, {a.id: a for a in store.iter_articles()}


def test_a_page_url_is_fetched_and_extracted(site, tmp_path):
    _, stored = run([f"{site}/page"], tmp_path)
    [article] = stored.values()
    assert article.title == "Floods cut off northern villages"
    assert article.url == f"{site}/page" and STORY[0] in article.text


def test_transient_errors_are_retried_with_backoff(site, tmp_path):
    summary, _ = run([f"{site}/flaky"], tmp_path)
    assert summary.read == 1 and _Site.hits["/flaky"] == 3


def test_a_failing_url_is_named_in_a_clear_error(site, tmp_path):
    summary, _ = run([f"{site}/gone", f"{site}/page"], tmp_path)
    assert summary.read == 1
    [problem] = summary.problems
    assert problem.origin == f"{site}/gone" and problem.reason == "HTTP 404 Not Found"
    unreachable = "http://127.0.0.1:9/nothing-listens-here"
    summary, _ = run([unreachable], tmp_path)
    assert summary.problems[0].origin == unreachable
    assert "gave up after 4 attempts" in summary.problems[0].reason


def test_a_redirect_loop_is_a_clear_error_and_the_run_goes_on(site, tmp_path):
    summary, stored = run([f"{site}/loop", f"{site}/page"], tmp_path)
    assert len(stored) == 1
    assert summary.problems[0].origin == f"{site}/loop"
    assert "TooManyRedirects" in summary.problems[0].reason


def test_feed_from_url_uses_item_summaries(site, tmp_path):
    summary, stored = run([f"{site}/feed"], tmp_path)
    assert sorted(a.text for a in stored.values())[0] == "A summary whose page has been taken down."
    assert summary.read == 3


def test_feed_with_fetch_extracts_each_linked_page(site, tmp_path):
    summary, stored = run([f"{site}/feed"], tmp_path, fetch_links=True)
    by_title = {a.title: a for a in stored.values()}
    assert STORY[0] in by_title["Floods cut off northern villages"].text
    assert STORY[1] in by_title["Dams inspected upstream"].text
    assert by_title["Gone"].text == "A summary whose page has been taken down."
    [note] = summary.notes
    assert isinstance(note, Note) and "HTTP 404" in note.message and "/gone" in note.message


def test_a_public_only_fetcher_refuses_this_machine_and_private_networks(site):
    base = site
    refused = pytest.raises(FetchError, match=r"127\.0\.0\.1 is this machine or a private network")
    with Fetcher(public_only=True, attempts=1) as web, refused:
        web.fetch(f"{base}/page")
    with Fetcher(attempts=1) as web:  # the CLI fetches what its user names, anywhere
        assert web.fetch(f"{base}/page").content


def test_a_public_only_fetcher_refuses_a_redirect_to_a_private_address():
    asked: list[str] = []

    def answer(request: httpx.Request) -> httpx.Response:
        asked.append(str(request.url))
        if request.url.host == "93.184.216.34":  # a public address, sending us inside
            return httpx.Response(302, headers={"Location": "http://169.254.169.254/latest/"})
        return httpx.Response(200, text="credentials")

    with Fetcher(transport=httpx.MockTransport(answer), attempts=1) as web:
        assert web.fetch("http://93.184.216.34/feed").content == b"credentials"
    asked.clear()
    guarded = Fetcher(transport=httpx.MockTransport(answer), attempts=1, public_only=True)
    with guarded, pytest.raises(FetchError, match=r"169\.254\.169\.254 is this machine"):
        guarded.fetch("http://93.184.216.34/feed")
    assert asked == ["http://93.184.216.34/feed"]  # the private address was never asked


@pytest.mark.parametrize(
    ("host", "refused"),
    [
        ("8.8.8.8", False),
        ("2606:4700:4700::1111", False),
        ("2002:5db8:d822::1", False),  # 6to4 of a public address
        ("127.1", True),  # 127.0.0.1, as a resolver reads it
        ("[::1]", True),
        ("169.254.169.254", True),
        ("::ffff:10.0.0.1", True),  # an IPv4 address inside an IPv6 one, every way
        ("::127.0.0.1", True),
        ("2002:7f00:1::1", True),
        ("64:ff9b::a9fe:a9fe", True),
        ("feeds.example.invalid", True),  # no address: nothing says what it is
    ],
)
def test_what_a_public_only_fetcher_will_not_reach(host, refused):
    assert (private_host_problem(host) is not None) == refused
