"""A worker's command is checked against the assignment of the very version it saves."""

from __future__ import annotations

import threading
from typing import Any

import pytest

from support.api_client import Api

A, B = "eng-wang", "eng-zhao"


def dispatched_to(api: Api, worker: str) -> str:
    case = api.create("repair")
    assert api.act(case["id"], "dispatch", {"assignee": worker}).status_code == 200
    return str(case["id"])


def reassign_after_the_next_load(api: Api, monkeypatch: pytest.MonkeyPatch, case_id: str) -> None:
    """Forces the race: the case is dispatched to B right after the next time it is loaded,
    so that whoever loaded it acts on a version that is no longer the newest."""
    service = api.client.app.state.runtime.service  # type: ignore[attr-defined]
    load = service.get
    pending = [True]

    def load_then_reassign(wanted: Any) -> Any:
        found = load(wanted)
        if pending and str(wanted) == case_id:
            pending.clear()
            service.dispatch(case_id, actor="desk-zhang", assignee=B)
        return found

    monkeypatch.setattr(service, "get", load_then_reassign)


def test_a_worker_cannot_sign_a_case_reassigned_between_the_check_and_the_save(
    api_on: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    case_id = dispatched_to(api_on, A)
    reassign_after_the_next_load(api_on, monkeypatch, case_id)
    # If-Match names the version the reassignment creates: the one the save would expect.
    response = api_on.client.post(
        f"/requests/{case_id}/sign", headers={**api_on.auth(A, "worker"), "If-Match": '"3"'}
    )
    assert response.status_code in (404, 409, 412), response.text
    history = api_on.client.get(f"/requests/{case_id}/history", headers=api_on.supervisor)
    assert [e["type"] for e in history.json()["events"]] == ["Received", "Dispatched", "Dispatched"]


def test_a_worker_cannot_sign_a_case_reassigned_before_its_command(api_on: Api) -> None:
    case_id = dispatched_to(api_on, A)
    assert api_on.act(case_id, "dispatch", {"assignee": B}).status_code == 200
    response = api_on.client.post(
        f"/requests/{case_id}/sign", headers={**api_on.auth(A, "worker"), "If-Match": '"3"'}
    )
    assert response.status_code == 404, response.text
    assert api_on.head() == 3


def test_the_worker_now_assigned_signs_the_reassigned_case(api_on: Api) -> None:
    case_id = dispatched_to(api_on, A)
    assert api_on.act(case_id, "dispatch", {"assignee": B}).status_code == 200
    response = api_on.client.post(
        f"/requests/{case_id}/sign", headers={**api_on.auth(B, "worker"), "If-Match": '"3"'}
    )
    assert response.status_code == 200, response.text
    assert response.headers["ETag"] == '"4"'


def test_racing_a_reassignment_a_worker_never_acts_on_a_case_that_is_not_its_own(
    api: Api,
) -> None:
    """Threads, no forced order: the worker keeps signing with If-Match of the version the
    reassignment creates while an agent reassigns the case."""
    worker = api.auth(A, "worker")
    signed: list[int] = []
    for _ in range(25):
        case_id = dispatched_to(api, A)
        start = threading.Barrier(2)

        def reassign(case_id: str = case_id, start: threading.Barrier = start) -> None:
            start.wait()
            api.act(case_id, "dispatch", {"assignee": B}, **{"If-Match": '"2"'})

        agent = threading.Thread(target=reassign)
        agent.start()
        start.wait()
        while True:
            answer = api.client.post(
                f"/requests/{case_id}/sign", headers={**worker, "If-Match": '"3"'}
            )
            if answer.status_code != 412:  # 412: the reassignment has not landed yet
                break
        agent.join()
        signed.append(answer.status_code)
        history = api.client.get(f"/requests/{case_id}/history", headers=api.supervisor).json()
        assert [e["type"] for e in history["events"]][-1] == "Dispatched", history
    assert set(signed) <= {403, 404, 409}, signed
