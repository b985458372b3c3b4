"""Tokens scoped to communities: outside its scope nothing exists for a token.

The matrix: every route that takes a token × every role × a case (or a community) in and
out of the token's scope. A case outside answers exactly as a missing case; naming a
community outside answers 403 `community-not-allowed`; what lists, reports, the feed and
the community list give leaves the other communities out. Written once, run on SQLite
and PostgreSQL.
"""

from __future__ import annotations

from importlib.resources import files
from typing import Any

from support.api_client import Api
from support.command_examples import WIRE_EXAMPLES
from support.request_bodies import REPAIR
from support.scoped_company import EAST, NAMES, WEST, Company, company_of, roles_of
from workflow.declared import COMMANDS
from workflow.roles import Role

LEVEL_2 = files("projections").joinpath("policies/level-2.toml").read_text(encoding="utf-8")
MISSING_ID = "6f1c2b7e-0000-4000-8000-000000000000"
MISSING_NUMBER = "BX-20991231-9999"
CASE_ROUTES = [
    ("GET", "/requests/{case_id}", None),
    ("GET", "/requests/{case_id}/history", None),
    ("GET", "/requests/{case_id}/sla", None),
    ("GET", "/requests/{case_id}/proof", None),
    *[
        (
            c.http_method,
            f"/requests/{{case_id}}/{c.http_path}",
            WIRE_EXAMPLES[c.wire_name] if c.http_method == "POST" else None,
        )
        for c in COMMANDS
    ],
]
# The routes that name no case, each checked by a test below.
OTHER_ROUTES = {
    ("POST", "/requests"),
    ("GET", "/requests"),
    ("GET", "/reports/sla"),
    ("GET", "/reports/first-contact"),
    ("GET", "/events"),
    ("GET", "/communities"),
    ("POST", "/communities"),
    ("POST", "/communities/{code}/policy"),
    ("GET", "/tokens"),
    ("POST", "/tokens"),
    ("DELETE", "/tokens/{name}"),
    ("GET", "/webhooks"),
    ("POST", "/webhooks"),
    ("GET", "/webhooks/deliveries"),
    ("GET", "/webhooks/{endpoint_id}"),
    ("DELETE", "/webhooks/{endpoint_id}"),
    ("POST", "/webhooks/{endpoint_id}/test"),
}


def problem_type(answer: Any) -> str:
    return str(answer.json().get("type", "")).rsplit("/", 1)[-1]


def test_every_route_that_takes_a_token_is_in_the_scope_matrix(api: Api) -> None:
    document = api.client.get("/openapi.json").json()
    secured = {
        (method.upper(), path)
        for path, operations in document["paths"].items()
        for method, operation in operations.items()
        if operation.get("security")
    }
    assert secured == {(m, p) for m, p, _ in CASE_ROUTES} | OTHER_ROUTES


def test_outside_its_scope_a_case_answers_as_a_missing_one_on_every_route_for_every_role(
    api_on: Api,
) -> None:
    company = company_of(api_on)
    west = company.west_case
    head = api_on.head()
    checked = 0
    for method, path, body in CASE_ROUTES:
        allowed = roles_of(method, path)
        for role in Role:
            for named, missing in ((west["id"], MISSING_ID), (west["number"], MISSING_NUMBER)):
                hidden = _call(company, role, method, path, named, body)
                absent = _call(company, role, method, path, missing, body)
                where = f"{method} {path} as {role.value} by {named}"
                if role in allowed:
                    assert (hidden.status_code, absent.status_code) == (404, 404), where
                    detail = f"no case with id {named}"
                    assert hidden.json() == {**absent.json(), "detail": detail}, where
                else:
                    assert hidden.status_code == 403, where
                    assert hidden.json() == absent.json(), where
                checked += 1
    assert checked == len(CASE_ROUTES) * len(Role) * 2
    assert api_on.head() == head  # nothing written


