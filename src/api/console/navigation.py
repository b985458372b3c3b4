"""The console's pages and who may open each: declared once, for the routes, the menu,
the docs and the tests.

| page          | roles                                         |
| ------------- | --------------------------------------------- |
| my            | worker (the cases assigned to them; their home) |
| new           | agent, supervisor (who sends it receives the case) |
| cases, case   | agent, worker (assigned cases), supervisor, admin, analyst (no personal data) |
| callbacks     | agent, supervisor, admin                      |
| sla, first_contact, what_if | supervisor, admin, analyst      |
| access_log    | admin                                          |
| webhooks      | admin                                          |

Analysts read the cases behind every figure of the dashboards, with personal data masked;
they send no command and reveal nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from api.console.i18n import N_
from workflow.roles import Role

A, W, S, D, N = Role.AGENT, Role.WORKER, Role.SUPERVISOR, Role.ADMIN, Role.ANALYST


@dataclass(frozen=True)
class Page:
    name: str
    path: str
    title: str  # an interface message id
    roles: frozenset[Role]
    in_menu: bool = True


PAGES = {
    page.name: page
    for page in (
        Page("my", "/console/my", N_("My work"), frozenset({W})),
        Page("cases", "/console/cases", N_("Cases"), frozenset({A, W, S, D, N})),
        Page("new", "/console/new", N_("New case"), frozenset({A, S})),
        Page("case", "/console/cases/{case_id}", N_("Case"), frozenset({A, W, S, D, N}), False),
        Page("callbacks", "/console/callbacks", N_("Callbacks"), frozenset({A, S, D})),
        Page("sla", "/console/sla", N_("SLA"), frozenset({S, D, N})),
        Page("first_contact", "/console/first-contact", N_("First contact"), frozenset({S, D, N})),
        Page("what_if", "/console/what-if", N_("What-if"), frozenset({S, D, N})),
        Page("access_log", "/console/access-log", N_("Access log"), frozenset({D})),
        Page("webhooks", "/console/webhooks", N_("Webhooks"), frozenset({D})),
    )
}

# May see a reporter's phone (masked until revealed, every reveal logged).
REVEALS = frozenset({A, S, D})


def menu(role: Role) -> list[Page]:
    return [p for p in PAGES.values() if p.in_menu and role in p.roles]


def home(role: Role) -> str:
    """Where a user lands after signing in: the first page of their menu."""
    pages = menu(role)
    return pages[0].path if pages else "/console/cases"
