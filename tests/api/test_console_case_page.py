"""The console's case page: the facts, the timeline with what each event changed, the steps
(工单流转), the milestones, the first-contact chain, and the page as of an earlier instant
(by `as_of` or by the slider's `at_version`)."""

from __future__ import annotations

import math
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser
from itertools import pairwise
from typing import Any
from urllib.parse import parse_qs, urlsplit

from api.http.runtime import Runtime
from api.storage.users import open_users
from projections.calendar import SHANGHAI
from support.api_client import Api
from support.console import sign_in

VOID = frozenset({"br", "input", "img", "meta", "link", "hr", "wbr", "source", "option"})


@dataclass
class Row:
    attrs: dict[str, str | None]
    cells: list[str] = field(default_factory=list)


class CasePage(HTMLParser):
    """The rows of each table (by its class), and the text of each `data-fact` element."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.tables: dict[str, list[Row]] = {}
        self.facts: dict[str, str] = {}
        self._table: str | None = None
        self._row: Row | None = None
        self._cell: list[str] | None = None
        self._open: list[tuple[str, str | None]] = []
        self.feed(html)

    def rows(self, table: str, marked_by: str) -> list[Row]:
        """The rows of a table that carry the attribute `marked_by`: its body's."""
        return [r for r in self.tables.get(table, []) if marked_by in r.attrs]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "table":
            self._table = found.get("class") or ""
            self.tables.setdefault(self._table, [])
        elif tag == "tr" and self._table is not None:
            self._row = Row(found)
            self.tables[self._table].append(self._row)
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []
        if tag not in VOID:
            self._open.append((tag, found.get("data-fact")))
            if found.get("data-fact"):
                self.facts[str(found["data-fact"])] = ""

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None and self._row is not None:
            self._row.cells.append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "table":
            self._table = None
        while self._open and self._open.pop()[0] != tag:
            pass

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)
        for _, fact in self._open:
            if fact:
                self.facts[fact] += data

    def fact(self, name: str) -> str:
        return " ".join(self.facts[name].split())


@contextmanager
def supervisor_on(api: Api) -> Iterator[None]:
    users = open_users(api.config.settings)
    try:
        sign_in(api.client, users, "boss-liu", "supervisor")
        yield
    finally:
        users.close()


def page(api: Api, address: str) -> CasePage:
    answer = api.client.get(address)
    assert answer.status_code == 200, answer.text
    return CasePage(answer.text)


def runtime(api: Api) -> Runtime:
    found: Runtime = api.client.app.state.runtime  # type: ignore[attr-defined]
    return found


def shown(moment: datetime) -> str:
    return moment.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M:%S")


def minutes(seconds: float) -> str:
    """A duration as the page writes it in English."""
    total = math.floor(seconds / 60)
    return f"{total // 60} h {total % 60} min" if total >= 60 else f"{total} min"


def ok(answer: Any) -> None:
    assert answer.status_code == 200, answer.text


def worked_case(api: Api, base: datetime) -> str:
    """A repair received 50 minutes before `base`, dispatched, signed for, visited, held
    for 10 minutes, completed 10 minutes before `base` and called back now."""

    def at(before: int) -> str:
        return (base - timedelta(minutes=before)).isoformat()

    case_id: str = api.create("repair", received_at=at(50))["id"]
    ok(api.act(case_id, "dispatch", {"assignee": "eng-wang", "at": at(45)}))
    ok(api.act(case_id, "sign", {"at": at(40)}))
    ok(api.act(case_id, "arrive", {"at": at(30)}))
    ok(api.act(case_id, "hold", {"reason": "waiting for a valve", "at": at(25)}))
    ok(api.act(case_id, "resume", {"at": at(15)}))
    ok(api.act(case_id, "complete", {"resolution": "valve replaced", "at": at(10)}))
    ok(api.act(case_id, "callback", {"outcome": "satisfied", "comment": "all good"}))
    return case_id