def test_inside_its_scope_every_role_reaches_its_cases_on_every_route(api_on: Api) -> None:
    company = company_of(api_on)
    done: dict[Role, int] = {}
    for method, path, body in CASE_ROUTES:
        for role in roles_of(method, path):
            # Fresh: an earlier command leaves it as it was; with a reporter to erase.
            case = company.new_case(reporter={"name": "王先生", "phone": "13800000000"})
            answer = _call(company, role, method, path, case["id"], body)
            where = f"{method} {path} as {role.value}: {answer.text}"
            assert answer.status_code not in (403, 404), where
            if answer.status_code == 200:
                done[role] = done.get(role, 0) + 1
    # Every role that may act on a case did, in scope (others refused it for its state).
    assert set(done) == {Role.CHANNEL, Role.AGENT, Role.WORKER, Role.SUPERVISOR, Role.ADMIN}


def _call(company: Company, role: Role, method: str, path: str, case: str, body: Any) -> Any:
    return company.api.client.request(
        method, path.format(case_id=case), json=body, headers=company.east[role]
    )


def test_naming_a_community_outside_its_scope_answers_403_and_writes_nothing(
    api_on: Api,
) -> None:
    company = company_of(api_on)
    client = api_on.client
    head = api_on.head()
    readers = roles_of("GET", "/requests")
    for role in Role:
        headers = {**company.east[role], "Idempotency-Key": f"west-{role.value}"}
        body = {**REPAIR, "community": WEST}
        if role is Role.CHANNEL or role is Role.ADMIN:
            body["received_by"] = NAMES[Role.AGENT]
        answers = {
            "intake": (
                client.post("/requests", json=body, headers=headers),
                roles_of("POST", "/requests"),
            ),
            "list": (
                client.get("/requests", params={"community": [EAST, WEST]}, headers=headers),
                readers,
            ),
        }
        for report in ("sla", "first-contact"):
            found = client.get(f"/reports/{report}", params={"community": WEST}, headers=headers)
            answers[report] = (found, roles_of("GET", f"/reports/{report}"))
        for what, (answer, allowed) in answers.items():
            where = f"{what} as {role.value}: {answer.text}"
            assert answer.status_code == 403, where
            expected = "community-not-allowed" if role in allowed else "forbidden"
            assert problem_type(answer) == expected, where
            if role in allowed:
                assert "east only, not for 'west'" in answer.json()["detail"], where
    assert api_on.head() == head


def test_lists_reports_the_feed_and_the_communities_leave_the_other_communities_out(
    api_on: Api,
) -> None:
    company = company_of(api_on)
    client = api_on.client
    east_ids = {company.new_case()["id"] for _ in range(2)}
    west_ids = {company.west_case["id"], company.new_case(WEST)["id"]}
    caught_up = {"min_position": api_on.head()}
    for role in roles_of("GET", "/requests"):
        listed = client.get("/requests", params=caught_up, headers=company.east[role])
        listed = listed.json()["items"]
        assert {c["community"] for c in listed} <= {EAST}, role
        assert not {c["id"] for c in listed} & west_ids, role
        if role in (Role.AGENT, Role.SUPERVISOR):
            assert {c["id"] for c in listed} == east_ids
        by_number = client.get(
            "/requests", params={"number": company.west_case["number"]}, headers=company.east[role]
        )
        assert by_number.json()["items"] == [], role
    for report in ("sla", "first-contact"):
        whole = client.get(
            f"/reports/{report}",
            params={"community": EAST, **caught_up},
            headers=company.whole[Role.SUPERVISOR],
        ).json()
        for role in roles_of("GET", f"/reports/{report}"):
            mine = client.get(f"/reports/{report}", params=caught_up, headers=company.east[role])
            mine = mine.json()
            assert mine["communities"] == [EAST]
            assert mine["rows"], (report, role)
            assert mine["rows"] == whole["rows"], (report, role)
    for role in roles_of("GET", "/events"):
        feed = client.get("/events", params={"limit": 1000}, headers=company.east[role]).json()
        assert {e["case_id"] for e in feed["events"]} == east_ids, role
        assert feed["next"] == api_on.head()  # it still passes over the others' events
    everything = client.get("/events", params={"limit": 1000}, headers=company.whole[Role.ANALYST])
    assert {e["case_id"] for e in everything.json()["events"]} == east_ids | west_ids
    for role in Role:
        codes = [c["code"] for c in client.get("/communities", headers=company.east[role]).json()]
        assert codes == [EAST], role
    codes = [
        c["code"] for c in client.get("/communities", headers=company.whole[Role.AGENT]).json()
    ]
    assert codes == ["default", EAST, WEST]


