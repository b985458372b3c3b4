"""Read models of an older table layout, brought up to this one where that is simple and
safe: each step rewrites what the older layout stored, in the same transaction as the
layout it reaches. A layout with no step here must be rebuilt from the events."""

from __future__ import annotations

from projections.store import Statement
from workflow.communities import DEFAULT_COMMUNITY
from workflow.events import (
    AcceptanceFailed,
    AcceptancePassed,
    AcceptanceRequested,
    Approved,
    Arrived,
    CallbackRecorded,
    Cancelled,
    Completed,
    DepositRefunded,
    Dispatched,
    HandedOver,
    Held,
    Inspected,
    Invalidated,
    QuoteAccepted,
    Quoted,
    Received,
    Rejected,
    Replied,
    Resumed,
    Signed,
)

# What layout 4's timeline stored as an event's type, its class name then, and the topic
# stored now. The names are a record of what was written, so they are spelled out: they
# must not follow a class that is renamed later.
LAYOUT_4_TYPES: dict[str, str] = {
    "Received": Received.TOPIC,
    "Dispatched": Dispatched.TOPIC,
    "Signed": Signed.TOPIC,
    "Arrived": Arrived.TOPIC,
    "Quoted": Quoted.TOPIC,
    "QuoteAccepted": QuoteAccepted.TOPIC,
    "Held": Held.TOPIC,
    "Resumed": Resumed.TOPIC,
    "Replied": Replied.TOPIC,
    "Completed": Completed.TOPIC,
    "CallbackRecorded": CallbackRecorded.TOPIC,
    "HandedOver": HandedOver.TOPIC,
    "Cancelled": Cancelled.TOPIC,
    "Invalidated": Invalidated.TOPIC,
    "Approved": Approved.TOPIC,
    "Rejected": Rejected.TOPIC,
    "Inspected": Inspected.TOPIC,
    "AcceptanceRequested": AcceptanceRequested.TOPIC,
    "AcceptancePassed": AcceptancePassed.TOPIC,
    "AcceptanceFailed": AcceptanceFailed.TOPIC,
    "DepositRefunded": DepositRefunded.TOPIC,
}

# Layout -> (the layout it upgrades to, the statements that do it).
UPGRADES: dict[str, tuple[str, list[Statement]]] = {
    # Layout 5: the timeline names each event by its topic, not by its class name.
    "4": (
        "5",
        [
            (
                "UPDATE rm_timeline SET type = ? WHERE type = ?",
                [(topic, name) for name, topic in LAYOUT_4_TYPES.items()],
            )
        ],
    ),
    # Layout 6: every case belongs to a community; those indexed before belong to the
    # default one, as their events do (Received's upcaster).
    "5": (
        "6",
        [
            (
                "ALTER TABLE rm_case_index ADD COLUMN community TEXT NOT NULL"
                f" DEFAULT '{DEFAULT_COMMUNITY}'",
                [()],
            ),
        ],
    ),
    # Layout 7: the policy version each case and each milestone is judged under; every one
    # indexed before is judged under the deployment's policy (version 0), which the read
    # models were built with.
    "6": (
        "7",
        [
            (
                "ALTER TABLE rm_case_index ADD COLUMN policy_version INTEGER NOT NULL DEFAULT 0",
                [()],
            ),
            (
                "ALTER TABLE rm_milestones ADD COLUMN policy_version INTEGER NOT NULL DEFAULT 0",
                [()],
            ),
            ("ALTER TABLE rm_milestones ADD COLUMN policy_name TEXT", [()]),
            (
                "UPDATE rm_milestones SET policy_name ="
                " (SELECT value FROM rm_meta WHERE key = 'policy_name')",
                [()],
            ),
        ],
    ),
}
