"""Ingest jobs started from the web page: the whole pipeline in a background thread,
one job at a time (the store takes one writer), with its stage for the progress page."""

from __future__ import annotations

import shutil
import threading
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from storyline.engine import IngestSummary
from storyline.ingest.fetch import Fetcher
from storyline.model import Note, Skipped
from storyline.pipeline import Pipeline, analyze
from storyline.store import Store

SHOWN_PER_KIND = 20  # skipped items and notes listed on a job's page; the rest are counted


@dataclass(slots=True)
class Job:
    id: str
    inputs: list[str]  # names as the user gave them (file names, the feed URL)
    stage: str = "waiting"
    done: bool = False
    error: str | None = None
    articles: int = 0
    skipped: int = 0
    stories: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # "where: why", the first SHOWN_PER_KIND
    notes: list[str] = field(default_factory=list)  # likewise
    more_notes: int = 0

    def to_dict(self) -> dict:
        return {
            "id": self.id,
            "inputs": self.inputs,
            "stage": self.stage,
            "done": self.done,
            "error": self.error,
            "articles": self.articles,
            "skipped": self.skipped,
            "stories": self.stories,
            "problems": self.problems,
            "notes": self.notes,
            "more_notes": self.more_notes,
        }


class Jobs:
    """Runs ingest jobs against one store, one after another. With `public_only`, URLs
    are fetched only from public addresses (see `Fetcher`)."""

    def __init__(self, store: Store, encoder: str = "auto", public_only: bool = True) -> None:
        self.store = store
        self.encoder = encoder
        self.public_only = public_only
        self._jobs: dict[str, Job] = {}
        self._lock = threading.Lock()  # one pipeline run at a time

    def get(self, job_id: str) -> Job | None:
        return self._jobs.get(job_id)

    def start(self, specs: list[str], names: list[str], scratch: Path | None = None) -> Job:
        """Start the pipeline over `specs` (paths or URLs); `scratch` (uploaded files)
        is removed when the job ends. Raises ValueError without specs: a job with no
        input would analyse the whole store again."""
        if not specs:
            raise ValueError("a job needs at least one file or URL")
        job = Job(id=uuid.uuid4().hex[:12], inputs=names)
        self._jobs[job.id] = job
        given = dict(zip(specs, names, strict=True))
        thread = threading.Thread(target=self._run, args=(job, given, scratch), daemon=True)
        thread.start()
        return job

    def _run(self, job: Job, given: dict[str, str], scratch: Path | None) -> None:
        try:
            with self._lock, Fetcher(public_only=self.public_only) as fetcher:

                def on_stage(name: str) -> None:
                    job.stage = name

                pipeline = Pipeline(encoder=self.encoder, fetcher=fetcher)
                read = analyze(self.store, list(given), pipeline, on_stage=on_stage)
                read = read or IngestSummary()  # no inputs: nothing was read
                job.articles, job.skipped = read.read, read.skipped
                job.problems = [_told(p, given) for p in read.problems[:SHOWN_PER_KIND]]
                job.notes = [_told(n, given) for n in read.notes[:SHOWN_PER_KIND]]
                job.more_notes = len(read.notes) + read.more_notes - len(job.notes)
                if read.read == 0:
                    reasons = "; ".join(p.reason for p in read.problems[:3])
                    job.error = "no article could be read" + (f": {reasons}" if reasons else "")
                else:
                    job.stories = [s.id for s in self.store.stories_of(read.article_ids)]
        except Exception as exc:  # the page must say what went wrong, whatever it was
            job.error = f"{type(exc).__name__}: {exc}"
        finally:
            job.done = True
            job.stage = "failed" if job.error else "done"
            if scratch is not None:
                shutil.rmtree(scratch, ignore_errors=True)


def _told(item: Skipped | Note, given: dict[str, str]) -> str:
    """`item` as "where: what" with an uploaded file named as the user named it, not by
    its scratch path (which says nothing to them and shows the server's folders)."""
    told = f"{item.origin}: {item.reason if isinstance(item, Skipped) else item.message}"
    for spec, name in given.items():
        told = told.replace(spec, name)  # the reason may name the file too ("read error: …")
    return told
