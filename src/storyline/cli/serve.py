"""`serve`: the web app and its JSON API."""

from __future__ import annotations

from typing import Annotated

import typer

from storyline.cli.application import app
from storyline.cli.output import EXIT_STORE, DbOption, EncoderOption, err, plain
from storyline.store import DEFAULT_DB, StoreError, shown_store


@app.command()
def serve(
    db: DbOption = DEFAULT_DB,
    host: Annotated[
        str, typer.Option(help="Address to listen on; beyond 127.0.0.1 a token guards writes.")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port to listen on.")] = 8000,
    token: Annotated[
        str | None,
        typer.Option(
            envvar="STORYLINE_TOKEN",
            help="Token for ingest and upload (made up "
            "and printed when listening beyond this machine without one).",
        ),
    ] = None,
    encoder: EncoderOption = "auto",
    max_upload_mb: Annotated[
        int, typer.Option(min=1, max=1_000_000, help="Largest upload, in MB.")
    ] = 20,
    fetch_private: Annotated[
        bool,
        typer.Option(
            help="Let feed URLs name this machine or a private network (always so on "
            "127.0.0.1; beyond it, whoever holds the token could make the server read "
            "what only it can reach)."
        ),
    ] = False,
) -> None:
    """The web app: stories, story pages, articles, search, adding news, and a JSON API
    under /api/ (its OpenAPI schema at /api/openapi.json)."""
    import gc
    import secrets

    import uvicorn

    from storyline.web import create_app

    local = host in ("127.0.0.1", "localhost", "::1")
    if token is None and not local:
        token = secrets.token_urlsafe(24)
        err.print(plain(f"Listening beyond this machine: adding news needs the token {token}"))
    try:
        web = create_app(
            db,
            token=token,
            encoder=encoder,
            max_upload_bytes=max_upload_mb << 20,
            fetch_private=fetch_private or local,
        )
    except StoreError as exc:
        err.print(plain(f"error: {exc}", "red"))
        raise typer.Exit(EXIT_STORE) from exc
    # What start-up made lives as long as the server: kept out of garbage collection,
    # it no longer stalls a large story page by ~0.2 s every few requests.
    gc.collect()
    gc.freeze()
    err.print(
        plain(f"storyline on http://{host}:{port}/ (store: {shown_store(db)}); Ctrl+C stops it.")
    )
    uvicorn.run(web, host=host, port=port, log_level="warning")
