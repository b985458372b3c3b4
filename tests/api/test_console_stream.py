"""The console's live stream of notices over a real server, on each backend: each notice a
visitor may see arrives as an event naming its place in the outbox, a reconnecting browser
resumes after the last it had, and another community's notices never arrive."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from api.config.server import ServerConfig
from api.config.settings import Settings
from api.storage.tokens import open_tokens
from api.storage.users import open_users
from api.wiring import open_notice_store_for
from projections.notices.kinds import AT_RISK, BREACHED, CASE_RECEIVED
from projections.notices.store import INSERT_NOTICE, NoticeStore
from support.console import PASSWORD, csrf_of
from support.live_server import Live, live_server
from support.processes import free_port
from support.request_bodies import BODIES
from support.serve_cli import ended, serve, wait_healthy

DUE = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
DUE_US = int(DUE.timestamp()) * 1_000_000


@dataclass
class Desk:
    live: Live
    config: ServerConfig
    notices: NoticeStore
    agent: str  # an agent's bearer token

    def receive(self, community: str) -> dict[str, Any]:
        body = {**BODIES["repair"], "community": community}
        answer = httpx.post(
            f"{self.live.base}/requests",
            json=body,
            headers={"Authorization": f"Bearer {self.agent}"},
            timeout=30,
        )
        assert answer.status_code == 201, answer.text
        found: dict[str, Any] = answer.json()
        return found

    def dispatch(self, case: dict[str, Any], assignee: str) -> None:
        """Dispatched, and waited for until the read models know it."""
        auth = {"Authorization": f"Bearer {self.agent}"}
        sent = httpx.post(
            f"{self.live.base}/requests/{case['id']}/dispatch",
            json={"assignee": assignee},
            headers=auth,
            timeout=30,
        )
        assert sent.status_code == 200, sent.text
        position = sent.headers["x-event-position"]
        read = httpx.get(
            f"{self.live.base}/requests", params={"min_position": position}, headers=auth
        )
        assert read.status_code == 200, read.text

    def notice(self, case_id: str, community: str, type_: str = AT_RISK) -> str:
        """Put a notice in the outbox; returns its place there. (The server's own follower
        adds the cases' notices too, e.g. each case's `case.received`.)"""
        now = int(time.time() * 1_000_000)
        id_ = f"{case_id}/dispatch/1/{type_}"
        row = (id_, type_, case_id, community, "repair")
        self.notices.execute([(INSERT_NOTICE, [(*row, "dispatch", 1, DUE_US, now, now, 1)])])
        [found] = self.notices.query("SELECT sequence FROM nt_outbox WHERE id = ?", [id_])
        return str(found["sequence"])


@pytest.fixture
def desk(db: str) -> Iterator[Desk]:
    config = ServerConfig.load({}, db=db, follow=True)
    users = open_users(config.settings)
    tokens = open_tokens(config.settings)
    notices = open_notice_store_for(config.settings)
    try:
        users.add("boss-liu", "supervisor", None, PASSWORD)
        users.add("desk-west", "agent", ["west"], PASSWORD)
        users.add("eng-wang", "worker", ["east"], PASSWORD)
        agent = tokens.issue("desk-zhang", "agent")
        admin = {"Authorization": f"Bearer {tokens.issue('it-chen', 'admin')}"}
        with live_server(config) as live:
            for code in ("east", "west"):
                added = httpx.post(
                    f"{live.base}/communities", json={"code": code, "name": code}, headers=admin
                )
                assert added.status_code == 201, added.text
            yield Desk(live, config, notices, agent)
    finally:
        notices.datastore.close()
        tokens.close()
        users.close()


@contextmanager
def signed_in(base: str, name: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=base, timeout=10) as client:
        form = client.get("/console/login")
        answer = client.post(
            "/console/login",
            data={"username": name, "password": PASSWORD, "csrf": csrf_of(form.text), "next": ""},
        )
        assert answer.status_code == 303, answer.text  # to the visitor's first page
        yield client


@dataclass(frozen=True)
class Event:
    id: str | None
    event: str | None
    data: dict[str, Any]  # empty when the message has none


class Stream:
    """The events of an open stream, read as they come."""

    def __init__(self, answer: httpx.Response) -> None:
        self.answer = answer
        self.lines = answer.iter_lines()

    def next(self) -> Event:
        """The next message with fields (comments skipped); fails after the read timeout."""
        fields: dict[str, str] = {}
        for line in self.lines:
            if line == "":
                if fields:
                    data = json.loads(fields["data"]) if "data" in fields else {}
                    return Event(fields.get("id"), fields.get("event"), data)
                continue
            if line.startswith(":"):
                continue
            name, _, value = line.partition(":")
            fields[name] = value.removeprefix(" ")
        raise AssertionError("the stream ended")

    def next_of(self, places: set[str]) -> Event:
        """The next event of a notice at one of these places in the outbox (the test's own),
        the server's own notices skipped."""
        while (event := self.next()).id not in places:
            pass
        return event


@contextmanager
def opened(client: httpx.Client, path: str = "/console/stream", **headers: str) -> Iterator[Stream]:
    with client.stream("GET", path, headers=headers, timeout=httpx.Timeout(10, read=5)) as answer:
        assert answer.status_code == 200, answer.read()
        assert answer.headers["content-type"].startswith("text/event-stream")
        stream = Stream(answer)
        first = stream.next()  # the retry interval: the stream has taken its start
        assert (first.id, first.event) == (None, None)
        yield stream


def test_a_new_notice_arrives_as_an_event_named_by_its_place_in_the_outbox(desk: Desk) -> None:
    case = desk.receive("east")
    with signed_in(desk.live.base, "boss-liu") as client, opened(client) as stream:
        place = desk.notice(case["id"], "east", BREACHED)
        event = stream.next_of({place})
    assert event.event == BREACHED
    assert event.data == {
        "type": BREACHED,
        "case_id": case["id"],
        "number": case["number"],
        "community": "east",
        "milestone": "dispatch",
        "due_at": "2026-11-30T17:00:00+08:00",
        "late": True,
    }


def test_last_event_id_resumes_after_the_last_event_the_browser_had(desk: Desk) -> None:
    case = desk.receive("east")
    places = [desk.notice(case["id"], "east", t) for t in (AT_RISK, BREACHED, CASE_RECEIVED)]
    with signed_in(desk.live.base, "boss-liu") as client:
        with opened(client, "/console/stream?after=0") as stream:
            had = [stream.next_of(set(places)) for _ in places]
        assert [e.event for e in had] == [AT_RISK, BREACHED, CASE_RECEIVED]
        resume = {"Last-Event-ID": places[1]}
        with opened(client, "/console/stream?after=0", **resume) as stream:
            resumed = stream.next()
            later = resumed if resumed.id == places[2] else stream.next_of({places[2]})
    assert int(resumed.id or 0) > int(places[1])  # nothing the browser had comes again
    assert later.event == CASE_RECEIVED


def test_a_visitor_of_another_community_never_gets_its_notices(desk: Desk) -> None:
    east, west = desk.receive("east"), desk.receive("west")
    mine = {desk.notice(east["id"], "east"), desk.notice(west["id"], "west")}
    with (
        signed_in(desk.live.base, "desk-west") as client,
        opened(client, "/console/stream?after=0") as s,
    ):
        first = s.next_of(mine)
        mine.add(desk.notice(east["id"], "east", BREACHED))
        west_breach = desk.notice(west["id"], "west", BREACHED)
        second = s.next_of({*mine, west_breach})
    assert first.data["case_id"] == west["id"]
    assert (second.id, second.event) == (west_breach, BREACHED)


def test_a_worker_gets_the_notices_of_the_cases_assigned_to_them_only(desk: Desk) -> None:
    theirs, other = desk.receive("east"), desk.receive("east")
    desk.dispatch(theirs, "eng-wang")
    desk.dispatch(other, "eng-zhou")
    mine = {desk.notice(other["id"], "east"), desk.notice(theirs["id"], "east")}
    with (
        signed_in(desk.live.base, "eng-wang") as client,
        opened(client, "/console/stream?after=0") as s,
    ):
        first = s.next_of(mine)
    assert first.data["case_id"] == theirs["id"]


def test_an_anonymous_visitor_is_sent_to_sign_in(desk: Desk) -> None:
    answer = httpx.get(f"{desk.live.base}/console/stream", timeout=10)
    assert answer.status_code == 303
    assert answer.headers["location"] == "/console/login?next=/console/stream"


@pytest.mark.parametrize("header", ["abc", "-1", "99999999999999999999"])
def test_a_malformed_last_event_id_is_refused_with_what_is_allowed(desk: Desk, header: str) -> None:
    with signed_in(desk.live.base, "boss-liu") as client:
        answer = client.get("/console/stream", headers={"Last-Event-ID": header})
    assert answer.status_code == 422
    assert "Last-Event-ID" in answer.text
    assert "a whole number, 0 or more" in answer.text


def test_the_live_queue_listens_from_where_it_was_drawn_and_a_past_view_does_not(
    desk: Desk,
) -> None:
    case = desk.receive("east")
    place = int(desk.notice(case["id"], "east"))
    with signed_in(desk.live.base, "boss-liu") as client:
        live = client.get("/console/cases").text
        past = client.get("/console/cases", params={"as_of": "2026-01-01T09:00"}).text
    drawn = re.search(r'data-stream="/console/stream\?after=(\d+)"', live)
    assert drawn is not None
    assert place <= int(drawn[1]) <= desk.notices.last_sequence()
    assert 'hx-trigger="every 30s, notice"' in live
    assert "/console/static/live.js" in live
    assert "即将超时" in live  # the warnings' labels, in the visitor's language
    assert 'id="live"' not in past
    assert "live.js" not in past


def test_a_server_told_to_stop_ends_its_open_streams_and_exits(tmp_path: Path) -> None:
    db, port = str(tmp_path / "propdesk.db"), free_port()
    users = open_users(Settings.load({}, db=db))
    try:
        users.add("boss-liu", "supervisor", None, PASSWORD)
    finally:
        users.close()
    # This checkout's code, whichever checkout the `propdesk` command was installed from.
    src = str(Path(__file__).resolve().parents[2] / "src")
    server = serve(db, port, environ={"PYTHONPATH": src})
    started: float | None = None
    try:
        wait_healthy(port, server)
        base = f"http://127.0.0.1:{port}"
        with signed_in(base, "boss-liu") as client, opened(client) as stream:
            started = time.monotonic()
            server.terminate()
            with pytest.raises(AssertionError, match="the stream ended"):
                stream.next()
            assert time.monotonic() - started < 5
    finally:
        if started is None:  # failed before it was told to stop
            server.terminate()
        stderr = ended(server, timeout=30)
    assert server.returncode == 0, stderr
