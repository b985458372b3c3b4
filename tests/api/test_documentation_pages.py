"""/docs and /redoc are served whole by propdesk: no script, style, font or image from
another origin, which intranets and mainland networks often cannot reach."""

from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest

from support.api_client import Api

LINKING = ("src", "href", "spec-url")


class Links(HTMLParser):
    """Every address an element of the page names."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found += [value for name, value in attrs if name in LINKING and value]


def links_of(html: str) -> list[str]:
    parser = Links()
    parser.feed(html)
    return parser.found


@pytest.mark.parametrize("page", ["/docs", "/redoc"])
def test_a_documentation_page_names_no_other_origin_and_each_asset_answers(
    api: Api, page: str
) -> None:
    response = api.client.get(page)
    assert response.status_code == 200
    links = links_of(response.text)
    assert len(links) >= 2, links  # its script and its icon at least
    for link in links:
        parts = urlsplit(link)
        assert (parts.scheme, parts.netloc) == ("", ""), link
        assert api.client.get(link).status_code == 200, link
    assert "http://" not in response.text
    assert "https://" not in response.text


@pytest.mark.parametrize("page", ["/docs", "/redoc"])
def test_a_documentation_page_forbids_the_browser_any_other_origin(api: Api, page: str) -> None:
    """The bundles themselves name other origins (ReDoc's logo, Swagger UI's validator):
    the page's policy keeps the browser from asking them."""
    policy = api.client.get(page).headers["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))
    assert directives["default-src"] == "'self'"
    for directive, sources in directives.items():
        for source in sources.split():
            assert source in ("'self'", "'none'", "'unsafe-inline'", "data:", "blob:"), (
                directive,
                source,
            )


def test_the_assets_are_served_with_their_media_types(api: Api) -> None:
    kinds = {}
    for page in ("/docs", "/redoc"):
        for link in links_of(api.client.get(page).text):
            if link != "/openapi.json":
                kinds[link.rsplit(".", 1)[-1]] = api.client.get(link).headers["content-type"]
    assert kinds["js"].startswith(("text/javascript", "application/javascript"))
    assert kinds["css"].startswith("text/css")
    assert kinds["png"] == "image/png"


def test_swagger_ui_asks_no_validator(api: Api) -> None:
    assert '"validatorUrl": null' in api.client.get("/docs").text
