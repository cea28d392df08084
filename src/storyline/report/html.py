"""The HTML report: one self-contained file (inline CSS and SVG, no scripts, no
external assets) with every story, its cited summary, sources, conflicts and
revisions, who reports what, timeline, entities and quotes, and the articles
themselves so that every citation has a sentence to land on.

Article text, titles and URLs are untrusted: Jinja2 escapes everything, URLs
other than http(s) become inert, and the page's Content-Security-Policy allows
no scripts at all.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import UTC, datetime
from urllib.parse import urlsplit

from jinja2 import ChoiceLoader, Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from storyline import __version__
from storyline.model import Comparison, Summary
from storyline.report.svg import coverage_chart
from storyline.report.views import StoryView
from storyline.report.words import counted


def template_environment(*packages: str) -> Environment:
    """A Jinja2 environment over the report's templates (and those of `packages`),
    autoescaping everything, with the helpers the story templates use."""
    loaders = [PackageLoader(p, "templates") for p in packages]
    loaders.append(PackageLoader("storyline.report", "templates"))
    env = Environment(
        loader=ChoiceLoader(loaders),
        autoescape=select_autoescape(["html", "css"], default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["safe_url"] = safe_url
    env.globals["chart"] = lambda days, noun="article": Markup(coverage_chart(days, noun=noun))
    env.globals["counted"] = counted
    env.globals["anchor"] = anchor
    return env


def safe_url(url: str | None) -> str:
    """`url` when it is an http(s) address, else "#": a `javascript:` or `data:` URL
    from an article must never become a live link."""
    if not url:
        return "#"
    try:
        scheme = urlsplit(url.strip()).scheme.lower()
    except ValueError:
        return "#"
    return url.strip() if scheme in ("http", "https") else "#"


def anchor(article_id: str) -> str:
    """An HTML id for an article: article ids are untrusted and may hold any character."""
    return "a" + hashlib.blake2b(article_id.encode(), digest_size=6).hexdigest()


class ReportLinks:
    """Citations and timeline entries point into the report itself."""

    def sentence(self, article_id: str, sentence: int) -> str:
        return f"#{anchor(article_id)}-{sentence}"

    def article(self, article_id: str) -> str:
        return f"#{anchor(article_id)}"


def used_sentence_keys(
    summary: Summary | None, comparison: Comparison | None
) -> tuple[set[tuple[str, int]], set[tuple[str, int]]]:
    """(article, sentence) keys the summary cites, and those of facts several articles state."""
    used = {
        (m.article, m.sentence) for s in (summary.sentences if summary else []) for m in s.citations
    }
    facts = {
        (m.article, m.sentence)
        for f in (comparison.facts if comparison else [])
        if f.status != "single"
        for m in f.mentions
    }
    return used, facts


def render_report(
    views: Iterable[StoryView],
    *,
    title: str = "storyline report",
    corpus_coverage: list[tuple[str, int]] | None = None,
) -> str:
    """The whole report as one HTML document."""
    views = list(views)
    used, facts = {}, {}
    for view in views:
        used[view.story.id], facts[view.story.id] = used_sentence_keys(
            view.summary, view.comparison
        )
    template = template_environment().get_template("report.html")
    return template.render(
        title=title,
        views=views,
        links=ReportLinks(),
        used=used,
        facts=facts,
        corpus_coverage=corpus_coverage or [],
        article_count=sum(len(v.articles) for v in views),
        version=__version__,
        made=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
    )
