"""`relate`: statement pairs classified as entailment, contradiction or neutral, read
from JSON lines with each bad line reported."""

from __future__ import annotations

import codecs
import json
import sys
from collections.abc import Iterable
from contextlib import nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

import typer

from storyline.batching import batched
from storyline.cli.application import app
from storyline.cli.output import (
    EXIT_MODEL,
    EXIT_NOTHING,
    LISTED_PROBLEMS,
    MOST,
    ClassifierEncoderOption,
    QuietOption,
    err,
    output_lines,
    plain,
)
from storyline.compare import relate_pairs
from storyline.ingest.jsonl import NotJSON, parse_json
from storyline.language import EncoderUnavailable, ModelUnavailable, load_encoder
from storyline.model import Annotation, Article
from storyline.relations import ModelMismatch, RelationModel
from storyline.report.words import counted
from storyline.untrusted import UNSAFE


@app.command()
def relate(
    pairs_path: Annotated[
        Path, typer.Argument(metavar="PAIRS.jsonl", help='Lines of {"id", "a", "b"}; - for stdin.')
    ],
    out_path: Annotated[
        Path | None, typer.Option("--out", "-o", help="Where to write the relations (stdout).")
    ] = None,
    encoder: ClassifierEncoderOption = "auto",
    batch_size: Annotated[
        int, typer.Option(min=1, max=MOST, help="Pairs classified at a time.")
    ] = 512,
    checks: Annotated[
        bool,
        typer.Option(
            help="Also compare the statements' figures, dates, polarity and speakers as "
            "stories' sources are compared (parses them with spaCy); a disagreement found "
            "makes the pair a contradiction, with a check and an explanation."
        ),
    ] = True,
    quiet: QuietOption = False,
) -> None:
    """Classify statement pairs as entailment, contradiction or neutral with storyline's
    own relation classifier and the comparison's checks.

    Writes {"id", "relation",
    "scores"} lines in input order (the scores are the classifier's; a pair the checks
    find at odds adds "check" and "explanation"); bad lines are reported and skipped; a
    pair without an id is named by its line number, and it and a repeated id are warned
    about."""
    try:
        loaded = load_encoder(encoder)
        model = RelationModel.load()
        model.check_encoder(loaded.name)
    except (EncoderUnavailable, ModelMismatch) as exc:
        err.print(plain(f"error: {exc}", "red"))
        raise typer.Exit(EXIT_MODEL) from exc
    problems = warnings = written = 0
    try:
        # Bytes, decoded line by line: one line that is not UTF-8 is reported, not fatal.
        source = sys.stdin.buffer if str(pairs_path) == "-" else pairs_path.open("rb")
    except OSError as exc:
        err.print(plain(f"error: cannot read {pairs_path}: {exc.strerror or exc}", "red"))
        raise typer.Exit(EXIT_NOTHING) from exc
    if checks:
        from storyline.language.annotate import Annotator  # spaCy: only with the checks

        annotator = Annotator()
    else:
        annotator = nullcontext()
    with source, output_lines(out_path) as handle, annotator:
        for batch in batched(_statement_pairs(source, pairs_path), batch_size):
            good = [p for p in batch if isinstance(p, tuple)]
            for item in batch:
                if isinstance(item, _PairWarning):
                    warnings += 1
                    if not quiet and warnings <= LISTED_PROBLEMS:
                        err.print(plain(f"warning: {item.message}", "yellow"))
                elif isinstance(item, str):
                    problems += 1
                    if not quiet and problems <= LISTED_PROBLEMS:
                        err.print(plain(f"skipped {item}", "yellow"))
            a, b = [a for _, a, _ in good], [b for _, _, b in good]
            try:
                annotations = _annotated([*a, *b], annotator) if checks else None
            except ModelUnavailable as exc:
                err.print(plain(f"error: {exc} (or leave the checks out: --no-checks)", "red"))
                raise typer.Exit(EXIT_MODEL) from exc
            found = relate_pairs(a, b, loaded, model, annotations)
            for (pair_id, _, _), (relation, finding) in zip(good, found, strict=True):
                line = {"id": pair_id, "relation": relation.label, "scores": relation.scores}
                if finding is not None:
                    line |= {
                        "relation": "contradiction",
                        "check": finding.kind,
                        "explanation": f"a: {finding.says_a}; b: {finding.says_b}.",
                    }
                handle.write(json.dumps(line, ensure_ascii=False) + "\n")
                written += 1
    if not quiet:
        warned = f"; {counted(warnings, 'warning')}" if warnings else ""
        err.print(
            plain(
                f"Classified {counted(written, 'pair')}; "
                f"skipped {counted(problems, 'bad line')}{warned}."
            )
        )
    if written == 0:
        raise typer.Exit(EXIT_NOTHING)


def _annotated(texts: list[str], annotator) -> dict[str, Annotation]:
    """Each distinct text's annotation, by text."""
    distinct = list(dict.fromkeys(texts))
    articles = [Article(str(i), text) for i, text in enumerate(distinct)]
    return dict(zip(distinct, annotator.annotate(articles), strict=True))


@dataclass(frozen=True)
class _PairWarning:
    """What is odd about a line whose pair is still classified."""

    message: str


def _statement_pairs(lines: Iterable[bytes], path: Path):
    """(id, a, b) for each good line, or a message saying what is wrong with a bad one,
    preceded by a `_PairWarning` for a good line whose id is missing or repeated.

    A pair without an id is named by its line number (scripts that match output to
    input by position rely on it), with a warning. A repeated id is classified again,
    with a warning naming the line that had it first: the output then holds both.
    Characters that ingest strips from articles are stripped from ids and texts too (a
    JSON escape can still carry a control character, a bidi override or a lone
    surrogate). Memory: the ids seen, for the repeat check."""
    seen: dict[str, int] = {}
    for number, raw in enumerate(lines, 1):
        if number == 1:
            raw = raw.removeprefix(codecs.BOM_UTF8)
        if not raw.strip():
            continue
        where = f"{path}:{number}"
        try:
            item = parse_json(raw.decode("utf-8"))
        except UnicodeDecodeError as exc:
            yield f"{where}: not UTF-8 (byte {exc.start + 1} of the line)"
            continue
        except NotJSON as exc:
            yield f"{where}: not JSON ({exc})"
            continue
        if not isinstance(item, dict):
            yield f"{where}: expected an object with id, a and b"
            continue
        given = item.get("id")
        pair_id = number if given is None else given
        if isinstance(pair_id, bool) or not isinstance(pair_id, str | int):
            yield f"{where}: id must be text or a whole number"
            continue
        texts = {k: UNSAFE.sub("", v) for k in ("a", "b") if isinstance(v := item.get(k), str)}
        missing = [k for k in ("a", "b") if not texts.get(k, "").strip()]
        if missing:
            yield f"{where}: {' and '.join(missing)} must be non-empty text"
            continue
        pair_id = UNSAFE.sub("", str(pair_id))
        if given is None:
            yield _PairWarning(f"{where}: no id, so the pair is named {number} after its line")
        first = seen.setdefault(pair_id, number)
        if first != number:
            yield _PairWarning(
                f"{where}: id {pair_id!r} repeats line {first}'s; the output has a line for each"
            )
        yield (pair_id, texts["a"], texts["b"])
