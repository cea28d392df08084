"""The store's side of near-duplicates and stories (mixed into `Store`).

Kept apart from `database.py` so that each file reads as one concern; the
methods use the store's connections (`_read`, `_write`, `_paged`) and nothing else of it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

import numpy as np
from sqlalchemy import Table, delete, func, or_, select, update

from storyline.dates import moment, span
from storyline.model import Comparison, Story, StoryProfile, Summary
from storyline.store.errors import chunks, store_errors
from storyline.store.schema import (
    articles,
    comparisons,
    duplicates,
    signatures,
    store_meta,
    stories,
    story_aliases,
    story_articles,
    story_counts,
    summaries,
    term_stats,
)

_DOCUMENTS_KEY = "story_documents"
_COPY_RULES_KEY = "copy_rules"
_LISTED = stories.c.attached_to.is_(None)  # attached lone stories are shown within another
STORY_SORTS = {
    "size": (stories.c.articles.desc(), stories.c.last_utc.desc().nulls_last()),
    "conflicts": (
        func.coalesce(story_counts.c.conflicts, 0).desc(),
        func.coalesce(story_counts.c.revisions, 0).desc(),
        stories.c.articles.desc(),
    ),
    "recent": (stories.c.last_utc.desc().nulls_last(), stories.c.articles.desc()),
    "oldest": (stories.c.first_utc.asc().nulls_last(), stories.c.articles.desc()),
}


class StoryTablesMixin:
    """Signatures, duplicate links, stories and their members, term statistics."""

    # -- near-duplicates ---------------------------------------------------------------

    def published_dates(self, ids: Sequence[str]) -> dict[str, str | None]:
        """The `published` value of each current article among `ids`, in the order of
        `ids`: the stages sort by date, and ties go in reading order on every backend."""
        found = self._lookup(
            articles.c.article_id, articles.c.published, ids, articles.c.current.is_(True)
        )
        return {i: found[i] for i in ids if i in found}

    def dedupe_status(self, ids: Sequence[str]) -> dict[str, bool]:
        """{id: checked at its current revision} for the ids among `ids` already checked
        for duplicates (as an original or a copy); False means an earlier revision was."""
        found: dict[str, bool] = {}
        for chunk in _chunks(ids):
            with self._read() as conn:
                for table in (signatures, duplicates):
                    stmt = (
                        select(table.c.article_id, table.c.content_hash == articles.c.content_hash)
                        .join(articles, articles.c.article_id == table.c.article_id)
                        .where(table.c.article_id.in_(chunk), articles.c.current.is_(True))
                    )
                    found.update((i, bool(same)) for i, same in conn.execute(stmt))
        return found

    def unsettle_copies(self, original_ids: Sequence[str]) -> None:
        """Mark the copies of `original_ids` to be checked again (their originals were
        revised): `dedupe_status` calls them not current, `unsettled_copies` finds them."""
        with self._guarded_write() as conn:
            for chunk in _chunks(original_ids):
                conn.execute(
                    update(duplicates)
                    .where(duplicates.c.original_id.in_(chunk))
                    .values(content_hash=None)
                )

    def copy_rules(self) -> str | None:
        """The rules (`dedupe.COPY_RULES`) the stored copies were found by; None when
        none were recorded (a store made before they were)."""
        with self._read() as conn:
            return conn.execute(
                select(store_meta.c.value).where(store_meta.c.key == _COPY_RULES_KEY)
            ).scalar()

    def recheck_copies(self, rules: str) -> None:
        """Mark every copy to be checked again (as `unsettle_copies` does) and record that
        copies are now found by `rules`, in one transaction: the marks stay until each
        copy is checked, even when a run is cut short."""
        with self._guarded_write() as conn:
            conn.execute(update(duplicates).values(content_hash=None))
            _set_meta(conn, _COPY_RULES_KEY, rules)

    def unsettled_copies(self) -> list[str]:
        """The copies marked by `unsettle_copies` and not checked since. Cost: one
        look-up in the index of the copies' revisions."""
        stmt = select(duplicates.c.article_id).where(duplicates.c.content_hash.is_(None))
        with self._read() as conn:
            return list(conn.execute(stmt).scalars())

    def put_dedupe(
        self,
        originals: Sequence[tuple[str, str, str | None, np.ndarray]],
        copies: Sequence[tuple[str, str, str, float]],
    ) -> None:
        """Record (id, content hash, published, signature) of originals and (id, content
        hash, original id, similarity) of copies, in one transaction, replacing what an
        earlier revision of the same ids left. The copies of an original that is now a
        copy itself point to its original, so that no copy points at a copy (the run
        checks them again, but a run cut short may not have)."""
        ids = [o[0] for o in originals] + [c[0] for c in copies]
        # A copy of an article that this batch, or the store, makes a copy points past it.
        now_original = {o[0] for o in originals}
        stored = self.duplicate_links([c[2] for c in copies if c[2] not in now_original])
        links = stored | {c[0]: c[2] for c in copies}
        copies = [(i, h, _final_original(i, links), sim) for i, h, _, sim in copies]
        with self._guarded_write() as conn:
            was_original: set[str] = set()
            for chunk in _chunks([c[0] for c in copies]):
                stmt = select(signatures.c.article_id).where(signatures.c.article_id.in_(chunk))
                was_original.update(conn.execute(stmt).scalars())
            for chunk in _chunks(ids):
                for table in (signatures, duplicates):
                    conn.execute(delete(table).where(table.c.article_id.in_(chunk)))
            for article_id, _, original_id, _ in copies:
                if article_id in was_original:
                    conn.execute(
                        update(duplicates)
                        .where(duplicates.c.original_id == article_id)
                        .values(original_id=original_id)
                    )
            if originals:
                conn.execute(
                    signatures.insert(),
                    [
                        {"article_id": i, "content_hash": h, "published": p, "data": _u32(sig)}
                        for i, h, p, sig in originals
                    ],
                )
            if copies:
                conn.execute(
                    duplicates.insert(),
                    [
                        {"article_id": i, "content_hash": h, "original_id": o, "similarity": s}
                        for i, h, o, s in copies
                    ],
                )

    def iter_signatures(
        self, since: str | None = None
    ) -> Iterator[tuple[str, str | None, np.ndarray]]:
        """(id, published, signature) of originals published on or after `since` (and
        undated ones); all of them when `since` is None. Read as raw uint32, never
        unpickled."""
        stmt = select(signatures.c.article_id, signatures.c.published, signatures.c.data)
        if since is not None:
            stmt = stmt.where(
                or_(signatures.c.published.is_(None), signatures.c.published >= since)
            )
        for article_id, published, data in self._paged(stmt, signatures.c.article_id):
            yield article_id, published, np.frombuffer(data, dtype="<u4").astype(np.uint32)

    def duplicate_links(self, ids: Sequence[str]) -> dict[str, str]:
        """{copy id: original id} for the copies among `ids`."""
        return self._lookup(duplicates.c.article_id, duplicates.c.original_id, ids)

    def copy_revisions(self, ids: Sequence[str]) -> dict[str, str]:
        """{copy id: content hash of the revision found to be a copy} for the copies
        among `ids`."""
        return self._lookup(duplicates.c.article_id, duplicates.c.content_hash, ids)

    # -- stories ---------------------------------------------------------------------------

    def story_of(self, ids: Sequence[str]) -> dict[str, str]:
        """{article id: story id} for the ids among `ids` that belong to a story."""
        return self._lookup(story_articles.c.article_id, story_articles.c.story_id, ids)

    def story_homes(self, ids: Sequence[str]) -> dict[str, str]:
        """{article id: the clusterer's story of it} for the ids among `ids` in a story:
        the story it is shown in, or the lone story attached there that holds it."""
        home = func.coalesce(story_articles.c.home, story_articles.c.story_id)
        return self._lookup(story_articles.c.article_id, home, ids)

    def misplaced_members(self) -> list[str]:
        """The story members placed as a copy that is one no longer, or as an original
        that is now a copy: what a run cut short after finding copies, before placing
        them, leaves behind. Cost: one pass over the members' placements and the copies."""
        members, copies = story_articles.c, duplicates.c
        was_copy = (
            select(members.article_id)
            .outerjoin(duplicates, copies.article_id == members.article_id)
            .where(members.profiled.is_(False), copies.article_id.is_(None))
        )
        now_copy = (
            select(members.article_id)
            .join(duplicates, copies.article_id == members.article_id)
            .where(members.profiled.is_(True))
        )
        with self._read() as conn:
            return sorted(conn.execute(was_copy.union(now_copy)).scalars())

    def stale_members(self, ids: Sequence[str]) -> dict[str, str | None]:
        """{article id: content hash of the revision profiled in its story, or None when
        it was placed as a copy} for the members among `ids` placed at a revision that
        is no longer current, or placed as a copy that no longer is one (or the other
        way round)."""
        found: dict[str, str | None] = {}
        # A join on the copy table's key, not `IN (SELECT ...)` as a value: PostgreSQL
        # would re-read every copy for each member once they outgrow its hash memory.
        copy = duplicates.c.article_id.is_not(None)
        for chunk in _chunks(ids):
            stmt = (
                select(
                    story_articles.c.article_id,
                    story_articles.c.content_hash,
                    story_articles.c.profiled,
                )
                .join(articles, articles.c.article_id == story_articles.c.article_id)
                .outerjoin(duplicates, duplicates.c.article_id == story_articles.c.article_id)
                .where(
                    story_articles.c.article_id.in_(chunk),
                    articles.c.current.is_(True),
                    or_(
                        story_articles.c.content_hash != articles.c.content_hash,
                        story_articles.c.profiled == copy,
                    ),
                )
            )
            with self._read() as conn:
                found.update((i, h if profiled else None) for i, h, profiled in conn.execute(stmt))
        return found

    def iter_story_profiles(
        self, since_day: int | None = None, *, story_ids: Sequence[str] | None = None
    ) -> Iterator[StoryProfile]:
        """Profiles of stories whose last report is on or after `since_day` (and undated
        stories); all stories when None. With `story_ids`, instead the profiles of those
        stories, of the lone stories attached to them and of the stories they are
        attached to. Streams in chunks."""
        if story_ids is not None:
            for chunk in _chunks(story_ids):
                inner = stories.alias()
                targets = select(inner.c.attached_to).where(inner.c.story_id.in_(chunk))
                wanted = or_(
                    stories.c.story_id.in_(chunk),
                    stories.c.attached_to.in_(chunk),
                    stories.c.story_id.in_(targets),
                )
                yield from self._story_profiles(wanted)
            return
        wanted = None
        if since_day is not None:
            wanted = or_(stories.c.last_day.is_(None), stories.c.last_day >= since_day)
        yield from self._story_profiles(wanted)

    def _story_profiles(self, where: Any) -> Iterator[StoryProfile]:
        stmt = select(
            stories.c.story_id,
            stories.c.articles,
            stories.c.first_day,
            stories.c.last_day,
            stories.c.profile,
            stories.c.dim,
            stories.c.vector,
            stories.c.attached_to,
        )
        if where is not None:
            stmt = stmt.where(where)
        for story_id, count, first_day, last_day, data, dim, blob, attached_to in self._paged(
            stmt, stories.c.story_id
        ):
            saved = json.loads(data)
            vector = (
                np.frombuffer(blob, dtype="<f4").astype(np.float32).reshape(dim)
                if blob is not None
                else None
            )
            yield StoryProfile(
                story_id,
                # The listed count includes copies; the sums cover originals only. Stores
                # written before v8 kept no size of their own.
                saved.get("size", count),
                first_day,
                last_day,
                vector,
                saved.get("terms", {}),
                saved.get("entities", {}),
                attached_to,
            )

    def term_frequencies(self) -> tuple[int, dict[str, int]]:
        """(documents counted, {term: document frequency}) of the story clusterer."""
        with self._read() as conn:
            documents = conn.execute(
                select(store_meta.c.value).where(store_meta.c.key == _DOCUMENTS_KEY)
            ).scalar()
            frequencies = dict(conn.execute(select(term_stats.c.term, term_stats.c.df)).all())
        return int(documents or 0), frequencies

    def save_stories(
        self,
        profiles: Iterable[StoryProfile],
        titles: dict[str, str],
        members: dict[str, str],
        merged: dict[str, str],
        documents: int,
        frequencies: dict[str, int],
        relisted: set[str] = frozenset(),
        *,
        placed: dict[str, tuple[str, bool]],
        homes: dict[str, str] | None = None,
        relabelled: dict[str, str] | None = None,
        emptied: Iterable[str] = (),
        emptied_into: dict[str, str] | None = None,
    ) -> set[str]:
        """Write a clustering run in one transaction: the touched stories' profiles and
        titles, {article id: story id shown} `members` with {article id: (content hash
        placed, profiled)} `placed` for each of them and {article id: lone story} `homes`
        where those differ, {merged id: surviving id} remaps, {lone story: story now
        shown in} `relabelled` (which moves its stored articles), the `emptied` stories
        (every member left: deleted; {emptied id: story its members went to}
        `emptied_into`, whose ids lead on as a merged one's do), and the term
        statistics. Counts, sources and dates of those stories, of the `relisted` ones
        and of the stories articles left are then recomputed from the members, so they
        never drift. Returns the ids of those stories: every story still stored whose
        articles may have changed."""
        now = datetime.now(UTC).isoformat(timespec="seconds")
        profiles = list(profiles)
        homes = homes or {}
        relabelled = relabelled or {}
        emptied = sorted(set(emptied))
        emptied_into = emptied_into or {}
        touched = {p.story_id for p in profiles}
        relisted = set(relisted)
        home = story_articles.c.home
        with self._guarded_write() as conn:
            for drop, keep in merged.items():
                conn.execute(
                    update(story_articles)
                    .where(story_articles.c.story_id == drop)
                    .values(story_id=keep)
                )
                # A lone story attached elsewhere merged with another lone one: the pair is
                # shown as itself, and the story it was shown in lost an article.
                relisted.update(_shown_in(conn, home == drop))
                conn.execute(
                    update(story_articles).where(home == drop).values(story_id=keep, home=None)
                )
                # Lone stories attached to the merged one, loaded in this run or not.
                conn.execute(
                    update(stories).where(stories.c.attached_to == drop).values(attached_to=keep)
                )
                conn.execute(delete(stories).where(stories.c.story_id == drop))
                _lead_on(conn, drop, keep)
            for lone, shown in relabelled.items():
                held = or_(home == lone, (story_articles.c.story_id == lone) & home.is_(None))
                relisted.update(_shown_in(conn, held))
                conn.execute(
                    update(story_articles)
                    .where(held)
                    .values(story_id=shown, home=None if shown == lone else lone)
                )
                relisted.add(shown)
            for chunk in _chunks(list(members)):
                conn.execute(delete(story_articles).where(story_articles.c.article_id.in_(chunk)))
            if members:
                conn.execute(
                    story_articles.insert(),
                    [
                        {
                            "article_id": a,
                            "story_id": s,
                            "home": homes.get(a),
                            "content_hash": placed[a][0],
                            "profiled": placed[a][1],
                        }
                        for a, s in members.items()
                    ],
                )
            for chunk in _chunks(list(touched)):
                conn.execute(delete(stories).where(stories.c.story_id.in_(chunk)))
                # An id a story holds again (one emptied and carried on, say) is no alias.
                conn.execute(delete(story_aliases).where(story_aliases.c.story_id.in_(chunk)))
            if profiles:
                conn.execute(stories.insert(), [_story_row(p, titles, now) for p in profiles])
            # Only a story of two reports or more shows lone stories: those still attached
            # (not loaded in this run) to one that is lone now, or gone, stand alone.
            unfit = set(emptied) | {p.story_id for p in profiles if p.size < 2}
            for chunk in _chunks(sorted(unfit)):
                relisted.update(_detach_lone_stories(conn, chunk))
            for chunk in _chunks(emptied):
                conn.execute(delete(stories).where(stories.c.story_id.in_(chunk)))
            for drop in emptied:
                if emptied_into.get(drop):
                    _lead_on(conn, drop, emptied_into[drop])
            changed = (touched | relisted) - set(merged) - set(emptied)
            for chunk in _chunks(sorted(changed)):
                _refresh_listing(conn, chunk)
            for chunk in _chunks(list(frequencies)):
                conn.execute(delete(term_stats).where(term_stats.c.term.in_(chunk)))
            if frequencies:
                conn.execute(
                    term_stats.insert(), [{"term": t, "df": n} for t, n in frequencies.items()]
                )
            _set_meta(conn, _DOCUMENTS_KEY, str(documents))
        return changed

    def clear_stories(self) -> None:
        """Forget every story and what was derived from them (members, comparisons,
        summaries, counts, and the clusterer's term statistics with their document
        count), keeping articles and the language stage: the next run clusters from
        nothing. Cost: one transaction."""
        with self._guarded_write() as conn:
            derived = (
                story_articles,
                story_counts,
                comparisons,
                summaries,
                stories,
                story_aliases,
                term_stats,
            )
            for table in derived:
                conn.execute(delete(table))
            conn.execute(delete(store_meta).where(store_meta.c.key == _DOCUMENTS_KEY))

    def relist_stories(self, story_ids: Iterable[str]) -> None:
        """Recompute the count, sources and first/last report of `story_ids` from their
        current members (after members were revised). Cost: one query per 500 stories."""
        wanted = sorted(set(story_ids))
        if not wanted:
            return
        with self._guarded_write() as conn:
            for chunk in _chunks(wanted):
                _refresh_listing(conn, chunk)

    def member_titles(self, story_id: str) -> dict[str, str]:
        """{article id: headline} of a story's current articles (those shown in it, or
        held by it while it is attached to another), as stored."""
        held = or_(story_articles.c.story_id == story_id, story_articles.c.home == story_id)
        stmt = (
            select(articles.c.article_id, articles.c.title)
            .join(story_articles, story_articles.c.article_id == articles.c.article_id)
            .where(
                held,
                articles.c.current.is_(True),
                articles.c.title.is_not(None),
            )
        )
        with self._read() as conn:
            return {i: t for i, t in conn.execute(stmt) if t.strip()}

    def get_story(self, story_id: str) -> Story | None:
        """One story with its articles in publication order, or None."""
        stmt = select(stories).where(stories.c.story_id == story_id, _LISTED)
        with self._read() as conn:
            row = conn.execute(stmt).mappings().first()
            if row is None:
                return None
            ids = _ordered_members(conn, [story_id])[story_id]
        return self._story(row, ids)

    def leads_to(self, story_id: str) -> str | None:
        """The listed story that shows what `story_id` held, when `story_id` is no listed
        story itself: the story it merged into, or that its articles all went to (through
        any later merges; the one that is shown in, when it turned into a lone story shown
        in another), or, for a lone story shown in another, that one. None when the id
        names a listed story, or nothing any more. Cost: two indexed look-ups."""
        with self._read() as conn:
            now = conn.execute(
                select(story_aliases.c.now).where(story_aliases.c.story_id == story_id)
            ).scalar()
            found = select(stories.c.story_id, stories.c.attached_to)
            row = conn.execute(found.where(stories.c.story_id == (now or story_id))).first()
        if row is None or (now is None and row.attached_to is None):
            return None
        return row.attached_to or row.story_id

    def stories_of(self, article_ids: Sequence[str]) -> list[Story]:
        """The stories that hold any of `article_ids`, largest first."""
        return self.stories_of_ids(sorted(set(self.story_of(article_ids).values())))

    def stories_of_ids(self, story_ids: Sequence[str]) -> list[Story]:
        """The stories with these ids (unknown ids are left out), largest first."""
        found: list[Story] = []
        for chunk in _chunks(story_ids):
            with self._read() as conn:
                rows = conn.execute(select(stories).where(stories.c.story_id.in_(chunk), _LISTED))
                rows = rows.mappings().all()
                members = _ordered_members(conn, chunk)
            found.extend(self._story(row, members[row["story_id"]]) for row in rows)
        return sorted(found, key=lambda s: (-s.size, moment(s.start), s.id))

    def list_stories(
        self,
        *,
        sort: str = "size",
        limit: int = 50,
        offset: int = 0,
        source: str | None = None,
        since: str | None = None,
        until: str | None = None,
        mentioning: str | None = None,
    ) -> list[dict[str, Any]]:
        """One page of stories as listing rows ({id, title, articles, sources, start, end,
        conflicts, revisions}), without their member lists. Filters: a `source` among
        their members, reports overlapping `since`..`until` (ISO dates), members whose
        text matches the full-text query `mentioning` (a name, say). Cost: one indexed
        query (plus the full-text match)."""
        if sort not in STORY_SORTS:
            raise ValueError(f"sort must be one of {', '.join(STORY_SORTS)}, not {sort!r}")
        stmt = select(
            stories.c.story_id,
            stories.c.title,
            stories.c.articles,
            stories.c.sources,
            stories.c.first_published,
            stories.c.last_published,
            func.coalesce(story_counts.c.conflicts, 0),
            func.coalesce(story_counts.c.revisions, 0),
        ).outerjoin(story_counts, story_counts.c.story_id == stories.c.story_id)
        stmt = self._story_filters(stmt, source, since, until, mentioning)
        stmt = stmt.order_by(*STORY_SORTS[sort], stories.c.story_id).limit(limit).offset(offset)
        with self._read() as conn:
            return [
                {
                    "id": story_id,
                    "title": title,
                    "articles": count,
                    "sources": json.loads(sources),
                    "start": first,
                    "end": last,
                    "conflicts": conflicts,
                    "revisions": revisions,
                }
                for story_id, title, count, sources, first, last, conflicts, revisions in (
                    conn.execute(stmt)
                )
            ]

    def count_stories(
        self,
        *,
        source: str | None = None,
        since: str | None = None,
        until: str | None = None,
        mentioning: str | None = None,
    ) -> int:
        """How many stories match (the filters of `list_stories`)."""
        stmt = self._story_filters(
            select(func.count()).select_from(stories), source, since, until, mentioning
        )
        with self._read() as conn:
            return int(conn.execute(stmt).scalar() or 0)

    def _story_filters(self, stmt, source, since, until, mentioning):
        stmt = stmt.where(_LISTED)
        if source:
            member = (
                select(story_articles.c.story_id)
                .join(articles, articles.c.article_id == story_articles.c.article_id)
                .where(articles.c.current.is_(True))
                .where(func.lower(articles.c.source) == source.lower())
            )
            stmt = stmt.where(stories.c.story_id.in_(member))
        if since:
            stmt = stmt.where(stories.c.last_published >= since)
        if until:
            stmt = stmt.where(stories.c.first_published < f"{until}\x7f")
        if mentioning:
            matched = self._match(
                select(story_articles.c.story_id)
                .join(articles, articles.c.article_id == story_articles.c.article_id)
                .where(articles.c.current.is_(True)),
                _as_words(mentioning),
            )
            stmt = stmt.where(stories.c.story_id.in_(matched))
        return stmt

    def _story(self, row: Any, ids: list[str]) -> Story:
        return Story(
            id=row["story_id"],
            title=row["title"],
            articles=ids,
            sources=json.loads(row["sources"]),
            start=row["first_published"],
            end=row["last_published"],
            duplicates=self.duplicate_links(ids),
        )

    # -- per-story outputs: comparisons and summaries ---------------------------------------

    def comparison_keys(self, story_ids: Sequence[str]) -> dict[str, str]:
        """{story id: members key} of the stories among `story_ids` already compared."""
        return self._output_keys(comparisons, story_ids)

    def put_comparisons(self, items: Sequence[tuple[str, Comparison]]) -> None:
        """Store (members key, comparison) pairs, replacing earlier comparisons of those stories."""
        self._put_outputs(comparisons, [(c.story_id, key, c.to_dict()) for key, c in items])
        counts = [
            {
                "story_id": c.story_id,
                "conflicts": sum(not x.revision for x in c.conflicts),
                "revisions": sum(x.revision for x in c.conflicts),
            }
            for _, c in items
        ]
        with self._guarded_write() as conn:
            for chunk in _chunks([c["story_id"] for c in counts]):
                conn.execute(delete(story_counts).where(story_counts.c.story_id.in_(chunk)))
            if counts:
                conn.execute(story_counts.insert(), counts)

    def get_comparisons(self, story_ids: Sequence[str]) -> dict[str, Comparison]:
        """{story id: comparison} for the stories among `story_ids` that have one."""
        found = self._get_outputs(comparisons, story_ids)
        return {story_id: Comparison.from_dict(data) for story_id, data in found.items()}

    def summary_keys(self, story_ids: Sequence[str]) -> dict[str, str]:
        """{story id: key} of the stories among `story_ids` already summarized."""
        return self._output_keys(summaries, story_ids)

    def put_summaries(self, items: Sequence[tuple[str, Summary]]) -> None:
        """Store (key, summary) pairs, replacing earlier summaries of those stories."""
        self._put_outputs(summaries, [(s.story_id, key, s.to_dict()) for key, s in items])

    def get_summaries(self, story_ids: Sequence[str]) -> dict[str, Summary]:
        """{story id: summary} for the stories among `story_ids` that have one."""
        found = self._get_outputs(summaries, story_ids)
        return {story_id: Summary.from_dict(data) for story_id, data in found.items()}

    def _output_keys(self, table: Table, story_ids: Sequence[str]) -> dict[str, str]:
        return self._lookup(table.c.story_id, table.c.members_key, story_ids)

    def _put_outputs(self, table: Table, items: Sequence[tuple[str, str, dict]]) -> None:
        now = datetime.now(UTC).isoformat(timespec="seconds")
        rows = [
            {
                "story_id": story_id,
                "members_key": key,
                "data": json.dumps(data, ensure_ascii=False),
                "updated_at": now,
            }
            for story_id, key, data in items
        ]
        with self._guarded_write() as conn:
            for chunk in _chunks([r["story_id"] for r in rows]):
                conn.execute(delete(table).where(table.c.story_id.in_(chunk)))
            if rows:
                conn.execute(table.insert(), rows)

    def _get_outputs(self, table: Table, story_ids: Sequence[str]) -> dict[str, dict]:
        found = self._lookup(table.c.story_id, table.c.data, story_ids)
        return {story_id: json.loads(data) for story_id, data in found.items()}

    def _lookup(self, key: Any, value: Any, ids: Sequence[str], *where: Any) -> dict:
        """{key: value} of the rows whose `key` is among `ids` (and that meet `where`),
        read in chunks of ids."""
        out: dict = {}
        for chunk in _chunks(ids):
            stmt = select(key, value).where(key.in_(chunk), *where)
            with self._read() as conn:
                out.update(conn.execute(stmt).all())
        return out

    @contextmanager
    def _guarded_write(self):
        with store_errors(), self._write() as conn:
            yield conn


