"""Who may open a case page and what of the reporter they see: scope and assignment answer
404 as for a missing case; the reporter shows masked, and only agents, supervisors and
admins may reveal it, each reveal written to the access log before it is shown."""

from __future__ import annotations

import re
from collections.abc import Iterator
from uuid import uuid4

import pytest

from api.http.runtime import Runtime
from api.storage.users import UserStore, open_users
from support.api_client import Api
from support.console import sign_in

NAME, PHONE = "王先生", "13900000001"
REVEAL_FORM = re.compile(r'<form class="reveal"[^>]*action="/console/cases/[^"]+/reveal"')


@pytest.fixture
def users(api: Api) -> Iterator[UserStore]:
    found = open_users(api.config.settings)
    yield found
    found.close()


def runtime(api: Api) -> Runtime:
    found: Runtime = api.client.app.state.runtime  # type: ignore[attr-defined]
    return found


def reported(api: Api, **fields: str) -> str:
    """A repair with a reporter, dispatched to eng-wang."""
    case_id: str = api.create("repair", reporter={"name": NAME, "phone": PHONE}, **fields)["id"]
    assert api.act(case_id, "dispatch", {"assignee": "eng-wang"}).status_code == 200
    return case_id


def reporter_of(page: str) -> tuple[str | None, str | None]:
    name = re.search(r'data-reporter="name">([^<]*)<', page)
    phone = re.search(r'data-reporter="phone">([^<]*)<', page)
    return (name and name.group(1), phone and phone.group(1))


def without_ids(page: str, *ids: str) -> str:
    for found in ids:
        page = page.replace(found, "ID")
    return page


def test_a_case_of_another_community_answers_404_to_a_scoped_user_as_a_missing_one(
    api: Api, users: UserStore
) -> None:
    case_id = reported(api)
    missing = str(uuid4())
    sign_in(api.client, users, "east-boss", "supervisor", communities=["east"])
    other = api.client.get(f"/console/cases/{case_id}")
    absent = api.client.get(f"/console/cases/{missing}")
    assert other.status_code == absent.status_code == 404
    assert without_ids(other.text, case_id) == without_ids(absent.text, missing)
    assert PHONE[-4:] not in other.text
    sign_in(api.client, users, "boss-liu", "supervisor")
    assert api.client.get(f"/console/cases/{case_id}").status_code == 200


def test_a_worker_gets_404_on_a_case_not_assigned_to_them_as_on_a_missing_one(
    api: Api, users: UserStore
) -> None:
    case_id = reported(api)
    missing = str(uuid4())
    sign_in(api.client, users, "eng-zhao", "worker")
    theirs = api.client.get(f"/console/cases/{case_id}")
    absent = api.client.get(f"/console/cases/{missing}")
    assert theirs.status_code == absent.status_code == 404
    assert without_ids(theirs.text, case_id) == without_ids(absent.text, missing)
    by_version = api.client.get(f"/console/cases/{case_id}?at_version=1", follow_redirects=False)
    assert by_version.status_code == 404  # the slider tells no recorded time either


def test_the_assigned_worker_sees_the_reporter_masked_and_may_not_reveal(
    api: Api, users: UserStore
) -> None:
    case_id = reported(api)
    sign_in(api.client, users, "eng-wang", "worker")
    page = api.client.get(f"/console/cases/{case_id}")
    assert page.status_code == 200, page.text
    assert reporter_of(page.text) == ("王*", "139****0001")
    assert PHONE not in page.text
    assert not REVEAL_FORM.search(page.text)


def test_an_analyst_sees_the_reporter_masked_and_no_reveal_form(api: Api, users: UserStore) -> None:
    case_id = reported(api)
    sign_in(api.client, users, "ana-chen", "analyst")
    page = api.client.get(f"/console/cases/{case_id}")
    assert page.status_code == 200, page.text
    assert reporter_of(page.text) == ("王*", "139****0001")
    assert PHONE not in page.text
    assert NAME not in page.text
    assert not REVEAL_FORM.search(page.text)


def test_a_reveal_by_an_agent_shows_the_full_phone_and_writes_one_access_log_entry(
    api_on: Api,
) -> None:
    case_id = reported(api_on)
    users = open_users(api_on.config.settings)
    try:
        csrf = sign_in(api_on.client, users, "desk-wu", "agent")
    finally:
        users.close()
    page = api_on.client.get(f"/console/cases/{case_id}")
    assert reporter_of(page.text) == ("王*", "139****0001")
    assert REVEAL_FORM.search(page.text)
    assert runtime(api_on).access_log.entries(case_id=case_id) == []
    shown = api_on.client.post(
        f"/console/cases/{case_id}/reveal", data={"csrf": csrf}, headers={"HX-Request": "true"}
    )
    assert shown.status_code == 200, shown.text
    assert shown.text.lstrip().startswith('<div id="reporter">')  # the fragment htmx swaps in
    assert reporter_of(shown.text) == (NAME, PHONE)
    [entry] = runtime(api_on).access_log.entries(case_id=case_id)
    assert (entry.who, entry.role, entry.case_id, entry.what) == (
        "desk-wu", "agent", case_id, "reporter",
    )  # fmt: skip


