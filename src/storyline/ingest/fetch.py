"""Fetching web pages and feeds, with retries and backoff.

Only URLs a user names (or a feed they name links to, with ``--fetch``) are
fetched; nothing else in storyline touches the network.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import httpx

from storyline import __version__
from storyline.ingest.urls import is_web_url, private_host_problem

USER_AGENT = f"storyline/{__version__} (+https://github.com/storyline-news/storyline)"
#: What follows why a URL off the public internet is refused.
NOT_FETCHED = "this server fetches only from public addresses"
_RETRY_STATUS = {408, 425, 429, 500, 502, 503, 504}


class FetchError(Exception):
    """A URL could not be retrieved; the message names the URL and the cause."""


@dataclass(frozen=True, slots=True)
class Fetched:
    url: str  # after redirects
    content: bytes
    content_type: str | None
    charset: str | None


class Fetcher:
    """Fetches URLs over one connection pool.

    `attempts` tries are made for connection errors and retryable statuses (429,
    5xx), waiting `backoff` seconds, then twice that, and so on (a server's
    Retry-After is honoured up to 30 s). Bodies larger than `max_bytes` are
    refused. With `public_only`, a URL, or a redirect, to a host with an address off
    the public internet (`private_host_problem`) is refused: a server fetching what its
    users name must not read what only it can reach. (The name is looked up for the
    check and again to connect: a name server that answers differently within that
    moment is not caught.) Use as a context manager, or call `close()`.
    """

    def __init__(
        self,
        *,
        attempts: int = 4,
        backoff: float = 0.5,
        timeout: float = 20.0,
        max_bytes: int = 50 * 1024 * 1024,
        transport: httpx.BaseTransport | None = None,
        public_only: bool = False,
    ):
        self.attempts = max(1, attempts)
        self.backoff = backoff
        self.max_bytes = max_bytes
        self._client = httpx.Client(
            follow_redirects=True,
            timeout=timeout,
            transport=transport,
            event_hooks={"request": [_refuse_private_hosts]} if public_only else None,
            headers={
                "User-Agent": USER_AGENT,
                "Accept": "text/html,application/xml;q=0.9,*/*;q=0.8",
            },
        )

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._client.close()

    def fetch(self, url: str) -> Fetched:
        """The body of `url`; raises FetchError after the last failed attempt."""
        if not is_web_url(url):
            raise FetchError(f"{url}: not an http(s) URL")
        problem = "no attempt made"
        for attempt in range(self.attempts):
            if attempt:
                time.sleep(self._delay(attempt, problem))
            try:
                return self._get(url)
            except _Retryable as exc:
                problem = str(exc)
            except httpx.TransportError as exc:
                problem = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
            except (httpx.HTTPError, httpx.InvalidURL, httpx.StreamError) as exc:
                # Redirect loops, undecodable bodies, malformed URLs: retrying won't help.
                raise FetchError(f"{url}: {type(exc).__name__}: {exc}") from exc
        raise FetchError(f"{url}: {problem} (gave up after {self.attempts} attempts)")

    def _delay(self, attempt: int, problem: str) -> float:
        delay = self.backoff * 2 ** (attempt - 1)
        if problem.startswith("retry-after="):
            delay = max(delay, min(30.0, float(problem.split("=", 1)[1].split()[0])))
        return delay

    def _get(self, url: str) -> Fetched:
        with self._client.stream("GET", url) as response:
            if response.status_code in _RETRY_STATUS:
                retry_after = response.headers.get("retry-after", "")
                if retry_after.isdigit():
                    raise _Retryable(f"retry-after={retry_after} HTTP {response.status_code}")
                raise _Retryable(f"HTTP {response.status_code} {response.reason_phrase}")
            if response.status_code >= 400:
                raise FetchError(f"{url}: HTTP {response.status_code} {response.reason_phrase}")
            declared = response.headers.get("content-length", "")
            if declared.isdigit() and int(declared) > self.max_bytes:
                raise FetchError(f"{url}: body of {int(declared):,} bytes exceeds the limit")
            chunks, size = [], 0
            for chunk in response.iter_bytes():
                size += len(chunk)
                if size > self.max_bytes:
                    raise FetchError(f"{url}: body exceeds {self.max_bytes:,} bytes")
                chunks.append(chunk)
            content_type = response.headers.get("content-type")
            return Fetched(
                str(response.url),
                b"".join(chunks),
                content_type.split(";")[0].strip().lower() if content_type else None,
                response.charset_encoding,
            )


class _Retryable(Exception):
    pass


def _refuse_private_hosts(request: httpx.Request) -> None:
    """Called before each request, redirects included."""
    if problem := private_host_problem(request.url.host):
        raise FetchError(f"{request.url}: {problem}; {NOT_FETCHED}")