def _story_row(profile: StoryProfile, titles: dict[str, str], now: str) -> dict[str, Any]:
    vector = profile.vector_sum
    return {
        "story_id": profile.story_id,
        "title": titles.get(profile.story_id) or "(untitled story)",
        "articles": profile.size,
        "sources": "[]",
        "first_day": profile.first_day,
        "last_day": profile.last_day,
        "profile": json.dumps(
            {"size": profile.size, "terms": profile.terms, "entities": profile.entities},
            ensure_ascii=False,
        ),
        "dim": int(vector.shape[0]) if vector is not None else 0,
        "vector": np.ascontiguousarray(vector, "<f4").tobytes() if vector is not None else None,
        "updated_at": now,
        "attached_to": profile.attached_to,
    }


def _detach_lone_stories(conn, story_ids: list[str]) -> list[str]:
    """Detach the lone stories attached to `story_ids`, their articles shown in them
    again; returns the lone stories' ids."""
    attached = stories.c.attached_to.in_(story_ids)
    lone = list(conn.execute(select(stories.c.story_id).where(attached)).scalars())
    conn.execute(update(stories).where(attached).values(attached_to=None))
    home = story_articles.c.home
    for chunk in _chunks(lone):
        conn.execute(update(story_articles).where(home.in_(chunk)).values(story_id=home, home=None))
    return lone


