"""Widely used alternative names of countries and international bodies.

General knowledge, not tuned to any data set: each entry's key is the name
key (see entities.name_key) of the canonical name. Acronyms a text defines
itself ("… group (IS)") and initials are handled by rules, not listed here.
"""

from __future__ import annotations


def _entry(name: str, *aliases: str) -> tuple[str, dict]:
    return name.casefold(), {"name": name, "aliases": {a.casefold() for a in aliases}}


ALIASES: dict[str, dict] = dict(
    [
        _entry("United States", "US", "USA", "America", "United States of America", "the States"),
        _entry("United Kingdom", "UK", "Britain", "Great Britain"),
        _entry("United Nations", "UN"),
        _entry("European Union", "EU"),
        _entry("Soviet Union", "USSR"),
        _entry("United Arab Emirates", "UAE", "Emirates"),
        _entry("North Atlantic Treaty Organization", "NATO", "Nato"),
        _entry(
            "Islamic State",
            "IS",
            "ISIS",
            "ISIL",
            "Daesh",
            "Islamic State of Iraq and Syria",
            "Islamic State of Iraq and the Levant",
        ),
        _entry("Democratic Republic of the Congo", "DRC", "DR Congo"),
        _entry("People's Republic of China", "PRC"),
        _entry("World Health Organization", "WHO"),
        _entry("International Monetary Fund", "IMF"),
        _entry("Federal Bureau of Investigation", "FBI"),
        _entry("Central Intelligence Agency", "CIA"),
    ]
)
