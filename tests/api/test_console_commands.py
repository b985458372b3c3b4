"""Commands from the case page: exactly the forms the state and role allow, made from the
declarations; a sent form records what the API records; invalid input keeps what was
typed with the message next to its field; a case changed since the form was rendered is
a conflict that says who changed what and writes nothing."""

from __future__ import annotations

import re

import pytest
from httpx import Response

from api.console.actions.forms import offered
from api.storage.users import UserStore
from support.api_client import Api
from support.console import sign_in
from workflow.declared import COMMANDS
from workflow.roles import Role

_FORM = re.compile(r'<form method="post" action="/console/cases/[^/]+/commands/([a-z-]+)"')


def forms_on(page: str) -> list[str]:
    return _FORM.findall(page)


def version_of(api: Api, case_id: str) -> int:
    return int(api.client.get(f"/requests/{case_id}", headers=api.agent).json()["version"])


def history(api: Api, case_id: str) -> list[str]:
    answer = api.client.get(f"/requests/{case_id}/history", headers=api.supervisor)
    assert answer.status_code == 200, answer.text
    return [e["type"] for e in answer.json()["events"]]


def post(api: Api, csrf: str, case_id: str, command: str, **fields: str) -> Response:
    return api.client.post(
        f"/console/cases/{case_id}/commands/{command}",
        data={"csrf": csrf, "version": str(version_of(api, case_id)), **fields},
        follow_redirects=False,
    )


@pytest.mark.parametrize("role", ["agent", "supervisor"])
def test_the_case_page_offers_exactly_the_commands_of_the_state_and_the_role(
    api_on: Api, users: UserStore, role: str
) -> None:
    case = api_on.create("repair")
    sign_in(api_on.client, users, f"someone-{role}", role)
    page = api_on.client.get(f"/console/cases/{case['id']}").text
    loaded = api_on.client.app.state.runtime.service.get(case["id"])  # type: ignore[attr-defined]
    expected = [c.wire_name for c in offered(Role(role), loaded)]
    assert forms_on(page) == expected
    assert "dispatch" in expected
    assert "callback" not in expected


def test_an_analyst_is_offered_no_command_and_one_sent_anyway_is_refused_with_the_api_message(
    api_on: Api, users: UserStore
) -> None:
    case = api_on.create("repair")
    csrf = sign_in(api_on.client, users, "numbers-qian", "analyst")
    assert forms_on(api_on.client.get(f"/console/cases/{case['id']}").text) == []
    before = history(api_on, case["id"])
    sent = post(api_on, csrf, case["id"], "dispatch", assignee="eng-wang")
    assert sent.status_code == 403
    assert "an analyst token may not dispatch; allowed roles: agent, supervisor, admin" in sent.text
    assert history(api_on, case["id"]) == before


def test_a_dispatch_sent_from_the_form_is_recorded_and_the_page_says_so(
    api_on: Api, users: UserStore
) -> None:
    case = api_on.create("repair")
    csrf = sign_in(api_on.client, users, "desk-zhou", "agent")
    sent = post(api_on, csrf, case["id"], "dispatch", assignee="eng-wang", team="")
    assert sent.status_code == 303, sent.text
    assert sent.headers["location"] == f"/console/cases/{case['id']}?done=dispatch"
    assert history(api_on, case["id"])[-1] == "Dispatched"
    answer = api_on.client.get(f"/requests/{case['id']}", headers=api_on.agent).json()
    assert (answer["assignee"], answer.get("team")) == ("eng-wang", None)
    page = api_on.client.get(sent.headers["location"]).text
    assert 'data-done="dispatch"' in page
    assert "sign" in forms_on(page)
    assert "dispatch" in forms_on(page)


