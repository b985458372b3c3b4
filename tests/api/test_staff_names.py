"""Staff names in Chinese (or any script) from `propdesk token new` to the record and the
feed; names are NFC-normalised; a location holding a phone number is refused."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from api.cli.main import app
from support.api_client import Api, running
from support.request_bodies import REPAIR

runner = CliRunner()
JOSE_DECOMPOSED, JOSE = "Jose\u0301", "Jos\u00e9"


def new_token(db: str, name: str, role: str) -> str:
    result = runner.invoke(app, ["token", "new", name, "--role", role, "--db", db])
    assert result.exit_code == 0, result.output
    token: str = result.output.strip().splitlines()[-1]
    return token


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_a_chinese_staff_name_takes_a_request_and_dispatches_it_to_another(
    tmp_path: Path,
) -> None:
    db = str(tmp_path / "propdesk.db")
    zhang, wang = new_token(db, "张伟", "agent"), new_token(db, "王强", "worker")
    with running(db) as api:
        created = api.client.post("/requests", json=REPAIR, headers=bearer(zhang))
        assert created.status_code == 201, created.text
        case = created.json()
        assert (case["received_by"], case["first_contact_owner"]) == ("张伟", "张伟")
        path = f"/requests/{case['id']}"
        dispatched = api.client.post(
            f"{path}/dispatch", json={"assignee": "王强", "team": "工程部"}, headers=bearer(zhang)
        )
        assert dispatched.status_code == 200, dispatched.text
        assert (dispatched.json()["assignee"], dispatched.json()["team"]) == ("王强", "工程部")
        signed = api.client.post(f"{path}/sign", headers=bearer(wang))
        assert signed.status_code == 200, signed.text
        history = api.client.get(f"{path}/history", headers=api.supervisor).json()["events"]
        assert [e["actor"] for e in history] == ["张伟", "张伟", "王强"]
        feed = api.client.get("/events", headers=api.analyst).json()["events"]
        assert feed[0]["data"]["received_by"] == "张伟"
        assert feed[1]["data"]["assignee"] == "王强"


def test_a_name_typed_decomposed_is_the_same_name_composed(tmp_path: Path) -> None:
    db = str(tmp_path / "propdesk.db")
    token = new_token(db, JOSE_DECOMPOSED, "agent")
    listed = runner.invoke(app, ["token", "list", "--db", db]).output
    assert listed.startswith(f"{JOSE}\tagent\t")
    with running(db) as api:
        body = {**REPAIR, "received_by": JOSE_DECOMPOSED}
        created = api.client.post("/requests", json=body, headers=bearer(token))
        assert created.status_code == 201, created.text
        assert created.json()["received_by"] == JOSE
    again = runner.invoke(app, ["token", "new", JOSE, "--role", "agent", "--db", db])
    assert again.exit_code == 2
    assert f"a token named '{JOSE}' exists" in again.output
    assert runner.invoke(app, ["token", "revoke", JOSE_DECOMPOSED, "--db", db]).exit_code == 0


def test_a_token_name_keeps_to_the_staff_name_rule_over_http_and_the_command_line(
    api: Api, tmp_path: Path
) -> None:
    admin = api.auth("root", "admin")
    refused = api.client.post(
        "/tokens", json={"name": "ops@wechat", "role": "channel"}, headers=admin
    )
    assert refused.status_code == 422, refused.text
    assert refused.json()["errors"] == [
        {
            "field": "body.name",
            "message": "token name: has '@' (COMMERCIAL AT) at character 4; a staff name is 1-64 "
            "letters, digits, '-', '_' or '.', starting with a letter or digit, e.g. desk-zhang "
            "or 张伟",
        }
    ]
    issued = api.client.post(
        "/tokens", json={"name": JOSE_DECOMPOSED, "role": "agent"}, headers=admin
    )
    assert issued.status_code == 201, issued.text
    assert issued.json()["name"] == JOSE
    revoked = api.client.delete(f"/tokens/{JOSE_DECOMPOSED}", headers=admin)
    assert revoked.status_code == 204, revoked.text
    assert api.client.delete("/tokens/a%00b", headers=admin).status_code == 404
    db = str(tmp_path / "cli.db")
    for name in ("...", "desk zhang", "王先生13800000000"):
        result = runner.invoke(app, ["token", "new", name, "--role", "agent", "--db", db])
        assert result.exit_code == 2
        assert "a staff name is 1-64 letters" in result.output


def test_the_issues_location_with_a_name_and_a_phone_number_is_refused_over_http(
    api: Api,
) -> None:
    head = api.head()
    body = {**REPAIR, "location": "3-2-1201 王先生 13800000000"}
    response = api.client.post("/requests", json=body, headers=api.agent)
    assert response.status_code == 422, response.text
    assert response.json()["errors"][0]["field"] == "body.location"
    assert response.json()["detail"].startswith(
        "location: has a phone-like run of 11 digits at character 14; personal data has no place"
    )
    assert api.head() == head