def test_every_section_shows_a_case_driven_from_intake_to_its_callback(api_on: Api) -> None:
    base = datetime.now(UTC).replace(microsecond=0)
    case_id = worked_case(api_on, base)
    body = api_on.client.get(f"/requests/{case_id}", headers=api_on.supervisor).json()
    with supervisor_on(api_on):
        found = page(api_on, f"/console/cases/{case_id}?lang=en")
        chinese = page(api_on, f"/console/cases/{case_id}?lang=zh-CN")

    assert found.fact("state") == "Closed"
    assert chinese.fact("state") == "已关闭"
    assert found.fact("owner") == "desk-zhang"
    assert found.fact("assignee") == "eng-wang"
    assert found.fact("description") == body["description"]

    timeline = found.rows("timeline", "data-version")
    assert [r.attrs["data-version"] for r in timeline] == [str(v) for v in range(1, 9)]
    dispatched = timeline[1].cells
    assert dispatched[1] == "Dispatched"
    assert "State: Received → Dispatched" in dispatched[2]
    assert "Assignee: — → eng-wang" in dispatched[2]
    assert dispatched[3] == "desk-zhang"
    assert dispatched[4] == shown(base - timedelta(minutes=45))
    assert "Hold reason: — → waiting for a valve" in timeline[4].cells[2]
    assert "Hold reason: waiting for a valve → —" in timeline[5].cells[2]
    assert "Callback outcome: Satisfied" in timeline[7].cells[2]
    assert "all good" in timeline[7].cells[2]
    assert not any("Late entry" in r.cells[5] for r in timeline)

    steps = [
        (r.attrs["data-state"], r.cells[1], r.cells[2]) for r in found.rows("steps", "data-state")
    ]
    starts = [50, 45, 40, 30, 25, 15, 10, 0]
    states = ["received", "dispatched", "signed", "on_site", "on_hold", "on_site", "completed"]
    handlers = ["desk-zhang", *["eng-wang"] * 5, "desk-zhang"]
    assert [s[:2] for s in steps[:-1]] == list(zip(states, handlers, strict=True))
    assert steps[-1][:2] == ("closed", "—")
    calendar = runtime(api_on).calendar
    for row, (begin, end) in zip(
        found.rows("steps", "data-state")[:-1], pairwise(starts), strict=True
    ):
        start, stop = base - timedelta(minutes=begin), base - timedelta(minutes=end)
        if row.attrs["data-state"] == "completed":
            continue  # ended by the callback, recorded now rather than at `base`
        assert row.cells[2:5] == [
            shown(start),
            shown(stop),
            minutes((stop - start).total_seconds()),
        ]
        assert row.cells[5] == minutes(calendar.business_seconds(start, stop))

    rows = found.rows("milestones", "data-milestone")
    milestones = {r.attrs["data-milestone"]: r.cells for r in rows}
    assert {r.attrs["data-milestone"]: r.attrs["data-status"] for r in rows} == {
        m["name"]: m["status"] for m in body["milestones"]
    }
    assert {cells[5] for cells in milestones.values()} == {"Met"}
    assert milestones["dispatch"][1:5] == ["Around the clock", "10 min", "5 min", "0 min"]
    assert milestones["on_site"][3] == "20 min"
    assert milestones["completion"][3:5] == ["30 min", "10 min"]  # 40 minutes, 10 on hold

    chain = found.rows("chain", "data-link")
    assert [r.cells[1] for r in chain] == ["desk-zhang"]
    assert chain[0].cells[3] == shown(base - timedelta(minutes=50))


def test_an_entry_recorded_more_than_an_hour_after_it_happened_is_marked_late(api: Api) -> None:
    now = datetime.now(UTC)
    case_id = api.create("repair", received_at=(now - timedelta(hours=2)).isoformat())["id"]
    late = {"assignee": "eng-wang", "at": (now - timedelta(minutes=61)).isoformat()}
    ok(api.act(case_id, "dispatch", {**late, "late_reason": "<b>paper</b> log"}))
    ok(api.act(case_id, "sign", {"at": (now - timedelta(minutes=59)).isoformat()}))
    with supervisor_on(api):
        answer = api.client.get(f"/console/cases/{case_id}?lang=en")
    timeline = CasePage(answer.text).rows("timeline", "data-version")
    assert ["Late entry" in r.cells[5] for r in timeline] == [True, True, False]
    assert "Entered late because: <b>paper</b> log" in timeline[1].cells[6]
    assert "&lt;b&gt;paper&lt;/b&gt; log" in answer.text


def test_every_handover_appears_in_the_first_contact_chain_with_its_reason(api: Api) -> None:
    case_id = api.create("repair")["id"]
    ok(api.act(case_id, "handover", {"to": "desk-li", "reason": "shift ends"}))
    ok(api.act(case_id, "handover", {"to": "desk-wu", "reason": "on leave"}))
    with supervisor_on(api):
        found = page(api, f"/console/cases/{case_id}?lang=en")
    chain = [r.cells[:3] for r in found.rows("chain", "data-link")]
    assert chain == [
        ["Received it", "desk-zhang", "—"],
        ["desk-zhang", "desk-li", "shift ends"],
        ["desk-li", "desk-wu", "on leave"],
    ]
    assert found.fact("owner") == "desk-wu"