def test_an_invalid_amount_keeps_what_was_typed_with_the_message_beside_it(
    api_on: Api, users: UserStore
) -> None:
    case = api_on.create("repair")
    for command, fields in (("dispatch", {"assignee": "eng-wang"}), ("sign", {}), ("arrive", {})):
        assert api_on.act(case["id"], command, fields).status_code == 200
    csrf = sign_in(api_on.client, users, "desk-zhou", "agent")
    before = history(api_on, case["id"])
    sent = post(api_on, csrf, case["id"], "quote", amount="12,5 元")
    assert sent.status_code == 422
    page = sent.text
    field = re.search(r'<div class="field invalid" data-field="amount">(.*?)</div>', page, re.S)
    assert field is not None, page
    assert 'value="12,5 元"' in field.group(1)
    assert 'class="field-error"' in field.group(1)
    assert '<details class="command" data-command="quote" open>' in page
    assert history(api_on, case["id"]) == before


def test_a_required_input_left_empty_is_named_and_nothing_is_written(
    api_on: Api, users: UserStore
) -> None:
    case = api_on.create("repair")
    csrf = sign_in(api_on.client, users, "desk-zhou", "agent")
    sent = post(api_on, csrf, case["id"], "hold", reason="   ")
    assert sent.status_code == 422
    assert re.search(r'data-field="reason">.*?class="field-error"', sent.text, re.S)
    assert history(api_on, case["id"]) == ["Received"]


def test_a_form_rendered_before_another_change_is_a_conflict_that_says_who_changed_what(
    api_on: Api, users: UserStore
) -> None:
    case = api_on.create("repair")
    csrf = sign_in(api_on.client, users, "desk-zhou", "agent")
    seen = version_of(api_on, case["id"])
    api_on.act(case["id"], "dispatch", {"assignee": "eng-li"})  # desk-zhang, meanwhile
    sent = api_on.client.post(
        f"/console/cases/{case['id']}/commands/dispatch",
        data={"csrf": csrf, "version": str(seen), "assignee": "eng-wang"},
        follow_redirects=False,
    )
    assert sent.status_code == 409
    assert f'data-changed-since="{seen}"' in sent.text
    changed = re.search(r'<li data-version="2">(.*?)</li>', sent.text, re.S)
    assert changed is not None
    assert "desk-zhang" in changed.group(1)
    assert "eng-li" in changed.group(1)
    assert 'value="eng-wang"' in sent.text  # what was typed is kept
    assert history(api_on, case["id"]) == ["Received", "Dispatched"]
    answer = api_on.client.get(f"/requests/{case['id']}", headers=api_on.agent).json()
    assert answer["assignee"] == "eng-li"


def test_the_same_form_sent_twice_records_the_command_once(api_on: Api, users: UserStore) -> None:
    case = api_on.create("repair")
    csrf = sign_in(api_on.client, users, "desk-zhou", "agent")
    data = {"csrf": csrf, "version": str(version_of(api_on, case["id"])), "reason": "parts"}
    path = f"/console/cases/{case['id']}/commands/hold"
    first = api_on.client.post(path, data=data, follow_redirects=False)
    second = api_on.client.post(path, data=data, follow_redirects=False)
    assert (first.status_code, second.status_code) == (303, 409)
    assert history(api_on, case["id"]) == ["Received", "Held"]


def test_a_form_without_the_session_token_is_refused_and_writes_nothing(
    api_on: Api, users: UserStore
) -> None:
    case = api_on.create("repair")
    sign_in(api_on.client, users, "desk-zhou", "agent")
    sent = api_on.client.post(
        f"/console/cases/{case['id']}/commands/hold",
        data={"csrf": "forged", "version": "1", "reason": "parts"},
    )
    assert sent.status_code == 403
    assert history(api_on, case["id"]) == ["Received"]


@pytest.mark.parametrize("version", ["", "abc", "-1", "１"])
def test_a_missing_or_malformed_version_writes_nothing(
    api_on: Api, users: UserStore, version: str
) -> None:
    case = api_on.create("repair")
    csrf = sign_in(api_on.client, users, "desk-zhou", "agent")
    sent = api_on.client.post(
        f"/console/cases/{case['id']}/commands/hold",
        data={"csrf": csrf, "version": version, "reason": "parts"},
    )
    assert sent.status_code == 422
    assert history(api_on, case["id"]) == ["Received"]


