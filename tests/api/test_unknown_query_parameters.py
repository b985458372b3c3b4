"""A query parameter the route does not declare answers 422 naming it, on every route.

`GET /requests?phone=...` once answered every case, before `phone` was a filter: a
misspelt or unsupported filter (a resident's `name`) must not pass for an empty one.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from api.http.app import create_app
from support.api_client import Api, running
from support.documented_paths import documented_token, documented_url

DOCUMENT = create_app().openapi()  # builds no runtime: opens no database
OPERATIONS = [
    (method.upper(), path, operation)
    for path, item in DOCUMENT["paths"].items()
    for method, operation in item.items()
]


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Api]:
    with running(str(tmp_path_factory.mktemp("query") / "propdesk.db")) as api:
        yield api


def declared(operation: dict[str, Any]) -> list[str]:
    return [p["name"] for p in operation.get("parameters", []) if p["in"] == "query"]


@pytest.mark.parametrize(
    ("method", "path", "operation"), OPERATIONS, ids=[f"{m} {p}" for m, p, _ in OPERATIONS]
)
def test_an_unknown_query_parameter_answers_422_naming_it_and_the_allowed_ones(
    served: Api, method: str, path: str, operation: dict[str, Any]
) -> None:
    url = documented_url(served, path)
    head = served.head()
    response = served.client.request(
        method, url, params={"name": "王先生"}, headers=documented_token(served, path)
    )
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    allowed = ", ".join(declared(operation)) or "none"
    message = f"unknown parameter; allowed: {allowed}"
    assert problem["errors"] == [{"field": "query.name", "message": message}]
    assert problem["detail"] == f"query.name: {message}"
    assert served.head() == head
    assert "422" in operation["responses"], "the document does not say it may answer 422"


def test_each_unknown_parameter_is_named_once_and_known_ones_are_not(served: Api) -> None:
    response = served.client.get(
        "/requests?state=received&name=1&Limit=2&name=3&phone=4&limit=5",
        headers=served.supervisor,
    )
    assert response.status_code == 422, response.text
    assert [e["field"] for e in response.json()["errors"]] == ["query.name", "query.Limit"]


def test_declared_parameters_and_their_aliases_still_work(served: Api) -> None:
    found = served.client.get("/requests", params={"limit": 1}, headers=served.supervisor)
    assert found.status_code == 200, found.text
    report = served.client.get(
        "/reports/sla", params={"from": "2026-01-01", "to": "2026-02-01"}, headers=served.supervisor
    )
    assert report.status_code == 200, report.text
