"""Optimistic concurrency over HTTP: ETag and If-Match, 412 and 409; racing writers."""

from __future__ import annotations

import threading
from collections import Counter
from typing import Any

import pytest

from support.api_client import Api


def test_a_command_the_state_does_not_allow_answers_409_with_the_domain_message(
    api: Api,
) -> None:
    case = api.create("repair")
    head = api.head()
    response = api.act(case["id"], "complete", {"resolution": "done"})
    assert response.status_code == 409
    problem = response.json()
    assert problem["detail"] == (
        "cannot complete repair in state 'received'; "
        "allowed: dispatch, hold, resolve, handover, amend, cancel, urge"
    )
    assert problem["allowed"] == [
        "dispatch",
        "hold",
        "resolve",
        "handover",
        "amend",
        "cancel",
        "urge",
    ]
    assert api.head() == head


def test_if_match_naming_an_older_version_answers_412_and_writes_nothing(api: Api) -> None:
    case = api.create("repair")
    assert (
        api.act(case["id"], "dispatch", {"assignee": "eng-1"}, **{"If-Match": '"1"'}).status_code
        == 200
    )
    head = api.head()
    stale = api.act(case["id"], "hold", {"reason": "parts"}, **{"If-Match": '"1"'})
    assert stale.status_code == 412
    assert stale.json()["detail"] == (
        "If-Match names version 1, the case is at version 2; reload it and decide again"
    )
    assert api.head() == head


@pytest.mark.parametrize("value", ['"2"', "2", "*", ' "2" '])
def test_if_match_takes_the_etag_as_given_or_any_version(api: Api, value: str) -> None:
    case = api.create("repair")
    api.act(case["id"], "dispatch", {"assignee": "eng-1"})
    response = api.act(case["id"], "hold", {"reason": "parts"}, **{"If-Match": value})
    assert response.status_code == 200
    assert response.headers["ETag"] == '"3"'


@pytest.mark.parametrize("value", ['W/"1"', '"one"', '"1", "2"', ""])
def test_an_if_match_that_is_not_an_etag_of_the_api_answers_400(api: Api, value: str) -> None:
    case = api.create("repair")
    response = api.act(case["id"], "dispatch", {"assignee": "eng-1"}, **{"If-Match": value})
    assert response.status_code == 400
    assert "If-Match" in response.json()["detail"]
    assert api.head() == 1


def race(api: Api, case_id: str, writers: int, headers: dict[str, str]) -> Counter[int]:
    barrier = threading.Barrier(writers)
    statuses: Counter[int] = Counter()
    lock = threading.Lock()

    def write(n: int) -> None:
        barrier.wait()
        response: Any = api.act(case_id, "reply", {"message": f"reply {n}"}, **headers)
        with lock:
            statuses[response.status_code] += 1

    threads = [threading.Thread(target=write, args=(n,)) for n in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return statuses


def test_racing_commands_on_one_version_apply_once_and_the_losers_get_409_or_412(
    api_on: Api,
) -> None:
    for _ in range(3):
        case = api_on.create("complaint")
        statuses = race(api_on, case["id"], 6, {"If-Match": '"1"'})
        assert statuses[200] == 1
        assert statuses[409] + statuses[412] == 5
        final = api_on.client.get(f"/requests/{case['id']}", headers=api_on.agent).json()
        assert (final["version"], final["state"]) == (2, "received")


def test_racing_commands_without_if_match_never_share_a_version(api_on: Api) -> None:
    case = api_on.create("complaint")
    statuses = race(api_on, case["id"], 6, {})
    assert sum(statuses.values()) == 6, "a writer got no answer"
    assert set(statuses) <= {200, 409}
    assert statuses[200] >= 1
    history = api_on.client.get(f"/requests/{case['id']}/history", headers=api_on.supervisor)
    versions = [e["version"] for e in history.json()["events"]]
    assert versions == list(range(1, statuses[200] + 2))


def test_the_documented_refusal_is_the_one_the_api_answers(api: Api) -> None:
    case = api.create("repair", reporter={"name": "王先生", "phone": "13800000000"})
    refused = api.act(case["id"], "complete", {"resolution": "done"}).json()["detail"]
    operation = api.client.get("/openapi.json").json()["paths"]["/requests/{case_id}/complete"]
    example = operation["post"]["responses"]["409"]["content"]["application/problem+json"]
    assert example["example"]["detail"] == refused