def test_only_an_admin_for_every_community_manages_tokens_and_communities(api_on: Api) -> None:
    company = company_of(api_on)
    client = api_on.client
    calls = [
        ("GET", "/tokens", None),
        ("POST", "/tokens", {"name": "new-one", "role": "agent", "communities": [EAST]}),
        ("DELETE", "/tokens/desk-zhang", None),
        ("POST", "/communities", {"code": "north", "name": "北苑"}),
        ("POST", f"/communities/{EAST}/policy", {"policy": LEVEL_2, "from": "2099-01-01"}),
    ]
    hook = "/webhooks/ep_0123456789abcdef"  # refused before it is looked up
    webhooks = [
        ("GET", "/webhooks", None),
        ("POST", "/webhooks", {"url": "https://93.184.216.34/h", "events": ["case.closed"]}),
        ("GET", "/webhooks/deliveries", None),
        ("GET", hook, None),
        ("DELETE", hook, None),
        ("POST", hook + "/test", None),
    ]
    for method, path, body in calls + webhooks:
        refused = client.request(method, path, json=body, headers=company.east[Role.ADMIN])
        assert refused.status_code == 403, refused.text
        assert problem_type(refused) == "community-not-allowed"
        assert "a token for all of them" in refused.json()["detail"]
    for method, path, body in calls:
        done = client.request(method, path, json=body, headers=company.whole[Role.ADMIN])
        assert done.status_code in (200, 201, 204), done.text


def test_an_admin_issues_scoped_tokens_over_http_and_a_malformed_scope_writes_nothing(
    api_on: Api,
) -> None:
    company = company_of(api_on)
    client, admin = api_on.client, company.whole[Role.ADMIN]
    refusals = [
        ({"communities": ["north"]}, "unknown community 'north'"),
        ({"communities": [EAST], "all_communities": True}, "not both"),
        ({}, "this deployment has 3 communities"),
        ({"communities": []}, "body.communities"),
        ({"communities": ["East"]}, "body.communities"),
    ]
    for extra, says in refusals:
        body = {"name": "desk-wu", "role": "agent", **extra}
        refused = client.post("/tokens", json=body, headers=admin)
        assert refused.status_code == 422, refused.text
        assert says in refused.json()["detail"]
    assert "desk-wu" not in {t["name"] for t in client.get("/tokens", headers=admin).json()}
    issued = client.post(
        "/tokens", json={"name": "desk-wu", "role": "agent", "communities": [WEST]}, headers=admin
    )
    assert issued.status_code == 201, issued.text
    assert issued.json()["communities"] == [WEST]
    listed = {t["name"]: t["communities"] for t in client.get("/tokens", headers=admin).json()}
    assert (listed["desk-wu"], listed["it-chen"], listed["desk-zhang"]) == ([WEST], None, [EAST])
    own = {"Authorization": f"Bearer {issued.json()['token']}"}
    # Its only community need not be named at intake.
    created = client.post("/requests", json=REPAIR, headers=own)
    assert created.status_code == 201, created.text
    assert created.json()["community"] == WEST
    seen = client.get(f"/requests/{company.west_case['id']}", headers=own)
    assert seen.status_code == 200, seen.text
