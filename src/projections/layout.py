"""Whether the read models fit this version: the table layout they were written in, and
the policy they were built with. An older layout is upgraded where `UPGRADES` knows how;
anything else must be rebuilt from the events first."""

from __future__ import annotations

from typing import Any

from eventsourcing.application import Application

from projections.policy import Policy
from projections.schema import SCHEMA_VERSION
from projections.store import ReadModelStore
from projections.upgrades import FILLED_FROM_THE_LOG, UPGRADES


class PolicyMismatch(RuntimeError):
    pass


def check_build(store: ReadModelStore, policy: Policy, log: Application[Any]) -> None:
    """Upgrade the read models' layout if it is older and known (from `log`, the event
    log they follow, where a step needs it); refuse them (with the command that rebuilds
    them) if their layout or their policy is not this one."""
    if store.position() == 0:
        record_build(store, policy)
        store.create_indexes()
        return
    schema = store.meta("schema")
    while schema in UPGRADES:
        schema, statements = UPGRADES[schema]
        fill = FILLED_FROM_THE_LOG.get(schema)
        filled = [] if fill is None else [fill(log, store.position())]
        store.upgrade([*statements, *filled], schema)
    if schema != SCHEMA_VERSION:
        raise PolicyMismatch(
            f"the read models have table layout {schema or 'unknown'}, this version "
            f"uses {SCHEMA_VERSION}; run `propdesk projections rebuild`"
        )
    built_with = store.meta("policy")
    if built_with != policy.digest:
        raise PolicyMismatch(
            f"the read models were built with policy {store.meta('policy_name')!r} "
            f"({built_with}), not {policy.name!r} ({policy.digest}); run "
            "`propdesk projections rebuild` with the policy to switch"
        )
    store.create_indexes()  # those on columns an upgrade added (`schema.tables`)


def record_build(store: ReadModelStore, policy: Policy) -> None:
    store.set_meta("policy", policy.digest)
    store.set_meta("policy_name", policy.name)
    store.set_meta("schema", SCHEMA_VERSION)
