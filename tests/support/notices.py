"""A case service and its notice follower on one database, on a clock the test moves."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from api.config.settings import Settings
from api.wiring import open_follower, open_notice_store_for, open_service
from projections.follower import Follower
from projections.notices.follower import NoticeFollower
from projections.notices.kinds import Notice
from workflow.service import CaseService

SHANGHAI = ZoneInfo("Asia/Shanghai")


def local(text: str) -> datetime:
    """An instant written as Shanghai wall time, e.g. "2026-12-04 17:20"."""
    return datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


class Desk:
    """The application, the read models' follower and a notice follower, all on `now`."""

    def __init__(self, settings: Settings, start: datetime) -> None:
        self.settings = settings
        self.now = start
        self.service: CaseService = open_service(settings, clock=lambda: self.now)
        self.read: Follower = open_follower(settings, settings.policy, self.service)
        self.notices = self.keeper()

    def keeper(self) -> NoticeFollower:
        """A notice follower, as another process would open one."""
        return NoticeFollower(
            self.service,
            open_notice_store_for(self.settings),
            self.read.current_policy,
            self.read.calendar,
            read_models=self.read.store,
            now=lambda: self.now.timestamp(),
        )

    def at(self, moment: datetime) -> None:
        self.now = moment

    def later(self, **delta: float) -> None:
        self.now += timedelta(**delta)

    def follow(self) -> list[Notice]:
        """One round of the follower loop: read models, then notices; returns the outbox."""
        self.read.catch_up()
        self.notices.follow()
        return self.outbox()

    def outbox(self) -> list[Notice]:
        return self.notices.store.notices_after(0, 100_000)

    def of(self, case_id: object, type_: str, milestone: str | None = None) -> list[Notice]:
        """The case's notices of a type (and milestone, if named), in the outbox's order."""
        return [
            n
            for n in self.outbox()
            if n.case_id == str(case_id)
            and n.type == type_
            and (milestone is None or n.milestone == milestone)
        ]

    def close(self) -> None:
        self.service.close()