def test_without_htmx_a_reveal_answers_the_whole_page_with_the_reporter_in_full(
    api: Api, users: UserStore
) -> None:
    case_id = reported(api)
    csrf = sign_in(api.client, users, "boss-liu", "supervisor")
    shown = api.client.post(f"/console/cases/{case_id}/reveal", data={"csrf": csrf})
    assert shown.status_code == 200, shown.text
    assert "<h1>" in shown.text
    assert reporter_of(shown.text) == (NAME, PHONE)
    assert len(runtime(api).access_log.entries(case_id=case_id)) == 1


@pytest.mark.parametrize(("name", "role"), [("ana-chen", "analyst"), ("eng-wang", "worker")])
def test_a_reveal_by_a_role_that_may_not_answers_403_and_writes_nothing(
    api: Api, users: UserStore, name: str, role: str
) -> None:
    case_id = reported(api)
    csrf = sign_in(api.client, users, name, role)
    refused = api.client.post(f"/console/cases/{case_id}/reveal", data={"csrf": csrf})
    assert refused.status_code == 403
    assert PHONE not in refused.text
    assert runtime(api).access_log.entries() == []


def test_a_reveal_without_the_csrf_token_answers_403_and_writes_nothing(
    api: Api, users: UserStore
) -> None:
    case_id = reported(api)
    sign_in(api.client, users, "desk-wu", "agent")
    for data in ({}, {"csrf": "forged"}):
        refused = api.client.post(f"/console/cases/{case_id}/reveal", data=data)
        assert refused.status_code == 403
        assert PHONE not in refused.text
    assert runtime(api).access_log.entries() == []


def test_an_erased_reporter_shows_as_erased_and_revealing_logs_nothing(
    api: Api, users: UserStore
) -> None:
    case_id = reported(api)
    rt = runtime(api)
    ref = rt.service.get(case_id).reporter_ref
    assert ref is not None
    assert rt.service.reporters.erase(ref)
    csrf = sign_in(api.client, users, "boss-liu", "supervisor")
    page = api.client.get(f"/console/cases/{case_id}?lang=en")
    assert reporter_of(page.text) == (None, None)
    assert "Erased" in page.text
    assert not REVEAL_FORM.search(page.text)
    shown = api.client.post(f"/console/cases/{case_id}/reveal?lang=en", data={"csrf": csrf})
    assert shown.status_code == 200
    assert "Erased" in shown.text
    assert rt.access_log.entries() == []


def test_a_reporter_erased_by_an_admin_shows_erased_with_the_erasure_in_the_timeline(
    api: Api, users: UserStore
) -> None:
    case_id = reported(api)
    erased = api.client.delete(f"/requests/{case_id}/reporter", headers=api.auth("root", "admin"))
    assert erased.status_code == 200, erased.text
    sign_in(api.client, users, "boss-liu", "supervisor")
    page = api.client.get(f"/console/cases/{case_id}?lang=en")
    assert page.status_code == 200, page.text
    assert reporter_of(page.text) == (None, None)
    assert "Erased" in page.text
    assert "Reporter erased" in page.text  # the event, in the case's history
    assert not REVEAL_FORM.search(page.text)
    assert NAME not in page.text
    assert PHONE not in page.text


def test_a_description_with_a_script_appears_escaped(api: Api, users: UserStore) -> None:
    probe = "<script>alert(1)</script>"
    case_id = reported(api, description=probe)
    sign_in(api.client, users, "boss-liu", "supervisor")
    page = api.client.get(f"/console/cases/{case_id}")
    assert page.status_code == 200, page.text
    assert probe not in page.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text


def test_without_a_session_the_page_sends_the_visitor_to_sign_in(api: Api) -> None:
    case_id = reported(api)
    answer = api.client.get(f"/console/cases/{case_id}", follow_redirects=False)
    assert answer.status_code == 303
    assert answer.headers["location"].startswith("/console/login?next=")
    refused = api.client.post(f"/console/cases/{case_id}/reveal", follow_redirects=False)
    assert refused.status_code == 303
    assert runtime(api).access_log.entries() == []
