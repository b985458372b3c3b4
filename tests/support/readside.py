"""A scenario runner: commands at chosen instants on a real SQLite store, then reports."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any, ClassVar
from uuid import UUID

from api.config.settings import Settings
from api.wiring import open_follower, open_service
from projections.asof import Period
from projections.calendar import SHANGHAI
from projections.first_contact import first_contact_report
from projections.follower import Follower
from projections.policy import Policy
from projections.reports import Report, sla_report
from support.driver import SELF_SERVICE_ACTOR, new_request
from workflow.service import CaseService


def shanghai(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


class Scenario:
    # Those not closed yet: tests/conftest.py closes them after each test, so that on
    # PostgreSQL a session's scenarios do not hold connections up to the server's limit.
    opened: ClassVar[list[Scenario]] = []

    def __init__(self, db: str, policy: Policy | None = None) -> None:
        self.now = datetime(2026, 1, 1, tzinfo=UTC)
        self.settings = Settings.load({}, db=db)
        self.policy = policy or self.settings.policy
        self.app: CaseService = open_service(self.settings, clock=lambda: self.now)
        self._follower: Follower | None = None
        Scenario.opened.append(self)

    @classmethod
    def close_all(cls) -> None:
        for scenario in list(cls.opened):
            scenario.close()

    def __enter__(self) -> Scenario:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def close(self) -> None:
        """The follower's and the application's connections; once."""
        if self not in Scenario.opened:
            return
        Scenario.opened.remove(self)
        if self._follower is not None:
            datastore = getattr(self._follower.store, "datastore", None)  # both stores have one
            if datastore is not None:
                datastore.close()
        self.app.close()

    def receive(self, when: str, kind: str, **overrides: Any) -> UUID:
        """A new case; `received_by=None`: a self-service request, recorded by its channel."""
        self.now = shanghai(when)
        request = new_request(kind, **overrides)
        actor = SELF_SERVICE_ACTOR if request.received_by is None else None
        case_id: UUID = self.app.receive(request, actor=actor).case.id
        return case_id

    def do(
        self, when: str, command: str, case_id: UUID, actor: str = "agent-1", **args: Any
    ) -> None:
        self.now = shanghai(when)
        getattr(self.app, command)(case_id, actor=actor, **args)

    @property
    def follower(self) -> Follower:
        if self._follower is None:
            self._follower = open_follower(self.settings, self.policy, self.app)
        return self._follower

    def sla(
        self,
        as_of: str,
        start: date = date(2026, 1, 1),
        end: date = date(2027, 1, 1),
        policy: Policy | None = None,
    ) -> Report:
        self.follower.catch_up()
        return sla_report(
            self.follower.store, policy or self.policy, Period(start, end), shanghai(as_of)
        )

    def first_contact(
        self, as_of: str, start: date = date(2026, 1, 1), end: date = date(2027, 1, 1)
    ) -> Report:
        self.follower.catch_up()
        return first_contact_report(
            self.follower.store, self.policy, Period(start, end), shanghai(as_of)
        )


def row(report: Report, kind: str, priority: str, milestone: str) -> dict[str, Any]:
    return next(
        r
        for r in report.rows
        if (r["kind"], r["priority"], r["milestone"]) == (kind, priority, milestone)
    )
