"""Builds the application and the read models from the settings: the one place that knows
the storage."""

from __future__ import annotations

from contextlib import nullcontext
from dataclasses import replace
from functools import partial
from typing import Any

from eventsourcing.application import Application

from api.config.settings import Settings, audit_env, notices_env, read_models_env
from api.storage.audit_key import load_or_create_key
from api.storage.case_numbers import CaseNumbers
from api.storage.communities import CommunityStore
from api.storage.in_use import opening
from api.storage.own_tables import open_side_database, schema_lock
from api.storage.recorders import SavedWithTheirRecords, recorder_topic
from api.storage.reporters import SqlReporters
from api.storage.sqlite_write_lock import SqliteWriteLock
from projections.audit.notes import VerifierKey
from projections.audit.store import AuditStore, open_audit_store
from projections.audit.tree import AuditTree, Signer
from projections.follower import Follower
from projections.notices.follower import NoticeFollower
from projections.notices.store import NoticeStore, open_notice_store
from projections.policy import Policy
from projections.store import ReadModelStore, open_store
from workflow.service import CaseService, Clock, system_clock


def open_service(
    settings: Settings,
    *,
    clock: Clock = system_clock,
    communities: CommunityStore | None = None,
) -> CaseService:
    """`communities`: the directory intake checks codes against; opened here, on the
    reporters' connections, if not given."""
    with schema_lock(settings), opening(settings) as keep:
        # The recorder writes new cases' reporters' records in the transaction of their
        # events, when intake saves them through SavedWithTheirRecords.
        env = {
            **settings.eventsourcing_env(),
            "APPLICATION_RECORDER_TOPIC": recorder_topic(settings.is_postgres),
        }
        side = open_side_database(settings)
        reporters = SqlReporters(side)
        directory = communities or CommunityStore(side)
        numbers = CaseNumbers(side)  # its table, before the recorder writes to it
        # PostgreSQL queues its writers itself; SQLite's would sleep and poll.
        turns = nullcontext if settings.is_postgres else SqliteWriteLock(settings.sqlite_path)
        service = CaseService(
            env,
            clock=clock,
            reporters=reporters,
            write_turn=turns,
            new_cases=partial(SavedWithTheirRecords, zone=settings.timezone),
            # Direct callers (embedding code, the simulator) are trusted: an admin's rule.
            backdating=settings.late_entries.admins,
            communities=directory,
            erases_with_events=True,  # the recorder above deletes erased records
        )
        keep(service)
        numbers.backfill(service, settings.timezone)
        return service


def open_read_models(settings: Settings) -> ReadModelStore:
    with schema_lock(settings), opening(settings, read_models=True) as keep:
        store = open_store(read_models_env(settings))
        keep(store)
        return store


# How often the follower takes events into the notices: the case notices wait at most this
# long; the warnings' own instants are checked at every round.
NOTICES_INTERVAL = 0.25


def open_follower(
    settings: Settings,
    policy: Policy,
    service: CaseService | None = None,
    *,
    rebuilding: bool = False,
    audit: bool = False,
    notices: bool | None = None,
) -> Follower:
    """`audit`: the follower also keeps the audit tree and signs its checkpoints, in `run`;
    `notices` (by default as `audit`): it also keeps the notices and fires the warnings."""
    app = service or open_service(settings)
    directory = app.communities
    books = directory.policy_versions if isinstance(directory, CommunityStore) else None
    follower = Follower(app, open_read_models(settings), policy, rebuilding=rebuilding, books=books)
    if audit:
        follower.companions.append(open_audit_tree(settings, app))
    if audit if notices is None else notices:
        keeper = NoticeFollower(
            app,
            open_notice_store_for(settings),
            follower.current_policy,
            follower.calendar,
            read_models=follower.store,
            interval=NOTICES_INTERVAL,
        )
        follower.companions.append(keeper)
        follower.page_listeners.append(keeper.offer)
    return follower


def policy_book(policy: Policy, service: CaseService) -> Policy:
    """`policy` with each community's own policies, as the registry holds them now."""
    directory = service.communities
    if not isinstance(directory, CommunityStore):
        return policy
    return replace(policy, communities=directory.policy_versions())


def open_audit_store_for(settings: Settings) -> AuditStore:
    with schema_lock(settings), opening(settings, audit=True) as keep:
        store = open_audit_store(audit_env(settings))
        keep(store)
        return store


def open_notice_store_for(settings: Settings) -> NoticeStore:
    """The outbox of notices and the webhooks' endpoints and deliveries."""
    with schema_lock(settings), opening(settings, notices=True) as keep:
        store = open_notice_store(notices_env(settings))
        keep(store)
        return store


def signer_for(settings: Settings, *, create: bool = True) -> Signer:
    """The key is read (or, with `create`, made) when the first checkpoint is signed."""
    return Signer(
        partial(load_or_create_key, settings.audit_key_path, create=create),
        settings.audit.origin,
        settings.audit.checkpoint_seconds,
    )


def open_audit_tree(settings: Settings, app: Application[Any]) -> AuditTree:
    return AuditTree(app, open_audit_store_for(settings), signer_for(settings))


def log_key(settings: Settings) -> VerifierKey:
    """The verifier key of this deployment's log; refuses when there is no key yet."""
    return signer_for(settings, create=False).verifier
