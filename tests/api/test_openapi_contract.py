"""Schemathesis against the app's own OpenAPI document: no 5xx, every answer as documented.

Bounded: a few examples per operation, positive and negative, in well under a minute.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from api.http.app import create_app
from support.api_client import Api, TestClient, running

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    negative_data_rejection,
]


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Api]:
    with running(str(tmp_path_factory.mktemp("openapi") / "propdesk.db")) as api:
        # A server error must answer 500, not raise into the test: the check judges it.
        api.client = TestClient(api.client.app, raise_server_exceptions=False)
        for kind in ("repair", "complaint", "renovation"):
            api.create(kind)
        yield api


# The document needs no running app: building it opens no database.
schema = schemathesis.openapi.from_dict(create_app().openapi())


@schema.parametrize()
@settings(
    max_examples=12,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_every_answer_keeps_the_openapi_contract(case: Any, served: Api) -> None:
    assert served.client.get("/openapi.json").json() == schema.raw_schema
    for_admins = case.path.startswith(("/tokens", "/webhooks"))
    token = served.auth("root", "admin") if for_admins else served.supervisor
    request = case.as_transport_kwargs(base_url="http://testserver", headers=token)
    if "data" in request:  # httpx names a raw body `content`
        request["content"] = request.pop("data")
    if not request.get("cookies"):
        request.pop("cookies", None)
    response = served.client.request(**request)
    case.validate_response(response, checks=CHECKS)
