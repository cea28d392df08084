"""How `show` and `demo` print a story (its articles, summary, comparison and quotes)
and an article's annotation (who said what, who is mentioned)."""

from __future__ import annotations

from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from storyline.cli.output import heading, out, plain
from storyline.model import Annotation, Article, Comparison, Story, Summary
from storyline.report.words import counted
from storyline.untrusted import displayable

SHOWN_QUOTES = 12  # a story's direct quotes `show` prints; --json has them all


def _show_story(
    story: Story,
    members: dict[str, Article],
    comparison: Comparison | None,
    summary: Summary | None,
) -> None:
    facts = Table.grid(padding=(0, 2))
    span = (
        story.start if story.start == story.end else f"{story.start or '?'} to {story.end or '?'}"
    )
    for name, value in (
        ("id", story.id),
        ("articles", story.size),
        ("reported", span if story.start or story.end else None),
        ("sources", ", ".join(story.sources)),
    ):
        if value:
            facts.add_row(Text(name, style="dim"), plain(value))
    out.print(Panel(facts, title=heading(story.title), title_align="left"))
    if summary is not None:
        _print_story_summary(summary)
    table = Table(header_style="bold")
    for name in ("published", "source", "id", "title"):
        table.add_column(name, overflow="fold")
    for article_id in story.articles:
        article = members.get(article_id)
        if article is None:
            continue
        original = story.duplicates.get(article_id)
        title = article.title or "(untitled)"
        table.add_row(
            plain(article.published),
            plain(article.source),
            plain(article.id),
            plain(f"{title}  [copy of {original}]" if original else title),
        )
    out.print(table)
    if comparison is not None:
        _print_comparison(comparison)
    if summary is not None and summary.quotes:
        _print_story_quotes(summary.quotes, members)


def _print_story_quotes(quotes: list[dict], members: dict[str, Article]) -> None:
    """The first of the story's direct quotes: who, in which source, said what."""
    table = Table(title="Who said what", header_style="bold")
    table.add_column("speaker", overflow="fold", max_width=24)
    table.add_column("source", overflow="fold", max_width=20)
    table.add_column("words", overflow="fold", ratio=1)
    for quote in quotes[:SHOWN_QUOTES]:
        article = members.get(quote["article"])
        source = (article.source if article else None) or f"article {quote['article']}"
        table.add_row(plain(quote["speaker"] or "?"), plain(source), plain(quote["text"]))
    out.print(table)
    if len(quotes) > SHOWN_QUOTES:
        more = counted(len(quotes) - SHOWN_QUOTES, "more quote")
        out.print(plain(f"… and {more} (--json lists them all).", "dim"))


def _print_story_summary(summary: Summary) -> None:
    """The summary with numbered citations, then what each number points to."""
    numbers: dict[tuple[str, int], int] = {}
    body = Text()
    for sentence in summary.sentences:
        marks = []
        for mention in sentence.citations:
            key = (mention.article, mention.sentence)
            marks.append(numbers.setdefault(key, len(numbers) + 1))
        if body:
            body.append(" ")
        body.append_text(plain(sentence.text))
        body.append("".join(f"[{n}]" for n in marks), style="cyan")
        if sentence.note:
            body.append(" ")
            body.append_text(plain(sentence.note, "italic yellow"))
    cited = Table.grid(padding=(0, 1))
    mentions = {(m.article, m.sentence): m for s in summary.sentences for m in s.citations}
    for key, number in numbers.items():
        mention = mentions[key]
        cited.add_row(
            Text(f"[{number}]", style="cyan"),
            plain(
                f"{mention.source or 'unknown source'}, {mention.published or 'undated'}: "
                f"article {mention.article}, sentence {mention.sentence}"
            ),
        )
    grid = Table.grid()
    grid.add_row(body)
    grid.add_row(Text(""))
    grid.add_row(cited)
    out.print(Panel(grid, title=Text("Summary", style="bold"), title_align="left"))


def _print_comparison(comparison: Comparison) -> None:
    """Conflicts and revisions side by side, then what several sources agree on."""
    for conflict in comparison.conflicts:
        label = "Revision" if conflict.revision else "Conflict"
        grid = Table.grid(padding=(0, 2))
        for mention in (conflict.a, conflict.b):
            grid.add_row(
                plain(f"{mention.published or 'undated'}", "dim"),
                plain(mention.source or mention.article, "bold"),
                plain(mention.text),
            )
        grid.add_row(Text(""), Text(""), plain(conflict.explanation, "italic"))
        title = plain(
            f"{label} ({conflict.kind})", "bold yellow" if conflict.revision else "bold red"
        )
        out.print(Panel(grid, title=title, title_align="left"))
    agreed = [f for f in comparison.facts if f.status == "consensus"]
    if agreed:
        table = Table(title="Reported by several sources", header_style="bold")
        table.add_column("sources", overflow="fold", max_width=30)
        table.add_column("fact", overflow="fold", ratio=1)
        for fact in agreed:
            table.add_row(plain(", ".join(fact.sources)), plain(fact.text))
        out.print(table)
    single = sum(f.status == "single" for f in comparison.facts)
    if single:
        out.print(
            plain(
                f"{counted(single, 'statement comes', 'statements come')} from one source only "
                "(--json lists them).",
                "dim",
            )
        )


def _print_annotation(annotation: Annotation, label: str | None = None) -> None:
    """Who said what, and who is mentioned, for one annotated article (named in the
    table's title by `label` when several are shown)."""
    if annotation.quotes:
        title = Text(f"Who said what in {displayable(label)}" if label else "Who said what")
        quotes = Table(title=title, header_style="bold", show_lines=False)
        quotes.add_column("sentence", justify="right")
        quotes.add_column("speaker", overflow="fold", max_width=28)
        quotes.add_column("kind")
        quotes.add_column("words", overflow="fold", ratio=1)
        for quote in annotation.quotes:
            quotes.add_row(
                str(quote.sentence), plain(quote.speaker or "?"), quote.kind, plain(quote.text)
            )
        out.print(quotes)
    counts: dict[tuple[str, str], int] = {}
    for entity in annotation.entities:
        key = (entity.canonical, entity.label)
        counts[key] = counts.get(key, 0) + 1
    if counts:
        top = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:15]
        out.print(
            plain("Mentioned: " + ", ".join(f"{n} ({label.lower()}) x{c}" for (n, label), c in top))
        )
