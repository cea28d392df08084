"""Cleaning: Unicode, whitespace, paragraphs, and lines that are not the article.

Every reader hands its raw text to `clean_article`, so all formats get the same
treatment. Page furniture is recognised by general rules about what such lines
look like (a call to action naming a homepage or newsletter, a picture credit,
a row of share buttons, a caption repeated on the page), never by listing
strings seen in one outlet.

The cleaned text keeps one paragraph per line, paragraphs separated by a blank
line.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections import Counter
from html.entities import html5
from typing import Any

from storyline.dates import normalize_date
from storyline.ingest.base import content_id
from storyline.model import Article
from storyline.untrusted import UNSAFE

# Characters that only ever carry layout or tracking: drop them.
_INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d\u2060\ufeff\u180e"))
_SPACES = re.compile(r"[ \t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]+")
_LINE_BREAKS = re.compile(r"\r\n?|[\u2028\u2029\x85]")

_TERMINAL = (".", "!", "?", '"', "'", "”", "’", ":", ")", "…", "»")
#: A list item's marker ("- ", "• ", "2) "); summaries drop it too.
LIST_MARKER = re.compile(r"^\s*(?:[-*•·–—]|\d{1,2}[.)])\s+")
_WORD = re.compile(r"[A-Za-z][\w'’-]*")
_LETTERS = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")  # words in any alphabet
_LATIN = re.compile(r"[a-zà-ÿ'’]+$")
_LANGUAGE_WORDS = 30  # words from which a text's language is judged
# The commonest function words of English and of the languages most often crawled with it.
_FUNCTION_WORDS = {
    "en": "the of and to in is was that for on it with as at by from he she they his her be "
    "have has had are were not but this an or which who will would said",
    "de": "der die das und ist nicht mit den von zu sich auf für des dem im eine ein ich sie "
    "er wir auch wie aber oder bei nach wurde",
    "fr": "le la les des et est une un du que qui dans pour pas sur au avec il elle ce sont "
    "ne se aux par plus été",
    "es": "el la los las y que en del por con una para se es un lo al su como más pero sus "
    "le ha fue",
    "it": "il di che la per un una del della con non sono è le gli nel alla si da lo ha",
    "nl": "de het een en van is dat op te met voor niet zijn ook als bij er maar om aan werd",
    "pt": "o os da do que não com uma para em um por mais se das dos ao como na no foi",
}
_LANGUAGE_OF = {  # each function word with the languages it is one of ("la": fr, es, it)
    word: frozenset(lang for lang, listed in _FUNCTION_WORDS.items() if word in listed.split())
    for listed in _FUNCTION_WORDS.values()
    for word in listed.split()
}

# A call to action: an imperative opening, and either the reader addressed (our,
# us, you, here, a handle or a link) or a page-furniture destination.
_CTA_START = re.compile(
    r"^(?:visit|read|click|tap|follow|subscribe|sign\s+up|download|like\s+us|join|get|listen|"
    r"watch|check\s+out|don'?t\s+miss|see\s+(?:more|also)|more\s+from|share|support|"
    r"for\s+(?:more|the\s+latest)\s+(?:stories|news|coverage|updates|info|information|videos|photos)|"
    r"also\s+read|recommended|become\s+a|never\s+miss|stay\s+(?:up|informed))\b",
    re.I,
)
_READER_ADDRESSED = re.compile(r"\b(?:our|us|you|your|here)\b|@\w|https?://|www\.|\.com\b", re.I)
_FURNITURE_DESTINATION = re.compile(
    r"\b(?:home\s?page|newsletters?|inbox|app\s+store|more\s+stories|podcasts?|"
    r"the\s+\w+(?:\s+\w+)?\s+app)\b",
    re.I,
)
# Picture credits by their shape: "(Picture: PA)", "(Jane Doe/Agency)", a caption
# ending "Photograph: Jane Doe/Agency", or "AGENCY/Jane Doe" closing a caption.
_CAPITALISED = r"[A-Z][\w.'’&-]*"
_CREDIT_TAIL = re.compile(
    r"(?i:\((?:picture|photo|photograph|image|pic|credit|video|footage)s?\s*:[^)]{0,80}\)\W*$)"
    r"|\([^()]{2,60}/[^()]{2,80}\)\W*$"
    r"|\b(?i:(?:photo(?:graph(?:er)?)?|picture|image|pic)s?\s*(?:by|:))\s*"
    rf"{_CAPITALISED}(?:\s*/\s*{_CAPITALISED}|\s+{_CAPITALISED}|\s+(?:via|for|of)\s+{_CAPITALISED})*"
    r"\W*$"
    rf"|\b{_CAPITALISED}(?:\s{_CAPITALISED})*\s?/\s?{_CAPITALISED}(?:\s{_CAPITALISED}){{0,4}}\W*$",
)
_CREDIT_HEAD = re.compile(
    r"^(?:(?:picture|photo|photograph|image|pic|caption)s?\s*:|"
    r"(?:image\s+copyright|image\s+caption|media\s+caption|photo\s+credit)\b)",
    re.I,
)
_SHARE_WORDS = frozenset(
    (
        "share",
        "shares",
        "this",
        "article",
        "story",
        "on",
        "via",
        "tweet",
        "email",
        "e-mail",
        "print",
        "copy",
        "link",
        "facebook",
        "twitter",
        "x",
        "whatsapp",
        "linkedin",
        "pinterest",
        "reddit",
        "comment",
        "comments",
        "save",
        "pin",
        "messenger",
        "telegram",
        "and",
        "or",
        "the",
    )
)
_FURNITURE = re.compile(
    r"^(?:advertisement|advertising|sponsored(?:\s+content)?|story\s+continues\s+below.*|"
    r"continue\s+reading.*|skip\s+(?:ad|advert)|scroll\s+(?:down|to\s+continue).*|"
    r"(?:we|this\s+(?:site|website))\s+uses?\s+cookies.*|accept(?:\s+all)?\s+cookies.*|"
    r"all\s+rights\s+reserved\.?|(?:©|\(c\)|copyright\s*(?:©|\(c\)|\d{4}|by\b)).{0,120}|"
    r"read\s+more\W*|related\s*:.*|credit\s*:(?:\W*\w+){1,8}\W*|"
    r"(?:media\s+playback|enlarge\s+this\s+image|toggle\s+caption|story\s+highlights)\b.{0,200}|"
    r"(?:(?:most\s+)?popular|trending)(?:\s+(?:stories|now|articles|news))*(?:\s+more\W*)?|"
    # a page's clock ("2 years ago") and links onward ("Local News More>>")
    r"(?:(?:updated|posted|published)\s+)?(?:\d+|an?|one)\s+"
    r"(?:second|minute|hour|day|week|month|year)s?\s+ago|(?:[\w&'’-]+\s+){0,4}more\s*(?:>>|»)|"
    r"(?:this\s+)?(?:media|video)\s+requires\s+javascript(?:\s+to\s+play)?\W*|"
    r"tweet\s+with\s+a\s+location|"
    r"[\W_]+)$",
    re.I,
)
# What a sentence left inside a paragraph says of the page, not of the news.
_FURNITURE_WORDS = re.compile(
    r"\b(?:newsletters?|sign(?:ing)? up (?:for|to)|mailing list|click here|privacy policy|"
    r"terms of (?:use|service)|all rights reserved|follow us|contact details|unsubscribe|"
    r"(?:use|accept) (?:of )?cookies|location information to your tweets)\b"
    # a sign-up's promise ("… when it happens — in your inbox."), not an inbox in the news
    r"|\b(?:in|to) your inbox\W*$",
    re.IGNORECASE,
)
# "Reporting by Jane Doe; Editing by John Smith": only names and connectors.
_STAFF_CREDIT = re.compile(
    rf"^(?i:(?:additional\s+)?(?:reporting|editing|writing)\s+by)\s+{_CAPITALISED}"
    rf"(?:(?:\s+|\s*[;,]\s*|\s+(?:and|in|from|with|by)\s+|\s*;?\s*(?i:(?:additional\s+)?"
    rf"(?:reporting|editing|writing)\s+by)\s+){_CAPITALISED})*\W*$",
)
_NAME = r"[A-Z][\w.'’-]+"
_BYLINE = re.compile(rf"^(?:[Bb]y|BY)\s+({_NAME}(?:[ ,]+(?:and\s+|&\s+)?{_NAME}){{0,7}})\s*$")
# A byline styled in lower case throughout ("by jane doe and john roe"); `_NOT_NAMES`
# keeps out phrases such as "by the numbers".
_LOWER_BYLINE = re.compile(r"^by\s+([a-z][\w.'’-]+(?:[ ,]+(?:and\s+|&\s+)?[a-z][\w.'’-]+){1,7})$")
_NOT_NAMES = frozenset(
    "a an the of to in on at for with from this that these our my your all".split()
)
# A credit to a newsroom rather than to named people: "By BBC staff", "By a staff
# reporter", "By our foreign correspondent", "By Guardian staff and agencies", "From
# our wire services", "From staff and wire reports". What makes it a credit is the
# word for journalists or news services it ends in (before an optional "in Place"),
# never the outlet's name, which may be any of the few words before it.
_CREDIT_ROLE = (
    r"(?:staff(?:ers?)?|writers?|reporters?|correspondents?|editors?|journalists?|desk|"
    r"bureaux?|team|agenc(?:y|ies)|(?:news)?wires?|services?|reports)"
)
_CREDIT = re.compile(
    rf"^(?P<lead>by|from)\s+(?P<who>(?:[\w.&'’-]+,?\s+){{0,3}}{_CREDIT_ROLE}"
    rf"(?:\s*(?:,|and|&)\s*(?:[\w.&'’-]+\s+){{0,2}}{_CREDIT_ROLE})?)"
    rf"(?-i:\s+in\s+[A-Z][\w.'’-]+(?:\s+[A-Z][\w.'’-]+)?)?\W*$",
    re.IGNORECASE,
)
_CREDIT_WORDS = 12  # a longer line is a sentence, whatever it starts with
_DATE_PREFIX = re.compile(
    r"^(?:published|updated|posted|last\s+updated|date)\s*(?:on|at)?\s*:?\s*", re.I
)
_TITLE_KEY = re.compile(r"[\W_]+")
_SENTENCE_INSIDE = re.compile(r"[a-z0-9][.!?][\"”’]?\s+[A-Z]")
_LEAD = 6  # paragraphs searched for headline, byline and date


_ENTITY = re.compile(r"&(#\d{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{0,15});")


def decode_entities(text: str, *, sgml: bool = False) -> str:
    """`text` with the character references plain text should not hold decoded.

    Scraped and archived text often keeps HTML's escapes ("AT&amp;T", "&quot;"), some
    of it escaped twice over ("AT&T;", "R&B;"), and news-wire archives keep their
    typesetting codes (DUC's "&QL;", "&UR;"). Escapes HTML defines are decoded (to a
    space where they stand for an invisible or control character); an unknown one glued
    to a word loses its semicolon ("AT&T"), which costs a real semicolon after such a
    word ("AT&T; Verizon declined") its place; a short capitalised code standing alone
    becomes a space. With `sgml` (TREC and LDC files, where every reference is one),
    any unknown reference becomes a space ("self&hyph;interest"). Other ampersands are
    left alone: "&not" without a semicolon is not decoded, as a browser would not.
    Cost: one pass over the text.
    """
    if "&" not in text:
        return text

    def decoded(match: re.Match[str]) -> str:
        reference, name = match.group(0), match.group(1)
        # A named reference counts whole: "&nothing;" is not "&not" and "hing;".
        numeric = name.startswith("#")
        character = html.unescape(reference) if numeric else html5.get(name + ";", "")
        if character:
            return " " if unicodedata.category(character[0]) in ("Cc", "Cf") else character
        if sgml:
            return " "
        if match.start() and text[match.start() - 1].isalnum():
            return "&" + name
        return " " if name.isupper() and len(name) <= 3 else reference

    return _ENTITY.sub(decoded, text)


def normalize_unicode(text: str) -> str:
    """NFC text with uniform line breaks and spaces, and no control or invisible characters."""
    text = unicodedata.normalize("NFC", text)
    text = _LINE_BREAKS.sub("\n", text).translate(_INVISIBLE)
    text = text.replace("\t", " ")
    return UNSAFE.sub("", text)


def paragraphs(text: str) -> list[str]:
    """Split text into paragraphs with whitespace collapsed.

    A paragraph ends at a blank line, at an indented line or bullet, or at a
    line break after which the text cannot go on (the line ends a sentence, or
    the next starts with a capital while the text is not hard-wrapped). Lines of
    hard-wrapped text (most lines 40 to 80 characters) are joined back up.
    """
    lines = normalize_unicode(text).split("\n")
    wrapped = _looks_hard_wrapped(lines)
    result: list[str] = []
    current: list[str] = []
    for raw in lines:
        line = _SPACES.sub(" ", raw).strip()
        if not line:
            _flush(current, result)
            continue
        starts_new = bool(LIST_MARKER.match(raw)) or (wrapped and raw[:1] == " ")
        if current and (starts_new or not _continues(current[-1], line, wrapped)):
            _flush(current, result)
        current.append(line)
    _flush(current, result)
    return result


def _flush(current: list[str], result: list[str]) -> None:
    if current:
        result.append(" ".join(current))
        current.clear()


def _continues(previous: str, line: str, wrapped: bool) -> bool:
    if line[:1].islower():
        return True
    return wrapped and not previous.endswith(_TERMINAL)


def _looks_hard_wrapped(lines: list[str]) -> bool:
    lengths = [len(line.strip()) for line in lines if line.strip()]
    if len(lengths) < 4 or max(lengths) > 100:
        return False
    return sum(40 <= n <= 80 for n in lengths) >= 0.6 * len(lengths)


def looks_english(text: str) -> bool:
    """Whether `text` reads as English rather than another language: in a text of
    `_LANGUAGE_WORDS` words or more, the commonest function words of German, French,
    Spanish, Italian, Dutch or Portuguese ("der", "les", "los", "della", "het", "não")
    do not outnumber English's ("the", "of", "was") twice over, and most words are in
    the Latin alphabet. A list of names or credits in English has few of either and
    stays; shorter texts are given the benefit of the doubt. Cost: linear in the text."""
    found = [w.lower() for w in _LETTERS.findall(text)]
    if len(found) < _LANGUAGE_WORDS:
        return True
    if sum(not _LATIN.match(w) for w in found) > len(found) / 2:
        return False  # Cyrillic, Greek, Arabic, Chinese ...
    counts = Counter(w for w in found if w in _LANGUAGE_OF)
    english = sum(n for w, n in counts.items() if "en" in _LANGUAGE_OF[w])
    others: Counter[str] = Counter()
    for word, n in counts.items():
        for language in _LANGUAGE_OF[word] - {"en"}:
            others[language] += n
    return not others or max(others.values()) <= 2 * english


def mentions_furniture(sentence: str) -> bool:
    """Whether a sentence speaks of the page rather than the news (a newsletter sign-up,
    unsubscribing, cookies, a privacy policy), as sentences that cleaning leaves inside
    a paragraph of text may: such a sentence states no fact and makes no summary. (An
    embedded post with a link is news a page quotes, and is not furniture.)"""
    return _FURNITURE_WORDS.search(sentence) is not None


def boilerplate_reason(line: str) -> str | None:
    """Why `line` is page furniture rather than article text, or None if it is text."""
    line = LIST_MARKER.sub("", line)
    words = line.split()
    if len(words) > 40:
        return None
    if _FURNITURE.match(line) or _STAFF_CREDIT.match(line):
        return "furniture"
    if _CREDIT_TAIL.search(line) or _CREDIT_HEAD.match(line):
        return "picture credit"
    if (
        len(words) <= 25
        and _CTA_START.match(line)
        and (_READER_ADDRESSED.search(line) or _FURNITURE_DESTINATION.search(line))
    ):
        return "call to action"
    tokens = [t.lower().strip(":|•·-") for t in words]
    if ("share" in tokens or "tweet" in tokens) and all(t in _SHARE_WORDS or not t for t in tokens):
        return "share prompt"
    return None


def _is_sentence(line: str) -> bool:
    return line.endswith(_TERMINAL)


def _headline_like(line: str) -> bool:
    """One short line that does not read as a sentence, a question or a caption."""
    words = line.split()
    return (
        2 <= len(words) <= 30
        and len(line) <= 220
        and not line.rstrip("'\"”’").endswith((".", ",", ";", ":", "?", "!", ")"))
        and not _SENTENCE_INSIDE.search(line)
        and not LIST_MARKER.match(line)
        and boilerplate_reason(line) is None
    )


def _title_case_ratio(line: str) -> float:
    words = [w for w in _WORD.findall(line) if len(w) > 3]
    return sum(w[0].isupper() for w in words) / len(words) if words else 0.0


def _title_key(text: str) -> str:
    return _TITLE_KEY.sub(" ", text).strip().lower()


def _drop_repeated_captions(paras: list[str]) -> list[str]:
    """Drop captions repeated on a page: a non-sentence line that stands above the
    body (before the first sentence) and again further down. A refrain or a table
    row repeated within the body is content and stays."""
    body_start = next((i for i, p in enumerate(paras) if _is_sentence(p)), len(paras))
    above = {p for p in paras[:body_start] if len(p.split()) >= 3}
    counts = Counter(p for p in paras if p in above)
    return [p for p in paras if counts.get(p, 0) < 2]


def _take_lead(paras: list[str], article: Article) -> tuple[list[str], dict[str, str]]:
    """Find headline, byline and dateline among the first paragraphs; return the rest.

    Only the lead is searched: a byline or date deeper in the text is content. The
    headline is the first headline-like line, unless a later one of four or more
    words is in Title Case while the earlier ones are not: those earlier lines are
    then kickers or captions and are dropped with it. A line followed by one that
    starts in lower case is a broken sentence, not a headline.
    """
    found: dict[str, str] = {}
    drop: set[int] = set()
    candidates: list[int] = []
    for index, para in enumerate(paras[:_LEAD]):
        following = paras[index + 1] if index + 1 < len(paras) else ""
        if (author := _credit(para)) is not None:
            if author:
                found.setdefault("author", author)
            drop.add(index)
        elif len(para.split()) <= 10 and (published := normalize_date(_DATE_PREFIX.sub("", para))):
            found.setdefault("published", published)
            drop.add(index)
        elif article.title is None and _headline_like(para) and not following[:1].islower():
            candidates.append(index)
        else:
            break
    if candidates:
        titled = [
            i
            for i in candidates
            if len(paras[i].split()) >= 4 and _title_case_ratio(paras[i]) >= 0.7
        ]
        best = titled[0] if titled else candidates[0]
        found["title"] = paras[best]
        drop.update(i for i in candidates if i <= best)
    return [p for i, p in enumerate(paras) if i not in drop], found


def _credit(line: str) -> str | None:
    """Who a byline or credit line names ("" for a newsroom's people or services
    alone: "By our correspondent", "From wire reports"), or None when `line` is not
    one. A credit is never a headline, whatever its capitals."""
    if len(line.split()) > _CREDIT_WORDS:
        return None
    if byline := _BYLINE.match(line):
        return byline.group(1).strip(" ,")
    lower = _LOWER_BYLINE.match(line)
    if lower and not _NOT_NAMES.intersection(lower.group(1).replace(",", " ").split()):
        return lower.group(1).strip(" ,")
    if credit := _CREDIT.match(line):
        who = credit.group("who")
        # "By BBC staff" names its writers; "By our correspondent" and "From …" do not.
        return who if credit.group("lead").lower() == "by" and who[:1].isupper() else ""
    return None


def clean_article(article: Article) -> Article:
    """The article with normalised text, furniture removed and lead metadata filled in.

    Fills `title`, `author` and `published` from the text's first lines when the
    reader found none, and removes a first line that repeats the title. Returns an
    article whose text may be empty: the caller decides what to do with it.
    Cost: linear in the text, a few milliseconds for a long article.
    """
    text = decode_entities(article.text)
    paras = [p for p in paragraphs(text) if boilerplate_reason(p) is None]
    paras = _drop_repeated_captions(paras)
    title = _clean_field(decode_entities(article.title)) if article.title else None
    if title:
        key = _title_key(title)
        while paras and _title_key(paras[0]) == key:
            paras.pop(0)
    paras, found = _take_lead(paras, article.with_changes(title=title))
    return article.with_changes(
        id=_clean_field(article.id) or content_id(article.text),
        origin=_clean_field(article.origin),
        metadata=_clean_value(article.metadata),
        text="\n\n".join(paras),
        title=title or found.get("title"),
        author=_clean_field(article.author) or found.get("author"),
        published=normalize_date(article.published) or found.get("published"),
        source=_clean_field(article.source),
        url=_clean_field(article.url),
    )


def _clean_value(value: Any) -> Any:
    """Metadata with every string cleaned like a field (no controls, no surrogates)."""
    if isinstance(value, str):
        return UNSAFE.sub("", value)
    if isinstance(value, dict):
        return {UNSAFE.sub("", str(k)): _clean_value(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean_value(v) for v in value]
    return value


def _clean_field(value: str | None) -> str | None:
    if value is None:
        return None
    value = _SPACES.sub(" ", normalize_unicode(str(value)).replace("\n", " ")).strip()
    return value or None