def _shown_in(conn, where: Any) -> set[str]:
    """The stories that show the story_articles rows matching `where`."""
    return set(conn.execute(select(story_articles.c.story_id).where(where).distinct()).scalars())


def _refresh_listing(conn, story_ids: list[str]) -> None:
    """Recompute count, sources and first/last report of `story_ids` from their members."""
    stmt = (
        select(story_articles.c.story_id, articles.c.source, articles.c.published)
        .join(articles, articles.c.article_id == story_articles.c.article_id)
        .where(articles.c.current.is_(True), story_articles.c.story_id.in_(story_ids))
    )
    listing: dict[str, dict[str, Any]] = {}
    for story_id, source, published in conn.execute(stmt):
        entry = listing.setdefault(story_id, {"count": 0, "sources": {}, "dates": []})
        entry["count"] += 1
        if source:
            entry["sources"][source] = entry["sources"].get(source, 0) + 1
        if published:
            entry["dates"].append(published)
    for story_id, entry in listing.items():
        ranked = sorted(entry["sources"], key=lambda s: (-entry["sources"][s], s))
        first, last = span(entry["dates"])
        conn.execute(
            update(stories)
            .where(stories.c.story_id == story_id)
            .values(
                articles=entry["count"],
                sources=json.dumps(ranked, ensure_ascii=False),
                first_published=first,
                last_published=last,
                first_utc=min(map(moment, entry["dates"]), default=None),
                last_utc=max(map(moment, entry["dates"]), default=None),
            )
        )


