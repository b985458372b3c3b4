"""Opens the audit tree and its signer from the settings (docs/audit.md)."""

from __future__ import annotations

from functools import partial
from typing import Any

from eventsourcing.application import Application

from api.config.settings import Settings, audit_env
from api.storage.audit_key import load_or_create_key
from api.storage.in_use import opening
from api.storage.own_tables import schema_lock
from projections.audit.notes import VerifierKey
from projections.audit.store import AuditStore, open_audit_store
from projections.audit.tree import AuditTree, Signer


def open_audit_store_for(settings: Settings) -> AuditStore:
    with schema_lock(settings), opening(settings, audit=True) as keep:
        store = open_audit_store(audit_env(settings))
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
