"""/docs (Swagger UI) and /redoc, served whole by propdesk.

FastAPI's own pages load their scripts, styles and icon from a CDN, and ReDoc's fonts
from Google, which intranets and mainland networks often cannot reach. The files come
from the `fastapi-offline` package (MIT; it ships Swagger UI's and ReDoc's bundles) and
are served under ASSETS. The bundles still name other origins (ReDoc's logo, Swagger
UI's validator): the pages' Content-Security-Policy keeps the browser from asking them.
"""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

ASSETS = "/docs-assets"
PAGES = ("/docs", "/redoc")
# Inline scripts and styles: the pages start their bundle with one, and both bundles
# style elements inline. Images as data: URIs (icons); ReDoc's search runs in a blob: worker.
POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self' 'unsafe-inline'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self' data:",
        "worker-src 'self' blob:",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
    )
)


def install(app: FastAPI) -> None:
    """For an app made with `docs_url=None, redoc_url=None`."""
    app.mount(ASSETS, StaticFiles(packages=[("fastapi_offline", "static")]), name="docs-assets")

    @app.get(PAGES[0], include_in_schema=False)
    async def swagger_ui(request: Request) -> HTMLResponse:
        root = _root(request)
        page = get_swagger_ui_html(
            openapi_url=f"{root}{app.openapi_url}",
            title=f"{app.title} - Swagger UI",
            swagger_js_url=f"{root}{ASSETS}/swagger-ui-bundle.js",
            swagger_css_url=f"{root}{ASSETS}/swagger-ui.css",
            swagger_favicon_url=f"{root}{ASSETS}/favicon.png",
            swagger_ui_parameters={"validatorUrl": None},  # it would send the document away
        )
        return _guarded(page)

    @app.get(PAGES[1], include_in_schema=False)
    async def redoc(request: Request) -> HTMLResponse:
        root = _root(request)
        page = get_redoc_html(
            openapi_url=f"{root}{app.openapi_url}",
            title=f"{app.title} - ReDoc",
            redoc_js_url=f"{root}{ASSETS}/redoc.standalone.js",
            redoc_favicon_url=f"{root}{ASSETS}/favicon.png",
            with_google_fonts=False,
        )
        return _guarded(page)


def _root(request: Request) -> str:
    root: str = request.scope.get("root_path", "")
    return root.rstrip("/")


def _guarded(page: HTMLResponse) -> HTMLResponse:
    page.headers["Content-Security-Policy"] = POLICY
    return page
