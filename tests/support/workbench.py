"""The console's workbench driven in Chromium as a person would: open a command's form (a
closed `<details>` opens on its summary), type its inputs, send it and land where the
console sends the browser back, saying what was recorded. And the same lifecycle over the
HTTP API, to compare the histories the two leave, event type for event type.

The browser only acts through clicks and typing; the API is read to compare, and to wait
for the read models (the engineer's page and the callback queue list cases from them, and
the console has no read-your-writes of its own).
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Sequence
from typing import Any

import httpx
from playwright.sync_api import Locator, Page, ViewportSize, expect

from support.browser_server import EAST, SeededConsole
from support.request_bodies import BODIES

Step = tuple[str, dict[str, str]]  # a command and what is typed into its form
PHONE: ViewportSize = {"width": 360, "height": 740}  # the engineer's page is laid out for it


def wire(command: str) -> str:
    return command.replace("_", "-")


def send(page: Page, command: str, fields: dict[str, str], within: Locator | None = None) -> None:
    """Sends the command's form shown on the page (or in `within`, one case's card) and
    waits for the page the console comes back to, which says the command was recorded."""
    name = wire(command)
    scope = within if within is not None else page.locator("main")
    details = scope.locator(f"details.command[data-command='{name}']")
    if details.count() and not details.evaluate("d => d.open"):
        details.locator("summary").click()
    form = scope.locator(f"form.command[data-command='{name}']")
    for field, value in fields.items():
        box = form.locator(f"[name='{field}']")
        if box.evaluate("e => e.tagName") == "SELECT":
            box.select_option(value)
        else:
            box.fill(value)
    done = re.compile(rf"[?&]done={name}(&|#|$)")
    assert not done.search(page.url), "the page must not already say it, or nothing is awaited"
    with page.expect_response(
        lambda r: r.request.method == "POST" and r.url.endswith(f"/commands/{name}")
    ) as sent:
        form.locator("button[type=submit]").click()
    assert sent.value.status == 303, f"{command} was refused ({sent.value.status})"
    page.wait_for_url(done)
    expect(page.locator(f"[data-done='{name}']")).to_be_visible()


def record_case(page: Page, kind: str, category: str, location: str, description: str) -> str:
    """Records a case at /console/new (the agent's one community is chosen for them);
    returns its id from the case page the console opens."""
    page.goto("/console/new")
    if page.locator("#n-kind").input_value() != kind:
        with page.expect_response(lambda r: "/console/new/choices" in r.url):
            page.select_option("#n-kind", kind)
    expect(page.locator(f"#n-category option[value='{category}']")).to_have_count(1)
    page.select_option("#n-category", category)
    page.locator("#n-location").press_sequentially(location)
    page.fill("#n-description", description)
    page.click("form#new-case button[type=submit]")
    page.wait_for_url(re.compile(r"/console/cases/[0-9a-f-]{36}\?done=receive$"))
    expect(page.locator("[data-done=receive]")).to_be_visible()
    return page.url.split("/console/cases/")[1].split("?")[0]


def _api(console: SeededConsole) -> httpx.Client:
    """The live server's API as the seeded supervisor, who may send every command here."""
    auth = {"Authorization": f"Bearer {console.token}"}
    return httpx.Client(base_url=console.base, headers=auth, timeout=30)


def api_case(console: SeededConsole, kind: str, steps: Sequence[Step] = (), **body: Any) -> str:
    """A case of `kind` in the east community recorded and driven through the HTTP API."""
    with _api(console) as api:
        made = api.post(
            "/requests",
            json={**BODIES[kind], "community": EAST, **body},
            headers={"Idempotency-Key": str(uuid.uuid4())},
        )
        assert made.status_code == 201, made.text
        case_id = str(made.json()["id"])
        for command, fields in steps:
            sent = api.post(f"/requests/{case_id}/{wire(command)}", json=fields)
            assert sent.status_code == 200, f"{command}: {sent.text}"
    return case_id


def event_types(console: SeededConsole, case_id: str) -> list[str]:
    with _api(console) as api:
        answer = api.get(f"/requests/{case_id}/history")
    assert answer.status_code == 200, answer.text
    return [event["type"] for event in answer.json()["events"]]


def state_of(console: SeededConsole, case_id: str) -> str:
    with _api(console) as api:
        answer = api.get(f"/requests/{case_id}")
    assert answer.status_code == 200, answer.text
    return str(answer.json()["state"])


def read_models_caught_up(console: SeededConsole) -> None:
    """Returns once the read models hold every event in the log (the API's `min_position`)."""
    with _api(console) as api:
        head = api.get("/health").json()["log_position"]
        answer = api.get("/requests", params={"min_position": head})
    assert answer.status_code == 200, answer.text
