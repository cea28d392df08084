"""The web app: server-rendered pages and a JSON API over the store (FastAPI + Jinja2)."""

from storyline.web.app import create_app

__all__ = ["create_app"]
