"""The report as Markdown, for terminals and plain-text tools. Untrusted text is
escaped so that an article cannot inject links, HTML or headings."""

from __future__ import annotations

import re
from collections.abc import Iterable

from storyline.report.views import NO_SOURCE, SourceRow, StoryView
from storyline.report.words import counted
from storyline.untrusted import displayable

# Markdown's specials, with GitHub's: "~~" strikes through, "&lt;" is an entity, "$" math.
_SPECIAL = re.compile(r"([\\`*_\[\]<>#|~&$])")
# Where GitHub would make a link of bare text ("https://…", "www.…"): an escape stops it.
_AUTOLINK = re.compile(r"(?i)\b(https?|ftp|www)([:.])")
_MARK = {"shared": "✓", "only": "●", "disputed": "✗", "": " "}


def md(text: object) -> str:
    """Plain text safe inside Markdown: specials escaped (GitHub's too), bare links
    not made links, control characters and line breaks removed."""
    flat = " ".join(displayable(text).split())
    return _AUTOLINK.sub(r"\1\\\2", _SPECIAL.sub(r"\\\1", flat))


def render_markdown(views: Iterable[StoryView], *, title: str = "storyline report") -> str:
    """Every story as a Markdown section."""
    lines = [f"# {md(title)}", ""]
    for number, view in enumerate(views, 1):
        lines += _story(view, f"s{number}")
    return "\n".join(lines).rstrip() + "\n"


def _story(view: StoryView, prefix: str) -> list[str]:
    """The story's section. Footnote labels start with `prefix` (``s3`` for the third
    story): labels are global to a Markdown document, so a bare ``[^1]`` in a later
    story would land on the first story's note."""
    s = view.story
    span = ", undated" if not s.start else f", {s.start[:10]}"
    if s.end and s.end[:10] != (s.start or "")[:10]:
        span += f" to {s.end[:10]}"
    out = [
        f"## {md(s.title)}",
        "",
        f"{counted(len(s.articles), 'article')}, {view.sources_named}{span}; "
        f"{counted(view.conflicts, 'conflict')}, {counted(view.revisions, 'revision')}. "
        f"Story `{md(s.id)}`.",
        "",
        "### Summary",
        "",
    ]
    cited: dict[tuple[str, int], int] = {}
    if view.summary and view.summary.sentences:
        for sentence in view.summary.sentences:
            marks = "".join(
                f"[^{prefix}-{cited.setdefault((m.article, m.sentence), len(cited) + 1)}]"
                for m in sentence.citations
            )
            note = f" *{md(sentence.note)}*" if sentence.note else ""
            out.append(f"- {md(sentence.text)}{marks}{note}")
        out.append("")
        mentions = {(m.article, m.sentence): m for x in view.summary.sentences for m in x.citations}
        for key, number in cited.items():
            m = mentions[key]
            out.append(
                f"[^{prefix}-{number}]: {md(m.source or 'unknown source')}, "
                f"{md(m.published or 'undated')}: article {md(m.article)}, sentence {m.sentence}"
            )
    else:
        out.append("No summary yet.")
    out += ["", "### Sources", "", "| source | articles | first | last |", "|---|---:|---|---|"]
    out += [_source_row(md(r.source), r) for r in view.sources]
    if view.unsourced:  # every article accounted for, but not counted as a source
        out.append(_source_row(f"*{NO_SOURCE}*", view.unsourced))
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


def _source_row(name: str, row: SourceRow) -> str:
    """A row of the sources table; `name` is Markdown already."""
    return f"| {name} | {row.articles} | {md(row.first or '')} | {md(row.last or '')} |"
