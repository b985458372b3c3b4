"""The console inside the API's application: its routes, its static files, its headers
and its error pages."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from api.console import errors, signin
from api.console.headers import ConsoleHeaders
from api.console.pages import ROUTERS

STATIC = Path(__file__).parent / "static"
STATIC_PATH = "/console/static"


def install(app: FastAPI) -> None:
    """After the API's exception handlers: the console wraps them."""
    app.include_router(signin.router)
    for router in ROUTERS:
        app.include_router(router)
    app.mount(STATIC_PATH, StaticFiles(directory=STATIC), name="console-static")
    app.add_middleware(ConsoleHeaders)
    errors.install(app)
