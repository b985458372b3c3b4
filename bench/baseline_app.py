"""The baseline of the intake benchmark: the least a FastAPI service on eventsourcing does.

POST /requests validates the same JSON body as propdesk's intake, saves one new
eventsourcing aggregate per request to an SQLite file and answers 201 with its id.
No token, no idempotency, no read models, no personal-data table. Served by uvicorn
like `propdesk serve`: one process, the route a plain `def` run in the thread pool.

    .venv/bin/python bench/baseline_app.py --db bench/data/scratch/baseline.db [--port 8001]
"""

from __future__ import annotations

import argparse
from typing import Any
from uuid import UUID

import uvicorn
from eventsourcing.application import Application
from eventsourcing.domain import Aggregate, event
from fastapi import FastAPI
from pydantic import BaseModel


class Reporter(BaseModel):
    name: str
    phone: str | None = None


class NewRequest(BaseModel):
    kind: str
    channel: str
    location: str
    category: str
    priority: str | None = None
    description: str
    received_by: str | None = None
    reporter: Reporter | None = None


class Request(Aggregate):
    @event("Received")
    def __init__(self, fields: dict[str, Any]) -> None:
        self.fields = fields


class Requests(Application[UUID]):
    name = "baseline"


def create_app(db: str) -> FastAPI:
    store = Requests(
        {
            "PERSISTENCE_MODULE": "eventsourcing.sqlite",
            "SQLITE_DBNAME": db,
            "SQLITE_LOCK_TIMEOUT": "10",
        }
    )
    app = FastAPI()

    @app.post("/requests", status_code=201)
    def create(body: NewRequest) -> dict[str, str]:
        request = Request(body.model_dump())
        store.save(request)
        return {"id": str(request.id)}

    @app.get("/health")
    def health() -> dict[str, str]:
        return {"status": "ok"}

    return app


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", required=True)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8001)
    parser.add_argument("--log-level", default="info")
    args = parser.parse_args()
    uvicorn.run(create_app(args.db), host=args.host, port=args.port, log_level=args.log_level)


if __name__ == "__main__":
    main()
