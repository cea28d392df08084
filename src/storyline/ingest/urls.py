"""URL helpers shared by the web-facing readers."""

from __future__ import annotations

import hashlib
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

_TRACKING_PREFIXES = ("utm_", "fbclid", "gclid", "mc_", "ocid", "cmpid")
_HOST_PREFIXES = ("www.", "m.", "amp.", "mobile.")


def is_web_url(value: str) -> bool:
    """True for http(s) URLs; storyline fetches nothing else (no file:, ftp:, data:)."""
    parts = urlsplit(value.strip())
    return parts.scheme.lower() in ("http", "https") and bool(parts.netloc)


def normalize_url(url: str) -> str:
    """`url` without fragment and tracking parameters, scheme and host lower-cased."""
    parts = urlsplit(url.strip())
    query = [
        (k, v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if not k.lower().startswith(_TRACKING_PREFIXES)
    ]
    path = parts.path or "/"
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), path, urlencode(query), ""))


def url_id(url: str) -> str:
    """A stable article id for a web document: 16 hex digits of the normalised URL's SHA-1.

    The same page read from a feed, a WARC archive or a saved HTML file with its
    canonical link gets the same id, so the store keeps it once.
    """
    return hashlib.sha1(normalize_url(url).encode("utf-8")).hexdigest()[:16]


def source_from_url(url: str | None) -> str | None:
    """The outlet's host name ("businessinsider.com") for a URL, or None."""
    if not url:
        return None
    host = (urlsplit(url.strip()).hostname or "").lower()
    for prefix in _HOST_PREFIXES:
        if host.startswith(prefix) and host.count(".") > 1:
            host = host[len(prefix) :]
    return host or None