def _ordered_members(conn, story_ids: list[str]) -> dict[str, list[str]]:
    stmt = (
        select(story_articles.c.story_id, articles.c.article_id)
        .join(articles, articles.c.article_id == story_articles.c.article_id)
        .where(articles.c.current.is_(True), story_articles.c.story_id.in_(story_ids))
        .order_by(articles.c.published_utc.asc().nulls_last(), articles.c.article_id)
    )
    out: dict[str, list[str]] = {s: [] for s in story_ids}
    for story_id, article_id in conn.execute(stmt):
        out[story_id].append(article_id)
    return out


def _set_meta(conn, key: str, value: str) -> None:
    updated = conn.execute(update(store_meta).where(store_meta.c.key == key).values(value=value))
    if updated.rowcount == 0:
        conn.execute(store_meta.insert().values(key=key, value=value))


def _u32(values: np.ndarray) -> bytes:
    return np.ascontiguousarray(values, "<u4").tobytes()


def _lead_on(conn, drop: str, keep: str) -> None:
    """Make story id `drop`, gone, lead on to story `keep` (see `Store.leads_to`), and
    the ids that led to `drop` too."""
    aliases = story_aliases.c
    conn.execute(update(story_aliases).where(aliases.now == drop).values(now=keep))
    conn.execute(delete(story_aliases).where(aliases.story_id == drop))
    conn.execute(story_aliases.insert().values(story_id=drop, now=keep))


def _chunks(items: Sequence[str]) -> Iterator[list[str]]:
    return chunks(list(dict.fromkeys(items)))


def _as_words(text: str) -> str:
    """A full-text query that matches `text` as a phrase, whatever characters it holds."""
    return '"' + text.replace('"', " ") + '"'


def _final_original(copy_id: str, links: dict[str, str]) -> str:
    """The original at the end of the chain of copies from `copy_id` through `links`
    ({copy: original}); a loop, which no copy check makes, ends before it closes."""
    article_id = copy_id
    seen = {copy_id}
    while (nxt := links.get(article_id)) is not None and nxt not in seen:
        seen.add(nxt)
        article_id = nxt
    return article_id
