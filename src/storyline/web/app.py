"""Routes of the web app: pages for people, the same data as JSON under /api/.

Everything from articles is untrusted: templates autoescape, URLs other than
http(s) are made inert, and every response carries a Content-Security-Policy
that allows no script at all (the pages need none: progress refreshes itself).
Write endpoints (ingest, upload) take a token when the app was given one (the
`serve` command makes one whenever it binds beyond this machine).

Other sites cannot use the app through a visitor's browser: a write whose Origin (or
Referer) names another site is refused (cross-site request forgery), and a connection
that arrived on a loopback address must name this machine in its Host header, so a
hostile page cannot rebind its own domain name to 127.0.0.1 and read the store.
Requests that carry neither header (curl, scripts) are not browsers' and pass.
"""

from __future__ import annotations

import hmac
import ipaddress
import logging
import math
import shutil
import tempfile
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote, urlsplit

from fastapi import Depends, FastAPI, File, Form, Query, Request, UploadFile
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException

from storyline import __version__
from storyline.dates import date_range
from storyline.ingest.fetch import NOT_FETCHED
from storyline.ingest.urls import private_host_problem, web_url_problem
from storyline.language import ANNOTATOR_VERSION
from storyline.report.html import template_environment, used_sentence_keys
from storyline.report.views import stored_story_document, story_view
from storyline.store import Store, StoreError
from storyline.store.story_tables import STORY_SORTS
from storyline.web import schemas
from storyline.web.jobs import Jobs

log = logging.getLogger(__name__)

PAGE_SIZE = 50
SIMILAR = 5  # articles listed as similar coverage on an article's page
DEFAULT_MAX_UPLOAD_BYTES = 20 * 1024 * 1024
CSP = (
    "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'"
)
# Same-origin rather than none: under "no-referrer" browsers send `Origin: null` with the
# app's own form posts, which the cross-origin check would have to refuse.
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}
_FORM_SLACK = 64 * 1024  # multipart boundaries and the form's other fields
_TOKEN_NEEDED = "This server needs its token to ingest (see `storyline serve`)."
_WRITES = frozenset({"POST", "PUT", "PATCH", "DELETE"})
_DEFAULT_PORTS = {"http": 80, "https": 443}
SortQuery = Annotated[str, Query(description=f"one of {', '.join(STORY_SORTS)}")]
PageQuery = Annotated[int, Query(alias="page", ge=1, le=1_000_000)]
_STYLE = (Path(__file__).parent.parent / "report" / "templates" / "_style.css").read_text("utf-8")


class StoryQuery:
    """The story list's query: sort, filters and page (the same for the page and the API)."""

    def __init__(
        self,
        sort: SortQuery = "size",
        source: str | None = None,
        since: str | None = None,
        until: str | None = None,
        entity: str | None = None,
        page_number: PageQuery = 1,
    ) -> None:
        self.sort, self.page = sort, page_number
        self.source, self.entity = source, entity
        try:
            self.since, self.until = date_range(since, until)
        except ValueError as exc:
            raise HTTPException(400, str(exc)) from exc

    @property
    def filters(self) -> dict[str, str | None]:
        return {
            "source": self.source or None,
            "since": self.since or None,
            "until": self.until or None,
            "mentioning": self.entity or None,
        }


class WebLinks:
    """Citations and timeline entries point at the article pages."""

    def sentence(self, article_id: str, sentence: int) -> str:
        return f"{self.article(article_id)}#s-{sentence}"

    def article(self, article_id: str) -> str:
        return f"/articles/{quote(article_id, safe='')}"


