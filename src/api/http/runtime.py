"""What one server process holds: one application, its intake writer, the read models,
the tokens, and, where configured, the read-model follower in a background thread."""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field

from api.config.server import ServerConfig
from api.http.backdating import rules_by_role
from api.http.group_commit import IntakeWriter
from api.http.role_watch import RoleWatch
from api.storage.access_log import AccessLog, open_access_log
from api.storage.case_numbers import CaseNumbers, open_case_numbers
from api.storage.communities import CommunityStore, open_communities
from api.storage.tokens import Role, TokenStore, open_tokens
from api.storage.users import UserStore, open_users
from api.wiring import (
    log_key,
    open_audit_store_for,
    open_follower,
    open_notice_store_for,
    open_read_models,
    open_service,
    policy_book,
)
from projections.audit.notes import VerifierKey
from projections.audit.store import AuditStore
from projections.calendar import BusinessCalendar
from projections.follower import Follower
from projections.notices.store import NoticeStore
from projections.policy import Policy
from projections.store import ReadModelStore
from workflow.backdating import Backdating
from workflow.service import CaseService

BOOK_SECONDS = 2.0  # how stale the communities' policies may be in an answer
log = logging.getLogger("propdesk.http")


class FollowerThread:
    """Follows the event log until stopped; survives transient storage errors."""

    def __init__(self, follower: Follower, poll_seconds: float) -> None:
        self.follower = follower
        self.poll_seconds = poll_seconds
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, name="propdesk-follower", daemon=True)

    def start(self) -> None:
        self.thread.start()

    def _run(self) -> None:
        while not self.stop.is_set():
            try:
                self.follower.run(self.stop, poll_seconds=self.poll_seconds)
            except Exception:
                log.exception("the read-model follower failed; retrying in a second")
                self.stop.wait(1.0)

    def close(self) -> None:
        self.stop.set()
        self.thread.join(timeout=30)


@dataclass
class Runtime:
    config: ServerConfig
    service: CaseService
    store: ReadModelStore
    tokens: TokenStore
    communities: CommunityStore
    numbers: CaseNumbers
    calendar: BusinessCalendar
    intake: IntakeWriter
    users: UserStore
    access_log: AccessLog
    notices: NoticeStore  # the outbox, read by the console's live stream and case page
    follower: FollowerThread | None = None
    # How far back each role may date an action, from the settings.
    backdating: dict[Role, Backdating] = field(default_factory=dict)
    # Receivers a channel named, found to be staff, until when (`intake.receivers`).
    staff_seen: dict[str, float] = field(default_factory=dict)
    roles: RoleWatch | None = None  # who holds each role (the follower's, on PostgreSQL)
    # Set when the server is told to stop: the console's live streams end at once, since
    # the server waits for every open answer before it closes.
    stopping: threading.Event = field(default_factory=threading.Event)

    _book: Policy | None = None
    _book_read: float = 0.0
    _audit: AuditStore | None = None
    _audit_key: VerifierKey | None = None
    _opening: threading.Lock = field(default_factory=threading.Lock)

    def audit_store(self) -> AuditStore:
        """The audit tree's store, opened at first use (a case's proof)."""
        if self._audit is None:
            self._audit = open_audit_store_for(self.config.settings)
        return self._audit

    def audit_key(self) -> VerifierKey:
        """The log's verifier key, read from its file once; refused (AuditKeyError) before
        the key exists, and read again on the next call."""
        if self._audit_key is None:
            self._audit_key = log_key(self.config.settings)
        return self._audit_key

    @property
    def policy(self) -> Policy:
        """The deployment's policy with the communities' own, read again at most every
        BOOK_SECONDS (`propdesk community set-policy` may run beside the server)."""
        now = time.monotonic()
        if self._book is None or now - self._book_read >= BOOK_SECONDS:
            self._book = policy_book(self.config.settings.policy, self.service)
            self._book_read = now
        return self._book

    def forget_policy(self) -> None:
        """Read the communities' policies again on next use: this process recorded one."""
        self._book = None

    @classmethod
    def open(cls, config: ServerConfig) -> Runtime:
        settings = config.settings
        communities = open_communities(settings)
        try:
            service = open_service(settings, communities=communities)
        except BaseException:
            communities.close()
            raise
        try:
            thread: FollowerThread | None = None
            if config.follow:
                follower = open_follower(settings, settings.policy, service, audit=True)
                follower.catch_up()  # serve current read models from the first request
                thread = FollowerThread(follower, config.poll_seconds)
                store = follower.store
            else:
                store = open_read_models(settings)
            tokens = open_tokens(settings)
            numbers = open_case_numbers(settings)
            users = open_users(settings)
            access_log = open_access_log(settings)
            notices = open_notice_store_for(settings)
        except BaseException:
            service.close()
            communities.close()
            raise
        calendar = settings.policy.new_calendar()
        rules = rules_by_role(settings.late_entries)
        runtime = cls(
            config,
            service,
            store,
            tokens,
            communities,
            numbers,
            calendar,
            IntakeWriter(service, numbers_of=numbers.numbers_of),
            users,
            access_log,
            notices,
            thread,
            rules,
            roles=RoleWatch(settings),
        )
        if thread is not None:
            thread.start()
        return runtime

    def follower_running(self) -> bool | None:
        """Whether a read-model follower runs: in this process, or (on PostgreSQL) in any
        process holding the role; None when that cannot be told (SQLite)."""
        if self.follower is not None:
            return True
        held = self.roles.held() if self.roles is not None else None
        return None if held is None else held["follower"]

    def head(self) -> int:
        """The position of the last event in the log."""
        return self.service.recorder.max_notification_id() or 0

    def close(self) -> None:
        self.stopping.set()
        self.intake.close()
        if self.follower is not None:
            self.follower.close()
        self.tokens.close()
        self.users.close()
        self.access_log.close()
        self.communities.close()
        self.numbers.close()
        if self.roles is not None:
            self.roles.close()
        for store in (self.store, self._audit, self.notices):
            datastore = getattr(store, "datastore", None)  # every store has one
            if datastore is not None:
                datastore.close()
        self.service.close()