def test_a_command_the_state_does_not_allow_is_refused_with_the_api_message(
    api_on: Api, users: UserStore
) -> None:
    case = api_on.create("repair")
    csrf = sign_in(api_on.client, users, "desk-zhou", "agent")
    sent = post(api_on, csrf, case["id"], "complete", resolution="done")
    assert sent.status_code == 409
    assert "cannot complete repair in state &#39;received&#39;; allowed: dispatch" in sent.text
    assert history(api_on, case["id"]) == ["Received"]


def test_an_unknown_command_is_refused(api_on: Api, users: UserStore) -> None:
    case = api_on.create("repair")
    csrf = sign_in(api_on.client, users, "desk-zhou", "agent")
    sent = api_on.client.post(
        f"/console/cases/{case['id']}/commands/delete-everything",
        data={"csrf": csrf, "version": "1"},
    )
    assert sent.status_code == 403
    assert history(api_on, case["id"]) == ["Received"]


def test_a_worker_signs_for_an_assigned_case_but_another_workers_case_is_not_found(
    api_on: Api, users: UserStore
) -> None:
    mine = api_on.create("repair")
    theirs = api_on.create("repair")
    api_on.act(mine["id"], "dispatch", {"assignee": "eng-wang"})
    api_on.act(theirs["id"], "dispatch", {"assignee": "eng-li"})
    csrf = sign_in(api_on.client, users, "eng-wang", "worker")
    assert post(api_on, csrf, mine["id"], "sign").status_code == 303
    assert post(api_on, csrf, theirs["id"], "sign").status_code == 404
    assert history(api_on, theirs["id"]) == ["Received", "Dispatched"]


def test_handover_offers_the_desk_staff_of_the_community_except_the_owner(
    api_on: Api, users: UserStore
) -> None:
    admin = api_on.auth("it-chen", "admin")
    for code in ("sunny-garden", "lake"):
        api_on.client.post("/communities", json={"code": code, "name": code}, headers=admin)
    case = api_on.create("repair", community="sunny-garden")
    users.add("desk-wu", "agent", ["sunny-garden"], "correct horse battery staple")
    users.add("desk-hu", "agent", ["lake"], "correct horse battery staple")
    users.add("eng-wang", "worker", ["sunny-garden"], "correct horse battery staple")
    csrf = sign_in(api_on.client, users, "boss-liu", "supervisor")
    page = api_on.client.get(f"/console/cases/{case['id']}").text
    select = re.search(r'<select id="handover-to" name="to"[^>]*>(.*?)</select>', page, re.S)
    assert select is not None
    assert re.findall(r'<option value="([^"]+)"', select.group(1)) == ["boss-liu", "desk-wu"]
    sent = post(api_on, csrf, case["id"], "handover", to="desk-wu", reason="shift change")
    assert sent.status_code == 303
    answer = api_on.client.get(f"/requests/{case['id']}", headers=api_on.agent).json()
    assert answer["first_contact_owner"] == "desk-wu"


def test_every_declared_input_has_a_label_in_both_languages() -> None:
    from api.console.i18n import translations

    for language in ("zh_CN", "en"):
        found = translations(language)
        for command in COMMANDS:
            for field in command.inputs.fields:
                assert found.pgettext("field", field.name) != field.name, (language, field.name)


def test_a_reason_with_an_id_card_number_is_refused_beside_it_and_nothing_is_written(
    api_on: Api, users: UserStore
) -> None:
    case = api_on.create("repair")
    csrf = sign_in(api_on.client, users, "desk-zhou", "agent")
    sent = post(api_on, csrf, case["id"], "hold", reason="等业主 11010519491231002X 回电")
    assert sent.status_code == 422
    field = re.search(
        r'<div class="field invalid" data-field="reason">(.*?)</div>', sent.text, re.S
    )
    assert field is not None, sent.text
    assert 'value="等业主 11010519491231002X 回电"' in field.group(1)
    assert "这里似乎有居民身份证号码（1101************2X）" in field.group(1)
    assert history(api_on, case["id"]) == ["Received"]
