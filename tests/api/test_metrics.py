"""`GET /metrics` (PROPDESK_METRICS=on): Prometheus's text format, requests by route
template and status, latencies, the log's head and the read models' lag, intake batch
sizes, database errors; admins only; absent when off."""

from __future__ import annotations

import sqlite3
from typing import Any

import psycopg
from prometheus_client.parser import text_string_to_metric_families

from support.api_client import running


def samples(text: str) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    """Every sample of a scrape by name and labels, as prometheus-client parses it."""
    return {
        (s.name, frozenset(s.labels.items())): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


def value(scraped: dict[Any, float], name: str, **labels: str) -> float:
    return scraped[(name, frozenset(labels.items()))]


def test_metrics_are_not_served_when_off(db: str) -> None:
    with running(db, follow=True, metrics=False) as api:
        admin = api.auth("it-zhou", "admin")
        assert api.client.get("/metrics", headers=admin).status_code == 404
        names = {m.cls.__name__ for m in api.client.app.user_middleware}
        assert "RequestMetrics" not in names  # requests pay nothing for them


def test_metrics_answer_admins_only(db: str) -> None:
    with running(db, follow=True, metrics=True) as api:
        assert api.client.get("/metrics").status_code == 401
        refused = api.client.get("/metrics", headers=api.supervisor)
        assert refused.status_code == 403
        assert "may not read the metrics; allowed roles: admin" in refused.json()["detail"]
        answer = api.client.get("/metrics", headers=api.auth("it-zhou", "admin"))
        assert answer.status_code == 200
        # They count every community's requests: an admin for some communities may not.
        scoped = api.tokens.issue("it-wu", "admin", {"default"})
        narrow = api.client.get("/metrics", headers={"Authorization": f"Bearer {scoped}"})
        assert narrow.status_code == 403
        assert "a token for all of them" in narrow.json()["detail"]
        assert answer.headers["content-type"] == "text/plain; version=0.0.4; charset=utf-8"


def test_metrics_count_requests_by_route_template_with_the_log_and_the_batches(db: str) -> None:
    with running(db, follow=True, metrics=True) as api:
        admin = api.auth("it-zhou", "admin")
        case = api.create("repair", reporter={"name": "王先生", "phone": "13800001111"})
        for _ in range(2):
            assert api.client.get(f"/requests/{case['id']}", headers=api.agent).status_code == 200
        assert api.client.get(f"/nowhere/{case['id']}").status_code == 404
        health = api.client.get("/health").json()
        text = api.client.get("/metrics", headers=admin).text
    scraped = samples(text)
    total = "propdesk_http_requests_total"
    assert value(scraped, total, route="/requests", method="POST", status="201") == 1
    assert value(scraped, total, route="/requests/{case_id}", method="GET", status="200") == 2
    assert value(scraped, total, route="unmatched", method="GET", status="404") == 1
    duration = "propdesk_http_request_duration_seconds_count"
    assert value(scraped, duration, route="/requests/{case_id}", method="GET") == 2
    assert value(scraped, "propdesk_intake_batch_size_count") == 1
    assert value(scraped, "propdesk_intake_batch_size_sum") == 1
    assert value(scraped, "propdesk_event_log_head") == health["log_position"]
    position = value(scraped, "propdesk_read_models_position")
    assert value(scraped, "propdesk_read_models_lag") == health["log_position"] - position
    for personal in (case["id"], "王先生", "13800001111", "desk-zhang", "it-zhou"):
        assert personal not in text


def execute(db: str, statement: str) -> None:
    """One statement on the database, from a connection of its own."""
    if db.startswith("postgresql"):
        with psycopg.connect(db, autocommit=True) as connection:
            connection.execute(statement)
    else:
        with sqlite3.connect(db) as connection:
            connection.execute(statement)


def test_metrics_count_database_errors(db: str) -> None:
    with running(db, follow=True, metrics=True) as api:
        admin, agent = api.auth("it-zhou", "admin"), api.agent
        execute(db, "ALTER TABLE propdesk_tokens RENAME TO tokens_away")  # under the server
        assert api.client.get("/requests", headers=agent).status_code == 500
        execute(db, "ALTER TABLE tokens_away RENAME TO propdesk_tokens")
        scraped = samples(api.client.get("/metrics", headers=admin).text)
    assert value(scraped, "propdesk_database_errors_total", kind="other") == 1
    assert value(scraped, "propdesk_http_requests_total", route="/requests", method="GET",
                 status="500") == 1  # fmt: skip
