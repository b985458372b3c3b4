"""Answers no cache may keep (personal data, tokens), and 405s that list every method.

Every answer of the API carries `Cache-Control: no-store`, errors included; only the
documentation (its pages, /openapi.json and their assets) may be cached.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from api.http.app import create_app
from support.api_client import Api, running
from support.documented_paths import documented_token, documented_url
from support.request_bodies import REPAIR

DOCUMENT = create_app().openapi()  # builds no runtime: opens no database
OPERATIONS = [(method.upper(), path) for path, item in DOCUMENT["paths"].items() for method in item]
PATHS = {path: {m.upper() for m in item} for path, item in DOCUMENT["paths"].items()}
BODIES: dict[str, dict[str, Any]] = {
    "/requests": REPAIR,
    "/tokens": {"name": "late-desk", "role": "agent"},
    "/webhooks": {"url": "https://93.184.216.34/hook", "events": ["case.closed"]},
    "/requests/{case_id}/dispatch": {"assignee": "eng-wang"},
}


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Api]:
    with running(str(tmp_path_factory.mktemp("caching") / "propdesk.db")) as api:
        yield api


@pytest.mark.parametrize(("method", "path"), OPERATIONS, ids=[f"{m} {p}" for m, p in OPERATIONS])
def test_every_answer_of_the_api_may_not_be_stored(served: Api, method: str, path: str) -> None:
    url = documented_url(served, path)
    body = BODIES.get(path) if method == "POST" else None
    answered = served.client.request(method, url, json=body, headers=documented_token(served, path))
    assert answered.status_code < 500, answered.text
    refused = served.client.request(method, url, json=body)  # no token: 401, or health's 200
    for response in (answered, refused):
        assert response.headers["Cache-Control"] == "no-store", (response.status_code, path)


def test_errors_outside_the_routes_may_not_be_stored_either(served: Api) -> None:
    for response in (
        served.client.get("/cases", headers=served.agent),
        served.client.delete("/requests", headers=served.agent),
        served.client.post("/requests", content=b"x" * 70_000, headers=served.agent),
    ):
        assert response.headers["Cache-Control"] == "no-store", response.status_code


def test_the_documentation_may_be_cached(served: Api) -> None:
    for url in ("/openapi.json", "/docs", "/redoc"):
        response = served.client.get(url)
        assert response.status_code == 200
        assert "no-store" not in response.headers.get("Cache-Control", "")


@pytest.mark.parametrize("path", list(PATHS))
def test_a_method_the_path_does_not_answer_gets_405_listing_every_method_it_does(
    served: Api, path: str
) -> None:
    refused = next(m for m in ("PATCH", "PUT", "DELETE") if m not in PATHS[path])
    response = served.client.request(
        refused, documented_url(served, path), headers=served.supervisor
    )
    assert response.status_code == 405, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert set(response.headers["Allow"].split(", ")) == PATHS[path]
    assert response.json()["detail"] == (
        f"this route does not answer {refused}; it answers {response.headers['Allow']} (see /docs)"
    )


def test_a_documentation_asset_answers_405_listing_get_and_head(served: Api) -> None:
    response = served.client.post("/docs-assets/swagger-ui.css")
    assert response.status_code == 405
    assert response.headers["content-type"] == "application/problem+json"
    assert response.headers["Allow"] == "GET, HEAD"
