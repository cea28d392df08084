"""Characters that untrusted text (every article, every input line) may not carry.

One definition serves ingest (what is stored, hence the result JSON, the HTML report
and the web app) and the plain-text outputs (terminal, Markdown), so that a character
judged unsafe in one place is unsafe everywhere. Text stored before a character was
added here keeps it until the article is ingested again.
"""

from __future__ import annotations

import re

# Bidirectional embeddings, overrides and isolates make text display in another order
# than it is stored ("Trojan Source": "src\u202egnp.exe" shows as "srcexe.png").
# The plain marks U+200E/U+200F cannot reorder text and are kept.
_BIDI_CONTROLS = "\u202a-\u202e\u2066-\u2069"
# C0/C1 controls (terminal escape sequences start with one) and lone surrogates,
# which no encoder, file or database accepts.
_CONTROLS = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"
_SURROGATES = "\ud800-\udfff"

#: Stripped from stored text: tab, line feed and carriage return are kept for the
#: cleaner to normalise.
UNSAFE = re.compile(f"[{_CONTROLS}{_BIDI_CONTROLS}{_SURROGATES}]")
#: Stripped before display: as UNSAFE, and carriage returns too (they overwrite a
#: terminal line).
UNSAFE_TO_SHOW = re.compile(f"[{_CONTROLS}\r{_BIDI_CONTROLS}{_SURROGATES}]")


def displayable(value: object) -> str:
    """`value` as text with nothing that could reorder, hide or rewrite what is shown
    (None becomes ""). Cost: one pass over the text."""
    return UNSAFE_TO_SHOW.sub("", "" if value is None else str(value))
