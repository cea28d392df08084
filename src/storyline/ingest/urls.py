"""URL helpers shared by the web-facing readers."""

from __future__ import annotations

import hashlib
import ipaddress
import socket
from urllib.parse import SplitResult, parse_qsl, urlencode, urlsplit, urlunsplit

_TRACKING_PREFIXES = ("utm_", "fbclid", "gclid", "mc_", "ocid", "cmpid")
_HOST_PREFIXES = ("www.", "m.", "amp.", "mobile.")


def _split(url: str) -> SplitResult | None:
    try:
        parts = urlsplit(url.strip())
        parts.port  # noqa: B018 - raises ValueError for a malformed port
    except ValueError:  # malformed, e.g. an unbalanced IPv6 bracket
        return None
    return parts


def is_web_url(value: str) -> bool:
    """True for well-formed http(s) URLs; storyline fetches nothing else (no file:, data:)."""
    parts = _split(value)
    return parts is not None and parts.scheme.lower() in ("http", "https") and bool(parts.netloc)


def web_url_problem(value: str) -> str | None:
    """Why `value` cannot be fetched, in a sentence, or None when it can be: found
    before any request is made."""
    parts = _split(value)
    if parts is None:
        return "the URL is malformed (a bad port or an unbalanced bracket)"
    if parts.scheme.lower() not in ("http", "https"):
        return "the URL must start with http:// or https://"
    if not parts.hostname:
        return "the URL names no host"
    try:
        parts.hostname.encode("idna")
    except UnicodeError:
        return "the URL's host name is not valid (a part of it is empty or too long)"
    return None


def private_host_problem(host: str) -> str | None:
    """Why a server that fetches only from the public internet will not fetch from
    `host`, or None: an address of it is this machine, a private network, link-local
    (a cloud's metadata service) or reserved, written any way (an IPv4 address inside
    an IPv6 one included); or it has no address here, so nothing tells what it is (a
    proxy would fetch whatever the name means to it). Cost: one name look-up, unless
    `host` is an address."""
    try:
        found = [ipaddress.ip_address(host.strip("[]"))]
    except ValueError:
        try:
            infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
        except (OSError, UnicodeError):
            return f"{host} has no address here"
        found = [ipaddress.ip_address(info[4][0].split("%")[0]) for info in infos]
    for address in found:
        if not all(inner.is_global for inner in (address, *_embedded_ipv4(address))):
            where = host if host.strip("[]") == str(address) else f"{host} ({address})"
            return f"{where} is this machine or a private network"
    return None


_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_IPV4_COMPATIBLE = ipaddress.ip_network("::/96")


def _embedded_ipv4(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> list:
    """The IPv4 addresses an IPv6 address carries (mapped, 6to4, NAT64, compatible)."""
    if address.version == 4:
        return []
    inner = [address.ipv4_mapped, address.sixtofour]
    if address in _NAT64 or address in _IPV4_COMPATIBLE:
        inner.append(ipaddress.IPv4Address(int(address) & 0xFFFFFFFF))
    return [a for a in inner if a is not None]


def normalize_url(url: str) -> str:
    """`url` without fragment and tracking parameters, scheme and host lower-cased."""
    parts = _split(url)
    if parts is None:
        return url.strip()
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
    parts = _split(url) if url else None
    if parts is None:
        return None
    host = (parts.hostname or "").lower()
    for prefix in _HOST_PREFIXES:
        if host.startswith(prefix) and host.count(".") > 1:
            host = host[len(prefix) :]
    return host or None