def create_app(
    db: str,
    *,
    token: str | None = None,
    encoder: str = "auto",
    max_upload_bytes: int = DEFAULT_MAX_UPLOAD_BYTES,
    fetch_private: bool = False,
) -> FastAPI:
    """The app over the store at `db`. With `token`, ingest and upload need it (form
    field ``token`` or header ``X-Storyline-Token``). A feed URL naming this machine or
    a private network is refused unless `fetch_private`: whoever may add news must not
    make the server read what only it can reach."""
    store = Store(db)
    jobs = Jobs(store, encoder, public_only=not fetch_private)
    env = template_environment("storyline.web")
    links = WebLinks()
    app = FastAPI(
        title="storyline",
        version=__version__,
        description="News from many outlets, turned into stories. The JSON API mirrors the "
        "result JSON: a story here is a story there.",
        # The interactive docs pages load their scripts from a CDN: the schema is enough.
        docs_url=None,
        redoc_url=None,
        openapi_url="/api/openapi.json",
        responses=schemas.ERRORS,
    )
    app.state.store = store

    def page(request: Request, name: str, code: int = 200, **context: Any) -> HTMLResponse:
        html = env.get_template(name).render(
            request=request, links=links, version=__version__, token_needed=bool(token), **context
        )
        return HTMLResponse(html, status_code=code)

    def allowed(given: str | None) -> bool:
        # Bytes: compare_digest refuses str with characters beyond ASCII.
        return token is None or (
            given is not None and hmac.compare_digest(given.encode(), token.encode())
        )

    def _unauthorised(request: Request) -> HTTPException | None:
        """A 403 for an API upload without the token, which its header carries: known
        before the body is read. (The form's token is in the body itself.)"""
        posted = request.method == "POST" and request.url.path == "/api/ingest"
        if posted and not allowed(_header_token(request)):
            return HTTPException(403, _TOKEN_NEEDED)
        return None

    @app.middleware("http")
    async def guard(request: Request, call_next):
        refused = (
            _misdirected(request)
            or _cross_origin(request)
            or _oversized(request, max_upload_bytes)
            or _nul_parameter(request)
            or _unauthorised(request)
        )
        # Refused before the body is read: the form parser would spool an upload first.
        head = request.method == "HEAD"
        if head:  # a GET whose body is left out, as HTTP defines it
            request.scope["method"] = "GET"
        response = await (http_error(request, refused) if refused else call_next(request))
        response.headers.update(SECURITY_HEADERS)
        if head:
            return Response(status_code=response.status_code, headers=dict(response.headers))
        return response

    def error(request: Request, status: int, message: str) -> Response:
        """{"error": message} under /api/, else the error page."""
        if request.url.path.startswith("/api/"):
            return JSONResponse({"error": message}, status_code=status)
        return page(request, "error.html", status, status=status, message=message)

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException):
        response = error(request, exc.status_code, exc.detail)
        response.headers.update(exc.headers or {})  # a 405's Allow
        return response

    @app.exception_handler(RequestValidationError)
    async def bad_parameter(request: Request, exc: RequestValidationError):
        return error(request, 422, _validation_message(exc))

    @app.exception_handler(Exception)
    async def crash(request: Request, exc: Exception):
        log.exception("error serving %s", request.url.path)
        message = "Something went wrong on our side; the error is in the server's log."
        response = error(request, 500, message)
        # A crash is answered outside the middleware that adds these to the rest.
        response.headers.update(SECURITY_HEADERS)
        return response

    @app.get("/static/storyline.css", include_in_schema=False)
    def style() -> Response:
        return Response(_STYLE, media_type="text/css")

    # -- stories -----------------------------------------------------------------------

    def story_list(query: StoryQuery) -> dict[str, Any]:
        if query.sort not in STORY_SORTS:
            raise HTTPException(400, f"sort must be one of {', '.join(STORY_SORTS)}")
        total = store.count_stories(**query.filters)
        rows = store.list_stories(
            sort=query.sort,
            limit=PAGE_SIZE,
            offset=(query.page - 1) * PAGE_SIZE,
            **query.filters,
        )
        return {
            "total": total,
            "page": query.page,
            "pages": max(1, math.ceil(total / PAGE_SIZE)),
            "stories": rows,
        }

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def stories_page(request: Request, query: Annotated[StoryQuery, Depends()]):
        return page(
            request,
            "stories.html",
            sort=query.sort,
            sorts=list(STORY_SORTS),
            source=query.source or "",
            since=query.since or "",
            until=query.until or "",
            entity=query.entity or "",
            sources=store.sources()[:200],
            **story_list(query),
        )

    @app.get("/api/stories", response_model=schemas.StoryListOut)
    def stories_api(query: Annotated[StoryQuery, Depends()]):
        """One page of stories (50 a page), filtered and sorted."""
        return story_list(query)

    def find_story(story_id: str, route: str):
        """The story, a permanent redirect to the story it merged into or its articles went
        to (its id stays in earlier results and bookmarks), or a 404."""
        story = store.get_story(story_id)
        if story is None and (now := store.leads_to(story_id)) is not None:
            # Temporary: a lone story shown in another may stand alone again, and an id
            # may come to hold a story again.
            return RedirectResponse(f"{route}{quote(now, safe='')}", status_code=307)
        return _found(story, f"No story with id {story_id!r}.")

    @app.get("/stories/{story_id}", response_class=HTMLResponse, include_in_schema=False)
    def story_page(request: Request, story_id: str):
        story = find_story(story_id, "/stories/")
        if isinstance(story, Response):
            return story
        return page(request, "story.html", view=story_view(store, story))

    @app.get("/api/stories/{story_id}", response_model=schemas.StoryOut)
    def story_api(story_id: str):
        """One story as in the result JSON: summary, facts, conflicts, timeline,
        entities and quotes. A story that merged into another redirects (307) there."""
        story = find_story(story_id, "/api/stories/")
        if isinstance(story, Response):
            return story
        document = stored_story_document(store, story)
        # Built from the same code as the result JSON, so it is returned as it is:
        # validating thousands of facts against the schema again would double the time.
        return JSONResponse(document)

    # -- articles and search -------------------------------------------------------------

    def article_data(article_id: str) -> dict[str, Any]:
        stored = _found(store.get_article(article_id), f"No article with id {article_id!r}.")
        annotation = store.get_annotations([stored.content_hash], ANNOTATOR_VERSION).get(
            stored.content_hash
        )
        story_id = store.story_of([article_id]).get(article_id)
        copy_of = store.duplicate_links([article_id]).get(article_id)
        return {
            "stored": stored,
            "annotation": annotation,
            "story": story_id,
            "duplicate_of": copy_of,
            "similar": similar_to(article_id),
        }

    def similar_to(article_id: str) -> list[dict[str, Any]]:
        """The articles closest in meaning, with their metadata and story."""
        try:
            nearest = dict(store.similar_articles(article_id, limit=SIMILAR))
        except StoreError as exc:  # the page is still worth showing without them
            log.warning("similar articles of %s: %s", article_id, exc)
            return []
        found = {a.id: a for a in store.iter_articles(list(nearest))}
        stories = store.story_of(list(found))
        return [
            {**found[i].summary_dict(), "similarity": value, "story": stories.get(i)}
            for i, value in nearest.items()
            if i in found
        ]

    @app.get("/articles/{article_id:path}", response_class=HTMLResponse, include_in_schema=False)
    def article_page(request: Request, article_id: str):
        data = article_data(article_id)
        used: set = set()
        facts: set = set()
        story = store.get_story(data["story"]) if data["story"] else None
        if story is not None:
            used, facts = used_sentence_keys(
                store.get_summaries([story.id]).get(story.id),
                store.get_comparisons([story.id]).get(story.id),
            )
        return page(
            request,
            "article.html",
            article=data["stored"].article,
            annotation=data["annotation"],
            story=story,
            duplicate_of=data["duplicate_of"],
            used=used,
            facts=facts,
            similar=data["similar"],
        )

    @app.get("/api/articles/{article_id:path}", response_model=schemas.ArticleOut)
    def article_api(article_id: str):
        """One article: metadata, cleaned text, its sentences as storyline split them."""
        data = article_data(article_id)
        article = data["stored"].article
        sentences = [s.text for s in data["annotation"].sentences] if data["annotation"] else []
        return {
            **article.summary_dict(),
            "duplicate_of": data["duplicate_of"],
            "story": data["story"],
            "text": article.text,
            "sentences": sentences,
            "similar": data["similar"],
        }

    def search(q: str, page_number: int) -> dict[str, Any]:
        q = q.strip()
        if not q:
            return {"query": "", "total": 0, "page": 1, "articles": []}
        total = store.count_articles(query=q)
        found = store.list_articles(query=q, limit=PAGE_SIZE, offset=(page_number - 1) * PAGE_SIZE)
        return {
            "query": q,
            "total": total,
            "page": page_number,
            "articles": [a.summary_dict() for a in found],
        }

    @app.get("/search", response_class=HTMLResponse, include_in_schema=False)
    def search_page(request: Request, q: str = "", page_number: PageQuery = 1):
        found = search(q, page_number)
        stories = store.story_of([a["id"] for a in found["articles"]])
        return page(
            request,
            "search.html",
            stories=stories,
            pages=max(1, math.ceil(found["total"] / PAGE_SIZE)),
            **found,
        )

    @app.get("/api/search", response_model=schemas.SearchOut)
    def search_api(q: str, page_number: PageQuery = 1):
        """Full-text search over titles and texts (words, "phrases", AND/OR/NOT)."""
        return search(q, page_number)

    # -- ingest ----------------------------------------------------------------------------

    async def start_ingest(files: list[UploadFile], feed_url: str, given: str | None) -> Any:
        if not allowed(given):
            raise HTTPException(403, _TOKEN_NEEDED)
        feed_url = feed_url.strip()
        uploads = [f for f in files if f.filename]
        if not uploads and not feed_url:
            raise HTTPException(400, "Choose files to upload or give a feed URL.")
        if feed_url and (problem := await _feed_url_problem(feed_url, fetch_private)):
            raise HTTPException(400, f"The feed URL cannot be fetched: {problem}.")
        scratch = Path(tempfile.mkdtemp(prefix="storyline-upload-")) if uploads else None
        specs, names, total = [], [], 0
        for number, upload in enumerate(uploads):
            # A folder each: two files of one name stay apart, and each keeps the name
            # its article's id comes from, as `storyline ingest FILE` would give it.
            target = scratch / str(number) / (Path(upload.filename).name or "upload")
            target.parent.mkdir()
            with target.open("wb") as out:
                while chunk := await upload.read(1 << 20):
                    total += len(chunk)
                    if total > max_upload_bytes:
                        out.close()
                        shutil.rmtree(scratch, ignore_errors=True)
                        raise HTTPException(
                            413, f"Uploads are limited to {max_upload_bytes >> 20} MB."
                        )
                    out.write(chunk)
            specs.append(str(target))
            names.append(upload.filename)
        if feed_url:
            specs.append(feed_url)
            names.append(feed_url)
        return jobs.start(specs, names, scratch)

    @app.get("/ingest", response_class=HTMLResponse, include_in_schema=False)
    def ingest_page(request: Request):
        return page(request, "ingest.html", limit_mb=max_upload_bytes // (1024 * 1024))

    @app.post("/ingest", include_in_schema=False)
    async def ingest_form(
        files: Annotated[list[UploadFile], File()] = [],  # noqa: B006 (FastAPI's idiom)
        feed_url: Annotated[str, Form()] = "",
        token_field: Annotated[str | None, Form(alias="token")] = None,
    ):
        job = await start_ingest(files, feed_url, token_field)
        return RedirectResponse(f"/jobs/{job.id}", status_code=303)

    @app.post("/api/ingest", response_model=schemas.JobOut, status_code=202)
    async def ingest_api(
        request: Request,
        files: Annotated[list[UploadFile], File()] = [],  # noqa: B006
        feed_url: Annotated[str, Form()] = "",
    ):
        """Upload files (any format storyline reads) or give a feed URL; the pipeline runs
        in the background: poll /api/jobs/{id}."""
        job = await start_ingest(files, feed_url, _header_token(request))
        return job.to_dict()

    def find_job(job_id: str):
        missing = f"No ingest job {job_id!r} (jobs last until a restart)."
        return _found(jobs.get(job_id), missing)

    @app.get("/jobs/{job_id}", response_class=HTMLResponse, include_in_schema=False)
    def job_page(request: Request, job_id: str):
        job = find_job(job_id)
        stories = {s.id: s for s in store.stories_of_ids(job.stories)} if job.done else {}
        return page(request, "job.html", job=job, stories=stories)

    @app.get("/api/jobs/{job_id}", response_model=schemas.JobOut)
    def job_api(job_id: str):
        """An ingest job's stage, and the stories it touched once done."""
        return find_job(job_id).to_dict()

    return app


async def _feed_url_problem(url: str, fetch_private: bool) -> str | None:
    """Why the app will not fetch `url`, or None. The fetch checks every redirect too;
    this check says so before a job starts (the name look-up runs off the event loop)."""
    if problem := web_url_problem(url):
        return problem
    if fetch_private:
        return None
    problem = await run_in_threadpool(private_host_problem, urlsplit(url.strip()).hostname)
    return f"{problem}; {NOT_FETCHED}" if problem else None


def _header_token(request: Request) -> str | None:
    """The X-Storyline-Token header as its sender wrote it: HTTP headers are bytes,
    which Starlette decodes as Latin-1, and a client sends a token of other characters
    as UTF-8."""
    value = request.headers.get("X-Storyline-Token")
    return None if value is None else value.encode("latin-1").decode("utf-8", "replace")


def _validation_message(exc: RequestValidationError) -> str:
    """FastAPI's complaints about parameters, in a sentence for the error page."""
    complaints = []
    for error in exc.errors():
        # The parameter's name, not the position in it of a repeated field ("files", 0).
        names = [part for part in error.get("loc", ()) if isinstance(part, str)]
        name = names[-1] if names else "the request"
        given = "" if error.get("type") == "missing" else f", not {error.get('input')!r:.100}"
        if "UploadFile" in error["msg"]:  # pydantic names the class it wanted
            message = "expected an uploaded file"
        else:
            message = error["msg"][:1].lower() + error["msg"][1:]
        complaints.append(f"{name}: {message}{given}")
    return "; ".join(complaints) + "."


def _is_loopback(host: str | None) -> bool:
    """Whether `host` (a name or an address, without port) is this machine's loopback."""
    if host is None:
        return False
    if host.lower().rstrip(".") == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _misdirected(request: Request) -> HTTPException | None:
    """A 421 for a loopback connection whose Host names another machine: DNS rebinding,
    where a hostile page points its own domain name at 127.0.0.1 to read the app."""
    server = request.scope.get("server")
    host = request.headers.get("host")
    if not server or host is None or not _is_loopback(str(server[0])):
        return None
    try:
        named = urlsplit(f"//{host}").hostname
    except ValueError:  # an unbalanced "[", say
        named = None
    if _is_loopback(named):
        return None
    address = str(server[0])
    shown = f"[{address}]" if ":" in address else address
    port = f":{server[1]}" if server[1] else ""
    return HTTPException(
        421,
        f"This server answers only to localhost, 127.0.0.1 or [::1], not to {host[:100]!r}: "
        f"open http://{shown}{port}/ instead.",
    )


def _cross_origin(request: Request) -> HTTPException | None:
    """A 403 for a write that a page of another site made the browser send (CSRF).

    Browsers name the page in Origin (or, failing that, Referer); a request with neither
    is not a browser's and passes. Only host and port are compared: behind a proxy that
    ends TLS the app cannot know the scheme its visitors see."""
    if request.method not in _WRITES:
        return None
    sender = request.headers.get("origin") or request.headers.get("referer")
    if sender is None or _same_host(sender, request.headers.get("host", "")):
        return None
    return HTTPException(
        403,
        f"Refused a change sent from another site ({sender[:100]!r}): add news from this "
        "server's own pages, or from a script that sends no Origin header.",
    )


def _same_host(url: str, host: str) -> bool:
    """Whether `url` (an Origin or a Referer; "null" is no origin) is on `host`:port."""
    try:
        sender, own = urlsplit(url), urlsplit(f"//{host}")
        default = _DEFAULT_PORTS.get(sender.scheme)
        return (
            default is not None
            and sender.hostname is not None
            and (sender.hostname, sender.port or default) == (own.hostname, own.port or default)
        )
    except ValueError:  # a port that is no number, an unbalanced "["
        return False


def _oversized(request: Request, limit: int) -> HTTPException | None:
    """A 413 for a post that declares more than the upload limit, and a 411 for one that
    declares no length (sent in chunks): its size would be known only once the form
    parser had spooled all of it."""
    if request.method != "POST":
        return None
    declared = request.headers.get("content-length", "")
    if not declared.isdigit():
        return HTTPException(411, "A post needs its Content-Length (no chunked uploads).")
    if int(declared) > limit + _FORM_SLACK:
        return HTTPException(413, f"Uploads are limited to {limit >> 20} MB.")
    return None


def _nul_parameter(request: Request) -> HTTPException | None:
    """A 400 for a NUL character in the path or a parameter: no stored text has one, and
    the databases refuse it in a query (SQLite's full-text search, PostgreSQL)."""
    if "\x00" in request.scope["path"]:
        return HTTPException(400, "The address contains a NUL character (%00).")
    for name, value in request.query_params.multi_items():
        if "\x00" in value:
            return HTTPException(400, f"The parameter {name!r} contains a NUL character (%00).")
    return None


def _found(value: Any, message: str) -> Any:
    """`value`, or a 404 saying `message` when there is none."""
    if value is None:
        raise HTTPException(404, message)
    return value
