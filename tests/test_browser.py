"""End-to-end tests of the web app in a real browser: Playwright driving Debian's Chromium.

Screenshots go to test-screenshots/ (or $STORYLINE_SCREENSHOTS). Without the
Playwright package or a Chromium at $STORYLINE_CHROMIUM (default /usr/bin/chromium:
`apt-get install chromium`), the tests skip and say so; .ci/run installs both.
"""

from __future__ import annotations

import json
import os
import socket
import threading
import time
from pathlib import Path

import pytest

from storyline.pipeline import analyze
from storyline.store import Store
from storyline.web import create_app
from tests.test_web import HOSTILE

REPO = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("STORYLINE_CHROMIUM", "/usr/bin/chromium")
SHOTS = Path(os.environ.get("STORYLINE_SCREENSHOTS", REPO / "test-screenshots"))


@pytest.fixture(scope="module")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api", reason="pip install playwright")
    if not Path(CHROMIUM).exists():
        pytest.skip(f"no Chromium at {CHROMIUM} (apt-get install chromium)")
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--headless", "--no-sandbox"]
        )
        yield launched
        launched.close()


@pytest.fixture
def server(analyzed_seeds, tmp_path: Path):
    """The app over the seeds' store (plus an article carrying markup), served by
    uvicorn on a free local port: (base URL, the seeds' story)."""
    import uvicorn

    db, story = analyzed_seeds
    hostile = tmp_path / "hostile.jsonl"
    hostile.write_text(json.dumps(HOSTILE) + "\n")
    with Store(db) as store:
        analyze(store, [str(hostile)])
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config = uvicorn.Config(create_app(str(db)), host="127.0.0.1", port=port, log_level="warning")
    running = uvicorn.Server(config)
    thread = threading.Thread(target=running.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not running.started:
        assert time.monotonic() < deadline, "the server did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}", story
    running.should_exit = True
    thread.join(timeout=10)


@pytest.fixture
def page(browser):
    opened = browser.new_page(viewport={"width": 1200, "height": 900})
    dialogs: list[str] = []
    opened.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    opened.dialogs = dialogs
    yield opened
    opened.close()


def _shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_story_list_and_the_seeds_story_with_its_conflict(server, page):
    base, story = server
    page.goto(base + "/")
    _shot(page, "story-list")
    page.get_by_role("link", name=story["title"]).click()
    page.wait_for_selector("text=Conflicts and revisions")
    assert "revision · polarity" in page.inner_text("main").lower()
    assert "four weeks" in page.inner_text(".summary")
    _shot(page, "seeds-story")
    # A citation leads to its sentence, highlighted, in the article's page.
    page.locator(".summary a.cite").first.click()
    page.wait_for_selector(".article-text .used")
    assert page.url.split("#")[1].startswith("s-")


def test_search_for_esper(server, page):
    base, _ = server
    page.goto(base + "/")
    page.get_by_role("searchbox", name="Search articles").fill("Esper")
    page.get_by_role("button", name="Search").click()
    page.wait_for_selector("ol.results")
    assert "2 articles match “Esper”" in page.inner_text("main")
    _shot(page, "search-esper")


def test_upload_a_file_and_see_its_story(server, page, tmp_path: Path):
    base, _ = server
    upload = tmp_path / "volcano.jsonl"
    upload.write_text(
        json.dumps(
            {
                "id": "volcano-1",
                "source": "Island Post",
                "title": "Volcano erupts on remote island",
                "published": "2020-01-05",
                "text": (
                    "A volcano erupted on a remote island on Sunday, sending ash thousands of "
                    "metres into the sky and forcing the evacuation of nearby villages, "
                    "officials said."
                ),
            }
        )
        + "\n"
    )
    page.goto(base + "/ingest")
    page.set_input_files("input[name=files]", str(upload))
    page.get_by_role("button", name="Add").click()
    page.wait_for_selector("#stage:has-text('Done')", timeout=120_000)
    _shot(page, "upload-done")
    page.get_by_role("link", name="Volcano erupts on remote island").click()
    page.wait_for_selector("h1:has-text('Volcano erupts on remote island')")
    _shot(page, "upload-story")


def test_an_article_titled_with_a_script_stays_inert(server, page):
    base, _ = server
    page.goto(base + "/")
    page.get_by_role("link", name=HOSTILE["title"]).click()
    page.goto(base + "/articles/hostile-1")
    assert page.inner_text("h1") == HOSTILE["title"]  # shown as text, not run
    assert page.get_by_role("link", name="original").get_attribute("href") == "#"
    assert page.locator("main img").count() == 0
    page.wait_for_timeout(300)
    assert page.dialogs == []
    _shot(page, "hostile-article")
