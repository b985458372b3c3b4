"""A DirectRoute hands the request to its endpoint; it takes nothing else."""

from __future__ import annotations

import pytest
from fastapi import APIRouter, Request, Response

from api.http.intake.direct_route import DirectRoute


def test_a_direct_route_refuses_an_endpoint_that_declares_more_than_the_request() -> None:
    async def two(request: Request, limit: int) -> Response:
        return Response()

    router = APIRouter()
    with pytest.raises(TypeError, match="takes `async def f\\(request\\)`"):
        router.add_api_route("/x", two, methods=["POST"], route_class_override=DirectRoute)


def test_a_direct_route_refuses_a_plain_function() -> None:
    def plain(request: Request) -> Response:
        return Response()

    router = APIRouter()
    with pytest.raises(TypeError, match="DirectRoute"):
        router.add_api_route("/x", plain, methods=["POST"], route_class_override=DirectRoute)
