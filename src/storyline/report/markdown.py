"""The report as Markdown, for terminals and plain-text tools. Untrusted text is
escaped so that an article cannot inject links, HTML or headings."""

from __future__ import annotations

import re
from collections.abc import Iterable

from storyline.report.views import StoryView
from storyline.untrusted import displayable

_SPECIAL = re.compile(r"([\\`*_\[\]<>#|])")
_MARK = {"shared": "✓", "only": "●", "disputed": "✗", "": " "}


def md(text: object) -> str:
    """Plain text safe inside Markdown: specials escaped, control characters and
    line breaks removed."""
    flat = " ".join(displayable(text).split())
    return _SPECIAL.sub(r"\\\1", flat)


def render_markdown(views: Iterable[StoryView], *, title: str = "storyline report") -> str:
    """Every story as a Markdown section."""
    lines = [f"# {md(title)}", ""]
    for view in views:
        lines += _story(view)
    return "\n".join(lines).rstrip() + "\n"


def _story(view: StoryView) -> list[str]:
    s = view.story
    span = f"{(s.start or '?')[:10]} to {(s.end or '?')[:10]}"
    out = [
        f"## {md(s.title)}",
        "",
        f"{len(s.articles)} articles, {len(view.sources)} sources, {span}; "
        f"{view.conflicts} conflicts, {view.revisions} revisions. Story `{md(s.id)}`.",
        "",
        "### Summary",
        "",
    ]
    cited: dict[tuple[str, int], int] = {}
    if view.summary and view.summary.sentences:
        for sentence in view.summary.sentences:
            marks = "".join(
                f"[^{cited.setdefault((m.article, m.sentence), len(cited) + 1)}]"
                for m in sentence.citations
            )
            note = f" *{md(sentence.note)}*" if sentence.note else ""
            out.append(f"- {md(sentence.text)}{marks}{note}")
        out.append("")
        mentions = {(m.article, m.sentence): m for x in view.summary.sentences for m in x.citations}
        for key, number in cited.items():
            m = mentions[key]
            out.append(
                f"[^{number}]: {md(m.source or 'unknown source')}, {md(m.published or 'undated')}: "
                f"article {md(m.article)}, sentence {m.sentence}"
            )
    else:
        out.append("No summary yet.")
    out += ["", "### Sources", "", "| source | articles | first | last |", "|---|---:|---|---|"]
    out += [
        f"| {md(r.source)} | {r.articles} | {md(r.first or '')} | {md(r.last or '')} |"
        for r in view.sources
    ]
    if view.comparison and view.comparison.conflicts:
        out += ["", "### Conflicts and revisions", ""]
        for c in view.comparison.conflicts:
            label = "Revision" if c.revision else "Conflict"
            out.append(f"- **{label} ({md(c.kind)})**: {md(c.explanation)}")
            for m in (c.a, c.b):
                out.append(
                    f"  - {md(m.published or 'undated')}, {md(m.source or m.article)}: {md(m.text)}"
                )
    if view.matrix:
        names = " | ".join(md(x) for x in view.matrix_sources)
        out += ["", "### Who reports what", "", f"| fact | {names} |"]
        out.append("|---|" + "---|" * len(view.matrix_sources))
        for row in view.matrix:
            cells = " | ".join(_MARK[c] for c in row.cells)
            out.append(f"| {md(row.fact.text)} | {cells} |")
    if view.timeline:
        out += ["", "### Timeline", ""]
        out += [
            f"- {md((e.time or 'undated')[:16])} ({e.kind}): {md(e.text)}" for e in view.timeline
        ]
    if view.quotes:
        out += ["", "### Quotes", ""]
        out += [f"- {md(q['speaker'] or 'unattributed')}: “{md(q['text'])}”" for q in view.quotes]
    out.append("")
    return out
