"""`GET /console/stream`: the live stream of notices an open queue listens to
(`api.console.notice_stream`), for those who may open the queue."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Request
from fastapi.responses import StreamingResponse
from starlette.concurrency import run_in_threadpool

from api.console.notice_stream import notice_events, start_after
from api.console.visitors import Visitor, page
from api.http.runtime import Runtime

router = APIRouter(prefix="/console", include_in_schema=False)
# A proxy that buffers answers would hold the events back (no-store is added for all).
HEADERS = {"X-Accel-Buffering": "no"}


@router.get("/stream")
async def stream(request: Request, who: Annotated[Visitor, page("cases")]) -> StreamingResponse:
    rt: Runtime = request.app.state.runtime
    after = await run_in_threadpool(
        start_after, rt, request.headers.get("last-event-id"), request.query_params.get("after")
    )

    def session_alive() -> bool:
        found = rt.users.session(who.session_id, datetime.now(UTC), rt.config.console_idle)
        return found is not None

    return StreamingResponse(
        notice_events(rt, who.principal, after, session_alive),
        media_type="text/event-stream",
        headers=HEADERS,
    )