def test_as_of_shows_the_earlier_state_milestones_and_the_past_view_banner(api_on: Api) -> None:
    case_id = api_on.create("repair")["id"]
    ok(api_on.act(case_id, "dispatch", {"assignee": "eng-wang"}))
    then = datetime.now(UTC)
    for command in ("sign", "arrive"):
        ok(api_on.act(case_id, command))
    api_then = api_on.client.get(
        f"/requests/{case_id}", params={"as_of": then.isoformat()}, headers=api_on.supervisor
    ).json()
    with supervisor_on(api_on):
        answer = api_on.client.get(
            f"/console/cases/{case_id}", params={"as_of": then.isoformat(), "lang": "en"}
        )
        now = api_on.client.get(f"/console/cases/{case_id}?lang=en")
    ok(answer)
    past = CasePage(answer.text)
    assert past.fact("state") == "Dispatched"
    assert len(past.rows("timeline", "data-version")) == 2
    rows = past.rows("milestones", "data-milestone")
    statuses = {r.attrs["data-milestone"]: r.attrs["data-status"] for r in rows}
    assert statuses["dispatch"] == "met"
    assert statuses["on_site"] == "pending"
    assert statuses == {m["name"]: m["status"] for m in api_then["milestones"]}
    assert 'class="past"' in answer.text
    assert shown(then) in answer.text  # the banner names the instant
    assert 'class="past"' not in now.text
    assert CasePage(now.text).fact("state") == "On site"


def test_at_version_shows_the_case_as_of_the_recorded_instant_of_that_event(api: Api) -> None:
    case_id = api.create("repair")["id"]
    for command, body in (("dispatch", {"assignee": "eng-wang"}), ("sign", None), ("arrive", None)):
        ok(api.act(case_id, command, body))
    history = api.client.get(f"/requests/{case_id}/history", headers=api.supervisor).json()
    with supervisor_on(api):
        moved = api.client.get(
            f"/console/cases/{case_id}", params={"at_version": "2", "lang": "en"},
            follow_redirects=False,
        )  # fmt: skip
        assert moved.status_code == 303
        query = parse_qs(urlsplit(moved.headers["location"]).query)
        assert "at_version" not in query
        recorded = datetime.fromisoformat(history["events"][1]["recorded_at"])
        assert datetime.fromisoformat(query["as_of"][0]) == recorded
        answer = api.client.get(moved.headers["location"])
    ok(answer)
    found = CasePage(answer.text)
    assert found.fact("state") == "Dispatched"
    assert len(found.rows("timeline", "data-version")) == 2
    assert 'name="at_version" min="1" max="4" step="1" value="2"' in answer.text
    assert len(found.tables["versions"]) == 5  # a heading and every version, linked


def test_a_case_opens_by_its_number_as_by_its_id(api: Api) -> None:
    created = api.create("repair")
    with supervisor_on(api):
        answer = api.client.get(f"/console/cases/{created['number']}?lang=en")
    ok(answer)
    assert CasePage(answer.text).fact("state") == "Received"
    assert f"<h1>Case {created['number']}</h1>" in answer.text


def test_a_version_outside_the_case_or_a_malformed_as_of_answers_422(api: Api) -> None:
    case_id = api.create("repair")["id"]
    with supervisor_on(api):
        for params in ({"at_version": "9"}, {"at_version": "two"}, {"as_of": "yesterday"}):
            answer = api.client.get(f"/console/cases/{case_id}", params=params)
            assert answer.status_code == 422, (params, answer.text)


def test_the_sla_panel_explains_each_milestone_as_get_sla_does_in_both_languages(
    api_on: Api,
) -> None:
    base = datetime.now(UTC).replace(microsecond=0)
    case_id = worked_case(api_on, base)
    explained = api_on.client.get(f"/requests/{case_id}/sla", headers=api_on.supervisor).json()
    with supervisor_on(api_on):
        answer = api_on.client.get(f"/console/cases/{case_id}?lang=en")
        chinese = api_on.client.get(f"/console/cases/{case_id}?lang=zh-CN")
    ok(answer)
    panel = answer.text[answer.text.index('class="sla-why"') :]
    for milestone in explained["milestones"]:
        marker = (
            f'<details data-milestone="{milestone["name"]}" data-status="{milestone["status"]}"'
        )
        assert marker in panel
    completion = next(m for m in explained["milestones"] if m["name"] == "completion")
    # Held for 10 of the 40 minutes from receipt to completion, on the wall clock.
    assert (completion["counted_minutes"], completion["held_minutes"]) == (40.0, 10.0)
    assert f"{minutes(2400)} − {minutes(600)} = {minutes(1800)}" in panel
    days = CasePage(answer.text).rows("sla-days", "data-day")
    assert {row.attrs["data-day"] for row in days} == {
        day["date"] for m in explained["milestones"] for day in m["days"]
    }
    assert "各节点达标或超时的原因" in chinese.text
