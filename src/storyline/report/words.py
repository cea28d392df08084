"""Counts in words, for every renderer: "1 source", "4 sources", "1 story", "2 stories"."""

from __future__ import annotations


def noun_for(count: int, noun: str, plural: str | None = None) -> str:
    """`noun` as `count` of it reads: singular for exactly one, else `plural` (by
    default `noun` + "s"; irregular ones, like "stories", are given)."""
    return noun if count == 1 else plural or noun + "s"


def counted(count: int, noun: str, plural: str | None = None) -> str:
    """`count` and its noun: "1 article", "0 articles", "2,000 stories"."""
    return f"{count:,} {noun_for(count, noun, plural)}"
